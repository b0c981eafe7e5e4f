package rules

import (
	"slices"
	"strconv"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-undefined",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Doc:      "Checks that every scheme named in a security requirement is defined (securityDefinitions, components.securitySchemes in 3.x).",
		Details: `Target api-gateway: API Gateway rejects the config: error. Targets endpoints-espv2 and
endpoints-esp: Service Management accepts it (api-compiler's own tests convert such specs without an
error) and the proxies do not check the name; the requirement is dropped, so the operation may accept
unauthenticated traffic: warning, since the deploy succeeds but the spec does not do what it says.`,
		Sources: []lint.Source{docEndpointsLimits, docGatewayLimits, apiCompilerTest("operation_name_slash.baseline")},
		SecList: func(p *lint.Pass, l *spec.SecList) {
			for _, r := range l.Reqs {
				for _, n := range r.Names {
					if n.Scheme == nil {
						reportUndefined(p, l, r, n.Name)
					}
				}
			}
		},
	})
}

func reportUndefined(p *lint.Pass, l *spec.SecList, r spec.SecReq, name string) {
	defined := make([]string, len(p.G.Schemes))
	for i, s := range p.G.Schemes {
		defined[i] = s.Name
	}
	slices.Sort(defined)
	hint := ""
	if s := lint.Suggest(name, defined); s != "" {
		hint = " (did you mean " + strconv.Quote(s) + "?)"
	} else if len(defined) == 0 {
		hint = " (the spec has no " + schemesMember(p.G) + ")"
	}
	at := requirement(l, r.Index).Get(name)
	if p.Target == lint.TargetAPIGateway {
		p.ReportKeyAt(at, "%s: security scheme %q is not defined in %s%s; API Gateway rejects the API config", l.Where(), name, schemesMember(p.G), hint)
		return
	}
	p.ReportKeyAtSeverity(lint.Warning, at, "%s: security scheme %q is not defined in %s%s; Service Management and ESP/ESPv2 do not check this and drop the requirement, so the operation may accept unauthenticated calls", l.Where(), name, schemesMember(p.G), hint)
}

// schemesMember names where the document defines its security schemes.
func schemesMember(g *spec.Google) string {
	if g.Version.IsOpenAPI3() {
		return "components.securitySchemes"
	}
	return "securityDefinitions"
}
