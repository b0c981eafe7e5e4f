package cors

import (
	"net/url"
	"strings"
)

// The analyses of origin values that lint's flag rules and serve's checker
// both make, in one place so that they cannot disagree.

// OriginProblem says how an --cors_allow_origin value differs from a
// serialized origin (Fetch "serialization of an origin": scheme://host[:port],
// lower case, no default port, no path, slash or user info), which is what
// browsers send and what the proxy compares byte for byte. why is "" when
// the value is one (or is *, null, or empty); want is the serialized origin
// to write instead, or "" when none can be derived. Surrounding quotes and
// spaces are left to their own checks.
func OriginProblem(o string) (why, want string) {
	t := strings.Trim(strings.TrimSpace(o), `"'`)
	if t == "" || t == "null" || t == wildcard {
		return "", ""
	}
	if strings.ContainsAny(t, ", \t") {
		return "holds several origins: ESPv2 matches it as one exact string, which no browser sends (and ESP sends it as several values, which browsers refuse); use --cors_preset=cors_with_regex with ^(https://a\\.example|https://b\\.example)$", ""
	}
	u, err := url.Parse(t)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return "is not an origin: browsers send scheme://host[:port], e.g. https://" + strings.TrimPrefix(t, "//"), ""
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	scheme := strings.ToLower(u.Scheme)
	want = scheme + "://" + host
	defaultPort := port == "80" && scheme == "http" || port == "443" && scheme == "https"
	if port != "" && !defaultPort {
		want += ":" + port
	}
	var reasons []string
	if u.Path == "/" && u.RawQuery == "" && u.Fragment == "" {
		reasons = append(reasons, "ends with a slash")
	} else if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		reasons = append(reasons, "has a path")
	}
	if u.User != nil {
		reasons = append(reasons, "has user info")
	}
	// url.Parse lower-cases the scheme: look at the text as written.
	head := t
	if i := strings.Index(t, "://"); i >= 0 {
		if j := strings.IndexAny(t[i+3:], "/?#"); j >= 0 {
			head = t[:i+3+j]
		}
	}
	if strings.ToLower(head) != head {
		reasons = append(reasons, "has upper case")
	}
	if defaultPort {
		reasons = append(reasons, "names the default port")
	}
	if len(reasons) == 0 {
		return "", ""
	}
	return strings.Join(reasons, " and "), want
}

// UnescapedHostDot returns the byte offset of the first unescaped '.' in
// the host part of an origin regex that stands for a literal dot, or -1. A
// dot followed by a quantifier (.*, .+, .?, .{n}) and a dot in a bracket
// class are deliberate; any other unescaped dot matches any character, so
// look-alike hosts (exampleXcom for example.com, wwwXexample.com for
// (www.)?example.com) are allowed too.
func UnescapedHostDot(re string) int {
	start := 0
	if k := strings.Index(re, "://"); k >= 0 {
		start = k + 3
	} else if k := strings.Index(re, `:\/\/`); k >= 0 {
		start = k + 5
	}
	inClass := false
	for i := 0; i < len(re); i++ {
		switch ch := re[i]; {
		case ch == '\\':
			i++
		case inClass:
			if ch == ']' {
				inClass = false
			}
		case ch == '[':
			inClass = true
		case i < start:
		case ch == '/':
			return -1 // the host part ended (an origin has no path)
		case ch == '.':
			if i+1 < len(re) && strings.IndexByte("*+?{", re[i+1]) >= 0 {
				continue
			}
			return i
		}
	}
	return -1
}
