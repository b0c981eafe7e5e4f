package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Legacy backend extensions (reference endpoints-rules.md §1.2, last bullet):
// the open-source api-compiler read x-google-backend-url (string) and
// x-google-backend-deadline (number) on operations. Current documentation
// only describes x-google-backend.

// legacyBackendExtensions maps each legacy name to the x-google-backend field
// that replaces it.
var legacyBackendExtensions = [][2]string{
	{"x-google-backend-url", "address"},
	{"x-google-backend-deadline", "deadline"},
}

// BackendLegacyExtension reports x-google-backend-url and x-google-backend-deadline.
var BackendLegacyExtension = &lint.Rule{
	ID:       "backend-legacy-extension",
	Category: lint.CategoryBackend,
	Severity: lint.Warning,
	Doc:      "Checks for the legacy x-google-backend-url and x-google-backend-deadline extensions.",
	Details: `These predecessors of x-google-backend appear in the historical api-compiler but not in current
Cloud Endpoints or API Gateway documentation; ESPv2 routes by x-google-backend. Write
x-google-backend: {address: URL, deadline: SECONDS} instead.`,
	Bad:    "x-google-backend-url: https://backend.example.com\nx-google-backend-deadline: 30\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  deadline: 30\n",
	Source: "api-compiler ExtensionNames (x-google-backend-url, x-google-backend-deadline); Cloud Endpoints docs, OpenAPI extensions",
	Check: func(p *lint.Pass) {
		check := func(node *yaml.Node, ptr string) {
			for _, l := range legacyBackendExtensions {
				if k, _ := spec.MapGet(node, l[0]); k != nil {
					p.ReportKey(spec.Append(ptr, l[0]), "%s is a legacy extension not described in current Google documentation; use x-google-backend: {%s: …} instead", l[0], l[1])
				}
			}
		}
		check(p.Doc.Root, "")
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			if exts[i].legacy {
				check(ops[i].Node, ops[i].Ptr)
			}
		}
	},
}

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
	register(BackendLegacyExtension)
	register(SecurityXSecurity)
}
