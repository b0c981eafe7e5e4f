package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-auth-oneof",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend does not set both jwt_audience and disable_auth.",
		Details: `jwt_audience and disable_auth are one oneof (authentication) in google.api.BackendRule, so a rule
cannot carry both. Choose jwt_audience to send an ID token with that audience, or disable_auth: true to
forward the caller's Authorization header untouched.`,
		Sources: []lint.Source{proto("backend.proto", "BackendRule.authentication"), espv2("src/go/configinfo/service_info.go", "determineBackendAuthJwtAud")},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			aud, off := b.Field("jwt_audience"), b.Field("disable_auth")
			if !aud.Present() || !off.Present() {
				return
			}
			a, d := aud.Key.Value, off.Key.Value
			p.ReportKeyAt(off, "%s sets both %s and %s, which are one oneof in google.api.BackendRule; keep %s to send an ID token, or %s: true to forward the caller's Authorization header", b.Where(), a, d, a, d)
		},
	})
}
