// Package cors is the one CORS model shared by lint, flags and serve: the
// Policy a proxy enforces, the ESP / ESPv2 flag codecs that read and write it,
// the validation that reproduces ESPv2's start-up checks, the decision engine
// that reproduces what Envoy's CORS filter (ESPv2) or nginx (ESP) does with a
// request, and the checker that judges a response the way a browser does.
//
// Facts about ESP and ESPv2 come from GoogleCloudPlatform/esp-v2 (HEAD
// 3dcedb6f, release 2.55.7, Envoy v1.30.7) and cloudendpoints/esp (HEAD
// 1a01fe7e); each behaviour cites its source file in a comment.
package cors

import "time"

// Proxy is the product whose semantics a Policy follows.
type Proxy string

// Proxies.
const (
	// ESPv2 is the Envoy-based Extensible Service Proxy (default).
	ESPv2 Proxy = "espv2"
	// ESP is the nginx-based ESP v1.
	ESP Proxy = "esp"
)

// Mode says who answers CORS preflights.
type Mode string

// Modes.
const (
	// ModeOff: neither a preset nor allowCors. ESPv2 answers OPTIONS with 405
	// or 404; ESP v1 with 403 "The service does not allow CORS traffic.".
	ModeOff Mode = "off"
	// ModeBackend: allowCors in x-google-endpoints (with name == host); the
	// proxy routes OPTIONS to the backend, which must answer CORS itself.
	ModeBackend Mode = "backend"
	// ModeProxy: --cors_preset; the proxy answers preflights itself.
	ModeProxy Mode = "proxy"
	// ModeBoth: allowCors and a preset together (esp-v2 reference 1.7). Allowed
	// preflights are answered by the proxy; disallowed ones reach the backend.
	ModeBoth Mode = "both"
)

// Preset is the value of --cors_preset.
type Preset string

// Presets accepted by ESPv2 (case-sensitive; src/go/configgenerator/filtergen/cors.go).
const (
	PresetNone  Preset = ""
	PresetBasic Preset = "basic"
	PresetRegex Preset = "cors_with_regex"
)

// ESPv2 and ESP default flag values (ESPv2: src/go/options/configgenerator.go
// and docker/generic/start_proxy.py; ESP: start_esp/start_esp.py).
const (
	DefaultAllowOrigin      = "*"
	DefaultAllowMethods     = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	DefaultAllowHeadersESP2 = "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"
	DefaultAllowHeadersESP  = "DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"
	DefaultExposeHeaders    = "Content-Length,Content-Range"
	DefaultMaxAge           = 480 * time.Hour // 1728000 s; ESP v1 has it fixed
)

// Policy is the CORS configuration of one proxy, after parsing and
// normalisation. String fields hold exactly what the proxy copies into
// response headers: they are never re-joined or re-cased.
type Policy struct {
	// Proxy is whose semantics apply (ESPv2 unless set).
	Proxy Proxy
	// Preset is --cors_preset; PresetNone means the proxy handles no CORS.
	Preset Preset
	// AllowCors is x-google-endpoints[].allowCors with name == host.
	AllowCors bool
	// AllowOrigin is --cors_allow_origin (one exact origin, or "*"); used with
	// PresetBasic only.
	AllowOrigin string
	// AllowOriginRegex is --cors_allow_origin_regex; used with PresetRegex only.
	// ESPv2 matches it as RE2 against the whole Origin, case-sensitively; ESP
	// v1 as PCRE, case-insensitively, anywhere in the Origin.
	AllowOriginRegex string
	// AllowMethods, AllowHeaders and ExposeHeaders are the flag strings verbatim.
	AllowMethods  string
	AllowHeaders  string
	ExposeHeaders string
	// AllowCredentials is --cors_allow_credentials.
	AllowCredentials bool
	// MaxAge is --cors_max_age (ESPv2 only; ESP v1 always sends 1728000).
	MaxAge time.Duration
	// MaxAgeSet records that --cors_max_age was given explicitly.
	MaxAgeSet bool
}

// Mode reports who answers preflights under this policy.
func (p *Policy) Mode() Mode {
	switch {
	case p.Preset != PresetNone && p.AllowCors:
		return ModeBoth
	case p.Preset != PresetNone:
		return ModeProxy
	case p.AllowCors:
		return ModeBackend
	}
	return ModeOff
}
