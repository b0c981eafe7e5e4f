// Package lint is the rule engine: rules, severities, diagnostics,
// configuration, and Run, which checks documents and returns sorted,
// de-duplicated diagnostics. Built-in rules live in package rules, which
// imports this package (never the reverse).
package lint

import (
	"fmt"
	"strings"
)

// Severity of a diagnostic. Higher is more severe.
type Severity int

// Severities, in increasing order. SeverityNone is only used for
// "--fail-on none" and "off" in configuration.
const (
	SeverityNone Severity = iota
	Info
	Warning
	Error
)

// String returns "error", "warning", "info" or "none".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// MarshalText makes severities print as words in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity word.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "error", "warning" (or "warn"), "info" and "none" (or "off").
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	case "none", "off":
		return SeverityNone, nil
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want error, warning, info or none)", s)
}

// Category groups rules in listings and documentation.
type Category string

// Rule categories.
const (
	CategoryInput      Category = "input"      // the file itself: parse errors, limits
	CategoryStructure  Category = "structure"  // Swagger 2.0 shape (F3–F5)
	CategoryService    Category = "service"    // host / service name (H*)
	CategoryEndpoints  Category = "endpoints"  // x-google-endpoints (E*)
	CategoryExtensions Category = "extensions" // other Google extensions
	CategoryOperations Category = "operations" // operationId (O*)
	CategoryPaths      Category = "paths"      // path templates (P*)
	CategorySecurity   Category = "security"   // auth (S*)
	CategoryBackend    Category = "backend"    // x-google-backend
	CategoryTypes      Category = "types"      // $ref and schemas (T*)
	CategoryCORS       Category = "cors"       // CORS consistency between spec and proxy
	CategoryFlags      Category = "flags"      // ESP / ESPv2 proxy flags
)

// Target is the product a spec is deployed to; some verdicts differ by product.
type Target string

// Targets.
const (
	TargetESPv2      Target = "endpoints-espv2"
	TargetESP        Target = "endpoints-esp"
	TargetAPIGateway Target = "api-gateway"
)

// Targets lists every target, default first.
var Targets = []Target{TargetESPv2, TargetESP, TargetAPIGateway}

// ParseTarget parses a target name; "" means the default.
func ParseTarget(s string) (Target, error) {
	if s == "" {
		return TargetESPv2, nil
	}
	for _, t := range Targets {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown target %q (want endpoints-espv2, endpoints-esp or api-gateway)", s)
}
