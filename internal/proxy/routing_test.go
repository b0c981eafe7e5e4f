package proxy

import (
	"net/http"
	"testing"

	"github.com/corsgate/corsgate/cors"
)

// The routing details around CORS (reference espv2-routing-extras §1-4 and
// §8-9): each table goes through a real listener, with ESP v1 rows where ESP
// differs.

func body405(tmpl string) string {
	return `{"code":405,"message":"The current request is matched to the defined url template \"` + tmpl + `\" but its http method is not allowed"}`
}

const (
	okBody        = `{"ok":true}`
	espBody404    = `{"code":5,"message":"` + MsgESPNoSuchCall + `"}`
	espBody403    = `{"code":7,"message":"` + MsgESPNoCORS + `"}`
	envoyBadPath  = `{"code":400,"message":""}`
	nginxBadReply = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

// TestTrailingSlash: ESPv2 gives every operation, allowCors and 405 route a
// twin with one trailing '/' (esp-v2 routegen/helpers/backend_route.go;
// tests/integration_test/service_control_failed_request_report_test pins the
// 405 bodies); ESP v1's matcher drops every trailing slash.
func TestTrailingSlash(t *testing.T) {
	v2, v1 := cors.ESPv2, cors.ESP
	runBehaviours(t, []behaviour{
		{name: "GET /v1/shelves/ reaches the backend, decorated", policy: preset(v2, nil), method: "GET", path: "/v1/shelves/",
			req: hdrs("Origin", appOrigin), want: exchange{status: 200, reached: true, body: okBody, acHdr: espv2Actual(appOrigin)},
			backendSaw: "GET /v1/shelves/"},
		{name: "PUT /v1/shelves/ gets the 405 naming /v1/shelves", policy: preset(v2, nil), method: "PUT", path: "/v1/shelves/",
			req: hdrs("Origin", appOrigin), want: exchange{status: 405, body: body405("/v1/shelves")}},
		{name: "POST /v1/shelves/7/ gets the 405 of the templated path", policy: off(v2), method: "POST", path: "/v1/shelves/7/",
			want: exchange{status: 405, body: body405("/v1/shelves/{shelf_id}")}},
		{name: "GET /v1/shelves/7/ reaches the backend", policy: off(v2), method: "GET", path: "/v1/shelves/7/",
			want: exchange{status: 200, reached: true, body: okBody}, backendSaw: "GET /v1/shelves/7/"},
		{name: "allowCors: OPTIONS /v1/shelves/ reaches the backend", allowCors: true, policy: off(v2), method: "OPTIONS",
			path: "/v1/shelves/", req: preflightReq(appOrigin, "GET"), want: exchange{status: 204, reached: true},
			backendSaw: "OPTIONS /v1/shelves/"},
		{name: "allowCors: OPTIONS /v1/shelves/7/ reaches the backend", allowCors: true, policy: off(v2), method: "OPTIONS",
			path: "/v1/shelves/7/", req: preflightReq(appOrigin, "GET"), want: exchange{status: 204, reached: true}},
		{name: "** after a slash matches nothing: /v1/shelves/1/books/", policy: off(v2), method: "GET", path: "/v1/shelves/1/books/",
			want: exchange{status: 200, reached: true, body: okBody}},
		{name: "** needs its slash: /v1/shelves/1/books is not defined", policy: off(v2), method: "GET", path: "/v1/shelves/1/books",
			want: exchange{status: 404, body: body404}},
		{name: "two trailing slashes are merged into one", policy: preset(v2, nil), method: "GET", path: "/v1/shelves//", raw: true,
			req: hdrs("Origin", appOrigin), want: exchange{status: 200, reached: true, body: okBody, acHdr: espv2Actual(appOrigin)},
			backendSaw: "GET /v1/shelves/"},
		{name: "esp: GET /v1/shelves/ reaches the backend as sent", policy: off(v1), method: "GET", path: "/v1/shelves/",
			want: exchange{status: 200, reached: true, body: okBody}, backendSaw: "GET /v1/shelves/"},
		{name: "esp: every trailing slash is dropped", policy: off(v1), method: "GET", path: "/v1/shelves//", raw: true,
			want: exchange{status: 200, reached: true, body: okBody}, backendSaw: "GET /v1/shelves//"},
		{name: "esp: PUT /v1/shelves/ is 404, ESP has no 405", policy: off(v1), method: "PUT", path: "/v1/shelves/",
			want: exchange{status: 404, body: espBody404}},
		{name: "esp: ** matches no part at all", policy: off(v1), method: "GET", path: "/v1/shelves/1/books",
			want: exchange{status: 200, reached: true, body: okBody}},
	})
}

// wildcardSpec has the ** templates of esp-v2's
// routegen/deny_invalid_method_test.go ("Order route match config ...").
const wildcardSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
paths:
  /foo/{a=**}:
    get: {responses: {200: {description: ok}}}
  /foo/{a=**}/bar:
    get: {responses: {200: {description: ok}}}
  /foo/{a=**}:verb:
    get: {responses: {200: {description: ok}}}
  /foo/bar:
    get: {responses: {200: {description: ok}}}
  /foo/{a}:
    get: {responses: {200: {description: ok}}}
`

// TestMethodNotAllowedNamesTheMostSpecificTemplate: ESPv2's 405 routes come
// in its sorted order, so "/foo/**/bar" and "/foo/**:verb" come before
// "/foo/**" (esp-v2 util/httppattern/sort_impl.go).
func TestMethodNotAllowedNamesTheMostSpecificTemplate(t *testing.T) {
	v2 := cors.ESPv2
	runBehaviours(t, []behaviour{
		{name: "PUT /foo/a/b/bar", spec: wildcardSpec, policy: off(v2), method: "PUT", path: "/foo/a/b/bar",
			want: exchange{status: 405, body: body405("/foo/{a=**}/bar")}},
		{name: "PUT /foo/a/b:verb", spec: wildcardSpec, policy: off(v2), method: "PUT", path: "/foo/a/b:verb",
			want: exchange{status: 405, body: body405("/foo/{a=**}:verb")}},
		{name: "PUT /foo/a/b", spec: wildcardSpec, policy: off(v2), method: "PUT", path: "/foo/a/b",
			want: exchange{status: 405, body: body405("/foo/{a=**}")}},
		{name: "PUT /foo/x", spec: wildcardSpec, policy: off(v2), method: "PUT", path: "/foo/x",
			want: exchange{status: 405, body: body405("/foo/{a}")}},
		{name: "PUT /foo/bar/", spec: wildcardSpec, policy: off(v2), method: "PUT", path: "/foo/bar/",
			want: exchange{status: 405, body: body405("/foo/bar")}},
		{name: "esp: PUT /foo/a/b/bar is 404", spec: wildcardSpec, policy: off(cors.ESP), method: "PUT", path: "/foo/a/b/bar",
			want: exchange{status: 404, body: espBody404}},
	})
}

// TestMethodOverride: ESPv2's header sanitizer replaces the method with
// X-HTTP-Method-Override before CORS and routing, and the backend receives
// the new method without the field (esp-v2 tests/integration_test/
// http_method_override_test); ESP v1 routes with it and forwards the
// request unchanged.
func TestMethodOverride(t *testing.T) {
	v2, v1 := cors.ESPv2, cors.ESP
	override := func(m string, kv ...string) http.Header {
		return hdrs(append([]string{"X-HTTP-Method-Override", m}, kv...)...)
	}
	runBehaviours(t, []behaviour{
		{name: "POST overridden to GET reaches the backend as GET", policy: preset(v2, nil), method: "POST", path: "/v1/shelves/7",
			req: override("GET", "Origin", appOrigin), want: exchange{status: 200, reached: true, body: okBody, acHdr: espv2Actual(appOrigin)},
			backendSaw: "GET /v1/shelves/7"},
		{name: "POST overridden to DELETE gets the 405", policy: preset(v2, nil), method: "POST", path: "/v1/shelves",
			req: override("DELETE"), want: exchange{status: 405, body: body405("/v1/shelves")}},
		{name: "the override is case-sensitive, as the route's method matcher", policy: off(v2), method: "POST", path: "/v1/shelves/7",
			req: override("get"), want: exchange{status: 405, body: body405("/v1/shelves/{shelf_id}")}},
		{name: "the first of two override lines wins", policy: off(v2), method: "POST", path: "/v1/shelves/7",
			req: http.Header{"X-Http-Method-Override": {"GET", "DELETE"}}, want: exchange{status: 200, reached: true, body: okBody},
			backendSaw: "GET /v1/shelves/7"},
		{name: "choice: an override to OPTIONS is a preflight for the CORS filter", policy: preset(v2, nil), method: "POST", path: "/v1/shelves",
			req:  override("OPTIONS", "Origin", appOrigin, "Access-Control-Request-Method", "PUT"),
			want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "choice: an override to OPTIONS follows the allowCors route", allowCors: true, policy: off(v2), method: "POST",
			path: "/v1/shelves/7", req: override("OPTIONS"), want: exchange{status: 204, reached: true}, backendSaw: "OPTIONS /v1/shelves/7"},
		{name: "an override from OPTIONS is no preflight", policy: preset(v2, nil), method: "OPTIONS", path: "/v1/shelves",
			req:  override("GET", "Origin", appOrigin, "Access-Control-Request-Method", "PUT"),
			want: exchange{status: 200, reached: true, body: okBody, acHdr: espv2Actual(appOrigin)}, backendSaw: "GET /v1/shelves"},
		{name: "esp: POST overridden to DELETE is 404", policy: off(v1), method: "POST", path: "/v1/shelves/7",
			req: override("DELETE"), want: exchange{status: 404, body: espBody404}},
		{name: "esp: the backend gets the request as sent", policy: off(v1), method: "POST", path: "/v1/shelves/7",
			req: override("GET"), want: exchange{status: 200, reached: true, body: okBody}, backendSaw: "POST /v1/shelves/7 override=GET"},
		{name: "esp: an override to OPTIONS without a method is 403", policy: off(v1), method: "GET", path: "/nowhere",
			req: override("OPTIONS"), want: exchange{status: 403, body: espBody403}},
		{name: "esp: nginx answers the real OPTIONS before the override counts", policy: preset(v1, nil), method: "OPTIONS",
			path: "/v1/shelves", req: override("GET"), want: exchange{status: 204, acHdr: hdrs("Access-Control-Allow-Origin", "*",
				"Access-Control-Allow-Methods", cors.DefaultAllowMethods, "Access-Control-Allow-Headers", cors.DefaultAllowHeadersESP,
				"Access-Control-Max-Age", "1728000")}},
	})
}

// TestPathNormalisation: ESPv2 routes and forwards the path Envoy
// normalises (pathnorm.go); ESP v1 routes the path as sent, and nginx
// rejects a path that climbs above the root.
func TestPathNormalisation(t *testing.T) {
	v2, v1 := cors.ESPv2, cors.ESP
	reached := func(saw string) (exchange, string) { return exchange{status: 200, reached: true, body: okBody}, saw }
	rows := []behaviour{
		{name: "merged slashes", path: "//v1//shelves"},
		{name: "dot segment", path: "/v1/./shelves"},
		{name: "dot-dot segment, query kept", path: "/v1/x/../shelves?q=/../1"},
		{name: "above the root", path: "/../v1/shelves"},
		{name: "escaped unreserved bytes are decoded", path: "/v1/%73helves/%37"},
		{name: "escaped dots are dot segments", path: "/v1/x/%2E%2e/shelves"},
		{name: "backslash is a slash", path: `/v1\shelves`},
	}
	want := []string{"GET /v1/shelves", "GET /v1/shelves", "GET /v1/shelves?q=/../1", "GET /v1/shelves", "GET /v1/shelves/7",
		"GET /v1/shelves", "GET /v1/shelves"}
	var cases []behaviour
	for i, r := range rows {
		r.name, r.policy, r.method, r.raw = "espv2: "+r.name, off(v2), "GET", true
		r.want, r.backendSaw = reached(want[i])
		cases = append(cases, r)
	}
	cases = append(cases, []behaviour{
		{name: "espv2: %2F stays in its segment", policy: off(v2), method: "GET", path: "/v1/shelves/a%2Fb",
			want: exchange{status: 200, reached: true, body: okBody}, backendSaw: "GET /v1/shelves/a%2Fb"},
		{name: "espv2: an escaped NUL is rejected without CORS headers", policy: preset(v2, nil), method: "GET", path: "/v1/shelves%00",
			req: hdrs("Origin", appOrigin), want: exchange{status: 400, body: envoyBadPath}},
		{name: "espv2: a fragment is rejected", policy: preset(v2, nil), method: "GET", path: "/v1/shelves#top", raw: true,
			req: hdrs("Origin", appOrigin), want: exchange{status: 400, body: envoyBadPath}},
		{name: "espv2: a preflight to a denormalised path is answered", policy: preset(v2, nil), method: "OPTIONS", path: "//v1/./shelves/",
			raw: true, req: preflightReq(appOrigin, "PUT"), want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "esp: merged slashes are not merged", policy: off(v1), method: "GET", path: "//v1/shelves", raw: true,
			want: exchange{status: 404, body: espBody404}},
		{name: "esp: dot segments are not resolved", policy: off(v1), method: "GET", path: "/v1/./shelves", raw: true,
			want: exchange{status: 404, body: espBody404}},
		{name: "esp: escapes are not decoded", policy: off(v1), method: "GET", path: "/v1/%73helves",
			want: exchange{status: 404, body: espBody404}},
		{name: "esp: nginx's 400 for a path above the root, undecorated", policy: preset(v1, nil), method: "GET", path: "/../v1/shelves",
			raw: true, req: hdrs("Origin", appOrigin), want: exchange{status: 400, body: nginxBadReply}},
		{name: "esp: nginx's 400 comes before its 204", policy: preset(v1, nil), method: "OPTIONS", path: "/a/%2e%2e/../x",
			req: preflightReq(appOrigin, "PUT"), want: exchange{status: 400, body: nginxBadReply}},
	}...)
	runBehaviours(t, cases)
}

// TestESPOptionsWithoutMethod: ESP v1 answers 403 "The service does not
// allow CORS traffic." to an OPTIONS no method matches, whatever allowCors
// says (cloudendpoints/esp src/api_manager/check_service_control.cc;
// allowCors only adds OPTIONS to the spec's paths).
func TestESPOptionsWithoutMethod(t *testing.T) {
	v1, v2 := cors.ESP, cors.ESPv2
	runBehaviours(t, []behaviour{
		{name: "esp: allowCors, OPTIONS to an unknown path is 403", allowCors: true, policy: off(v1), method: "OPTIONS", path: "/nowhere",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 403, body: espBody403}},
		{name: "esp: allowCors, OPTIONS to a spec path reaches the backend", allowCors: true, policy: off(v1), method: "OPTIONS",
			path: "/v1/shelves/", req: preflightReq(appOrigin, "GET"), want: exchange{status: 204, reached: true}},
		{name: "esp: no allowCors, OPTIONS to a spec path is 403", policy: off(v1), method: "OPTIONS", path: "/v1/shelves",
			want: exchange{status: 403, body: espBody403}},
		{name: "espv2: allowCors, OPTIONS to an unknown path is 404", allowCors: true, policy: off(v2), method: "OPTIONS", path: "/nowhere",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 404, body: body404}},
	})
}
