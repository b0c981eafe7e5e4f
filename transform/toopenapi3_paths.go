package transform

import (
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// refSections maps each Swagger 2.0 reference section to its 3.x place.
var refSections = [][2]string{
	{"#/definitions/", "#/components/schemas/"},
	{"#/parameters/", "#/components/parameters/"},
	{"#/responses/", "#/components/responses/"},
}

// clone copies a subtree for the new document: aliases expanded, anchors
// dropped, collections in block style, local $refs moved to their 3.x
// sections, and the Swagger 2.0 schema idioms 3.0 writes differently
// (type: file, x-nullable, a discriminator name) rewritten.
func clone(n *yaml.Node) *yaml.Node {
	n = spec.Deref(n)
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	out := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value}
	if n.Kind == yaml.ScalarNode {
		out.Style = n.Style &^ (yaml.FlowStyle)
		return out
	}
	for i := 0; i < len(n.Content); i++ {
		c := n.Content[i]
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			k := spec.Deref(c)
			v := n.Content[i+1]
			i++
			if nk, nv, ok := schemaIdiom(k.Value, v); ok {
				if nk != "" {
					put(out, nk, nv)
				}
				continue
			}
			out.Content = append(out.Content, str(k.Value), clone(v))
			continue
		}
		out.Content = append(out.Content, clone(c))
	}
	return out
}

// schemaIdiom rewrites one member of a mapping that 3.x writes
// differently; ok is false when the member is copied as it is.
func schemaIdiom(key string, v *yaml.Node) (newKey string, value *yaml.Node, ok bool) {
	switch key {
	case "$ref":
		r := spec.ScalarText(v)
		for _, s := range refSections {
			if rest, found := strings.CutPrefix(r, s[0]); found {
				return "$ref", str(s[1] + rest), true
			}
		}
	case "x-nullable":
		return "nullable", clone(v), true
	case "type":
		if spec.ScalarText(v) == "file" {
			// The caller adds format: binary next to it (fileFormat).
			return "type", str("string"), true
		}
	case "discriminator":
		if name, isStr := spec.Deref(v), spec.IsString(v); isStr {
			d := newMap()
			put(d, "propertyName", str(name.Value))
			return "discriminator", d, true
		}
	}
	return "", nil, false
}

// schemaOf builds the schema of a non-body parameter or a header from its
// Swagger 2.0 type fields.
func schemaOf(p *yaml.Node) *yaml.Node {
	s := newMap()
	spec.Pairs(p, func(k, v *yaml.Node) {
		switch k.Value {
		case "type", "format", "items", "default", "enum", "maximum", "exclusiveMaximum", "minimum",
			"exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf":
			if k.Value == "type" && spec.ScalarText(v) == "file" {
				put(s, "type", str("string"))
				put(s, "format", str("binary"))
				return
			}
			put(s, k.Value, clone(v))
		}
	})
	return s
}

// paramStyle maps a collectionFormat to 3.x style and explode.
func paramStyle(out, p *yaml.Node) {
	in := spec.ScalarText(spec.Get(p, "in"))
	switch spec.ScalarText(spec.Get(p, "collectionFormat")) {
	case "multi":
		put(out, "style", str("form"))
		put(out, "explode", boolean(true))
	case "csv":
		if in == "query" {
			put(out, "style", str("form"))
			put(out, "explode", boolean(false))
		}
	case "ssv":
		put(out, "style", str("spaceDelimited"))
	case "pipes":
		put(out, "style", str("pipeDelimited"))
	}
}

