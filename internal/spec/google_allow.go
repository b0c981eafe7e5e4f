package spec

import "strings"

// AllowsAll reports whether the document sets x-google-allow to all (any
// case), which makes Service Management add catch-all methods on /** that
// carry no security (api-compiler a0481d58
// importers/swagger/aspects/ProtoApiFromOpenApi.java
// isAllowAllMethodsConfigured). OpenAPI 3.x has no x-google-allow.
func (g *Google) AllowsAll() bool {
	s, ok := g.Allow.Str()
	return ok && strings.EqualFold(s, "all")
}
