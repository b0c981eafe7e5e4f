package spec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// buildSwagger2 fills the Google model from a Swagger 2.0 document, in one
// pass over the top-level keys and one over each operation's keys.
func buildSwagger2(d *Document) *Google {
	g := &Google{Doc: d, Version: Swagger2, scheme: map[string]*Scheme{}}
	root := d.Root
	g.VersionValue = member(root, "", "swagger")
	g.Service = member(root, "", "host")
	g.ServiceName, _ = g.Service.Str()
	g.BasePath = member(root, "", "basePath")
	if b, ok := g.BasePath.Str(); ok && b != "/" {
		g.BasePathText = b
	}
	g.Management = member(root, "", "x-google-management")
	g.Allow = member(root, "", "x-google-allow")
	g.APIName = member(root, "", "x-google-api-name")
	g.Info = member(root, "", "info")

	g.EndpointsValue = member(root, "", "x-google-endpoints")
	if eps := g.EndpointsValue; eps.IsSeq() {
		for i, it := range eps.Items() {
			if !it.IsMap() {
				continue
			}
			e := &Endpoint{Index: i, Value: it, Name: it.Get("name"), Target: it.Get("target")}
			e.name = e.Name.Text()
			for _, k := range [...]string{"allowCors", "allow_cors"} {
				if a := it.Get(k); a.Present() {
					e.AllowCors = append(e.AllowCors, a)
				}
			}
			g.Endpoints = append(g.Endpoints, e)
		}
	}

	g.SchemesValue = member(root, "", "securityDefinitions")
	g.SchemesValue.Pairs(func(name string, v Value) {
		if _, dup := g.scheme[name]; dup {
			return
		}
		s := &Scheme{Name: name, Value: v,
			In: v.Get("in"), ParamName: v.Get("name"),
			Issuer: v.Get("x-google-issuer"), JWKS: v.Get("x-google-jwks_uri"),
			Audiences: v.Get("x-google-audiences"), JWTLocations: v.Get("x-google-jwt-locations"),
			LegacyIssuer: v.Get("x-issuer"), LegacyJWKS: v.Get("x-jwks_uri")}
		s.Type, _ = v.Get("type").Str()
		s.jwt = strings.EqualFold(s.Type, "oauth2")
		g.Schemes = append(g.Schemes, s)
		g.scheme[name] = s
	})

	if sec := member(root, "", "security"); sec.Present() {
		g.Security = g.secList(sec, nil)
	}
	if be := member(root, "", "x-google-backend"); be.Present() {
		g.RootBackendRef = be
		g.RootBackend = &Backend{Value: be}
		g.Backends = append(g.Backends, g.RootBackend)
	}

	ops := d.Operations()
	g.Ops = make([]*Op, len(ops))
	all := make([]Op, len(ops))
	for i := range ops {
		op := &all[i]
		op.Operation, op.Index = ops[i], i
		g.Ops[i] = op
		n := Deref(op.Node)
		op.OperationID.parent, op.OperationID.tok = op.Ptr, "operationId"
		op.Quota.parent, op.Quota.tok = op.Ptr, "x-google-quota"
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		for k, at := range Members(n) {
			if k.Kind != yaml.ScalarNode {
				continue
			}
			v := Value{Key: k, Node: Deref(at), at: at, parent: op.Ptr, tok: k.Value}
			switch k.Value {
			case "operationId":
				if op.OperationID.Key == nil {
					op.OperationID = v
				}
			case "security":
				if op.Security == nil {
					op.Security = g.secList(v, op)
				}
			case "x-google-backend":
				if op.Backend == nil {
					op.BackendRef = v
					op.Backend = &Backend{Value: v, Op: op}
					g.Backends = append(g.Backends, op.Backend)
				}
			case "x-google-quota":
				if op.Quota.Key == nil {
					op.Quota = v
				}
			case "x-google-backend-url", "x-google-backend-deadline":
				op.LegacyBackend = true
			}
		}
	}
	g.quotaSwagger2()
	return g
}

// secList reads one security list; requirement names are linked to their
// schemes.
func (g *Google) secList(v Value, op *Op) *SecList {
	l := &SecList{Value: v, Op: op}
	if !v.IsSeq() {
		return l
	}
	l.Reqs = make([]SecReq, len(v.Node.Content))
	for i, rn := range v.Node.Content {
		rn = Deref(rn)
		r := SecReq{Index: i, Node: rn, IsMap: rn != nil && rn.Kind == yaml.MappingNode}
		if r.IsMap {
			r.Names = make([]SecName, 0, len(rn.Content)/2)
			for k, scopes := range Members(rn) {
				r.Names = append(r.Names, SecName{Name: k.Value, Key: k, Scopes: Deref(scopes), Scheme: g.scheme[k.Value]})
			}
		}
		l.Reqs[i] = r
	}
	return l
}
