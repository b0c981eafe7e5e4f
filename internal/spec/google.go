package spec

import (
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Version is the OpenAPI version family of a document.
type Version int

// Versions corsgate reads.
const (
	Swagger2  Version = iota // swagger: "2.0"
	OpenAPI30                // openapi: 3.0.x
	OpenAPI31                // openapi: 3.1.x
)

func (v Version) String() string {
	switch v {
	case OpenAPI30:
		return "OpenAPI 3.0"
	case OpenAPI31:
		return "OpenAPI 3.1"
	}
	return "Swagger 2.0"
}

// IsOpenAPI3 reports whether v is an OpenAPI 3.x version.
func (v Version) IsOpenAPI3() bool { return v == OpenAPI30 || v == OpenAPI31 }

// Google is the Google configuration one document carries, as gcloud,
// Service Management, API Gateway and ESP/ESPv2 read it. It is
// version-neutral: a Swagger 2.0 document and an OpenAPI 3.x document that
// say the same thing fill it the same way, each through its own builder.
// Every element keeps its nodes and JSON pointer, so findings about it have
// exact positions. Built once per document by Document.Google; read-only.
type Google struct {
	Doc     *Document
	Version Version
	// VersionValue is the swagger (2.0) or openapi (3.x) member.
	VersionValue Value

	// Service is where the document names its service: host in 2.0, the url
	// of the server that carries x-google-endpoint in 3.x.
	Service Value
	// ServiceName is the service name the document gives: host in 2.0 (as
	// written), the host of that server url in 3.x (as gcloud computes it:
	// lower case, no port, no user info); "" when it gives none.
	ServiceName string
	// BasePath is basePath in 2.0 (the server url in 3.x, whose path is the
	// base path); BasePathText is the base path itself ("" for none or /).
	BasePath     Value
	BasePathText string
	// Endpoints are the endpoint entries: the mapping items of a list-valued
	// x-google-endpoints in 2.0; the x-google-endpoint objects of servers in
	// 3.x.
	Endpoints []*Endpoint
	// EndpointsValue is the x-google-endpoints member itself (2.0), or the
	// servers list (3.x).
	EndpointsValue Value
	// ManagementAllowCors is x-google-api-management.allowCors (3.x, Cloud
	// Endpoints; UNVERIFIED: documented on a newer page only).
	ManagementAllowCors Value

	// Schemes are the security schemes (securityDefinitions), in source
	// order; scheme finds one by name.
	Schemes []*Scheme
	scheme  map[string]*Scheme
	// SchemesValue is the securityDefinitions member itself.
	SchemesValue Value
	// Security is the top-level security list; nil when there is none.
	Security *SecList

	// Ops are the operations in source order.
	Ops []*Op

	// RootBackend is the backend the top-level x-google-backend names (3.x)
	// or is (2.0); nil when absent or (3.x) naming no backend.
	RootBackend *Backend
	// RootBackendRef is the top-level x-google-backend member as written.
	RootBackendRef Value
	// Backends are every backend object: in 2.0 each x-google-backend
	// object, the top-level one first, then each operation's; in 3.x the
	// entries of x-google-api-management.backends.
	Backends []*Backend
	backend  map[string]*Backend

	// Management is x-google-management (2.0) or x-google-api-management
	// (3.x).
	Management Value
	// Metrics and QuotaLimits are the quota metrics and the limits on them
	// (google_quota.go), in source order.
	Metrics     []*Metric
	QuotaLimits []*QuotaLimit
	// Allow is x-google-allow, APIName x-google-api-name.
	Allow, APIName Value
	// Info is the info object.
	Info Value

	refsOnce   sync.Once
	refs       []Ref
	paramsOnce sync.Once
	params     [][]Param
	orderOnce  sync.Once
	order      []*Op
	pathsOnce  sync.Once
	paths      []PathItem
	extOnce    sync.Once
	ext        []Value
	listsOnce  sync.Once
	lists      []*SecList
}

// Google returns the document's Google model, built on first use. Safe for
// concurrent use.
func (d *Document) Google() *Google {
	d.googleOnce.Do(func() {
		if d.Version.IsOpenAPI3() {
			d.google = buildOpenAPI3(d)
		} else {
			d.google = buildSwagger2(d)
		}
	})
	return d.google
}

// Root is the document's top-level mapping as a Value.
func (g *Google) Root() Value { return Value{Node: g.Doc.Root, at: g.Doc.Root} }

// Scheme returns the security scheme with that name, or nil.
func (g *Google) Scheme(name string) *Scheme { return g.scheme[name] }

// EffectiveSecurity is the security list that applies to op: its own, else
// the top-level one; nil when neither is written (no requirement).
func (g *Google) EffectiveSecurity(op *Op) *SecList {
	if op.Security != nil {
		return op.Security
	}
	return g.Security
}

// SecLists returns the top-level list and every operation's own list, in
// that order (inherited lists are not repeated). The slice is built once
// (the engine asks for it once per rule) and shared: callers must not
// modify it.
func (g *Google) SecLists() []*SecList {
	g.listsOnce.Do(func() {
		if g.Security != nil {
			g.lists = append(g.lists, g.Security)
		}
		for _, op := range g.Ops {
			if op.Security != nil {
				g.lists = append(g.lists, op.Security)
			}
		}
	})
	return g.lists
}

// Endpoint is one endpoint entry (2.0: an item of x-google-endpoints; 3.x:
// the x-google-endpoint object of a server).
type Endpoint struct {
	Index int
	Value // the entry mapping
	// Name is the entry's name member (2.0).
	Name Value
	// Server and URL are the server object and its url member (3.x).
	Server, URL Value
	// name is the name ESP/ESPv2 compare with the service config name.
	name string
	// Target is the DNS target member.
	Target Value
	// AllowCors holds the allowCors members in source order: both proto-JSON
	// spellings (allowCors, allow_cors) are accepted by Service Management.
	AllowCors []Value
}

// NameText is the endpoint's name as ESP/ESPv2 compare it: name in 2.0,
// the server url's host in 3.x (UNVERIFIED: assumed to be what Service
// Management names the compiled Endpoint after, as gcloud names the
// service).
func (e *Endpoint) NameText() string { return e.name }

// CorsOn reports whether the entry turns allowCors on: some spelling holds
// true. Service Management parses the extension with protobuf's JSON
// parser, which also reads the string "true" as the boolean (api-compiler
// test x_google_endpoints: "allowCors": "true" compiles to allow_cors: true).
func (e *Endpoint) CorsOn() (on bool, v Value) {
	for _, a := range e.AllowCors {
		if IsTrue(a) {
			return true, a
		}
	}
	return false, Value{}
}

// IsTrue reports whether a boolean field is true as protobuf's JSON parser
// reads it: the boolean true or the string "true" (exactly).
func IsTrue(v Value) bool {
	if b, ok := v.Bool(); ok {
		return b
	}
	s, ok := v.Str()
	return ok && s == "true"
}

// Op is one operation with the Google extensions that apply to it.
type Op struct {
	Operation
	// Index is the operation's position in Google.Ops.
	Index int
	// OperationID is the operationId member.
	OperationID Value
	// Security is the operation's own security list; nil when absent.
	Security *SecList
	// Backend is the backend the operation's own x-google-backend is (2.0)
	// or names (3.x); nil when absent or naming no backend.
	Backend *Backend
	// BackendRef is the operation's x-google-backend member as written.
	BackendRef Value
	// RequestBody is the requestBody member (3.x).
	RequestBody Value
	// Quota is the x-google-quota member.
	Quota Value
	// MetricCosts is what one call costs against quota metrics
	// (google_quota.go).
	MetricCosts MetricCosts
	// LegacyBackend is true when x-google-backend-url or
	// x-google-backend-deadline is written on the operation.
	LegacyBackend bool
}

// Object is the operation object as a Value.
func (op *Op) Object() Value {
	return Value{Node: Deref(op.Node), at: op.Node, parent: op.PathPtr, tok: op.Method}
}

// At returns the pointer of a member of the operation.
func (op *Op) At(tokens ...string) string { return Append(op.Ptr, tokens...) }

// EffectiveBackendRef is the x-google-backend member that routes op: its
// own, else the top-level one (not Present when neither is written).
func (g *Google) EffectiveBackendRef(op *Op) Value {
	if op.BackendRef.Present() {
		return op.BackendRef
	}
	return g.RootBackendRef
}

// Where names the operation as Service Management's messages do.
func (op *Op) Where() string { return "Operation '" + op.Method + "' in path '" + op.Path + "'" }

// SecList is one security list as written.
type SecList struct {
	Value     // the list (a sequence unless malformed)
	Op    *Op // the operation that writes it; nil for the top-level list
	// Reqs are the requirement objects, one per list item (items that are
	// not mappings have no names).
	Reqs []SecReq
}

// Where names the list's place as Service Management's messages do.
func (l *SecList) Where() string {
	if l.Op == nil {
		return "the top-level security"
	}
	return l.Op.Where()
}

// RequiresAPIKey mirrors api-compiler AuthBuilder.isApiKeyRequired: true
// only when the list is non-empty and every requirement object names an
// apiKey scheme.
func (l *SecList) RequiresAPIKey() bool {
	if l == nil || !l.IsSeq() || len(l.Reqs) == 0 {
		return false
	}
	for _, r := range l.Reqs {
		if !r.IsMap || !r.Has(func(s *Scheme) bool { return s.IsAPIKey() }) {
			return false
		}
	}
	return true
}

// SecReq is one requirement object: scheme names AND-ed together.
type SecReq struct {
	Index int
	Node  *yaml.Node
	IsMap bool
	Names []SecName
}

// Has reports whether some named, defined scheme satisfies f.
func (r SecReq) Has(f func(*Scheme) bool) bool {
	for _, n := range r.Names {
		if n.Scheme != nil && f(n.Scheme) {
			return true
		}
	}
	return false
}

// NameList returns the scheme names in order.
func (r SecReq) NameList() []string {
	out := make([]string, len(r.Names))
	for i, n := range r.Names {
		out[i] = n.Name
	}
	return out
}

// SecName is one scheme named in a requirement object.
type SecName struct {
	Name   string
	Key    *yaml.Node
	Scopes *yaml.Node
	// Scheme is the definition it names; nil when undefined.
	Scheme *Scheme
}

// Scheme is one security scheme (2.0: a securityDefinitions entry).
type Scheme struct {
	Name  string
	Value // the definition
	// Type is the type as written; "" when missing or not a string.
	Type string
	// In and ParamName are an apiKey's location members.
	In, ParamName Value
	// Issuer, JWKS and Audiences are the JWT provider settings
	// (x-google-issuer, x-google-jwks_uri, x-google-audiences in 2.0);
	// JWTLocations is x-google-jwt-locations.
	Issuer, JWKS, Audiences, JWTLocations Value
	// LegacyIssuer and LegacyJWKS are the deprecated x-issuer and x-jwks_uri.
	LegacyIssuer, LegacyJWKS Value
	// Auth is x-google-auth (3.x), which holds Issuer, JWKS, Audiences and
	// JWTLocations.
	Auth Value
	// jwt: Google makes a JWT provider of it.
	jwt bool
}

// IsAPIKey and IsOAuth2 compare the type case-insensitively, as api-compiler
// does.
func (s *Scheme) IsAPIKey() bool { return strings.EqualFold(s.Type, "apiKey") }

// IsOAuth2 reports a scheme Google makes a JWT provider of: type oauth2 in
// 2.0 (compared case-insensitively, as api-compiler does); in 3.x an oauth2
// or openIdConnect scheme, or any scheme with x-google-auth.
func (s *Scheme) IsOAuth2() bool { return s.jwt }

// HasIssuer reports whether an issuer is written (either spelling).
func (s *Scheme) HasIssuer() bool { return s.Issuer.Present() || s.LegacyIssuer.Present() }

// Backend is one backend object: an x-google-backend object (2.0) or an
// entry of x-google-api-management.backends (3.x).
type Backend struct {
	Value     // the object as written
	Op    *Op // the operation that writes it (2.0); nil for the top-level one
	// Name is the backend's key under x-google-api-management.backends (3.x).
	Name string
}

// Where names the backend's place for messages.
func (b *Backend) Where() string {
	if b.Name != "" {
		return "backend '" + b.Name + "' of x-google-api-management"
	}
	if b.Op == nil {
		return "top-level x-google-backend"
	}
	return "x-google-backend of operation '" + b.Op.Method + "' in path '" + b.Op.Path + "'"
}

// BackendFields maps every accepted spelling of a google.api.BackendRule
// field to its proto (snake_case) name: Service Management parses the
// extension with proto-JSON, so both spellings are accepted.
var BackendFields = map[string]string{
	"address":                       "address",
	"deadline":                      "deadline",
	"path_translation":              "path_translation",
	"pathTranslation":               "path_translation",
	"jwt_audience":                  "jwt_audience",
	"jwtAudience":                   "jwt_audience",
	"disable_auth":                  "disable_auth",
	"disableAuth":                   "disable_auth",
	"protocol":                      "protocol",
	"operation_deadline":            "operation_deadline",
	"operationDeadline":             "operation_deadline",
	"min_deadline":                  "min_deadline",
	"minDeadline":                   "min_deadline",
	"overrides_by_request_protocol": "overrides_by_request_protocol",
	"overridesByRequestProtocol":    "overrides_by_request_protocol",
	"selector":                      "selector",
}

// Field returns the member that spells the proto field (e.g. "address",
// "path_translation") in either spelling.
func (b *Backend) Field(proto string) Value {
	n := b.Node
	if n == nil || n.Kind != yaml.MappingNode {
		return Value{}
	}
	for k, v := range Members(n) {
		if BackendFields[k.Value] == proto {
			return Value{Key: k, Node: Deref(v), at: v, parent: b.Ptr(), tok: k.Value}
		}
	}
	return Value{}
}

// Address is the backend's address member.
func (b *Backend) Address() Value { return b.Field("address") }

// NamedBackend returns the 3.x backend with that name, or nil.
func (g *Google) NamedBackend(name string) *Backend { return g.backend[name] }

// EffectiveBackend is the backend an operation is routed by: its own, else
// the top-level one; nil when neither exists.
func (g *Google) EffectiveBackend(op *Op) *Backend {
	if op.Backend != nil {
		return op.Backend
	}
	return g.RootBackend
}
