package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-protocol",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend protocol is http/1.1 or h2 (any case) when set.",
		Details:  `ESPv2 refuses to start on any other value: "unknown backend http protocol [%s], should be one of "http/1.1", "h2", or not set".`,
		Sources:  []lint.Source{espv2("src/go/util/url_util.go", "ParseBackendProtocol"), proto("backend.proto", "BackendRule.protocol")},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			v := b.Field("protocol")
			s, ok := p.WantString(v, `protocol must be the string "http/1.1" or "h2"`)
			if !ok {
				return
			}
			switch strings.ToLower(s) {
			case "http/1.1", "h2", "":
				return
			}
			p.ReportAt(v, "unknown backend http protocol [%s], should be one of \"http/1.1\", \"h2\", or not set; ESPv2 refuses to start", s)
		},
	})
}
