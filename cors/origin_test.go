package cors

import (
	"strings"
	"testing"
)

// TestOriginProblem: the one analysis of an --cors_allow_origin value, used
// by lint's flags-origin-not-serialized and serve's checker alike.
func TestOriginProblem(t *testing.T) {
	for in, want := range map[string][2]string{
		"*":                             {"", ""},
		"null":                          {"", ""},
		"":                              {"", ""},
		"https://app.example.com":       {"", ""},
		"http://127.0.0.1:8001":         {"", ""},
		"https://app.example.com:8443":  {"", ""},
		`"https://a.test"`:              {"", ""}, // quotes: flags-value-quoted's
		"https://a.test,https://b.test": {"holds several origins", ""},
		"https://a.test https://b.test": {"holds several origins", ""},
		"https://app.example.com/":      {"ends with a slash", "https://app.example.com"},
		"https://app.example.com/x":     {"has a path", "https://app.example.com"},
		"https://App.example.com":       {"has upper case", "https://app.example.com"},
		"https://app.example.com:443":   {"names the default port", "https://app.example.com"},
		"http://app.example.com:80":     {"names the default port", "http://app.example.com"},
		"https://user@a.example.com":    {"has user info", "https://a.example.com"},
		"HTTPS://[::1]:443/":            {"ends with a slash and has upper case and names the default port", "https://[::1]"},
		"app.example.com":               {"is not an origin", ""},
	} {
		why, fix := OriginProblem(in)
		if !strings.HasPrefix(why, want[0]) || (want[0] == "") != (why == "") || fix != want[1] {
			t.Errorf("OriginProblem(%q) = %q, %q; want %q, %q", in, why, fix, want[0], want[1])
		}
	}
}

// TestUnescapedHostDot: the one analysis of dots in an origin regex, used
// by lint's flags-regex-unescaped-dot and serve's checker alike (they once
// disagreed on (www.)?).
func TestUnescapedHostDot(t *testing.T) {
	for in, want := range map[string]int{
		`https://app.example.com`:                 11,
		`^https://app\.example\.com$`:             -1,
		`^https://.*\.example\.com$`:              -1,
		`^https://[a-z.]+\.example\.com$`:         -1,
		`https?://(www\.)?example.com`:            24,
		`^https://(www.)?example\.com$`:           13,
		`https://app\.example\.com/x.y`:           -1,
		`localhost.test`:                          9,
		`^https:\/\/app.example\.com$`:            14,
		`^https://[a-z0-9-]{1,63}\.example\.com$`: -1,
		`^https://a.{2}\.example\.com$`:           -1,
	} {
		if got := UnescapedHostDot(in); got != want {
			t.Errorf("UnescapedHostDot(%q) = %d, want %d", in, got, want)
		}
	}
}
