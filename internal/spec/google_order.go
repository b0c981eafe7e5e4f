package spec

import (
	"cmp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Service Management turns each operation into a method of the API
// (api-compiler a0481d5 src/main/java/com/google/api/tools/framework/
// importers/swagger/aspects/ProtoApiFromOpenApi.java, addFromSwagger and
// createServiceMethodsFromPath): the paths in sorted order (a TreeSet of the
// keys), within a path the verbs in the order getOperationsForPath lists
// them, the method named after operationId.
//
// convertedMethods leaves head out, as corsgate always has. Note that
// getOperationsForPath at that commit does list head (after get), and
// HttpRuleGenerator.createHttpRule gives it a custom HEAD pattern: whether
// Service Management converts head operations today is UNVERIFIED, and the
// rules that read this order keep their verdicts until it is decided.
var convertedMethods = [...]string{"get", "delete", "patch", "post", "put", "options"}

func methodRank(method string) int {
	for i, m := range convertedMethods {
		if m == method {
			return i
		}
	}
	return -1
}

// Converted reports whether Service Management turns the operation into a
// method (see convertedMethods).
func (op *Op) Converted() bool { return methodRank(op.Method) >= 0 }

// MethodID returns the operationId the method is named after; ok is false
// when it is missing, null or empty, which Service Management rejects
// (ProtoApiFromOpenApi.validateOperationId: Strings.isNullOrEmpty). Other
// scalars (a number) count as their text; a list or an object does not.
func (op *Op) MethodID() (id string, ok bool) {
	n := op.OperationID.Node
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.Value == "" {
		return "", false
	}
	return n.Value, true
}

// ConvertedOps returns the operations Service Management converts, in the
// order it converts them: paths sorted (by bytes), then get, delete, patch,
// post, put, options. Which of two operations is "first" (a duplicate
// method name, a shared parameter) depends on this order. Computed once; the
// slice is shared and read-only.
func (g *Google) ConvertedOps() []*Op {
	g.orderOnce.Do(func() {
		ops := make([]*Op, 0, len(g.Ops))
		for _, op := range g.Ops {
			if op.Converted() {
				ops = append(ops, op)
			}
		}
		slices.SortStableFunc(ops, func(a, b *Op) int {
			return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(methodRank(a.Method), methodRank(b.Method)))
		})
		g.order = ops
	})
	return g.order
}

// AllowAll reports whether x-google-allow is "all" (any case): Service
// Management then adds catch-all methods on /** for get, delete, patch, post
// and put (ProtoApiFromOpenApi.isAllowAllMethodsConfigured and
// getNewWildCardPathObject). Never in OpenAPI 3.x, where x-google-allow is
// not supported (Cloud Endpoints and API Gateway OpenAPI 3.x feature
// limitations): rejected or ignored, it adds no catch-all method.
func (g *Google) AllowAll() bool {
	if g.Version.IsOpenAPI3() {
		return false
	}
	s, ok := g.Allow.Str()
	return ok && strings.EqualFold(s, "all")
}
