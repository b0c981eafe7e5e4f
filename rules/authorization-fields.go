package rules

import (
	"github.com/corsgate/corsgate/lint"
)

// authorizationFields are the fields of google.api.AuthorizationConfig, the
// proto x-google-experimental-authorization is parsed into.
var authorizationFields = protoFields("provider")

func init() {
	register(&lint.Rule{
		ID:       "authorization-fields",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that x-google-experimental-authorization is an object with only the fields of google.api.AuthorizationConfig (provider).",
		Details: `Service Management parses the extension into google.api.AuthorizationConfig with protobuf's JSON
parser, so any other key fails the deploy ("Cannot find field"), and a value that is not an object
cannot be converted at all.`,
		Sources: []lint.Source{apiCompilerTest("x_google_experimental_authorization_invalid.baseline"), srcExtensionProto},
		Check: func(p *lint.Pass) {
			v := p.G.Root().Get("x-google-experimental-authorization")
			if !v.Present() {
				return
			}
			if !p.WantMap(v, "Extension x-google-experimental-authorization cannot be converted into proto type google.api.AuthorizationConfig: it must be an object such as {provider: firebaserules.googleapis.com}") {
				return
			}
			reportUnknownProtoFields(p, v, authorizationFields, "x-google-experimental-authorization", "AuthorizationConfig")
		},
	})
}
