package oasschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// words puts a leaf into the sentence a user reads. top says the leaf's
// object is the document's top level; node is the unit's node, to quote a
// wrong value as it is written.
func (x *explainer) words(l *leaf, v Version, top bool, node *yaml.Node) string {
	switch l.kind {
	case UnknownKey:
		return x.unknownKeyWords(l, v, top)
	case Missing:
		if def := defName(l.schema); l.field == "default" && (def == "responses" || def == "Responses") {
			return "responses needs at least one response: an HTTP status code such as 200, a range such as 2XX, or default"
		}
		if top {
			return "the document needs " + fieldWants(l)
		}
		return fmt.Sprintf("%s needs %s", x.subject(l.schema, false), fieldWants(l))
	case BadValue:
		if l.pattern != "" {
			return patternWords(l, v, node)
		}
		return fmt.Sprintf("%s must be %s, not %s%s", fieldName(l.at), valueList(l.want, l.at, v), shown(l.got, l.at, node), didYouMean(l.got, l.want))
	case WrongType:
		return typeWords(l, node)
	case BadKey:
		if l.pattern == "^[a-zA-Z0-9._-]+$" {
			return fmt.Sprintf("the name %q may only use letters, digits, \".\", \"-\" and \"_\"", l.field)
		}
		return fmt.Sprintf("the name %q does not match the pattern %s", l.field, l.pattern)
	}
	if l.many {
		return fmt.Sprintf("%s fits more than one of the forms the schema allows", fieldName(l.at))
	}
	if l.keyword == "not" {
		return l.detail
	}
	return fieldName(l.at) + " " + l.detail
}

func (x *explainer) unknownKeyWords(l *leaf, v Version, top bool) string {
	key := l.field
	var b strings.Builder
	switch defName(l.schema) {
	case "Responses", "responses":
		return fmt.Sprintf("response key %q must be an HTTP status code such as 200, a range such as 2XX, or default", key)
	case "jsonReference":
		return fmt.Sprintf("unknown key %q next to $ref: a reference holds only $ref (move %s into the object it points to)", key, key)
	}
	fmt.Fprintf(&b, "unknown key %q ", key)
	if top {
		b.WriteString("at the top level")
		fmt.Fprintf(&b, ": %s does not allow it", v)
	} else {
		b.WriteString("in " + x.subject(l.schema, false))
	}
	if h := hint(v, defName(l.schema), key); h != "" {
		fmt.Fprintf(&b, " (%s)", h)
		return b.String()
	}
	keys, ext := x.allowedKeys(l.schema)
	if s := suggest(key, keys); s != "" {
		fmt.Fprintf(&b, "; did you mean %s?", s)
		return b.String()
	}
	if ext && strings.HasPrefix(strings.ToLower(key), "x-") {
		b.WriteString("; extensions must start with a lower-case x-")
		return b.String()
	}
	if len(keys) > 0 && len(keys) <= 12 {
		if ext {
			keys = append(keys, "x- extensions")
		}
		fmt.Fprintf(&b, "; allowed: %s", joinWords(keys, "and"))
	}
	return b.String()
}

// fieldWants says what a missing field should be.
func fieldWants(l *leaf) string {
	if len(l.either) > 0 {
		return joinWords(l.either, "or")
	}
	switch len(l.want) {
	case 0:
	case 1:
		return fmt.Sprintf("%s: %s", l.field, plain(l.want[0]))
	default:
		return fmt.Sprintf("%s (%s)", l.field, valueList(l.want, append(slices.Clip(l.at), l.field), 0))
	}
	if a, ok := articles[l.field]; ok {
		return a + " " + l.field
	}
	return l.field
}

var articles = map[string]string{"description": "a", "name": "a", "type": "a", "schema": "a", "title": "a",
	"version": "a", "url": "a", "scheme": "a", "authorizationUrl": "an", "tokenUrl": "an", "openIdConnectUrl": "an"}

func typeWords(l *leaf, node *yaml.Node) string {
	want := make([]string, len(l.types))
	for i, t := range l.types {
		want[i] = jsonTypeWords(t)
	}
	msg := fmt.Sprintf("%s must be %s, not %s", fieldName(l.at), joinWords(want, "or"), gotWords(l, node))
	if slices.Contains(l.types, "string") && (l.gotType == "number" || l.gotType == "integer" || l.gotType == "boolean") {
		if n := nodeAt(node, l.at); n != nil && n.Kind == yaml.ScalarNode {
			msg += fmt.Sprintf(": quote it (%q)", n.Value)
		}
	}
	return msg
}

