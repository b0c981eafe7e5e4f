package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// backendDocumented are the BackendRule fields Google documents for
// OpenAPI, offered as suggestions.
var backendDocumented = []string{"address", "deadline", "path_translation", "jwt_audience", "disable_auth", "protocol"}

func init() {
	register(&lint.Rule{
		ID:       "backend-fields",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend is an object holding only BackendRule fields of the right type.",
		Details: `The extension is parsed into google.api.BackendRule with proto-JSON: an unknown key fails the
deploy ("Cannot find field"). Both spellings are accepted: jwt_audience/jwtAudience,
disable_auth/disableAuth, path_translation/pathTranslation; setting both spellings of one field is an
error. operation_deadline, min_deadline and overrides_by_request_protocol exist in the proto but are not
supported in OpenAPI (warning); selector is filled in by Service Management (warning). jwt_audience must
be a string and disable_auth a boolean.`,
		// api-compiler predates x-google-backend; the wording of the
		// unknown-field error is that of its proto-JSON conversion of every
		// other extension.
		Sources: []lint.Source{proto("backend.proto", "BackendRule"), srcExtensionProto, docEndpointsExtensions},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			if !b.IsMap() {
				p.ReportAt(b.Value, "%s must be an object such as {address: https://backend.example.com}, not %s", b.Where(), spec.TypeName(b.Node))
				return
			}
			seen := map[string]string{}
			b.Pairs(func(key string, v spec.Value) {
				field, ok := spec.BackendFields[key]
				if !ok {
					msg := "Extension x-google-backend cannot be converted into proto type google.api.BackendRule. Details: Cannot find field: %s in message google.api.BackendRule"
					if sug := lint.Suggest(key, backendDocumented); sug != "" {
						p.ReportKeyAt(v, msg+" (did you mean %q?)", key, sug)
					} else {
						p.ReportKeyAt(v, msg+"; valid keys are %s", key, strings.Join(backendDocumented, ", "))
					}
					return
				}
				if prev, dup := seen[field]; dup {
					p.ReportKeyAt(v, "%s sets %s twice (as %s and %s); keep one spelling", b.Where(), field, prev, key)
					return
				}
				seen[field] = key
				switch field {
				case "operation_deadline", "min_deadline", "overrides_by_request_protocol":
					p.ReportKeyAtSeverity(lint.Warning, v, "%s is a google.api.BackendRule field but is not supported in OpenAPI x-google-backend; use deadline", key)
				case "selector":
					p.ReportKeyAtSeverity(lint.Warning, v, "selector is filled in by Service Management from the operation; remove it from x-google-backend")
				case "jwt_audience":
					p.WantString(v, "%s must be a string (the audience of the ID token ESPv2 sends to the backend)", key)
				case "disable_auth":
					p.WantBool(v, "%s must be a boolean (true or false)", key)
				}
			})
		},
	})
}
