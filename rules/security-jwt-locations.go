package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-jwt-locations",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2}, // x-google-jwt-locations; 3.x writes x-google-auth jwtLocations
		Doc:      "Checks that x-google-jwt-locations is a list whose items set exactly one of header or query, with value_prefix only on header.",
		Details: `Each item is a google.api.JwtLocation: a oneof of header, query (and cookie, which ESPv2 ignores:
warning) plus value_prefix. ESPv2 refuses to start on value_prefix with query ("JwtLocation type [Query]
should be set without valuePrefix, but it was set to [%s]"). valuePrefix is accepted as the proto-JSON
spelling of value_prefix.`,
		Sources: []lint.Source{
			espv2("src/go/configinfo/service_info.go", "ServiceInfo.processTranscodingIgnoredQueryParams"),
			espv2("src/go/configgenerator/filtergen/jwt_authn.go", "processJwtLocations"),
			proto("auth.proto", "JwtLocation"),
		},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			locs := s.JWTLocations
			if !locs.Present() {
				return
			}
			if !locs.IsSeq() {
				p.ReportKeyAt(locs, "Extension x-google-jwt-locations must be a list of {header: NAME, value_prefix: PREFIX} or {query: NAME} items, not %s", spec.TypeName(locs.Node))
				return
			}
			for _, item := range locs.Items() {
				checkJWTLocation(p, item)
			}
		},
	})
}

func checkJWTLocation(p *lint.Pass, item spec.Value) {
	if !item.IsMap() {
		p.ReportAt(item, "x-google-jwt-locations item must be an object such as {header: Authorization, value_prefix: \"Bearer \"} or {query: access_token}, not %s", spec.TypeName(item.Node))
		return
	}
	var kinds []spec.Value
	hasPrefix, prefix := false, "" // prefix: the last one written as a string
	item.Pairs(func(key string, v spec.Value) {
		switch key {
		case "header", "query", "cookie":
			kinds = append(kinds, v)
			if s, ok := v.Str(); !ok || s == "" {
				p.ReportAt(v, "x-google-jwt-locations %s must be a non-empty string, not %s", key, spec.Describe(v.Node))
			}
			if key == "cookie" {
				p.ReportKeyAtSeverity(lint.Warning, v, "x-google-jwt-locations cookie is defined in google.api.JwtLocation but ESPv2 ignores it (it logs an unexpected type); send the token in a header or query parameter")
			}
		case "value_prefix", "valuePrefix":
			hasPrefix = true
			if s, ok := v.Str(); ok {
				prefix = s
			} else {
				p.ReportAt(v, "x-google-jwt-locations %s must be a string such as \"Bearer \", not %s", key, spec.Describe(v.Node))
			}
		default:
			reportUnknownField(p, v, "x-google-jwt-locations", "google.api.JwtLocation", []string{"header", "query", "value_prefix"})
		}
	})
	switch {
	case len(kinds) == 0:
		p.ReportAt(item, "x-google-jwt-locations item sets neither header nor query; set exactly one")
	case len(kinds) > 1:
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = k.Key.Value
		}
		p.ReportAt(kinds[1], "x-google-jwt-locations item sets %s; header, query and cookie are one oneof, set exactly one per item (use two items for two locations)", strings.Join(names, " and "))
	case hasPrefix && kinds[0].Key.Value == "query":
		p.ReportAt(prefixMember(item), "JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]; ESPv2 refuses to start. Remove value_prefix from the query location", prefix)
	}
}

// prefixMember is the item's value prefix member: value_prefix, else the
// proto-JSON spelling valuePrefix.
func prefixMember(item spec.Value) spec.Value {
	if v := item.Get("value_prefix"); v.Present() {
		return v
	}
	return item.Get("valuePrefix")
}
