package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-same-across-files",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that the OpenAPI files of one deployment share one host.",
		Details: `gcloud endpoints services deploy a.yaml b.yaml deploys one service, and Service Management takes the
service name from the files' host values: files whose host differs fail with "Different 'host' values
cannot be set in multiple OpenAPI files. Found Hosts: {…}". Files named together on the corsgate
command line (or grouped under deployments: in .corsgate.yaml) are one deployment; files found by a
directory scan are each deployed on their own. Each file whose host differs from the first file's is
reported. Target api-gateway: not reported, because API Gateway gives Service Management the managed
service name explicitly, and the hosts are then not compared.`,
		Sources: []lint.Source{apiCompiler("TopLevelBuilder.java", "setServiceName"), apiCompilerTest("multiple_swagger_hosts.baseline")},
		CheckSet: func(p *lint.SetPass) {
			if p.Target == lint.TargetAPIGateway {
				return
			}
			for _, dep := range p.Deployments() {
				hosts, first := deploymentHosts(dep)
				if len(hosts) < 2 {
					continue
				}
				found := strings.Join(hosts, ", ")
				for _, d := range dep {
					h, ok := hostOf(d)
					if !ok || h == first {
						continue
					}
					p.For(d).ReportAt(d.Google().Service, "Different 'host' values cannot be set in multiple OpenAPI files. Found Hosts: {%s}. This file uses %q while the first file of the deployment uses %q; files deployed together must share one host", found, h, first)
				}
			}
		},
	})
}

// hostOf is a document's host as api-compiler reads it (trimmed; blank
// hosts do not count).
func hostOf(d *spec.Document) (string, bool) {
	if g := d.Google(); g.Version.IsOpenAPI3() {
		// The x-google-endpoint server's url host (Service is the whole url).
		return g.ServiceName, g.ServiceName != ""
	}
	h, ok := d.Google().Service.Str()
	h = strings.TrimSpace(h)
	return h, ok && h != ""
}

// deploymentHosts lists the distinct hosts of a deployment in file order
// (api-compiler TopLevelBuilder.getHosts) and the first one.
func deploymentHosts(dep []*spec.Document) (hosts []string, first string) {
	for _, d := range dep {
		if h, ok := hostOf(d); ok && !contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) > 0 {
		first = hosts[0]
	}
	return hosts, first
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
