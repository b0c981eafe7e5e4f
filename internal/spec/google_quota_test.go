package spec

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// quotaView is what a test compares of the quota model: each element by
// its text and pointer, so a wrong member or a wrong pointer shows.
type quotaView struct {
	Metrics []string            // "name @ pointer of name"
	Limits  []string            // "name -> metric @ pointer of metric"
	Costs   map[string][]string // operation pointer -> "metric=cost @ pointer", then the member's key and line
	Names   []string
	All     bool
}

func viewQuota(g *Google) quotaView {
	var v quotaView
	for _, m := range g.Metrics {
		v.Metrics = append(v.Metrics, m.Name.Text()+" @ "+m.Name.Ptr())
	}
	for _, l := range g.QuotaLimits {
		v.Limits = append(v.Limits, l.Name.Text()+" -> "+l.Metric.Text()+" @ "+l.Metric.Ptr()+" values "+TypeName(l.Values.Node))
	}
	for _, op := range g.Ops {
		if !op.MetricCosts.Present() {
			continue
		}
		if v.Costs == nil {
			v.Costs = map[string][]string{}
		}
		var cs []string
		op.MetricCosts.Value().Pairs(func(metric string, c Value) { cs = append(cs, metric+"="+c.Text()+" @ "+c.Ptr()) })
		v.Costs[op.Ptr] = append(cs, "in "+op.MetricCosts.Key.Value+" at "+strconv.Itoa(op.MetricCosts.Value().Pos().Line))
	}
	v.Names = g.MetricNames()
	v.All = g.AllowsAll()
	return v
}

func TestGoogleQuota(t *testing.T) {
	const head = "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\n"
	tests := []struct {
		name string
		in   string
		want quotaView
	}{
		{
			name: "documented form",
			in: head + `x-google-management:
  metrics:
  - {name: read-requests, valueType: INT64, metricKind: DELTA}
  - {name: write/requests}
  quota:
    limits:
    - {name: read-limit, metric: read-requests, unit: "1/min/{project}", values: {STANDARD: 1000}}
paths:
  /a:
    get:
      x-google-quota: {metricCosts: {read-requests: 1, write/requests: 2}}
    post:
      x-google-quota: {metric_costs: {write/requests: 5}}
    put: {}
`,
			want: quotaView{
				Metrics: []string{"read-requests @ /x-google-management/metrics/0/name", "write/requests @ /x-google-management/metrics/1/name"},
				Limits:  []string{"read-limit -> read-requests @ /x-google-management/quota/limits/0/metric values an object"},
				Costs: map[string][]string{
					"/paths/~1a/get":  {"read-requests=1 @ /paths/~1a/get/x-google-quota/metricCosts/read-requests", "write/requests=2 @ /paths/~1a/get/x-google-quota/metricCosts/write~1requests", "in metricCosts at 13"},
					"/paths/~1a/post": {"write/requests=5 @ /paths/~1a/post/x-google-quota/metric_costs/write~1requests", "in metric_costs at 15"},
				},
				Names: []string{"read-requests", "write/requests"},
			},
		},
		{
			name: "malformed items are left out, names once",
			in: head + `x-google-allow: ALL
x-google-management:
  metrics: [5, {name: a}, {name: a}, {name: 7}, {displayName: x}]
  quota: {limits: [x, {metric: a}]}
paths:
  /a:
    get:
      x-google-quota: [metricCosts]
    post:
      x-google-quota: {other: 1, metricCosts: {a: 1}}
`,
			want: quotaView{
				Metrics: []string{"a @ /x-google-management/metrics/1/name", "a @ /x-google-management/metrics/2/name",
					"7 @ /x-google-management/metrics/3/name", " @ /x-google-management/metrics/4/name"},
				Limits: []string{" -> a @ /x-google-management/quota/limits/1/metric values missing"},
				Costs:  map[string][]string{"/paths/~1a/post": {"a=1 @ /paths/~1a/post/x-google-quota/metricCosts/a", "in metricCosts at 12"}},
				Names:  []string{"a"},
				All:    true,
			},
		},
		{
			name: "aliases are followed",
			in: head + `x-google-allow: configured
x-google-management: &m
  metrics: [{name: m}]
paths:
  /a:
    get:
      x-google-quota: &q {metricCosts: &c {m: 1}}
    put:
      x-google-quota: *q
`,
			want: quotaView{
				Metrics: []string{"m @ /x-google-management/metrics/0/name"},
				Costs: map[string][]string{
					"/paths/~1a/get": {"m=1 @ /paths/~1a/get/x-google-quota/metricCosts/m", "in metricCosts at 9"},
					"/paths/~1a/put": {"m=1 @ /paths/~1a/put/x-google-quota/metricCosts/m", "in metricCosts at 9"},
				},
				Names: []string{"m"},
			},
		},
		{
			name: "management not an object",
			in:   head + "x-google-management: [metrics]\nx-google-allow: [all]\npaths: {}\n",
			want: quotaView{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("q.yaml", []byte(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, viewQuota(doc.Google())); diff != "" {
				t.Errorf("quota model (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzGoogleQuota: whatever loads builds the quota model without a panic,
// and every element's pointer names the node the element holds.
func FuzzGoogleQuota(f *testing.F) {
	for _, s := range []string{
		"swagger: \"2.0\"\nx-google-management: {metrics: [{name: a}], quota: {limits: [{metric: a, values: {STANDARD: 1}}]}}\npaths: {/a: {get: {x-google-quota: {metricCosts: {a: 1}}}}}\n",
		"swagger: \"2.0\"\nx-google-management: &m {metrics: [*m]}\npaths: {/a~b/c: {post: {x-google-quota: &q {metric_costs: {x/y: 2}}}, put: {x-google-quota: *q}}}\n",
		"swagger: \"2.0\"\nx-google-allow: all\npaths: {/a: {get: {x-google-quota: [1]}}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz", data, Options{MaxSize: 1 << 20})
		if err != nil {
			return
		}
		g := d.Google()
		same := func(what string, v Value) {
			if !v.Present() {
				return
			}
			if got := d.Node(v.Ptr()); Deref(got) != v.Node {
				t.Fatalf("%s: pointer %q names another node", what, v.Ptr())
			}
		}
		for _, m := range g.Metrics {
			same("metric", m.Value)
			same("metric name", m.Name)
		}
		for _, l := range g.QuotaLimits {
			same("limit", l.Value)
			same("limit metric", l.Metric)
			same("limit values", l.Values)
		}
		for _, op := range g.Ops {
			if c := op.MetricCosts; c.Present() {
				same("metric costs", c.Value())
			}
		}
		_ = g.MetricNames()
		_ = g.AllowsAll()
	})
}
