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

// maxSegs is how many path segments Match splits without allocating.
const maxSegs = 32

// Match reports whether path (the request path, without the query) matches.
func (t *Template) Match(path string) bool {
	if t.root {
		return path == "/"
	}
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	if t.verb != "" {
		if !strings.HasSuffix(path, ":"+t.verb) {
			return false
		}
		path = path[:len(path)-len(t.verb)-1]
	}
	var buf [maxSegs]string
	return t.matchSegs(splitPath(buf[:0], path))
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

// matchParts is Match for a path already split by splitPath.
func (t *Template) matchParts(path string, parts []string) bool {
	if t.root || t.verb != "" {
		return t.Match(path)
	}
	return t.matchSegs(parts)
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

// less orders templates the way ESPv2's route generator does in effect:
// more specific first (literal segments before variables before **), so that
// /shelves/special wins over /shelves/{id}. Ties keep spec order.
func (t *Template) less(o *Template) bool {
	for i := 0; i < len(t.segs) && i < len(o.segs); i++ {
		a, b := t.segs[i].kind, o.segs[i].kind
		if a != b {
			return a < b
		}
	}
	if (t.multi >= 0) != (o.multi >= 0) {
		return t.multi < 0
	}
	return false
}