// param converts a non-body, non-formData parameter.
func param(p *yaml.Node) *yaml.Node {
	p = spec.Deref(p)
	if r := spec.Get(p, "$ref"); r != nil {
		m := newMap()
		put(m, "$ref", str(rewriteRef(spec.ScalarText(r))))
		return m
	}
	out := newMap()
	spec.Pairs(p, func(k, v *yaml.Node) {
		switch k.Value {
		case "name", "in", "description", "required", "allowEmptyValue":
			put(out, k.Value, clone(v))
		default:
			if strings.HasPrefix(k.Value, "x-") {
				put(out, k.Value, clone(v))
			}
		}
	})
	if spec.ScalarText(spec.Get(p, "in")) == "path" && spec.Get(p, "required") == nil {
		// OpenAPI 3.x requires required: true on a path parameter; Swagger
		// 2.0 as Google reads it does not (its copy of the schema leaves it
		// out), so specs that omit it convert with it added.
		put(out, "required", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	paramStyle(out, p)
	put(out, "schema", schemaOf(p))
	return out
}

func rewriteRef(r string) string {
	for _, s := range refSections {
		if rest, ok := strings.CutPrefix(r, s[0]); ok {
			return s[1] + rest
		}
	}
	return r
}

// content builds a content map: each media type with the schema.
func content(types []string, schema *yaml.Node) *yaml.Node {
	m := newMap()
	for _, t := range types {
		mt := newMap()
		if schema != nil {
			put(mt, "schema", clone(schema))
		}
		put(m, t, mt)
	}
	return m
}

// paths converts every path item.
func (c *converter) paths() *yaml.Node {
	pathsNode := spec.Get(c.doc.Root, "paths")
	if pathsNode == nil {
		return nil
	}
	out := newMap()
	spec.Pairs(pathsNode, func(pk, item *yaml.Node) {
		if strings.HasPrefix(pk.Value, "x-") {
			put(out, pk.Value, clone(item))
			return
		}
		oi := newMap()
		var shared []*yaml.Node
		spec.Pairs(item, func(mk, v *yaml.Node) {
			switch {
			case mk.Value == "parameters":
				shared = spec.Deref(v).Content
				var plain []*yaml.Node
				for _, p := range shared {
					if in := c.paramIn(p); in != "body" && in != "formData" {
						plain = append(plain, param(p))
					}
				}
				if len(plain) > 0 {
					put(oi, "parameters", seq(plain...))
				}
			case spec.IsMethod(mk.Value):
				put(oi, mk.Value, c.operation(v, shared, pk.Value, mk.Value))
			default:
				put(oi, mk.Value, clone(v))
			}
		})
		put(out, pk.Value, oi)
	})
	return out
}

// paramIn returns a parameter's in, following a $ref into the top-level
// parameters.
func (c *converter) paramIn(p *yaml.Node) string {
	p = spec.Deref(p)
	if r := spec.ScalarText(spec.Get(p, "$ref")); strings.HasPrefix(r, "#/parameters/") {
		p = spec.Deref(spec.Get(spec.Get(c.doc.Root, "parameters"), spec.UnescapeToken(strings.TrimPrefix(r, "#/parameters/"))))
	}
	return spec.ScalarText(spec.Get(p, "in"))
}

// operation converts one operation: parameters, the request body from body
// or formData parameters, responses, x-google-backend and x-google-quota.
func (c *converter) operation(op *yaml.Node, shared []*yaml.Node, path, method string) *yaml.Node {
	op = spec.Deref(op)
	out := newMap()
	consumes := stringList(spec.Get(op, "consumes"), "")
	if len(consumes) == 0 {
		consumes = c.consumes
	}
	produces := stringList(spec.Get(op, "produces"), "")
	if len(produces) == 0 {
		produces = c.produces
	}
	var own []*yaml.Node
	if l := spec.Deref(spec.Get(op, "parameters")); spec.IsSeq(l) {
		own = l.Content
	}
	spec.Pairs(op, func(k, v *yaml.Node) {
		switch k.Value {
		case "consumes", "produces", "schemes":
		case "parameters":
			var plain []*yaml.Node
			for _, p := range own {
				if in := c.paramIn(p); in != "body" && in != "formData" {
					plain = append(plain, param(p))
				}
			}
			if len(plain) > 0 {
				put(out, "parameters", seq(plain...))
			}
			if body := c.requestBody(append(append([]*yaml.Node(nil), own...), shared...), consumes); body != nil {
				put(out, "requestBody", body)
			}
		case "responses":
			put(out, "responses", c.responses(v, produces))
		case "x-google-backend":
			id := spec.ScalarText(spec.Get(op, "operationId"))
			if id == "" {
				id = method
			}
			put(out, "x-google-backend", c.backendRef(v, id, "CONSTANT_ADDRESS"))
		case "x-google-quota":
			if costs := spec.Get(v, "metricCosts"); costs != nil {
				put(out, "x-google-quota", clone(costs))
			} else {
				put(out, "x-google-quota", clone(v))
			}
		case "x-security":
			c.note("x-security of operation '%s' in path '%s' is left out: it is a legacy Swagger 2.0 extension; write the requirements in security", method, path)
		default:
			put(out, k.Value, clone(v))
		}
	})
	if spec.Get(op, "parameters") == nil {
		if body := c.requestBody(shared, consumes); body != nil {
			put(out, "requestBody", body)
		}
	}
	return out
}

// requestBody converts the body parameter, or the formData parameters, of
// an operation (the operation's own first, then the path item's).
func (c *converter) requestBody(params []*yaml.Node, consumes []string) *yaml.Node {
	var form []*yaml.Node
	for _, p := range params {
		p = spec.Deref(p)
		in := c.paramIn(p)
		if r := spec.ScalarText(spec.Get(p, "$ref")); in == "body" && r != "" {
			m := newMap()
			put(m, "$ref", str("#/components/requestBodies/"+strings.TrimPrefix(r, "#/parameters/")))
			return m
		}
		switch in {
		case "body":
			return bodyFrom(p, consumes)
		case "formData":
			form = append(form, p)
		}
	}
	if len(form) == 0 {
		return nil
	}
	schema := newMap()
	put(schema, "type", str("object"))
	props := newMap()
	var required []*yaml.Node
	for _, p := range form {
		name := spec.ScalarText(spec.Get(p, "name"))
		put(props, name, schemaOf(p))
		if b, _ := spec.BoolValue(spec.Get(p, "required")); b {
			required = append(required, str(name))
		}
	}
	put(schema, "properties", props)
	if len(required) > 0 {
		put(schema, "required", seq(required...))
	}
	types := consumes
	if !contains(types, "multipart/form-data") && !contains(types, "application/x-www-form-urlencoded") {
		types = []string{"application/x-www-form-urlencoded"}
	}
	body := newMap()
	put(body, "content", content(types, schema))
	return body
}

// bodyFrom converts a body parameter.
func bodyFrom(p *yaml.Node, consumes []string) *yaml.Node {
	body := newMap()
	if d := spec.Get(p, "description"); d != nil {
		put(body, "description", clone(d))
	}
	put(body, "content", content(consumes, spec.Get(p, "schema")))
	if r := spec.Get(p, "required"); r != nil {
		put(body, "required", clone(r))
	}
	return body
}

// responses converts a responses object: schema into content, header types
// into schemas, keys as strings.
func (c *converter) responses(rs *yaml.Node, produces []string) *yaml.Node {
	out := newMap()
	spec.Pairs(rs, func(k, v *yaml.Node) {
		key := k.Value
		if _, err := strconv.Atoi(key); err == nil || key == "default" || strings.HasPrefix(key, "x-") {
			put(out, key, response(v, produces))
			return
		}
		put(out, key, clone(v))
	})
	return out
}

func response(r *yaml.Node, produces []string) *yaml.Node {
	r = spec.Deref(r)
	out := newMap()
	spec.Pairs(r, func(k, v *yaml.Node) {
		switch k.Value {
		case "$ref":
			put(out, "$ref", str(rewriteRef(spec.ScalarText(v))))
		case "schema":
			put(out, "content", content(produces, v))
		case "headers":
			hs := newMap()
			spec.Pairs(v, func(hk, hv *yaml.Node) {
				h := newMap()
				if d := spec.Get(hv, "description"); d != nil {
					put(h, "description", clone(d))
				}
				put(h, "schema", schemaOf(spec.Deref(hv)))
				put(hs, hk.Value, h)
			})
			put(out, "headers", hs)
		case "examples":
			// Swagger 2.0 examples are keyed by media type; 3.x puts them in content.
		default:
			put(out, k.Value, clone(v))
		}
	})
	if spec.Get(out, "description") == nil && spec.Get(out, "$ref") == nil {
		put(out, "description", str(""))
	}
	return out
}

// components gathers schemas, parameters, request bodies (from top-level
// body parameters), responses and security schemes.
func (c *converter) components() *yaml.Node {
	root := c.doc.Root
	out := newMap()
	if d := spec.Get(root, "definitions"); d != nil {
		put(out, "schemas", clone(d))
	}
	params, bodies := newMap(), newMap()
	spec.Pairs(spec.Get(root, "parameters"), func(k, v *yaml.Node) {
		switch spec.ScalarText(spec.Get(v, "in")) {
		case "body":
			put(bodies, k.Value, bodyFrom(spec.Deref(v), c.consumes))
		case "formData":
			c.note("top-level formData parameter %q is left out of components: OpenAPI 3.x has no form parameters; operations that use it get it in their request body", k.Value)
		default:
			put(params, k.Value, param(v))
		}
	})
	if len(params.Content) > 0 {
		put(out, "parameters", params)
	}
	if len(bodies.Content) > 0 {
		put(out, "requestBodies", bodies)
	}
	if rs := spec.Get(root, "responses"); rs != nil {
		m := newMap()
		spec.Pairs(rs, func(k, v *yaml.Node) { put(m, k.Value, response(v, c.produces)) })
		put(out, "responses", m)
	}
	if schemes := c.securitySchemes(); len(schemes.Content) > 0 {
		put(out, "securitySchemes", schemes)
	}
	return out
}

// oauthFlows maps Swagger 2.0 flow names to OpenAPI 3.x flows.
var oauthFlows = map[string]string{"implicit": "implicit", "password": "password", "application": "clientCredentials", "accessCode": "authorizationCode"}

// securitySchemes converts securityDefinitions; the JWT extensions of an
// oauth2 definition become x-google-auth (audiences split into a list).
func (c *converter) securitySchemes() *yaml.Node {
	out := newMap()
	for _, s := range c.g.Schemes {
		d := newMap()
		switch {
		case s.IsAPIKey():
			put(d, "type", str("apiKey"))
			put(d, "name", clone(s.ParamName.Node))
			put(d, "in", clone(s.In.Node))
		case strings.EqualFold(s.Type, "basic"):
			put(d, "type", str("http"))
			put(d, "scheme", str("basic"))
		case s.IsOAuth2():
			put(d, "type", str("oauth2"))
			flow := spec.ScalarText(spec.Get(s.Node, "flow"))
			name, ok := oauthFlows[flow]
			if !ok {
				name = "implicit"
			}
			f := newMap()
			if name == "implicit" || name == "authorizationCode" {
				u := spec.Get(s.Node, "authorizationUrl")
				if u == nil {
					u = str("")
				}
				put(f, "authorizationUrl", clone(u))
			}
			if name != "implicit" {
				if u := spec.Get(s.Node, "tokenUrl"); u != nil {
					put(f, "tokenUrl", clone(u))
				}
			}
			scopes := spec.Get(s.Node, "scopes")
			if scopes == nil {
				scopes = newMap()
			}
			put(f, "scopes", clone(scopes))
			flows := newMap()
			put(flows, name, f)
			put(d, "flows", flows)
			if auth := c.googleAuth(s); len(auth.Content) > 0 {
				put(d, "x-google-auth", auth)
			}
		default:
			put(out, s.Name, clone(s.Node))
			continue
		}
		if desc := spec.Get(s.Node, "description"); desc != nil {
			put(d, "description", clone(desc))
		}
		put(out, s.Name, d)
	}
	return out
}

func (c *converter) googleAuth(s *spec.Scheme) *yaml.Node {
	auth := newMap()
	issuer := s.Issuer
	if !issuer.Present() {
		issuer = s.LegacyIssuer
	}
	if issuer.Present() {
		put(auth, "issuer", clone(issuer.Node))
	}
	jwks := s.JWKS
	if !jwks.Present() {
		jwks = s.LegacyJWKS
	}
	if jwks.Present() {
		put(auth, "jwksUri", clone(jwks.Node))
	}
	if a, ok := s.Audiences.Str(); ok {
		var list []*yaml.Node
		for _, aud := range strings.Split(a, ",") {
			if aud = strings.TrimSpace(aud); aud != "" {
				list = append(list, str(aud))
			}
		}
		put(auth, "audiences", seq(list...))
	}
	if locs := s.JWTLocations; locs.IsSeq() {
		var items []*yaml.Node
		for _, it := range locs.Items() {
			m := newMap()
			it.Pairs(func(k string, v spec.Value) {
				if k == "value_prefix" {
					k = "valuePrefix"
				}
				put(m, k, clone(v.Node))
			})
			items = append(items, m)
		}
		put(auth, "jwtLocations", seq(items...))
	}
	return auth
}
