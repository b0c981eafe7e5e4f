package proxy

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// ESP v1's JWT parser (cloudendpoints/esp v1.60.0
// src/api_manager/auth/lib/auth_jwt_validator.cc JwtValidatorImpl::ParseImpl,
// on grpc's claims code, src/core/lib/security/credentials/jwt/jwt_verifier.cc
// of the grpc ESP links). Its messages follow "JWT validation failed: " in
// ESP's 401 (check_auth.cc AuthChecker::Unauthenticated).
const (
	espJWTTwoDots       = "Bad JWT format: should have 2 dots"
	espJWTHeaderBase64  = "Bad JWT format: Invalid base64 in header"
	espJWTHeaderJSON    = "Bad JWT format: Invalid JSON in header"
	espJWTClaimsBase64  = "Bad JWT format: Invalid base64 in claims"
	espJWTClaimsJSON    = "Bad JWT format: Invalid JSON in claims"
	espJWTMissingAlg    = "Missing alg field."
	espJWTUnknownAlg    = "Failed to allocate memory." // ESP's text for an alg it cannot verify
	espJWTClaimsTypes   = "Bad JWT format: invalid JWT claims; e.g. wrong data type, iss is not a string."
	espJWTNoIssuer      = "Bad JWT format: invalid JWT claims; issuer is mssing but required." // sic
	espJWTTime          = "TIME_CONSTRAINT_FAILURE"
	espJWTBadSubject    = "BAD_SUBJECT"
	espJWTSigBase64     = "Bad JWT format: invalid base64 for signature"
	espJWTSigLength     = "Bad JWT format: signature length is not correct"
	espJWTMissing       = "Missing or invalid credentials"
	espJWTIssuer        = "Issuer not allowed"
	espJWTAudience      = "Audience not allowed"
	espJWTSigFailed     = "JWT signature verification failed."
	espJWTNoKeyForToken = "The JWT cannot be validated with any of the public keys."
	espJWTNoKeyForKid   = "Cannot find matching key in key set for kid="
	espJWTPrefix        = "JWT validation failed: "
)

// espToken is a JWT as ESP v1 reads it.
type espToken struct {
	token
	hasKid bool
	sub    string
	hasSub bool
	// expSet and nbfSet: the claim was given (grpc's defaults are the
	// infinite future and past).
	expSet, nbfSet bool
	expI, nbfI     int64
}

// espAlgs are the algorithms ESP v1 can verify: EvpMdFromAlg's RS and HS
// families, and anything starting with ES256 (a strncmp of five bytes).
func espAlgOK(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "HS256", "HS384", "HS512":
		return true
	}
	return strings.HasPrefix(alg, "ES256")
}

// parseTokenESP parses a token as ESP v1 does and checks its times against
// now; it returns the message of ESP's 401 ("" when the token parses).
func parseTokenESP(s string, now int64) (*espToken, string) {
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		return nil, espJWTTwoDots
	}
	t := &espToken{}
	t.headerB64 = s[:dot]
	hdr, ok := decodeB64URL(t.headerB64)
	if !ok || len(hdr) == 0 {
		return nil, espJWTHeaderBase64
	}
	h, ok := anyJSON(hdr)
	if !ok {
		return nil, espJWTHeaderJSON
	}
	hm, _ := h.(map[string]any)
	alg, ok := hm["alg"].(string)
	if !ok {
		return nil, espJWTMissingAlg
	}
	if !espAlgOK(alg) {
		return nil, espJWTUnknownAlg
	}
	t.alg = alg
	t.kid, t.hasKid = hm["kid"].(string)
	rest := s[dot+1:]
	dot = strings.IndexByte(rest, '.')
	if dot < 0 {
		return nil, espJWTTwoDots
	}
	t.payloadB64 = rest[:dot]
	pl, ok := decodeB64URL(t.payloadB64)
	if !ok || len(pl) == 0 {
		return nil, espJWTClaimsBase64
	}
	c, ok := anyJSON(pl)
	if !ok {
		return nil, espJWTClaimsJSON
	}
	claims, isObj := c.(map[string]any)
	if !isObj {
		// grpc walks the children of an object; ESP would fail on anything
		// else. serve reports it as a claims error.
		return nil, espJWTClaimsTypes
	}
	// ESP takes the audiences out first (UpdateAudience): a list becomes
	// the empty string for grpc; its strings are the token's audiences.
	switch aud := claims["aud"].(type) {
	case []any:
		for _, a := range aud {
			if s, ok := a.(string); ok {
				t.aud = append(t.aud, s)
			}
		}
		claims["aud"] = ""
	case string:
		t.aud = []string{aud}
	}
	for k, v := range claims {
		switch k {
		case "sub", "iss", "aud", "jti":
			s, ok := v.(string)
			if !ok {
				return nil, espJWTClaimsTypes
			}
			switch k {
			case "sub":
				t.sub, t.hasSub = s, true
			case "iss":
				t.iss, t.hasIss = s, true
			}
		case "iat", "exp", "nbf":
			n, ok := v.(json.Number)
			if !ok {
				return nil, espJWTClaimsTypes
			}
			sec := strtol(string(n))
			if sec == 0 {
				return nil, espJWTClaimsTypes // grpc reads 0 as "not a time"
			}
			switch k {
			case "exp":
				t.expI, t.expSet = sec, true
			case "nbf":
				t.nbfI, t.nbfSet = sec, true
			}
		}
	}
	if !t.hasIss {
		return nil, espJWTNoIssuer
	}
	// grpc_jwt_claims_check: nbf and exp with a 60 s skew, then an email
	// issuer may only assert itself as the subject.
	if t.nbfSet && now+clockSkew < t.nbfI || t.expSet && now-clockSkew > t.expI {
		return nil, espJWTTime
	}
	if strings.Contains(t.iss, "@") && t.hasSub && t.sub != t.iss {
		return nil, espJWTBadSubject
	}
	sig, ok := decodeB64URL(rest[dot+1:])
	if !ok || len(sig) == 0 {
		return nil, espJWTSigBase64
	}
	if strings.HasPrefix(t.alg, "ES256") && len(sig) != 64 {
		return nil, espJWTSigLength
	}
	t.sig = sig
	return t, ""
}

// strtol reads the leading decimal integer of a JSON number as C's strtol
// does ("1.7e9" is 1), saturating at the int64 range.
func strtol(s string) int64 {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(s[:j], 10, 64)
	if err != nil && j > i {
		if s[0] == '-' {
			return -1 << 63
		}
		return 1<<63 - 1
	}
	return n
}

// anyJSON parses one JSON value (numbers kept as written).
func anyJSON(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := d.Token(); err == nil {
		return nil, false
	}
	return v, true
}
