package spec

import (
	"slices"
	"strings"
)

// Where a request carries the credential a security scheme asks for: the
// places ESP and ESPv2 read an API key or a JWT from. Rules ask whether a
// browser preflight (which keeps the URL but sends no credential headers)
// can carry it; serve asks whether a request does.

// Credential is one place of a request that carries a scheme's credential.
type Credential struct {
	// In is "query" for a URL query parameter and "header" for a request
	// header. For an apiKey scheme it is the scheme's in as written: Swagger
	// 2.0 allows query and header, OpenAPI 3.x also cookie, which ESP/ESPv2
	// cannot be configured to read (they build API-key locations from query
	// parameters and headers only).
	In string
	// Name is the query parameter or header name.
	Name string
	// Prefix is what a header value carries before the token ("Bearer ").
	Prefix string
	// Default marks the places a JWT provider that names none is read from.
	Default bool
}

// InQuery reports whether the credential travels in the URL query string.
func (c Credential) InQuery() bool { return c.In == "query" }

// Same reports whether two credentials are read from the same place:
// header names compare without case, query parameter names exactly.
func (c Credential) Same(o Credential) bool {
	if c.In != o.In {
		return false
	}
	if c.In == "header" {
		return strings.EqualFold(c.Name, o.Name)
	}
	return c.Name == o.Name
}

// apiKeyDefaults are where ESP and ESPv2 look for an API key when a method
// names no location: query key, query api_key, header x-api-key (esp-v2
// v2.55.7 src/envoy/http/service_control/config_parser.cc
// FilterConfigParser::FilterConfigParser; esp v1.60.0
// src/api_manager/context/request_context.cc RequestContext::ExtractApiKey).
var apiKeyDefaults = []Credential{
	{In: "query", Name: "key"},
	{In: "query", Name: "api_key"},
	{In: "header", Name: "x-api-key"},
}

// APIKeyDefaults returns where ESP and ESPv2 read an API key from when an
// operation's security names no apiKey location, in their order.
func APIKeyDefaults() []Credential { return slices.Clone(apiKeyDefaults) }

// IsAPIKeyDefault reports whether c is a place ESP and ESPv2 read API keys
// from by default.
func (c Credential) IsAPIKeyDefault() bool {
	return slices.ContainsFunc(apiKeyDefaults, c.Same)
}

// jwtDefaults are where ESPv2 looks for a JWT when the provider names no
// jwt_locations, in its order (esp-v2 v2.55.7
// src/go/configgenerator/filtergen/jwt_authn.go defaultJwtLocations,
// src/go/util/util.go). ESP v1 reads the same places (esp v1.60.0
// src/api_manager/check_auth.cc AuthChecker::GetAuthToken).
var jwtDefaults = []Credential{
	{In: "header", Name: "Authorization", Prefix: "Bearer ", Default: true},
	{In: "header", Name: "X-Goog-Iap-Jwt-Assertion", Default: true},
	{In: "query", Name: "access_token", Default: true},
}

// envoyJWTDefaults are where Envoy's jwt_authn filter looks for a JWT when
// its provider names no location: ESPv2 gives it none when every
// x-google-jwt-locations item is a cookie or names nothing it reads
// (envoyproxy/envoy 03ec6568 source/extensions/filters/http/jwt_authn/extractor.cc
// ExtractorImpl::addProvider).
var envoyJWTDefaults = []Credential{jwtDefaults[0], jwtDefaults[2]}

// Credentials returns where requests carry the scheme's credential:
//   - apiKey: the location the scheme writes (in and name, both strings),
//     which Service Management turns into the method's API-key parameter
//     that ESP and ESPv2 read instead of their defaults (that it does so for
//     locations other than the defaults is UNVERIFIED; the rule
//     security-apikey-location warns about them); nil when in or name is not
//     a string;
//   - a JWT provider (oauth2 in 2.0; in 3.x also openIdConnect or any scheme
//     with x-google-auth): each x-google-jwt-locations (3.x:
//     x-google-auth.jwtLocations) item's header
//     (with its value_prefix) and query, as ESPv2 builds them (esp-v2
//     v2.55.7 src/go/configgenerator/filtergen/jwt_authn.go
//     processJwtLocations, which skips cookie items); ESPv2's defaults when
//     the extension is missing, empty or not a list; Envoy's when no item
//     gives a header or query;
//   - any other type: nil.
func (s *Scheme) Credentials() []Credential {
	switch {
	case s.IsAPIKey():
		in, okIn := s.In.Str()
		name, okName := s.ParamName.Str()
		if !okIn || !okName {
			return nil
		}
		return []Credential{{In: in, Name: name}}
	case s.IsOAuth2():
		items := s.JWTLocations.Items()
		if len(items) == 0 {
			return slices.Clone(jwtDefaults)
		}
		var out []Credential
		for _, it := range items {
			if h, ok := it.Get("header").Str(); ok {
				out = append(out, Credential{In: "header", Name: h, Prefix: valuePrefix(it)})
			}
			if q, ok := it.Get("query").Str(); ok {
				out = append(out, Credential{In: "query", Name: q})
			}
		}
		if len(out) == 0 {
			return slices.Clone(envoyJWTDefaults)
		}
		return out
	}
	return nil
}

// valuePrefix reads a JWT location's value_prefix (proto-JSON also accepts
// valuePrefix).
func valuePrefix(loc Value) string {
	for _, k := range [...]string{"value_prefix", "valuePrefix"} {
		if p, ok := loc.Get(k).Str(); ok {
			return p
		}
	}
	return ""
}
