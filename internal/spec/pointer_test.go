package spec

import (
	"slices"
	"testing"
)

func TestPointerEscapes(t *testing.T) {
	tests := []struct {
		base   string
		tokens []string
		want   string
	}{
		{"", nil, ""},
		{"", []string{"paths", "/a/{id}", "get"}, "/paths/~1a~1{id}/get"},
		{"", []string{"~", "/", "~/", "/~", "a~1b", ""}, "/~0/~1/~0~1/~1~0/a~01b/"},
		{"/paths/~1a", []string{"get", "responses", "200"}, "/paths/~1a/get/responses/200"},
		{"/x", nil, "/x"},
	}
	for _, tt := range tests {
		got := Append(tt.base, tt.tokens...)
		if got != tt.want {
			t.Errorf("Append(%q, %q) = %q, want %q", tt.base, tt.tokens, got, tt.want)
		}
		if tt.base == "" && len(tt.tokens) > 0 && !slices.Equal(SplitPointer(got), tt.tokens) {
			t.Errorf("SplitPointer(%q) = %q, want %q", got, SplitPointer(got), tt.tokens)
		}
	}
}

// FuzzPointer: any tokens make a pointer that splits back into them.
func FuzzPointer(f *testing.F) {
	f.Add("paths", "/a/{id}", "~1")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		toks := []string{a, b, c}
		p := Pointer(toks...)
		if got := SplitPointer(p); !slices.Equal(got, toks) {
			t.Fatalf("SplitPointer(Pointer(%q)) = %q", toks, got)
		}
		if Append(Pointer(a), b, c) != p {
			t.Fatalf("Append differs from Pointer for %q", toks)
		}
	})
}

func BenchmarkPointer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Append("/paths/~1shelves~1{shelf}", "get", "parameters", "0", "schema", "$ref")
	}
}
