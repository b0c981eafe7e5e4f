package rules

import (
	"path/filepath"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// looksLikeGateway reports whether a document linted with the default target
// looks like an API Gateway config: no host and every operation routed to an
// x-google-backend address, or a file named like one. Such a document gets
// one hint to choose --target api-gateway (target-api-gateway-likely)
// instead of an error from every rule that needs host.
func looksLikeGateway(p *lint.Pass) bool {
	if !p.TargetDefaulted {
		return false
	}
	if strings.Contains(strings.ToLower(filepath.Base(p.Doc.Name)), "gateway") {
		return true
	}
	if p.G.Service.Present() || len(p.G.Ops) == 0 {
		return false
	}
	for _, op := range p.G.Ops {
		b := p.G.EffectiveBackend(op)
		if b == nil {
			return false
		}
		if a, ok := b.Address().Str(); !ok || a == "" {
			return false
		}
	}
	return true
}
