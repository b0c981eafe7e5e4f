package proxy

import (
	"fmt"
	"strings"
	"unicode"
)

// segKind is one element of a compiled path template.
type segKind uint8

const (
	segLiteral segKind = iota // a literal segment, matched byte-exactly
	segOne                    // "*" or "{var}": exactly one non-empty segment
	segMulti                  // "**" or "{var=**}": zero or more segments
)

type seg struct {
	kind segKind
	lit  string
}

// Template is a compiled Google HTTP path template (google/api/http.proto
// grammar, which ESPv2 and ESP v1 both use):
//
//	Template = "/" Segments [ Verb ] ;
//	Segments = Segment { "/" Segment } ;
//	Segment  = "*" | "**" | LITERAL | Variable ;
//	Variable = "{" FieldPath [ "=" Segments ] "}" ;
//	Verb     = ":" LITERAL ;
//
// After "**" only literal segments may follow (esp-v2 uri_template parser).
type Template struct {
	// Source is the template as written (basePath included).
	Source string
	// Display is the template as Service Management stores it in the HTTP
	// rule: variable names in snake_case (endpoints-rules.md P5). ESPv2's 405
	// message quotes this form.
	Display string
	segs    []seg
	verb    string
	multi   int // index of the segMulti segment, or -1
	root    bool
	// verbSuffix is ":" + verb; tailSuffix the literal segments after "**"
	// as "/a/b" (both precomputed so that matching allocates nothing).
	verbSuffix, tailSuffix string
}

// ParseTemplate compiles a path template.
func ParseTemplate(s string) (*Template, error) {
	if !strings.HasPrefix(s, "/") {
		return nil, fmt.Errorf("invalid uri template %s: it must start with /", s)
	}
	t := &Template{Source: s, multi: -1}
	if s == "/" {
		t.root = true
		t.Display = s
		return t, nil
	}
	body := s[1:]
	// A verb is a ":LITERAL" after the last segment, outside braces.
	if i := strings.LastIndexByte(body, ':'); i >= 0 && !strings.ContainsAny(body[i:], "/}") {
		t.verb = body[i+1:]
		body = body[:i]
	}
	var disp strings.Builder
	for len(body) > 0 || disp.Len() == 0 {
		var part string
		if strings.HasPrefix(body, "{") {
			end := strings.IndexByte(body, '}')
			if end < 0 {
				return nil, fmt.Errorf("invalid uri template %s: unclosed {", s)
			}
			part = body[:end+1]
			body = body[end+1:]
			name, sub, hasSub := strings.Cut(part[1:len(part)-1], "=")
			if name == "" {
				return nil, fmt.Errorf("invalid uri template %s: empty variable name", s)
			}
			disp.WriteString("/{" + snake(name))
			if hasSub {
				disp.WriteString("=" + sub)
				for _, p := range strings.Split(sub, "/") {
					if err := t.addSeg(p, s); err != nil {
						return nil, err
					}
				}
			} else if err := t.addSeg("*", s); err != nil {
				return nil, err
			}
			disp.WriteString("}")
		} else {
			end := strings.IndexByte(body, '/')
			if end < 0 {
				end = len(body)
			}
			part = body[:end]
			body = body[end:]
			if strings.ContainsAny(part, "{}") {
				// endpoints-rules.md P1: variables must be whole segments.
				return nil, fmt.Errorf("invalid uri template %s: a variable must be a whole segment", s)
			}
			disp.WriteString("/" + part)
			if err := t.addSeg(part, s); err != nil {
				return nil, err
			}
		}
		if body == "" {
			break
		}
		if body[0] != '/' {
			return nil, fmt.Errorf("invalid uri template %s: a variable must be a whole segment", s)
		}
		body = body[1:]
		if body == "" {
			// A trailing slash: an empty last segment, matched literally.
			disp.WriteString("/")
			t.segs = append(t.segs, seg{kind: segLiteral})
		}
	}
	if t.verb != "" {
		disp.WriteString(":" + t.verb)
		t.verbSuffix = ":" + t.verb
	}
	if t.multi >= 0 {
		for _, sg := range t.segs[t.multi+1:] {
			t.tailSuffix += "/" + sg.lit
		}
	}
	t.Display = disp.String()
	return t, nil
}

