package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "operation-id-format",
		Category: lint.CategoryOperations,
		Severity: lint.Warning,
		Doc:      "Checks that an operationId starts with a letter and keeps at least one character after Service Management's sanitising.",
		Details: `The method name (operationId without characters outside [A-Za-z0-9_]) becomes the last part of the
selector API_NAME.MethodName used by the generated http, auth and usage rules. A name that is empty
or starts with a digit or an underscore is not a valid identifier there. UNVERIFIED: no upstream
message is known for this exact case (the closest real one is "http rule has bad syntax in selector
'%s'"), so corsgate reports a warning rather than an error. Same verdict for every target.`,
		Sources: []lint.Source{
			apiCompiler("aspects/utils/NameConverter.java", "operationIdToMethodName"),
			apiCompiler("aspects/HttpRuleGenerator.java", "createHttpRule"),
			doc("GoogleCloudPlatform/python-docs-samples issue #676 (http rule has bad syntax in selector)", "https://github.com/GoogleCloudPlatform/python-docs-samples/issues/676"),
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			id, ok := op.MethodID()
			if !op.Converted() || !ok {
				return
			}
			switch name := smMethodName(id); {
			case name == "":
				p.ReportAt(op.OperationID, "operationId %q has no character in [A-Za-z0-9_], so the generated method name is empty and the selector is invalid; use a name such as %s", id, strings.ToLower(op.Method)+"Item")
			case name[0] < 'A' || name[0] > 'Z':
				p.ReportAt(op.OperationID, "operationId %q becomes the method name %q, which does not start with a letter; the selector API_NAME.%s is not a valid identifier: start the operationId with a letter", id, name, name)
			}
		},
	})
}
