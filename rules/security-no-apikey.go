package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-no-apikey",
		Category: lint.CategorySecurity,
		Severity: lint.Info,
		Doc:      "Reports operations that do not require an API key, as gcloud's deploy warning does.",
		Details: `Service Management prints this warning for every such operation on deploy. It is often intended
(public or JWT-only methods); it matters when you rely on API keys for quota, analytics or to identify the
consumer project. Turn the rule off in .corsgate.yaml (security-no-apikey: off) if your API is
intentionally keyless. For an OpenAPI 3.x document the message is worded as API Gateway prints it for
one.`,
		Sources: []lint.Source{apiCompiler("aspects/auth/AuthBuilder.java", "createUsageRulePerMethod"), srcIsAPIKeyRequired},
		Op: func(p *lint.Pass, op *spec.Op) {
			if op.Path == "/**" {
				return // api-compiler skips the wildcard path
			}
			if p.G.EffectiveSecurity(op).RequiresAPIKey() {
				return
			}
			if p.G.Version.IsOpenAPI3() {
				p.ReportNode(lint.Info, op.Key, op.Ptr, "Operation '%s' in path '%s': Operation does not require an API key; callers may invoke the method without specifying an associated API-consuming project. To enable an API key, all Security Requirements Objects for the operation must reference at least one Security Scheme of type 'apiKey'. See https://swagger.io/docs/specification/v3_0/authentication/ for details.", op.Method, op.Path)
				return
			}
			p.ReportNode(lint.Info, op.Key, op.Ptr, "Operation '%s' in path '%s': Operation does not require an API key; callers may invoke the method without specifying an associated API-consuming project. To enable API key all the SecurityRequirement Objects inside security definition must reference at least one SecurityDefinition of type : 'apiKey'.", op.Method, op.Path)
		},
	})
}
