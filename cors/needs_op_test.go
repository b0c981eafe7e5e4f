package cors

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const oas3OpSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
- url: https://api.example.com/v1
  x-google-endpoint: {}
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: key}
  requestBodies:
    Item:
      content:
        application/json: {schema: {type: object}}
        text/plain: {schema: {type: string}}
paths:
  /items:
    post:
      operationId: add
      security: [{key: []}]
      parameters:
      - {in: header, name: X-Trace, schema: {type: string}}
      requestBody: {$ref: "#/components/requestBodies/Item"}
      responses: {"200": {description: ok}}
`

func TestOperationNeedsOf(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      map[string]OperationNeeds // by operationId
	}{
		{name: "swagger 2.0", src: crossSpec, want: map[string]OperationNeeds{
			"get": {Headers: []string{"X-Trace"}},
			"put": {Headers: []string{"X-Trace"}, APIKeyHeaders: []string{"x-api-key"}, Authorization: true, Body: true},
		}},
		{name: "openapi 3.0", src: oas3OpSpec, want: map[string]OperationNeeds{
			"add": {Headers: []string{"X-Trace"}, APIKeyQuery: []string{"key"}, Body: true, BodyTypes: []string{"application/json", "text/plain"}},
		}},
		{name: "consumes of the document and of the operation", src: `swagger: "2.0"
info: {title: t, version: "1"}
consumes: [application/xml]
paths:
  /a:
    post:
      operationId: doc
      parameters: [{in: body, name: b, schema: {type: object}}]
      responses: {200: {description: ok}}
    put:
      operationId: own
      consumes: [application/x-www-form-urlencoded]
      parameters: [{in: formData, name: f, type: string}]
      responses: {200: {description: ok}}
`, want: map[string]OperationNeeds{
			"doc": {Body: true, BodyTypes: []string{"application/xml"}},
			"own": {Body: true, BodyTypes: []string{"application/x-www-form-urlencoded"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := mustDoc(t, "api.yaml", tc.src).Google()
			got := map[string]OperationNeeds{}
			for _, op := range g.Ops {
				got[op.OperationID.Text()] = OperationNeedsOf(g, op)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("OperationNeedsOf (-want +got):\n%s", diff)
			}
		})
	}
}
