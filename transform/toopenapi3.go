package transform

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// to-openapi3 writes the OpenAPI 3.0 equivalent of a Swagger 2.0 Endpoints
// or API Gateway spec, with each Google extension moved to its 3.x place as
// the reference's mapping says (openapi3.md §6): host and basePath become the
// url of a server that carries x-google-endpoint (allowCors moves there),
// x-google-management and x-google-api-name move into
// x-google-api-management, every x-google-backend object becomes a named
// backend there (x-google-backend then names it), the JWT extensions of a
// security definition become x-google-auth, and x-google-quota loses its
// metricCosts wrapper. The document is written anew (the conversion changes
// nearly every line); what has no 3.x place is left out and said in a note.

func init() {
	register(Transform{
		Name:     "to-openapi3",
		Short:    "Write the OpenAPI 3.0 equivalent of a Swagger 2.0 spec, Google extensions moved to their 3.x places.",
		Rewrites: true,
		run:      toOpenAPI3,
	})
}

// converter holds one conversion's state.
type converter struct {
	doc      *spec.Document
	g        *spec.Google
	consumes []string // root consumes (default media types of request bodies)
	produces []string // root produces
	backends *yaml.Node
	seen     map[string]string // backend JSON → its name
	notes    []string
}

func toOpenAPI3(doc *spec.Document, _ Options) (Result, error) {
	if doc.Version != spec.Swagger2 {
		return Result{Notes: []string{"the document is already " + doc.Version.String() + "; nothing to convert"}}, nil
	}
	c := &converter{doc: doc, g: doc.Google(), seen: map[string]string{}}
	root := doc.Root
	c.consumes = stringList(spec.Get(root, "consumes"), "application/json")
	c.produces = stringList(spec.Get(root, "produces"), "application/json")

	// Paths first: their x-google-backend objects declare named backends.
	servers := c.servers()
	mgmt := c.management()
	rootBackend := c.rootBackend()
	paths := c.paths()
	comps := c.components()

	out := newMap()
	put(out, "openapi", str("3.0.3"))
	if info := spec.Get(root, "info"); info != nil {
		put(out, "info", clone(info))
	}
	if servers != nil {
		put(out, "servers", servers)
	}
	if len(c.backendsNode().Content) > 0 {
		put(mgmt, "backends", c.backends)
	}
	if len(mgmt.Content) > 0 {
		put(out, "x-google-api-management", mgmt)
	}
	if rootBackend != nil {
		put(out, "x-google-backend", rootBackend)
	}
	c.copyRootRest(out)
	if paths != nil {
		put(out, "paths", paths)
	}
	if len(comps.Content) > 0 {
		put(out, "components", comps)
	}
	text, err := c.encode(out)
	if err != nil {
		return Result{}, err
	}
	return Result{Out: text, Notes: c.notes}, nil
}

// note records something the conversion could not carry over.
func (c *converter) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// servers turns host, basePath and schemes into the one server that
// carries x-google-endpoint, with allowCors from the endpoint entry that
// ESP/ESPv2 use (its name equals the service name).
func (c *converter) servers() *yaml.Node {
	host, _ := c.g.Service.Str()
	base := c.g.BasePathText
	if host == "" && base == "" && len(c.g.Endpoints) == 0 {
		return nil
	}
	url := base
	if strings.ToLower(host) != host {
		c.note("host %q has upper-case letters: in OpenAPI 3.x gcloud takes the server url's host lower-cased (%q) as the service name", host, strings.ToLower(host))
	}
	if host != "" {
		scheme := "https"
		if schemes := stringList(spec.Get(c.doc.Root, "schemes"), ""); len(schemes) > 0 && !contains(schemes, "https") {
			scheme = schemes[0]
		}
		url = scheme + "://" + host + base
	}
	if url == "" {
		url = "/"
	}
	ext := newMap()
	if ep, allow := c.g.PassThrough(spec.Deployment{Gateway: host == ""}); ep != nil {
		_ = allow
		put(ext, "allowCors", boolean(true))
	} else if len(c.g.Endpoints) > 0 {
		if on, _ := c.g.Endpoints[0].CorsOn(); on {
			c.note("x-google-endpoints names %q, not the service name %q, so ESP/ESPv2 ignore its allowCors today; the converted server does not turn allowCors on (add allowCors: true to x-google-endpoint if you meant it)", c.g.Endpoints[0].NameText(), host)
		}
	}
	for _, e := range c.g.Endpoints {
		if e.Target.Present() {
			c.note("x-google-endpoints target %s is left out: OpenAPI 3.x documents no place for the DNS target", e.Target.Text())
		}
	}
	srv := newMap()
	put(srv, "url", str(url))
	put(srv, "x-google-endpoint", ext)
	return seq(srv)
}