func gotWords(l *leaf, node *yaml.Node) string {
	n := nodeAt(node, l.at)
	switch {
	case n == nil || n.Kind != yaml.ScalarNode || l.gotType == "null":
		return jsonTypeWords(l.gotType)
	case l.gotType == "string":
		return fmt.Sprintf("the string %q", n.Value)
	}
	return fmt.Sprintf("the %s %s", l.gotType, n.Value)
}

func jsonTypeWords(t string) string {
	switch t {
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "integer":
		return "an integer"
	case "null":
		return "null"
	}
	return "a " + t
}

// patternWords explains a value that does not match a schema pattern.
func patternWords(l *leaf, v Version, node *yaml.Node) string {
	name := fieldName(l.at)
	got := shown(l.got, l.at, node)
	if name == "openapi" {
		series := "3.0"
		if v == OpenAPI31 {
			series = "3.1"
		}
		return fmt.Sprintf("openapi must be a %s.x version string such as \"%s.0\", not %s (an unquoted 3.0 is a number)", series, series, got)
	}
	if name == "name" && strings.Contains(l.pattern, "{}") {
		return fmt.Sprintf("a path parameter's name is the bare variable name, without braces: not %s", got)
	}
	return fmt.Sprintf("%s %s does not match the pattern %s", name, got, l.pattern)
}

// fieldName names the value at a location: its key, or "X entries" for the
// items of a list X.
func fieldName(at []string) string {
	if len(at) == 0 {
		return "the document"
	}
	last := at[len(at)-1]
	if _, err := strconv.Atoi(last); err == nil {
		if len(at) > 1 {
			return at[len(at)-2] + " entries"
		}
		return "entries"
	}
	return last
}

