package rules

import "github.com/corsgate/corsgate/lint"

// Upstream code the security and CORS rules cite.
var (
	srcIsAPIKeyRequired = apiCompiler("aspects/auth/AuthBuilder.java", "isApiKeyRequired")
	srcAddAuthProvider  = apiCompiler("aspects/auth/AuthBuilder.java", "addAuthProvider")
	// srcAllowCorsRoutes and srcESPAllowCorsRoutes generate the OPTIONS routes of
	// allowCors for every path without an options operation.
	srcAllowCorsRoutes    = espv2("src/go/configinfo/service_info.go", "ServiceInfo.processHttpRule")
	srcESPAllowCorsRoutes = esp("src/api_manager/config.cc", "Config::AddOptionsMethodForAllUrls")
)

// swaggerSchema names a definition of the Swagger 2.0 JSON schema that
// Service Management validates specs with (bundled with api-compiler).
func swaggerSchema(definition string) lint.Source {
	return lint.Code(lint.APICompiler, "src/main/resources/swagger/schema2_0/schema.json", definition)
}
