package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-unknown-key",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that x-google-endpoints entries use only name, target and allowCors (or allow_cors).",
		Details: `Each entry is parsed into google.api.Endpoint with proto-JSON, so an unknown key fails the deploy
("Cannot find field"). allow_cors is accepted as the proto spelling of allowCors; Google's documentation
writes allowCors, so corsgate reports allow_cors as info (lint --fix --fix-spelling renames it). aliases
exists in the proto but is not documented for OpenAPI: warning.`,
		Sources: []lint.Source{apiCompilerTest("x_google_invalid_unknown_field.baseline"), srcExtensionProto, proto("endpoint.proto", "Endpoint")},
		Fix:     "allow-cors-spelling",
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			e.Pairs(func(key string, v spec.Value) {
				switch key {
				case "name", "target", "allowCors":
				case "allow_cors":
					p.ReportKeyAtSeverity(lint.Info, v, "allow_cors is accepted (proto field spelling), but Google's documentation writes allowCors; prefer allowCors so readers and tools recognise it")
				case "aliases":
					p.ReportKeyAtSeverity(lint.Warning, v, "aliases is not documented for OpenAPI x-google-endpoints and is not used by ESP or ESPv2; remove it")
				default:
					reportUnknownField(p, v, "x-google-endpoints", "google.api.Endpoint", []string{"name", "target", "allowCors"})
				}
			})
		},
	})
}
