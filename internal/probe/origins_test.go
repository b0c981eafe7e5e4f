package probe

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOrigins(t *testing.T) {
	for _, tc := range []struct {
		name    string
		given   []string
		hostile bool
		want    []Origin
	}{
		{name: "given only", given: []string{"https://app.example.com"}, want: []Origin{{Value: "https://app.example.com", Kind: OriginGiven}}},
		{name: "https host", given: []string{"https://app.example.com"}, hostile: true, want: []Origin{
			{Value: "https://app.example.com", Kind: OriginGiven},
			{Value: "https://corsgate-probe.evil.test", Kind: OriginUnrelated},
			{Value: "null", Kind: OriginNull},
			{Value: "https://app.example.com.evil.test", Kind: OriginSuffix, From: "https://app.example.com"},
			{Value: "https://evilapp.example.com", Kind: OriginPrefix, From: "https://app.example.com"},
			{Value: "http://app.example.com", Kind: OriginInsecure, From: "https://app.example.com"},
			{Value: "https://evil.app.example.com", Kind: OriginSubdomain, From: "https://app.example.com"},
		}},
		{name: "http with port: no downgrade", given: []string{"http://localhost:3000"}, hostile: true, want: []Origin{
			{Value: "http://localhost:3000", Kind: OriginGiven},
			{Value: "https://corsgate-probe.evil.test", Kind: OriginUnrelated},
			{Value: "null", Kind: OriginNull},
			{Value: "http://localhost.evil.test:3000", Kind: OriginSuffix, From: "http://localhost:3000"},
			{Value: "http://evillocalhost:3000", Kind: OriginPrefix, From: "http://localhost:3000"},
			{Value: "http://evil.localhost:3000", Kind: OriginSubdomain, From: "http://localhost:3000"},
		}},
		{name: "IP literal: no prefix or subdomain", given: []string{"http://127.0.0.1:8001"}, hostile: true, want: []Origin{
			{Value: "http://127.0.0.1:8001", Kind: OriginGiven},
			{Value: "https://corsgate-probe.evil.test", Kind: OriginUnrelated},
			{Value: "null", Kind: OriginNull},
			{Value: "http://127.0.0.1.evil.test:8001", Kind: OriginSuffix, From: "http://127.0.0.1:8001"},
		}},
		{name: "a variant equal to a given origin is left out", given: []string{"https://a.test", "http://a.test"}, hostile: true, want: []Origin{
			{Value: "https://a.test", Kind: OriginGiven},
			{Value: "http://a.test", Kind: OriginGiven},
			{Value: "https://corsgate-probe.evil.test", Kind: OriginUnrelated},
			{Value: "null", Kind: OriginNull},
			{Value: "https://a.test.evil.test", Kind: OriginSuffix, From: "https://a.test"},
			{Value: "https://evila.test", Kind: OriginPrefix, From: "https://a.test"},
			{Value: "https://evil.a.test", Kind: OriginSubdomain, From: "https://a.test"},
			{Value: "http://a.test.evil.test", Kind: OriginSuffix, From: "http://a.test"},
			{Value: "http://evila.test", Kind: OriginPrefix, From: "http://a.test"},
			{Value: "http://evil.a.test", Kind: OriginSubdomain, From: "http://a.test"},
		}},
		{name: "null given", given: []string{"null"}, hostile: true, want: []Origin{
			{Value: "null", Kind: OriginGiven},
			{Value: "https://corsgate-probe.evil.test", Kind: OriginUnrelated},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Origins(tc.given, tc.hostile)); diff != "" {
				t.Errorf("Origins (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOrigin(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://app.example.com":       true,
		"http://localhost:3000":         true,
		"http://[::1]:8080":             true,
		"null":                          true,
		"https://app.example.com/":      false,
		"https://app.example.com/x":     false,
		"https://App.example.com":       false,
		"https://app.example.com:443":   false,
		"http://app.example.com:80":     false,
		"app.example.com":               false,
		"ftp://app.example.com":         false,
		"https://user@app.example.com":  false,
		"https://app.example.com?x":     false,
		"https://app.example.com#frag":  false,
		"https://app.example.com:8443":  true,
		"https://app.example.com,https": false,
	} {
		if err := ParseOrigin(in); (err == nil) != ok {
			t.Errorf("ParseOrigin(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"https://app.example.com", "null", "http://[::1]:80", "https://a/", "%zz", "http://a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ParseOrigin(s) != nil {
			return
		}
		// An accepted origin yields variants that are themselves origins.
		for _, o := range Origins([]string{s}, true) {
			if o.Kind.Hostile() && o.Value != "null" && ParseOrigin(o.Value) != nil {
				t.Errorf("variant %q of %q is not an origin: %v", o.Value, s, ParseOrigin(o.Value))
			}
		}
	})
}
