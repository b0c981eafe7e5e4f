package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-format",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that host is a bare name: no scheme, path, spaces or port.",
		Details: `The Swagger 2.0 schema requires host to match ^[^{}/ :\\]+(?::\d+)?$, and Google rejects custom
ports in host. A host that holds an unsubstituted placeholder is reported by host-service-name alone.`,
		Sources: []lint.Source{swagger2Schema("host"), docGatewayLimits},
		Check: func(p *lint.Pass) {
			h, ok := p.WantString(p.G.Service, "host must be a string")
			if !ok || placeholderRE.MatchString(h) {
				return
			}
			v := p.G.Service
			switch {
			case h == "":
				p.ReportAt(v, "host is empty; set it to the Endpoints service name, e.g. API_NAME.endpoints.PROJECT_ID.cloud.goog")
			case strings.Contains(h, "://"):
				bare := h[strings.Index(h, "://")+3:]
				if i := strings.IndexByte(bare, '/'); i >= 0 {
					bare = bare[:i]
				}
				p.ReportAt(v, "host %q must not include a scheme: write host: %s (put schemes in schemes: and the path prefix in basePath:)", h, bare)
			case strings.ContainsAny(h, "/"):
				p.ReportAt(v, "host %q must not include a path: move %q to basePath:", h, h[strings.IndexByte(h, '/'):])
			case strings.ContainsAny(h, " \t"):
				p.ReportAt(v, "host %q contains spaces; it must be a DNS name", h)
			case strings.ContainsAny(h, "{}\\"):
				p.ReportAt(v, "host %q contains characters the Swagger schema forbids ({, } or \\)", h)
			case strings.Contains(h, ":"):
				p.ReportAt(v, "host %q must not include a port: Google does not allow custom ports in host; write host: %s", h, h[:strings.IndexByte(h, ':')])
			}
		},
	})
}
