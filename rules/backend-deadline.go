package rules

import (
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-deadline",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		Doc:      "Checks that x-google-backend deadline is a positive number of seconds.",
		Details: `deadline is a double (seconds; default 15). A number written as a string ("7.5") is accepted by
proto-JSON and Google's own examples use it: info. 0 means the default: info. A negative value makes
ESPv2 log "Negative deadline of %v specified for method %v. Using default deadline %v instead.":
warning. Anything that is not a number fails the deploy: error.`,
		Sources: []lint.Source{espv2("src/go/configinfo/service_info.go", "ruleToBackendInfo"), espv2("src/go/util/util.go", "DefaultResponseDeadline"),
			lint.Code(lint.ESPv2, "examples/testdata/sidecar_backend/openapi_swagger.json", "")},
		Backend: func(p *lint.Pass, b *spec.Backend) {
			v := b.Field("deadline")
			if !v.Present() {
				return
			}
			n := v.Node
			if n == nil || n.Kind != yaml.ScalarNode || !(spec.IsNumber(n) || spec.IsString(n)) {
				p.ReportAt(v, "deadline must be a number of seconds such as 30.0, not %s", spec.Describe(n))
				return
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64)
			if err != nil {
				p.ReportAt(v, "deadline %q is not a number of seconds; write a number such as 30.0 (no unit)", n.Value)
				return
			}
			switch {
			case f < 0:
				method := "the top-level backend"
				if b.Op != nil {
					method = "operation '" + b.Op.Method + "' in path '" + b.Op.Path + "'"
				}
				p.ReportAtSeverity(lint.Warning, v, "Negative deadline of %v specified for method %s. Using default deadline 15s instead (ESPv2); write a positive number of seconds", f, method)
			case f == 0:
				p.ReportAtSeverity(lint.Info, v, "deadline 0 means the default deadline (15s); remove it or write the number of seconds you want")
			case spec.IsString(n):
				p.ReportAtSeverity(lint.Info, v, "deadline is written as the string %q; Service Management accepts it (proto-JSON), but a number is clearer: deadline: %v", n.Value, f)
			}
		},
	})
}
