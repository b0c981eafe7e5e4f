package rules

import (
	"net/netip"
	"strconv"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// The x-google-endpoints family (reference endpoints-rules.md §1.1 and §2.3,
// E1–E6). Service Management parses each entry into google.api.Endpoint with
// proto-JSON, so both allowCors and allow_cors are accepted.

const endpointsKey = "x-google-endpoints"

var endpointsPtr = spec.Pointer(endpointsKey)

// EndpointsList is E1.
var EndpointsList = &lint.Rule{
	ID:       "endpoints-list",
	Ref:      "E1",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that x-google-endpoints is a list of endpoint objects.",
	Bad:      "x-google-endpoints:\n  name: api.endpoints.my-project.cloud.goog\n  allowCors: true\n",
	Good:     "x-google-endpoints:\n- name: api.endpoints.my-project.cloud.goog\n  allowCors: true\n",
	Source:   "api-compiler baseline invalid_extension_json_array",
	Check: func(p *lint.Pass) {
		_, v := spec.MapGet(p.Doc.Root, endpointsKey)
		if v == nil || spec.IsSeq(v) {
			return
		}
		p.Report(endpointsPtr, "The extension x-google-endpoints does not match the schema. It should be a json array (found %s): write each endpoint as a list item starting with \"- name:\".", spec.TypeName(v))
	},
}

// EndpointsSingleEntry is E2.
var EndpointsSingleEntry = &lint.Rule{
	ID:       "endpoints-single-entry",
	Ref:      "E2",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that x-google-endpoints has at most one entry.",
	Bad:      "x-google-endpoints:\n- name: a.endpoints.p.cloud.goog\n- name: b.endpoints.p.cloud.goog\n",
	Good:     "x-google-endpoints:\n- name: a.endpoints.p.cloud.goog\n",
	Source:   "api-compiler SwaggerImporter (x-google-endpoints)",
	Check: func(p *lint.Pass) {
		v := spec.Deref(spec.Get(p.Doc.Root, endpointsKey))
		if !spec.IsSeq(v) || len(v.Content) <= 1 {
			return
		}
		p.Report(spec.Append(endpointsPtr, "1"), "OpenAPI spec is invalid. Multiple endpoint entries are defined in the extension 'x-google-endpoints'. At most one entry is allowed (found %d); keep the entry whose name equals host.", len(v.Content))
	},
}

// EndpointsNameMatchesHost is E3, the reason corsgate exists.
var EndpointsNameMatchesHost = &lint.Rule{
	ID:       "endpoints-name-matches-host",
	Ref:      "E3",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that every x-google-endpoints[].name equals host exactly, case included.",
	Details: `ESP and ESPv2 turn allowCors on only when an endpoint entry's name equals the service name (the
host) exactly; ESPv2 compares case-sensitively. Any other name makes them ignore allowCors without a
word (ESPv2 logs only "Not adding Proxy CORS route gen because the feature is disabled by config."),
and the browser reports a CORS error. Service Management also rejects the mismatch, comparing without
case. Fix: corsgate transform sync-name FILE (or lint --fix).`,
	Bad:    "host: api.endpoints.my-project.cloud.goog\nx-google-endpoints:\n- name: api.endpoints.my-projct.cloud.goog\n  allowCors: true\n",
	Good:   "host: api.endpoints.my-project.cloud.goog\nx-google-endpoints:\n- name: api.endpoints.my-project.cloud.goog\n  allowCors: true\n",
	Source: "api-compiler SwaggerImporter; esp-v2 src/go/configinfo/service_info.go (exact comparison)",
	Fix:    "sync-name",
	Check:  checkNameMatchesHost,
}

func checkNameMatchesHost(p *lint.Pass) {
	host, hasHost := p.Doc.Host()
	if !hasHost {
		return // endpoints-allowcors-without-host / host-required report this
	}
	eachEndpoint(p.Doc, func(i int, entry *yaml.Node, ptr string) {
		nk, nv := spec.MapGet(entry, "name")
		name := ""
		if nv != nil {
			name = spec.Deref(nv).Value
		}
		if nk != nil && name == host {
			return
		}
		cors := ""
		if on, _ := boolish(spec.Get(entry, "allowCors")); on || allowCorsSnake(entry) {
			cors = " allowCors is silently ignored by ESP and ESPv2 until they match."
		} else {
			cors = " ESP and ESPv2 use this entry (allowCors, target) only when name equals host."
		}
		if nk == nil {
			p.ReportNode(lint.Error, entry, ptr, "OpenAPI spec is invalid. The endpoint entry in the extension 'x-google-endpoints' has no name; it must equal the host name: '%s'.%s Add name: %s.", host, cors, host)
			return
		}
		caseOnly := ""
		if equalFoldASCII(name, host) {
			caseOnly = " They differ only in letter case, which ESPv2 still treats as a mismatch."
		}
		p.Report(spec.Append(ptr, "name"), "OpenAPI spec is invalid. The endpoint name: '%s' defined in the extension 'x-google-endpoints' is different than the host name: '%s'. Please use the host name as the endpoint name.%s%s", name, host, caseOnly, cors)
	})
}

// EndpointsUnknownKey is E4.
var EndpointsUnknownKey = &lint.Rule{
	ID:       "endpoints-unknown-key",
	Ref:      "E4",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that x-google-endpoints entries use only name, target and allowCors (or allow_cors).",
	Details: `Each entry is parsed into google.api.Endpoint with proto-JSON, so an unknown key fails the deploy
("Cannot find field"). allow_cors is accepted as the proto spelling of allowCors; Google's documentation
writes allowCors, so corsgate reports allow_cors as info (lint --fix --fix-spelling renames it). aliases
exists in the proto but is not documented for OpenAPI: warning.`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCORS: true\n",
	Good:   "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\n",
	Source: "api-compiler baseline x_google_invalid_unknown_field; google.api.Endpoint proto",
	Fix:    "allow-cors-spelling",
	Check: func(p *lint.Pass) {
		eachEndpoint(p.Doc, func(i int, entry *yaml.Node, ptr string) {
			spec.Pairs(entry, func(k, _ *yaml.Node) {
				kp := spec.Append(ptr, k.Value)
				switch k.Value {
				case "name", "target", "allowCors":
				case "allow_cors":
					p.ReportKeySeverity(lint.Info, kp, "allow_cors is accepted (proto field spelling), but Google's documentation writes allowCors; prefer allowCors so readers and tools recognise it")
				case "aliases":
					p.ReportKeySeverity(lint.Warning, kp, "aliases is not documented for OpenAPI x-google-endpoints and is not used by ESP or ESPv2; remove it")
				default:
					msg := "Extension x-google-endpoints cannot be converted into proto type google.api.Endpoint. Details: Cannot find field: %s in message google.api.Endpoint"
					if s := lint.Suggest(k.Value, []string{"name", "target", "allowCors"}); s != "" {
						p.ReportKey(kp, msg+" (did you mean %q?)", k.Value, s)
					} else {
						p.ReportKey(kp, msg+"; valid keys are name, target and allowCors", k.Value)
					}
				}
			})
		})
	},
}

// EndpointsAllowCorsBoolean is E5.
var EndpointsAllowCorsBoolean = &lint.Rule{
	ID:       "endpoints-allowcors-boolean",
	Ref:      "E5",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that allowCors is a real boolean, not a quoted string or a number.",
	Details: `Google documents allowCors: true. Whether Service Management's proto-JSON parser accepts the string
"true" is not verified; a quoted value is at best fragile, so corsgate requires a YAML/JSON boolean.
Fix: lint --fix rewrites "true" and "false" as booleans.`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: \"true\"\n",
	Good:   "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\n",
	Source: "Cloud Endpoints docs, Enabling CORS (allowCors: True); google.api.Endpoint.allow_cors (bool)",
	Fix:    "allow-cors-boolean",
	Check: func(p *lint.Pass) {
		eachEndpoint(p.Doc, func(i int, entry *yaml.Node, ptr string) {
			for _, key := range []string{"allowCors", "allow_cors"} {
				_, v := spec.MapGet(entry, key)
				if v == nil || spec.IsBool(v) {
					continue
				}
				p.Report(spec.Append(ptr, key), "%s must be a boolean (true or false), not %s; write %s: true without quotes", key, describe(v), key)
			}
		})
	},
}

// EndpointsTargetIPv4 is E6.
var EndpointsTargetIPv4 = &lint.Rule{
	ID:       "endpoints-target-ipv4",
	Ref:      "E6",
	Category: lint.CategoryEndpoints,
	Severity: lint.Warning,
	Doc:      "Checks that x-google-endpoints[].target is an IPv4 address.",
	Details: `On deploy, Service Management creates a DNS A record for a *.endpoints.PROJECT.cloud.goog name that
resolves to target, so target must be an IPv4 literal. Historically a hostname was accepted without
complaint (whether it is rejected today is not verified), but no A record can point at it.`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  target: my-lb.example.com\n",
	Good:   "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  target: 203.0.113.10\n",
	Source: "Cloud Endpoints docs, Configuring DNS on cloud.goog",
	Check: func(p *lint.Pass) {
		eachEndpoint(p.Doc, func(i int, entry *yaml.Node, ptr string) {
			_, v := spec.MapGet(entry, "target")
			if v == nil {
				return
			}
			v = spec.Deref(v)
			if !spec.IsString(v) {
				p.Report(spec.Append(ptr, "target"), "target must be a string holding an IPv4 address, not %s", describe(v))
				return
			}
			a, err := netip.ParseAddr(v.Value)
			if err == nil && a.Is4() {
				return
			}
			p.Report(spec.Append(ptr, "target"), "target %q is not an IPv4 address; Service Management creates a DNS A record from it, which needs an IPv4 literal such as 203.0.113.10", v.Value)
		})
	},
}

// EndpointsAllowCorsWithoutHost reports allowCors in a spec without host.
var EndpointsAllowCorsWithoutHost = &lint.Rule{
	ID:       "endpoints-allowcors-without-host",
	Ref:      "E3",
	Category: lint.CategoryEndpoints,
	Severity: lint.Error,
	Doc:      "Checks that a spec that sets allowCors also has a host for the endpoint name to match.",
	Details: `allowCors takes effect only when the entry's name equals the service name. Without host there is
nothing to match (on API Gateway the managed service name is not in the file), so allowCors is
silently ignored.`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\n",
	Good:   "host: api.endpoints.p.cloud.goog\nx-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\n",
	Source: "esp-v2 src/go/configinfo/service_info.go; esp src/api_manager/config.cc",
	Check: func(p *lint.Pass) {
		if _, ok := p.Doc.Host(); ok {
			return
		}
		eachEndpoint(p.Doc, func(i int, entry *yaml.Node, ptr string) {
			for _, key := range []string{"allowCors", "allow_cors"} {
				if on, _ := boolish(spec.Get(entry, key)); on {
					p.Report(spec.Append(ptr, key), "%s is set but the spec has no host: ESP and ESPv2 enable allowCors only when an endpoint name equals the service name (host), so it is silently ignored; add host: <the endpoint name>", key)
				}
			}
		})
	},
}

func init() {
	for _, r := range []*lint.Rule{EndpointsList, EndpointsSingleEntry, EndpointsNameMatchesHost,
		EndpointsUnknownKey, EndpointsAllowCorsBoolean, EndpointsTargetIPv4, EndpointsAllowCorsWithoutHost} {
		register(r)
	}
}

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

// boolish reads a boolean, also from the strings "true"/"false" (for rules
// that should still understand a quoted value).
func boolish(n *yaml.Node) (value, ok bool) {
	n = spec.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	if b, ok := spec.BoolValue(n); ok {
		return b, true
	}
	switch n.Value {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
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

func allowCorsSnake(entry *yaml.Node) bool {
	on, _ := boolish(spec.Get(entry, "allow_cors"))
	return on
}
