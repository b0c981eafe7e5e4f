package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// jwtStatus is a status of jwt_verify_lib, the library Envoy's jwt_authn
// filter verifies tokens with; its text is the message of ESPv2's 401/403
// (google/jwt_verify_lib b59e807 src/status.cc, the commit Envoy pins in
// bazel/repository_locations.bzl; texts confirmed for "Jwt is missing",
// "Jwt issuer is not configured" and "Audiences in Jwt are not allowed" by
// esp-v2 v2.55.7 tests/integration_test/jwt_auth_integration_test and
// cors_integration_test; the others are taken from the library only).
type jwtStatus uint8

const (
	jwtOK jwtStatus = iota
	jwtMissed
	jwtNotYetValid
	jwtExpired
	jwtBadFormat
	jwtHeaderBadBase64
	jwtHeaderBadJSON
	jwtHeaderBadAlg
	jwtHeaderNotImplementedAlg
	jwtHeaderBadKid
	jwtPayloadBadBase64
	jwtPayloadBadJSON
	jwtIssNotString
	jwtSubNotString
	jwtIatNotInteger
	jwtIatOutOfRange
	jwtNbfNotInteger
	jwtNbfOutOfRange
	jwtExpNotInteger
	jwtExpOutOfRange
	jwtJtiNotString
	jwtAudNotString
	jwtSignatureBadBase64
	jwtUnknownIssuer
	jwtAudienceNotAllowed
	jwtVerificationFail
	jwtEd25519SignatureWrongLength
	jwksKidAlgMismatch
)

var jwtStatusText = [...]string{
	jwtOK:                          "OK",
	jwtMissed:                      "Jwt is missing",
	jwtNotYetValid:                 "Jwt not yet valid",
	jwtExpired:                     "Jwt is expired",
	jwtBadFormat:                   "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections",
	jwtHeaderBadBase64:             "Jwt header is an invalid Base64url encoded",
	jwtHeaderBadJSON:               "Jwt header is an invalid JSON",
	jwtHeaderBadAlg:                "Jwt header [alg] field is required and must be a string",
	jwtHeaderNotImplementedAlg:     "Jwt header [alg] is not supported",
	jwtHeaderBadKid:                "Jwt header [kid] field is not a string",
	jwtPayloadBadBase64:            "Jwt payload is an invalid Base64url encoded",
	jwtPayloadBadJSON:              "Jwt payload is an invalid JSON",
	jwtIssNotString:                "Jwt payload [iss] field is not a string",
	jwtSubNotString:                "Jwt payload [sub] field is not a string",
	jwtIatNotInteger:               "Jwt payload [iat] field is not an integer",
	jwtIatOutOfRange:               "Jwt payload [iat] field is not a positive 64 bit integer",
	jwtNbfNotInteger:               "Jwt payload [nbf] field is not an integer",
	jwtNbfOutOfRange:               "Jwt payload [nbf] field is not a positive 64 bit integer",
	jwtExpNotInteger:               "Jwt payload [exp] field is not an integer",
	jwtExpOutOfRange:               "Jwt payload [exp] field is not a positive 64 bit integer",
	jwtJtiNotString:                "Jwt payload [jti] field is not a string",
	jwtAudNotString:                "Jwt payload [aud] field is not a string or string list",
	jwtSignatureBadBase64:          "Jwt signature is an invalid Base64url encoded",
	jwtUnknownIssuer:               "Jwt issuer is not configured",
	jwtAudienceNotAllowed:          "Audiences in Jwt are not allowed",
	jwtVerificationFail:            "Jwt verification fails",
	jwtEd25519SignatureWrongLength: "Jwt ED25519 signature is wrong length",
	jwksKidAlgMismatch:             "Jwks doesn't have key to match kid or alg from Jwt",
}

func (s jwtStatus) String() string { return jwtStatusText[s] }

// clockSkew is the leeway both proxies give exp and nbf (jwt_verify_lib
// kClockSkewInSecond; grpc's grpc_jwt_leeway for ESP v1): 60 s.
const clockSkew = 60

// token is a parsed JWT.
type token struct {
	// headerB64 and payloadB64 are the first two sections as sent; the
	// signature covers headerB64 + "." + payloadB64.
	headerB64, payloadB64 string
	alg, kid              string
	iss                   string
	hasIss                bool
	aud                   []string
	iat, nbf, exp         uint64
	sig                   []byte
}

// implementedAlgs are the algorithms jwt_verify_lib accepts (src/jwt.cc
// isImplemented).
var implementedAlgs = map[string]bool{
	"ES256": true, "ES384": true, "ES512": true, "HS256": true, "HS384": true, "HS512": true,
	"RS256": true, "RS384": true, "RS512": true, "PS256": true, "PS384": true, "PS512": true, "EdDSA": true,
}

