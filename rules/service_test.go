package rules

import (
	"context"
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
		if got := svcAPIName(tc.host, tc.name, tc.version); got != tc.want {
			t.Errorf("svcAPIName(%q, %q, %q) = %q, want %q", tc.host, tc.name, tc.version, got, tc.want)
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
		if got := svcProjectIDProblem(tc.id) == ""; got != tc.ok {
			t.Errorf("svcProjectIDProblem(%q) ok = %v, want %v", tc.id, got, tc.ok)
		}
	}
}

// TestHostSameAcrossFilesGroups checks the deploy-set heuristic: files are
// compared within their directory, a directory of unrelated services (every
// file its own host) is not reported, and two files are not enough to tell.
func TestHostSameAcrossFilesGroups(t *testing.T) {
	mk := func(name, host string) *spec.Document {
		src := "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: " + host + "\npaths: {}\n"
		d, err := spec.Parse(name, []byte(src), spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	docs := []*spec.Document{
		mk("api/a.yaml", "a.endpoints.my-project.cloud.goog"),
		mk("api/b.yaml", "a.endpoints.my-project.cloud.goog"),
		mk("api/c.yaml", "c.endpoints.my-project.cloud.goog"), // outlier
		mk("samples/x.yaml", "x.endpoints.my-project.cloud.goog"),
		mk("samples/y.yaml", "y.endpoints.my-project.cloud.goog"),
		mk("samples/z.yaml", "z.endpoints.my-project.cloud.goog"),
		mk("pair/p.yaml", "p.endpoints.my-project.cloud.goog"),
		mk("pair/q.yaml", "q.endpoints.my-project.cloud.goog"),
		mk("other/c.yaml", "a.endpoints.my-project.cloud.goog"), // same host, other folder
	}
	ds, err := lint.Run(context.Background(), docs, []*lint.Rule{HostSameAcrossFiles}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.File)
	}
	if diff := cmp.Diff([]string{"api/c.yaml"}, got); diff != "" {
		t.Errorf("reported files (-want +got):\n%s", diff)
	}
}
