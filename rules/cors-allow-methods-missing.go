package rules

import (
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	registerCrossCheck(&lint.Rule{
		ID:       "cors-allow-methods-missing",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_methods must list every non-safelisted method the spec uses.",
		Sources:  []lint.Source{docFetchPreflight, srcStartProxyArgs},
	}, func(c *crossPass) {
		allow := c.Policy.AllowMethods
		if strings.TrimSpace(allow) == "*" {
			return
		}
		list := parseFlagList(allow)
		var missing []string
		for _, m := range c.Needs.Methods {
			// GET, HEAD and POST are CORS-safelisted: no preflight needs them
			// listed (Fetch, CORS-preflight fetch step 7). OPTIONS is never
			// preflighted by a browser.
			switch m {
			case "GET", "HEAD", "POST", "OPTIONS":
				continue
			}
			if !list.hasMethod(m) {
				missing = append(missing, m)
			}
		}
		if len(missing) > 0 {
			c.reportFlag(cors.FlagAllowMethods, "--cors_allow_methods=%s lacks %s, which the spec uses; browsers refuse those cross-origin calls after the preflight; use --cors_allow_methods=%s",
				allow, strings.Join(missing, ", "), strings.Join(append(list.items, missing...), ", "))
		}
	})
}
