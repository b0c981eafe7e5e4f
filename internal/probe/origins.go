package probe

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// OriginKind says where an origin a request is sent from comes from: one the
// user gave, or a hostile variant derived from one to find the
// misconfigurations attackers use.
type OriginKind string

// Origin kinds.
const (
	// OriginGiven: an --origin value; the page that should be allowed.
	OriginGiven OriginKind = "given"
	// OriginUnrelated: a site that has nothing to do with the API.
	OriginUnrelated OriginKind = "unrelated"
	// OriginNull: the opaque origin of sandboxed iframes, data: and file:
	// pages and some redirects.
	OriginNull OriginKind = "null"
	// OriginSuffix: the allowed host with a domain appended
	// (https://app.example.com.evil.test): the server checks only that the
	// origin starts with the allowed one (a regex without $).
	OriginSuffix OriginKind = "suffix"
	// OriginPrefix: the allowed host with letters put in front
	// (https://evilapp.example.com): the server checks only that the origin
	// ends with it (a regex without ^, or an unescaped dot).
	OriginPrefix OriginKind = "prefix"
	// OriginInsecure: the http:// downgrade of an https origin, which a
	// network attacker can inject script into.
	OriginInsecure OriginKind = "insecure"
	// OriginSubdomain: a subdomain of the allowed host.
	OriginSubdomain OriginKind = "subdomain"
)

// Hostile reports whether requests from this origin should be refused.
func (k OriginKind) Hostile() bool { return k != OriginGiven }

// Origin is one origin requests are sent from.
type Origin struct {
	Value string     `json:"origin"`
	Kind  OriginKind `json:"kind"`
	// From is the given origin a hostile variant was derived from ("" for
	// given origins and for the variants every origin shares).
	From string `json:"derived_from,omitempty"`
}

// Hostile names used to build variants. They are under .test (RFC 2606),
// which no one can register.
const (
	hostileSite   = "https://corsgate-probe.evil.test"
	hostileDomain = "evil.test"
	hostileLabel  = "evil"
)

// ParseOrigin checks that s is an origin exactly as a browser serializes it
// (scheme://host[:port], lower case, no default port, no path) or "null".
func ParseOrigin(s string) error {
	if s == "null" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("origin %q: %w", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("origin %q: want scheme://host[:port] with scheme http or https", s)
	case u.Host == "" || u.User != nil:
		return fmt.Errorf("origin %q: want scheme://host[:port]", s)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return fmt.Errorf("origin %q has a path, query or trailing slash: a browser sends only scheme://host[:port]", s)
	case s != strings.ToLower(s):
		return fmt.Errorf("origin %q has upper case: a browser sends scheme and host in lower case", s)
	case !validHost(u.Hostname()):
		return fmt.Errorf("origin %q: the host is not a DNS name or an IP address", s)
	case u.Scheme == "https" && u.Port() == "443", u.Scheme == "http" && u.Port() == "80":
		return fmt.Errorf("origin %q has the scheme's default port, which a browser leaves out", s)
	}
	return nil
}

// Origins returns the given origins, then (with hostile) the variants derived
// from them: one unrelated site and null, then for each given origin its
// suffix, prefix, http:// and subdomain variants. A variant equal to a given
// origin, or to an earlier variant, is left out.
func Origins(given []string, hostile bool) []Origin {
	var out []Origin
	seen := map[string]bool{}
	add := func(o Origin) {
		if seen[o.Value] {
			return
		}
		seen[o.Value] = true
		out = append(out, o)
	}
	for _, g := range given {
		add(Origin{Value: g, Kind: OriginGiven})
	}
	if !hostile {
		return out
	}
	add(Origin{Value: hostileSite, Kind: OriginUnrelated})
	add(Origin{Value: "null", Kind: OriginNull})
	for _, g := range given {
		for _, v := range variants(g) {
			add(v)
		}
	}
	return out
}

// variants derives the host-based hostile origins of one given origin.
func variants(given string) []Origin {
	u, err := url.Parse(given)
	if err != nil || given == "null" || u.Host == "" {
		return nil
	}
	host, port := u.Hostname(), u.Port()
	join := func(scheme, h string) string {
		if port != "" {
			return scheme + "://" + net.JoinHostPort(h, port)
		}
		return scheme + "://" + h
	}
	ip := net.ParseIP(host) != nil
	var out []Origin
	if !strings.Contains(host, ":") { // not an IPv6 literal
		out = append(out, Origin{Value: join(u.Scheme, host+"."+hostileDomain), Kind: OriginSuffix, From: given})
	}
	if !ip {
		out = append(out, Origin{Value: join(u.Scheme, hostileLabel+host), Kind: OriginPrefix, From: given})
	}
	if u.Scheme == "https" {
		out = append(out, Origin{Value: join("http", host), Kind: OriginInsecure, From: given})
	}
	if !ip {
		out = append(out, Origin{Value: join(u.Scheme, hostileLabel+"."+host), Kind: OriginSubdomain, From: given})
	}
	return out
}

// validHost reports whether h is what a browser puts in an origin: a DNS
// name in ASCII (punycode), or an IP address.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
