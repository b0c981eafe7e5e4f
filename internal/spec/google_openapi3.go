package spec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// buildOpenAPI3 fills the Google model from an OpenAPI 3.0 or 3.1 document:
// the same model the 2.0 builder fills, read from the places Google's
// extensions live in 3.x (reference openapi3.md §2 and §6):
//   - the service name and base path from the url of the server that
//     carries x-google-endpoint (allowCors lives there too);
//   - backends from x-google-api-management.backends, which x-google-backend
//     (a string) names at the top level and on operations;
//   - JWT settings from x-google-auth on a components.securitySchemes entry.
func buildOpenAPI3(d *Document) *Google {
	g := &Google{Doc: d, Version: d.Version, scheme: map[string]*Scheme{}, backend: map[string]*Backend{}}
	root := d.Root
	g.VersionValue = member(root, "", "openapi")
	g.Info = member(root, "", "info")
	g.Management = member(root, "", "x-google-api-management")
	g.APIName = g.Management.Get("apiName")
	g.ManagementAllowCors = g.Management.Get("allowCors")
	g.Allow = member(root, "", "x-google-allow")

	g.EndpointsValue = member(root, "", "servers")
	for i, srv := range g.EndpointsValue.Items() {
		ext := srv.Get("x-google-endpoint")
		if !ext.Present() {
			continue
		}
		e := &Endpoint{Index: i, Value: ext, Server: srv, URL: srv.Get("url")}
		host, _ := ServerURL(e.URL.Text())
		e.name = host
		for _, k := range [...]string{"allowCors", "allow_cors"} {
			if a := ext.Get(k); a.Present() {
				e.AllowCors = append(e.AllowCors, a)
			}
		}
		e.Target = ext.Get("target")
		g.Endpoints = append(g.Endpoints, e)
	}
	if len(g.Endpoints) > 0 {
		// At most one server may carry the extension (gcloud and the
		// documented limitations); the first one names the service.
		e := g.Endpoints[0]
		g.Service, g.BasePath = e.URL, e.URL
		host, path := ServerURL(e.URL.Text())
		g.ServiceName = host
		if path != "/" {
			g.BasePathText = path
		}
	}

	g.Management.Get("backends").Pairs(func(name string, v Value) {
		if _, dup := g.backend[name]; dup {
			return
		}
		b := &Backend{Value: v, Name: name}
		g.Backends = append(g.Backends, b)
		g.backend[name] = b
	})

	comps := member(root, "", "components")
	g.SchemesValue = comps.Get("securitySchemes")
	g.SchemesValue.Pairs(func(name string, v Value) {
		if _, dup := g.scheme[name]; dup {
			return
		}
		auth := v.Get("x-google-auth")
		s := &Scheme{Name: name, Value: v, In: v.Get("in"), ParamName: v.Get("name"), Auth: auth,
			Issuer: auth.Get("issuer"), JWKS: auth.Get("jwksUri"), Audiences: auth.Get("audiences"), JWTLocations: auth.Get("jwtLocations")}
		s.Type, _ = v.Get("type").Str()
		s.jwt = auth.Present() || s.Type == "oauth2" || s.Type == "openIdConnect"
		g.Schemes = append(g.Schemes, s)
		g.scheme[name] = s
	})

	if sec := member(root, "", "security"); sec.Present() {
		g.Security = g.secList(sec, nil)
	}
	if ref := member(root, "", "x-google-backend"); ref.Present() {
		g.RootBackendRef = ref
		g.RootBackend = g.backend[ref.Text()]
	}

	ops := d.Operations()
	g.Ops = make([]*Op, len(ops))
	all := make([]Op, len(ops))
	for i := range ops {
		op := &all[i]
		op.Operation, op.Index = ops[i], i
		g.Ops[i] = op
		n := Deref(op.Node)
		op.OperationID = member(n, op.Ptr, "operationId")
		op.Quota = member(n, op.Ptr, "x-google-quota")
		op.RequestBody = member(n, op.Ptr, "requestBody")
		if sec := member(n, op.Ptr, "security"); sec.Present() {
			op.Security = g.secList(sec, op)
		}
		if ref := member(n, op.Ptr, "x-google-backend"); ref.Present() {
			op.BackendRef = ref
			op.Backend = g.backend[ref.Text()]
		}
		if n != nil && n.Kind == yaml.MappingNode {
			_, u := MapGet(n, "x-google-backend-url")
			_, dl := MapGet(n, "x-google-backend-deadline")
			op.LegacyBackend = u != nil || dl != nil
		}
	}
	g.quotaOpenAPI3()
	return g
}

// ServerURL splits a server url into the service name gcloud computes from
// it and the base path. gcloud takes the name with Python's
// urllib.parse.urlparse(url).hostname (gcloud 578.0.0
// lib/surface/endpoints/services/deploy.py), which lower-cases the host and
// drops the port and any user info. A relative url ("/v1", as API Gateway
// reads it: a base path) has no name.
// Like urlparse, it takes a host literally ({variables} included).
func ServerURL(raw string) (name, path string) {
	s := strings.TrimSpace(raw)
	i := strings.Index(s, "://")
	if i <= 0 || strings.ContainsAny(s[:i], "/?#") {
		// No scheme: urlparse finds no network location; the whole url is
		// a path (API Gateway reads a relative url as the base path).
		if j := strings.IndexAny(s, "?#"); j >= 0 {
			s = s[:j]
		}
		return "", s
	}
	rest := s[i+3:]
	netloc := rest
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		netloc, path = rest[:j], rest[j:]
		if k := strings.IndexAny(path, "?#"); k >= 0 {
			path = path[:k]
		}
	}
	if j := strings.LastIndexByte(netloc, '@'); j >= 0 {
		netloc = netloc[j+1:]
	}
	if strings.HasPrefix(netloc, "[") {
		if j := strings.IndexByte(netloc, ']'); j >= 0 {
			netloc = netloc[1:j]
		}
	} else if j := strings.LastIndexByte(netloc, ':'); j >= 0 {
		netloc = netloc[:j]
	}
	return strings.ToLower(netloc), path
}

// ServerHostProblems lists what gcloud's urlparse changes or drops in an
// absolute url's host part ("user info", "a port", "upper-case letters",
// "a {variable}" — taken literally), joined with "and"; "" when the host is
// the service name as written.
func ServerHostProblems(raw string) string {
	raw = strings.TrimSpace(raw)
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	netloc := raw[i+3:]
	if j := strings.IndexAny(netloc, "/?#"); j >= 0 {
		netloc = netloc[:j]
	}
	var out []string
	if strings.Contains(netloc, "@") {
		out = append(out, "user info")
	}
	host := netloc[strings.LastIndexByte(netloc, '@')+1:]
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		out = append(out, "a port")
	}
	if strings.ToLower(host) != host {
		out = append(out, "upper-case letters")
	}
	if strings.ContainsAny(host, "{}") {
		out = append(out, "a {variable}")
	}
	return strings.Join(out, " and ")
}
