package rules

import (
	"github.com/corsgate/corsgate/internal/oasschema"
	"github.com/corsgate/corsgate/lint"
)

// StructureSchema validates the document against the official Swagger 2.0
// JSON Schema (reference §2.1 F5); the logic lives in package oasschema.
var StructureSchema = &lint.Rule{
	ID:       "structure-schema",
	Ref:      "F5",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Heavy:    true,
	Doc:      "Checks the document against the official Swagger 2.0 JSON Schema: unknown keys, missing fields, wrong types and values.",
	Details: `Service Management validates every file against the Swagger 2.0 schema and rejects it with "Invalid
OpenAPI file. Please fix the schema errors:". corsgate reports one finding per cause, in words, at the
offending value (the key for an unknown key, the object for a missing field): an OpenAPI 3.x key such as
servers or requestBody, schemes: [ftp], type: strin (with the nearest valid value), in: cookie, a response
without a description, a parameter that fits no parameter form. Google's accepted idioms are never
reported: authorizationUrl: "" (formats are not checked), flow: implicit and oauth2 without scopes on
JWT definitions, unquoted integer response keys, x-google-* extensions, and path parameters without
required: true (Google's own copy of the schema does not require it). What structure-required,
structure-path-keys, structure-response-codes, structure-base-path, swagger-version, host-format,
security-requirement-shape, security-scheme-unsupported, security-apikey-location and
operation-id-required report is left to them. Same verdict for every target.`,
	Bad:    "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\nservers:\n- url: https://echo.example.com\npaths:\n  /echo:\n    get:\n      operationId: echo\n      parameters:\n      - {name: session, in: cookie, type: string}\n      responses: {200: {schema: {type: strin}}}\n",
	Good:   "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\nhost: echo.example.com\npaths:\n  /echo:\n    get:\n      operationId: echo\n      parameters:\n      - {name: session, in: header, type: string}\n      responses: {200: {description: ok, schema: {type: string}}}\n",
	Source: "OpenAPI Initiative Swagger 2.0 JSON Schema (spec.openapis.org/oas/2.0/schema/2017-08-27); api-compiler bundled schema (baseline schema_error)",
	Check:  checkSchema,
}

func checkSchema(p *lint.Pass) {
	problems, err := oasschema.Validate(p.Doc.Root, oasschema.Swagger20)
	if err != nil {
		// Not the document's fault: the embedded schema did not compile (a
		// test guards against it). lint.Run turns this into an internal
		// error (exit 3) naming the rule and the file.
		panic(err)
	}
	for _, pr := range problems {
		switch {
		case pr.Kind == oasschema.Skipped:
			p.ReportSeverity(lint.Warning, pr.Pointer, "%s", pr.Message)
		case pr.Kind.AtKey():
			p.ReportKey(pr.Pointer, "%s", pr.Message)
		default:
			p.Report(pr.Pointer, "%s", pr.Message)
		}
	}
}

func init() { register(StructureSchema) }
