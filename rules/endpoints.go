package rules

import (
	"strconv"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Helpers of the x-google-endpoints rules still used by rule families not yet
// moved to the Google model (removed with them).

const endpointsKey = "x-google-endpoints"

var endpointsPtr = spec.Pointer(endpointsKey)

// eachEndpoint calls fn for every mapping entry of a list-valued x-google-endpoints.
func eachEndpoint(doc *spec.Document, fn func(i int, entry *yaml.Node, ptr string)) {
	v := spec.Deref(spec.Get(doc.Root, endpointsKey))
	if !spec.IsSeq(v) {
		return
	}
	for i, e := range v.Content {
		e = spec.Deref(e)
		if spec.IsMap(e) {
			fn(i, e, spec.Append(endpointsPtr, strconv.Itoa(i)))
		}
	}
}

// allowCors reports whether an entry turns allowCors on (either spelling,
// real boolean true) and which key holds it.
func allowCors(entry *yaml.Node) (on bool, key string) {
	for _, k := range []string{"allowCors", "allow_cors"} {
		if b, ok := spec.BoolValue(spec.Get(entry, k)); ok && b {
			return true, k
		}
	}
	return false, ""
}

// EndpointsAllowCorsOn reports whether the document turns allowCors on in an
// entry whose name equals host exactly, the condition ESP and ESPv2 apply.
func EndpointsAllowCorsOn(doc *spec.Document) bool {
	host, ok := doc.Host()
	if !ok {
		return false
	}
	on := false
	eachEndpoint(doc, func(_ int, entry *yaml.Node, _ string) {
		if n := spec.Deref(spec.Get(entry, "name")); n != nil && n.Value == host {
			if b, _ := allowCors(entry); b {
				on = true
			}
		}
	})
	return on
}