// shown renders a wrong value, as written in the file when it is a scalar.
func shown(v any, at []string, node *yaml.Node) string {
	if n := nodeAt(node, at); n != nil && n.Kind == yaml.ScalarNode {
		if n.ShortTag() == "!!str" {
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return plain(v)
}

// plain renders an allowed value: strings as they are, others as JSON.
func plain(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case *big.Rat:
		return v.RatString()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// order puts well-known values in the order people read them in.
var order = map[string]int{
	"query": 1, "header": 2, "path": 3, "formData": 4, "body": 5, "cookie": 6,
	"string": 11, "number": 12, "integer": 13, "boolean": 14, "array": 15, "object": 16, "file": 17,
}

// valueList renders the allowed values: "true", "a or b", "one of a, b or c".
func valueList(want []any, at []string, v Version) string {
	vals := slices.Clone(want)
	if v == Swagger20 && fieldName(at) == "type" {
		// The draft-04 type list includes null; Swagger 2.0 has no null type.
		vals = slices.DeleteFunc(vals, func(x any) bool { return x == "null" })
	}
	slices.SortStableFunc(vals, func(a, b any) int {
		ra, rb := rank(a), rank(b)
		if ra == 0 || rb == 0 {
			return 0
		}
		return ra - rb
	})
	words := make([]string, len(vals))
	for i, x := range vals {
		words[i] = plain(x)
	}
	if len(words) > 2 {
		return "one of " + joinWords(words, "or")
	}
	return joinWords(words, "or")
}

func rank(v any) int {
	s, _ := v.(string)
	return order[s]
}

func didYouMean(got any, want []any) string {
	s, ok := got.(string)
	if !ok {
		return ""
	}
	var cands []string
	for _, w := range want {
		if ws, ok := w.(string); ok {
			cands = append(cands, ws)
		}
	}
	if best := suggest(s, cands); best != "" {
		return "; did you mean " + best + "?"
	}
	return ""
}

// suggest returns the candidate nearest to s when it is close enough to be
// a typo (at most one edit in three characters, case differences free).
func suggest(s string, cands []string) string {
	limit := max(1, len(s)/3)
	best, bestD := "", limit+1
	for _, c := range cands {
		if d := lint.Distance(strings.ToLower(s), strings.ToLower(c)); c != s && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// joinWords renders a, b and c (or a, b or c).
func joinWords(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

// nodeAt finds the node at a relative location under n (aliases followed),
// or nil.
func nodeAt(n *yaml.Node, at []string) *yaml.Node {
	n = spec.Deref(n)
	for _, tok := range at {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			n = spec.Deref(spec.Get(n, tok))
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = spec.Deref(n.Content[i])
		default:
			return nil
		}
	}
	return n
}

// defName is the name of the schema definition a location lies in:
// "response" for …#/definitions/response/properties/schema.
func defName(loc string) string {
	_, frag, _ := strings.Cut(loc, "#")
	toks := spec.SplitPointer(frag)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i] == "definitions" || toks[i] == "$defs" {
			name := strings.TrimPrefix(toks[i+1], "corsgate-") // the skeleton's copies (derive.go)
			// 3.1 nests some definitions: oauth-flows/$defs/implicit,
			// parameter/dependentSchemas/schema/$defs/styles-for-path.
			for j := len(toks) - 2; j > i+1; j-- {
				if toks[j] == "$defs" && nouns[toks[j+1]] != "" {
					return toks[j+1]
				}
			}
			return name
		}
	}
	return ""
}

// subject names the object a schema location describes: "a response",
// "an apiKey security definition", or the top level.
func (x *explainer) subject(loc string, top bool) string {
	if top {
		return "the top level"
	}
	name := defName(loc)
	if n, ok := nouns[name]; ok {
		return n
	}
	if name == "" {
		return "the top level"
	}
	return "a " + name
}

// nouns name the definitions of the three schemas in words.
var nouns = map[string]string{
	// Swagger 2.0
	"info": "info", "contact": "contact", "license": "license", "paths": "paths", "pathItem": "a path item",
	"operation": "an operation", "parametersList": "parameters", "parameter": "a parameter",
	"bodyParameter": "a body parameter", "nonBodyParameter": "a parameter",
	"headerParameterSubSchema": "a header parameter", "queryParameterSubSchema": "a query parameter",
	"formDataParameterSubSchema": "a formData parameter", "pathParameterSubSchema": "a path parameter",
	"jsonReference": "a $ref object", "responses": "responses", "responseValue": "a response",
	"response": "a response", "headers": "headers", "header": "a response header", "schema": "a schema",
	"fileSchema": "a file schema", "primitivesItems": "items", "securityDefinitions": "a security definition",
	"basicAuthenticationSecurity": "a basic security definition", "apiKeySecurity": "an apiKey security definition",
	"oauth2ImplicitSecurity":    "an oauth2 security definition (flow: implicit)",
	"oauth2PasswordSecurity":    "an oauth2 security definition (flow: password)",
	"oauth2ApplicationSecurity": "an oauth2 security definition (flow: application)",
	"oauth2AccessCodeSecurity":  "an oauth2 security definition (flow: accessCode)",
	"oauth2Scopes":              "scopes", "security": "security", "securityRequirement": "a security requirement",
	"xml": "xml", "tag": "a tag", "externalDocs": "externalDocs", "examples": "examples",
	"parameterDefinitions": "parameters", "responseDefinitions": "responses", "definitions": "definitions",
	// OpenAPI 3.0
	"Info": "info", "Contact": "contact", "License": "license", "Server": "a server",
	"ServerVariable": "a server variable", "Components": "components", "Schema": "a schema",
	"Discriminator": "a discriminator", "XML": "xml", "Response": "a response", "MediaType": "a media type",
	"Example": "an example", "Header": "a header", "Paths": "paths", "PathItem": "a path item",
	"Operation": "an operation", "Responses": "responses", "SecurityRequirement": "a security requirement",
	"Tag": "a tag", "ExternalDocumentation": "externalDocs", "Parameter": "a parameter",
	"PathParameter": "a path parameter", "QueryParameter": "a query parameter", "HeaderParameter": "a header parameter",
	"CookieParameter": "a cookie parameter", "RequestBody": "a request body", "SecurityScheme": "a security scheme",
	"APIKeySecurityScheme": "an apiKey security scheme", "HTTPSecurityScheme": "an http security scheme",
	"OAuth2SecurityScheme": "an oauth2 security scheme", "OpenIdConnectSecurityScheme": "an openIdConnect security scheme",
	"OAuthFlows": "flows", "ImplicitOAuthFlow": "an implicit flow", "PasswordOAuthFlow": "a password flow",
	"ClientCredentialsFlow": "a clientCredentials flow", "AuthorizationCodeOAuthFlow": "an authorizationCode flow",
	"Link": "a link", "Callback": "a callback", "Encoding": "an encoding", "Reference": "a $ref object",
	// OpenAPI 3.1
	"server": "a server", "server-variable": "a server variable", "components": "components",
	"path-item": "a path item", "external-documentation": "externalDocs", "parameter-or-reference": "a parameter",
	"request-body": "a request body", "request-body-or-reference": "a request body", "content": "content",
	"media-type": "a media type", "encoding": "an encoding", "response-or-reference": "a response",
	"callbacks": "a callback", "example": "an example", "link": "a link", "reference": "a $ref object",
	"security-scheme": "a security scheme", "security-scheme-or-reference": "a security scheme",
	"oauth-flows": "flows", "implicit": "an implicit flow", "password": "a password flow",
	"client-credentials": "a clientCredentials flow", "authorization-code": "an authorizationCode flow",
	"security-requirement": "a security requirement",
	"styles-for-path":      "a path parameter", "styles-for-header": "a header parameter",
	"styles-for-query": "a query parameter", "styles-for-cookie": "a cookie parameter",
	"type-apikey": "an apiKey security scheme", "type-http": "an http security scheme",
	"type-http-bearer": "an http security scheme", "type-oauth2": "an oauth2 security scheme",
	"type-oidc":        "an openIdConnect security scheme",
	"SchemaXORContent": "a parameter", "ExampleXORExamples": "a parameter or header",
}

// hint explains an unknown key that belongs to the other major version.
func hint(v Version, def, key string) string {
	group := groups[def]
	if v == Swagger20 {
		return hints2[group+"/"+key]
	}
	if h := hints3[group+"/"+key]; h != "" {
		return h
	}
	return ""
}

// groups sort definitions into the places hints are written for.
var groups = map[string]string{
	"":          "top",
	"operation": "operation", "Operation": "operation",
	"bodyParameter": "parameter", "headerParameterSubSchema": "parameter", "queryParameterSubSchema": "parameter",
	"formDataParameterSubSchema": "parameter", "pathParameterSubSchema": "parameter",
	"Parameter": "parameter", "parameter": "parameter",
	"response": "response", "Response": "response",
	"basicAuthenticationSecurity": "security", "apiKeySecurity": "security", "oauth2ImplicitSecurity": "security",
	"oauth2PasswordSecurity": "security", "oauth2ApplicationSecurity": "security", "oauth2AccessCodeSecurity": "security",
	"APIKeySecurityScheme": "security", "HTTPSecurityScheme": "security", "OAuth2SecurityScheme": "security",
	"OpenIdConnectSecurityScheme": "security", "security-scheme": "security",
}

var hints2 = map[string]string{
	"top/servers":           "servers is OpenAPI 3.x; use host and basePath",
	"top/components":        "components is OpenAPI 3.x; use definitions, parameters, responses and securityDefinitions",
	"top/openapi":           "openapi is the OpenAPI 3.x version key; this document declares swagger",
	"top/webhooks":          "webhooks are OpenAPI 3.1",
	"operation/requestBody": "requestBody is OpenAPI 3.x; use a parameter with in: body",
	"operation/servers":     "servers is OpenAPI 3.x; use schemes",
	"operation/callbacks":   "callbacks are OpenAPI 3.x",
	"response/content":      "content is OpenAPI 3.x; put the body's schema in schema",
	"response/links":        "links are OpenAPI 3.x",
	"parameter/schema":      "only in: body parameters have a schema; give the type here, e.g. type: string",
	"parameter/style":       "style is OpenAPI 3.x; use collectionFormat",
	"parameter/explode":     "explode is OpenAPI 3.x; use collectionFormat",
	"security/flows":        "flows is OpenAPI 3.x; use flow, authorizationUrl and scopes",
	"security/scheme":       "scheme is OpenAPI 3.x; use type: basic",
}

var hints3 = map[string]string{
	"operation/consumes":         "consumes is Swagger 2.0; list media types under requestBody.content",
	"operation/produces":         "produces is Swagger 2.0; list media types under the responses' content",
	"operation/schemes":          "schemes is Swagger 2.0; use servers",
	"parameter/type":             "in OpenAPI 3.x the type goes inside schema: schema: {type: ...}",
	"parameter/format":           "in OpenAPI 3.x the format goes inside schema",
	"parameter/items":            "in OpenAPI 3.x items go inside schema",
	"parameter/enum":             "in OpenAPI 3.x enum goes inside schema",
	"parameter/default":          "in OpenAPI 3.x default goes inside schema",
	"parameter/collectionFormat": "collectionFormat is Swagger 2.0; use style and explode",
	"response/schema":            "OpenAPI 3.x puts the body's schema under content: {application/json: {schema: ...}}",
	"security/flow":              "flow is Swagger 2.0; use flows: {implicit: {authorizationUrl: ..., scopes: {}}}",
	"security/authorizationUrl":  "OpenAPI 3.x puts authorizationUrl inside flows: {implicit: {...}}",
	"security/tokenUrl":          "OpenAPI 3.x puts tokenUrl inside flows",
	"security/scopes":            "OpenAPI 3.x puts scopes inside flows",
}
