package oasschema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/oasschema"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

const (
	head30   = "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\n"
	servers3 = "servers: [{url: \"https://t.endpoints.p.cloud.goog\", x-google-endpoint: {}}]\n"
	getOK3   = "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {200: {description: ok}}\n"
	head     = "swagger: \"2.0\"\ninfo: {title: T, version: \"1\"}\nhost: t.endpoints.p.cloud.goog\n"
	getOK    = "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {200: {description: ok}}\n"
)

// TestDelegatedOnce: for each schema error another rule owns (the table in
// doc.go), the full rule set reports the cause exactly once, by that rule,
// although the schema finds it too.
func TestDelegatedOnce(t *testing.T) {
	tests := []struct {
		name, rule, doc string
		line            int
	}{
		{"no info", "structure-required", "swagger: \"2.0\"\nhost: t.endpoints.p.cloud.goog\n" + getOK, 1},
		{"info not an object", "structure-required", "swagger: \"2.0\"\ninfo: T\nhost: t.endpoints.p.cloud.goog\n" + getOK, 2},
		{"no info.title", "structure-required", "swagger: \"2.0\"\ninfo: {version: \"1\"}\nhost: t.endpoints.p.cloud.goog\n" + getOK, 2},
		{"info.title a number", "structure-required", "swagger: \"2.0\"\ninfo: {title: 5, version: \"1\"}\nhost: t.endpoints.p.cloud.goog\n" + getOK, 2},
		{"no paths", "structure-required", head, 1},
		{"paths a list", "structure-required", head + "paths: []\n", 4},
		{"operation not an object", "structure-required", head + "paths:\n  /a:\n    get: x\n", 6},
		{"operation without responses", "structure-required", head + "paths:\n  /a:\n    get:\n      operationId: a\n", 6},
		{"empty responses", "structure-required", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {}\n", 8},
		{"responses a list", "structure-required", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses: []\n", 8},
		{"path key without /", "structure-path-keys", head + "paths:\n  a:\n    get: {operationId: a, responses: {200: {description: ok}}}\n", 5},
		{"response key", "structure-response-codes", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {ok: {description: ok}}\n", 8},
		{"basePath", "structure-base-path", head + "basePath: v1\n" + getOK, 4},
		{"swagger a number", "swagger-version", strings.Replace(head, `"2.0"`, "2.0", 1) + getOK, 1},
		{"swagger 3.0", "swagger-version", strings.Replace(head, `"2.0"`, `"3.0"`, 1) + getOK, 1},
		{"host with a scheme", "host-format", strings.Replace(head, "host: t", "host: https://t", 1) + getOK, 3},
		{"host with a path", "host-format", strings.Replace(head, "cloud.goog", "cloud.goog/v1", 1) + getOK, 3},
		{"security not a list", "security-requirement-shape", head + "security: {k: []}\nsecurityDefinitions: {k: {type: apiKey, name: key, in: query}}\n" + getOK, 4},
		{"security requirement a string", "security-requirement-shape", head + "security: [k]\nsecurityDefinitions: {k: {type: apiKey, name: key, in: query}}\n" + getOK, 4},
		{"scopes not a list", "security-requirement-shape", head + "security: [{k: x}]\nsecurityDefinitions: {k: {type: apiKey, name: key, in: query}}\n" + getOK, 4},
		{"operation security not a list", "security-requirement-shape", head + "securityDefinitions: {k: {type: apiKey, name: key, in: query}}\npaths:\n  /a:\n    get:\n      operationId: a\n      security: k\n      responses: {200: {description: ok}}\n", 9},
		{"security definition not an object", "security-scheme-unsupported", head + "securityDefinitions: {k: apiKey}\n" + getOK, 4},
		{"security definition without type", "security-scheme-unsupported", head + "securityDefinitions:\n  k: {name: key, in: query}\n" + getOK, 5},
		{"security definition type", "security-scheme-unsupported", head + "securityDefinitions:\n  k: {type: apikey, name: key, in: query}\n" + getOK, 5},
		{"apiKey without in", "security-apikey-location", head + "securityDefinitions:\n  k: {type: apiKey, name: key}\n" + getOK, 5},
		{"operationId null", "operation-id-required", head + "paths:\n  /a:\n    get:\n      operationId: null\n      responses: {200: {description: ok}}\n", 7},
		// OpenAPI 3.x.
		{"3.0 host", "openapi3-swagger2-keys", head30 + "host: t.endpoints.p.cloud.goog\n" + getOK3, 3},
		{"3.1 definitions", "openapi3-swagger2-keys", strings.Replace(head30, "3.0.3", "3.1.0", 1) + "definitions: {}\n" + getOK3, 3},
		{"3.0 unquoted version", "openapi-version", "openapi: 3.0\ninfo: {title: T, version: \"1\"}\n" + servers3 + getOK3, 1},
		{"3.0 dangling schema reference", "ref-dangling", head30 + servers3 + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        200:\n          description: ok\n          content: {application/json: {schema: {$ref: \"#/components/schemas/Missing\"}}}\n", 11},
		{"3.0 dangling response reference", "ref-dangling", head30 + servers3 + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        200: {$ref: \"#/components/responses/Missing\"}\n", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var docs []*spec.Document
			var extra []lint.Diagnostic
			doc, err := spec.Parse("t.yaml", []byte(tt.doc), spec.Options{})
			if le, ok := err.(*spec.LoadError); ok {
				extra = append(extra, rules.LoadDiagnostic(le))
			} else if err != nil {
				t.Fatal(err)
			} else {
				docs = append(docs, doc)
				// The schema finds the cause too: without the delegation it would
				// be reported twice.
				v, err := oasschema.VersionOf(doc.Root)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := oasschema.ValidateUnfiltered(doc.Root, v)
				if err != nil {
					t.Fatal(err)
				}
				if len(raw) == 0 {
					t.Fatalf("the schema finds nothing in this input; it tests no delegation")
				}
			}
			ds, err := lint.Run(context.Background(), docs, rules.All(), nil, extra)
			if err != nil {
				t.Fatal(err)
			}
			var got []lint.Diagnostic
			for _, d := range ds {
				if d.RuleID == tt.rule || d.RuleID == "structure-schema" {
					got = append(got, d)
				}
			}
			if len(got) != 1 || got[0].RuleID != tt.rule || got[0].Line != tt.line {
				t.Errorf("want one %s finding on line %d, got:", tt.rule, tt.line)
				for _, d := range got {
					t.Errorf("  %d:%d %s: %s", d.Line, d.Column, d.RuleID, d.Message)
				}
			}
		})
	}
}
