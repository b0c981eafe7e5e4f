package proxy

import (
	"net/textproto"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
)

// authReq is what an operation asks of a request before the backend, as the
// service config Service Management compiles from its effective security
// says:
//   - JWT: the authentication rule's requirements, one per JWT provider some
//     requirement object names, any one of which must accept the request
//     (api-compiler AuthRuleGenerator; esp-v2 v2.55.7
//     src/go/configgenerator/filtergen/jwt_authn.go makeJwtRequirement:
//     requires_any). A requirement object without a JWT scheme adds nothing,
//     so security [{api_key: []}, {firebase: []}] still requires the JWT.
//   - API key: the usage rule's allow_unregistered_calls is false exactly
//     when spec.SecList.RequiresAPIKey (api-compiler AuthBuilder).
//
// ESPv2 checks the JWT (jwt_authn) before the key (service control), and so
// does ESP v1 (cloudendpoints/esp v1.60.0 src/api_manager/check_workflow.cc:
// CheckAuth before CheckServiceControl).
type authReq struct {
	providers []*Provider
	apiKey    bool
	keyLocs   []keyLoc
}

// keyLoc is one place the proxies read an API key from.
type keyLoc struct {
	query bool
	name  string // the query parameter, or the header in canonical form
}

// Provider is one JWT provider: a security scheme Google makes one of (an
// oauth2 scheme in Swagger 2.0; x-google-auth in OpenAPI 3.x).
type Provider struct {
	// Name is the security scheme's name (the provider id).
	Name string
	// Issuer is x-google-issuer (x-google-auth issuer); "" allows any.
	Issuer string
	// Audiences are the scheme's audiences as written; nil when none.
	Audiences []string
	// audESPv2 are the audiences ESPv2 allows, sanitised as jwt_verify_lib's
	// CheckAudience compares them: the scheme's, else https://SERVICE_NAME
	// (esp-v2 v2.55.7 filtergen/jwt_authn.go GenFilterConfig: "For
	// backwards-compatibility with ESPv1, auto-generate audiences"); nil
	// allows any (the service name is unknown).
	audESPv2 map[string]bool
	// audESP are the scheme's audiences with the scheme and trailing slash
	// stripped (ESP v1 also always allows the service name).
	audESP map[string]bool
	// headers and params are where ESPv2 reads its tokens, in the order of
	// Envoy's extractor (a std::map keyed by lower-case header name plus
	// prefix, then one keyed by parameter name).
	headers []jwtHeader
	params  []string
}

// jwtHeader is one header a token is read from, and the prefix before it.
type jwtHeader struct {
	name   string // canonical form
	prefix string
}

// authCompiler builds the requirements of a table's operations, sharing one
// Provider per scheme.
type authCompiler struct {
	t         *Table
	providers map[string]*Provider
	lists     map[*spec.SecList]*authReq
}

func newAuthCompiler(g *spec.Google, t *Table) *authCompiler {
	return &authCompiler{t: t, providers: map[string]*Provider{}, lists: map[*spec.SecList]*authReq{}}
}

// compile returns the requirement of a security list (nil when it requires
// nothing).
func (c *authCompiler) compile(l *spec.SecList) *authReq {
	if l == nil {
		return nil
	}
	if a, ok := c.lists[l]; ok {
		return a
	}
	a := &authReq{apiKey: l.RequiresAPIKey()}
	seen := map[string]bool{}
	for _, r := range l.Reqs {
		for _, n := range r.Names {
			if n.Scheme == nil || !n.Scheme.IsOAuth2() || seen[n.Name] {
				continue
			}
			seen[n.Name] = true
			a.providers = append(a.providers, c.provider(n.Scheme))
		}
	}
	if a.apiKey {
		a.keyLocs = apiKeyLocations(l)
		c.t.APIKeys = true
	}
	if !a.apiKey && len(a.providers) == 0 {
		a = nil
	}
	c.lists[l] = a
	return a
}

// apiKeyLocations are where the proxies read the key for an operation whose
// security list is l: the locations of the apiKey schemes it names
// (spec.Scheme.Credentials), query parameters first (esp-v2 v2.55.7
// src/go/configinfo/service_info.go extractApiKeyLocations orders them so;
// ESP v1 request_context.cc ExtractApiKey reads queries then headers), else
// the proxies' defaults (spec.APIKeyDefaults). Service Management turns the
// schemes into the system parameters the proxies read; that it does so for
// every apiKey scheme an operation's security names, key in query included,
// is UNVERIFIED (its converter is not public): serve takes the schemes'
// locations, so a key sent elsewhere is treated as missing.
func apiKeyLocations(l *spec.SecList) []keyLoc {
	var queries, headers []keyLoc
	seen := map[keyLoc]bool{}
	for _, r := range l.Reqs {
		for _, n := range r.Names {
			if n.Scheme == nil || !n.Scheme.IsAPIKey() {
				continue
			}
			for _, c := range n.Scheme.Credentials() {
				loc, ok := keyLocOf(c)
				if !ok || seen[loc] {
					continue
				}
				seen[loc] = true
				if loc.query {
					queries = append(queries, loc)
				} else {
					headers = append(headers, loc)
				}
			}
		}
	}
	if len(queries)+len(headers) == 0 {
		for _, c := range spec.APIKeyDefaults() {
			loc, _ := keyLocOf(c)
			queries = append(queries, loc) // already in the proxies' order
		}
	}
	return append(queries, headers...)
}

