package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
)

// What a browser preflight can carry. A preflight keeps the URL, query
// string included, but never sends the Authorization header, custom headers
// such as x-api-key, or cookies (Fetch standard, CORS-preflight request).

// appCredentials remembers, per scheme, where a browser app sends its
// credential (a document has a few schemes and many security lists).
type appCredentials map[*spec.Scheme][]spec.Credential

// of returns where a browser app sends a scheme's credential: where the
// scheme says; for a JWT provider that names no location, the Authorization
// header only. ESP/ESPv2 also read their other default places
// (X-Goog-Iap-Jwt-Assertion, which IAP sets and browsers do not, and
// ?access_token=, which apps seldom use), but counting those would call
// every preflight able to pass.
func (a appCredentials) of(s *spec.Scheme) []spec.Credential {
	if cs, ok := a[s]; ok {
		return cs
	}
	cs := s.Credentials()
	out := cs[:0]
	for _, c := range cs {
		if !c.Default || strings.EqualFold(c.Name, "Authorization") {
			out = append(out, c)
		}
	}
	a[s] = out
	return out
}

// needsHeader reports whether a browser app cannot send the scheme's
// credential in the query string (a header or a cookie, which a preflight
// does not send either). Undefined and unsupported schemes are
// dropped by Service Management (security-undefined and
// security-scheme-unsupported report them), so they ask for nothing.
func (a appCredentials) needsHeader(s *spec.Scheme) bool {
	if !s.IsAPIKey() && !s.IsOAuth2() {
		return false
	}
	for _, c := range a.of(s) {
		if c.InQuery() {
			return false
		}
	}
	return true
}

// preflightCanPass reports whether some alternative of a security list can
// be satisfied by a preflight: every scheme it names sends its credential in
// the query string. No list, or an empty one, asks for nothing.
func (a appCredentials) preflightCanPass(l *spec.SecList) bool {
	if l == nil || len(l.Reqs) == 0 {
		return true
	}
	for _, r := range l.Reqs {
		if !r.Has(a.needsHeader) {
			return true
		}
	}
	return false
}
