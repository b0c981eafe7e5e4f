package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "spec-parse",
		Category: lint.CategoryInput,
		Severity: lint.Error,
		Doc:      "Checks that the file parses as YAML or JSON within corsgate's safety limits.",
		Details: `Reported for empty files, binary data, invalid UTF-8, YAML/JSON syntax errors (with the
parser's position), a top-level list or scalar, duplicate mapping keys (naming both lines), more than
200 YAML aliases (the limit API Gateway documents, also the defence against alias bombs), nesting deeper
than 1000 levels and files larger than --max-size (64 MiB by default). gcloud reports such files as
"Could not read JSON or YAML from service config file"; Service Management as "Unable to parse the content".
A file with this finding is not checked by any other rule.`,
		Sources: []lint.Source{
			gcloud("lib/surface/endpoints/services/deploy.py", "Run"),
			apiCompiler("MultiOpenApiParser.java", "getTopLevelOpenApiFiles"),
			docGatewayLimits,
		},
		External: true,
	})
}

// LoadDiagnostic turns a load failure into a diagnostic of spec-parse, of
// swagger-version for documents with neither a swagger nor an openapi key,
// or of openapi-version for OpenAPI versions Google does not accept.
func LoadDiagnostic(e *spec.LoadError) lint.Diagnostic {
	id := "spec-parse"
	switch e.Kind {
	case spec.KindNotSwagger:
		id = "swagger-version"
	case spec.KindOpenAPIVersion:
		id = "openapi-version"
	}
	return lint.Diagnostic{RuleID: id, Severity: lint.Error, Message: e.Msg, File: e.File, Line: e.Line, Column: e.Column}
}
