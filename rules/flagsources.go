package rules

// Upstream code and pages several proxy-flag rules cite.
var (
	// ESPv2's launcher: argparse definitions of the --cors_* flags and their
	// defaults, and what it passes on to the config manager.
	srcStartProxyArgs  = espv2("docker/generic/start_proxy.py", "make_argparser")
	srcStartProxyPass  = espv2("docker/generic/start_proxy.py", "gen_proxy_config")
	srcEnvArgs         = espv2("docker/serverless/env_start_proxy.py", "gen_args")
	srcMaxAgeFlag      = espv2("src/go/configmanager/flags/flags.go", "CorsMaxAge")
	srcCORSPolicy      = espv2("src/go/configgenerator/filtergen/cors.go", "CORSGenerator.GenPerHostConfig")
	srcCORSRoutes      = espv2("src/go/configgenerator/routegen/direct_response_cors.go", "DirectResponseCORSGenerator.GenRouteConfig")
	srcBasicOrigin     = espv2("src/go/configgenerator/routegen/direct_response_cors.go", "fillBasicOriginMatcher")
	srcRegexOrigin     = espv2("src/go/configgenerator/routegen/direct_response_cors.go", "fillRegexOriginMatcher")
	srcRegexSize       = espv2("src/go/util/regex.go", "ValidateRegexProgramSize")
	srcEnvoyOrigin     = envoy("source/extensions/filters/http/cors/cors_filter.cc", "CorsFilter::isOriginAllowed")
	srcEnvoyResponse   = envoy("source/extensions/filters/http/cors/cors_filter.cc", "CorsFilter::encodeHeaders")
	srcStartESPArgs    = esp("start_esp/start_esp.py", "make_argparser")
	srcESPNginxCORS    = esp("start_esp/nginx-auto.conf.template", "")
	docFetchPreflight  = doc("WHATWG Fetch: CORS-preflight fetch", "https://fetch.spec.whatwg.org/#cors-preflight-fetch")
	docOriginSerialize = doc("WHATWG HTML: serialization of an origin", "https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin")
)
