package probe

import (
	"net/url"
	"strings"
)

// Placeholder is the path segment that stands for a path parameter no
// --path-param, example, default or enum gives a value for (and for * and **).
const Placeholder = "corsgate-probe"

// expandTemplate fills a Google path template (google/api/http.proto: literal
// segments, *, **, {var}, {var=segments}, an optional :verb) with values.
// value returns the text for a variable and whether it came from the user or
// the spec; a variable without one, and every * and **, becomes Placeholder.
// It returns the escaped path and the variables that got the placeholder.
func expandTemplate(tmpl string, value func(name string) (string, bool)) (path string, placeholders []string) {
	var b strings.Builder
	rest := tmpl
	for rest != "" {
		switch {
		case rest[0] == '{':
			end := strings.IndexByte(rest, '}')
			if end < 0 { // not a template: keep the text
				b.WriteString(escapeSegment(rest))
				rest = ""
				continue
			}
			name, sub, hasSub := strings.Cut(rest[1:end], "=")
			rest = rest[end+1:]
			if v, ok := value(name); ok {
				b.WriteString(escapeVar(v, hasSub))
				continue
			}
			placeholders = append(placeholders, name)
			if hasSub {
				b.WriteString(fillWildcards(sub))
			} else {
				b.WriteString(Placeholder)
			}
		default:
			end := strings.IndexAny(rest, "/{")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 { // a '/'
				b.WriteByte('/')
				rest = rest[1:]
				continue
			}
			seg := rest[:end]
			rest = rest[end:]
			if seg == "*" || seg == "**" {
				b.WriteString(Placeholder)
			} else {
				b.WriteString(escapeSegment(seg))
			}
		}
	}
	return b.String(), placeholders
}

// fillWildcards writes the segments of a {var=…} pattern with its * and **
// replaced by the placeholder.
func fillWildcards(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if p == "*" || p == "**" {
			parts[i] = Placeholder
		} else {
			parts[i] = escapeSegment(p)
		}
	}
	return strings.Join(parts, "/")
}

// escapeSegment escapes a literal path piece, keeping ':' (verbs) and the
// sub-delimiters a template may hold.
func escapeSegment(s string) string {
	return (&url.URL{Path: s}).EscapedPath()
}

// escapeVar escapes a value for a variable: one segment ('/' escaped), or,
// for {var=…} patterns that span segments, several.
func escapeVar(v string, multi bool) string {
	if multi {
		return escapeSegment(v)
	}
	return url.PathEscape(v)
}
