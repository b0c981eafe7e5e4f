package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "structure-base-path",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that basePath is a string starting with /.",
		Sources:  []lint.Source{srcValidateSchema, swagger2Schema("basePath")},
		Check: func(p *lint.Pass) {
			bp, ok := p.WantString(p.G.BasePath, "basePath must be a string starting with /")
			if ok && !strings.HasPrefix(bp, "/") {
				p.ReportAt(p.G.BasePath, "basePath %q must start with /: write %q", bp, "/"+bp)
			}
		},
	})
}
