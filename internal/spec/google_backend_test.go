package spec

import "testing"

// TestBackendHas checks that Has and Field agree on every spelling.
func TestBackendHas(t *testing.T) {
	doc, err := Parse("b.yaml", []byte(`swagger: "2.0"
x-google-backend: {address: https://a, jwtAudience: x, path_translation: CONSTANT_ADDRESS}
paths:
  /a:
    get:
      x-google-backend: [address]
    put:
      x-google-backend: {disableAuth: true}
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bs := doc.Google().Backends
	if len(bs) != 3 {
		t.Fatalf("%d backends, want 3", len(bs))
	}
	tests := []struct {
		name  string
		b     *Backend
		field string
		want  bool
	}{
		{"address", bs[0], "address", true},
		{"camel spelling", bs[0], "jwt_audience", true},
		{"snake spelling", bs[0], "path_translation", true},
		{"not written", bs[0], "deadline", false},
		{"not an object", bs[1], "address", false},
		{"other field", bs[2], "address", false},
		{"disable_auth", bs[2], "disable_auth", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Has(tt.field); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.field, got, tt.want)
			}
			if got := tt.b.Field(tt.field).Present(); got != tt.want {
				t.Errorf("Field(%q).Present() = %v, want %v", tt.field, got, tt.want)
			}
		})
	}
}