// management builds x-google-api-management from x-google-management
// (metrics and quota limits become maps keyed by name) and
// x-google-api-name.
func (c *converter) management() *yaml.Node {
	m := newMap()
	if name, ok := c.g.APIName.Str(); ok {
		put(m, "apiName", str(name))
	}
	mg := c.g.Management.Node
	if metrics := spec.Deref(spec.Get(mg, "metrics")); spec.IsSeq(metrics) {
		out := newMap()
		for _, it := range metrics.Content {
			name := spec.ScalarText(spec.Get(it, "name"))
			if name == "" {
				continue
			}
			mm := newMap()
			if dn := spec.Get(it, "displayName"); dn != nil {
				put(mm, "displayName", clone(dn))
			}
			put(out, name, mm)
		}
		if len(out.Content) > 0 {
			put(m, "metrics", out)
		}
	}
	if limits := spec.Deref(spec.Get(spec.Get(mg, "quota"), "limits")); spec.IsSeq(limits) {
		out := newMap()
		for _, it := range limits.Content {
			name := spec.ScalarText(spec.Get(it, "name"))
			if name == "" {
				continue
			}
			lm := newMap()
			if metric := spec.Get(it, "metric"); metric != nil {
				put(lm, "metric", clone(metric))
			}
			if v := spec.Get(spec.Get(it, "values"), "STANDARD"); v != nil {
				put(lm, "values", clone(v))
			}
			put(out, name, lm)
		}
		if len(out.Content) > 0 {
			q := newMap()
			put(q, "limits", out)
			put(m, "quota", q)
		}
	}
	if c.g.Allow.Present() {
		c.note("x-google-allow is left out: OpenAPI 3.x does not support it (Cloud Endpoints and API Gateway feature limitations); declare every path")
	}
	return m
}

func (c *converter) backendsNode() *yaml.Node {
	if c.backends == nil {
		c.backends = newMap()
	}
	return c.backends
}

// backendRef declares the backend an x-google-backend object describes
// (once per distinct object) and returns its name. pathDefault is the
// Swagger 2.0 default of path_translation at that place, written out since
// the 3.x default is not documented.
func (c *converter) backendRef(obj *yaml.Node, preferred, pathDefault string) *yaml.Node {
	b := newMap()
	obj = spec.Deref(obj)
	hasPath := false
	spec.Pairs(obj, func(k, v *yaml.Node) {
		proto, ok := spec.BackendFields[k.Value]
		if !ok {
			put(b, k.Value, clone(v))
			return
		}
		hasPath = hasPath || proto == "path_translation"
		put(b, camel(proto), clone(v))
	})
	if !hasPath && spec.Get(obj, "address") != nil {
		put(b, "pathTranslation", str(pathDefault))
	}
	key := jsonKey(b)
	if name, ok := c.seen[key]; ok {
		return str(name)
	}
	name := preferred
	for i := 2; spec.Get(c.backendsNode(), name) != nil; i++ {
		name = fmt.Sprintf("%s%d", preferred, i)
	}
	c.seen[key] = name
	put(c.backendsNode(), name, b)
	return str(name)
}

func (c *converter) rootBackend() *yaml.Node {
	if c.g.RootBackend == nil {
		return nil
	}
	return c.backendRef(c.g.RootBackend.Node, "default", "APPEND_PATH_TO_ADDRESS")
}

// copyRootRest copies the top-level members that mean the same in 3.x:
// tags, externalDocs, security and other extensions.
func (c *converter) copyRootRest(out *yaml.Node) {
	skip := map[string]bool{
		"swagger": true, "info": true, "host": true, "basePath": true, "schemes": true, "consumes": true, "produces": true,
		"paths": true, "definitions": true, "parameters": true, "responses": true, "securityDefinitions": true,
		"x-google-endpoints": true, "x-google-management": true, "x-google-api-name": true, "x-google-allow": true,
		"x-google-backend": true,
	}
	spec.Pairs(c.doc.Root, func(k, v *yaml.Node) {
		if skip[k.Value] {
			return
		}
		if k.Value == "x-security" {
			c.note("x-security is left out: it is a legacy Swagger 2.0 extension; write the requirements in security")
			return
		}
		put(out, k.Value, clone(v))
	})
}

// encode writes the new document in the input's syntax: YAML (two-space
// indentation, as yaml.v3 writes it: yamlwrite.go), or JSON
// indented by two spaces, keys in the order built.
func (c *converter) encode(out *yaml.Node) ([]byte, error) {
	if c.doc.Format == spec.JSON {
		b, err := spec.MarshalJSONIndent(out, "  ")
		if err != nil {
			return nil, err
		}
		return append(b, '\n'), nil
	}
	return encodeYAML(out)
}

// camel turns a proto field name into the lowerCamel spelling Google's 3.x
// documentation writes (path_translation → pathTranslation).
func camel(proto string) string {
	parts := strings.Split(proto, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func jsonKey(n *yaml.Node) string {
	v, err := spec.JSONValue(n)
	if err != nil {
		return fmt.Sprintf("%p", n)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// stringList reads a list of strings (consumes, produces, schemes), or the
// default when there is none.
func stringList(n *yaml.Node, def string) []string {
	n = spec.Deref(n)
	var out []string
	if spec.IsSeq(n) {
		for _, it := range n.Content {
			if s := spec.ScalarText(it); s != "" {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 && def != "" {
		out = []string{def}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Node builders.

func newMap() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func boolean(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v}
}

func put(m *yaml.Node, key string, v *yaml.Node) { m.Content = append(m.Content, str(key), v) }
