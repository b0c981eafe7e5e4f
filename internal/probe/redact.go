package probe

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Redacted replaces every secret in a report.
const Redacted = "[REDACTED]"

// minSecretSearch is the shortest secret searched for inside other text.
const minSecretSearch = 4

// redactor removes the values given by --header and --api-key from every
// string a report holds: what probe sent, and what a server may echo back
// (bodies quoted in messages, headers, redirect targets).
type redactor struct {
	r *strings.Replacer
	// names are the header names whose values are secrets (canonical).
	names map[string]bool
}

func newRedactor(headers http.Header, apiKey string, keyHeaders []string) *redactor {
	var secrets []string
	add := func(s string) {
		// A value of a few characters is redacted where it is sent, but not
		// searched for elsewhere: replacing every "1" would garble the report.
		if len(s) >= minSecretSearch {
			secrets = append(secrets, s, url.QueryEscape(s))
		}
	}
	names := map[string]bool{}
	for k, vs := range headers {
		names[http.CanonicalHeaderKey(k)] = true
		for _, v := range vs {
			add(v)
			// "Bearer TOKEN", "Basic …": the credential alone, in case a
			// server echoes only it.
			if _, cred, ok := strings.Cut(v, " "); ok {
				add(cred)
			}
		}
	}
	add(apiKey)
	if apiKey != "" {
		for _, k := range keyHeaders {
			names[http.CanonicalHeaderKey(k)] = true
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, Redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...), names: names}
}

func (d *redactor) string(s string) string { return d.r.Replace(s) }

// header copies h with secret values redacted: every value of a secret
// header, and any secret inside other values.
func (d *redactor) header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			if d.names[k] {
				c[i] = Redacted
			} else {
				c[i] = d.string(v)
			}
		}
		out[k] = c
	}
	return out
}

// result redacts every string of a result in place.
func (d *redactor) result(res *Result) {
	res.Path = d.string(res.Path)
	res.RequestHeaders = d.header(res.RequestHeaders)
	res.Headers = d.header(res.Headers)
	res.Redirect = d.string(res.Redirect)
	res.Error = d.string(res.Error)
	for i := range res.Findings {
		res.Findings[i].Message = d.string(res.Findings[i].Message)
	}
	if res.ProxyAnswer != nil {
		res.ProxyAnswer.Message = d.string(res.ProxyAnswer.Message)
	}
	if p := res.Prediction; p != nil {
		for i := range p.Drift {
			p.Drift[i] = d.string(p.Drift[i])
		}
	}
}
