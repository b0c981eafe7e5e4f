package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-apikey-or",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Doc:      "Checks that an API key requirement is not OR-ed with an alternative that has no API key.",
		Details: `Cloud Endpoints and API Gateway document OR-ing an API key with another requirement as unsupported.
Service Management does not reject it: it marks the method "API key not required" as soon as one
alternative lacks an API key, so the key is silently not enforced for anyone (api-compiler's own test
oauth_in_security converts such a spec without an error): warning, since the deploy succeeds but the key
does not do what it says. To require both, put them in one requirement object (API key AND a JWT is
supported); to require only the JWT, drop the key.`,
		Sources: []lint.Source{docEndpointsLimits, docGatewayLimits, srcIsAPIKeyRequired, apiCompilerTest("oauth_in_security.baseline")},
		SecList: func(p *lint.Pass, l *spec.SecList) {
			if len(l.Reqs) < 2 {
				return
			}
			keyIdx, without := -1, ""
			for i, r := range l.Reqs {
				hasKey := r.Has((*spec.Scheme).IsAPIKey)
				switch {
				case hasKey && keyIdx < 0:
					keyIdx = i
				case !hasKey && len(r.Names) > 0 && without == "":
					without = strings.Join(r.NameList(), "+") // {} is security-empty-requirement's case
				}
			}
			if keyIdx < 0 || without == "" {
				return
			}
			p.ReportAt(requirement(l, keyIdx), "%s: the API key requirement %s is OR-ed with %q, which has no API key. Service Management then treats the API key as not required (callers who send only %s bypass it), and OR with an API key is documented as unsupported; put the schemes in one requirement object (API key AND the other) or remove the API key alternative",
				l.Where(), quoteList(l.Reqs[keyIdx].NameList()), without, without)
		},
	})
}
