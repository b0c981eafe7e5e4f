package transform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

// toOpenAPI3Inputs are the Swagger 2.0 specs the conversion is checked on:
// the repository's samples and the real-world corpus next to the repository
// (a subtest that skips visibly, or fails with CI=true, without it).
func toOpenAPI3Inputs(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "specs", "*.yaml"))
	t.Run("real-world corpus", func(t *testing.T) {
		corpus, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "corpus", "real-world"), "*.*"))
		files = append(files, corpus...)
	})
	return files
}

// TestToOpenAPI3SameModel converts each spec and checks that the 3.x
// document says the same to Google: the model built from it (service name,
// base path, pass-through, operations with their security, backend address
// and path translation, parameters, quota costs) and what CORS needs from
// it (cors.Needs) equal the 2.0 document's; and that lint reports the same
// findings (rule and severity) for every rule that applies to both versions.
func TestToOpenAPI3SameModel(t *testing.T) {
	tr, _ := ByName("to-openapi3")
	converted := 0
	for _, f := range toOpenAPI3Inputs(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(filepath.Base(f), src, spec.Options{})
		if err != nil || doc.Version != spec.Swagger2 {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			res, err := tr.Run(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			doc3, err := spec.Parse(doc.Name, res.Out, spec.Options{})
			if err != nil {
				t.Fatalf("converted document does not load: %v\n%s", err, res.Out)
			}
			if doc3.Version != spec.OpenAPI30 {
				t.Fatalf("converted document is %v", doc3.Version)
			}
			converted++
			if d := cmp.Diff(modelFacts(doc), modelFacts(doc3)); d != "" {
				t.Errorf("the 3.x document says something else to Google (-2.0 +3.x):\n%s", d)
			}
			dep := spec.Deployment{Gateway: !doc.Google().Service.Present()}
			n2, n3 := cors.Needs(doc, dep), cors.Needs(doc3, dep)
			n2.AllowCorsPtr, n3.AllowCorsPtr, n2.GrpcWebPtr, n3.GrpcWebPtr = "", "", "", ""
			if d := cmp.Diff(n2, n3); d != "" {
				t.Errorf("CORS needs differ (-2.0 +3.x):\n%s", d)
			}
			if len(res.Notes) > 0 {
				t.Logf("not carried over, so findings may differ: %q", res.Notes)
				return
			}
			if d := cmp.Diff(sharedFindings(t, doc), sharedFindings(t, doc3)); d != "" {
				t.Errorf("lint findings of rules for both versions differ (-2.0 +3.x):\n%s\n%s", d, res.Out)
			}
			again, err := tr.Run(doc3, Options{})
			if err != nil || again.Changed {
				t.Errorf("converting a 3.x document must change nothing: %v", err)
			}
		})
	}
	if converted == 0 {
		t.Fatal("no document was converted; the test checks nothing")
	}
}

// modelFacts renders what Google reads from a document, version-neutrally.
func modelFacts(d *spec.Document) []string {
	g := d.Google()
	out := []string{"service " + strings.ToLower(g.ServiceName), "base " + g.BasePathText}
	ep, _ := g.PassThrough(spec.Deployment{Gateway: g.ServiceName == ""})
	out = append(out, fmt.Sprintf("pass-through %v", ep != nil))
	for _, op := range g.Ops {
		line := fmt.Sprintf("%s %s id=%s", op.Method, op.Path, op.OperationID.Text())
		if l := g.EffectiveSecurity(op); l != nil {
			var reqs []string
			for _, r := range l.Reqs {
				reqs = append(reqs, strings.Join(r.NameList(), "+"))
			}
			line += fmt.Sprintf(" security=%q key=%v", reqs, l.RequiresAPIKey())
		}
		if b := g.EffectiveBackend(op); b != nil {
			pt := b.Field("path_translation").Text()
			if pt == "" && b.Address().Present() {
				pt = "APPEND_PATH_TO_ADDRESS"
				if op.Backend != nil {
					pt = "CONSTANT_ADDRESS" // the Swagger 2.0 default on an operation
				}
			}
			line += " backend=" + b.Address().Text() + " " + pt
		}
		var params []string
		for _, p := range g.Params(op) {
			if p.In != "body" && p.In != "formData" {
				params = append(params, p.In+":"+p.Name)
			}
		}
		sort.Strings(params)
		line += fmt.Sprintf(" params=%v", params)
		q := op.Quota
		if costs := q.Get("metricCosts"); costs.Present() {
			q = costs
		}
		line += " quota=" + flatJSON(q)
		out = append(out, line)
	}
	return out
}

func flatJSON(v spec.Value) string {
	if !v.Present() {
		return ""
	}
	x, err := spec.JSONValue(v.Node)
	if err != nil {
		return "?"
	}
	return fmt.Sprint(x)
}

// sharedFindings lints a document and keeps the rule and severity of the
// findings of rules that apply to both versions (on the model). A quoted
// allowCors is the one finding the conversion fixes instead of carrying.
func sharedFindings(t *testing.T, d *spec.Document) []string {
	t.Helper()
	var both []*lint.Rule
	for _, r := range rules.All() {
		if r.Versions == nil && !r.External && r.Sources != nil && r.ID != "endpoints-allowcors-boolean" {
			both = append(both, r)
		}
	}
	ds, err := lint.Run(context.Background(), []*spec.Document{d}, both, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range ds {
		out = append(out, x.RuleID+" "+x.Severity.String())
	}
	sort.Strings(out)
	return out
}
