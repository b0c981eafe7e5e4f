package format

import (
	"bytes"
	"testing"
)

func TestServePrinter(t *testing.T) {
	tests := []struct {
		name  string
		color bool
		line  ServeLine
		want  string
	}{
		{"allowed with a finding", false, ServeLine{Method: "OPTIONS", Path: "/v1/x", Origin: "https://a.test", Status: 200,
			Verdict: "allowed", Findings: []ServeFinding{{"MAX_AGE_ABOVE_BROWSER_CAP", "info"}}},
			"OPTIONS /v1/x origin=https://a.test 200 allowed MAX_AGE_ABOVE_BROWSER_CAP\n"},
		{"no origin, several findings", false, ServeLine{Method: "GET", Path: "/", Status: 404, Verdict: "blocked",
			Findings: []ServeFinding{{"ACAO_MISSING", "block"}, {"MISSING_VARY_ORIGIN", "warn"}}},
			"GET / origin=- 404 blocked ACAO_MISSING,MISSING_VARY_ORIGIN\n"},
		{"coloured", true, ServeLine{Method: "GET", Path: "/", Origin: "o", Status: 200, Verdict: "blocked",
			Findings: []ServeFinding{{"ACAO_MISSING", "block"}}},
			"GET / origin=o 200 \x1b[31;1mblocked\x1b[0;22m \x1b[31mACAO_MISSING\x1b[0m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := NewServePrinter(tt.color).Print(&b, tt.line); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %q\nwant %q", b.String(), tt.want)
			}
		})
	}
}
