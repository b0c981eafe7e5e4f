package rules

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-reference",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks that x-google-backend (top level and on operations) is a string naming a backend of x-google-api-management.backends.",
		Details: `In OpenAPI 3.x the backends are declared once under x-google-api-management.backends, and
x-google-backend names one of them; the top-level value is the default for every operation that does
not name its own. The Swagger 2.0 object form is rejected: API Gateway answers "Extension
x-google-backend does not have a valid value. {address=…} is not defined in x-google-api-management."
(the exact text for a name that is not defined is not verified; corsgate uses the same wording).`,
		Sources: []lint.Source{docGatewayExt3, docEndpointsExt3, doc("API Gateway: Authenticating with API keys (OpenAPI 3.x sample)", "https://cloud.google.com/api-gateway/docs/authenticate-api-keys")},
		Check: func(p *lint.Pass) {
			checkBackendRef(p, p.G.RootBackendRef)
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			checkBackendRef(p, op.BackendRef)
		},
	})
}

func checkBackendRef(p *lint.Pass, ref spec.Value) {
	if !ref.Present() {
		return
	}
	name, ok := ref.Str()
	if ok && p.G.NamedBackend(name) != nil {
		return // the common case: nothing to build (a spec may declare thousands of backends)
	}
	names := make([]string, 0, len(p.G.Backends))
	for _, b := range p.G.Backends {
		names = append(names, b.Name)
	}
	if !ok {
		shown := jsonOf(ref)
		report := p.ReportAt
		if ref.IsMap() || ref.IsSeq() {
			report = p.ReportKeyAt // a block value starts on the next line
		}
		report(ref, "Extension x-google-backend does not have a valid value. %s is not defined in x-google-api-management. Please check your OpenAPI spec to ensure all backend extensions are defined. In OpenAPI 3.x x-google-backend is the name of a backend declared under x-google-api-management.backends (the object form is Swagger 2.0)%s", shown, knownBackends(names))
		return
	}
	hint := knownBackends(names)
	if s := lint.Suggest(name, names); s != "" {
		hint = "; did you mean " + s + "?"
	}
	p.ReportAt(ref, "Extension x-google-backend does not have a valid value. %s is not defined in x-google-api-management. Please check your OpenAPI spec to ensure all backend extensions are defined%s", name, hint)
}

// knownBackends lists the declared backends for a message: the first
// maxListed of them, and how many more there are.
func knownBackends(names []string) string {
	const maxListed = 10
	switch {
	case len(names) == 0:
		return "; the document declares no backends (add x-google-api-management.backends)"
	case len(names) > maxListed:
		return "; declared backends: " + strings.Join(names[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	return "; declared backends: " + strings.Join(names, ", ")
}
