package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// The proto-JSON spellings of the messages x-google-management holds.
var (
	metricFields = protoFields("name", "type", "labels", "metric_kind", "value_type", "unit",
		"description", "display_name", "metadata", "launch_stage", "monitored_resource_types")
	quotaFields      = protoFields("limits", "metric_rules")
	quotaLimitFields = protoFields("name", "description", "default_limit", "max_limit", "free_tier",
		"duration", "metric", "unit", "values", "display_name")
)

func init() {
	register(&lint.Rule{
		ID:       "management-shape",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks the shape of x-google-management: metrics with a unique name, valueType INT64 and metricKind DELTA, and quota.limits with name, metric, unit and values.STANDARD.",
		Details: `metrics become google.api.MetricDescriptor and quota becomes google.api.Quota, parsed with
proto-JSON: both metric_kind and metricKind (value_type/valueType, display_name/displayName) are
accepted, and an unknown key fails the deploy. Google documents only valueType INT64, metricKind DELTA
and the unit "1/min/{project}" for Endpoints quotas; other values of those enums, and other units, are
reported as warnings because whether Service Management rejects them is not verified.`,
		Sources: []lint.Source{apiCompilerTest("invalid_quota.baseline"), apiCompiler("aspects/quota/QuotaBuilder.java", "addFromSwagger"),
			proto("metric.proto", "MetricDescriptor"), proto("quota.proto", "QuotaLimit"), docEndpointsQuotas},
		Check: func(p *lint.Pass) {
			m := p.G.Management
			if !m.Present() {
				return
			}
			if !m.IsMap() {
				p.ReportAt(m, "x-google-management must be an object with metrics and quota, not %s", spec.TypeName(m.Node))
				return
			}
			m.Pairs(func(key string, v spec.Value) {
				if key != "metrics" && key != "quota" {
					p.ReportKeyAt(v, "x-google-management supports only metrics and quota; %q is not read by Service Management", key)
				}
			})
			checkMetricList(p, m.Get("metrics"))
			if q := m.Get("quota"); q.Present() {
				checkQuota(p, q)
			}
		},
	})
}

func checkMetricList(p *lint.Pass, ms spec.Value) {
	if !ms.Present() {
		return
	}
	if !ms.IsSeq() {
		p.ReportAt(ms, "x-google-management metrics must be a list of metric definitions, not %s", spec.TypeName(ms.Node))
		return
	}
	seen := map[string]bool{}
	for _, item := range ms.Items() {
		if !item.IsMap() {
			p.ReportAt(item, "metric definition must be an object with name, valueType and metricKind, not %s", spec.TypeName(item.Node))
			continue
		}
		reportUnknownProtoFields(p, item, metricFields, "metrics", "MetricDescriptor")
		name := protoField(item, metricFields, "name")
		s, isString := name.Str()
		switch {
		case !name.Present():
			p.ReportAt(item, "metric definition has no name; x-google-quota metricCosts and quota limits refer to metrics by name")
		case !isString || s == "":
			p.ReportAt(name, "metric name must be a non-empty string, not %s", spec.Describe(name.Node))
		case seen[s]:
			p.ReportAt(name, "metric %q is defined twice", s)
		default:
			seen[s] = true
		}
		checkMetricEnum(p, item, "value_type", "INT64", []string{"BOOL", "INT64", "DOUBLE", "STRING", "DISTRIBUTION", "MONEY"})
		checkMetricEnum(p, item, "metric_kind", "DELTA", []string{"GAUGE", "DELTA", "CUMULATIVE"})
	}
}

// checkMetricEnum checks a MetricDescriptor enum field: missing → warning
// (quota metrics are documented with it), not an enum value → error, an enum
// value other than the documented one → warning.
func checkMetricEnum(p *lint.Pass, item spec.Value, field, documented string, values []string) {
	v := protoField(item, metricFields, field)
	if !v.Present() {
		camel := field
		if i := strings.IndexByte(field, '_'); i >= 0 {
			camel = field[:i] + strings.ToUpper(field[i+1:i+2]) + field[i+2:]
		}
		p.ReportAtSeverity(lint.Warning, item, "metric definition has no %s; quota metrics are documented with %s: %s", camel, camel, documented)
		return
	}
	key := v.Key.Value
	s, ok := p.WantString(v, "%s must be the string %s", key, documented)
	if !ok || s == documented {
		return
	}
	for _, e := range values {
		if s == e {
			p.ReportAtSeverity(lint.Warning, v, "%s %s is a valid google.api.MetricDescriptor value, but Endpoints quotas are documented only with %s", key, s, documented)
			return
		}
	}
	p.ReportAt(v, "%s %q is not a google.api.MetricDescriptor value (enum values are upper case); quota metrics use %s", key, s, documented)
}

func checkQuota(p *lint.Pass, q spec.Value) {
	if !q.IsMap() {
		p.ReportAt(q, "x-google-management quota must be an object with limits, not %s", spec.TypeName(q.Node))
		return
	}
	reportUnknownProtoFields(p, q, quotaFields, "quota", "Quota")
	limits := protoField(q, quotaFields, "limits")
	if !limits.Present() {
		return
	}
	if !limits.IsSeq() {
		p.ReportAt(limits, "quota limits must be a list of {name, metric, unit, values} objects, not %s", spec.TypeName(limits.Node))
		return
	}
	for _, item := range limits.Items() {
		checkQuotaLimit(p, item)
	}
}

func checkQuotaLimit(p *lint.Pass, item spec.Value) {
	if !item.IsMap() {
		p.ReportAt(item, "quota limit must be an object with name, metric, unit and values, not %s", spec.TypeName(item.Node))
		return
	}
	reportUnknownProtoFields(p, item, quotaLimitFields, "quota", "QuotaLimit")
	for _, f := range []string{"name", "metric", "unit"} {
		v := protoField(item, quotaLimitFields, f)
		if !v.Present() {
			p.ReportAt(item, "quota limit has no %s; write name, metric, unit: 1/min/{project} and values: {STANDARD: N}", f)
			continue
		}
		if s, ok := p.WantString(v, "quota limit %s must be a string", f); ok && f == "unit" && s != "1/min/{project}" {
			p.ReportAtSeverity(lint.Warning, v, "quota limit unit %q is not the documented \"1/min/{project}\" (Endpoints quotas are per minute per consumer project; other units are not verified to work)", s)
		}
	}
	vals := protoField(item, quotaLimitFields, "values")
	switch {
	case !vals.Present():
		p.ReportAt(item, "quota limit has no values; write values: {STANDARD: N} (requests per minute per project)")
		return
	case !vals.IsMap():
		p.ReportAt(vals, "quota limit values must be an object such as {STANDARD: 1000}, not %s", spec.TypeName(vals.Node))
		return
	}
	standard := false
	vals.Pairs(func(tier string, v spec.Value) {
		if tier == "STANDARD" {
			standard = true
		}
		if n, ok := protoInt64(v.Node); !ok || n < 0 {
			p.ReportAt(v, "quota limit value for %s must be a non-negative integer, not %s", tier, spec.Describe(v.Node))
		}
	})
	if !standard {
		p.ReportKeyAtSeverity(lint.Warning, vals, "quota limit values has no STANDARD entry; Endpoints applies the STANDARD tier to API consumers")
	}
}
