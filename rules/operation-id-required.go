package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "operation-id-required",
		Category: lint.CategoryOperations,
		Severity: lint.Error,
		Doc:      "Checks that every operation has an operationId.",
		Details: `Cloud Endpoints lists operationId among the required fields: Service Management names the API
method after it and rejects an operation without one ("Operation does not have the required
'operationId' field. Please specify unique value for 'operationId' field for all operations.").
head operations are not checked: corsgate has always treated them as not converted, although
api-compiler's ProtoApiFromOpenApi.getOperationsForPath lists head (UNVERIFIED which is right for
Service Management today). Same verdict for every target.`,
		Sources: []lint.Source{apiCompiler("aspects/ProtoApiFromOpenApi.java", "validateOperationId"), apiCompilerTest("invalid_opertion_id.baseline"), apiCompilerTest("no_opertion_id.baseline")},
		Op: func(p *lint.Pass, op *spec.Op) {
			if !op.Converted() || !spec.IsMap(op.Node) {
				return // structure-required reports an operation that is not an object
			}
			if _, ok := op.MethodID(); ok {
				return
			}
			if op.OperationID.Present() {
				p.ReportAt(op.OperationID, "%s: Operation does not have the required 'operationId' field (it is empty). Please specify unique value for 'operationId' field for all operations.", op.Where())
				return
			}
			p.ReportNode(lint.Error, op.Key, op.Ptr, "%s: Operation does not have the required 'operationId' field. Please specify unique value for 'operationId' field for all operations.", op.Where())
		},
	})
}
