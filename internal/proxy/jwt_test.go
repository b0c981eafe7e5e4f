package proxy

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var b64 = base64.RawURLEncoding.EncodeToString

// testKeys are the keys the tests sign with, made once per test binary.
type testKeys struct {
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	ed   ed25519.PrivateKey
	hmac []byte
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func signingKeys(t testing.TB) *testKeys {
	keysOnce.Do(func() {
		var err error
		if keys.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keys.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if _, keys.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
		keys.hmac = []byte("a shared secret of some length!!")
	})
	return &keys
}

// jwksJSON is a key set holding the public halves of testKeys, each with a
// kid named after its algorithm.
func (k *testKeys) jwksJSON() string {
	ecPub, _ := k.ec.PublicKey.Bytes() // 04 || X || Y
	set := map[string]any{"keys": []any{
		map[string]any{"kty": "RSA", "kid": "rs", "alg": "RS256", "n": b64(k.rsa.N.Bytes()), "e": b64(big.NewInt(int64(k.rsa.E)).Bytes())},
		map[string]any{"kty": "RSA", "kid": "ps", "n": b64(k.rsa.N.Bytes()), "e": b64(big.NewInt(int64(k.rsa.E)).Bytes())},
		map[string]any{"kty": "EC", "kid": "es", "crv": "P-256", "x": b64(ecPub[1:33]), "y": b64(ecPub[33:])},
		map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": b64(k.ed.Public().(ed25519.PublicKey))},
		map[string]any{"kty": "oct", "kid": "hs", "alg": "HS256", "k": b64(k.hmac)},
	}}
	b, _ := json.Marshal(set)
	return string(b)
}

// sign makes a token: header and claims as JSON, signed with the key that
// fits alg ("none" leaves the signature as garbage).
func (k *testKeys) sign(t testing.TB, header, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	signed := b64(h) + "." + b64(c)
	digest := sha256.Sum256([]byte(signed))
	var sig []byte
	var err error
	switch header["alg"] {
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.rsa, crypto.SHA256, digest[:])
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, k.rsa, crypto.SHA256, digest[:], nil)
	case "ES256":
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k.ec, digest[:])
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	case "EdDSA":
		sig = ed25519.Sign(k.ed, []byte(signed))
	case "HS256":
		m := hmac.New(sha256.New, k.hmac)
		m.Write([]byte(signed))
		sig = m.Sum(nil)
	default:
		sig = []byte("unsigned")
	}
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + b64(sig)
}

