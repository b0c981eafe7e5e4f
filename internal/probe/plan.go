package probe

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// operation is one thing a page can call: a spec operation, or a --path with
// a --method.
type operation struct {
	name     string // operationId, else METHOD template
	method   string // upper case
	template string // basePath + path template as written
	file     string
	pos      spec.Position
	// path is the request path (escaped) with the template filled in.
	path string
	// pageHeaders are the headers a page calling it may set (header
	// parameters, the API-key header, Authorization, Content-Type, and
	// --header names), with sample values: what Access-Control-Request-Headers
	// announces. sendHeaders are those probe sends on the actual request.
	pageHeaders, sendHeaders http.Header
	// query is the query string (the API key, when it travels there);
	// keyHeaders the headers that carry the API key.
	query      string
	keyHeaders []string
	// credentials: the operation's security asks for an API key or a JWT
	// that probe does not send (so the proxy may refuse the actual request).
	credentials bool
}

// request is one planned exchange.
type request struct {
	op     *operation
	kind   Kind
	origin Origin
	method string
	// target is the path and query relative to BASE_URL.
	target string
	header http.Header
}

// planInput is what a plan is built from (see Options).
type planInput struct {
	doc         *spec.Document
	paths       []string
	methods     []string
	origins     []Origin
	hostile     HostileMode
	pathParams  map[string]string
	headers     http.Header
	apiKey      string
	allowUnsafe bool
}

// plan is the requests of a run, and notes on the choices made.
type plan struct {
	ops      []*operation
	requests []*request
	notes    []string
}

// sampledOps is how many operations get the hostile origins with
// --hostile sample.
const sampledOps = 3

func buildPlan(in *planInput) *plan {
	p := &plan{}
	var vars []string
	if in.doc != nil {
		p.ops = specOperations(in, &p.notes, &vars)
	} else {
		p.ops = pathOperations(in, &vars)
	}
	if n := placeholderNote(vars); n != "" {
		p.notes = append(p.notes, n)
	}
	hostileLeft := sampledOps
	var preOnly, none []string
	for _, op := range p.ops {
		pre, act := op.exchanges(in.allowUnsafe)
		if !pre && !act {
			none = append(none, op.method+" "+op.template)
			continue
		}
		if !act {
			preOnly = append(preOnly, op.method+" "+op.template)
		}
		hostile := false
		switch in.hostile {
		case HostileAll:
			hostile = true
		case HostileSample:
			hostile = hostileLeft > 0
			hostileLeft--
		}
		for _, o := range in.origins {
			if o.Kind.Hostile() && !hostile {
				continue
			}
			if pre {
				p.add(op, KindPreflight, o, in)
			}
			if act {
				p.add(op, KindActual, o, in)
			}
		}
	}
	if len(preOnly) > 0 {
		p.notes = append(p.notes, fmt.Sprintf("only the preflight was sent for %s: the actual requests use unsafe methods (--allow-unsafe-methods sends them)", listSome(preOnly)))
	}
	if len(none) > 0 {
		p.notes = append(p.notes, fmt.Sprintf("nothing was sent for %s: simple requests (no preflight) with unsafe methods (--allow-unsafe-methods sends them)", listSome(none)))
	}
	if in.hostile == HostileSample && len(p.ops) > sampledOps {
		p.notes = append(p.notes, fmt.Sprintf("hostile origins were sent to the first %d operations only (--hostile all sends them to every one)", sampledOps))
	}
	return p
}

// exchanges says which requests a browser makes for op: a preflight when the
// method or the page's headers need one, the actual request when it is safe
// to send (GET, HEAD) or unsafe methods are allowed.
func (op *operation) exchanges(allowUnsafe bool) (preflight, actual bool) {
	preflight = cors.NeedsPreflight(op.method, op.pageHeaders)
	actual = op.method == http.MethodGet || op.method == http.MethodHead || allowUnsafe
	return preflight, actual
}

func (p *plan) add(op *operation, kind Kind, o Origin, in *planInput) {
	r := &request{op: op, kind: kind, origin: o, target: op.path}
	if op.query != "" {
		r.target += "?" + op.query
	}
	h := http.Header{}
	h.Set("Origin", o.Value)
	h.Set("Accept", "*/*")
	if kind == KindPreflight {
		// A preflight carries no credentials and none of the page's
		// headers: only their names (Fetch "CORS-preflight request").
		r.method = http.MethodOptions
		h.Set(cors.HeaderACRM, op.method)
		if names := cors.UnsafeRequestHeaderNames(op.pageHeaders); len(names) > 0 {
			h.Set(cors.HeaderACRH, strings.Join(names, ","))
		}
	} else {
		r.method = op.method
		for k, v := range op.sendHeaders {
			h[k] = v
		}
	}
	r.header = h
	p.requests = append(p.requests, r)
}

