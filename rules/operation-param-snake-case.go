package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "operation-param-snake-case",
		Heavy:    true,
		Category: lint.CategoryOperations,
		Severity: lint.Error,
		Doc:      "Checks that no two parameters of one operation map to the same snake_case field name with different JSON names.",
		Details: `Service Management turns the parameters of an operation (its own and the path item's) into the
fields of one request message: the field name is the parameter name without characters outside
[A-Za-z0-9_], converted from lowerCamel to snake_case, and the JSON name is the parameter name as
written. At start-up ESPv2 maps snake_case names back to JSON names for path matching and refuses to
start when two fields of one request share a snake_case name but not a JSON name: "detected two
types with same snake_name (%s) but mistmatching json_name (%s, %s)" (the typo is upstream's).
Examples: userId and UserId, X-Request-Id and xRequestId. Only names that change when converted
count, as in ESPv2's check (foo_bar next to fooBar passes it).
Targets: error for endpoints-espv2 and api-gateway (ESPv2 data plane); warning for endpoints-esp,
which has no such start-up check (the ambiguous binding remains).`,
		Sources: []lint.Source{
			espv2("src/go/configinfo/service_info.go", "ServiceInfo.processTypes"),
			apiCompiler("aspects/utils/NameConverter.java", "getFieldName"),
			doc("GoogleCloudPlatform/esp-v2 issue #185 (snake_name collision at start-up)", "https://github.com/GoogleCloudPlatform/esp-v2/issues/185"),
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			if _, ok := op.MethodID(); !op.Converted() || !ok {
				return // not converted into a method
			}
			params := p.G.Params(op)
			if len(params) < 2 {
				return
			}
			sev := lint.Error
			if p.Target == lint.TargetESP {
				sev = lint.Warning
			}
			// ESPv2 keeps a snake → JSON name map per request type; an
			// operation has few parameters, so a slice does the job.
			var buf [8][2]string
			pairs := buf[:0]
			for _, prm := range params {
				snake := smFieldName(prm.Name)
				if snake == prm.Name {
					continue
				}
				prev, ok := "", false
				for _, pr := range pairs {
					if pr[0] == snake {
						prev, ok = pr[1], true
						break
					}
				}
				if !ok {
					pairs = append(pairs, [2]string{snake, prm.Name})
					continue
				}
				if prev != prm.Name {
					p.ReportSeverity(sev, prm.NamePtr(op), "%s: parameters %q and %q both become the request field %s: ESPv2 refuses to start with \"detected two types with same snake_name (%s) but mistmatching json_name (%s, %s)\"; rename one of them", op.Where(), prev, prm.Name, snake, snake, prm.Name, prev)
				}
			}
		},
	})
}
