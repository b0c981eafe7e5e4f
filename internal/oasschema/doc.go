// Package oasschema validates an OpenAPI document against the official JSON
// Schema of its version (Swagger 2.0, OpenAPI 3.0, OpenAPI 3.1; the files
// are embedded unchanged, see schemas/README.md) with
// github.com/santhosh-tekuri/jsonschema/v6, and turns the validator's error
// tree into one problem per cause, in words, with the JSON pointer of the
// offending value.
//
// The input is a yaml.v3 node tree (aliases and merge keys resolved, typed
// as spec.JSONValue types values, converted directly, never through JSON
// text) and a Version; Validate never prints and returns problems as values.
//
// In words. A failed oneOf or anyOf is a list of branch failures (a
// parameter is a body or a non-body parameter, and that one of four
// locations; a security definition one of six kinds; a response a response
// or a $ref). The branch the value was meant for is picked by what the value
// says about itself, in this order: its JSON type, whether it has a $ref,
// then in, type, scheme and flow; a field decides when a branch takes its
// value and another knows the field and refuses it. When every branch refuses
// the value, the causes they share are merged into one ("in must be one of
// query, header, path, formData or body, not "cookie""). Causes that follow
// from another at the same object are dropped (validate.go, consequences).
//
// Never reported (Google accepts them):
//   - formats: authorizationUrl: "", e-mail addresses, URLs and regular
//     expressions are not checked (format is an annotation here);
//   - flow: implicit and oauth2 without scopes on JWT definitions (2.0), and
//     oauth2 flows without scopes (3.x, where the schema requires them;
//     whether Google does is UNVERIFIED);
//   - unquoted integer response keys (200:), which YAML reads as numbers;
//   - x-google-* (any x-) extensions wherever the schema allows x-;
//   - 2.0 path parameters without required: true, and an empty response or
//     parameter object ({}): Service Management's own copy of the Swagger 2.0
//     schema (api-compiler a0481d58 src/main/resources/swagger/schema2_0/
//     schema.json) does not require either field.
//
// Left to corsgate's dedicated rules (Swagger 2.0; a test checks that each
// cause is reported exactly once, by the rule named here):
//
//	schema error                                                     reported by
//	missing info or paths; info or paths not an object;              structure-required
//	  missing info.title or info.version; info.title not a string;
//	  an operation that is not an object or has no responses;
//	  responses not an object, or empty
//	a paths key that does not start with / (or x-)                   structure-path-keys
//	a response key that is not a status code or default             structure-response-codes
//	anything about basePath                                          structure-base-path
//	anything about swagger                                           swagger-version
//	anything about host                                              host-format
//	security (top level or operation) not a list, a requirement     security-requirement-shape
//	  not an object, scopes not a list
//	a security definition that is not an object, has no type or a   security-scheme-unsupported
//	  type outside basic, apiKey and oauth2
//	an apiKey definition without a string name or in                 security-apikey-location (a warning)
//	operationId: null (head operations aside)                        operation-id-required
//
// The other way round, security-apikey-location warns only about apiKey
// locations the version's schema allows (in: cookie in 3.x): a location the
// schema refuses (in: cookie in 2.0) is this check's error alone.
//
// Speed. The document is split into units (split.go): the top level, each
// path item, each operation, and each parameter, response and named schema,
// validated concurrently against the part of the schema that applies there
// (the top level, path items and operations against a skeleton schema
// derived in code, derive.go). Units the schema cannot tell apart (same
// keys and values, free text aside; fingerprints in hash.go) are validated
// once; so are named schemas that differ only in property names, which the
// schema never constrains (a spec's resource definitions mostly do): where
// one of those has a problem, they are regrouped by name and each reports
// at its own names (regroup). The path items of a large document are split on several goroutines.
// Tests check that this finds exactly what validating the whole document at
// once finds, and the same with one goroutine or several.
//
// For OpenAPI 3.x documents, local $ref values are also checked to resolve,
// and parameter, response and request-body references to point into their
// section of components (refs.go).
package oasschema
