package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
)

func TestSvcAPIName(t *testing.T) {
	for _, tc := range []struct{ host, name, version, want string }{
		// Generated service configs in esp-v2 examples and api-compiler.
		{"examples-auth.endpoints.cloudesf-testing.cloud.goog", "", "1.0.0", "1.examples_auth_endpoints_cloudesf_testing_cloud_goog"},
		{"library-example.cloud.goog", "", "v1", "v1.library_example_cloud_goog"},
		{"api.example.com", "books", "2.3.4", "2.books"},
		{"api.example.com", "", "1.0", "1.0.api_example_com"},
		{"api.example.com", "", "1..0.0", "1.api_example_com"},
		{"api.example.com", "", "", "api_example_com"},
		{"9api.example.com", "", "v1-beta", "v1_beta._9api_example_com"},
	} {
		if got := generatedAPIName(tc.host, tc.name, tc.version); got != tc.want {
			t.Errorf("generatedAPIName(%q, %q, %q) = %q, want %q", tc.host, tc.name, tc.version, got, tc.want)
		}
	}
}

func TestSvcProjectID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"my-project", true}, {"abcdef", true}, {"a23456789012345678901234567890", true},
		{"abcde", false}, {"a234567890123456789012345678901", false}, {"1project", false}, {"project-", false},
	} {
		if got := projectIDProblem(tc.id) == ""; got != tc.ok {
			t.Errorf("projectIDProblem(%q) ok = %v, want %v", tc.id, got, tc.ok)
		}
	}
}

// TestHostSameAcrossFilesDeployments checks what is one deployment: files
// that share a Deployment name (named together on the command line) are
// compared, each file without one is deployed on its own.
func TestHostSameAcrossFilesDeployments(t *testing.T) {
	mk := func(name, host, deployment string) *spec.Document {
		src := "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: " + host + "\npaths: {}\n"
		d, err := spec.Parse(name, []byte(src), spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d.Deployment = deployment
		return d
	}
	docs := []*spec.Document{
		mk("petstore.json", "petstore.swagger.io", "cli"),
		mk("uber.json", "api.uber.com", "cli"), // two files named together: one deployment
		mk("samples/x.yaml", "x.endpoints.my-project.cloud.goog", ""),
		mk("samples/y.yaml", "y.endpoints.my-project.cloud.goog", ""), // scanned: each on its own
		mk("api/a.yaml", "a.endpoints.my-project.cloud.goog", "api"),
		mk("api/b.yaml", "a.endpoints.my-project.cloud.goog", "api"),
	}
	r, _ := ByID("host-same-across-files")
	ds, err := lint.Run(context.Background(), docs, []*lint.Rule{r}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.File+": "+d.Message[:strings.Index(d.Message, "}")+1])
	}
	want := []string{"uber.json: Different 'host' values cannot be set in multiple OpenAPI files. Found Hosts: {petstore.swagger.io, api.uber.com}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported files (-want +got):\n%s", diff)
	}
}
