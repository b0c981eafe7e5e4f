package rules_test

// The expected outcome of each api-compiler importer test that corsgate
// does not simply pass (apicompiler_test.go runs them all).

// caught maps a failure line of a baseline (a substring of it) to the
// finding that reports it.
type caught struct {
	line, file, rule, ptr string
}

// apiCompilerFailures lists, for each rejected case, what corsgate reports
// for each of its failure lines. A failure line with no entry fails the test.
var apiCompilerFailures = map[string][]caught{
	"additional_properties":                {{"must be a non-repeated message", "additional_properties.json", "body-schema-map", "/paths"}},
	"auth_multiple_oauth_logicalAND_error": {{"x-security section contains multiple security definitions", "auth_multiple_oauth_logicalAND_error.json", "security-x-security", "/paths/~1v1~1pets/post/x-security"}},
	"auth_with_error": {
		{"OpenAPI: Schema 'invalidSchema' referenced in extension x-security", "auth_with_error.json", "security-x-security", "/x-security"},
		{"Operation 'get' in path '/v1/pets': Extension x-security does not have a valid value", "auth_with_error.json", "security-x-security", "/paths/~1v1~1pets/get/x-security"},
		{"Operation 'post' in path '/v1/pets': Schema 'invalidSchema'", "auth_with_error.json", "security-x-security", "/paths/~1v1~1pets/post/x-security"},
	},
	"corrupt_json":                     {{"Unable to parse the content", "corrupt_json.json", "spec-parse", ""}},
	"distributed_swagger_missing_file": {{"is ill formed and cannot be parsed", "distributed_swagger_missing_file.json", "ref-external", "/paths"}},
	"error_multiple_extension_for_same_property": {
		{"'x-issuer,x-google-issuer'", "error_multiple_extension_for_same_property.json", "security-legacy-extension", "/securityDefinitions"},
		{"'x-jwks_uri,x-google-jwks_uri'", "error_multiple_extension_for_same_property.json", "security-legacy-extension", "/securityDefinitions"},
	},
	"invalid_extension_json_array":         {{"should be a json array", "invalid_extension_json_array.json", "endpoints-list", "/x-google-endpoints"}},
	"invalid_google_allow_extension_value": {{"Only allowed values for x-google-allow", "invalid_google_allow_extension_value.json", "allow-value", "/x-google-allow"}},
	"invalid_opertion_id": {
		{"operationId 'test' has duplicate entry", "invalid_opertion_id.json", "operation-id-unique", "/paths"},
		{"does not have the required 'operationId'", "invalid_opertion_id.json", "operation-id-required", "/paths/~1v1~1pets~1{name}/post"},
		{"operationId 'test.' has duplicate entry", "invalid_opertion_id.json", "operation-id-unique", "/paths"},
	},
	"invalid_quota":                               {{"Cannot find field: limit in message google.api.Quota", "invalid_quota.yaml", "quota-shape", "/x-google-management/quota"}},
	"invalid_quota_dangling_ref":                  {{"references undefined metric(s) 'non_existent_metric'", "invalid_quota_dangling_ref.yaml", "quota-undefined-metric", "/paths"}},
	"invalid_swagger":                             {{"Unable to parse the content", "invalid_swagger.json", "spec-parse", ""}},
	"invalid_type_definition_reference_prefix":    {{"must begin with '#/definitions/'", "invalid_type_definition_reference_prefix.json", "ref-definitions-prefix", ""}},
	"invalid_type_reference_prefix":               {{"must begin with '#/definitions/'", "invalid_type_reference_prefix.json", "ref-definitions-prefix", ""}},
	"invalid_vendor_extension_type":               {{"Extension x-google-allow has invalid type", "invalid_vendor_extension_type.json", "allow-value", "/x-google-allow"}},
	"missing_definitions":                         {{"no Definitions section", "missing_definitions.yaml", "ref-no-definitions", ""}},
	"missing_host":                                {{"Service name must be provided", "missing_host.json", "host-required", "/host"}},
	"multi_apis_single_name_version_conflict":     {{"conflicting API versions", "", "api-version-conflict", "/info/version"}},
	"multiple_swagger_hosts":                      {{"Different 'host' values", "uber.json", "host-same-across-files", "/host"}},
	"schema_error":                                {{"Invalid OpenAPI file. Please fix the schema errors", "schema_error.json", "structure-required", "/paths/~1v1~1pets~1{name}/post"}},
	"type_reference_array_loop":                   {{"Invalid circular reference detected for type 'myArray'", "type_reference_array_loop.json", "ref-circular", "/definitions/myArray"}},
	"type_reference_ref_loop":                     {{"Invalid circular reference detected for type 'myRef'", "type_reference_ref_loop.json", "ref-circular", "/definitions"}},
	"x_google_endpoints_with_mismatched_name":     {{"The endpoint name: 'mismatched-name", "x-google-endpoints-with-mismatched-name.json", "endpoints-name-matches-host", "/x-google-endpoints/0"}},
	"x_google_endpoints_with_multiple_entries":    {{"Multiple endpoint entries", "x-google-endpoints-with-multiple-entries.json", "endpoints-single-entry", "/x-google-endpoints"}},
	"x_google_experimental_authorization_invalid": {{"cannot be converted into proto type google.api.AuthorizationConfig", "x_google_experimental_authorization_invalid.json", "authorization-fields", "/x-google-experimental-authorization/wrong_attr"}},
	"x_google_invalid_unknown_field":              {{"Cannot find field: invalid in message google.api.Endpoint", "x-google-invalid-unknown-field.json", "endpoints-unknown-key", "/x-google-endpoints/0/invalid"}},
}

// apiCompilerDiffers lists where corsgate deliberately disagrees with the
// converter, and why.
var apiCompilerDiffers = map[string]string{
	// gcloud refuses files not named .json, .yaml or .yml before upload; a
	// file named on corsgate's command line is read by its content, so the
	// name of a test fixture does not make it wrong.
	"invalid_extension": "corsgate reads a named file by its content, whatever its extension",
	// The upstream test hands the converter two files of shared definitions
	// that have no top-level swagger key; gcloud refuses such a file before
	// upload ("Unable to parse Open API, or Google Service Configuration
	// specification"), and so does corsgate (swagger-version). The
	// references between the files resolve: they are one deployment.
	"distributed_swagger": "corsgate, like gcloud, refuses files without a top-level swagger key; the converter, called directly, accepts definition-only files",
}
