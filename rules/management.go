package rules

import (
	"sort"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Quotas (reference endpoints-rules.md §1.5 and §1.6). x-google-management
// holds metrics (google.api.MetricDescriptor) and quota (google.api.Quota
// with QuotaLimit items); each operation's x-google-quota is a
// google.api.MetricRule. Service Management parses them with proto-JSON, so
// snake_case and lowerCamel spellings are both accepted and unknown keys fail
// the deploy with "Extension quota cannot be converted into proto type
// google.api.Quota. Details: Cannot find field: %s in message google.api.Quota"
// (api-compiler baseline invalid_quota).

const (
	managementKey = "x-google-management"
	quotaKey      = "x-google-quota"
)

var managementPtr = spec.Pointer(managementKey)

// mgmtFields are the proto-JSON spellings of each message's fields, mapped to
// the proto (snake_case) name.
var (
	mgmtMetricFields = mgmtSpellings("name", "type", "labels", "metric_kind", "value_type", "unit",
		"description", "display_name", "metadata", "launch_stage", "monitored_resource_types")
	mgmtQuotaFields = mgmtSpellings("limits", "metric_rules")
	mgmtLimitFields = mgmtSpellings("name", "description", "default_limit", "max_limit", "free_tier",
		"duration", "metric", "unit", "values", "display_name")
	mgmtMetricRuleFields = mgmtSpellings("metric_costs", "selector")
)

// mgmtSpellings maps snake_case names and their lowerCamel forms to the
// snake_case name.
func mgmtSpellings(names ...string) map[string]string {
	m := make(map[string]string, 2*len(names))
	for _, n := range names {
		m[n] = n
		parts := strings.Split(n, "_")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		m[strings.Join(parts, "")] = n
	}
	return m
}

func mgmtKeys(m map[string]string) []string {
	var out []string
	for k, v := range m {
		if k == v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// mgmtGet returns the key and (dereferenced) value of a field under either spelling.
func mgmtGet(n *yaml.Node, fields map[string]string, proto string) (k, v *yaml.Node) {
	n = spec.Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if fields[n.Content[i].Value] == proto {
			return n.Content[i], spec.Deref(n.Content[i+1])
		}
	}
	return nil, nil
}

// mgmtUnknownKeys reports keys of n that are not fields of message (proto name).
func mgmtUnknownKeys(p *lint.Pass, n *yaml.Node, ptr string, fields map[string]string, ext, message string) {
	spec.Pairs(n, func(k, _ *yaml.Node) {
		if _, ok := fields[k.Value]; ok {
			return
		}
		msg := "Extension %s cannot be converted into proto type google.api.%s. Details: Cannot find field: %s in message google.api.%s"
		if s := lint.Suggest(k.Value, mgmtKeys(fields)); s != "" {
			p.ReportKey(spec.Append(ptr, k.Value), msg+" (did you mean %q?)", ext, message, k.Value, message, s)
			return
		}
		p.ReportKey(spec.Append(ptr, k.Value), msg, ext, message, k.Value, message)
	})
}

// mgmtMetrics returns the names of the metrics defined in x-google-management.
func mgmtMetrics(doc *spec.Document) map[string]bool {
	names := map[string]bool{}
	_, ms := mgmtGet(spec.Get(doc.Root, managementKey), map[string]string{"metrics": "metrics"}, "metrics")
	if !spec.IsSeq(ms) {
		return names
	}
	for _, m := range ms.Content {
		if _, n := mgmtGet(m, mgmtMetricFields, "name"); spec.IsString(n) {
			names[n.Value] = true
		}
	}
	return names
}

// isInt64 reports whether n is an integer, or a string holding one (proto-JSON
// accepts int64 values as strings).
func mgmtInt64(n *yaml.Node) (int64, bool) {
	n = spec.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || !(spec.IsNumber(n) || spec.IsString(n)) {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return v, err == nil
}

// ManagementShape checks x-google-management.
var ManagementShape = &lint.Rule{
	ID:       "management-shape",
	Category: lint.CategoryExtensions,
	Severity: lint.Error,
	Doc:      "Checks the shape of x-google-management: metrics with a unique name, valueType INT64 and metricKind DELTA, and quota.limits with name, metric, unit and values.STANDARD.",
	Details: `metrics become google.api.MetricDescriptor and quota becomes google.api.Quota, parsed with
proto-JSON: both metric_kind and metricKind (value_type/valueType, display_name/displayName) are
accepted, and an unknown key fails the deploy. Google documents only valueType INT64, metricKind DELTA
and the unit "1/min/{project}" for Endpoints quotas; other values of those enums, and other units, are
reported as warnings because whether Service Management rejects them is not verified.`,
	Bad:    "x-google-management:\n  metrics:\n  - name: read-requests\n    valueType: INT64\n    metricKind: DELTA\n  quota:\n    limit:\n    - name: read-limit\n      metric: read-requests\n",
	Good:   "x-google-management:\n  metrics:\n  - name: read-requests\n    displayName: Read requests\n    valueType: INT64\n    metricKind: DELTA\n  quota:\n    limits:\n    - name: read-limit\n      metric: read-requests\n      unit: 1/min/{project}\n      values:\n        STANDARD: 1000\n",
	Source: "api-compiler baseline invalid_quota; google.api.MetricDescriptor / Quota / QuotaLimit protos; Cloud Endpoints docs, Configuring quotas",
	Check: func(p *lint.Pass) {
		_, m := spec.MapGet(p.Doc.Root, managementKey)
		if m == nil {
			return
		}
		if !spec.IsMap(m) {
			p.Report(managementPtr, "x-google-management must be an object with metrics and quota, not %s", spec.TypeName(m))
			return
		}
		spec.Pairs(m, func(k, _ *yaml.Node) {
			if k.Value != "metrics" && k.Value != "quota" {
				p.ReportKey(spec.Append(managementPtr, k.Value), "x-google-management supports only metrics and quota; %q is not read by Service Management", k.Value)
			}
		})
		mgmtCheckMetrics(p, spec.Get(m, "metrics"), spec.Append(managementPtr, "metrics"))
		if qk, q := spec.MapGet(m, "quota"); qk != nil {
			mgmtCheckQuota(p, spec.Deref(q), spec.Append(managementPtr, "quota"))
		}
	},
}

func mgmtCheckMetrics(p *lint.Pass, ms *yaml.Node, ptr string) {
	if ms == nil {
		return
	}
	if !spec.IsSeq(ms) {
		p.Report(ptr, "x-google-management metrics must be a list of metric definitions, not %s", spec.TypeName(ms))
		return
	}
	seen := map[string]bool{}
	for i, item := range spec.Deref(ms).Content {
		ip := spec.Append(ptr, strconv.Itoa(i))
		if !spec.IsMap(item) {
			p.Report(ip, "metric definition must be an object with name, valueType and metricKind, not %s", spec.TypeName(item))
			continue
		}
		mgmtUnknownKeys(p, item, ip, mgmtMetricFields, "metrics", "MetricDescriptor")
		nk, n := mgmtGet(item, mgmtMetricFields, "name")
		switch {
		case nk == nil:
			p.Report(ip, "metric definition has no name; x-google-quota metricCosts and quota limits refer to metrics by name")
		case !spec.IsString(n) || n.Value == "":
			p.Report(spec.Append(ip, nk.Value), "metric name must be a non-empty string, not %s", describe(n))
		case seen[n.Value]:
			p.Report(spec.Append(ip, nk.Value), "metric %q is defined twice", n.Value)
		default:
			seen[n.Value] = true
		}
		mgmtEnum(p, item, ip, "value_type", "INT64", []string{"BOOL", "INT64", "DOUBLE", "STRING", "DISTRIBUTION", "MONEY"})
		mgmtEnum(p, item, ip, "metric_kind", "DELTA", []string{"GAUGE", "DELTA", "CUMULATIVE"})
	}
}

// mgmtEnum checks a MetricDescriptor enum field: missing → warning (quota
// metrics are documented with it), not an enum value → error, an enum value
// other than the documented one → warning.
func mgmtEnum(p *lint.Pass, item *yaml.Node, ip, proto, documented string, values []string) {
	k, v := mgmtGet(item, mgmtMetricFields, proto)
	camel := proto
	if i := strings.IndexByte(proto, '_'); i >= 0 {
		camel = proto[:i] + strings.ToUpper(proto[i+1:i+2]) + proto[i+2:]
	}
	if k == nil {
		p.ReportSeverity(lint.Warning, ip, "metric definition has no %s; quota metrics are documented with %s: %s", camel, camel, documented)
		return
	}
	kp := spec.Append(ip, k.Value)
	if !spec.IsString(v) {
		p.Report(kp, "%s must be the string %s, not %s", k.Value, documented, describe(v))
		return
	}
	if v.Value == documented {
		return
	}
	for _, ok := range values {
		if v.Value == ok {
			p.ReportSeverity(lint.Warning, kp, "%s %s is a valid google.api.MetricDescriptor value, but Endpoints quotas are documented only with %s", k.Value, v.Value, documented)
			return
		}
	}
	p.Report(kp, "%s %q is not a google.api.MetricDescriptor value (enum values are upper case); quota metrics use %s", k.Value, v.Value, documented)
}

func mgmtCheckQuota(p *lint.Pass, q *yaml.Node, ptr string) {
	if !spec.IsMap(q) {
		p.Report(ptr, "x-google-management quota must be an object with limits, not %s", spec.TypeName(q))
		return
	}
	mgmtUnknownKeys(p, q, ptr, mgmtQuotaFields, "quota", "Quota")
	lk, limits := mgmtGet(q, mgmtQuotaFields, "limits")
	if lk == nil {
		return
	}
	lp := spec.Append(ptr, lk.Value)
	if !spec.IsSeq(limits) {
		p.Report(lp, "quota limits must be a list of {name, metric, unit, values} objects, not %s", spec.TypeName(limits))
		return
	}
	for i, item := range limits.Content {
		ip := spec.Append(lp, strconv.Itoa(i))
		if !spec.IsMap(item) {
			p.Report(ip, "quota limit must be an object with name, metric, unit and values, not %s", spec.TypeName(item))
			continue
		}
		mgmtUnknownKeys(p, item, ip, mgmtLimitFields, "quota", "QuotaLimit")
		for _, f := range []string{"name", "metric", "unit"} {
			k, v := mgmtGet(item, mgmtLimitFields, f)
			if k == nil {
				p.Report(ip, "quota limit has no %s; write name, metric, unit: 1/min/{project} and values: {STANDARD: N}", f)
				continue
			}
			if !spec.IsString(v) {
				p.Report(spec.Append(ip, k.Value), "quota limit %s must be a string, not %s", f, describe(v))
				continue
			}
			if f == "unit" && v.Value != "1/min/{project}" {
				p.ReportSeverity(lint.Warning, spec.Append(ip, k.Value), "quota limit unit %q is not the documented \"1/min/{project}\" (Endpoints quotas are per minute per consumer project; other units are not verified to work)", v.Value)
			}
		}
		vk, vals := mgmtGet(item, mgmtLimitFields, "values")
		if vk == nil {
			p.Report(ip, "quota limit has no values; write values: {STANDARD: N} (requests per minute per project)")
			continue
		}
		vp := spec.Append(ip, vk.Value)
		if !spec.IsMap(vals) {
			p.Report(vp, "quota limit values must be an object such as {STANDARD: 1000}, not %s", spec.TypeName(vals))
			continue
		}
		standard := false
		spec.Pairs(vals, func(k, v *yaml.Node) {
			if k.Value == "STANDARD" {
				standard = true
			}
			if n, ok := mgmtInt64(v); !ok || n < 0 {
				p.Report(spec.Append(vp, k.Value), "quota limit value for %s must be a non-negative integer, not %s", k.Value, describe(v))
			}
		})
		if !standard {
			p.ReportKeySeverity(lint.Warning, vp, "quota limit values has no STANDARD entry; Endpoints applies the STANDARD tier to API consumers")
		}
	}
}

// QuotaShape checks x-google-quota on operations.
var QuotaShape = &lint.Rule{
	ID:       "quota-shape",
	Category: lint.CategoryExtensions,
	Severity: lint.Error,
	Doc:      "Checks that x-google-quota is an object with metricCosts mapping metric names to non-negative integer costs.",
	Details: `x-google-quota becomes a google.api.MetricRule (proto-JSON: metricCosts or metric_costs); an unknown
key fails the deploy. It is read on operations only; at the top level or on a path item it is ignored.`,
	Bad:    "x-google-quota:\n  metricCost:\n    read-requests: 1\n",
	Good:   "x-google-quota:\n  metricCosts:\n    read-requests: 1\n",
	Source: "api-compiler MetricRuleGenerator; google.api.MetricRule proto; Cloud Endpoints docs, Configuring quotas",
	Check: func(p *lint.Pass) {
		if k, _ := spec.MapGet(p.Doc.Root, quotaKey); k != nil {
			p.ReportKeySeverity(lint.Warning, spec.Pointer(quotaKey), "x-google-quota is read on operations only; at the top level it is ignored. Move it into each operation that should consume quota")
		}
		spec.Pairs(spec.Get(p.Doc.Root, "paths"), func(pk, item *yaml.Node) {
			if k, _ := spec.MapGet(item, quotaKey); k != nil {
				p.ReportKeySeverity(lint.Warning, spec.Pointer("paths", pk.Value, quotaKey), "x-google-quota on the path item %q is ignored; it is read on operations only. Move it into the operations", pk.Value)
			}
		})
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			op := &ops[i]
			k, q := exts[i].quotaK, exts[i].quota
			if k == nil {
				continue
			}
			if spec.IsMap(q) && mgmtQuotaOK(q) {
				continue // the common, valid case: no pointer to build
			}
			ptr := spec.Append(op.Ptr, quotaKey)
			if !spec.IsMap(q) {
				p.ReportKey(ptr, "x-google-quota must be an object {metricCosts: {METRIC: COST}}, not %s", spec.TypeName(q))
				continue
			}
			mgmtUnknownKeys(p, q, ptr, mgmtMetricRuleFields, "x-google-quota", "MetricRule")
			ck, costs := mgmtGet(q, mgmtMetricRuleFields, "metric_costs")
			if ck == nil {
				if len(q.Content) == 0 {
					p.ReportKey(ptr, "x-google-quota has no metricCosts; write metricCosts: {METRIC_NAME: COST}")
				}
				continue
			}
			cp := spec.Append(ptr, ck.Value)
			if !spec.IsMap(costs) {
				p.Report(cp, "metricCosts must map metric names to costs, not %s", spec.TypeName(costs))
				continue
			}
			spec.Pairs(costs, func(mk, v *yaml.Node) {
				if n, ok := mgmtInt64(v); !ok || n < 0 {
					p.Report(spec.Append(cp, mk.Value), "metricCosts cost for %q must be a non-negative integer, not %s", mk.Value, describe(v))
				}
			})
		}
	},
}

// mgmtQuotaOK reports whether an x-google-quota object is exactly
// {metricCosts|metric_costs: {NAME: non-negative integer, …}}.
func mgmtQuotaOK(q *yaml.Node) bool {
	if len(q.Content) != 2 || mgmtMetricRuleFields[q.Content[0].Value] != "metric_costs" {
		return false
	}
	costs := spec.Deref(q.Content[1])
	if costs == nil || costs.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(costs.Content); i += 2 {
		if n, ok := mgmtInt64(costs.Content[i]); !ok || n < 0 {
			return false
		}
	}
	return true
}

// QuotaUndefinedMetric checks references to metrics.
var QuotaUndefinedMetric = &lint.Rule{
	ID:       "quota-undefined-metric",
	Category: lint.CategoryExtensions,
	Severity: lint.Error,
	Doc:      "Checks that x-google-quota metricCosts and quota limits name metrics defined in x-google-management.",
	Details:  `Service Management rejects the config: "Quota Extension for method '%s' references undefined metric(s) '%s'".`,
	Bad:      "x-google-management:\n  metrics:\n  - name: read-requests\npaths:\n  /a:\n    get:\n      x-google-quota:\n        metricCosts:\n          read-request: 1\n",
	Good:     "x-google-management:\n  metrics:\n  - name: read-requests\npaths:\n  /a:\n    get:\n      x-google-quota:\n        metricCosts:\n          read-requests: 1\n",
	Source:   "api-compiler baseline invalid_quota_dangling_ref",
	Check: func(p *lint.Pass) {
		var defined map[string]bool
		var names []string
		load := func() {
			if defined == nil {
				defined = mgmtMetrics(p.Doc)
				for n := range defined {
					names = append(names, n)
				}
				sort.Strings(names)
			}
		}
		hint := func(name string) string {
			if len(names) == 0 {
				return " (x-google-management defines no metrics)"
			}
			if s := lint.Suggest(name, names); s != "" {
				return " (did you mean " + strconv.Quote(s) + "?)"
			}
			return " (defined: " + strings.Join(names, ", ") + ")"
		}
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			op := &ops[i]
			q := exts[i].quota
			if exts[i].quotaK == nil {
				continue
			}
			ck, costs := mgmtGet(q, mgmtMetricRuleFields, "metric_costs")
			if ck == nil {
				continue
			}
			load()
			spec.Pairs(costs, func(mk, _ *yaml.Node) {
				if defined[mk.Value] {
					return
				}
				method := op.Method + " " + op.Path
				if id := spec.Deref(spec.Get(op.Node, "operationId")); spec.IsString(id) {
					method = id.Value
				}
				p.ReportKey(spec.Append(op.Ptr, quotaKey, ck.Value, mk.Value), "Quota Extension for method '%s' references undefined metric(s) '%s'%s", method, mk.Value, hint(mk.Value))
			})
		}
		_, limits := mgmtGet(spec.Get(spec.Get(p.Doc.Root, managementKey), "quota"), mgmtQuotaFields, "limits")
		if !spec.IsSeq(limits) {
			return
		}
		lk, _ := mgmtGet(spec.Get(spec.Get(p.Doc.Root, managementKey), "quota"), mgmtQuotaFields, "limits")
		for i, item := range limits.Content {
			mk, m := mgmtGet(item, mgmtLimitFields, "metric")
			if mk == nil || !spec.IsString(m) {
				continue
			}
			load()
			if defined[m.Value] {
				continue
			}
			p.Report(spec.Append(managementPtr, "quota", lk.Value, strconv.Itoa(i), mk.Value), "quota limit references undefined metric '%s'%s", m.Value, hint(m.Value))
		}
	},
}

// QuotaWithoutAPIKey warns about quota on operations callers may invoke without an API key.
var QuotaWithoutAPIKey = &lint.Rule{
	ID:       "quota-without-api-key",
	Category: lint.CategoryExtensions,
	Severity: lint.Warning,
	Doc:      "Checks that operations with x-google-quota require an API key.",
	Details: `Quota is charged to the consumer project identified by the caller's API key. When the operation
does not require a key (no apiKey requirement in every alternative of its security), callers who send no
key are not charged and the limit does not hold for them.`,
	Bad:    "paths:\n  /a:\n    get:\n      security: []\n      x-google-quota:\n        metricCosts: {read-requests: 1}\n",
	Good:   "paths:\n  /a:\n    get:\n      security:\n      - api_key: []\n      x-google-quota:\n        metricCosts: {read-requests: 1}\n",
	Source: "Cloud Endpoints docs, Configuring quotas (quota is per consumer project, identified by API key); api-compiler AuthBuilder.isApiKeyRequired",
	Check: func(p *lint.Pass) {
		var defs secDefs
		scope := secRootScope(p.Doc)
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			op := &ops[i]
			if exts[i].quotaK == nil {
				continue
			}
			if defs == nil {
				defs = secDefinitions(p.Doc)
			}
			list, _ := scope.effective(&exts[i])
			if secRequiresAPIKey(list, defs) {
				continue
			}
			p.ReportKey(spec.Append(op.Ptr, quotaKey), "Operation '%s' in path '%s' has x-google-quota but does not require an API key: quota is charged to the consumer project identified by the API key, so callers who send no key are not limited; add an apiKey requirement (for example security: [{api_key: []}])", op.Method, op.Path)
		}
	},
}

func init() {
	for _, r := range []*lint.Rule{ManagementShape, QuotaShape, QuotaUndefinedMetric, QuotaWithoutAPIKey} {
		register(r)
	}
}
