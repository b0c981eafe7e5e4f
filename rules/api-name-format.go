package rules

import (
	"regexp"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// apiNameRE is api-compiler's API name pattern (ApiNameGenerator.RE_API_NAME).
var apiNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,39}$`)

func init() {
	register(&lint.Rule{
		ID:       "api-name-format",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Doc:      "Checks that x-google-api-name is a string of 1 to 40 lower-case letters and digits starting with a letter.",
		Details: `Service Management builds the API name from x-google-api-name and rejects one that does not match
[a-z][a-z0-9]{0,39} with "Invalid API name '%s' : API names much conform to %s." (the typo is
upstream's). Hyphens and underscores are not allowed. The extension is needed when several OpenAPI
files of one deploy share a host and a major version (see api-version-conflict).`,
		Sources: []lint.Source{apiCompiler("ApiNameGenerator.java", "generate"), apiCompiler("aspects/utils/VendorExtensionUtils.java", "getExtensionValue")},
		Check: func(p *lint.Pass) {
			v := p.G.APIName
			if !v.Present() {
				return
			}
			name, ok := v.Str()
			if !ok {
				reportExtensionType(p, v, "Extension %s has invalid type. Valid type is java.lang.String (found %s)", v.Key.Value, spec.Describe(v.Node))
				return
			}
			if apiNameRE.MatchString(name) {
				return
			}
			hint := ""
			if fix := apiNameFix(name); fix != "" && fix != name {
				hint = "; for example " + fix
			}
			p.ReportAt(v, "Invalid API name '%s' : API names much conform to [a-z][a-z0-9]{0,39}+. Use 1 to 40 lower-case letters and digits, starting with a letter%s", name, hint)
		},
	})
}

// apiNameFix suggests a valid API name close to s, or "".
func apiNameFix(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || (c >= '0' && c <= '9' && b.Len() > 0) {
			b.WriteRune(c)
		}
		if b.Len() == 40 {
			break
		}
	}
	return b.String()
}
