package rules

import (
	"context"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// FuzzOpsFamilyRules runs the ops family's rules, and the structure and
// extension rules, on arbitrary documents: they must never panic (lint.Run
// turns a panic into an error) and every diagnostic must carry a position.
func FuzzOpsFamilyRules(f *testing.F) {
	seeds := []string{
		"swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.endpoints.my-project.cloud.goog\npaths:\n  /a/{id}:\n    get: {operationId: x, parameters: [{$ref: '#/parameters/p'}], responses: {200: {description: ok, schema: {$ref: '#/definitions/A'}}}}\nparameters:\n  p: {name: id, in: path, required: true, type: string}\ndefinitions:\n  A: {type: array, items: {$ref: '#/definitions/A'}}\n",
		"swagger: \"2.0\"\npaths:\n  /a:\n    parameters: 3\n    get: [1, 2]\n    put: {operationId: [x], parameters: [{name: a}, 7, {$ref: 5}]}\ndefinitions: [1]\nx-google-allow: {a: b}\nx-google-api-name: [x]\nbasePath: 5\n",
		"swagger: \"2.0\"\nhost: 7\ninfo: {version: [1]}\ndefinitions:\n  A: {$ref: '#/definitions/B'}\n  B: {additionalProperties: {$ref: '#/definitions/A'}}\n  C: {properties: 5, additionalProperties: true}\n",
		"{\"swagger\": \"2.0\", \"paths\": {\"/x/{a=**}/{b}\": {\"post\": {\"operationId\": \"a\", \"parameters\": [{\"name\": \"b\", \"in\": \"body\", \"schema\": {\"$ref\": \"#/definitions/M\"}}]}}}, \"definitions\": {\"M\": {\"additionalProperties\": {}}}}",
		"anchors: &a {x: 1}\nswagger: \"2.0\"\npaths:\n  /a: &item\n    get: {operationId: a}\n  /b: *item\n",
		"swagger: \"2.0\"\nx-a: &e {x-google-backends: 1, responses: &r {x-google-quota: 2}}\npaths:\n  /a: {get: {operationId: a, x-google-endpoint: *e, responses: *r}}\n  x-google-p: *e\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	rs := append(rulesByID(f, opsFamilyIDs), rulesByID(f, []string{
		"structure-required", "structure-path-keys", "structure-response-codes", "structure-base-path",
		"swagger-version", "extension-unknown", "extension-oas3-only",
	})...)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := spec.Parse("fuzz.yaml", data, spec.Options{MaxSize: 1 << 16})
		if err != nil {
			return
		}
		for _, target := range lint.Targets {
			ds, err := lint.Run(context.Background(), []*spec.Document{doc, doc}, rs, &lint.Config{Target: target}, nil)
			if err != nil {
				t.Fatalf("rule failure: %v", err)
			}
			for _, d := range ds {
				if d.Line == 0 {
					t.Fatalf("%s reported without a position: %s", d.RuleID, d.Message)
				}
			}
		}
	})
}
