package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "path-params-match",
		Heavy:    true,
		Category: lint.CategoryPaths,
		Severity: lint.Error,
		Doc:      "Checks that every path template variable has an in: path parameter and every in: path parameter appears in the template.",
		Details: `Swagger 2.0 requires both directions. Parameters count from the operation and from its path item,
following $ref to the root parameters section. Service Management renames each template variable
after its parameter (shelfId becomes shelf_id in the generated HTTP rule); a variable without a
parameter is left as written and is not passed to the request message, and a path parameter that is
not in the template can never be set. Same verdict for every target.`,
		Sources: []lint.Source{
			doc("Swagger 2.0 specification: Path Templating", "https://swagger.io/specification/v2/#path-templating"),
			apiCompiler("aspects/HttpRuleGenerator.java", "createHttpRule"),
		},
		Check: func(p *lint.Pass) {
			reported := map[*yaml.Node]bool{} // a path item's parameter is reported once
			for _, op := range p.G.Ops {
				if strings.HasPrefix(op.Path, "/") && spec.IsMap(op.Node) {
					checkPathParams(p, op, reported)
				}
			}
		},
	})
}

func checkPathParams(p *lint.Pass, op *spec.Op, reported map[*yaml.Node]bool) {
	t := parseTemplate(op.Path)
	params := p.G.Params(op)
	for _, v := range t.Vars {
		name, _, _ := strings.Cut(v.Name, ".") // {book.name}: the parameter is book
		found := false
		for _, prm := range params {
			if prm.In == "path" && (prm.Name == name || prm.Name == v.Name) {
				found = true
				break
			}
		}
		if !found {
			typ := "type: string" // OpenAPI 3.x parameters carry their type in a schema
			if p.Doc.Version.IsOpenAPI3() {
				typ = "schema: {type: string}"
			}
			p.ReportNode(lint.Error, op.Key, op.Ptr, "%s: the template variable %s has no 'in: path' parameter named %q; add - {name: %s, in: path, required: true, %s}", op.Where(), v.Raw, v.Name, v.Name, typ)
		}
	}
	for _, prm := range params {
		if prm.In != "path" || reported[prm.Entry] {
			continue
		}
		found := false
		for _, v := range t.Vars {
			if v.Name == prm.Name || strings.HasPrefix(v.Name, prm.Name+".") {
				found = true
				break
			}
		}
		if !found {
			reported[prm.Entry] = true
			p.Report(prm.NamePtr(op), "path parameter %q is not in the path template '%s' (Operation '%s'); rename it to match a {variable} or change in: to query", prm.Name, op.Path, op.Method)
		}
	}
}
