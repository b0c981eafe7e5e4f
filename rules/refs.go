package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Helpers of the $ref and schema rules (ref-*, body-schema-map). Service
// Management turns definitions, body parameters and success responses into
// protobuf types (api-compiler a0481d5 src/main/java/com/google/api/tools/
// framework/importers/swagger/aspects/type/TypeBuilder.java); the rules
// mirror what that conversion rejects or silently degrades.

// defsPrefix starts every schema reference Service Management resolves
// (TypeBuilder.TYPE_DEFINITIONS_PREFIX).
const defsPrefix = "#/definitions/"

// srcTypeBuilder is the type conversion the rules mirror.
var srcTypeBuilder = apiCompiler("aspects/type/TypeBuilder.java", "addTypeFromModel")

// isExternalRef reports whether ref points outside the document.
func isExternalRef(ref string) bool { return !strings.HasPrefix(ref, "#") }

// schemaTypeIs reports whether schema n declares type t.
func schemaTypeIs(n *yaml.Node, t string) bool {
	v := spec.Deref(spec.Get(n, "type"))
	return spec.IsString(v) && v.Value == t
}
