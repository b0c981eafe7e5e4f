package proxy

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestJWKSVerify(t *testing.T) {
	k := signingKeys(t)
	set, skipped, err := ParseJWKS([]byte(k.jwksJSON()))
	if err != nil || len(skipped) != 0 || set.Len() != 5 {
		t.Fatalf("ParseJWKS: %v, skipped %v, %d keys", err, skipped, set.Len())
	}
	claims := map[string]any{"iss": "i"}
	tests := []struct {
		name string
		hdr  map[string]any
		tok  func(string) string // alters the signed token
		want jwtStatus
	}{
		{"RS256 with its kid", map[string]any{"alg": "RS256", "kid": "rs"}, nil, jwtOK},
		{"RS256 without kid tries every key", map[string]any{"alg": "RS256"}, nil, jwtOK},
		{"PS256", map[string]any{"alg": "PS256", "kid": "ps"}, nil, jwtOK},
		{"ES256", map[string]any{"alg": "ES256", "kid": "es"}, nil, jwtOK},
		{"EdDSA", map[string]any{"alg": "EdDSA", "kid": "ed"}, nil, jwtOK},
		{"HS256", map[string]any{"alg": "HS256", "kid": "hs"}, nil, jwtOK},
		{"unknown kid", map[string]any{"alg": "RS256", "kid": "nope"}, nil, jwksKidAlgMismatch},
		{"kid of a key with another alg", map[string]any{"alg": "RS384", "kid": "rs"}, nil, jwksKidAlgMismatch},
		{"RS256 signed by another key's kid", map[string]any{"alg": "RS256", "kid": "es"}, nil, jwtVerificationFail},
		{"tampered payload", map[string]any{"alg": "ES256", "kid": "es"}, func(s string) string {
			parts := strings.Split(s, ".")
			parts[1] = b64([]byte(`{"iss":"j"}`))
			return strings.Join(parts, ".")
		}, jwtVerificationFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := k.sign(t, tt.hdr, claims)
			if tt.tok != nil {
				s = tt.tok(s)
			}
			tok, st := parseToken(s)
			if st != jwtOK {
				t.Fatalf("parse: %v", st)
			}
			if got := set.verifyESPv2(tok); got != tt.want {
				t.Errorf("verifyESPv2: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJWKSVerifyESP(t *testing.T) {
	k := signingKeys(t)
	set, _, err := ParseJWKS([]byte(k.jwksJSON()))
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"iss": "i"}
	for _, tc := range []struct {
		hdr  map[string]any
		want string
	}{
		{map[string]any{"alg": "RS256", "kid": "rs"}, ""},
		{map[string]any{"alg": "ES256", "kid": "es"}, ""},
		{map[string]any{"alg": "RS256"}, ""},
		{map[string]any{"alg": "RS256", "kid": "nope"}, espJWTNoKeyForKid + "nope"},
		// ESP v1 takes the first key with the kid and a matching family.
		{map[string]any{"alg": "RS256", "kid": "ps"}, ""},
		{map[string]any{"alg": "ES256", "kid": "rs"}, espJWTNoKeyForKid + "rs"},
	} {
		s := k.sign(t, tc.hdr, claims)
		tok, msg := parseTokenESP(s, time.Now().Unix())
		if msg != "" {
			t.Fatalf("%v: parse: %s", tc.hdr, msg)
		}
		if got := set.verifyESP(tok); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.hdr, got, tc.want)
		}
	}
	// A token without kid that no key verifies.
	s := k.sign(t, map[string]any{"alg": "RS256"}, claims)
	parts := strings.Split(s, ".")
	parts[1] = b64([]byte(`{"iss":"other"}`))
	tok, _ := parseTokenESP(strings.Join(parts, "."), time.Now().Unix())
	if got := set.verifyESP(tok); got != espJWTNoKeyForToken {
		t.Errorf("tampered token without kid: %q", got)
	}
}

func TestParseJWKSErrors(t *testing.T) {
	tests := []struct {
		name, src, err string
		skipped        int
	}{
		{"not JSON", "nope", "Jwks is an invalid JSON", 0},
		{"keys not a list", `{"keys":{}}`, "[keys] in Jwks is not an array", 0},
		{"no usable key", `{"keys":[{"kty":"RSA","n":"AQAB"},{"kid":"x"},7]}`, "Jwks doesn't have any valid public key", 2},
		{"neither keys nor certificates", `{"a":"b"}`, "Jwks does not have [keys] field", 0},
		{"bad EC point", `{"keys":[{"kty":"EC","x":"AQ","y":"AQ"}]}`, "Jwks doesn't have any valid public key", 1},
		{"EC alg against crv", `{"keys":[{"kty":"EC","alg":"ES384","crv":"P-256","x":"AQ","y":"AQ"}]}`, "Jwks doesn't have any valid public key", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, skipped, err := ParseJWKS([]byte(tt.src))
			if err == nil || err.Error() != tt.err || len(skipped) != tt.skipped {
				t.Errorf("err %v, skipped %v; want %q and %d skipped", err, skipped, tt.err, tt.skipped)
			}
		})
	}
}

// TestParseJWKSX509: Google's {kid: certificate} form, as the x509 metadata
// URLs of Firebase and service accounts serve it.
func TestParseJWKSX509(t *testing.T) {
	k := signingKeys(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.rsa.PublicKey, k.rsa)
	if err != nil {
		t.Fatal(err)
	}
	certs, _ := json.Marshal(map[string]string{"kid1": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))})
	set, _, err := ParseJWKS(certs)
	if err != nil || set.Len() != 1 {
		t.Fatalf("ParseJWKS: %v", err)
	}
	tok, _ := parseToken(k.sign(t, map[string]any{"alg": "RS256", "kid": "kid1"}, map[string]any{"iss": "i"}))
	if got := set.verifyESPv2(tok); got != jwtOK {
		t.Errorf("verify with the certificate's key: %v", got)
	}
}
