package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "quota-without-api-key",
		Category: lint.CategoryExtensions,
		Severity: lint.Warning,
		Doc:      "Checks that operations with x-google-quota require an API key.",
		Details: `Quota is charged to the consumer project identified by the caller's API key. When the operation
does not require a key (no apiKey requirement in every alternative of its security), callers who send no
key are not charged and the limit does not hold for them.`,
		Sources: []lint.Source{docEndpointsQuotas, apiCompiler("aspects/auth/AuthBuilder.java", "isApiKeyRequired"), apiCompilerTest("invalid_quota.baseline")},
		Op: func(p *lint.Pass, op *spec.Op) {
			if !op.Quota.Present() || p.G.EffectiveSecurity(op).RequiresAPIKey() {
				return
			}
			p.ReportKeyAt(op.Quota, "%s has x-google-quota but does not require an API key: quota is charged to the consumer project identified by the API key, so callers who send no key are not limited; add an apiKey requirement (for example security: [{api_key: []}])", op.Where())
		},
	})
}
