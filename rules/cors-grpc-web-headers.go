package rules

import (
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

// grpcWebExposed are the response headers a grpc-web client reads the call
// status from.
var grpcWebExposed = []string{"grpc-status", "grpc-message"}

func init() {
	registerCrossCheck(&lint.Rule{
		ID:       "cors-grpc-web-headers",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A grpc-web API needs X-Grpc-Web, X-User-Agent and Content-Type allowed and grpc-status, grpc-message exposed.",
		Details:  "grpc-web is detected from an application/grpc-web* media type in consumes/produces or an x-google-backend address with a grpc:// or grpcs:// scheme.",
		Sources: []lint.Source{
			doc("gRPC-Web: browser features, CORS support", "https://github.com/grpc/grpc-web/blob/master/doc/browser-features.md#cors-support"),
			srcStartProxyArgs,
		},
	}, func(c *crossPass) {
		if !c.Needs.GrpcWeb {
			return
		}
		where := c.Needs.GrpcWebPtr
		if allow := c.Policy.AllowHeaders; strings.TrimSpace(allow) != "*" {
			if missing := parseFlagList(allow).missingHeaders(cors.GrpcWebHeaders); len(missing) > 0 {
				c.reportFlag(cors.FlagAllowHeaders, "the spec targets grpc-web (%s) but --cors_allow_headers=%s lacks %s, which grpc-web clients send; use --cors_allow_headers=%s",
					where, allow, strings.Join(missing, ", "), withItems(allow, missing, ","))
			}
		}
		if expose := c.Policy.ExposeHeaders; strings.TrimSpace(expose) != "*" {
			if missing := parseFlagList(expose).missingHeaders(grpcWebExposed); len(missing) > 0 {
				c.reportFlag(cors.FlagExposeHeaders, "the spec targets grpc-web (%s) but --cors_expose_headers=%s lacks %s, so the client cannot read the call status; use --cors_expose_headers=%s",
					where, expose, strings.Join(missing, ", "), withItems(expose, missing, ","))
			}
		}
	})
}
