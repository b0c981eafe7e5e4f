package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSchemeCredentials(t *testing.T) {
	espv2Defaults := []Credential{
		{In: "header", Name: "Authorization", Prefix: "Bearer ", Default: true},
		{In: "header", Name: "X-Goog-Iap-Jwt-Assertion", Default: true},
		{In: "query", Name: "access_token", Default: true},
	}
	envoyDefaults := []Credential{
		{In: "header", Name: "Authorization", Prefix: "Bearer ", Default: true},
		{In: "query", Name: "access_token", Default: true},
	}
	tests := []struct {
		name   string
		scheme string // the securityDefinitions entry "s"
		want   []Credential
	}{
		{"apiKey in query", "{type: apiKey, name: key, in: query}", []Credential{{In: "query", Name: "key"}}},
		{"apiKey in header", "{type: apiKey, name: X-Api-Key, in: header}", []Credential{{In: "header", Name: "X-Api-Key"}}},
		{"apiKey type any case", "{type: APIKEY, name: k, in: query}", []Credential{{In: "query", Name: "k"}}},
		{"apiKey in as written", "{type: apiKey, name: sid, in: cookie}", []Credential{{In: "cookie", Name: "sid"}}},
		{"apiKey without name", "{type: apiKey, in: query}", nil},
		{"apiKey name not a string", "{type: apiKey, name: 5, in: query}", nil},
		{"jwt without locations", "{type: oauth2, x-google-issuer: i}", espv2Defaults},
		{"jwt empty locations", "{type: oauth2, x-google-jwt-locations: []}", espv2Defaults},
		{"jwt locations not a list", "{type: oauth2, x-google-jwt-locations: {header: X}}", espv2Defaults},
		{"jwt locations", `{type: oauth2, x-google-jwt-locations: [{header: X-Token, value_prefix: "T "}, {header: Y, valuePrefix: "Y "}, {query: jwt}]}`,
			[]Credential{{In: "header", Name: "X-Token", Prefix: "T "}, {In: "header", Name: "Y", Prefix: "Y "}, {In: "query", Name: "jwt"}}},
		{"jwt header and query in one item", "{type: oauth2, x-google-jwt-locations: [{header: H, query: q}]}",
			[]Credential{{In: "header", Name: "H"}, {In: "query", Name: "q"}}},
		{"jwt cookie only", "{type: oauth2, x-google-jwt-locations: [{cookie: c}]}", envoyDefaults},
		{"jwt non-string location skipped", "{type: oauth2, x-google-jwt-locations: [{query: 5}, {header: H}]}", []Credential{{In: "header", Name: "H"}}},
		{"basic", "{type: basic}", nil},
		{"no type", "{name: key, in: query}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "swagger: \"2.0\"\nsecurityDefinitions:\n  s: " + tt.scheme + "\npaths: {}\n"
			doc, err := Parse("c.yaml", []byte(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := doc.Google().Scheme("s")
			if s == nil {
				t.Fatal("scheme s not in the model")
			}
			if diff := cmp.Diff(tt.want, s.Credentials()); diff != "" {
				t.Errorf("Credentials() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSchemeCredentialsOpenAPI3 reads the same facts from OpenAPI 3.x
// security schemes (x-google-auth holds the JWT settings).
func TestSchemeCredentialsOpenAPI3(t *testing.T) {
	tests := []struct {
		name   string
		scheme string // the components.securitySchemes entry "s"
		want   []Credential
	}{
		{"apiKey in header", "{type: apiKey, name: x-api-key, in: header}", []Credential{{In: "header", Name: "x-api-key"}}},
		{"apiKey in cookie", "{type: apiKey, name: sid, in: cookie}", []Credential{{In: "cookie", Name: "sid"}}},
		{"jwt locations", `{type: oauth2, x-google-auth: {issuer: i, jwtLocations: [{header: X-Token, valuePrefix: "T "}, {query: jwt}]}}`,
			[]Credential{{In: "header", Name: "X-Token", Prefix: "T "}, {In: "query", Name: "jwt"}}},
		{"openIdConnect without locations", "{type: openIdConnect, openIdConnectUrl: u, x-google-auth: {issuer: i}}", []Credential{
			{In: "header", Name: "Authorization", Prefix: "Bearer ", Default: true},
			{In: "header", Name: "X-Goog-Iap-Jwt-Assertion", Default: true},
			{In: "query", Name: "access_token", Default: true},
		}},
		{"http bearer without x-google-auth", "{type: http, scheme: bearer}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "openapi: 3.0.4\ninfo: {title: t, version: 1.0.0}\ncomponents:\n  securitySchemes:\n    s: " + tt.scheme + "\npaths: {}\n"
			doc, err := Parse("c.yaml", []byte(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := doc.Google().Scheme("s")
			if s == nil {
				t.Fatal("scheme s not in the model")
			}
			if diff := cmp.Diff(tt.want, s.Credentials()); diff != "" {
				t.Errorf("Credentials() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCredentialsNotShared checks that a caller changing the defaults it got
// does not change them for the next caller.
func TestCredentialsNotShared(t *testing.T) {
	doc, err := Parse("c.yaml", []byte("swagger: \"2.0\"\nsecurityDefinitions:\n  s: {type: oauth2}\npaths: {}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Google().Scheme("s")
	s.Credentials()[0].Name = "changed"
	if got := s.Credentials()[0].Name; got != "Authorization" {
		t.Errorf("default JWT header after a caller changed its copy = %q, want Authorization", got)
	}
}

func TestIsAPIKeyDefault(t *testing.T) {
	tests := []struct {
		c    Credential
		want bool
	}{
		{Credential{In: "query", Name: "key"}, true},
		{Credential{In: "query", Name: "api_key"}, true},
		{Credential{In: "header", Name: "x-api-key"}, true},
		{Credential{In: "header", Name: "X-API-Key"}, true}, // header names have no case
		{Credential{In: "query", Name: "Key"}, false},       // query names do
		{Credential{In: "header", Name: "key"}, false},
		{Credential{In: "query", Name: "x-api-key"}, false},
		{Credential{In: "cookie", Name: "key"}, false},
	}
	for _, tt := range tests {
		if got := tt.c.IsAPIKeyDefault(); got != tt.want {
			t.Errorf("%+v.IsAPIKeyDefault() = %v, want %v", tt.c, got, tt.want)
		}
	}
}
