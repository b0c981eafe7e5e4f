package rules

import (
	"github.com/corsgate/corsgate/internal/oasschema"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// StructureSchema validates the document against the official JSON Schema
// of its version; the logic lives in package oasschema.
var StructureSchema = &lint.Rule{
	ID:       "structure-schema",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Heavy:    true,
	Doc:      "Checks the document against the official JSON Schema of its version (Swagger 2.0, OpenAPI 3.0, OpenAPI 3.1): unknown keys, missing fields, wrong types and values.",
	Details: `Service Management validates every file against the Swagger 2.0 schema and rejects it with "Invalid
OpenAPI file. Please fix the schema errors:"; an OpenAPI 3.x file is checked against the OpenAPI 3.0 or
3.1 schema (the schemas from spec.openapis.org, embedded unchanged; that Google validates 3.x files
with exactly these is UNVERIFIED, the reference names no other). corsgate reports one finding per cause, in words, at the
offending value (the key for an unknown key, the object for a missing field): an OpenAPI 3.x key such as
servers or requestBody, schemes: [ftp], type: strin (with the nearest valid value), in: cookie, a response
without a description, a parameter that fits no parameter form. Google's accepted idioms are never
reported: authorizationUrl: "" (formats are not checked), flow: implicit and oauth2 without scopes on
JWT definitions, unquoted integer response keys, x-google-* extensions, and path parameters without
required: true (Google's own copy of the schema does not require it). What structure-required,
structure-path-keys, structure-response-codes, structure-base-path, swagger-version, host-format,
security-requirement-shape, security-scheme-unsupported, security-apikey-location and
operation-id-required report is left to them; in 3.x, what openapi3-swagger2-keys and openapi-version
report. In 3.x local $ref values must also resolve, and parameter, response and request-body references
point into their own section of components. Same verdict for every target.`,
	Bad:  "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\nservers:\n- url: https://echo.example.com\npaths:\n  /echo:\n    get:\n      operationId: echo\n      parameters:\n      - {name: session, in: cookie, type: string}\n      responses: {200: {schema: {type: strin}}}\n",
	Good: "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\nhost: echo.example.com\npaths:\n  /echo:\n    get:\n      operationId: echo\n      parameters:\n      - {name: session, in: header, type: string}\n      responses: {200: {description: ok, schema: {type: string}}}\n",
	Sources: []lint.Source{
		doc("OpenAPI Initiative JSON Schemas: Swagger 2.0 (2017-08-27), OpenAPI 3.0 (2024-10-18), OpenAPI 3.1 (2025-11-23)", "https://spec.openapis.org/"),
		lint.Code(lint.APICompiler, "src/main/resources/swagger/schema2_0/schema.json", ""),
		apiCompilerTest("schema_error.baseline"),
	},
	Check: checkSchema,
}

func checkSchema(p *lint.Pass) {
	problems, err := oasschema.Validate(p.Doc.Root, schemaVersion[p.Doc.Version])
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

// schemaVersion is the schema each document version is validated against.
var schemaVersion = map[spec.Version]oasschema.Version{
	spec.Swagger2:  oasschema.Swagger20,
	spec.OpenAPI30: oasschema.OpenAPI30,
	spec.OpenAPI31: oasschema.OpenAPI31,
}

func init() { register(StructureSchema) }