// keyLocOf is where serve looks for credential c; in: cookie (and a name
// left empty) has no ESPv2 location (openapi3.md §5).
func keyLocOf(c spec.Credential) (keyLoc, bool) {
	switch {
	case c.Name == "":
		return keyLoc{}, false
	case strings.EqualFold(c.In, "query"):
		return keyLoc{query: true, name: c.Name}, true
	case strings.EqualFold(c.In, "header"):
		return keyLoc{name: textproto.CanonicalMIMEHeaderKey(c.Name)}, true
	}
	return keyLoc{}, false
}

// provider returns the Provider of scheme s, built once.
func (c *authCompiler) provider(s *spec.Scheme) *Provider {
	if p := c.providers[s.Name]; p != nil {
		return p
	}
	p := &Provider{Name: s.Name}
	p.Issuer, _ = s.Issuer.Str()
	if p.Issuer == "" {
		p.Issuer, _ = s.LegacyIssuer.Str()
	}
	raw := audiences(s.Audiences)
	p.audESP = map[string]bool{}
	for _, a := range raw {
		// ESP v1 splits on commas without trimming and skips empty ones
		// (cloudendpoints/esp v1.60.0 src/api_manager/method_impl.cc
		// addAuthProvider).
		if a != "" && urlContent(a) != "" {
			p.audESP[urlContent(a)] = true
		}
		if a = strings.TrimSpace(a); a != "" {
			p.Audiences = append(p.Audiences, a)
		}
	}
	switch {
	case len(p.Audiences) > 0:
		p.audESPv2 = map[string]bool{}
		for _, a := range p.Audiences {
			p.audESPv2[sanitizeAudience(a)] = true
		}
	case c.t.ServiceName != "":
		p.audESPv2 = map[string]bool{sanitizeAudience("https://" + c.t.ServiceName): true}
	}
	p.headers, p.params = jwtLocations(s)
	c.providers[s.Name] = p
	c.t.Providers = append(c.t.Providers, p)
	return p
}

// audiences reads x-google-audiences (one comma-separated string in 2.0) or
// x-google-auth audiences (a list), as written: split on commas, not trimmed.
func audiences(v spec.Value) []string {
	var out []string
	if s, ok := v.Str(); ok {
		out = append(out, strings.Split(s, ",")...)
	}
	for _, it := range v.Items() {
		if s, ok := it.Str(); ok {
			out = append(out, strings.Split(s, ",")...)
		}
	}
	return out
}

// jwtLocations are where the provider of scheme s reads a JWT
// (spec.Scheme.Credentials: x-google-jwt-locations, x-google-auth
// jwtLocations, else ESPv2's or Envoy's defaults), in Envoy's extraction
// order.
func jwtLocations(s *spec.Scheme) (headers []jwtHeader, params []string) {
	for _, c := range s.Credentials() {
		if c.InQuery() {
			params = append(params, c.Name)
		} else {
			headers = append(headers, jwtHeader{name: textproto.CanonicalMIMEHeaderKey(c.Name), prefix: c.Prefix})
		}
	}
	// Envoy's extractor keeps header locations in a std::map keyed by the
	// lower-case name followed by the prefix, parameters by name
	// (envoy source/extensions/filters/http/jwt_authn/extractor.cc).
	sortBy(headers, func(h jwtHeader) string { return strings.ToLower(h.name) + h.prefix })
	sortBy(params, func(p string) string { return p })
	return dedupe(headers), dedupe(params)
}

func sortBy[T any](s []T, key func(T) string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && key(s[j]) < key(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func dedupe[T comparable](s []T) []T {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// sanitizeAudience is jwt_verify_lib's (google/jwt_verify_lib b59e807,
// src/check_audience.cc): drop a leading http:// or https:// and one
// trailing slash.
func sanitizeAudience(a string) string {
	if a == "" {
		return a
	}
	if s, ok := strings.CutPrefix(a, "http://"); ok {
		a = s
	} else if s, ok := strings.CutPrefix(a, "https://"); ok {
		a = s
	}
	return strings.TrimSuffix(a, "/")
}

// urlContent is ESP v1's utils::GetUrlContent, applied to issuers and
// audiences before comparing them: the same as sanitizeAudience.
func urlContent(s string) string { return sanitizeAudience(s) }
