package rules

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// quoteList renders names as "a", "b" and "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// reportUnknownField reports a key that is not a field of the proto message
// an extension is parsed into, with Service Management's wording and the
// nearest valid key as a suggestion (api-compiler
// VendorExtensionProtoConverter.convertJsonToProto; protobuf JsonFormat says
// "Cannot find field").
func reportUnknownField(p *lint.Pass, v spec.Value, ext, message string, valid []string) {
	msg := "Extension " + ext + " cannot be converted into proto type " + message + ". Details: Cannot find field: %s in message " + message
	if s := lint.Suggest(v.Key.Value, valid); s != "" {
		p.ReportKeyAt(v, msg+" (did you mean %q?)", v.Key.Value, s)
		return
	}
	p.ReportKeyAt(v, msg+"; valid keys are "+andList(valid), v.Key.Value)
}

// andList renders names as a, b and c.
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// backendField names a field of a backend for messages: "x-google-backend
// address" in Swagger 2.0, where the object is the extension; "address of
// backend 'orders' of x-google-api-management" in OpenAPI 3.x, where
// backends are declared by name.
func backendField(b *spec.Backend, field string) string {
	if b.Name != "" {
		return field + " of " + b.Where()
	}
	return "x-google-backend " + field
}

// backendObject names the object that holds a backend's fields for
// messages: "x-google-backend" in Swagger 2.0, the named backend in OpenAPI
// 3.x.
func backendObject(b *spec.Backend) string {
	if b.Name != "" {
		return b.Where()
	}
	return "x-google-backend"
}

// securityDefs names a document's security schemes in messages:
// securityDefinitions in Swagger 2.0, components.securitySchemes in 3.x.
func securityDefs(g *spec.Google) string {
	if g.Version.IsOpenAPI3() {
		return "security schemes"
	}
	return "security definitions"
}

// apiNameKey is where a document sets its API name: x-google-api-name in
// Swagger 2.0, x-google-api-management.apiName in OpenAPI 3.x.
func apiNameKey(g *spec.Google) string {
	if g.Version.IsOpenAPI3() {
		return "x-google-api-management.apiName"
	}
	return "x-google-api-name"
}

// hostWord names where a document writes its service name: host in Swagger
// 2.0, the url of the x-google-endpoint server in OpenAPI 3.x.
func hostWord(g *spec.Google) string {
	if g.Version.IsOpenAPI3() {
		return "server url host"
	}
	return "host"
}
