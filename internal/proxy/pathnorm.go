package proxy

import "strings"

// What the proxies do to the request path before they route it.
//
// ESPv2 configures Envoy's HTTP connection manager with normalize_path true,
// merge_slashes true and path_with_escaped_slashes_action KEEP_UNCHANGED by
// default (esp-v2 v2.55.7 src/go/options/configgenerator.go, NormalizePath,
// MergeSlashesInPath, DisallowEscapedSlashesInPath;
// src/go/configgenerator/filtergen/http_connection_manager.go). Envoy then,
// before any filter or route (source/common/http/conn_manager_utility.cc,
// maybeNormalizePath):
//   - rejects a :path holding '#' (http_reject_path_with_fragment);
//   - canonicalises the path part (before '?') with Chromium's URL path
//     canonicaliser (source/common/http/path_utility.cc, canonicalPath;
//     the rules are those of Chromium's url/url_canon_path.cc before
//     crbug.com/1509295, as Envoy's snapshot source/common/chromium_url has
//     them); a failure rejects the request;
//   - then merges repeated slashes (path_utility.cc, mergeSlashes).
// A rejected request gets 400 with an empty local-reply body, which ESPv2's
// JSON local_reply_config turns into {"code":400,"message":""} (the same
// mechanism gives the {"code":307,"message":""} that esp-v2's
// tests/integration_test/dynamic_routing_integration_test.go expects), and
// the normalised path is what routing sees and what the backend receives.
// ESPv2's own test TestDynamicRoutingPathPreprocessing pins the effects
// (/echo/123/../123/path/ -> /echo/123/path/, %4A and %4a -> J, %2F kept,
// repeated trailing slashes merged, the query untouched).
//
// The Envoy v1.30.7 copies of these files could not be read; the stored
// later copies of conn_manager_utility.cc and path_utility.cc and Envoy's
// Chromium snapshot were, and ESPv2's test above runs against v1.30.7.

// pathFlag is what Chromium's path canonicaliser does with one byte
// (url_canon_path.cc, kPathCharLookup).
type pathFlag uint8

const (
	pathPass     pathFlag = iota // copied as is, and kept escaped when escaped
	pathUnescape                 // copied as is, and decoded when escaped (unreserved)
	pathEscape                   // written as %XX
	pathSpecial                  // '.' and '%', handled by the loop
	pathInvalid                  // NUL: the path is rejected
)

var pathFlags = func() (t [256]pathFlag) {
	for i := range t {
		t[i] = pathEscape // controls, space and every byte >= 0x7f
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = pathUnescape
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = pathUnescape
		t[c-'a'+'A'] = pathUnescape
	}
	for _, c := range "-_~" {
		t[c] = pathUnescape
	}
	for _, c := range "!$&'()*+,/:;=@[]" {
		t[c] = pathPass
	}
	t['.'], t['%'] = pathSpecial, pathSpecial
	t[0] = pathInvalid
	// '"', '#', '<', '>', '?', '\\', '^', '`', '{', '|', '}' keep pathEscape
	// ('\\' is turned into '/' first, see canonicalPath).
	return t
}()

// envoyPath returns the path Envoy routes on and forwards for the request
// target's path part p (which starts with '/'), as ESPv2's defaults configure
// it; ok is false when Envoy rejects the request with 400. p itself is
// returned, without a copy, when nothing changes.
func envoyPath(p string) (string, bool) {
	c, ok := canonicalPath(p)
	if !ok {
		return "", false
	}
	return mergeSlashes(c), true
}

