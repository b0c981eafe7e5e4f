package oasschema

import (
	"os"
	"sync/atomic"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

// TestNamedSchemasReportAtTheirNames: named schemas that differ only in
// property names are one unit (validated once), and a problem in it is
// reported at each schema's own property names.
func TestNamedSchemasReportAtTheirNames(t *testing.T) {
	data, err := os.ReadFile("testdata/swagger-named-schemas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	root := parseRoot(t, data)
	units, err := newSplitter(Swagger20, new(atomic.Int64)).split(spec.Deref(root))
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, u := range units {
		if u.kind == unitSchema {
			named++
		}
	}
	// Vehicle, Driver and Shared (Copy is Shared) are one unit, Clean1 and
	// Clean2 another.
	if named != 2 {
		t.Errorf("%d named-schema units, want 2", named)
	}
	var got []string
	for _, p := range mustValidate(t, string(data)) {
		got = append(got, p.Pointer)
	}
	// Shared's problems are reported once, at the first pointer that
	// reaches them (Copy, an alias of it).
	want := []string{
		"/definitions/Copy/properties/maker/properties/brand/maxLength",
		"/definitions/Copy/properties/wheel/type",
		"/definitions/Driver/properties/employer/properties/title/maxLength",
		"/definitions/Driver/properties/licence/type",
		"/definitions/Vehicle/properties/owner/properties/name/maxLength",
		"/definitions/Vehicle/properties/plate/type",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pointers (-want +got):\n%s", diff)
	}
}
