package probe

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/google/go-cmp/cmp"
)

const driftSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
ALLOWCORS
paths:
  /v1/items/{id}:
    get:
      operationId: getItem
      parameters:
      - {in: path, name: id, required: true, type: string}
      - {in: header, name: X-Trace, type: string}
      responses: {200: {description: ok}}
    put:
      operationId: putItem
      parameters:
      - {in: path, name: id, required: true, type: string}
      responses: {200: {description: ok}}
`

func driftDoc(t *testing.T, allowCors bool) string {
	t.Helper()
	entry := ""
	if allowCors {
		entry = "x-google-endpoints:\n- name: api.example.test\n  allowCors: true"
	}
	return strings.Replace(driftSpec, "ALLOWCORS", entry, 1)
}

func basicPolicy(px cors.Proxy, origin string) cors.Policy {
	headers := cors.DefaultAllowHeadersESP2
	if px == cors.ESP {
		headers = cors.DefaultAllowHeadersESP
	}
	return cors.Policy{Proxy: px, Preset: cors.PresetBasic, AllowOrigin: origin, AllowMethods: cors.DefaultAllowMethods,
		AllowHeaders: headers, ExposeHeaders: cors.DefaultExposeHeaders}
}

// probeServe runs serve's proxy (deployed) on a loopback server and probes
// it with configured as the configuration given.
func probeServe(t *testing.T, deployed cors.Policy, configured *cors.Policy, allowCors, mockCORS bool) *Report {
	t.Helper()
	doc := mustDoc(t, driftDoc(t, allowCors))
	h := serveHandlerMock(t, deployed, doc, mockCORS)
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	u, _ := url.Parse(s.URL)
	rep, err := Run(context.Background(), Options{Target: u, Doc: doc, Origins: []string{appOrigin}, Hostile: HostileAll,
		Timeout: 5 * time.Second, Policy: configured})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func drifts(rep *Report) []string {
	var out []string
	for _, res := range rep.Results {
		if res.Prediction == nil {
			continue
		}
		for _, d := range res.Prediction.Drift {
			out = append(out, res.Method+" "+string(res.OriginKind)+": "+d)
		}
	}
	return out
}

func TestNoDriftWithServesConfiguration(t *testing.T) {
	regex := cors.Policy{Proxy: cors.ESPv2, Preset: cors.PresetRegex, AllowOriginRegex: `https://app\.example\.com`,
		AllowMethods: cors.DefaultAllowMethods, AllowHeaders: "X-Trace,Content-Type", AllowCredentials: true}
	espRegex := regex
	espRegex.Proxy, espRegex.AllowOriginRegex = cors.ESP, `^https://app\.example\.com$`
	for _, tc := range []struct {
		name      string
		policy    cors.Policy
		allowCors bool
		mockCORS  bool
	}{
		{"espv2 basic exact", basicPolicy(cors.ESPv2, appOrigin), false, false},
		{"espv2 basic star", basicPolicy(cors.ESPv2, "*"), false, false},
		{"espv2 regex with credentials", regex, false, false},
		{"espv2 allowCors, backend answers CORS", cors.Policy{Proxy: cors.ESPv2}, true, true},
		{"espv2 allowCors, backend does not", cors.Policy{Proxy: cors.ESPv2}, true, false},
		{"espv2 off", cors.Policy{Proxy: cors.ESPv2}, false, false},
		{"espv2 preset and allowCors", basicPolicy(cors.ESPv2, appOrigin), true, true},
		{"esp basic", basicPolicy(cors.ESP, appOrigin), false, false},
		{"esp basic, backend answers CORS", basicPolicy(cors.ESP, appOrigin), false, true},
		{"esp regex", espRegex, false, false},
		{"esp allowCors", cors.Policy{Proxy: cors.ESP}, true, true},
		{"esp off", cors.Policy{Proxy: cors.ESP}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.policy
			rep := probeServe(t, tc.policy, &p, tc.allowCors, tc.mockCORS)
			if d := drifts(rep); len(d) > 0 {
				t.Errorf("drift with serve's own configuration:\n%s", strings.Join(d, "\n"))
			}
			if rep.Summary.Drift != 0 || rep.Summary.Failed != 0 {
				t.Errorf("summary %+v", rep.Summary)
			}
		})
	}
}

func TestDriftWithAnotherConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name       string
		deployed   cors.Policy
		configured cors.Policy
		allowCors  bool
		want       []string
	}{
		{
			name:     "another origin in production",
			deployed: basicPolicy(cors.ESPv2, "https://other.example.com"), configured: basicPolicy(cors.ESPv2, appOrigin),
			want: []string{
				`OPTIONS given: status: predicted 200 (the proxy answers the preflight), got 400 (ESPv2's CORS fallback 400: its CORS filter did not take this OPTIONS (origin not allowed, or no --cors_preset with this origin))`,
				`OPTIONS given: Access-Control-Allow-Headers: predicted "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization", got none`,
				`OPTIONS given: Access-Control-Allow-Methods: predicted "GET, POST, PUT, PATCH, DELETE, OPTIONS", got none`,
				`OPTIONS given: Access-Control-Allow-Origin: predicted "https://app.example.com", got none`,
				`OPTIONS given: Access-Control-Expose-Headers: predicted "Content-Length,Content-Range", got none`,
				`OPTIONS given: Access-Control-Max-Age: predicted "1728000", got none`,
				`GET given: Access-Control-Allow-Origin: predicted "https://app.example.com", got none`,
				`GET given: Access-Control-Expose-Headers: predicted "Content-Length,Content-Range", got none`,
			},
		},
		{
			name:     "no preset in production",
			deployed: cors.Policy{Proxy: cors.ESPv2}, configured: basicPolicy(cors.ESPv2, appOrigin),
			want: []string{
				`OPTIONS given: status: predicted 200 (the proxy answers the preflight), got 405 (ESPv2's 405: the deployed spec has the path but not this method)`,
			},
		},
		{
			name:     "production allows any origin",
			deployed: basicPolicy(cors.ESPv2, "*"), configured: basicPolicy(cors.ESPv2, appOrigin),
			want: []string{
				`OPTIONS unrelated: status: predicted 400 (ESPv2's CORS fallback 400: its CORS filter did not take this OPTIONS (origin not allowed, or no --cors_preset with this origin)), got 200`,
			},
		},
		{
			name:     "a wider methods list",
			deployed: func() cors.Policy { p := basicPolicy(cors.ESPv2, appOrigin); p.AllowMethods = "GET, PUT"; return p }(), configured: basicPolicy(cors.ESPv2, appOrigin),
			want: []string{
				`OPTIONS given: Access-Control-Allow-Methods: predicted "GET, POST, PUT, PATCH, DELETE, OPTIONS", got "GET, PUT"`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.configured
			rep := probeServe(t, tc.deployed, &c, tc.allowCors, false)
			got := drifts(rep)
			// Compare the first drifting exchange's lines of each kind that
			// the case names, in order of appearance.
			var seen []string
			for _, d := range got {
				for _, w := range tc.want {
					if d == w && !contains(seen, d) {
						seen = append(seen, d)
					}
				}
			}
			if diff := cmp.Diff(tc.want, sortedLike(seen, tc.want)); diff != "" {
				t.Errorf("missing drift lines (-want +got):\n%s\nall drift:\n%s", diff, strings.Join(got, "\n"))
			}
			if rep.Summary.Drift == 0 {
				t.Error("summary: no drift")
			}
			for _, res := range rep.Results {
				has := false
				for _, f := range res.Findings {
					has = has || f.Code == CodeDriftFromPredicted
				}
				if has != (len(res.Prediction.Drift) > 0) {
					t.Errorf("%s %s: drift %v but finding %v", res.Method, res.Origin, res.Prediction.Drift, has)
				}
			}
		})
	}
}

// sortedLike orders got as want orders the same strings.
func sortedLike(got, want []string) []string {
	var out []string
	for _, w := range want {
		if contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}

const oas3Twin = `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
- url: https://api.example.test/v1
  x-google-endpoint: {allowCors: true}
paths:
  /items/{id}:
    parameters:
    - {in: path, name: id, required: true, schema: {type: string, example: "42"}}
    get:
      operationId: getItem
      parameters:
      - {in: header, name: X-Trace, schema: {type: string}}
      responses: {"200": {description: ok}}
    put:
      operationId: putItem
      requestBody:
        content:
          application/json: {schema: {type: object}}
      responses: {"200": {description: ok}}
`

const swagger2Twin = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
basePath: /v1
x-google-endpoints:
- {name: api.example.test, allowCors: true}
paths:
  /items/{id}:
    get: {operationId: getItem, responses: {200: {description: ok}}}
    put: {operationId: putItem, responses: {200: {description: ok}}}
`

// TestOpenAPI3 probes an OpenAPI 3.x spec: requests go under the server's
// base path with the spec's examples and body media type, and the
// prediction routes them as ESPv2 routes the same API written in Swagger
// 2.0 (serve's proxy built from that twin): no drift.
func TestOpenAPI3(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy cors.Policy
	}{
		{"preset", basicPolicy(cors.ESPv2, appOrigin)},
		{"allowCors only", cors.Policy{Proxy: cors.ESPv2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := httptest.NewServer(serveHandler(t, tc.policy, mustDoc(t, swagger2Twin), nil))
			t.Cleanup(s.Close)
			p := tc.policy
			rep, err := Run(context.Background(), Options{Target: target(t, s.URL), Doc: mustDoc(t, oas3Twin), Origins: []string{appOrigin},
				Hostile: HostileAll, Timeout: 5 * time.Second, Policy: &p})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, res := range rep.Results {
				if res.OriginKind == OriginGiven {
					got = append(got, res.Method+" "+res.Path+" "+res.RequestHeaders.Get(cors.HeaderACRH))
				}
			}
			want := []string{"OPTIONS /v1/items/42 x-trace", "GET /v1/items/42 ", "OPTIONS /v1/items/42 content-type"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if d := drifts(rep); len(d) > 0 {
				t.Errorf("drift:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}
