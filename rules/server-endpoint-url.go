package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "server-endpoint-url",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks the url of the server that carries x-google-endpoint: present, absolute on Cloud Endpoints (a base path on API Gateway), with a host written exactly as the service name.",
		Details: `gcloud takes the service name from that url with Python's urlparse(url).hostname, which lower-cases
the host and drops a port and user info; a relative url (/v1) or one without a scheme has no host, and
gcloud then says no server has the extension at all. Whether Service Management names the compiled
endpoint after the raw host is not verified: ESPv2 compares names exactly, so a host gcloud would
rewrite may turn allowCors off silently; write it exactly as the service name. On API Gateway a
relative url is the base path and must start with /.`,
		Sources: []lint.Source{srcGcloudDeploy, docEndpointsLimits3, docGatewayLimits3},
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			if !e.URL.Present() {
				p.ReportKeyAt(e.Value, `Malformed input. Found OpenAPI service config in file [%s], but no url was specified for the server with the "x-google-endpoint" extension. Add a url specification to the server with the "x-google-endpoint" extension.`, fileName(p.Doc))
				return
			}
			raw, ok := p.WantString(e.URL, "the url of the server with x-google-endpoint must be a string")
			if !ok {
				return
			}
			name, path := spec.ServerURL(raw)
			switch {
			case name == "" && p.Target == lint.TargetAPIGateway:
				if !strings.HasPrefix(path, "/") {
					p.ReportAt(e.URL, "server url %q has neither a scheme nor a leading /: API Gateway reads a relative url as the base path, which must start with /; write /%s or https://HOST/…", raw, strings.TrimLeft(path, "/"))
				}
			case name == "":
				p.ReportAt(e.URL, "server url %q has no host: Cloud Endpoints takes the service name from the host of the url of the server with x-google-endpoint, so relative urls are not supported (gcloud then reports that no server has the extension); write https://SERVICE_NAME%s", raw, path)
			case placeholderRE.MatchString(raw):
				// server-service-name reports the placeholder.
			default:
				if problems := spec.ServerHostProblems(raw); problems != "" {
					p.ReportAt(e.URL, "server url %q has %s in its host; gcloud takes %q as the service name, and ESPv2 compares names exactly: write the url with exactly that host", raw, problems, name)
				}
			}
		},
	})
}
