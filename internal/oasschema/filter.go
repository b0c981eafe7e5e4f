package oasschema

import (
	"slices"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// keep decides whether a leaf found in a unit is reported at one of its
// occurrences (ptr, node): never for Google's accepted idioms, and for
// Swagger 2.0 not when one of corsgate's dedicated rules reports the same
// cause (the table in doc.go).
func keep(v Version, root *yaml.Node, ptr string, node *yaml.Node, l *leaf) bool {
	t := append(spec.SplitPointer(ptr), l.at...)
	if idiom(v, l) || v == Swagger20 && emptyReference(node, l) {
		return false
	}
	if v == Swagger20 {
		return !delegated(root, t, l)
	}
	return !delegated3(t, l)
}

// idiom reports the schema errors Google accepts.
func idiom(v Version, l *leaf) bool {
	if l.kind != Missing {
		return false
	}
	def := defName(l.schema)
	switch {
	case v == Swagger20 && l.field == "required" && def == "pathParameterSubSchema":
		// A path parameter without required: true. The Swagger 2.0 schema
		// Service Management validates with does not require it (api-compiler
		// a0481d58 src/main/resources/swagger/schema2_0/schema.json,
		// pathParameterSubSchema has no "required" list; the baseline of
		// schema_error.json reports only the missing responses of an
		// operation whose path parameter has no required).
		return true
	case v != Swagger20 && l.field == "scopes" && flowDefs[def]:
		// oauth2 flows without scopes: Google accepts scopes but never
		// checks them (DESIGN.md, Google idioms; OpenAPI 3.x feature
		// limitations 3Q1). Whether Google requires the key in 3.x is
		// UNVERIFIED; corsgate chooses not to report it.
		return true
	}
	return false
}

// emptyReference reports a leaf about an empty object where Swagger 2.0
// takes a parameter or a response: Google's copy of the schema does not
// require $ref in a reference object (api-compiler a0481d58
// src/main/resources/swagger/schema2_0/schema.json, jsonReference), so {}
// passes as an empty reference (baseline response_no: responses 200: {} and
// 404: {} convert without an error).
func emptyReference(node *yaml.Node, l *leaf) bool {
	n := spec.Deref(node)
	return len(l.at) == 0 && n != nil && n.Kind == yaml.MappingNode && len(n.Content) == 0 &&
		(defName(l.schema) == "parameter" || defName(l.schema) == "response" || defName(l.schema) == "parametersList" ||
			defName(l.schema) == "responseValue" || defName(l.schema) == "nonBodyParameter" || defName(l.schema) == "bodyParameter")
}

// flowDefs are the oauth2 flow definitions of the 3.0 and 3.1 schemas.
var flowDefs = map[string]bool{"ImplicitOAuthFlow": true, "PasswordOAuthFlow": true, "ClientCredentialsFlow": true,
	"AuthorizationCodeOAuthFlow": true, "implicit": true, "password": true, "client-credentials": true, "authorization-code": true}

// delegated reports the Swagger 2.0 schema errors another corsgate rule
// already reports, so that each cause is reported once. t is the leaf's
// location from the document root.
func delegated(root *yaml.Node, t []string, l *leaf) bool {
	if len(t) == 0 {
		// structure-required: missing info or paths.
		return l.kind == Missing && (l.field == "info" || l.field == "paths")
	}
	switch t[0] {
	case "swagger": // swagger-version
		return true
	case "host": // host-format
		return true
	case "basePath": // structure-base-path
		return true
	case "info": // structure-required
		return len(t) == 1 && (l.kind == WrongType || l.kind == Missing && (l.field == "title" || l.field == "version")) ||
			len(t) == 2 && t[1] == "title" && l.kind == WrongType
	case "security": // security-requirement-shape
		return securityShape(t[1:], l)
	case "securityDefinitions":
		return securityDefinition(root, t, l)
	case "paths":
		return pathsDelegated(root, t, l)
	}
	return false
}

// swagger2TopKeys are the Swagger 2.0 top-level keys a 3.x document may
// carry by mistake: openapi3-swagger2-keys reports them.
var swagger2TopKeys = map[string]bool{"host": true, "basePath": true, "schemes": true, "consumes": true,
	"produces": true, "definitions": true, "securityDefinitions": true, "parameters": true, "responses": true}

// delegated3 reports the OpenAPI 3.x schema errors another corsgate rule
// already reports: a Swagger 2.0 top-level key (openapi3-swagger2-keys) and
// anything about the openapi value (openapi-version, and the loader, which
// refuses versions other than 3.0.x and 3.1.x).
func delegated3(t []string, l *leaf) bool {
	switch {
	case len(t) == 0:
		return false
	case t[0] == "openapi":
		return true
	}
	return len(t) == 1 && l.kind == UnknownKey && swagger2TopKeys[t[0]]
}

func pathsDelegated(root *yaml.Node, t []string, l *leaf) bool {
	switch {
	case len(t) == 1: // structure-required: paths not an object
		return l.kind == WrongType
	case len(t) == 2: // structure-path-keys: a key that does not start with /
		return l.kind == UnknownKey
	case len(t) < 3 || !slices.Contains(swaggerMethods, t[2]):
		return false
	}
	op := t[3:]
	switch {
	case len(op) == 0: // structure-required: operation not an object, or without responses
		return l.kind == WrongType || l.kind == Missing && l.field == "responses"
	case op[0] == "responses" && len(op) == 1: // structure-required: responses not an object, or empty
		// (an empty one also fails the "not only x- keys" check)
		empty := func() bool {
			n := nodeAt(root, t)
			return n != nil && n.Kind == yaml.MappingNode && len(n.Content) == 0
		}
		return l.kind == WrongType || l.kind == Invalid && (l.keyword == "minProperties" || l.keyword == "not" && empty())
	case op[0] == "responses" && len(op) == 2: // structure-response-codes
		return l.kind == UnknownKey
	case op[0] == "operationId" && len(op) == 1: // operation-id-required: operationId: null (head is not converted)
		return l.kind == WrongType && l.gotType == "null" && t[2] != "head"
	case op[0] == "security":
		return securityShape(op[1:], l)
	}
	return false
}

// securityShape: security-requirement-shape reports a security value that
// is not a list, a requirement that is not an object and scopes that are
// not a list (s is the location below security).
func securityShape(s []string, l *leaf) bool {
	return l.kind == WrongType && len(s) <= 2
}

// securityDefinition: security-scheme-unsupported reports a definition
// that is not an object, has no type or a wrong one; security-apikey-location
// an apiKey definition without a string name or in.
func securityDefinition(root *yaml.Node, t []string, l *leaf) bool {
	if len(t) < 2 {
		return false
	}
	if len(t) == 2 && (l.kind == WrongType || l.kind == Missing && l.field == "type") || len(t) == 3 && t[2] == "type" {
		return true
	}
	typ := spec.Deref(spec.Get(spec.Get(spec.Get(root, "securityDefinitions"), t[1]), "type"))
	if !spec.IsString(typ) || typ.Value != "apiKey" {
		return false
	}
	return len(t) == 2 && l.kind == Missing && (l.field == "name" || l.field == "in") ||
		len(t) == 3 && (t[2] == "name" || t[2] == "in") && l.kind == WrongType
}
