package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// xSecurityMessage is what the rule says wherever x-security is written.
const xSecurityMessage = "x-security is a legacy extension not described in current Google documentation; put audiences in x-google-audiences on the oauth2 security definition and use security instead"

func init() {
	register(&lint.Rule{
		ID:       "security-x-security",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Versions: swagger2,
		Doc:      "Checks for the legacy x-security extension (per-requirement audiences), which current documentation no longer describes, and for the x-security values Service Management rejects.",
		Details: `api-compiler reads x-security at the top level and on operations to attach audiences to individual
requirements. Current Cloud Endpoints and API Gateway documentation describe audiences only as
x-google-audiences on the oauth2 security definition, so every use is a warning: move the audiences
there and use the standard security list. A value Service Management rejects is an error, with its
wording: a scheme that is not an oauth2 security definition ("Schema '%s' referenced in extension
x-security does not have a valid value"), an entry without an audiences list ("Extension x-security does
not have a valid value"), and two schemes in one requirement object, which would be AND-ed.`,
		Sources: []lint.Source{
			apiCompiler("aspects/auth/AuthRuleGenerator.java", "getSecurityRequirements"),
			apiCompiler("aspects/auth/AuthRequirementValidator.java", "extensionHasErrors"),
			apiCompiler("aspects/auth/AuthRequirementValidator.java", "reportLogicallyAndedSchemaError"),
			apiCompilerTest("auth_with_error.baseline"),
			docEndpointsExtensions,
		},
		Check: func(p *lint.Pass) {
			checkXSecurity(p, p.G.Root().Get("x-security"), "OpenAPI")
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			// Look the key up first: the operation's Value builds its pointer.
			if k, _ := spec.MapGet(op.Node, "x-security"); k != nil {
				checkXSecurity(p, op.Object().Get("x-security"), op.Where())
			}
		},
	})
}

// checkXSecurity reports one x-security value: the legacy warning, then
// what api-compiler rejects in it.
func checkXSecurity(p *lint.Pass, v spec.Value, where string) {
	if !v.Present() {
		return
	}
	p.ReportKeyAt(v, xSecurityMessage)
	items, ok := v.Items(), v.IsSeq()
	if !ok {
		p.ReportAtSeverity(lint.Error, v, "%s: Extension x-security does not have the valid value. Please check the documentation for its schema (a list of {SCHEME: {audiences: [...]}} objects)", where)
		return
	}
	for _, req := range items {
		var names []string
		req.Pairs(func(name string, m spec.Value) {
			names = append(names, name)
			if s := p.G.Scheme(name); s == nil || !s.IsOAuth2() {
				p.ReportKeyAtSeverity(lint.Error, m, "%s: Schema '%s' referenced in extension x-security does not have a valid value. Please check the documentation for its schema (it must name an oauth2 security definition)", where, name)
				return
			}
			if !m.Get("audiences").IsSeq() {
				p.ReportKeyAtSeverity(lint.Error, m, "%s: Extension x-security does not have a valid value. Please check the documentation for its schema (%s needs an audiences list)", where, name)
			}
		})
		if len(names) > 1 {
			p.ReportAtSeverity(lint.Error, req, "%s: x-security section contains multiple security definitions '%s' within the scope (Security Requirement Object) that get logically ANDed (both requirements need to be satisfied to allow the request). We only support allowing logical OR between security definitions. Therefore, please write requirements in different objects inside the array (which would mean logical OR, that is, any of the requirement should be sufficient to allow the request.)", where, strings.Join(names, ","))
		}
	}
}