func (t *Template) addSeg(p, src string) error {
	switch p {
	case "*":
		if t.multi >= 0 {
			return fmt.Errorf("invalid uri template %s: only literal segments may follow **", src)
		}
		t.segs = append(t.segs, seg{kind: segOne})
	case "**":
		if t.multi >= 0 {
			return fmt.Errorf("invalid uri template %s: more than one **", src)
		}
		t.multi = len(t.segs)
		t.segs = append(t.segs, seg{kind: segMulti})
	default:
		if t.multi >= 0 {
			// After ** only literals may follow.
			if strings.ContainsAny(p, "*{}") {
				return fmt.Errorf("invalid uri template %s: only literal segments may follow **", src)
			}
		}
		t.segs = append(t.segs, seg{kind: segLiteral, lit: p})
	}
	return nil
}

// snake converts a camelCase path variable name to the snake_case Service
// Management writes into the HTTP rule (shelfId -> shelf_id).
func snake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxSegs is how many path segments MatchESP splits without allocating.
const maxSegs = 32

// MatchESPv2 reports whether the route ESPv2 generates for t matches path
// (Envoy's normalised :path without the query). A template without
// wildcards becomes two exact routes, the path and the path with one '/'
// added (before the verb, if any); any other becomes the regex
// ^ {"/" (literal | [^/]+ for * | .* for **)} \/? [":" verb] $
// (esp-v2 v2.55.7 src/go/configgenerator/routegen/helpers/backend_route.go,
// MakeRouteMatchers; src/go/util/httppattern/uri_template.go, Regex and
// ExactMatchString; util.go, optionalTrailingSlashRegex and the wildcard
// regexes with DisallowColonInWildcardPathSegment false, its default).
// Both forms accept the path with or without one trailing slash, so "**"
// needs the slash before it ("/files/**" does not match "/files").
func (t *Template) MatchESPv2(path string) bool {
	if t.root {
		return path == "/"
	}
	if t.verb != "" {
		if !strings.HasSuffix(path, t.verbSuffix) {
			return false
		}
		path = path[:len(path)-len(t.verbSuffix)]
	}
	if t.matchSlashes(path) {
		return true
	}
	return len(path) > 1 && path[len(path)-1] == '/' && t.matchSlashes(path[:len(path)-1])
}

// matchSlashes matches the segments of t (no verb, no optional slash)
// against path the way the regex does: a segment before "**" is one
// '/'-separated part; "**" is a '/' and then anything, after which the
// literal segments must end the path.
func (t *Template) matchSlashes(path string) bool {
	head := t.segs
	if t.multi >= 0 {
		head = t.segs[:t.multi]
	}
	rest := path
	for _, s := range head {
		if len(rest) == 0 || rest[0] != '/' {
			return false
		}
		rest = rest[1:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			j = len(rest)
		}
		if !s.match(rest[:j]) {
			return false
		}
		rest = rest[j:]
	}
	if t.multi < 0 {
		return rest == ""
	}
	return len(rest) > 0 && rest[0] == '/' && strings.HasSuffix(rest[1:], t.tailSuffix)
}

// MatchESP reports whether ESP v1's path matcher matches path (the request
// path as sent, without the query): a ":verb" after the last '/' is split
// off, the rest is split at '/', every trailing empty part is dropped (so
// "/shelves/" and "/shelves//" are "/shelves", but the verb must end the
// path), and "**" matches zero or more parts (cloudendpoints/esp
// src/api_manager/path_matcher.h, ExtractRequestParts;
// path_matcher_node.cc, LookupPath).
func (t *Template) MatchESP(path string) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	if t.verb != "" {
		if !strings.HasSuffix(path, t.verbSuffix) || strings.IndexByte(path[len(path)-len(t.verbSuffix):], '/') >= 0 {
			return false
		}
		path = path[:len(path)-len(t.verbSuffix)]
	} else {
		path = trimTrailingSlashes(path)
	}
	if t.root {
		return path == "/"
	}
	if path == "" {
		return false
	}
	var buf [maxSegs]string
	return t.matchSegs(splitPath(buf[:0], path))
}

