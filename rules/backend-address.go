package rules

import (
	"net/netip"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-address",
		Heavy:    true,
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend address is an https URL (http only for local or private backends, never grpc).",
		Details: `ESPv2 parses the address at start-up: the scheme must be http, https, grpc or grpcs ("unknown
backend scheme [%s], should be one of "http(s)" or "grpc(s)""), and a grpc scheme on an OpenAPI (HTTP)
operation stops it ("gRPC protocol conflicted with http backend"). Without a scheme ESPv2 assumes https
(info). http:// to a public host sends traffic unencrypted, and serverless backends (Cloud Run, Cloud
Functions, App Engine) expect https: warning; http to loopback, private addresses and single-label or
cluster-internal names is not reported. Unsubstituted placeholders such as ${backend_url} or
https://REGION-PROJECT_ID.cloudfunctions.net are reported as warnings (templates are often linted before
substitution).`,
		Sources: []lint.Source{espv2("src/go/util/url_util.go", "ParseURI"), espv2("src/go/util/url_util.go", "ParseBackendProtocol"),
			espv2("src/go/configinfo/service_info.go", "addBackendRuleToMethod"),
			doc("Cloud Endpoints: Troubleshooting response errors", "https://cloud.google.com/endpoints/docs/openapi/troubleshoot-response-errors")},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			v := b.Address()
			s, ok := p.WantString(v, "x-google-backend address must be a string URL such as https://backend.example.com")
			if !ok {
				return
			}
			addr := strings.TrimSpace(s)
			if m := findPlaceholder(addr); m != "" {
				p.ReportAtSeverity(lint.Warning, v, "x-google-backend address %q still holds the placeholder %q; substitute the real backend URL before deploy", addr, m)
				return
			}
			scheme, host := splitAddress(addr)
			switch scheme {
			case "https":
			case "":
				p.ReportAtSeverity(lint.Info, v, "x-google-backend address %q has no scheme; ESPv2 assumes https (port 443). Write https://%s to make it explicit", addr, addr)
			case "http":
				if localHost(host) {
					break
				}
				extra := ""
				if strings.HasSuffix(host, ".run.app") || strings.HasSuffix(host, ".cloudfunctions.net") || strings.HasSuffix(host, ".appspot.com") {
					extra = "; Cloud Run, Cloud Functions and App Engine backends must be called with https://"
				}
				p.ReportAtSeverity(lint.Warning, v, "x-google-backend address %q uses http://: traffic to %s and the ID token ESPv2 attaches travel unencrypted%s. Use https://", addr, host, extra)
			case "grpc", "grpcs":
				p.ReportAt(v, "x-google-backend address %q uses %s://, but OpenAPI operations are HTTP; ESPv2 fails at start-up with \"gRPC protocol conflicted with http backend; this is an API compiler bug\". Use https:// (or http://)", addr, scheme)
			default:
				p.ReportAt(v, "unknown backend scheme [%s], should be one of \"http(s)\" or \"grpc(s)\" (address %q); ESPv2 refuses to start", scheme, addr)
			}
			if scheme != "" && host == "" {
				p.ReportAt(v, "x-google-backend address %q has no host name", addr)
			}
		},
	})
}

// localHost reports whether host is loopback or obviously private, where
// plain http is normal (sidecars, cluster-internal services).
func localHost(host string) bool {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast()
	}
	h = strings.ToLower(h)
	return h == "localhost" || !strings.Contains(h, ".") || strings.HasSuffix(h, ".local") ||
		strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".svc")
}

// splitAddress splits an address into scheme (lower case, "" when absent)
// and host (without port), the parts ESPv2's ParseURI checks.
func splitAddress(addr string) (scheme, host string) {
	rest := addr
	if i := strings.Index(addr, "://"); i >= 0 {
		scheme, rest = strings.ToLower(addr[:i]), addr[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	host = rest
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i >= 0 {
			return scheme, host[:i+1]
		}
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return scheme, host
}

// findPlaceholder returns the placeholder in addr, if any. Every
// placeholderRE alternative needs $, {, < or an upper-case letter, so most
// addresses skip the (backtracking) regexp.
func findPlaceholder(addr string) string {
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; c == '$' || c == '{' || c == '<' || 'A' <= c && c <= 'Z' {
			return placeholderRE.FindString(addr)
		}
	}
	return ""
}
