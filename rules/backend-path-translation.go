package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// pathTranslations are the values of google.api.BackendRule.PathTranslation
// that can be written.
var pathTranslations = []string{"APPEND_PATH_TO_ADDRESS", "CONSTANT_ADDRESS"}

func init() {
	register(&lint.Rule{
		ID:       "backend-path-translation",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend path_translation is APPEND_PATH_TO_ADDRESS or CONSTANT_ADDRESS.",
		Details: `path_translation is the enum google.api.BackendRule.PathTranslation; any other value (wrong case
included) fails proto-JSON parsing. When omitted, a top-level backend defaults to APPEND_PATH_TO_ADDRESS
and an operation-level one to CONSTANT_ADDRESS (the latter recalled from the docs, not verified).`,
		Sources: []lint.Source{proto("backend.proto", "BackendRule.PathTranslation"),
			lint.Code(lint.ESPv2, "examples/dynamic_routing/openapi_swagger.json", "")},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			v := b.Field("path_translation")
			if !v.Present() {
				return
			}
			s, isString := v.Str()
			if isString && (s == pathTranslations[0] || s == pathTranslations[1]) {
				return
			}
			hint := ""
			if isString {
				if u := strings.ToUpper(s); u == pathTranslations[0] || u == pathTranslations[1] {
					hint = "; write it in upper case: " + u
				} else if sug := lint.Suggest(u, pathTranslations); sug != "" {
					hint = "; did you mean " + sug + "?"
				}
			}
			p.ReportAt(v, "%s must be APPEND_PATH_TO_ADDRESS or CONSTANT_ADDRESS, not %s%s", v.Key.Value, spec.Describe(v.Node), hint)
		},
	})
}
