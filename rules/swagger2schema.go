package rules

import "github.com/corsgate/corsgate/lint"

// Service Management validates a Swagger 2.0 document against the schema
// api-compiler bundles before converting it (MultiOpenApiParser
// .validateSwaggerSpec: "Invalid OpenAPI file. Please fix the schema
// errors:"). The structure rules cite the part of it they check.

// swagger2Schema names a property of that schema.
func swagger2Schema(property string) lint.Source {
	return lint.Code(lint.APICompiler, "src/main/resources/swagger/schema2_0/schema.json", property)
}

// srcValidateSchema is the validation step itself.
var srcValidateSchema = apiCompiler("MultiOpenApiParser.java", "validateSwaggerSpec")
