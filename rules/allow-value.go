package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "allow-value",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that x-google-allow is the string all or configured.",
		Details: `api-compiler compares the value without case ("ALL" is accepted) and rejects anything else with
"Only allowed values for x-google-allow are all|configured". A non-string value (a YAML list, a
boolean) fails with "Extension x-google-allow has invalid type. Valid type is java.lang.String".
With all, Service Management adds catch-all methods on /** that carry no security; with configured
(the default) only the operations in the spec are served. x-google-allow is not supported in
OpenAPI 3.x. The verdict is the same for every target.`,
		Sources: []lint.Source{apiCompiler("aspects/ProtoApiFromOpenApi.java", "isAllowAllMethodsConfigured"),
			apiCompiler("aspects/utils/VendorExtensionUtils.java", "getExtensionValue"),
			apiCompilerTest("invalid_google_allow_extension_value.baseline")},
		Check: func(p *lint.Pass) {
			v := p.G.Allow
			if !v.Present() {
				return
			}
			s, ok := v.Str()
			if !ok {
				reportExtensionType(p, v, "Extension x-google-allow has invalid type. Valid type is java.lang.String (found %s); write x-google-allow: all or x-google-allow: configured", spec.Describe(v.Node))
				return
			}
			switch strings.ToLower(s) {
			case "all", "configured":
				return
			case "":
				p.ReportAtSeverity(lint.Warning, v, "x-google-allow is empty, which Service Management treats as not set (configured); remove it or write all or configured")
				return
			}
			hint := ""
			if sug := lint.Suggest(strings.ToLower(s), []string{"all", "configured"}); sug != "" {
				hint = "; did you mean " + sug + "?"
			}
			p.ReportAt(v, "Only allowed values for x-google-allow are all|configured (found %q)%s", s, hint)
		},
	})
}
