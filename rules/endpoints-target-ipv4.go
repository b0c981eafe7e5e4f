package rules

import (
	"net/netip"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-target-ipv4",
		Category: lint.CategoryEndpoints,
		Severity: lint.Warning,
		Doc:      "Checks that x-google-endpoints[].target is an IPv4 address.",
		Details: `On deploy, Service Management creates a DNS A record for a *.endpoints.PROJECT.cloud.goog name that
resolves to target, so target must be an IPv4 literal. Historically a hostname was accepted without
complaint (whether it is rejected today is not verified), but no A record can point at it.
OpenAPI 3.x: target on the x-google-endpoint server is not documented (UNVERIFIED that it is read);
corsgate checks it the same way when it is written.`,
		Sources: []lint.Source{docEndpointsDNS},
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			target, ok := p.WantString(e.Target, "target must be a string holding an IPv4 address")
			if !ok {
				return
			}
			if a, err := netip.ParseAddr(target); err == nil && a.Is4() {
				return
			}
			p.ReportAt(e.Target, "target %q is not an IPv4 address; Service Management creates a DNS A record from it, which needs an IPv4 literal such as 203.0.113.10", target)
		},
	})
}
