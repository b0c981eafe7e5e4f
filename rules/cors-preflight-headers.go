package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "cors-preflight-headers",
		Category: lint.CategoryCORS,
		Severity: lint.Info,
		Doc:      "Reports, when allowCors is on, the credential headers (API key header, Authorization) that the backend's preflight answer must allow.",
		Details: `With allowCors: true, ESP and ESPv2 pass preflights to the backend without API-key or JWT checks
(a preflight carries no such headers anyway) and add no CORS headers of their own. The browser then sends
the real request, with the API key header or Authorization, only if the backend's OPTIONS response lists
those headers in Access-Control-Allow-Headers. corsgate cannot see the backend, so this is a reminder
naming the headers; if the proxy should answer preflights instead, use --cors_preset with
--cors_allow_headers (and do not mix the two modes). allowCors is on when the entry that sets it is
named after the service: host on Cloud Endpoints, the managed service
API_ID-HASH.apigateway.PROJECT_ID.cloud.goog on API Gateway.`,
		Sources: []lint.Source{
			srcAllowCorsRoutes,
			doc("esp-v2 issue #261: ESPv2 Beta does NOT pass the CORS request to my backend Cloud Run", "https://github.com/GoogleCloudPlatform/esp-v2/issues/261"),
			doc("Fetch Standard: CORS-safelisted request-header", "https://fetch.spec.whatwg.org/#cors-safelisted-request-header"),
		},
		Check: func(p *lint.Pass) {
			ep, allow := p.G.PassThrough(p.Deployment)
			if ep == nil || len(p.G.Schemes) == 0 {
				return
			}
			count := map[string]int{} // header (lower case) → operations needing it
			spelled := map[string]string{}
			// Most operations share a few security lists (often the top-level
			// one): compute each list's headers once.
			memo := map[*spec.SecList][]string{}
			creds := appCredentials{}
			for _, op := range p.G.Ops {
				list := p.G.EffectiveSecurity(op)
				if op.Method == "options" || list == nil {
					continue
				}
				hs, done := memo[list]
				if !done {
					hs = creds.listHeaders(list, spelled)
					memo[list] = hs
				}
				for _, lh := range hs {
					count[lh]++
				}
			}
			if len(count) == 0 {
				return
			}
			hs := make([]string, 0, len(count))
			for h := range count {
				hs = append(hs, h)
			}
			slices.Sort(hs)
			parts := make([]string, len(hs))
			for i, h := range hs {
				parts[i] = spelled[h] + " (" + strconv.Itoa(count[h]) + " operation"
				if count[h] != 1 {
					parts[i] += "s"
				}
				parts[i] += ")"
			}
			p.ReportKeyAt(allow, "allowCors sends preflights to your backend, which must answer OPTIONS itself: ESP/ESPv2 add no CORS headers in this mode. Browsers send the credentials these operations need only if that answer lists them in Access-Control-Allow-Headers: %s", strings.Join(parts, ", "))
		},
	})
}

// listHeaders returns the distinct (lower-cased) credential headers a
// security list needs when no alternative can pass a preflight; spelled
// records how each header was first written.
func (a appCredentials) listHeaders(l *spec.SecList, spelled map[string]string) []string {
	if a.preflightCanPass(l) {
		return nil // some alternative needs no header credential
	}
	var out []string
	for _, r := range l.Reqs {
		for _, n := range r.Names {
			if n.Scheme == nil {
				continue
			}
			for _, c := range a.of(n.Scheme) {
				if c.In != "header" {
					continue // a query parameter, or a cookie (which ESP/ESPv2 do not read)
				}
				lh := strings.ToLower(c.Name)
				if !slices.Contains(out, lh) {
					out = append(out, lh)
					if _, ok := spelled[lh]; !ok {
						spelled[lh] = c.Name
					}
				}
			}
		}
	}
	return out
}
