package oasschema

import (
	"bytes"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func parseJSON(data []byte) (any, error) { return jsonschema.UnmarshalJSON(bytes.NewReader(data)) }

// generated returns the benchmark generator's spec with n paths.
func generated(t testing.TB, n int) []byte {
	t.Helper()
	b, err := specgen.Bytes(specgen.Options{Paths: n})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
