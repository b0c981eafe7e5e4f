package rules

import "github.com/corsgate/corsgate/cors"

// The proxy-flag rules (flags-*) and the spec × flags cross-checks (cors-*)
// live in package cors, which produces their diagnostics (cors.LintFlags);
// they are registered here so `corsgate rules`, configuration and inline
// suppression know them.
func init() {
	for _, r := range cors.FlagRules {
		register(r)
	}
}
