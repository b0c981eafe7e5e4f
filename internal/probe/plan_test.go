package probe

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const planSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
basePath: /v1
consumes: [application/json]
securityDefinitions:
  key: {type: apiKey, in: header, name: x-api-key}
  qkey: {type: apiKey, in: query, name: key}
  jwt: {type: oauth2, flow: implicit, authorizationUrl: "", x-google-issuer: https://issuer.example}
paths:
  /shelves/{shelf}:
    parameters:
    - {in: header, name: X-Trace, type: string}
    get:
      operationId: getShelf
      parameters:
      - {in: path, name: shelf, required: true, type: integer}
      - {in: header, name: X-Request-Id, required: true, type: string, x-example: abc}
      responses: {200: {description: ok}}
    put:
      operationId: putShelf
      security: [{key: []}]
      parameters:
      - {in: path, name: shelf, required: true, type: integer}
      - {in: body, name: b, schema: {type: object}}
      responses: {200: {description: ok}}
    options:
      operationId: preflight
      responses: {200: {description: ok}}
  /files/{name}:
    post:
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
      - {in: path, name: name, required: true, type: string}
      - {in: formData, name: f, type: file}
      responses: {200: {description: ok}}
    head:
      operationId: headFile
      security: [{jwt: []}]
      parameters:
      - {in: path, name: name, required: true, type: string}
      responses: {200: {description: ok}}
    get:
      operationId: getFile
      security: [{qkey: []}]
      parameters:
      - {in: path, name: name, required: true, type: string}
      responses: {200: {description: ok}}
`

// planRow is one planned request, in a form easy to compare.
type planRow struct {
	Method, Target, ACRM, ACRH string
	Sent                       []string // header names sent besides Origin and Accept
}

func rows(p *plan) []planRow {
	var out []planRow
	for _, r := range p.requests {
		if r.origin.Kind != OriginGiven {
			continue
		}
		row := planRow{Method: r.method, Target: r.target, ACRM: r.header.Get("Access-Control-Request-Method"), ACRH: r.header.Get("Access-Control-Request-Headers")}
		for k := range r.header {
			switch k {
			case "Origin", "Accept", "Access-Control-Request-Method", "Access-Control-Request-Headers":
			default:
				row.Sent = append(row.Sent, k)
			}
		}
		out = append(out, row)
	}
	return out
}

func TestPlanFromSpec(t *testing.T) {
	doc := mustDoc(t, planSpec)
	for _, tc := range []struct {
		name  string
		in    planInput
		want  []planRow
		notes []string
	}{
		{
			name: "defaults",
			in:   planInput{},
			want: []planRow{
				// getShelf: header parameters need a preflight; only the required one is sent.
				{Method: "OPTIONS", Target: "/v1/shelves/1", ACRM: "GET", ACRH: "x-request-id,x-trace"},
				{Method: "GET", Target: "/v1/shelves/1", Sent: []string{"X-Request-Id"}},
				// putShelf: preflight only (unsafe), API-key header and JSON body announced.
				{Method: "OPTIONS", Target: "/v1/shelves/1", ACRM: "PUT", ACRH: "content-type,x-api-key,x-trace"},
				// upload: multipart is safelisted, POST is safelisted: a simple request, nothing sent.
				// headFile: Authorization needs a preflight.
				{Method: "OPTIONS", Target: "/v1/files/corsgate-probe", ACRM: "HEAD", ACRH: "authorization"},
				{Method: "HEAD", Target: "/v1/files/corsgate-probe"},
				// getFile: a query key needs no preflight.
				{Method: "GET", Target: "/v1/files/corsgate-probe"},
			},
			notes: []string{
				"OPTIONS /v1/shelves/{shelf}: skipped (a page does not call OPTIONS; the operation answers preflights)",
				`path parameters without a value were sent as "corsgate-probe": name in /v1/files/{name} (give --path-param NAME=VALUE, or an example in the spec)`,
				"only the preflight was sent for PUT /v1/shelves/{shelf}: the actual requests use unsafe methods (--allow-unsafe-methods sends them)",
				"nothing was sent for POST /v1/files/{name}: simple requests (no preflight) with unsafe methods (--allow-unsafe-methods sends them)",
			},
		},
		{
			name: "api key, path param, header, unsafe",
			in: planInput{apiKey: "k-123", pathParams: map[string]string{"name": "a.txt", "shelf": "9"}, allowUnsafe: true,
				headers: http.Header{"Authorization": {"Bearer t"}, "Cookie": {"sid=1"}}},
			want: []planRow{
				{Method: "OPTIONS", Target: "/v1/shelves/9", ACRM: "GET", ACRH: "authorization,x-request-id,x-trace"},
				{Method: "GET", Target: "/v1/shelves/9", Sent: []string{"Authorization", "Cookie", "X-Request-Id"}},
				{Method: "OPTIONS", Target: "/v1/shelves/9", ACRM: "PUT", ACRH: "authorization,content-type,x-api-key,x-trace"},
				{Method: "PUT", Target: "/v1/shelves/9", Sent: []string{"Authorization", "Content-Type", "Cookie", "X-Api-Key"}},
				{Method: "OPTIONS", Target: "/v1/files/a.txt", ACRM: "POST", ACRH: "authorization"},
				{Method: "POST", Target: "/v1/files/a.txt", Sent: []string{"Authorization", "Content-Type", "Cookie"}},
				{Method: "OPTIONS", Target: "/v1/files/a.txt", ACRM: "HEAD", ACRH: "authorization"},
				{Method: "HEAD", Target: "/v1/files/a.txt", Sent: []string{"Authorization", "Cookie"}},
				{Method: "OPTIONS", Target: "/v1/files/a.txt?key=k-123", ACRM: "GET", ACRH: "authorization"},
				{Method: "GET", Target: "/v1/files/a.txt?key=k-123", Sent: []string{"Authorization", "Cookie"}},
			},
			notes: []string{"OPTIONS /v1/shelves/{shelf}: skipped (a page does not call OPTIONS; the operation answers preflights)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.doc = doc
			in.origins = Origins([]string{"https://app.example.com"}, false)
			in.hostile = HostileNone
			if in.headers == nil {
				in.headers = http.Header{}
			}
			p := buildPlan(&in)
			got := rows(p)
			for i := range got {
				sortStrings(got[i].Sent)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.notes, p.notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanHostileSampling(t *testing.T) {
	doc := mustDoc(t, planSpec)
	count := func(mode HostileMode) (given, hostile int) {
		p := buildPlan(&planInput{doc: doc, origins: Origins([]string{"https://app.example.com"}, mode != HostileNone),
			hostile: mode, headers: http.Header{}})
		for _, r := range p.requests {
			if r.origin.Kind.Hostile() {
				hostile++
			} else {
				given++
			}
		}
		return
	}
	g, h := count(HostileNone)
	if g != 6 || h != 0 {
		t.Errorf("none: %d given, %d hostile", g, h)
	}
	// 6 hostile origins; the first 3 operations that send something
	// (getShelf: 2 requests, putShelf: 1, headFile: 2) get them.
	g, h = count(HostileSample)
	if g != 6 || h != 6*5 {
		t.Errorf("sample: %d given, %d hostile, want 6 and 30", g, h)
	}
	g, h = count(HostileAll)
	if g != 6 || h != 6*6 {
		t.Errorf("all: %d given, %d hostile, want 6 and 36", g, h)
	}
}

func TestPlanPaths(t *testing.T) {
	p := buildPlan(&planInput{paths: []string{"/a", "/b/{id}"}, methods: []string{"GET", "DELETE"},
		pathParams: map[string]string{"id": "3"}, origins: Origins([]string{"https://app.example.com"}, false), hostile: HostileNone,
		headers: http.Header{"X-Custom": {"v"}}})
	want := []planRow{
		{Method: "OPTIONS", Target: "/a", ACRM: "GET", ACRH: "x-custom"},
		{Method: "GET", Target: "/a", Sent: []string{"X-Custom"}},
		{Method: "OPTIONS", Target: "/a", ACRM: "DELETE", ACRH: "x-custom"},
		{Method: "OPTIONS", Target: "/b/3", ACRM: "GET", ACRH: "x-custom"},
		{Method: "GET", Target: "/b/3", Sent: []string{"X-Custom"}},
		{Method: "OPTIONS", Target: "/b/3", ACRM: "DELETE", ACRH: "x-custom"},
	}
	if diff := cmp.Diff(want, rows(p)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
