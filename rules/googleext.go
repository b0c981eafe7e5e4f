package rules

// knownGoogleExtensions are the x-google-* names Service Management, ESP and
// ESPv2 read in Swagger 2.0 (Cloud Endpoints: OpenAPI extensions, and
// api-compiler's ExtensionNames), including legacy spellings that other
// rules report as legacy.
var knownGoogleExtensions = []string{
	"x-google-allow",
	"x-google-api-name",
	"x-google-audiences",
	"x-google-backend",
	"x-google-backend-deadline", // legacy (api-compiler)
	"x-google-backend-url",      // legacy (api-compiler)
	"x-google-deprecated",
	"x-google-endpoints",
	"x-google-experimental-authorization",
	"x-google-issuer",
	"x-google-jwks_uri",
	"x-google-jwt-locations",
	"x-google-management",
	"x-google-quota",
}

// oas3OnlyExtensions exist only in OpenAPI 3.x documents; each maps to what
// a Swagger 2.0 document writes instead.
var oas3OnlyExtensions = map[string]string{
	"x-google-endpoint":       "x-google-endpoints (a list at the top level, with name equal to host)",
	"x-google-api-management": "x-google-management (metrics and quota) and x-google-backend",
	"x-google-auth":           "x-google-issuer, x-google-jwks_uri and x-google-audiences on the oauth2 security definition",
}
