package spec

import (
	"strings"
)

// Deployment says where a document is deployed, which decides the service
// config name ESP/ESPv2 compare endpoint names with.
type Deployment struct {
	// Gateway is true on API Gateway, whose service is the managed service
	// API_ID-HASH.apigateway.PROJECT_ID.cloud.goog, not the spec's host.
	Gateway bool
	// ServiceName is the exact service config name when the user gives it
	// (--service-name, service_name in .corsgate.yaml); "" when unknown.
	ServiceName string
}

// ServiceConfigName is the name of the service config ESP/ESPv2 run with:
// the given name, else on Cloud Endpoints the document's service name
// (host). On API Gateway without a given name it is unknown.
func (g *Google) ServiceConfigName(d Deployment) (name string, known bool) {
	switch {
	case d.ServiceName != "":
		return d.ServiceName, true
	case d.Gateway:
		return "", false
	}
	return g.ServiceName, g.ServiceName != ""
}

// PassThrough is the one decision whether ESP/ESPv2 pass CORS preflights to
// the backend (allowCors): some endpoint entry turns allowCors on and its
// name equals the service config name exactly (esp-v2 v2.55.7
// src/go/configinfo/service_info.go processEndpoints:
// `endpoint.GetName() == s.ServiceConfig().GetName() && endpoint.GetAllowCors()`;
// ESP v1.60.0 src/api_manager/config.cc Config::LoadHttpMethods compares
// the same way). On API Gateway
// without a given service name the name cannot be compared, so an entry
// whose name has the managed-service form counts. It returns the entry and
// its allowCors member, or nil. In OpenAPI 3.x an x-google-endpoint that
// writes no allowCors takes x-google-api-management.allowCors (Cloud
// Endpoints documents both places and no precedence: UNVERIFIED, corsgate's
// choice; rule allowcors-agree warns when both are written and differ).
func (g *Google) PassThrough(d Deployment) (ep *Endpoint, allow Value) {
	name, known := g.ServiceConfigName(d)
	for _, e := range g.Endpoints {
		on, v := e.CorsOn()
		if len(e.AllowCors) == 0 && IsTrue(g.ManagementAllowCors) {
			on, v = true, g.ManagementAllowCors
		}
		if !on {
			continue
		}
		n := e.NameText()
		if known && n == name || !known && d.Gateway && IsManagedServiceName(n) {
			return e, v
		}
	}
	return nil, Value{}
}

// IsManagedServiceName reports whether name has the form of an API Gateway
// managed service: API_ID-HASH.apigateway.PROJECT_ID.cloud.goog (as
// `gcloud api-gateway apis describe API_ID --format='value(managedService)'`
// prints it).
func IsManagedServiceName(name string) bool {
	rest, ok := strings.CutSuffix(name, ".cloud.goog")
	if !ok {
		return false
	}
	api, project, ok := strings.Cut(rest, ".apigateway.")
	if !ok || project == "" || strings.Contains(project, ".") {
		return false
	}
	i := strings.LastIndexByte(api, '-')
	return i > 0 && i < len(api)-1 && !strings.Contains(api, ".")
}
