package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
)

func TestRunWritesFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	if err := run([]string{"-paths", "7", "-seed", "2", "-format", "json", "-o", out}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := specgen.Bytes(specgen.Options{Paths: 7, Seed: 2, Format: specgen.JSON})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("file content differs from specgen.Bytes for the same options")
	}
}

func TestRunStyleAndCompact(t *testing.T) {
	var b bytes.Buffer
	if err := run([]string{"-paths", "4", "-style", "catalog", "-format", "json-compact"}, &b); err != nil {
		t.Fatal(err)
	}
	want, err := specgen.Bytes(specgen.Options{Paths: 4, Seed: 1, Style: specgen.Catalog, Format: specgen.JSONCompact})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Error("output differs from specgen.Bytes for the same options")
	}
}

func TestRunStdout(t *testing.T) {
	var b bytes.Buffer
	if err := run([]string{"-paths", "3"}, &b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "# Generated benchmark spec: 3 paths") {
		t.Errorf("unexpected start of output: %.60q", b.String())
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"zero paths", []string{"-paths", "0"}, "at least 1"},
		{"bad format", []string{"-format", "xml"}, "unknown format"},
		{"bad style", []string{"-style", "x"}, "unknown style"},
		{"extra argument", []string{"spec.yaml"}, "unexpected arguments"},
		{"unwritable output", []string{"-paths", "1", "-o", filepath.Join("no-such-dir", "x", "y.yaml")}, "write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.args, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
