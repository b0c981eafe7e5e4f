package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// SpecParse reports files that cannot be loaded at all (F2, F8 and limits).
var SpecParse = &lint.Rule{
	ID:       "spec-parse",
	Ref:      "F2",
	Category: lint.CategoryInput,
	Severity: lint.Error,
	Doc:      "Checks that the file parses as YAML or JSON within corsgate's safety limits.",
	Details: `Reported for empty files, binary data, invalid UTF-8, YAML/JSON syntax errors (with the
parser's position), a top-level list or scalar, duplicate mapping keys (naming both lines), more than
200 YAML aliases (the limit API Gateway documents, also the defence against alias bombs), nesting deeper
than 1000 levels and files larger than --max-size (64 MiB by default). gcloud reports such files as
"Could not read JSON or YAML from service config file"; Service Management as "Unable to parse the content".
A file with this finding is not checked by any other rule.`,
	Bad:      "paths:\n  /a:\n    get: {responses: {200: {description: ok}}\n  /a:   # duplicate key\n",
	Good:     "paths:\n  /a:\n    get: {responses: {200: {description: ok}}}\n",
	Source:   "gcloud endpoints services deploy; api-compiler SwaggerImporter; API Gateway OpenAPI limitations (200 aliases)",
	External: true,
}

// SwaggerVersion reports documents that are not Swagger 2.0 (F3).
var SwaggerVersion = &lint.Rule{
	ID:       "swagger-version",
	Ref:      "F3",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Doc:      `Checks that the document is Swagger 2.0: a top-level swagger key whose value is the string "2.0".`,
	Details: `gcloud identifies an OpenAPI 2 file by its top-level swagger key, and Service Management requires
swagger: "2.0" ("Cannot find a valid OpenAPI 2.0 spec in the input files"). An unquoted 2.0 is a YAML
number, which the Swagger 2.0 schema rejects. OpenAPI 3.x documents get one diagnostic saying that
corsgate checks only Swagger 2.0.`,
	Bad:    "swagger: 2.0\n",
	Good:   "swagger: \"2.0\"\n",
	Source: "gcloud deploy.py; api-compiler (Swagger 2.0 schema)",
	Check:  checkSwaggerVersion,
}

func init() {
	register(SpecParse)
	register(SwaggerVersion)
}

func checkSwaggerVersion(p *lint.Pass) {
	k, v := spec.MapGet(p.Doc.Root, "swagger")
	if k == nil {
		return // reported by the loader
	}
	v = spec.Deref(v)
	switch {
	case spec.IsString(v) && v.Value == "2.0":
	case spec.IsNumber(v):
		p.Report("/swagger", `swagger must be the string "2.0"; the unquoted %s is a number, which the Swagger 2.0 schema rejects: write swagger: "2.0"`, v.Value)
	default:
		p.Report("/swagger", `swagger must be "2.0", not %s; Service Management reports "Cannot find a valid OpenAPI 2.0 spec in the input files"`, describe(v))
	}
}

// LoadDiagnostic turns a load failure into a diagnostic of spec-parse, of
// swagger-version for documents with neither a swagger nor an openapi key,
// or of openapi-version for OpenAPI versions Google does not accept.
func LoadDiagnostic(e *spec.LoadError) lint.Diagnostic {
	id := SpecParse.ID
	switch e.Kind {
	case spec.KindNotSwagger:
		id = SwaggerVersion.ID
	case spec.KindOpenAPIVersion:
		id = "openapi-version"
	}
	return lint.Diagnostic{RuleID: id, Severity: lint.Error, Message: e.Msg, File: e.File, Line: e.Line, Column: e.Column}
}
