package rules

import "strings"

// Service Management's name conversions (api-compiler a0481d5
// src/main/java/com/google/api/tools/framework/importers/swagger/aspects/
// utils/NameConverter.java): an operationId becomes a method name, a
// parameter name a request field name.

// smSanitize removes every character outside [A-Za-z0-9_]
// (NameConverter.sanitizeStringValue).
func smSanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !smWordChar(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if smWordChar(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func smWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// smMethodName is NameConverter.operationIdToMethodName: sanitise, then
// Guava's LOWER_CAMEL → UPPER_CAMEL, which (words split before each
// upper-case letter, so no word holds another upper-case letter) amounts to
// upper-casing the first character.
func smMethodName(id string) string {
	s := smSanitize(id)
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// smFieldName is NameConverter.getFieldName: sanitise, then Guava's
// LOWER_CAMEL → LOWER_UNDERSCORE: "_" before every upper-case letter except
// a leading one, and everything lower-cased ("fooBar" → "foo_bar", "FooBar"
// → "foo_bar", "userID" → "user_i_d").
func smFieldName(name string) string {
	plain := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; !smWordChar(c) || c >= 'A' && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	s := smSanitize(name)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
