package rules

import "strings"

// Service Management copies each path key (with basePath in front, path
// variables renamed to snake_case) into an HTTP rule, and ESPv2 parses it
// with Google's path-template grammar (esp-v2 v2.55.7
// src/go/util/httppattern/uri_template_parser.go, ParseUriTemplate, which
// emulates ESP's C++ path matcher; corsgate applies the same verdicts to ESP
// v1):
//
//	Template  = "/" | "/" Segments [ Verb ] ;
//	Segments  = Segment { "/" Segment } ;
//	Segment   = "*" | "**" | LITERAL | Variable ;
//	Variable  = "{" FieldPath [ "=" Segments ] "}" ;
//	FieldPath = IDENT { "." IDENT } ;
//	Verb      = ":" LITERAL ;
//
// and, after "**", only literal segments. A template that does not parse
// makes ESPv2 fail at start-up with "invalid uri template %s".

// srcURITemplate is the parser this one mirrors.
var srcURITemplate = espv2("src/go/util/httppattern/uri_template_parser.go", "ParseUriTemplate")

// templateProblem says what is wrong with a template.
type templateProblem int

const (
	templateOK            templateProblem = iota
	templatePartial                       // a variable shares its segment with other text (path-variable-segment)
	templateTrailingSlash                 // the template ends with "/" (path-trailing-slash)
	templateGreedyPlus                    // AWS-style {proxy+} (path-template-syntax)
	templateGrammar                       // anything else outside the grammar (path-template-syntax)
)

// templateVar is one template variable.
type templateVar struct {
	Name string // the field path, e.g. "id" or "book.name"
	Raw  string // as written, e.g. "{id=shelves/*}"
}

// pathTemplate is the result of parsing a path key.
type pathTemplate struct {
	Vars    []templateVar
	Kind    templateProblem
	Problem string // why, when Kind != templateOK
}

// parseTemplate parses a path key with Google's template grammar. It never
// fails: problems are returned in the result, and variables are collected on
// a best-effort basis even from broken templates (for path-params-match).
func parseTemplate(path string) pathTemplate {
	var t pathTemplate
	if path == "/" {
		return t
	}
	if !strings.HasPrefix(path, "/") {
		t.set(templateGrammar, "a template must start with /")
		return t
	}
	if strings.HasSuffix(path, "/") {
		t.set(templateTrailingSlash, "it ends with /")
	}
	afterDouble := false // a ** was seen: only literal segments may follow
	i, n := 1, len(path)
	for i <= n {
		// One segment starts at i and ends at the next '/' outside braces.
		if i == n || path[i] == '/' {
			if !(i == n && t.Kind == templateTrailingSlash) {
				t.set(templateGrammar, "it has an empty segment (//)")
			}
			i++
			continue
		}
		switch {
		case path[i] == '{':
			end := strings.IndexByte(path[i:], '}')
			if end < 0 {
				t.set(templateGrammar, "a { has no closing }")
				return t
			}
			afterDouble = t.variable(path[i:i+end+1], afterDouble)
			i += end + 1
			if i < n && path[i] != '/' && path[i] != ':' {
				t.set(templatePartial, "%s is followed by %q in the same segment", path[i-end-1:i], segmentRest(path[i:]))
				// Skip the rest of the segment, collecting its variables.
				for i < n && path[i] != '/' {
					if l := t.addVar(path[i:]); l > 0 {
						i += l
						continue
					}
					i++
				}
			}
		default:
			j := i
			for j < n && path[j] != '/' && path[j] != ':' {
				j++
			}
			seg := path[i:j]
			switch {
			case strings.ContainsAny(seg, "{}"):
				if k := strings.IndexByte(seg, '{'); k >= 0 {
					t.set(templatePartial, "%q mixes text and a variable in one segment", seg)
					// Collect the variables for path-params-match.
					for rest := seg[k:]; ; {
						a := strings.IndexByte(rest, '{')
						if a < 0 {
							break
						}
						l := t.addVar(rest[a:])
						if l == 0 {
							break
						}
						rest = rest[a+l:]
					}
				} else {
					t.set(templateGrammar, "the segment %q has a } without {", seg)
				}
			case seg == "**" || seg == "*":
				if afterDouble {
					t.set(templateGrammar, "only literal segments may follow **")
				}
				afterDouble = afterDouble || seg == "**"
			case strings.Contains(seg, "*"):
				t.set(templateGrammar, "the segment %q mixes * with text; * and ** must be whole segments", seg)
			}
			i = j
		}
		if i < n && path[i] == ':' {
			// Verb: a literal up to the end of the template.
			verb := path[i+1:]
			switch {
			case verb == "":
				t.set(templateGrammar, "the custom verb after : is empty")
			case strings.ContainsAny(verb, "/:{}"):
				t.set(templateGrammar, "a : starts a custom verb, which must be the end of the template (found %q after it)", verb)
			}
			return t
		}
		i++ // the '/'
	}
	return t
}
