package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// UNVERIFIED (chosen behaviour): an operation-level x-google-backend is taken
// to replace the top-level one as a whole, so an address is not inherited
// (spec.Google.EffectiveBackend).

func init() {
	register(&lint.Rule{
		ID:       "backend-address-required",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that every operation resolves to a backend address on API Gateway, and that an operation-level x-google-backend without address does not silently drop the top-level address.",
		Details: `An operation-level x-google-backend overrides the top-level one for that operation. corsgate
assumes the override is of the whole object (no field, address included, is inherited); this is inferred
from the BackendRule being generated per operation and is not verified against Service Management.
Target api-gateway: there is no sidecar backend, so every operation needs an address, either from its own
x-google-backend or (when it has none) from the top-level one: error. Targets endpoints-espv2 and
endpoints-esp: an x-google-backend without address is ESPv2 sidecar mode (requests go to --backend), which
is valid; corsgate only warns when an operation's x-google-backend has no address while the top-level one
has, because that operation then goes to the local backend instead of the top-level address.
OpenAPI 3.x: backends are declared once under x-google-api-management.backends and x-google-backend names
one, so nothing is inherited field by field. API Gateway documents address as required on every backend:
error on each backend without one. On Cloud Endpoints address is optional (sidecar mode); the warning is
for an operation that names a backend without address while the top-level backend has one. Whether API
Gateway rejects an operation no x-google-backend covers is not verified for 3.x; corsgate reports it as in
2.0.`,
		Sources: []lint.Source{espv2("src/go/configinfo/service_info.go", "processBackendRule"),
			espv2("src/go/configinfo/service_info.go", "processLocalBackendOperations"),
			lint.Code(lint.ESPv2, "examples/testdata/sidecar_backend/openapi_swagger.json", ""),
			doc("API Gateway: OpenAPI 2.0 extensions", "https://cloud.google.com/api-gateway/docs/oasv2-extensions"), docGatewayExt3},
		Check: func(p *lint.Pass) {
			if p.Target != lint.TargetAPIGateway {
				return
			}
			// A document with operations and no backend at all is reported
			// once, not per operation.
			if len(p.G.Backends) == 0 && len(p.G.Ops) > 0 {
				msg := "API Gateway has no backend to send requests to: add a top-level x-google-backend with an address (or one per operation)"
				if p.G.Version.IsOpenAPI3() {
					msg = "API Gateway has no backend to send requests to: declare one under x-google-api-management.backends, with an address, and name it with a top-level x-google-backend (or on each operation)"
				}
				p.ReportNode(lint.Error, p.Doc.Root, "/x-google-backend", "%s", msg)
			}
			// In 3.x a backend is declared once, by name: each one needs an
			// address, whichever operations it routes.
			if p.G.Version.IsOpenAPI3() {
				for _, b := range p.G.Backends {
					if b.IsMap() && !b.Has("address") {
						p.ReportKeyAt(b.Value, "%s has no address; API Gateway requires one on every backend (it has no sidecar backend to fall back to): add address", b.Where())
					}
				}
			}
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			gateway, v3 := p.Target == lint.TargetAPIGateway, p.G.Version.IsOpenAPI3()
			if op.Backend == nil && !gateway {
				return // the top-level backend, or ESPv2's local one
			}
			b := p.G.EffectiveBackend(op)
			if v3 && (op.BackendRef.Present() && op.Backend == nil || b == nil && p.G.RootBackendRef.Present()) {
				return // a name that is no backend: backend-reference reports it
			}
			switch {
			case b == nil:
				if gateway && len(p.G.Backends) > 0 {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "%s has no x-google-backend and there is no top-level one; API Gateway cannot route it", op.Where())
				}
			case b.Has("address"):
			case !b.IsMap():
				// backend-fields reports a malformed object.
			case v3 && gateway:
				// Check reports the backend itself.
			case op.Backend == nil: // inherited from the top level
				if gateway {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "%s has no backend address: it has no x-google-backend and the top-level one has no address; API Gateway has no sidecar backend to fall back to", op.Where())
				}
			case gateway:
				p.ReportKeyAt(b.Value, "%s has no address; API Gateway has no sidecar backend, and an operation-level x-google-backend overrides the top-level one (corsgate assumes the address is not inherited): add address", b.Where())
			case p.G.RootBackend != nil:
				addr, ok := p.G.RootBackend.Address().Str()
				switch {
				case !ok:
				case v3:
					p.ReportAtSeverity(lint.Warning, op.BackendRef, "%s names %s, which has no address: this operation is likely sent to the local --backend (ESPv2 sidecar mode), not to the address %q of the top-level backend '%s'; add address to that backend, or name the top-level one if it was meant", op.Where(), b.Where(), addr, p.G.RootBackend.Name)
				default:
					p.ReportKeyAtSeverity(lint.Warning, b.Value, "%s has no address, so this operation is likely sent to the local --backend (ESPv2 sidecar mode), not to the top-level address %q: an operation-level x-google-backend overrides the top-level one (corsgate assumes no field is inherited); repeat address here if the top-level backend was meant", b.Where(), addr)
				}
			}
		},
	})
}