// specOperations derives the operations of a spec document.
func specOperations(in *planInput, notes, vars *[]string) []*operation {
	g := in.doc.Google()
	var out []*operation
	for _, o := range g.Ops {
		method := strings.ToUpper(o.Method)
		if method == http.MethodOptions {
			*notes = append(*notes, fmt.Sprintf("OPTIONS %s%s: skipped (a page does not call OPTIONS; the operation answers preflights)", g.BasePathText, o.Path))
			continue
		}
		op := &operation{method: method, template: g.BasePathText + o.Path, file: in.doc.Name, pos: in.doc.KeyPos(o.Ptr)}
		op.name = o.OperationID.Text()
		if op.name == "" {
			op.name = method + " " + op.template
		}
		params := g.Params(o)
		var placeholders []string
		op.path, placeholders = expandTemplate(op.template, func(name string) (string, bool) {
			if v, ok := in.pathParams[name]; ok {
				return v, true
			}
			for _, prm := range params {
				if prm.In == "path" && prm.Name == name {
					if v, ok := sampleValue(prm.Node, in.doc.Version.IsOpenAPI3()); ok {
						return v, true
					}
				}
			}
			return "", false
		})
		addVars(vars, op.template, placeholders)
		needs := cors.OperationNeedsOf(g, o)
		page, send := http.Header{}, http.Header{}
		for _, prm := range params {
			if prm.In != "header" {
				continue
			}
			v, ok := sampleValue(prm.Node, in.doc.Version.IsOpenAPI3())
			if !ok {
				v = Placeholder
			}
			page.Set(prm.Name, v)
			if b, _ := spec.BoolValue(spec.Get(prm.Node, "required")); b {
				send.Set(prm.Name, v)
			}
		}
		op.keyHeaders = needs.APIKeyHeaders
		for _, name := range needs.APIKeyHeaders {
			page.Set(name, keyOr(in.apiKey))
			if in.apiKey != "" {
				send.Set(name, in.apiKey)
			}
		}
		if len(needs.APIKeyQuery) > 0 && in.apiKey != "" && len(needs.APIKeyHeaders) == 0 {
			op.query = url.Values{needs.APIKeyQuery[0]: {in.apiKey}}.Encode()
		}
		if needs.Authorization {
			page.Set("Authorization", "Bearer "+Placeholder)
		}
		missingKey := len(needs.APIKeyHeaders)+len(needs.APIKeyQuery) > 0 && in.apiKey == ""
		missingToken := needs.Authorization && in.headers.Get("Authorization") == ""
		op.credentials = missingKey || missingToken
		if needs.Body {
			ct := "application/json"
			if len(needs.BodyTypes) > 0 {
				ct = needs.BodyTypes[0]
			}
			page.Set("Content-Type", ct)
			send.Set("Content-Type", ct)
		}
		addUserHeaders(page, send, in.headers)
		op.pageHeaders, op.sendHeaders = page, send
		out = append(out, op)
	}
	return out
}

// pathOperations makes one operation per --path and --method.
func pathOperations(in *planInput, vars *[]string) []*operation {
	methods := in.methods
	if len(methods) == 0 {
		methods = []string{http.MethodGet}
	}
	var out []*operation
	for _, p := range in.paths {
		for _, m := range methods {
			op := &operation{method: strings.ToUpper(m), template: p, name: strings.ToUpper(m) + " " + p}
			var placeholders []string
			op.path, placeholders = expandTemplate(p, func(name string) (string, bool) {
				v, ok := in.pathParams[name]
				return v, ok
			})
			addVars(vars, p, placeholders)
			page, send := http.Header{}, http.Header{}
			addUserHeaders(page, send, in.headers)
			op.pageHeaders, op.sendHeaders = page, send
			out = append(out, op)
		}
	}
	return out
}

// addVars records path variables that got the placeholder, once per name
// ("name in /first/{template}").
func addVars(vars *[]string, template string, names []string) {
	for _, name := range names {
		if !slices.ContainsFunc(*vars, func(s string) bool { return strings.HasPrefix(s, name+" in ") }) {
			*vars = append(*vars, name+" in "+template)
		}
	}
}

// listSome lists a few items and counts the rest.
func listSome(items []string) string {
	const show = 5
	if len(items) <= show {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:show], ", "), len(items)-show)
}

// placeholderNote says which path parameters got the placeholder, each
// with the first template that has it.
func placeholderNote(vars []string) string {
	if len(vars) == 0 {
		return ""
	}
	return fmt.Sprintf("path parameters without a value were sent as %q: %s (give --path-param NAME=VALUE, or an example in the spec)", Placeholder, listSome(vars))
}

// addUserHeaders adds the --header values: sent on actual requests, and
// announced in preflights unless only a browser can set them (Cookie).
func addUserHeaders(page, send, user http.Header) {
	names := make([]string, 0, len(user))
	for k := range user {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		send[k] = append([]string(nil), user[k]...)
		page[k] = append([]string(nil), user[k]...)
	}
}

func keyOr(k string) string {
	if k != "" {
		return k
	}
	return Placeholder
}

// sampleValue is the value a spec gives for a parameter: x-example or
// example, default, or the first enum value (2.0 on the parameter, 3.x on
// the parameter or its schema).
func sampleValue(param *yaml.Node, oas3 bool) (string, bool) {
	nodes := []*yaml.Node{param}
	if oas3 {
		nodes = append(nodes, spec.Get(param, "schema"))
	}
	for _, n := range nodes {
		for _, key := range []string{"x-example", "example", "default"} {
			if v := spec.Deref(spec.Get(n, key)); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
				return v.Value, true
			}
		}
		if e := spec.Deref(spec.Get(n, "enum")); spec.IsSeq(e) && len(e.Content) > 0 {
			if v := spec.Deref(e.Content[0]); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
				return v.Value, true
			}
		}
	}
	for _, n := range nodes {
		switch t := spec.Deref(spec.Get(n, "type")); {
		case t != nil && (t.Value == "integer" || t.Value == "number"):
			return "1", true
		}
	}
	return "", false
}
