package rules

import "github.com/corsgate/corsgate/internal/spec"

// Leftover of the x-google-allow rules (now allow-value.go and
// api-name-format.go).

// allowAll is used by operations.go and paths.go until they are ported: it
// reads spec.Google.AllowsAll.
func allowAll(doc *spec.Document) bool { return doc.Google().AllowsAll() }
