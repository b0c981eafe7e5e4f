package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-allowcors-boolean",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Doc:      "Checks that allowCors is a real boolean, not a quoted string or a number.",
		Details: `Google documents allowCors: true. Service Management parses the entry with protobuf's JSON parser,
which also accepts the strings "true" and "false" (api-compiler's own test compiles "allowCors": "true"
to allow_cors: true), so a quoted "true" or "false" works: warning, because other tools reading the
spec (and readers) take it for a string. Any other value ("yes", "True", 1) fails the deploy: error.
Fix: lint --fix rewrites "true" and "false" as booleans. OpenAPI 3.x: allowCors on the server's
x-google-endpoint, and x-google-api-management.allowCors, read the same way (UNVERIFIED for the
latter); lint --fix rewrites both, unless the text is shared with another place through a YAML alias.`,
		Sources: []lint.Source{docEndpointsCORS, proto("endpoint.proto", "Endpoint.allow_cors"), apiCompilerTest("x_google_endpoints.baseline")},
		Fix:     "allow-cors-boolean",
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			for _, a := range e.AllowCors {
				checkAllowCorsBool(p, a)
			}
		},
		// 3.x: x-google-api-management.allowCors is parsed the same way
		// (corsgate's reading; see allowcors-agree).
		Check: func(p *lint.Pass) {
			if m := p.G.ManagementAllowCors; m.Present() {
				checkAllowCorsBool(p, m)
			}
		},
	})
}

func checkAllowCorsBool(p *lint.Pass, a spec.Value) {
	if _, ok := a.Bool(); ok {
		return
	}
	key := a.Key.Value
	if s, ok := a.Str(); ok && (s == "true" || s == "false") {
		p.ReportAtSeverity(lint.Warning, a, "%s is the string %q: Service Management accepts it as the boolean, but other tools and readers take it for a string; write %s without quotes", key, s, member(p.Doc, key, s))
		return
	}
	p.ReportAt(a, "%s must be a boolean (true or false), not %s; Service Management rejects it; write %s without quotes", key, spec.Describe(a.Node), member(p.Doc, key, "true"))
}

// member writes key: value as the document's syntax writes a member.
func member(doc *spec.Document, key, value string) string {
	if doc.Format == spec.JSON {
		return `"` + key + `": ` + value
	}
	return key + ": " + value
}
