package rules

import "github.com/corsgate/corsgate/lint"

// Helpers that name upstream sources at the versions in lint's Repo values.

const swaggerImporter = "src/main/java/com/google/api/tools/framework/importers/swagger/"

// apiCompiler names a class or method of api-compiler's Swagger importer
// (file relative to importers/swagger/).
func apiCompiler(file, symbol string) lint.Source {
	return lint.Code(lint.APICompiler, swaggerImporter+file, symbol)
}

// apiCompilerTest names an api-compiler importer test case (its testdata
// baseline).
func apiCompilerTest(baseline string) lint.Source {
	return lint.Code(lint.APICompiler, "src/test/java/com/google/api/tools/framework/importers/swagger/testdata/"+baseline, "")
}

// espv2 names code of ESPv2.
func espv2(path, symbol string) lint.Source { return lint.Code(lint.ESPv2, path, symbol) }

// esp names code of ESP v1.
func esp(path, symbol string) lint.Source { return lint.Code(lint.ESP, path, symbol) }

// envoy names code of Envoy.
func envoy(path, symbol string) lint.Source { return lint.Code(lint.Envoy, path, symbol) }

// gcloud names code of the gcloud CLI.
func gcloud(path, symbol string) lint.Source { return lint.Code(lint.GCloud, path, symbol) }

// proto names a message of the google.api protos Service Management parses
// extensions into.
func proto(file, message string) lint.Source {
	return lint.Code(lint.GoogleAPIs, "google/api/"+file, message)
}

// doc names a documentation page.
func doc(title, url string) lint.Source { return lint.Doc(title, url) }

// Documentation pages several rules cite.
var (
	docEndpointsExtensions = doc("Cloud Endpoints: OpenAPI extensions", "https://cloud.google.com/endpoints/docs/openapi/openapi-extensions")
	docEndpointsLimits     = doc("Cloud Endpoints: OpenAPI feature limitations", "https://cloud.google.com/endpoints/docs/openapi/openapi-limitations")
	docGatewayLimits       = doc("API Gateway: OpenAPI 2.0 feature limitations", "https://cloud.google.com/api-gateway/docs/openapi-limitations")
	docEndpointsCORS       = doc("Cloud Endpoints: Enabling CORS", "https://cloud.google.com/endpoints/docs/openapi/support-cors")
	docEndpointsDNS        = doc("Cloud Endpoints: Configuring DNS on the cloud.goog domain", "https://cloud.google.com/endpoints/docs/openapi/cloud-goog-dns-configure")
	docEndpointsQuotas     = doc("Cloud Endpoints: Configuring quotas", "https://cloud.google.com/endpoints/docs/openapi/quotas-configure")
)

// OpenAPI 3.x documentation pages.
var (
	docEndpointsLimits3 = doc("Cloud Endpoints: OpenAPI 3.x feature limitations", "https://cloud.google.com/endpoints/docs/openapi/openapi-v3-limitations")
	docGatewayLimits3   = doc("API Gateway: OpenAPI 3.x feature limitations", "https://cloud.google.com/api-gateway/docs/openapi-v3-limitations")
	docEndpointsExt3    = doc("Cloud Endpoints: OpenAPI 3.x extensions", "https://cloud.google.com/endpoints/docs/openapi/oasv3-extensions")
	docGatewayExt3      = doc("API Gateway: OpenAPI 3.x extensions", "https://cloud.google.com/api-gateway/docs/oasv3-extensions")
	docEndpointsMigrate = doc("Cloud Endpoints: Modify Cloud Endpoints to use OpenAPI 3.x", "https://cloud.google.com/endpoints/docs/openapi/migrate-oasv3")
	srcGcloudDeploy     = gcloud("lib/surface/endpoints/services/deploy.py", "Deploy.Run")
)

// Upstream code several rules cite.
var (
	srcEndpointBuilder = apiCompiler("aspects/endpoint/EndpointBuilder.java", "validEndpointExtension")
	srcExtensionProto  = apiCompiler("aspects/utils/VendorExtensionProtoConverter.java", "convertJsonToProto")
	srcProcessEndpoint = espv2("src/go/configinfo/service_info.go", "processEndpoints")
	srcESPAllowCors    = esp("src/api_manager/config.cc", "Config::LoadHttpMethods")
)
