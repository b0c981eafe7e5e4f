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

	// Service is where the document names its service: host in 2.0.
	Service Value
	// BasePath is basePath in 2.0.
	BasePath Value
	// Endpoints are the endpoint entries: the mapping items of a list-valued
	// x-google-endpoints in 2.0.
	Endpoints []*Endpoint
	// EndpointsValue is the x-google-endpoints member itself (2.0).
	EndpointsValue Value

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

	// RootBackend is the top-level x-google-backend; nil when absent.
	RootBackend *Backend
	// Backends are every x-google-backend object: the top-level one first,
	// then each operation's, in source order.
	Backends []*Backend

	// Management is x-google-management (2.0).
	Management Value
	// Metrics and QuotaLimits are the quota metrics and the limits on them
	// (google_quota.go), in source order.
	Metrics     []*Metric
	QuotaLimits []*QuotaLimit
	// Allow is x-google-allow, APIName x-google-api-name.
	Allow, APIName Value

	refsOnce   sync.Once
	refs       []Ref
	paramsOnce sync.Once
	params     [][]Param
}

// Google returns the document's Google model, built on first use. Safe for
// concurrent use.
func (d *Document) Google() *Google {
	d.googleOnce.Do(func() { d.google = buildSwagger2(d) })
	return d.google
}

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
// that order (inherited lists are not repeated).
func (g *Google) SecLists() []*SecList {
	var out []*SecList
	if g.Security != nil {
		out = append(out, g.Security)
	}
	for _, op := range g.Ops {
		if op.Security != nil {
			out = append(out, op.Security)
		}
	}
	return out
}

// Endpoint is one endpoint entry (2.0: an item of x-google-endpoints).
type Endpoint struct {
	Index int
	Value // the entry mapping
	// Name is the entry's name member (2.0).
	Name Value
	// Target is the DNS target member.
	Target Value
	// AllowCors holds the allowCors members in source order: both proto-JSON
	// spellings (allowCors, allow_cors) are accepted by Service Management.
	AllowCors []Value
}

// NameText is the endpoint's name as ESP/ESPv2 compare it.
func (e *Endpoint) NameText() string { return e.Name.Text() }

// CorsOn reports whether the entry turns allowCors on: some spelling holds
// the boolean true.
func (e *Endpoint) CorsOn() (on bool, v Value) {
	for _, a := range e.AllowCors {
		if b, ok := a.Bool(); ok && b {
			return true, a
		}
	}
	return false, Value{}
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
	// Backend is the operation's own x-google-backend; nil when absent.
	Backend *Backend
	// Quota is the x-google-quota member.
	Quota Value
	// MetricCosts is what one call costs against quota metrics
	// (google_quota.go).
	MetricCosts MetricCosts
	// LegacyBackend is true when x-google-backend-url or
	// x-google-backend-deadline is written on the operation.
	LegacyBackend bool
}

// At returns the pointer of a member of the operation.
func (op *Op) At(tokens ...string) string { return Append(op.Ptr, tokens...) }

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
}

// IsAPIKey and IsOAuth2 compare the type case-insensitively, as api-compiler
// does.
func (s *Scheme) IsAPIKey() bool { return strings.EqualFold(s.Type, "apiKey") }

// IsOAuth2 reports an oauth2 scheme: a JWT provider for Google.
func (s *Scheme) IsOAuth2() bool { return strings.EqualFold(s.Type, "oauth2") }

// HasIssuer reports whether an issuer is written (either spelling).
func (s *Scheme) HasIssuer() bool { return s.Issuer.Present() || s.LegacyIssuer.Present() }

// Backend is one x-google-backend object.
type Backend struct {
	Value     // the object as written
	Op    *Op // the operation that writes it; nil for the top-level one
}

// Where names the backend's place for messages.
func (b *Backend) Where() string {
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
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if BackendFields[k.Value] == proto {
			return Value{Key: k, Node: Deref(n.Content[i+1]), at: n.Content[i+1], parent: b.Ptr(), tok: k.Value}
		}
	}
	return Value{}
}

// Address is the backend's address member.
func (b *Backend) Address() Value { return b.Field("address") }

// EffectiveBackend is the backend an operation is routed by: its own, else
// the top-level one; nil when neither exists.
func (g *Google) EffectiveBackend(op *Op) *Backend {
	if op.Backend != nil {
		return op.Backend
	}
	return g.RootBackend
}
