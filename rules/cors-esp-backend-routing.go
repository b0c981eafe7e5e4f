package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "cors-esp-backend-routing",
		Category: lint.CategoryCORS,
		Severity: lint.Warning,
		Doc:      "Checks, for target endpoints-esp, that allowCors is not combined with x-google-backend, which ESP v1 mishandles.",
		Details: `Only reported for --target endpoints-esp. ESP v1 users combining allowCors with backend routing
(x-google-backend, the serverless ESP image) reported preflights answered with 500 "invalid URL prefix
in """ or empty 204 responses (cloudendpoints/esp issues #737 and #755). ESPv2 does not have this
problem; migrate to ESPv2, or let ESP answer preflights with --cors_preset.`,
		Sources: []lint.Source{
			doc("cloudendpoints/esp issue #737: allowCors doesn't work for the backends by x-google-backend", "https://github.com/cloudendpoints/esp/issues/737"),
			doc("cloudendpoints/esp issue #755: Cloud Run: 500 INTERNAL ERROR for CORS requests", "https://github.com/cloudendpoints/esp/issues/755"),
		},
		Check: func(p *lint.Pass) {
			if p.Target != lint.TargetESP || len(p.G.Backends) == 0 {
				return
			}
			if ep, allow := p.G.PassThrough(p.Deployment); ep != nil {
				p.ReportKeyAt(allow, "allowCors together with x-google-backend on ESP (v1): users reported preflights failing with 500 (\"invalid URL prefix\") or empty 204 responses (cloudendpoints/esp #737, #755); use ESPv2, or let ESP answer preflights with --cors_preset")
			}
		},
	})
}
