package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-external",
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Doc:      "Checks for $ref values that point outside the document (URLs or other files), which corsgate never fetches.",
		Details: `API Gateway documents that references to types outside the provided OpenAPI document are not
allowed and will be rejected: a URL $ref is an error. A relative file reference
(other.yaml#/definitions/X) is loaded by Service Management only when that file is part of the same
deploy; otherwise it fails with "Unable to load RELATIVE ref: %s". corsgate does not follow it, so it
reports a warning reminding you to pass the file to gcloud too. Same verdict for every target.`,
		Sources: []lint.Source{docGatewayLimits, apiCompilerTest("distributed_swagger_missing_file.baseline")},
		Check: func(p *lint.Pass) {
			for _, r := range p.G.Refs() {
				switch {
				case !isExternalRef(r.Ref):
				case strings.Contains(r.Ref, "://") || strings.HasPrefix(r.Ref, "//"):
					p.ReportNode(lint.Error, r.Node, r.Ptr(), "$ref %q points to a URL: references to types outside the provided OpenAPI document are not allowed and will be rejected; copy the schema under definitions", r.Ref)
				default:
					p.ReportNode(lint.Warning, r.Node, r.Ptr(), "$ref %q points to another file, which corsgate does not read: deploy that file in the same gcloud endpoints services deploy command, or Service Management fails with \"Unable to load RELATIVE ref: %s\"", r.Ref, r.Ref)
				}
			}
		},
	})
}
