package probe

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
)

// ProxyAnswer is a response the proxy (ESPv2 or ESP) made itself, recognised
// by its own error body: the request never reached the backend.
type ProxyAnswer struct {
	// Proxy is whose answer it is.
	Proxy cors.Proxy `json:"proxy"`
	// Kind names the answer (the AnswerKind constants).
	Kind AnswerKind `json:"kind"`
	// Message is the message of the body.
	Message string `json:"message"`
}

// AnswerKind names a proxy-made answer.
type AnswerKind string

// Answer kinds. The texts they are recognised by are ESPv2's and ESP's own
// (cited where each is matched).
const (
	// AnswerNotDefined: ESPv2's deny-all route, 404: no operation has the path.
	AnswerNotDefined AnswerKind = "not-defined-404"
	// AnswerMethodNotAllowed: ESPv2's 405: the path is known, the method is not.
	AnswerMethodNotAllowed AnswerKind = "method-not-allowed-405"
	// AnswerCORSFallback: ESPv2's 400 for an OPTIONS the CORS preflight route
	// did not take (origin not allowed, or Origin/ACRM missing).
	AnswerCORSFallback AnswerKind = "cors-fallback-400"
	// AnswerAPIKey: the API-key (service control) check refused the request
	// (ESPv2 and ESP).
	AnswerAPIKey AnswerKind = "api-key"
	// AnswerJWT: the JWT check refused the request (ESPv2's jwt_authn, ESP's
	// auth checker).
	AnswerJWT AnswerKind = "jwt"
	// AnswerUpstream: the proxy could not get an answer from the backend.
	AnswerUpstream AnswerKind = "upstream-failure"
	// AnswerESPNoCORS: ESP's 403 for an OPTIONS no method matches.
	AnswerESPNoCORS AnswerKind = "esp-no-cors-403"
	// AnswerESPNotFound: ESP's 404 for a request no method matches.
	AnswerESPNotFound AnswerKind = "esp-not-found-404"
)

// Credentials reports whether the answer refused the request for its
// credentials (a missing or bad API key or JWT).
func (k AnswerKind) Credentials() bool { return k == AnswerAPIKey || k == AnswerJWT }

// Describe says in a few words what answered and why.
func (a *ProxyAnswer) Describe() string {
	who := a.Proxy.Title()
	switch a.Kind {
	case AnswerNotDefined:
		return who + "'s 404: no operation of the deployed spec has this path"
	case AnswerMethodNotAllowed:
		return who + "'s 405: the deployed spec has the path but not this method"
	case AnswerCORSFallback:
		return who + "'s CORS fallback 400: its CORS filter did not take this OPTIONS (origin not allowed, or no --cors_preset with this origin)"
	case AnswerAPIKey:
		return who + "'s API-key check refused the request"
	case AnswerJWT:
		return who + "'s JWT check refused the request"
	case AnswerUpstream:
		return who + " got no answer from the backend"
	case AnswerESPNoCORS:
		return who + "'s 403 for an OPTIONS no method matches (no --cors_preset, no allowCors route)"
	case AnswerESPNotFound:
		return who + "'s 404: no method of the deployed spec matches"
	}
	return who + " answered itself"
}

// RecognizeProxyAnswer tells a response the proxy made itself from the
// backend's: ESPv2 and ESP write their refusals as JSON {"code", "message"}
// (ESPv2's local_reply_config: code is the HTTP status; ESP: a google.rpc
// code) with messages no backend writes. It returns false for anything else.
func RecognizeProxyAnswer(status int, body []byte) (*ProxyAnswer, bool) {
	var m struct {
		Code    *int    `json:"code"`
		Message *string `json:"message"`
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &m) != nil || m.Code == nil || m.Message == nil {
		return nil, false
	}
	msg := *m.Message
	a := &ProxyAnswer{Proxy: cors.ESPv2, Message: msg}
	if *m.Code == status {
		// ESPv2: the body's code is the HTTP status.
		switch {
		case status == http.StatusNotFound && msg == proxy.MsgNotDefined:
			a.Kind = AnswerNotDefined
		case status == http.StatusMethodNotAllowed && proxy.IsMethodNotAllowed(msg):
			a.Kind = AnswerMethodNotAllowed
		case status == http.StatusBadRequest && msg == proxy.MsgPreflightMissing:
			a.Kind = AnswerCORSFallback
		// esp-v2 src/envoy/http/service_control/handler_impl.cc (no API key)
		// and src/api_proxy/service_control/check_response_convert_utils.cc
		// (Check errors), written "STATUS_NAME: message".
		case strings.HasPrefix(msg, "UNAUTHENTICATED: Method doesn't allow unregistered callers"),
			strings.HasPrefix(msg, "INVALID_ARGUMENT: API key"),
			strings.HasPrefix(msg, "PERMISSION_DENIED: ") && (status == http.StatusForbidden),
			strings.HasPrefix(msg, "RESOURCE_EXHAUSTED: Quota"):
			a.Kind = AnswerAPIKey
		// Envoy's jwt_authn status texts, as ESPv2's integration tests
		// expect them ("Jwt is missing", "Jwks remote fetch is failed",
		// "Audiences in Jwt are not allowed", …).
		case (status == http.StatusUnauthorized || status == http.StatusForbidden) &&
			(strings.HasPrefix(msg, "Jwt ") || strings.HasPrefix(msg, "Jwks ") || msg == "Audiences in Jwt are not allowed"):
			a.Kind = AnswerJWT
		case status >= 500 && (strings.HasPrefix(msg, "upstream connect error") || msg == proxy.MsgUpstreamTimeout):
			a.Kind = AnswerUpstream
		}
		if a.Kind != "" {
			return a, true
		}
	}
	// ESP v1: google.rpc codes (cloudendpoints/esp src/api_manager
	// check_service_control.cc, check_auth.cc; src/nginx/error.cc).
	a.Proxy = cors.ESP
	switch {
	case status == http.StatusForbidden && *m.Code == 7 && msg == proxy.MsgESPNoCORS:
		a.Kind = AnswerESPNoCORS
	case status == http.StatusNotFound && *m.Code == 5 && msg == proxy.MsgESPNoSuchCall:
		a.Kind = AnswerESPNotFound
	case *m.Code == 16 && strings.HasPrefix(msg, "Method doesn't allow unregistered callers"),
		*m.Code == 3 && strings.HasPrefix(msg, "API key "):
		a.Kind = AnswerAPIKey
	case *m.Code == 16 && strings.HasPrefix(msg, "JWT validation failed: "):
		a.Kind = AnswerJWT
	default:
		return nil, false
	}
	return a, true
}
