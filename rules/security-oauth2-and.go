package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-oauth2-and",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Doc:      "Checks that no security requirement object ANDs two oauth2 schemes.",
		Details: `Service Management accepts only OR between JWT providers (separate list items) and rejects a
requirement object naming two oauth2 definitions. AND of an API key with one oauth2 scheme is supported.`,
		Sources: []lint.Source{apiCompiler("aspects/auth/AuthRequirementValidator.java", "reportLogicallyAndedSchemaError"), docGatewayLimits},
		SecList: func(p *lint.Pass, l *spec.SecList) {
			for _, r := range l.Reqs {
				var oauth []string
				for _, n := range r.Names {
					if n.Scheme != nil && n.Scheme.IsOAuth2() {
						oauth = append(oauth, n.Name)
					}
				}
				if len(oauth) < 2 {
					continue
				}
				p.ReportKeyAt(requirement(l, r.Index).Get(oauth[1]), "%s: security section contains multiple security definitions '%s' within the scope (Security Requirement Object) that get logically ANDed (both requirements need to be satisfied to allow the request). We only support allowing logical OR between security definitions. Therefore, please write requirements in different objects inside the array (which would mean logical OR, that is, any of the requirement should be sufficient to allow the request.)",
					l.Where(), strings.Join(oauth, ","))
			}
		},
	})
}
