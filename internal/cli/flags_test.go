package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagsExitCodes pins the documented exit codes of `corsgate flags`:
// 0 valid (warnings allowed), 2 usage or a flag set ESPv2 refuses, 3 input
// that cannot be read.
func TestFlagsExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("args:\n  - \"--cors_allow_origin_regex=\\d\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"valid", []string{"flags", "--cors_allow_origin=https://a.example"}, 0, ""},
		{"warning only", []string{"flags", "--cors_allow_origin=https://a.example/"}, 0, "[flags-origin-not-serialized]"},
		{"ESPv2 refuses the regex", []string{"flags", "--cors_allow_origin_regex=^https://a\\d$"}, 2, "invalid escape sequence: `\\d`"},
		{"ESPv2 refuses the preset", []string{"flags", "--cors_preset=Basic"}, 2, `cors_preset must be either "basic" or "cors_with_regex"`},
		{"empty delimiter", []string{"flags", "--from-env", "ESPv2_ARGS=^^--cors_preset=basic"}, 2, "Malformed ESPv2_ARGS environment variable"},
		{"bad --proxy", []string{"flags", "--proxy", "nginx", "--cors_preset=basic"}, 2, "--proxy must be espv2 or esp"},
		{"bad --format", []string{"flags", "--format", "xml", "--cors_preset=basic"}, 2, "unknown format"},
		{"envoy for ESP", []string{"flags", "--proxy", "esp", "--format", "envoy", "--cors_preset=basic"}, 2, "ESP v1 runs nginx"},
		{"derive without spec", []string{"flags", "--derive", "--cors_allow_origin=https://a.example"}, 2, "--derive needs a SPEC"},
		{"missing file", []string{"flags", "--from-file", filepath.Join(dir, "nope")}, 3, "--from-file"},
		{"invalid YAML manifest", []string{"flags", "--from-file", bad}, 3, "reading manifest"},
		{"missing spec", []string{"flags", filepath.Join(dir, "nope.yaml"), "--cors_preset=basic"}, 3, "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(tt.args, Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errb.String())
			}
			if tt.code != 0 && out.Len() != 0 {
				t.Errorf("failed run printed flags:\n%s", out.String())
			}
		})
	}
}
