package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// serveTarget is where the served spec is deployed: the product and the
// service config name, from --target/--service-name or the configuration
// file, as lint reads them, so that serve and lint's
// endpoints-name-matches-host decide pass-through by the same rule.
type serveTarget struct {
	Target      lint.Target
	ServiceName string
}

// deployment is the spec model's view of the target.
func (t serveTarget) deployment() spec.Deployment { return t.Target.Deployment(t.ServiceName) }

// serveDeployment reads the target, the service name and the proxy: --proxy
// when given, else ESP v1 for endpoints-esp and ESPv2 otherwise (API
// Gateway runs ESPv2, so --proxy esp contradicts it).
func serveDeployment(o *serveOptions) (serveTarget, cors.Proxy, error) {
	t, err := readServeTarget(o)
	if err != nil {
		return serveTarget{}, "", err
	}
	px := cors.ESPv2
	if t.Target == lint.TargetESP {
		px = cors.ESP
	}
	if o.proxy != "" {
		if px, err = parseProxy("--proxy", o.proxy); err != nil {
			return serveTarget{}, "", err
		}
	}
	if t.Target == lint.TargetAPIGateway && px == cors.ESP {
		return serveTarget{}, "", usageError("--proxy esp contradicts --target api-gateway: API Gateway runs ESPv2")
	}
	return t, px, nil
}

// readServeTarget reads the target and the service name: --target and
// --service-name, else the configuration file's, else ESPv2 and none.
func readServeTarget(o *serveOptions) (serveTarget, error) {
	cfg, err := loadConfig(o.config)
	if err != nil {
		return serveTarget{}, err
	}
	t := serveTarget{Target: cfg.Target, ServiceName: cfg.ServiceName}
	if t.Target == "" {
		t.Target = lint.TargetESPv2
	}
	if o.target != "" {
		if t.Target, err = lint.ParseTarget(o.target); err != nil {
			return serveTarget{}, usageError("--target: %v", err)
		}
	}
	if o.serviceName != "" {
		t.ServiceName = o.serviceName
	}
	return t, nil
}

// serveAuthConfig is what serve checks credentials with, and where the key
// set came from (for the start-up lines).
type serveAuthConfig struct {
	opts     proxy.AuthOptions
	jwksFile string
	jwksKeys int
}

// serveAuth reads --api-key and --jwks. An unreadable or unusable key set
// stops serve (exit 3), naming the file.
func serveAuth(o *serveOptions, stderr io.Writer) (*serveAuthConfig, error) {
	a := &serveAuthConfig{jwksFile: o.jwks}
	for _, k := range o.apiKeys {
		if k == "" {
			return nil, usageError("--api-key must not be empty: the proxies treat an empty key as no key")
		}
		a.opts.APIKeys = append(a.opts.APIKeys, k)
	}
	if o.jwks == "" {
		return a, nil
	}
	data, err := os.ReadFile(o.jwks)
	if err != nil {
		return nil, inputError(fmt.Errorf("--jwks: %w", err))
	}
	set, skipped, err := proxy.ParseJWKS(data)
	for _, s := range skipped {
		fmt.Fprintf(stderr, "warning: --jwks %s: %s: key skipped, as ESPv2 skips it\n", o.jwks, s)
	}
	if err != nil {
		return nil, inputError(fmt.Errorf("--jwks %s: %w", o.jwks, err))
	}
	a.opts.JWKS, a.jwksKeys = set, set.Len()
	return a, nil
}

// describeAuth is what serve says at start-up about credentials: which
// checks it makes, and what it cannot know.
func describeAuth(t *proxy.Table, a *serveAuthConfig, px cors.Proxy) []string {
	var out []string
	rejects := "ESPv2's"
	if px == cors.ESP {
		rejects = "ESP's"
	}
	switch {
	case t.APIKeys && a.opts.APIKeys == nil:
		out = append(out, fmt.Sprintf("API keys: operations that require one get %s 401 without a key; any non-empty key is accepted (serve cannot ask Service Control; give --api-key KEY to accept only some)", rejects))
	case t.APIKeys:
		out = append(out, fmt.Sprintf("API keys: operations that require one get %s 401 without a key and its 400 for a key other than the %d given with --api-key", rejects, len(a.opts.APIKeys)))
	case a.opts.APIKeys != nil:
		out = append(out, "note: --api-key has no effect: no operation of the spec requires an API key")
	}
	if len(t.Providers) == 0 {
		if a.opts.JWKS != nil {
			out = append(out, "note: --jwks has no effect: no operation of the spec requires a JWT")
		}
		return out
	}
	var names []string
	noAud := false
	for _, p := range t.Providers {
		iss := p.Issuer
		if iss == "" {
			iss = "any issuer"
		}
		names = append(names, p.Name+" ("+iss+")")
		noAud = noAud || len(p.Audiences) == 0
	}
	sig := "signatures are NOT verified (give --jwks FILE to verify them against a local key set)"
	if a.opts.JWKS != nil {
		sig = fmt.Sprintf("signatures are verified against %s (%d keys)", a.jwksFile, a.jwksKeys)
	}
	out = append(out, fmt.Sprintf("JWT: %s; issuer, audiences and expiry are checked as %s checks them; %s; serve never fetches a JWKS URL", strings.Join(names, ", "), strings.TrimSuffix(rejects, "'s"), sig))
	if noAud && t.ServiceName == "" && px == cors.ESPv2 {
		out = append(out, "note: the service name is unknown (API Gateway without --service-name), so a provider without audiences accepts any audience here; ESPv2 would require https://SERVICE_NAME")
	}
	return out
}
