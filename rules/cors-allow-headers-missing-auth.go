package rules

import (
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	registerCrossCheck(&lint.Rule{
		ID:       "cors-allow-headers-missing-auth",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_headers must list the API-key header and Authorization the spec needs.",
		Sources:  []lint.Source{docFetchPreflight, srcStartProxyArgs, srcStartESPArgs},
	}, func(c *crossPass) {
		allow := c.Policy.AllowHeaders
		if strings.TrimSpace(allow) == "*" {
			return
		}
		need := c.Needs.APIKeyHeaders
		if c.Needs.Authorization {
			need = append(need[:len(need):len(need)], "Authorization")
		}
		missing := parseFlagList(allow).missingHeaders(need)
		if len(missing) > 0 {
			c.reportFlag(cors.FlagAllowHeaders, "--cors_allow_headers=%s lacks %s, which the spec's %s make browsers send; the preflight fails for those requests; use --cors_allow_headers=%s",
				allow, strings.Join(missing, ", "), securityDefs(c.Docs[0].Google()), withItems(allow, missing, ","))
		}
	})
}
