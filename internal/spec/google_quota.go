package spec

import "go.yaml.in/yaml/v3"

// Quotas as Google reads them: the metrics a document defines, the quota
// limits on them, and what each operation charges. In 2.0 metrics and limits
// are lists of objects under x-google-management (api-compiler a0481d58
// importers/swagger/aspects/quota/QuotaBuilder.java) and an operation's
// x-google-quota is a google.api.MetricRule whose metricCosts maps metric
// names to costs (aspects/quota/MetricRuleGenerator.java). OpenAPI 3.x moves
// metrics and limits into maps under x-google-api-management and drops the
// metricCosts wrapper; its builder fills the same fields.

// Metric is one metric quotas count (2.0: an item of
// x-google-management.metrics).
type Metric struct {
	Value       // the definition
	Name  Value // the name quota limits and costs refer to it by
}

// QuotaLimit is one limit on a metric (2.0: an item of
// x-google-management.quota.limits).
type QuotaLimit struct {
	Value // the limit
	// Name and Metric are the limit's name and the metric it limits; Values
	// is its ceiling (2.0: a map of tiers such as {STANDARD: 1000}).
	Name, Metric, Values Value
}

// MetricNames returns the names of the defined metrics that are strings, in
// definition order (repeated names once).
func (g *Google) MetricNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range g.Metrics {
		if n, ok := m.Name.Str(); ok && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// MetricCosts maps metric names to what one call of an operation costs
// (2.0: the metricCosts member of x-google-quota; 3.x: x-google-quota
// itself). It holds nodes, so that reading it builds no JSON pointer (most
// operations carry quota); Value gives the member to report at.
type MetricCosts struct {
	// Key is the member's key (2.0: metricCosts or metric_costs); nil when
	// the costs are x-google-quota itself.
	Key *yaml.Node
	// Node is the map (aliases followed); nil when not written.
	Node *yaml.Node
	at   *yaml.Node // the value as written
	op   *Op
}

// Present reports whether the costs are written (the map may be malformed).
func (c MetricCosts) Present() bool { return c.Node != nil }

// Value returns the costs as a model value, with its pointer.
func (c MetricCosts) Value() Value {
	switch {
	case c.Node == nil:
		return Value{}
	case c.Key == nil:
		return c.op.Quota
	}
	return Value{Key: c.Key, Node: c.Node, at: c.at, parent: c.op.Quota.Ptr(), tok: c.Key.Value}
}

// metricCostKeys are the proto-JSON spellings of MetricRule.metric_costs.
var metricCostKeys = map[string]bool{"metricCosts": true, "metric_costs": true}

// quotaSwagger2 fills the metrics, the quota limits and each operation's
// metric costs of a 2.0 document. Service Management reads "metrics" and
// "quota" with exactly those keys (api-compiler
// extensions/ServiceManagementExtension.java, read with Gson); the fields
// inside are proto-JSON, where name, metric, limits and values have one
// spelling each.
func (g *Google) quotaSwagger2() {
	m := g.Management
	if m.IsMap() {
		for _, it := range m.Get("metrics").Items() {
			if it.IsMap() {
				g.Metrics = append(g.Metrics, &Metric{Value: it, Name: it.Get("name")})
			}
		}
		for _, it := range m.Get("quota").Get("limits").Items() {
			if it.IsMap() {
				g.QuotaLimits = append(g.QuotaLimits, &QuotaLimit{Value: it,
					Name: it.Get("name"), Metric: it.Get("metric"), Values: it.Get("values")})
			}
		}
	}
	for _, op := range g.Ops {
		if q := op.Quota.Node; IsMap(q) {
			for i := 0; i+1 < len(q.Content); i += 2 {
				if k := q.Content[i]; metricCostKeys[k.Value] {
					op.MetricCosts = MetricCosts{Key: k, Node: Deref(q.Content[i+1]), at: q.Content[i+1], op: op}
					break
				}
			}
		}
	}
}