// needsCanonical reports whether canonicalPath can change p: an escape, a
// backslash, a byte Chromium escapes, or a dot right after a slash.
func needsCanonical(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch pathFlags[c] {
		case pathPass, pathUnescape:
		case pathSpecial:
			if c == '%' || i > 0 && p[i-1] == '/' {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// canonicalPath is Chromium's CanonicalizePath on an absolute path
// (url_canon_path.cc, DoPartialPath): dot segments ("." and "..", also
// written %2e) are resolved and never climb above the root, escapes of
// unreserved characters are decoded (%4A -> J), other escapes are kept
// exactly as written (%2F, %2f), a backslash becomes a slash, bytes that
// may not appear in a path are percent-encoded (upper-case hex), and an
// escaped NUL fails. Repeated slashes are left alone.
//
// An invalid escape ('%' not followed by two hex digits) never reaches the
// handler: Go's HTTP server answers such a request 400 itself. It is copied
// as Chromium copies it.
func canonicalPath(p string) (string, bool) {
	if !needsCanonical(p) {
		return p, true
	}
	out := make([]byte, 0, len(p)+8)
	ok := true
	end := len(p)
	for i := 0; i < end; i++ {
		c := p[i]
		if n := dotLen(p, i); n > 0 {
			if len(out) == 0 || out[len(out)-1] != '/' {
				out = append(out, '.') // part of a name
				i += n - 1
				continue
			}
			switch kind, used := afterDot(p, i+n); kind {
			case dotName:
				out = append(out, '.')
				i += n - 1
			case dotCurrent:
				i += n + used - 1
			case dotParent:
				out = backUpToSlash(out)
				i += n + used - 1
			}
			continue
		}
		switch pathFlags[c] {
		case pathPass, pathUnescape:
			out = append(out, c)
		case pathSpecial: // '%' that is not a dot
			v, valid := decodeEscape(p, i)
			if !valid {
				out = append(out, '%')
				continue
			}
			switch pathFlags[v] {
			case pathUnescape:
				out = append(out, v)
			case pathInvalid:
				ok = false
				out = append(out, p[i:i+3]...)
			default:
				out = append(out, p[i:i+3]...)
			}
			i += 2
		case pathInvalid:
			ok = false
			out = appendEscaped(out, c)
		default:
			if c == '\\' {
				out = append(out, '/')
				continue
			}
			out = appendEscaped(out, c)
		}
	}
	return string(out), ok
}

// dotLen is Chromium's IsDot: the length of a dot at p[i] ("." or "%2e",
// either case), or 0.
func dotLen(p string, i int) int {
	if p[i] == '.' {
		return 1
	}
	if p[i] == '%' && i+2 < len(p) && p[i+1] == '2' && (p[i+2] == 'e' || p[i+2] == 'E') {
		return 3
	}
	return 0
}

type dotKind uint8

const (
	dotName    dotKind = iota // the dot is part of a segment name
	dotCurrent                // a "." segment
	dotParent                 // a ".." segment
)

// afterDot is Chromium's ClassifyAfterDot for the input after a dot that
// follows a slash: what the dot is, and how many more bytes that takes.
func afterDot(p string, i int) (dotKind, int) {
	if i == len(p) {
		return dotCurrent, 0
	}
	if p[i] == '/' || p[i] == '\\' {
		return dotCurrent, 1
	}
	if n := dotLen(p, i); n > 0 {
		j := i + n
		if j == len(p) {
			return dotParent, n
		}
		if p[j] == '/' || p[j] == '\\' {
			return dotParent, n + 1
		}
	}
	return dotName, 0
}

// backUpToSlash drops the last segment of out, which ends with '/', keeping
// that segment's leading slash; at the root it does nothing.
func backUpToSlash(out []byte) []byte {
	i := len(out) - 1
	if i == 0 {
		return out
	}
	i--
	for i > 0 && out[i] != '/' {
		i--
	}
	return out[:i+1]
}

func decodeEscape(p string, i int) (byte, bool) {
	if i+2 >= len(p) {
		return 0, false
	}
	h, okH := unhex(p[i+1])
	l, okL := unhex(p[i+2])
	if !okH || !okL {
		return 0, false
	}
	return h<<4 | l, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func appendEscaped(out []byte, c byte) []byte {
	const hex = "0123456789ABCDEF"
	return append(out, '%', hex[c>>4], hex[c&15])
}

// mergeSlashes is Envoy's PathUtil::mergeSlashes on a path without its
// query: when it holds "//", the non-empty segments joined with one slash,
// with a leading slash if p had one and a trailing slash if p had one (so
// "//" stays "//": an empty join between the two).
func mergeSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	if strings.HasPrefix(p, "/") {
		b.WriteByte('/')
	}
	first := true
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" {
			continue
		}
		if !first {
			b.WriteByte('/')
		}
		first = false
		b.WriteString(seg)
	}
	if strings.HasSuffix(p, "/") {
		b.WriteByte('/')
	}
	return b.String()
}

// nginxRejectsPath reports whether nginx answers 400 to a request whose path
// is p, before any location or module runs (so ESP v1 never sees it): nginx
// decodes every escape, merges slashes and resolves dot segments in the URI
// it keeps for itself (ngx_http_parse_complex_uri), and a ".." that climbs
// above the root, or an escaped NUL, is a bad request. ESP's own routing
// reads the undecoded request line (cloudendpoints/esp
// src/nginx/request.cc, GetUnparsedRequestPath). Checked against Debian's
// nginx 1.22 by TestNginxAgrees.
func nginxRejectsPath(p string) bool {
	if !strings.Contains(p, "..") && !strings.Contains(p, "%") {
		return false
	}
	// seg is what the current segment is so far: segEmpty, "." (segDot),
	// ".." (segDotDot) or anything else (segName).
	const (
		segEmpty = iota
		segDot
		segDotDot
		segName
	)
	depth, seg := 0, segEmpty
	for i := 0; i <= len(p); i++ {
		c := byte('/') // the end closes the last segment
		if i < len(p) {
			c = p[i]
			if c == '%' {
				if v, ok := decodeEscape(p, i); ok {
					if v == 0 {
						return true
					}
					c = v
					i += 2
				}
			}
		}
		switch {
		case c == '/':
			switch seg {
			case segDotDot:
				depth--
			case segName:
				depth++
			}
			if depth < 0 {
				return true
			}
			seg = segEmpty
		case c == '.' && seg < segDotDot:
			seg++
		default:
			seg = segName
		}
	}
	return false
}
