package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// The BackendRule fields Google documents for OpenAPI, as its Swagger 2.0
// pages spell them and as its 3.x pages do; both spellings are read in
// either version. "valid keys are" lists the version's spelling, "did you
// mean" looks at both.
var (
	backendFields2      = []string{"address", "deadline", "path_translation", "jwt_audience", "disable_auth", "protocol"}
	backendFields3      = []string{"address", "deadline", "pathTranslation", "jwtAudience", "disableAuth", "protocol"}
	backendFieldsEither = append(append([]string(nil), backendFields2...), "pathTranslation", "jwtAudience", "disableAuth")
)

func init() {
	register(&lint.Rule{
		ID:       "backend-fields",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend is an object holding only BackendRule fields of the right type.",
		Details: `The extension is parsed into google.api.BackendRule with proto-JSON: an unknown key fails the
deploy ("Cannot find field"). Both spellings are accepted: jwt_audience/jwtAudience,
disable_auth/disableAuth, path_translation/pathTranslation; setting both spellings of one field is an
error. An unknown key gets the closest field in either spelling, or the list of fields as Google's pages
for the document's version spell them (snake_case for 2.0, camelCase for 3.x). operation_deadline, min_deadline and overrides_by_request_protocol exist in the proto but are not
supported in OpenAPI (warning); selector is filled in by Service Management (warning). jwt_audience must
be a string and disable_auth a boolean. OpenAPI 3.x: the same checks apply to each backend declared under
x-google-api-management.backends, and messages name that backend (Service Management's 3.x wording is
UNVERIFIED).`,
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
					if b.Name != "" { // 3.x: the backend is declared in x-google-api-management (Service Management's wording there UNVERIFIED)
						msg = b.Where() + " cannot be converted into proto type google.api.BackendRule. Details: Cannot find field: %s in message google.api.BackendRule"
					}
					valid := backendFields2
					if p.G.Version.IsOpenAPI3() {
						valid = backendFields3
					}
					if sug := lint.Suggest(key, backendFieldsEither); sug != "" {
						p.ReportKeyAt(v, msg+" (did you mean %q?)", key, sug)
					} else {
						p.ReportKeyAt(v, msg+"; valid keys are %s", key, strings.Join(valid, ", "))
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
					p.ReportKeyAtSeverity(lint.Warning, v, "%s is a google.api.BackendRule field but is not supported in OpenAPI %s; use deadline", key, backendObject(b))
				case "selector":
					p.ReportKeyAtSeverity(lint.Warning, v, "selector is filled in by Service Management from the operation; remove it from %s", backendObject(b))
				case "jwt_audience":
					p.WantString(v, "%s must be a string (the audience of the ID token ESPv2 sends to the backend)", key)
				case "disable_auth":
					p.WantBool(v, "%s must be a boolean (true or false)", key)
				}
			})
		},
	})
}
