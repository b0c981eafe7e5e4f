package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// SecurityXSecurity reports the legacy x-security extension.
var SecurityXSecurity = &lint.Rule{
	ID:       "security-x-security",
	Category: lint.CategorySecurity,
	Severity: lint.Warning,
	Doc:      "Checks for the legacy x-security extension (per-requirement audiences), which current documentation no longer describes.",
	Details: `The historical api-compiler read x-security at the top level and on operations to attach audiences
to individual requirements, and failed on malformed values ("Extension x-security does not have a valid
value"). Current Cloud Endpoints and API Gateway documentation describe audiences only as
x-google-audiences on the oauth2 security definition; move them there and use the standard security
list.`,
	Bad:    "x-security:\n- google_jwt:\n    audiences: [aud1]\n",
	Good:   "securityDefinitions:\n  google_jwt:\n    type: oauth2\n    x-google-issuer: https://accounts.google.com\n    x-google-audiences: aud1\nsecurity:\n- google_jwt: []\n",
	Source: "api-compiler AuthRuleGenerator / AuthRequirementValidator (x-security)",
	Check: func(p *lint.Pass) {
		const key = "x-security"
		msg := "x-security is a legacy extension not described in current Google documentation; put audiences in x-google-audiences on the oauth2 security definition and use security instead"
		if k, _ := spec.MapGet(p.Doc.Root, key); k != nil {
			p.ReportKey(spec.Pointer(key), "%s", msg)
		}
		for _, op := range secOperations(p.Doc) {
			if k, _ := spec.MapGet(op.Node, key); k != nil {
				p.ReportKey(spec.Append(op.Ptr, key), "%s", msg)
			}
		}
	},
}

func init() {
	register(SecurityXSecurity)
}