func TestParseToken(t *testing.T) {
	hdr := b64([]byte(`{"alg":"RS256","kid":"k1"}`))
	pl := func(s string) string { return b64([]byte(s)) }
	sig := b64([]byte("sig"))
	tests := []struct {
		name string
		tok  string
		want jwtStatus
		aud  []string
	}{
		{"valid", hdr + "." + pl(`{"iss":"i","aud":["a","b"],"exp":1e9}`) + "." + sig, jwtOK, []string{"a", "b"}},
		{"padded base64", hdr + "." + base64.URLEncoding.EncodeToString([]byte(`{"iss":"i","aud":"x"}`)) + "." + sig, jwtOK, []string{"x"}},
		{"empty sections are skipped", hdr + ".." + pl(`{}`) + "." + sig, jwtOK, nil},
		{"two sections", hdr + "." + pl(`{}`), jwtBadFormat, nil},
		{"four sections", hdr + "." + pl(`{}`) + "." + sig + ".x", jwtBadFormat, nil},
		{"not base64 header", "a*b." + pl(`{}`) + "." + sig, jwtHeaderBadBase64, nil},
		{"standard base64 alphabet", strings.ReplaceAll(hdr, "J", "+") + "." + pl(`{}`) + "." + sig, jwtHeaderBadBase64, nil},
		{"header not JSON", pl("nope") + "." + pl(`{}`) + "." + sig, jwtHeaderBadJSON, nil},
		{"header a list", pl(`[1]`) + "." + pl(`{}`) + "." + sig, jwtHeaderBadJSON, nil},
		{"no alg", pl(`{"kid":"k"}`) + "." + pl(`{}`) + "." + sig, jwtHeaderBadAlg, nil},
		{"alg null", pl(`{"alg":null}`) + "." + pl(`{}`) + "." + sig, jwtHeaderBadAlg, nil},
		{"alg none", pl(`{"alg":"none"}`) + "." + pl(`{}`) + "." + sig, jwtHeaderNotImplementedAlg, nil},
		{"kid a number", pl(`{"alg":"RS256","kid":7}`) + "." + pl(`{}`) + "." + sig, jwtHeaderBadKid, nil},
		{"payload not base64", hdr + ".%%%." + sig, jwtPayloadBadBase64, nil},
		{"payload not JSON", hdr + "." + pl(`{"iss":`) + "." + sig, jwtPayloadBadJSON, nil},
		{"payload trailing data", hdr + "." + pl(`{} {}`) + "." + sig, jwtPayloadBadJSON, nil},
		{"iss a number", hdr + "." + pl(`{"iss":1}`) + "." + sig, jwtIssNotString, nil},
		{"sub null", hdr + "." + pl(`{"sub":null}`) + "." + sig, jwtSubNotString, nil},
		{"iat a string", hdr + "." + pl(`{"iat":"1"}`) + "." + sig, jwtIatNotInteger, nil},
		{"nbf negative", hdr + "." + pl(`{"nbf":-1}`) + "." + sig, jwtNbfOutOfRange, nil},
		{"exp a string", hdr + "." + pl(`{"exp":"soon"}`) + "." + sig, jwtExpNotInteger, nil},
		{"exp too large", hdr + "." + pl(`{"exp":1e20}`) + "." + sig, jwtExpOutOfRange, nil},
		{"jti a list", hdr + "." + pl(`{"jti":[]}`) + "." + sig, jwtJtiNotString, nil},
		{"aud a number", hdr + "." + pl(`{"aud":1}`) + "." + sig, jwtAudNotString, nil},
		{"aud list with a number", hdr + "." + pl(`{"aud":["a",1]}`) + "." + sig, jwtAudNotString, nil},
		{"signature not base64", hdr + "." + pl(`{}`) + ".a+b", jwtSignatureBadBase64, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, st := parseToken(tt.tok)
			if st != tt.want {
				t.Fatalf("status %q, want %q", st, tt.want)
			}
			if st == jwtOK {
				if diff := cmp.Diff(tt.aud, tok.aud); diff != "" {
					t.Errorf("audiences (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestTokenTime(t *testing.T) {
	tok := &token{nbf: 1000, exp: 2000}
	for _, tc := range []struct {
		now  uint64
		want jwtStatus
	}{{939, jwtNotYetValid}, {940, jwtOK}, {2060, jwtOK}, {2061, jwtExpired}} {
		if got := tok.checkTime(tc.now); got != tc.want {
			t.Errorf("now %d: %v, want %v", tc.now, got, tc.want)
		}
	}
	if got := (&token{}).checkTime(1 << 40); got != jwtOK {
		t.Errorf("no exp: %v", got)
	}
}

func TestParseTokenESP(t *testing.T) {
	pl := func(s string) string { return b64([]byte(s)) }
	hdr := pl(`{"alg":"RS256"}`)
	sig := b64([]byte("sig"))
	const now = 2000
	tests := []struct {
		name, tok, want string
	}{
		{"valid", hdr + "." + pl(`{"iss":"i","aud":["a"],"exp":3000}`) + "." + sig, ""},
		{"no dot", "abc", espJWTTwoDots},
		{"one dot", hdr + "." + pl(`{"iss":"i"}`), espJWTTwoDots},
		{"empty header", "." + pl(`{}`) + "." + sig, espJWTHeaderBase64},
		{"header not JSON", pl("x") + "." + pl(`{}`) + "." + sig, espJWTHeaderJSON},
		{"no alg", pl(`{}`) + "." + pl(`{}`) + "." + sig, espJWTMissingAlg},
		{"PS256 is unknown to ESP", pl(`{"alg":"PS256"}`) + "." + pl(`{"iss":"i"}`) + "." + sig, espJWTUnknownAlg},
		{"claims not base64", hdr + ".*." + sig, espJWTClaimsBase64},
		{"claims not JSON", hdr + "." + pl("[") + "." + sig, espJWTClaimsJSON},
		{"iss a number", hdr + "." + pl(`{"iss":1}`) + "." + sig, espJWTClaimsTypes},
		{"exp zero", hdr + "." + pl(`{"iss":"i","exp":0}`) + "." + sig, espJWTClaimsTypes},
		{"aud a number", hdr + "." + pl(`{"iss":"i","aud":3}`) + "." + sig, espJWTClaimsTypes},
		{"no issuer", hdr + "." + pl(`{"sub":"s"}`) + "." + sig, espJWTNoIssuer},
		{"expired", hdr + "." + pl(`{"iss":"i","exp":1939}`) + "." + sig, espJWTTime},
		{"within the skew", hdr + "." + pl(`{"iss":"i","exp":1940}`) + "." + sig, ""},
		{"not yet valid", hdr + "." + pl(`{"iss":"i","nbf":2061}`) + "." + sig, espJWTTime},
		{"exp read as strtol does", hdr + "." + pl(`{"iss":"i","exp":1.9e9}`) + "." + sig, espJWTTime},
		{"email issuer with another subject", hdr + "." + pl(`{"iss":"a@b.c","sub":"x"}`) + "." + sig, espJWTBadSubject},
		{"empty signature", hdr + "." + pl(`{"iss":"i"}`) + ".", espJWTSigBase64},
		{"ES256 signature length", pl(`{"alg":"ES256"}`) + "." + pl(`{"iss":"i"}`) + "." + sig, espJWTSigLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, msg := parseTokenESP(tt.tok, now)
			if msg != tt.want {
				t.Errorf("message %q, want %q", msg, tt.want)
			}
		})
	}
}

// FuzzParseToken: neither parser panics on any input; a token ESPv2's
// parser accepts keeps its sections as sent, and the parse is stable
// (parsing the sections again gives the same claims).
func FuzzParseToken(f *testing.F) {
	k := signingKeys(f)
	f.Add(k.sign(f, map[string]any{"alg": "RS256", "kid": "rs"}, map[string]any{"iss": "i", "aud": []string{"a"}, "exp": 1e9}))
	f.Add(k.sign(f, map[string]any{"alg": "ES256"}, map[string]any{"iss": "a@b", "sub": "c", "nbf": 5}))
	f.Add("a..b.c")
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	f.Add("Bearer x.y.z")
	f.Add(b64([]byte(`{"alg":"HS256","kid":null}`)) + "." + b64([]byte(`{"aud":[1]}`)) + ".c2ln")
	f.Fuzz(func(t *testing.T, s string) {
		parseTokenESP(s, 1700000000)
		tok, st := parseToken(s)
		if int(st) >= len(jwtStatusText) {
			t.Fatalf("status %d has no text", st)
		}
		if st != jwtOK {
			if tok != nil {
				t.Fatalf("status %v with a token", st)
			}
			return
		}
		if !strings.Contains(s, tok.headerB64) || !strings.Contains(s, tok.payloadB64) {
			t.Fatalf("sections %q %q not in %q", tok.headerB64, tok.payloadB64, s)
		}
		again, st2 := parseToken(tok.headerB64 + "." + tok.payloadB64 + "." + b64(tok.sig))
		if st2 != jwtOK || again.iss != tok.iss || again.exp != tok.exp || !cmp.Equal(again.aud, tok.aud) {
			t.Fatalf("reparse of %q: %v %+v, first %+v", s, st2, again, tok)
		}
	})
}
