package rules

import (
	"regexp"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Root-level scalar extensions x-google-allow and x-google-api-name
// (reference endpoints-rules.md §1.3 and §1.7).

// AllowValue checks x-google-allow (§1.3).
var AllowValue = &lint.Rule{
	ID:       "allow-value",
	Ref:      "§1.3",
	Category: lint.CategoryExtensions,
	Severity: lint.Error,
	Doc:      "Checks that x-google-allow is the string all or configured.",
	Details: `api-compiler compares the value without case ("ALL" is accepted) and rejects anything else with
"Only allowed values for x-google-allow are all|configured". A non-string value (a YAML list, a
boolean) fails with "Extension x-google-allow has invalid type. Valid type is java.lang.String".
With all, Service Management adds catch-all methods on /** that carry no security; with configured
(the default) only the operations in the spec are served. x-google-allow is not supported in
OpenAPI 3.x. The verdict is the same for every target.`,
	Bad:    "x-google-allow: everything\n",
	Good:   "x-google-allow: all\n",
	Source: "api-compiler ApiFromSwagger.isAllowAllMethodsConfigured; VendorExtensionUtils (invalid type)",
	Check: func(p *lint.Pass) {
		_, v := spec.MapGet(p.Doc.Root, "x-google-allow")
		if v == nil {
			return
		}
		ptr := spec.Pointer("x-google-allow")
		v = spec.Deref(v)
		if !spec.IsString(v) {
			allowReportType(p, v, ptr, "Extension x-google-allow has invalid type. Valid type is java.lang.String (found %s); write x-google-allow: all or x-google-allow: configured", describe(v))
			return
		}
		switch strings.ToLower(v.Value) {
		case "all", "configured":
			return
		case "":
			p.ReportSeverity(lint.Warning, ptr, "x-google-allow is empty, which Service Management treats as not set (configured); remove it or write all or configured")
			return
		}
		hint := ""
		if s := lint.Suggest(strings.ToLower(v.Value), []string{"all", "configured"}); s != "" {
			hint = "; did you mean " + s + "?"
		}
		p.Report(ptr, "Only allowed values for x-google-allow are all|configured (found %q)%s", v.Value, hint)
	},
}

// allowReportType reports a wrongly typed value: at the value for scalars,
// at the key for lists and objects (whose value position is their first item).
func allowReportType(p *lint.Pass, v *yaml.Node, ptr, format string, args ...any) {
	if v.Kind == yaml.ScalarNode {
		p.Report(ptr, format, args...)
		return
	}
	p.ReportKey(ptr, format, args...)
}

// allowAPINameRE is api-compiler's API name pattern (ApiNameGenerator).
var allowAPINameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,39}$`)

// APINameFormat checks x-google-api-name (§1.7).
var APINameFormat = &lint.Rule{
	ID:       "api-name-format",
	Ref:      "§1.7",
	Category: lint.CategoryExtensions,
	Severity: lint.Error,
	Doc:      "Checks that x-google-api-name is a string of 1 to 40 lower-case letters and digits starting with a letter.",
	Details: `Service Management builds the API name from x-google-api-name and rejects one that does not match
[a-z][a-z0-9]{0,39} with "Invalid API name '%s' : API names much conform to %s." (the typo is
upstream's). Hyphens and underscores are not allowed. The extension is needed when several OpenAPI
files of one deploy share a host and a major version (see api-version-conflict).`,
	Bad:    "x-google-api-name: my-api\n",
	Good:   "x-google-api-name: myapi\n",
	Source: "api-compiler ApiNameGenerator",
	Check: func(p *lint.Pass) {
		_, v := spec.MapGet(p.Doc.Root, "x-google-api-name")
		if v == nil {
			return
		}
		ptr := spec.Pointer("x-google-api-name")
		v = spec.Deref(v)
		if !spec.IsString(v) {
			allowReportType(p, v, ptr, "Extension x-google-api-name has invalid type. Valid type is java.lang.String (found %s)", describe(v))
			return
		}
		if allowAPINameRE.MatchString(v.Value) {
			return
		}
		fix := allowAPINameFix(v.Value)
		hint := ""
		if fix != "" && fix != v.Value {
			hint = "; for example " + fix
		}
		p.Report(ptr, "Invalid API name '%s' : API names much conform to [a-z][a-z0-9]{0,39}+. Use 1 to 40 lower-case letters and digits, starting with a letter%s", v.Value, hint)
	},
}

// allowAPINameFix suggests a valid API name close to s, or "".
func allowAPINameFix(s string) string {
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

func init() {
	register(AllowValue)
	register(APINameFormat)
}
