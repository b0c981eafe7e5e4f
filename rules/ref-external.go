package rules

import (
	"path/filepath"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-external",
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Doc:      "Checks for $ref values that point outside the deployment: URLs, or files not deployed together with the document.",
		Details: `API Gateway documents that references to types outside the provided OpenAPI document are not
allowed: a URL $ref is rejected. A relative file reference (other.yaml#/definitions/X) is loaded by
Service Management only when that file is part of the same deployment, else the deploy fails with
"Unable to load RELATIVE ref: %s" (api-compiler test distributed_swagger_missing_file). Files named
together on the command line, or grouped under deployments: in .corsgate.yaml, are one deployment; a
file found by a directory scan is deployed on its own. corsgate never fetches or reads the referenced
file itself. Same verdict for every target.`,
		Sources: []lint.Source{docGatewayLimits, apiCompilerTest("distributed_swagger_missing_file.baseline"), apiCompilerTest("distributed_swagger.baseline")},
		CheckSet: func(p *lint.SetPass) {
			for _, dep := range p.Deployments() {
				files := map[string]bool{}
				for _, d := range dep {
					files[filepath.Clean(d.Name)] = true
				}
				for _, d := range dep {
					checkExternalRefs(p.For(d), files)
				}
			}
		},
	})
}

// checkExternalRefs reports the $refs of one document that point to a URL
// or to a file outside its deployment.
func checkExternalRefs(p *lint.Pass, deployed map[string]bool) {
	for _, r := range p.G.Refs() {
		switch {
		case !isExternalRef(r.Ref):
		case strings.Contains(r.Ref, "://") || strings.HasPrefix(r.Ref, "//"):
			p.ReportNode(lint.Error, r.Node, r.Ptr(), "$ref %q points to a URL: references to types outside the provided OpenAPI document are not allowed and will be rejected; copy the schema into %s", r.Ref, schemaSection(p.G))
		default:
			file, _, _ := strings.Cut(r.Ref, "#")
			if deployed[filepath.Clean(filepath.Join(filepath.Dir(p.Doc.Name), file))] {
				continue // deployed together: Service Management loads it
			}
			p.ReportNode(lint.Error, r.Node, r.Ptr(), "OpenAPI spec in file {%s} is ill formed and cannot be parsed: Unable to load RELATIVE ref: %s (%s is not deployed together with this file: name both on the command line, as gcloud endpoints services deploy needs them, or group them under deployments: in .corsgate.yaml)", fileName(p.Doc), file, file)
		}
	}
}

// schemaSection is where a document keeps its schemas.
func schemaSection(g *spec.Google) string {
	if g.Version.IsOpenAPI3() {
		return "components.schemas"
	}
	return "definitions"
}
