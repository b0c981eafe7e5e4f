package rules

import (
	"encoding/json"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "servers-same-across-files",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Doc:      "Checks that the files of one deployment use one OpenAPI version and, in 3.x, all carry an identical x-google-endpoint on a server with the same host.",
		Details: `gcloud endpoints services deploy refuses a deployment that mixes Swagger 2.0 and OpenAPI 3.x files,
and one whose x-google-endpoint servers name different hosts. The documented limitations add that if
one file has an x-google-endpoint server, every file must, with the same host and an identical
x-google-endpoint value (base paths may differ). Files named together on the command line, or grouped
under deployments: in .corsgate.yaml, are one deployment.`,
		Sources: []lint.Source{srcGcloudDeploy, docEndpointsLimits3, docGatewayLimits3},
		CheckSet: func(p *lint.SetPass) {
			for _, dep := range p.Deployments() {
				if len(dep) < 2 {
					continue
				}
				first := dep[0]
				for _, d := range dep[1:] {
					if d.Version.IsOpenAPI3() != first.Version.IsOpenAPI3() {
						p.For(d).ReportKeyAt(d.Google().VersionValue, "Malformed input. Found OpenAPI service config in file [%s], but a different OpenAPI version was specified in another file. Only one OpenAPI version is supported per deployment.", fileName(d))
					}
				}
				checkEndpointServers(p, dep)
			}
		},
	})
}

// checkEndpointServers compares the x-google-endpoint servers of the 3.x
// files of one deployment with the first file that has one.
func checkEndpointServers(p *lint.SetPass, dep []*spec.Document) {
	var ref *spec.Document
	for _, d := range dep {
		if d.Version.IsOpenAPI3() && len(d.Google().Endpoints) > 0 {
			ref = d
			break
		}
	}
	if ref == nil {
		return
	}
	want := ref.Google().Endpoints[0]
	wantJSON := jsonOf(want.Value)
	for _, d := range dep {
		if d == ref || !d.Version.IsOpenAPI3() {
			continue
		}
		g := d.Google()
		if len(g.Endpoints) == 0 {
			p.For(d).ReportKeyAt(g.EndpointsValue, "%s has an x-google-endpoint server and this file of the same deployment has none: when one file has it, every file must (the same host, an identical x-google-endpoint)", fileName(ref))
			continue
		}
		e := g.Endpoints[0]
		switch {
		case e.NameText() != want.NameText():
			p.For(d).ReportAt(e.URL, `Ambiguous input. Multiple OpenAPI files were provided with different server URLs containing the "x-google-endpoint" extension. When using multiple OpenAPI files, ensure that all files with the "x-google-endpoint" extension define the same server URL with at most one server with the "x-google-endpoint" extension defined per file. Additionally, at least one server across all provided files must have the "x-google-endpoint" extension. (this file: %q, %s: %q)`, e.NameText(), fileName(ref), want.NameText())
		case jsonOf(e.Value) != wantJSON:
			p.For(d).ReportAt(e.Value, "x-google-endpoint differs from the one in %s (%s here, %s there): the files of one deployment must carry an identical x-google-endpoint, or allowCors may be on for some of them only", fileName(ref), jsonOf(e.Value), wantJSON)
		}
	}
}

// jsonOf renders a value as compact JSON for comparison and messages.
func jsonOf(v spec.Value) string {
	x, err := spec.JSONValue(v.Node)
	if err != nil {
		return "?"
	}
	b, _ := json.Marshal(x)
	return string(b)
}
