package cors

import (
	"errors"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// SpecNeeds is what a spec asks of a CORS policy: the methods it uses, the
// request headers a browser will send, and the response headers it declares.
type SpecNeeds struct {
	// Methods are the upper-case HTTP methods of the spec's operations, in
	// MethodOrder.
	Methods []string
	// Headers are header parameter names, in source order, de-duplicated
	// case-insensitively.
	Headers []string
	// APIKeyHeaders are the header names of apiKey schemes with in: header
	// that some operation (or the spec's global security) uses.
	APIKeyHeaders []string
	// Authorization is true when an oauth2 scheme or a JWT scheme
	// (x-google-issuer) is used.
	Authorization bool
	// Body is true when some operation takes a body or form data.
	Body bool
	// Expose are the declared response header names, de-duplicated.
	Expose []string
	// GrpcWeb is true when the spec targets grpc-web: a consumes/produces
	// media type starting with application/grpc-web, or an x-google-backend
	// address with a grpc:// or grpcs:// scheme.
	GrpcWeb bool
	// GrpcWebPtr is the JSON pointer of the first grpc-web evidence.
	GrpcWebPtr string
	// AllowCors is true when the proxy passes preflights to the backend
	// (spec.Google.PassThrough); AllowCorsPtr is the allowCors member's
	// pointer.
	AllowCors    bool
	AllowCorsPtr string
}

// MethodOrder is the order derived --cors_allow_methods lists methods in
// (ESPv2's default order, then HEAD).
var MethodOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Needs analyses one spec document through its Google model: the methods
// of its operations, the header parameters and the credentials its
// security asks browsers to send, bodies, declared response headers,
// grpc-web evidence, and whether allowCors is on for deployment d.
func Needs(doc *spec.Document, d spec.Deployment) SpecNeeds {
	var n SpecNeeds
	g := doc.Google()
	hdr := newNameSet()
	exp := newNameSet()
	keys := newNameSet()
	methods := map[string]bool{}

	if ep, allow := g.PassThrough(d); ep != nil {
		n.AllowCors, n.AllowCorsPtr = true, allow.Ptr()
	}

	mediaGrpcWeb := func(ptr string, list *yaml.Node) {
		if n.GrpcWeb || !spec.IsSeq(list) {
			return
		}
		for _, m := range spec.Deref(list).Content {
			if strings.HasPrefix(strings.ToLower(scalar(m)), "application/grpc-web") {
				n.GrpcWeb, n.GrpcWebPtr = true, ptr
				return
			}
		}
	}
	backendGrpc := func(b *spec.Backend) {
		if b == nil || n.GrpcWeb {
			return
		}
		addr := b.Address()
		a := strings.ToLower(addr.Text())
		if strings.HasPrefix(a, "grpc://") || strings.HasPrefix(a, "grpcs://") {
			n.GrpcWeb, n.GrpcWebPtr = true, addr.Ptr()
		}
	}
	root := doc.Root
	mediaGrpcWeb("/consumes", spec.Get(root, "consumes"))
	mediaGrpcWeb("/produces", spec.Get(root, "produces"))
	backendGrpc(g.RootBackend)

	for _, op := range g.Ops {
		methods[strings.ToUpper(op.Method)] = true
		on := OperationNeedsOf(g, op)
		hdr.add(on.Headers...)
		keys.add(on.APIKeyHeaders...)
		n.Authorization = n.Authorization || on.Authorization
		n.Body = n.Body || on.Body
		mediaGrpcWeb(op.At("consumes"), spec.Get(op.Node, "consumes"))
		mediaGrpcWeb(op.At("produces"), spec.Get(op.Node, "produces"))
		if op.RequestBody.Present() { // OpenAPI 3.x
			body := resolveLocal(root, op.RequestBody.Node)
			mediaGrpcWeb(op.At("requestBody", "content"), contentTypes(body))
		}
		backendGrpc(op.Backend)
		spec.Pairs(spec.Get(op.Node, "responses"), func(k, r *yaml.Node) {
			r = resolveLocal(root, r)
			spec.Pairs(spec.Get(r, "headers"), func(k, _ *yaml.Node) { exp.add(k.Value) })
			mediaGrpcWeb(op.At("responses", k.Value, "content"), contentTypes(r))
		})
	}
	for _, m := range MethodOrder {
		if methods[m] {
			n.Methods = append(n.Methods, m)
		}
	}
	n.Headers = hdr.list
	n.APIKeyHeaders = keys.list
	n.Expose = exp.list
	return n
}

// contentTypes lists the media types of an OpenAPI 3.x content map as a
// sequence node, so grpc-web detection reads them like consumes/produces.
func contentTypes(n *yaml.Node) *yaml.Node {
	out := &yaml.Node{Kind: yaml.SequenceNode}
	spec.Pairs(spec.Get(n, "content"), func(k, _ *yaml.Node) { out.Content = append(out.Content, k) })
	return out
}

// MergeNeeds combines the needs of several documents.
func MergeNeeds(all ...SpecNeeds) SpecNeeds {
	var out SpecNeeds
	hdr, keys, exp := newNameSet(), newNameSet(), newNameSet()
	methods := map[string]bool{}
	for _, n := range all {
		for _, m := range n.Methods {
			methods[m] = true
		}
		hdr.add(n.Headers...)
		keys.add(n.APIKeyHeaders...)
		exp.add(n.Expose...)
		out.Authorization = out.Authorization || n.Authorization
		out.Body = out.Body || n.Body
		if n.GrpcWeb && !out.GrpcWeb {
			out.GrpcWeb, out.GrpcWebPtr = true, n.GrpcWebPtr
		}
		if n.AllowCors && !out.AllowCors {
			out.AllowCors, out.AllowCorsPtr = true, n.AllowCorsPtr
		}
	}
	for _, m := range MethodOrder {
		if methods[m] {
			out.Methods = append(out.Methods, m)
		}
	}
	out.Headers, out.APIKeyHeaders, out.Expose = hdr.list, keys.list, exp.list
	return out
}

// RequestHeaders lists every request header the spec needs allowed: header
// parameters, API-key headers, Authorization, Content-Type (when a body is
// sent), de-duplicated case-insensitively.
func (n SpecNeeds) RequestHeaders() []string {
	s := newNameSet()
	s.add(n.Headers...)
	s.add(n.APIKeyHeaders...)
	if n.Authorization {
		s.add("Authorization")
	}
	if n.Body {
		s.add("Content-Type")
	}
	if n.GrpcWeb {
		s.add(GrpcWebHeaders...)
	}
	return s.list
}

// GrpcWebHeaders are the request headers grpc-web clients send that a CORS
// policy must allow (grpc/grpc-web #1132; ESPv2 PR #598 added X-User-Agent
// to the default list for this).
var GrpcWebHeaders = []string{"X-Grpc-Web", "X-User-Agent", "Content-Type"}

// ErrNoOrigin is returned by Derive: origins are never guessed.
var ErrNoOrigin = errors.New("origins are never derived from the spec: give --cors_allow_origin (implies --cors_preset=basic) or --cors_allow_origin_regex (implies --cors_preset=cors_with_regex)")

// Derive builds a tight policy from what the spec needs, keeping base's
// proxy, origin, credentials and max age. Methods are the spec's methods
// plus OPTIONS; headers and expose headers come from RequestHeaders and the
// declared response headers. The preset follows the origin: an origin
// implies basic, a regex cors_with_regex. Without either it returns
// ErrNoOrigin.
func Derive(n SpecNeeds, base Policy) (Policy, error) {
	p := base
	switch {
	case p.Preset == PresetRegex || p.Preset == PresetNone && p.AllowOriginRegex != "":
		if p.AllowOriginRegex == "" {
			return p, ErrNoOrigin
		}
		p.Preset, p.AllowOrigin = PresetRegex, ""
	case p.AllowOrigin != "":
		p.Preset, p.AllowOriginRegex = PresetBasic, ""
	default:
		return p, ErrNoOrigin
	}
	ms := append([]string(nil), n.Methods...)
	hasOptions := false
	for _, m := range ms {
		hasOptions = hasOptions || m == "OPTIONS"
	}
	if !hasOptions {
		ms = append(ms, "OPTIONS")
	}
	p.AllowMethods = strings.Join(ms, ", ")
	p.AllowHeaders = strings.Join(n.RequestHeaders(), ",")
	p.ExposeHeaders = strings.Join(n.Expose, ",")
	if p.Proxy == "" {
		p.Proxy = ESPv2
	}
	if p.MaxAge == 0 && !p.MaxAgeSet {
		p.MaxAge = DefaultMaxAge
	}
	if p.Proxy != ESP {
		p.MaxAgeSet = true
	}
	return p, nil
}

// nameSet keeps header names in first-seen order, case-insensitively unique.
type nameSet struct {
	seen map[string]bool
	list []string
}

func newNameSet() *nameSet { return &nameSet{seen: map[string]bool{}} }

func (s *nameSet) add(names ...string) {
	for _, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if k == "" || s.seen[k] {
			continue
		}
		s.seen[k] = true
		s.list = append(s.list, strings.TrimSpace(n))
	}
}

func scalar(n *yaml.Node) string {
	n = spec.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// resolveLocal follows one local $ref ("#/parameters/x", "#/responses/y").
func resolveLocal(root, n *yaml.Node) *yaml.Node {
	for range 8 {
		ref := scalar(spec.Get(n, "$ref"))
		if !strings.HasPrefix(ref, "#/") {
			return n
		}
		cur := root
		for _, tok := range spec.SplitPointer(ref[1:]) {
			cur = spec.Get(cur, tok)
			if cur == nil {
				return n
			}
		}
		n = cur
	}
	return n
}
