package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// metricRuleFields are the proto-JSON spellings of google.api.MetricRule.
var metricRuleFields = protoFields("metric_costs", "selector")

func init() {
	register(&lint.Rule{
		ID:       "quota-shape",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that x-google-quota is an object with metricCosts mapping metric names to non-negative integer costs.",
		Details: `x-google-quota becomes a google.api.MetricRule (proto-JSON: metricCosts or metric_costs); an unknown
key fails the deploy. It is read on operations only; at the top level or on a path item it is ignored.`,
		Sources: []lint.Source{apiCompiler("aspects/quota/MetricRuleGenerator.java", "createMetricRule"), proto("quota.proto", "MetricRule"), docEndpointsQuotas},
		Check: func(p *lint.Pass) {
			if k, _ := spec.MapGet(p.Doc.Root, "x-google-quota"); k != nil {
				p.ReportKeySeverity(lint.Warning, spec.Pointer("x-google-quota"), "x-google-quota is read on operations only; at the top level it is ignored. Move it into each operation that should consume quota")
			}
			spec.Pairs(spec.Get(p.Doc.Root, "paths"), func(pk, item *yaml.Node) {
				if k, _ := spec.MapGet(item, "x-google-quota"); k != nil {
					p.ReportKeySeverity(lint.Warning, spec.Pointer("paths", pk.Value, "x-google-quota"), "x-google-quota on the path item %q is ignored; it is read on operations only. Move it into the operations", pk.Value)
				}
			})
		},
		Op: func(p *lint.Pass, op *spec.Op) {
			q := op.Quota
			if !q.Present() || q.IsMap() && quotaOK(q.Node) {
				return // the common, valid case: no pointer to build
			}
			if !q.IsMap() {
				p.ReportKeyAt(q, "x-google-quota must be an object {metricCosts: {METRIC: COST}}, not %s", spec.TypeName(q.Node))
				return
			}
			reportUnknownProtoFields(p, q, metricRuleFields, "x-google-quota", "MetricRule")
			costs := op.MetricCosts.Value()
			switch {
			case !costs.Present():
				if len(q.Node.Content) == 0 {
					p.ReportKeyAt(q, "x-google-quota has no metricCosts; write metricCosts: {METRIC_NAME: COST}")
				}
			case !costs.IsMap():
				p.ReportAt(costs, "metricCosts must map metric names to costs, not %s", spec.TypeName(costs.Node))
			default:
				costs.Pairs(func(metric string, v spec.Value) {
					if n, ok := protoInt64(v.Node); !ok || n < 0 {
						p.ReportAt(v, "metricCosts cost for %q must be a non-negative integer, not %s", metric, spec.Describe(v.Node))
					}
				})
			}
		},
	})
}

// quotaOK reports whether an x-google-quota object is exactly
// {metricCosts|metric_costs: {NAME: non-negative integer, …}}.
func quotaOK(q *yaml.Node) bool {
	if len(q.Content) != 2 || metricRuleFields[q.Content[0].Value] != "metric_costs" {
		return false
	}
	costs := spec.Deref(q.Content[1])
	if costs == nil || costs.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(costs.Content); i += 2 {
		if n, ok := protoInt64(costs.Content[i]); !ok || n < 0 {
			return false
		}
	}
	return true
}
