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

// quotaOpenAPI3 fills the metrics, the quota limits and each operation's
// metric costs of a 3.x document: metrics and quota.limits are maps keyed by
// name under x-google-api-management, and x-google-quota maps metric names
// to costs itself, without the metricCosts wrapper (Endpoints: "Modify Cloud
// Endpoints to use OpenAPI 3.x"; reference openapi3.md §2.3.1, §2.3.2 and
// §2.6, the x-google-quota shape UNVERIFIED beyond that page's sentence).
// A metric's or a limit's name is its key: Name holds the key node.
func (g *Google) quotaOpenAPI3() {
	named := func(parent Value, name string) Value {
		k, _ := MapGet(parent.Node, name)
		return Value{Node: k, at: k, parent: parent.Ptr(), tok: name}
	}
	metrics := g.Management.Get("metrics")
	metrics.Pairs(func(name string, v Value) {
		g.Metrics = append(g.Metrics, &Metric{Value: v, Name: named(metrics, name)})
	})
	limits := g.Management.Get("quota").Get("limits")
	limits.Pairs(func(name string, v Value) {
		if v.IsMap() {
			g.QuotaLimits = append(g.QuotaLimits, &QuotaLimit{Value: v,
				Name: named(limits, name), Metric: v.Get("metric"), Values: v.Get("values")})
		}
	})
	for _, op := range g.Ops {
		if q := op.Quota; q.IsMap() {
			op.MetricCosts = MetricCosts{Node: q.Node, at: q.Written(), op: op}
		}
	}
}

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
			for k, v := range Members(q) {
				if metricCostKeys[k.Value] {
					op.MetricCosts = MetricCosts{Key: k, Node: Deref(v), at: v, op: op}
					break
				}
			}
		}
	}
}
