package rules

import (
	"github.com/corsgate/corsgate/lint"
)

// API Gateway's upload limits for OpenAPI 3.x configs (API Gateway: OpenAPI
// 3.x feature limitations). "10 MB" is read as 10 MiB.
const (
	gatewayMaxBytes = 10 << 20
	gatewayMaxFiles = 50
)

func init() {
	register(&lint.Rule{
		ID:       "upload-limits",
		Category: lint.CategoryInput,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks, for target api-gateway, that an OpenAPI 3.x deployment has at most 50 files and 10 MB in total.",
		Details: `API Gateway documents these limits for OpenAPI 3.x API configs (whether Cloud Endpoints has them is
not verified, so other targets are not checked). corsgate reads 10 MB as 10 MiB.`,
		Sources: []lint.Source{docGatewayLimits3},
		CheckSet: func(p *lint.SetPass) {
			if p.Target != lint.TargetAPIGateway {
				return
			}
			for _, dep := range p.Deployments() {
				if !dep[0].Version.IsOpenAPI3() {
					continue
				}
				size := 0
				for _, d := range dep {
					size += len(d.Src)
				}
				if len(dep) > gatewayMaxFiles {
					p.For(dep[gatewayMaxFiles]).Report("", "this deployment has %d files; API Gateway accepts at most %d OpenAPI 3.x files in one API config", len(dep), gatewayMaxFiles)
				}
				if size > gatewayMaxBytes {
					p.For(dep[0]).Report("", "this deployment's files hold %d bytes; API Gateway accepts at most 10 MB of OpenAPI 3.x in one API config", size)
				}
			}
		},
	})
}
