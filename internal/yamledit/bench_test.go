package yamledit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
)

// largeDoc builds a spec with n paths whose x-google-endpoints sits at the
// top, the shape transforms edit.
func largeDoc(b *testing.B, n int) *spec.Document {
	var sb strings.Builder
	sb.WriteString("swagger: \"2.0\"\nhost: a.endpoints.p.cloud.goog\nx-google-endpoints:\n- name: a.endpoints.p.cloud.goog\n  allowCors: true\npaths:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  /r%d/{id}:\n    get:\n      operationId: get%d # read\n      parameters: [{name: id, in: path, required: true, type: string}]\n      responses:\n        200: {description: OK}\n", i, i)
	}
	d, err := spec.Parse("b.yaml", []byte(sb.String()), spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkToggleEdit measures what a transform adds on top of parsing:
// detecting the file's conventions, computing the span and splicing.
func BenchmarkToggleEdit(b *testing.B) {
	d := largeDoc(b, 2000)
	v := d.Node(spec.Pointer("x-google-endpoints", "0", "allowCors"))
	b.SetBytes(int64(len(d.Src)))
	b.ReportAllocs()
	for b.Loop() {
		f := New(d)
		e, err := f.Replace(v, "false")
		if err != nil {
			b.Fatal(err)
		}
		out, err := Apply(d.Src, []Edit{e})
		if err != nil || len(out) != len(d.Src)+1 {
			b.Fatalf("apply: %v", err)
		}
	}
}

// BenchmarkInFlowDeep measures the flow-context query for a node at the end
// of a large document (the worst case of the position descent).
func BenchmarkInFlowDeep(b *testing.B) {
	d := largeDoc(b, 2000)
	last := d.Node(spec.Pointer("paths", "/r1999/{id}", "get", "parameters", "0", "type"))
	f := New(d)
	b.ReportAllocs()
	for b.Loop() {
		if !f.inFlow(last) {
			b.Fatal("not in flow")
		}
	}
}
