package rules

import "strings"

// typesUnescape unescapes one JSON pointer token (~1 → /, ~0 → ~).
func typesUnescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}
