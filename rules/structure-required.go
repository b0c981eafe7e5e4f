package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "structure-required",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks the fields the Swagger 2.0 schema requires: info.title, info.version, paths, and responses on every operation.",
		Details: `Service Management validates the document against the Swagger 2.0 JSON Schema and fails with
"Invalid OpenAPI file. Please fix the schema errors:" followed by keyword="required" items.`,
		Sources: []lint.Source{srcValidateSchema, swagger2Schema("required"), apiCompilerTest("schema_error.baseline")},
		Check:   checkRequired,
		Op: func(p *lint.Pass, op *spec.Op) {
			if !spec.IsMap(op.Node) {
				p.Report(op.Ptr, "operation %s %s must be an object, not %s", strings.ToUpper(op.Method), op.Path, spec.TypeName(op.Node))
				return
			}
			switch _, r := spec.MapGet(op.Node, "responses"); {
			case r == nil:
				p.ReportKey(op.Ptr, `%s: responses is required (keyword="required" missing=["responses"])`, op.Where())
			case !spec.IsMap(r) || len(spec.Deref(r).Content) == 0:
				p.Report(op.At("responses"), "%s: responses must be an object with at least one response code", op.Where())
			}
		},
	})
}

// checkRequired checks the top-level members the schema requires.
func checkRequired(p *lint.Pass) {
	root := p.Doc.Root
	switch _, info := spec.MapGet(root, "info"); {
	case info == nil:
		p.ReportNode(lint.Error, root, "/info", `Invalid OpenAPI file: the required "info" object is missing; add info with title and version`)
	case !spec.IsMap(info):
		p.Report("/info", "info must be an object with title and version, not %s", spec.TypeName(info))
	default:
		for _, f := range []string{"title", "version"} {
			if spec.Get(info, f) == nil {
				p.ReportKey("/info", `Invalid OpenAPI file: info.%s is required (keyword="required" missing=["%s"])`, f, f)
			} else if v := spec.Deref(spec.Get(info, f)); !spec.IsString(v) && f == "title" {
				p.Report(spec.Pointer("info", f), "info.%s must be a string, not %s", f, spec.Describe(v))
			}
		}
	}
	switch _, paths := spec.MapGet(root, "paths"); {
	case paths == nil:
		p.ReportNode(lint.Error, root, "/paths", `Invalid OpenAPI file: the required "paths" object is missing; add paths: {} at least`)
	case !spec.IsMap(paths):
		p.Report("/paths", "paths must be an object mapping path templates to path items, not %s", spec.TypeName(paths))
	}
}
