package oasschema

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Version selects the schema a document is validated against.
type Version int

// The versions with an embedded schema.
const (
	Swagger20 Version = iota + 1 // swagger: "2.0"
	OpenAPI30                    // openapi: 3.0.x
	OpenAPI31                    // openapi: 3.1.x
)

const versionCount = 3

func (v Version) index() int { return int(v) - 1 }

func (v Version) valid() bool { return v >= Swagger20 && v <= OpenAPI31 }

func (v Version) String() string {
	switch v {
	case Swagger20:
		return "Swagger 2.0"
	case OpenAPI30:
		return "OpenAPI 3.0"
	case OpenAPI31:
		return "OpenAPI 3.1"
	}
	return fmt.Sprintf("Version(%d)", int(v))
}

// schemaFile names the embedded schema of v and the URL it is registered
// under (its own id, so that its internal references resolve).
func (v Version) schemaFile() (file, url string) {
	switch v {
	case OpenAPI30:
		return "schemas/openapi-3.0.json", "https://spec.openapis.org/oas/3.0/schema/2024-10-18"
	case OpenAPI31:
		return "schemas/openapi-3.1.json", "https://spec.openapis.org/oas/3.1/schema/2025-11-23"
	}
	return "schemas/swagger-2.0.json", "http://swagger.io/v2/schema.json"
}

// VersionOf reads the version a document declares: a top-level swagger key
// means Swagger 2.0 (whatever its value: the schema then reports a wrong
// one, and gcloud too lets swagger win over openapi), an openapi value
// starting with 3.0 or 3.1 the matching 3.x schema. Anything else is an
// error naming what was found.
func VersionOf(root *yaml.Node) (Version, error) {
	if k, _ := spec.MapGet(root, "swagger"); k != nil {
		return Swagger20, nil
	}
	k, v := spec.MapGet(root, "openapi")
	if k == nil {
		return 0, fmt.Errorf("no top-level swagger or openapi key")
	}
	s := spec.ScalarText(v)
	switch {
	case s == "3.0" || strings.HasPrefix(s, "3.0."):
		return OpenAPI30, nil
	case s == "3.1" || strings.HasPrefix(s, "3.1."):
		return OpenAPI31, nil
	}
	return 0, fmt.Errorf("openapi %q: only 3.0.x and 3.1.x have a schema here", s)
}
