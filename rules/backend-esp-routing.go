package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-esp-routing",
		Category: lint.CategoryBackend,
		Severity: lint.Warning,
		Doc:      "Checks, for target endpoints-esp, that a spec using x-google-backend is served by an ESP started with backend routing enabled.",
		Details: `Only reported for --target endpoints-esp, once per file. ESP v1 ignores x-google-backend unless it
is started with --enable_backend_routing (the serverless ESP image turns it on): without the flag its
nginx configuration proxies every request to --backend. ESPv2 and API Gateway always honour
x-google-backend.`,
		Sources: []lint.Source{esp("start_esp/start_esp.py", "--enable_backend_routing"),
			esp("start_esp/nginx-auto.conf.template", "enable_backend_routing"),
			esp("docker/serverless/env-start-esp.py", "main")},
		Check: func(p *lint.Pass) {
			bs := p.G.Backends
			if p.Target != lint.TargetESP || len(bs) == 0 {
				return
			}
			p.ReportKeyAt(bs[0].Value, "ESP (v1) honours x-google-backend only when started with --enable_backend_routing (the serverless ESP image enables it); without it the x-google-backend settings in this file (%d) are ignored and requests go to --backend. Consider ESPv2, which always honours them", len(bs))
		},
	})
}
