package lint

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfigServiceNameAndDeployments(t *testing.T) {
	src := "target: api-gateway\nservice_name: orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog\ndeployments:\n  library:\n    - api/books.yaml\n    - \"api/shelves-*.yaml\"\n  admin: [admin/**]\n"
	cfg, err := ParseConfig(".corsgate.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServiceName != "orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog" {
		t.Errorf("ServiceName = %q", cfg.ServiceName)
	}
	want := []NamedGlobs{{"library", []string{"api/books.yaml", "api/shelves-*.yaml"}}, {"admin", []string{"admin/**"}}}
	if d := cmp.Diff(want, cfg.Deployments); d != "" {
		t.Errorf("Deployments (-want +got):\n%s", d)
	}
	for name, dep := range map[string]string{"api/books.yaml": "library", "./api/shelves-v2.yaml": "library", "admin/x/y.json": "admin", "api/other.yaml": ""} {
		if got := cfg.Deployment(name); got != dep {
			t.Errorf("Deployment(%q) = %q, want %q", name, got, dep)
		}
	}
	bad := []struct{ in, want string }{
		{"service_name: [a]\n", "1:15: service_name must be the service config name"},
		{"service_name: 42\n", "service_name must be the service config name"},
		{"deployments: [a.yaml]\n", "1:14: deployments must map a deployment name to a list of file globs"},
		{"deployments:\n  x: a.yaml\n", "2:6: deployment x must be a list of glob patterns"},
		{"deployments:\n  x: [\"[\"]\n", `bad glob "["`},
	}
	for _, b := range bad {
		_, err := ParseConfig(".corsgate.yaml", []byte(b.in), nil)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseConfig(%q) = %v; want a ConfigError containing %q", b.in, err, b.want)
		}
	}
}