// trimTrailingSlashes drops the slashes that end path, keeping a lone "/".
func trimTrailingSlashes(path string) string {
	for len(path) > 1 && path[len(path)-1] == '/' {
		path = path[:len(path)-1]
	}
	return path
}

// splitPath appends the segments of path (which starts with "/") to dst.
func splitPath(dst []string, path string) []string {
	rest := path[1:]
	for {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return append(dst, rest)
		}
		dst = append(dst, rest[:i])
		rest = rest[i+1:]
	}
}

func (t *Template) matchSegs(parts []string) bool {
	if t.multi < 0 {
		if len(parts) != len(t.segs) {
			return false
		}
		for i, s := range t.segs {
			if !s.match(parts[i]) {
				return false
			}
		}
		return true
	}
	head, tail := t.segs[:t.multi], t.segs[t.multi+1:]
	if len(parts) < len(head)+len(tail) {
		return false
	}
	for i, s := range head {
		if !s.match(parts[i]) {
			return false
		}
	}
	off := len(parts) - len(tail)
	for i, s := range tail {
		if !s.match(parts[off+i]) {
			return false
		}
	}
	return true
}

func (s seg) match(p string) bool {
	switch s.kind {
	case segOne:
		return p != ""
	case segLiteral:
		return p == s.lit
	}
	return true
}

// trieKey is the key ESPv2's route sorter gives a segment: the literal, or
// "*" and "**" for the wildcards (esp-v2 src/go/util/httppattern/sort_impl.go,
// transferFromUriTemplate; a verb is one more key at the end).
func (t *Template) trieKeys() []string {
	keys := make([]string, 0, len(t.segs)+1)
	for _, s := range t.segs {
		switch s.kind {
		case segOne:
			keys = append(keys, "*")
		case segMulti:
			keys = append(keys, "**")
		default:
			keys = append(keys, s.lit)
		}
	}
	if t.verb != "" {
		keys = append(keys, t.verb)
	}
	return keys
}

// keyRank orders the children of a trie node: literals first (among
// themselves by byte order), then "*", then "**".
func keyRank(k string) int {
	switch k {
	case "*":
		return 1
	case "**":
		return 2
	}
	return 0
}

// espv2Before reports whether ESPv2 puts the routes of a before those of b,
// and so names a's template in a 405 when both match (esp-v2 v2.55.7
// src/go/util/httppattern/sort_impl.go, traverse; used by
// routegen/deny_invalid_method.go). The templates sit in a trie of their
// keys, walked depth first: at each node literal children come before "*"
// and "**"; a node's own templates come before its children, except under
// "**", whose children come first ("/foo/**/bar" and "/foo/**:verb" before
// "/foo/**"). Templates on the same node come in the order of their first
// method name.
func espv2Before(a, b *pathRoute) bool {
	ka, kb := a.tmpl.trieKeys(), b.tmpl.trieKeys()
	for k := 0; ; k++ {
		underStar := k > 0 && ka[k-1] == "**"
		switch aEnd, bEnd := k == len(ka), k == len(kb); {
		case aEnd && bEnd:
			return a.firstMethod() < b.firstMethod()
		case aEnd:
			return !underStar
		case bEnd:
			return underStar
		}
		if ka[k] != kb[k] {
			ra, rb := keyRank(ka[k]), keyRank(kb[k])
			if ra != rb {
				return ra < rb
			}
			return ka[k] < kb[k]
		}
	}
}
