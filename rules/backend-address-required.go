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
has, because that operation then goes to the local backend instead of the top-level address.`,
		Sources: []lint.Source{espv2("src/go/configinfo/service_info.go", "processBackendRule"),
			espv2("src/go/configinfo/service_info.go", "processLocalBackendOperations"),
			lint.Code(lint.ESPv2, "examples/testdata/sidecar_backend/openapi_swagger.json", ""),
			doc("API Gateway: OpenAPI 2.0 extensions", "https://cloud.google.com/api-gateway/docs/oasv2-extensions")},
		Check: func(p *lint.Pass) {
			// A document with operations and no backend at all is reported
			// once, not per operation.
			if p.Target == lint.TargetAPIGateway && len(p.G.Backends) == 0 && len(p.G.Ops) > 0 {
				p.ReportNode(lint.Error, p.Doc.Root, "/x-google-backend", "API Gateway has no backend to send requests to: add a top-level x-google-backend with an address (or one per operation)")
			}
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			gateway := p.Target == lint.TargetAPIGateway
			if op.Backend == nil && !gateway {
				return // the top-level backend, or ESPv2's local one
			}
			b := p.G.EffectiveBackend(op)
			switch {
			case b == nil:
				if gateway && len(p.G.Backends) > 0 {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "%s has no x-google-backend and there is no top-level one; API Gateway cannot route it", op.Where())
				}
			case b.Has("address"):
			case b.Op == nil: // inherited from the top level
				if gateway {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "%s has no backend address: it has no x-google-backend and the top-level one has no address; API Gateway has no sidecar backend to fall back to", op.Where())
				}
			case !b.IsMap():
				// backend-fields reports a malformed object.
			case gateway:
				p.ReportKeyAt(b.Value, "%s has no address; API Gateway has no sidecar backend, and an operation-level x-google-backend overrides the top-level one (corsgate assumes the address is not inherited): add address", b.Where())
			case p.G.RootBackend != nil:
				if addr, ok := p.G.RootBackend.Address().Str(); ok {
					p.ReportKeyAtSeverity(lint.Warning, b.Value, "%s has no address, so this operation is likely sent to the local --backend (ESPv2 sidecar mode), not to the top-level address %q: an operation-level x-google-backend overrides the top-level one (corsgate assumes no field is inherited); repeat address here if the top-level backend was meant", b.Where(), addr)
				}
			}
		},
	})
}
