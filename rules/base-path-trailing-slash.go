package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "base-path-trailing-slash",
		Category: lint.CategoryPaths,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that basePath does not end with a slash (other than basePath: /).",
		Details: `Service Management prefixes basePath to every path to build the HTTP rules (api-compiler
HttpRuleGenerator: basePath + path), so basePath: /v1/ with path /items gives /v1//items, an empty
segment that Google's path templates cannot express, and requests to /v1/items do not match it.
Same verdict for every target.`,
		Sources: []lint.Source{apiCompiler("aspects/HttpRuleGenerator.java", "createHttpRule"), srcURITemplate},
		Check: func(p *lint.Pass) {
			bp, ok := p.G.BasePath.Str()
			if !ok || bp == "/" || !strings.HasSuffix(bp, "/") || !strings.HasPrefix(bp, "/") {
				return
			}
			p.ReportAt(p.G.BasePath, "basePath %q ends with a slash: Service Management prefixes it to every path, giving %q; write basePath: %s", bp, bp+"/items", strings.TrimRight(bp, "/"))
		},
	})
}
