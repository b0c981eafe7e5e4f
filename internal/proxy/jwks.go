package proxy

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"hash"
	"math/big"
	"sort"
	"strings"
)

// JWKS is a local key set serve verifies token signatures with (--jwks):
// a JSON Web Key Set, or Google's {kid: PEM certificate} map (the format of
// https://www.googleapis.com/robot/v1/metadata/x509/...). serve never
// fetches a key set.
type JWKS struct {
	keys []*jwk
}

// Len is the number of usable keys.
func (s *JWKS) Len() int { return len(s.keys) }

// jwksErr is a key set problem, worded as jwt_verify_lib words it where it
// has a text (src/status.cc).
type jwksErr string

func (e jwksErr) Error() string { return string(e) }

// jwk is one public key.
type jwk struct {
	kid, alg, kty string
	hasKid        bool
	rsa           *rsa.PublicKey
	ec            *ecdsa.PublicKey
	ed            ed25519.PublicKey
	secret        []byte
}

// ParseJWKS reads a key set as jwt_verify_lib does (google/jwt_verify_lib
// b59e807 src/jwks.cc createFromJwksCore): a JSON object with a keys list
// whose entries each need a kty of RSA (n, e; alg RS* or PS*), EC (x, y;
// crv P-256, P-384 or P-521 or implied by an ES* alg, P-256 when neither is
// given), oct (k; alg HS*) or OKP (crv Ed25519, x); entries it cannot use
// are skipped, as jwt_verify_lib skips them, and reported in skipped. A set
// without a usable key is an error.
func ParseJWKS(data []byte) (s *JWKS, skipped []string, err error) {
	root, ok := jsonObject(data)
	if !ok {
		return nil, nil, jwksErr("Jwks is an invalid JSON") // jwt_verify_lib's text
	}
	s = &JWKS{}
	keys, present := root["keys"]
	if !present {
		if err := s.addX509(root); err != nil {
			return nil, nil, err
		}
		return s, nil, nil
	}
	list, ok := keys.([]any)
	if !ok {
		return nil, nil, jwksErr("[keys] in Jwks is not an array")
	}
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		k, err := parseJWK(m)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("keys[%d]: %v", i, err))
			continue
		}
		s.keys = append(s.keys, k)
	}
	if len(s.keys) == 0 {
		return nil, skipped, jwksErr("Jwks doesn't have any valid public key")
	}
	return s, skipped, nil
}

// addX509 reads Google's {kid: "-----BEGIN CERTIFICATE-----…"} map (the
// RSA keys of its certificates).
func (s *JWKS) addX509(root map[string]any) error {
	kids := make([]string, 0, len(root))
	for kid := range root {
		kids = append(kids, kid)
	}
	sort.Strings(kids)
	for _, kid := range kids {
		v, ok := root[kid].(string)
		if kid == "" || !ok || !strings.HasPrefix(v, "-----BEGIN CERTIFICATE-----") {
			return jwksErr("Jwks does not have [keys] field")
		}
		b, _ := pem.Decode([]byte(v))
		if b == nil {
			return fmt.Errorf("certificate %q: not PEM", kid)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return fmt.Errorf("certificate %q: %w", kid, err)
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("certificate %q: not an RSA key", kid)
		}
		s.keys = append(s.keys, &jwk{kid: kid, hasKid: true, kty: "RSA", rsa: pub})
	}
	if len(s.keys) == 0 {
		return jwksErr("Jwks does not have [keys] field")
	}
	return nil
}

