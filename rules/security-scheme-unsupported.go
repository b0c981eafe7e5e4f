package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-scheme-unsupported",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2}, // the 2.0 type enum; 3.x has http and openIdConnect
		Doc:      "Checks that security definitions use a type Google supports: apiKey or oauth2 (with x-google-issuer), not basic.",
		Details: `Service Management ignores type: basic with a warning, so operations that name it get no
authentication at all. A missing type or one outside the Swagger 2.0 enum (basic, apiKey, oauth2) fails
schema validation: error.`,
		Sources: []lint.Source{srcAddAuthProvider, swaggerSchema("securityDefinitions")},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			if !s.IsMap() {
				p.ReportAtSeverity(lint.Error, s.Value, "security definition %q must be an object with a type, not %s", s.Name, spec.TypeName(s.Node))
				return
			}
			typ := s.Get("type")
			switch t, isString := typ.Str(); {
			case !typ.Present():
				p.ReportKeyAtSeverity(lint.Error, s.Value, "security definition %q has no type; write type: apiKey or type: oauth2 (with x-google-issuer)", s.Name)
			case !isString:
				p.ReportAtSeverity(lint.Error, typ, "security definition %q: type must be a string (apiKey or oauth2), not %s", s.Name, spec.Describe(typ.Node))
			case t == "basic":
				p.ReportAt(typ, "Security Schema '%s' is not supported. Only support schema are OAuth2 (and apiKey); Service Management ignores it, so operations that require it are not authenticated", s.Name)
			case t == "apiKey" || t == "oauth2":
			default:
				p.ReportAtSeverity(lint.Error, typ, "security definition %q: type %q is not one of the Swagger 2.0 types basic, apiKey and oauth2 (case matters)", s.Name, t)
			}
		},
	})
}
