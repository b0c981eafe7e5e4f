package transform

import (
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

// TestEdgeCases covers layouts beyond the golden files, with the same
// checks (parses, idempotent, lint-clean, only intended lines changed).
func TestEdgeCases(t *testing.T) {
	tests := []struct {
		name, transform string
		opts            Options
		src, want       string
	}{
		{"flow root", "allow-cors", Options{Arg: "on"},
			"{swagger: '2.0', host: a.b.c, paths: {}}\n",
			"{swagger: '2.0', host: a.b.c, x-google-endpoints: [{name: a.b.c, allowCors: true}], paths: {}}\n"},
		{"json crlf", "allow-cors", Options{Arg: "on"},
			"{\r\n  \"swagger\": \"2.0\",\r\n  \"host\": \"a.b.c\"\r\n}\r\n",
			"{\r\n  \"swagger\": \"2.0\",\r\n  \"host\": \"a.b.c\",\r\n  \"x-google-endpoints\": [\r\n    {\r\n      \"name\": \"a.b.c\",\r\n      \"allowCors\": true\r\n    }\r\n  ]\r\n}\r\n"},
		{"host last, no final newline", "allow-cors", Options{Arg: "on"},
			"swagger: '2.0'\npaths: {}\nhost: a.b.c",
			"swagger: '2.0'\npaths: {}\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  allowCors: true"},
		{"host needs quotes", "allow-cors", Options{Arg: "on"},
			"swagger: '2.0'\nhost: !!str 123\npaths: {}\n",
			"swagger: '2.0'\nhost: !!str 123\nx-google-endpoints:\n- name: \"123\"\n  allowCors: true\npaths: {}\n"},
		{"off remove first key of item", "allow-cors", Options{Arg: "off", Remove: true},
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- allowCors: true\n  name: a.b.c\n  target: 1.2.3.4\n",
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  target: 1.2.3.4\n"},
		{"off remove one of two entries", "allow-cors", Options{Arg: "off", Remove: true},
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: x.y\n  target: 1.2.3.4\n- name: a.b.c\n  allowCors: true\npaths: {}\n",
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: x.y\n  target: 1.2.3.4\npaths: {}\n"},
		{"off remove both spellings", "allow-cors", Options{Arg: "off", Remove: true},
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  allowCors: true\n  allow_cors: true\n  target: 1.2.3.4\n",
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  target: 1.2.3.4\n"},
		{"remove item whose dash carries a comment", "allow-cors", Options{Arg: "off", Remove: true},
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: x.y\n  target: 1.2.3.4\n- # CORS for the web app\n  name: a.b.c\n  allowCors: true\npaths: {}\n",
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: x.y\n  target: 1.2.3.4\npaths: {}\n"},
		{"sync from name inserts host", "sync-name", Options{From: "name"},
			"swagger: '2.0'\ninfo:\n  title: t\nx-google-endpoints:\n- name: 'a.b.c'\npaths: {}\n",
			"swagger: '2.0'\ninfo:\n  title: t\nhost: 'a.b.c'\nx-google-endpoints:\n- name: 'a.b.c'\npaths: {}\n"},
		{"name is an alias of something else", "sync-name", Options{},
			"swagger: '2.0'\nx-n: &n old.name\nhost: \"a.b.c\"\nx-google-endpoints:\n- name: *n\n",
			"swagger: '2.0'\nx-n: &n old.name\nhost: \"a.b.c\"\nx-google-endpoints:\n- name: \"a.b.c\"\n"},
		{"boolean with tag and anchor", "allow-cors-boolean", Options{},
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  allowCors: &c !!str TRUE\n",
			"swagger: '2.0'\nhost: a.b.c\nx-google-endpoints:\n- name: a.b.c\n  allowCors: &c true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := spec.Parse("e.yaml", []byte(tt.src), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tr, _ := ByName(tt.transform)
			res, err := tr.Run(doc, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(res.Out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkOutput(t, tt.transform, tt.opts, doc, res.Out)
		})
	}
}

// TestBooleanLeavesSharedText: allow-cors-boolean does not edit a value whose
// text an alias shares with another place (x-google-api-management written
// as an alias here), since the edit would change that place too.
func TestBooleanLeavesSharedText(t *testing.T) {
	src := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers:\n- url: https://a.b.c\n  x-google-endpoint: {}\n" +
		"x-shared: &m\n  allowCors: \"true\"\nx-google-api-management: *m\npaths: {}\n"
	doc, err := spec.Parse("e.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Google().ManagementAllowCors.Present() {
		t.Fatal("the model does not see x-google-api-management.allowCors through the alias; the test tests nothing")
	}
	tr, _ := ByName("allow-cors-boolean")
	res, err := tr.Run(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(src, string(res.Out)); diff != "" {
		t.Errorf("shared text edited (-want +got):\n%s", diff)
	}
}
