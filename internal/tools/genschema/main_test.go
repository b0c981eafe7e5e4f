package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

var committed = filepath.Join("..", "..", "..", "schema", "corsgate.schema.json")

// TestSchemaUpToDate fails when the committed schema differs from what the
// registry gives today (a rule added, renamed, re-documented).
func TestSchemaUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("schema/corsgate.schema.json is stale; run: go generate ./internal/tools/genschema\n(-want +committed):\n%s", diff)
	}
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(committed)
	if err != nil {
		t.Fatalf("the committed schema does not compile (draft-07 meta-schema): %v", err)
	}
	return sch
}

// instance reads YAML the way an editor's YAML language server hands it to
// the schema: as JSON data.
func instance(t *testing.T, src string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestSchemaAgreesWithParseConfig validates example configurations with the
// committed schema and with lint.ParseConfig, which corsgate uses: both must
// give the same verdict, except where the schema is knowingly stricter or
// looser (documented in the README).
func TestSchemaAgreesWithParseConfig(t *testing.T) {
	sch := compile(t)
	tests := []struct {
		name         string
		config       string
		schemaOK     bool
		parseOK      bool   // differs from schemaOK only where documented
		schemaErrHas string // in the detailed error: the place or the value
	}{
		{"empty file", "", true, true, ""},
		{"comment only", "# yaml-language-server: $schema=" + SchemaURL + "\n", true, true, ""},
		{"everything", "target: api-gateway\nrules:\n  endpoints-target-ipv4: off\n  host-custom-domain: warning\n  security-no-apikey: info\n  path-root: error\nignore:\n  - \"third_party/**\"\n  - \"*.generated.yaml\"\n", true, true, ""},
		{"each target", "target: endpoints-esp\n", true, true, ""},
		{"false means off", "rules:\n  host-custom-domain: false\n", true, true, ""},
		{"aliases none and warn", "rules:\n  host-custom-domain: none\n  path-root: warn\n", true, true, ""},
		{"unknown key", "targets: api-gateway\n", false, false, "targets"},
		{"unknown rule", "rules:\n  endpoints-target-ipv44: off\n", false, false, "endpoints-target-ipv44"},
		{"unknown severity", "rules:\n  path-root: fatal\n", false, false, "at '/rules/path-root'"},
		{"true is not a severity", "rules:\n  path-root: true\n", false, false, ""},
		{"unknown target", "target: cloud-run\n", false, false, "at '/target'"},
		{"rules as a list", "rules:\n  - path-root\n", false, false, ""},
		{"ignore as a string", "ignore: third_party/**\n", false, false, ""},
		{"empty ignore entry", "ignore:\n  - \"\"\n", false, false, ""},
		{"a list at the top", "- target\n", false, false, ""},
		// Known differences: corsgate accepts any letter case of a severity
		// (the schema asks for lower case, as the documentation writes it),
		// and checks glob syntax, which a schema cannot.
		{"upper-case severity", "rules:\n  path-root: Error\n", false, true, "at '/rules/path-root'"},
		{"unclosed bracket in a glob", "ignore:\n  - \"api/[v1.yaml\"\n", true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sch.Validate(instance(t, tt.config))
			if (err == nil) != tt.schemaOK {
				t.Errorf("schema: valid = %v, want %v (%v)", err == nil, tt.schemaOK, err)
			}
			if err != nil && !strings.Contains(fmt.Sprintf("%#v", err), tt.schemaErrHas) {
				t.Errorf("schema error does not name %q: %#v", tt.schemaErrHas, err)
			}
			_, perr := lint.ParseConfig(".corsgate.yaml", []byte(tt.config), rules.Known())
			if (perr == nil) != tt.parseOK {
				t.Errorf("ParseConfig: valid = %v, want %v (%v)", perr == nil, tt.parseOK, perr)
			}
		})
	}
}

// TestSchemaKeysMatchParseConfig: the top-level keys of the schema are the
// ones ParseConfig accepts, read from its error for an unknown key, so a key
// added there (and not here) fails this test.
func TestSchemaKeysMatchParseConfig(t *testing.T) {
	_, err := lint.ParseConfig(".corsgate.yaml", []byte("no-such-key: 1\n"), rules.Known())
	var ce *lint.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("ParseConfig accepted an unknown key: %v", err)
	}
	m := regexp.MustCompile(`\(want ([a-z_, -]+)\)`).FindStringSubmatch(ce.Msg)
	if m == nil {
		t.Fatalf("cannot read the accepted keys from %q; update this test", ce.Msg)
	}
	var accepted []string
	for _, k := range regexp.MustCompile(`,\s*|\s+or\s+`).Split(m[1], -1) {
		if k != "" {
			accepted = append(accepted, k)
		}
	}
	sort.Strings(accepted)

	var schema struct {
		Properties map[string]any `json:"properties"`
	}
	b, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range schema.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if diff := cmp.Diff(accepted, keys); diff != "" {
		t.Errorf("configuration keys (-ParseConfig +schema); add the key to genschema:\n%s", diff)
	}
}

// TestEveryRuleInSchema: every registered rule can be configured from the
// editor, with its one-sentence doc as the hover text.
func TestEveryRuleInSchema(t *testing.T) {
	var schema struct {
		Properties struct {
			Rules struct {
				Properties map[string]struct {
					Description string `json:"description"`
				} `json:"properties"`
			} `json:"rules"`
		} `json:"properties"`
	}
	b, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	got := schema.Properties.Rules.Properties
	all := rules.All()
	if len(got) != len(all) {
		t.Errorf("schema has %d rules, the registry %d", len(got), len(all))
	}
	for _, r := range all {
		p, ok := got[r.ID]
		if !ok {
			t.Errorf("rule %s is not in the schema", r.ID)
			continue
		}
		if !strings.HasPrefix(p.Description, r.Doc) {
			t.Errorf("rule %s: description %q does not start with its doc", r.ID, p.Description)
		}
	}
}
