package transform

import (
	"errors"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
)

// FuzzTransforms applies every transform to fuzzed documents: no panic, and
// whenever the input parsed and the transform did not refuse, the output
// parses and a second run changes nothing.
func FuzzTransforms(f *testing.F) {
	for _, s := range []string{
		"swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: a.c\n  allowCors: 'true'\n",
		"swagger: '2.0'\nhost: a.b\nx-google-endpoints: [{name: a.b, allow_cors: true, target: x}]\n",
		"{\"swagger\": \"2.0\", \"host\": \"a.b\", \"x-google-endpoints\": []}",
		"{\n  \"swagger\": \"2.0\",\n  \"host\": \"a.b\"\n}",
		"swagger: '2.0'\r\nhost: &h a.b\r\nx-google-endpoints:\r\n  - name: *h\r\n    allow_cors: false\r\n    allowCors: false\r\n",
		"swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- allowCors: true\n  name: a.b\n- name: a.b\n",
		"swagger: '2.0'\nx-google-endpoints:\n- name: n.b\n",
	} {
		f.Add(s)
	}
	all := All()
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := spec.Parse("f.yaml", []byte(src), spec.Options{})
		if err != nil {
			return
		}
		for _, tr := range all {
			for _, v := range variants(tr) {
				res, err := tr.Run(doc, v.opts)
				if err != nil {
					if errors.Is(err, ErrNoHost) || errors.Is(err, ErrRefused) {
						continue
					}
					t.Fatalf("%s %s on %q: %v", tr.Name, v.name, src, err)
				}
				out, err := spec.Parse("f.yaml", res.Out, spec.Options{})
				if err != nil {
					t.Fatalf("%s %s on %q gives %q, which does not parse: %v", tr.Name, v.name, src, res.Out, err)
				}
				again, err := tr.Run(out, v.opts)
				if err != nil {
					t.Fatalf("%s %s second run on %q: %v", tr.Name, v.name, res.Out, err)
				}
				if again.Changed {
					t.Fatalf("%s %s not idempotent on %q:\nonce:  %q\ntwice: %q", tr.Name, v.name, src, res.Out, again.Out)
				}
			}
		}
	})
}
