package rules

import (
	"fmt"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	registerCrossCheck(&lint.Rule{
		ID:       "cors-preset-with-allowcors",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "Do not combine allowCors: true with --cors_preset.",
		Details:  "Both take effect: allowed preflights are answered by the proxy and never reach the backend, disallowed ones reach the backend, and the backend's CORS headers are replaced (ESPv2) or doubled (ESP).",
		Sources: []lint.Source{
			espv2("src/go/configgenerator/route_generator.go", "MakeRouteGenFactories"),
			espv2("src/go/configgenerator/routegen/proxy_cors.go", "NewProxyCORSRouteGenFromOPConfig"),
			srcCORSRoutes,
			srcESPNginxCORS,
			doc("esp-v2 issue #261: ESPv2 does not pass the CORS request to the backend", "https://github.com/GoogleCloudPlatform/esp-v2/issues/261"),
			doc("esp-v2 issue #465: 503 returned for OPTIONS when ESPv2 handles CORS", "https://github.com/GoogleCloudPlatform/esp-v2/issues/465"),
		},
		Fix: "cors-mode",
	}, func(c *crossPass) {
		// Whether allowCors is on is the model's one decision
		// (spec.Google.PassThrough), for the deployment linted.
		for _, doc := range c.Docs {
			ep, allow := doc.Google().PassThrough(c.Deployment)
			if ep == nil {
				continue
			}
			// The message names the spelling written (allowCors or allow_cors).
			key, p, name := allow.Key.Value, c.Policy.Preset, doc.Name
			msg := fmt.Sprintf("%s: true and --cors_preset=%s are both active: ESPv2 answers preflights from allowed origins itself (the backend never sees them), sends preflights from other origins to the backend without JWT or API-key checks, and replaces the backend's Access-Control-Allow-Origin on responses; keep one mode: `corsgate transform cors-mode proxy %s` (drop allowCors) or `corsgate transform cors-mode backend %s` and remove the --cors_* flags", key, p, name, name)
			if c.Policy.Proxy == cors.ESP {
				msg = fmt.Sprintf("%s: true and --cors_preset=%s are both active: ESP's nginx answers OPTIONS itself before ESP runs (basic: every OPTIONS; regex: matching origins), and adds its CORS headers next to the backend's, so browsers see them twice; keep one mode: `corsgate transform cors-mode proxy %s` or `corsgate transform cors-mode backend %s`", key, p, name, name)
			}
			c.reportSpec(doc, allow, msg)
		}
	})
}
