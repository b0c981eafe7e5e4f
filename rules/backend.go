package rules

import "github.com/corsgate/corsgate/internal/spec"

// Leftovers of the x-google-backend family (now one file per rule on the
// Google model), kept for rule families not yet moved to it.

// backendKey is used by security.go (secExts) until it is ported.
const backendKey = "x-google-backend"

// beSites is used by cors.go (cors-esp-backend-routing) until it is ported:
// it reads spec.Google.Backends.
func beSites(doc *spec.Document, _ []spec.Operation) []*spec.Backend { return doc.Google().Backends }
