package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-list",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that x-google-endpoints is a list of endpoint objects.",
		Sources:  []lint.Source{apiCompilerTest("invalid_extension_json_array.baseline"), apiCompiler("aspects/utils/VendorExtensionProtoConverter.java", "readExtensionAsJsonArray")},
		Check: func(p *lint.Pass) {
			v := p.G.EndpointsValue
			if !v.Present() || v.IsSeq() {
				return
			}
			p.ReportAt(v, "The extension x-google-endpoints does not match the schema. It should be a json array (found %s): write each endpoint as a list item starting with \"- name:\".", spec.TypeName(v.Node))
		},
	})
}
