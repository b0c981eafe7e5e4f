package rules

import (
	"sort"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "quota-undefined-metric",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Doc:      "Checks that x-google-quota metricCosts and quota limits name metrics defined in x-google-management.",
		Details:  `Service Management rejects the config: "Quota Extension for method '%s' references undefined metric(s) '%s'".`,
		Sources: []lint.Source{apiCompilerTest("invalid_quota_dangling_ref.baseline"), apiCompiler("aspects/ProtoApiFromOpenApi.java", "checkMatchingMetrics"),
			lint.Code(lint.APICompiler, "src/main/java/com/google/api/tools/framework/aspects/superquota/validators/QuotaMetricsExistValidator.java", "checkMetricReferencesExist")},
		Check: func(p *lint.Pass) {
			var m *metricSet
			for _, op := range p.G.Ops {
				if !op.MetricCosts.Present() {
					continue
				}
				if m == nil {
					m = newMetricSet(p.G)
				}
				spec.Pairs(op.MetricCosts.Node, func(k, _ *yaml.Node) {
					if m.defined[k.Value] {
						return
					}
					method := op.Method + " " + op.Path
					if id, ok := op.OperationID.Str(); ok {
						method = id
					}
					p.ReportKeyAt(op.MetricCosts.Value().Get(k.Value), "Quota Extension for method '%s' references undefined metric(s) '%s'%s", method, k.Value, m.hint(k.Value))
				})
			}
			for _, l := range p.G.QuotaLimits {
				metric, ok := l.Metric.Str()
				if !ok {
					continue
				}
				if m == nil {
					m = newMetricSet(p.G)
				}
				if !m.defined[metric] {
					p.ReportAt(l.Metric, "quota limit references undefined metric '%s'%s", metric, m.hint(metric))
				}
			}
		},
	})
}

// metricSet is the metrics a document defines, for look-ups and hints.
type metricSet struct {
	defined map[string]bool
	names   []string // sorted
}

func newMetricSet(g *spec.Google) *metricSet {
	m := &metricSet{defined: map[string]bool{}, names: g.MetricNames()}
	for _, n := range m.names {
		m.defined[n] = true
	}
	sort.Strings(m.names)
	return m
}

// hint names the metric meant, or the defined ones.
func (m *metricSet) hint(name string) string {
	if len(m.names) == 0 {
		return " (x-google-management defines no metrics)"
	}
	if s := lint.Suggest(name, m.names); s != "" {
		return " (did you mean " + strconv.Quote(s) + "?)"
	}
	return " (defined: " + strings.Join(m.names, ", ") + ")"
}