// parseToken parses a JWT as jwt_verify_lib's Jwt::parseFromString does
// (google/jwt_verify_lib b59e807 src/jwt.cc): exactly three non-empty
// sections between dots (empty ones are skipped), each base64url (padding
// optional), header and payload JSON objects with fields of the right
// types. It never panics.
func parseToken(s string) (*token, jwtStatus) {
	var parts [3]string
	n := 0
	for _, p := range strings.Split(s, ".") {
		if p == "" {
			continue
		}
		if n == 3 {
			return nil, jwtBadFormat
		}
		parts[n] = p
		n++
	}
	if n != 3 {
		return nil, jwtBadFormat
	}
	t := &token{headerB64: parts[0], payloadB64: parts[1]}
	hdr, ok := decodeB64URL(parts[0])
	if !ok {
		return nil, jwtHeaderBadBase64
	}
	h, ok := jsonObject(hdr)
	if !ok {
		return nil, jwtHeaderBadJSON
	}
	switch alg := h["alg"].(type) {
	case string:
		t.alg = alg
	default:
		return nil, jwtHeaderBadAlg
	}
	if !implementedAlgs[t.alg] {
		return nil, jwtHeaderNotImplementedAlg
	}
	if v, present := h["kid"]; present {
		kid, ok := v.(string)
		if !ok {
			return nil, jwtHeaderBadKid
		}
		t.kid = kid
	}
	pl, ok := decodeB64URL(parts[1])
	if !ok {
		return nil, jwtPayloadBadBase64
	}
	p, ok := jsonObject(pl)
	if !ok {
		return nil, jwtPayloadBadJSON
	}
	for _, f := range [...]struct {
		name string
		dst  *string
		bad  jwtStatus
	}{{"iss", &t.iss, jwtIssNotString}, {"sub", nil, jwtSubNotString}} {
		if v, present := p[f.name]; present {
			s, ok := v.(string)
			if !ok {
				return nil, f.bad
			}
			if f.dst != nil {
				*f.dst = s
			}
		}
	}
	_, t.hasIss = p["iss"]
	for _, f := range [...]struct {
		name            string
		dst             *uint64
		wrong, outRange jwtStatus
	}{{"iat", &t.iat, jwtIatNotInteger, jwtIatOutOfRange}, {"nbf", &t.nbf, jwtNbfNotInteger, jwtNbfOutOfRange}, {"exp", &t.exp, jwtExpNotInteger, jwtExpOutOfRange}} {
		v, present := p[f.name]
		if !present {
			continue
		}
		num, ok := v.(json.Number)
		if !ok {
			return nil, f.wrong
		}
		// A protobuf Struct holds numbers as doubles; jwt_verify_lib's
		// GetUInt64 refuses negative ones and those from 2^64 up, and
		// truncates the rest.
		d, err := strconv.ParseFloat(string(num), 64)
		if err != nil || d < 0 || d >= 18446744073709551615.0 {
			return nil, f.outRange
		}
		*f.dst = uint64(d)
	}
	if v, present := p["jti"]; present {
		if _, ok := v.(string); !ok {
			return nil, jwtJtiNotString
		}
	}
	switch aud := p["aud"].(type) {
	case nil:
		if _, present := p["aud"]; present {
			return nil, jwtAudNotString
		}
	case string:
		t.aud = []string{aud}
	case []any:
		for _, a := range aud {
			s, ok := a.(string)
			if !ok {
				return nil, jwtAudNotString
			}
			t.aud = append(t.aud, s)
		}
	default:
		return nil, jwtAudNotString
	}
	if t.sig, ok = decodeB64URL(parts[2]); !ok {
		return nil, jwtSignatureBadBase64
	}
	return t, jwtOK
}

// checkTime is jwt_verify_lib's Jwt::verifyTimeConstraint with Envoy's
// default 60 s skew.
func (t *token) checkTime(now uint64) jwtStatus {
	if now+clockSkew < t.nbf {
		return jwtNotYetValid
	}
	if t.exp != 0 && now > t.exp+clockSkew {
		return jwtExpired
	}
	return jwtOK
}

// decodeB64URL decodes base64url with or without padding; any other byte
// fails (absl::WebSafeBase64Unescape for ESPv2, grpc's url-safe decoder for
// ESP v1).
func decodeB64URL(s string) ([]byte, bool) {
	if strings.HasSuffix(s, "=") {
		if len(s)%4 != 0 {
			return nil, false
		}
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	if len(s)%4 == 1 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return b, err == nil
}

// jsonObject parses a JSON object (numbers kept as written); false for
// anything else.
func jsonObject(b []byte) (map[string]any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil || d.More() {
		return nil, false
	}
	if _, err := d.Token(); err == nil {
		return nil, false // trailing data after the object
	}
	return m, true
}