func parseJWK(m map[string]any) (*jwk, error) {
	k := &jwk{}
	kty, present := m["kty"]
	if !present {
		return nil, jwksErr("[kty] is missing in [keys]")
	}
	if k.kty, present = kty.(string); !present {
		return nil, jwksErr("[kty] is bad in [keys]")
	}
	k.kid, k.hasKid = m["kid"].(string)
	k.alg, _ = m["alg"].(string)
	field := func(name string) ([]byte, error) {
		v, present := m[name]
		if !present {
			return nil, fmt.Errorf("[%s] field is missing", name)
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("[%s] field is not a string", name)
		}
		b, ok := decodeB64URL(s)
		if !ok || len(b) == 0 {
			return nil, fmt.Errorf("[%s] field is an invalid Base64", name)
		}
		return b, nil
	}
	switch k.kty {
	case "RSA":
		if k.alg != "" && !strings.HasPrefix(k.alg, "RS") && !strings.HasPrefix(k.alg, "PS") {
			return nil, jwksErr("[alg] is not started with [RS] or [PS] for an RSA key")
		}
		n, err := field("n")
		if err != nil {
			return nil, err
		}
		e, err := field("e")
		if err != nil {
			return nil, err
		}
		eb := new(big.Int).SetBytes(e)
		if !eb.IsInt64() || eb.Int64() < 2 || eb.Int64() > 1<<31-1 {
			return nil, jwksErr("Jwks RSA [n] or [e] field is missing or has a parse error")
		}
		k.rsa = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(eb.Int64())}
	case "EC":
		if k.alg != "" && !strings.HasPrefix(k.alg, "ES") {
			return nil, jwksErr("[alg] is not started with [ES] for an EC key")
		}
		crv, _ := m["crv"].(string)
		if k.alg != "" && crv != "" && !(k.alg == "ES256" && crv == "P-256" || k.alg == "ES384" && crv == "P-384" || k.alg == "ES512" && crv == "P-521") {
			return nil, jwksErr("[crv] field specified is not compatible with [alg] for an EC key")
		}
		var curve elliptic.Curve
		switch {
		case k.alg == "ES256" || crv == "P-256" || k.alg == "" && crv == "":
			curve = elliptic.P256()
		case k.alg == "ES384" || crv == "P-384":
			curve = elliptic.P384()
		case k.alg == "ES512" || crv == "P-521":
			curve = elliptic.P521()
		default:
			return nil, jwksErr("[crv] or [alg] field is not supported for an EC key")
		}
		x, err := field("x")
		if err != nil {
			return nil, err
		}
		y, err := field("y")
		if err != nil {
			return nil, err
		}
		// The uncompressed point 04 || X || Y, coordinates left-padded to
		// the curve's size; ParseUncompressedPublicKey checks it is on the
		// curve.
		size := (curve.Params().BitSize + 7) / 8
		x, y = bytes.TrimLeft(x, "\x00"), bytes.TrimLeft(y, "\x00")
		if len(x) > size || len(y) > size {
			return nil, jwksErr("Jwks EC [x] and [y] fields have a parse error.")
		}
		pt := make([]byte, 1+2*size)
		pt[0] = 4
		copy(pt[1+size-len(x):], x)
		copy(pt[1+2*size-len(y):], y)
		if k.ec, err = ecdsa.ParseUncompressedPublicKey(curve, pt); err != nil {
			return nil, jwksErr("Jwks EC [x] and [y] fields have a parse error.")
		}
	case "oct":
		if k.alg != "" && k.alg != "HS256" && k.alg != "HS384" && k.alg != "HS512" {
			return nil, jwksErr("[alg] does not start with [HS] for an HMAC key")
		}
		secret, err := field("k")
		if err != nil {
			return nil, err
		}
		k.secret = secret
	case "OKP":
		if k.alg != "" && k.alg != "EdDSA" {
			return nil, jwksErr("[alg] is not [EdDSA] for an OKP key")
		}
		if crv, _ := m["crv"].(string); crv != "Ed25519" {
			return nil, jwksErr("[crv] field is not supported for an OKP key")
		}
		x, err := field("x")
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, jwksErr("Jwks OKP [x] field is wrong length.")
		}
		k.ed = ed25519.PublicKey(x)
	default:
		return nil, jwksErr("[kty] is not supported in [keys]")
	}
	return k, nil
}

// verifyESPv2 is jwt_verify_lib's verifyJwtWithoutTimeChecking (src/verify.cc):
// every key whose kid (when both have one) and alg (when the key has one)
// match is tried; jwksKidAlgMismatch when none matches.
func (s *JWKS) verifyESPv2(t *token) jwtStatus {
	signed := t.headerB64 + "." + t.payloadB64
	matched := false
	for _, k := range s.keys {
		if t.kid != "" && k.kid != "" && k.kid != t.kid {
			continue
		}
		if k.alg != "" && k.alg != t.alg {
			continue
		}
		matched = true
		if k.kty == "OKP" && len(t.sig) != ed25519.SignatureSize {
			return jwtEd25519SignatureWrongLength
		}
		if k.verify(t.alg, signed, t.sig) {
			return jwtOK
		}
	}
	if matched {
		return jwtVerificationFail
	}
	return jwksKidAlgMismatch
}

// verifyESP is ESP v1's key search (auth_jwt_validator.cc
// ExtractAndVerifyJwkKeys): keys without a kid, or whose kid differs from
// the token's, are skipped, as are keys of another family than the alg; with
// a kid in the token the first such key decides. It returns ESP's message,
// "" when the signature verifies.
func (s *JWKS) verifyESP(t *espToken) string {
	signed := t.headerB64 + "." + t.payloadB64
	for _, k := range s.keys {
		if !k.hasKid || t.hasKid && k.kid != t.kid {
			continue
		}
		if strings.HasPrefix(t.alg, "RS") && k.kty != "RSA" || strings.HasPrefix(t.alg, "ES256") && k.kty != "EC" ||
			strings.HasPrefix(t.alg, "HS") && k.kty != "oct" {
			continue
		}
		ok := k.verify(t.alg, signed, t.sig)
		if t.hasKid {
			if ok {
				return ""
			}
			return espJWTSigFailed
		}
		if ok {
			return ""
		}
	}
	if t.hasKid {
		return espJWTNoKeyForKid + t.kid
	}
	return espJWTNoKeyForToken
}

// verify checks sig over signed with the key, for alg.
func (k *jwk) verify(alg, signed string, sig []byte) bool {
	var h crypto.Hash
	var mk func() hash.Hash
	switch {
	case strings.HasSuffix(alg, "384"):
		h, mk = crypto.SHA384, sha512.New384
	case strings.HasSuffix(alg, "512"):
		h, mk = crypto.SHA512, sha512.New
	default:
		h, mk = crypto.SHA256, sha256.New
	}
	digest := func() []byte {
		d := mk()
		d.Write([]byte(signed))
		return d.Sum(nil)
	}
	switch k.kty {
	case "RSA":
		switch {
		case strings.HasPrefix(alg, "RS"):
			return rsa.VerifyPKCS1v15(k.rsa, h, digest(), sig) == nil
		case strings.HasPrefix(alg, "PS"):
			return rsa.VerifyPSS(k.rsa, h, digest(), sig, nil) == nil
		}
	case "EC":
		// JWS ECDSA signatures are r || s, each the curve's size.
		size := (k.ec.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(k.ec, digest(), r, s)
	case "oct":
		m := hmac.New(mk, k.secret)
		m.Write([]byte(signed))
		return hmac.Equal(m.Sum(nil), sig)
	case "OKP":
		return ed25519.Verify(k.ed, []byte(signed), sig)
	}
	return false
}
