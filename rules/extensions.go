package rules

import (
	"slices"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// KnownGoogleExtensions are the x-google-* names Service Management, ESP and
// ESPv2 read in Swagger 2.0 (reference §1), including legacy spellings that
// other rules report as legacy.
var KnownGoogleExtensions = []string{
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

// oas3Extensions exist only for OpenAPI 3.x (reference §1.8, §3).
var oas3Extensions = map[string]string{
	"x-google-endpoint":       "x-google-endpoints (a list at the top level, with name equal to host)",
	"x-google-api-management": "x-google-management (metrics and quota) and x-google-backend",
	"x-google-auth":           "x-google-issuer, x-google-jwks_uri and x-google-audiences on the oauth2 security definition",
}

// ExtensionUnknown is the typo guard for x-google-* names.
var ExtensionUnknown = &lint.Rule{
	ID:       "extension-unknown",
	Category: lint.CategoryExtensions,
	Severity: lint.Warning,
	Doc:      "Checks that every x-google-* extension is one Google reads, and suggests the nearest known name for a typo.",
	Details: `Vendor extensions are allowed anywhere by the Swagger schema, so Service Management accepts a
misspelled x-google-backends and simply ignores it: the backend, quota or auth you meant is not applied.`,
	Bad:    "x-google-backends:\n  address: https://backend.example.com\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n",
	Source: "Cloud Endpoints docs, OpenAPI extensions",
	Check: func(p *lint.Pass) {
		for _, e := range googleExtensionKeys(p.Doc) {
			k, ptr := e.key, e.ptr
			name := k.Value
			if _, oas3 := oas3Extensions[name]; oas3 {
				continue // extension-oas3-only
			}
			if slices.Contains(KnownGoogleExtensions, name) {
				continue
			}
			if s := lint.Suggest(name, KnownGoogleExtensions); s != "" {
				p.ReportKey(ptr, "unknown Google extension %q, ignored by Service Management; did you mean %q?", name, s)
				continue
			}
			p.ReportKey(ptr, "unknown Google extension %q, ignored by Service Management (known: %s)", name, strings.Join(KnownGoogleExtensions, ", "))
		}
	},
}

// ExtensionOAS3Only reports OpenAPI 3.x extensions in a Swagger 2.0 document.
var ExtensionOAS3Only = &lint.Rule{
	ID:       "extension-oas3-only",
	Heavy:    true,
	Category: lint.CategoryExtensions,
	Severity: lint.Warning,
	Doc:      "Checks that OpenAPI 3.x-only Google extensions (x-google-endpoint, x-google-api-management, x-google-auth) are not used in a Swagger 2.0 document.",
	Details:  `In a Swagger 2.0 document these names are unknown and ignored, so the CORS, backend or auth settings they carry do not apply.`,
	Bad:      "x-google-endpoint:\n  allowCors: true\n",
	Good:     "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\n",
	Source:   "Cloud Endpoints docs, OpenAPI 3.x extensions",
	Check: func(p *lint.Pass) {
		for _, e := range googleExtensionKeys(p.Doc) {
			if use, ok := oas3Extensions[e.key.Value]; ok {
				p.ReportKey(e.ptr, "%s is an OpenAPI 3.x extension and is ignored in a Swagger 2.0 document; in Swagger 2.0 use %s", e.key.Value, use)
			}
		}
	},
}

func init() {
	register(ExtensionUnknown)
	register(ExtensionOAS3Only)
}

// extKey is an x-google-* key and its JSON pointer.
type extKey struct {
	key *yaml.Node
	ptr string
}

var extKeysCache secDocCache[[]extKey]

// googleExtensionKeys lists the x-google-* keys walkExtensionKeys finds,
// walking the document once for both extension rules.
func googleExtensionKeys(doc *spec.Document) []extKey {
	return extKeysCache.get(doc, func() []extKey {
		var out []extKey
		walkExtensionKeys(doc, func(k *yaml.Node, ptr string) { out = append(out, extKey{k, ptr}) })
		return out
	})
}

// walkExtensionKeys calls fn for every x-google-* key in places where keys
// are spec fields (not user names such as property names, definition names
// or example values), once per key even when aliases reach it by several
// paths (with the first path's pointer). The pointer is built only for
// reported keys.
func walkExtensionKeys(doc *spec.Document, fn func(k *yaml.Node, ptr string)) {
	var path []string
	seen := map[*yaml.Node]bool{}
	report := func(k *yaml.Node) {
		if !seen[k] {
			seen[k] = true
			fn(k, spec.Pointer(append(path, k.Value)...))
		}
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = spec.Deref(n)
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if strings.HasPrefix(k.Value, "x-") {
					if strings.HasPrefix(k.Value, "x-google-") {
						report(k)
					}
					continue // another vendor's extension: its content is theirs
				}
				switch k.Value {
				case "example", "examples", "enum", "default":
					continue // user data
				case "properties", "definitions", "securityDefinitions", "parameters", "responses", "paths", "headers":
					// Keys below are names chosen by the user; walk their values only.
					vv := spec.Deref(v)
					if vv != nil && vv.Kind == yaml.MappingNode {
						path = append(path, k.Value)
						userNames := k.Value == "properties" || k.Value == "definitions" || k.Value == "headers"
						for j := 0; j+1 < len(vv.Content); j += 2 {
							nk := vv.Content[j]
							if !userNames && strings.HasPrefix(nk.Value, "x-google-") {
								report(nk)
								continue
							}
							path = append(path, nk.Value)
							walk(vv.Content[j+1], depth+2)
							path = path[:len(path)-1]
						}
						path = path[:len(path)-1]
						continue
					}
				}
				if v.Kind == yaml.ScalarNode {
					continue
				}
				path = append(path, k.Value)
				walk(v, depth+1)
				path = path[:len(path)-1]
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if c.Kind == yaml.ScalarNode {
					continue
				}
				path = append(path, itoa(i))
				walk(c, depth+1)
				path = path[:len(path)-1]
			}
		}
	}
	walk(doc.Root, 0)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	var b [20]byte
	pos := len(b)
	for i > 0 {
		pos--
		b[pos] = byte('0' + i%10)
		i /= 10
	}
	return string(b[pos:])
}
