package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// xSecurity is the legacy extension; xSecurityMessage is what the rule says
// wherever it is written.
const (
	xSecurity        = "x-security"
	xSecurityMessage = "x-security is a legacy extension not described in current Google documentation; put audiences in x-google-audiences on the oauth2 security definition and use security instead"
)

func init() {
	register(&lint.Rule{
		ID:       "security-x-security",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2}, // a 2.0 extension
		Doc:      "Checks for the legacy x-security extension (per-requirement audiences), which current documentation no longer describes.",
		Details: `The historical api-compiler read x-security at the top level and on operations to attach audiences
to individual requirements, and failed on malformed values ("Extension x-security does not have a valid
value"). Current Cloud Endpoints and API Gateway documentation describe audiences only as
x-google-audiences on the oauth2 security definition; move them there and use the standard security
list.`,
		Sources: []lint.Source{
			apiCompiler("aspects/auth/AuthRuleGenerator.java", "getSecurityRequirements"),
			apiCompiler("aspects/auth/AuthRequirementValidator.java", "extensionHasErrors"),
			docEndpointsExtensions,
		},
		Check: func(p *lint.Pass) {
			if v := p.G.Root().Get(xSecurity); v.Present() {
				p.ReportKeyAt(v, xSecurityMessage)
			}
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			// Look the key up first: the operation's Value builds its pointer.
			if k, _ := spec.MapGet(op.Node, xSecurity); k != nil {
				p.ReportKeyAt(op.Object().Get(xSecurity), xSecurityMessage)
			}
		},
	})
}
