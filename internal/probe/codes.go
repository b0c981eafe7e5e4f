package probe

import (
	"sort"

	"github.com/corsgate/corsgate/cors"
)

// Finding codes probe adds to the checker's (docs/checker.md lists them all).
// They never change meaning.
const (
	// CodeOriginReflected: an unrelated origin is echoed back.
	CodeOriginReflected = "ORIGIN_REFLECTED"
	// CodeNullOriginAllowed: the origin null is allowed.
	CodeNullOriginAllowed = "NULL_ORIGIN_ALLOWED"
	// CodeOriginSuffixAllowed: the allowed host followed by another domain
	// (https://app.example.com.evil.test) is allowed.
	CodeOriginSuffixAllowed = "ORIGIN_SUFFIX_ALLOWED"
	// CodeOriginPrefixAllowed: the allowed host preceded by other letters
	// (https://evilapp.example.com) is allowed.
	CodeOriginPrefixAllowed = "ORIGIN_PREFIX_ALLOWED"
	// CodeInsecureOriginAllowed: the http:// downgrade of an https origin is
	// allowed.
	CodeInsecureOriginAllowed = "INSECURE_ORIGIN_ALLOWED"
	// CodeOriginSubdomainAllowed: a subdomain of the allowed host is allowed.
	CodeOriginSubdomainAllowed = "ORIGIN_SUBDOMAIN_ALLOWED"
	// CodeDriftFromPredicted: the deployed API answered otherwise than the
	// configuration given predicts.
	CodeDriftFromPredicted = "DRIFT_FROM_PREDICTED"
	// CodeRedirected: the answer is a redirect.
	CodeRedirected = "REDIRECTED"
)

// hostileCode is the finding a hostile origin earns when it is granted.
var hostileCode = map[OriginKind]string{
	OriginUnrelated: CodeOriginReflected,
	OriginNull:      CodeNullOriginAllowed,
	OriginSuffix:    CodeOriginSuffixAllowed,
	OriginPrefix:    CodeOriginPrefixAllowed,
	OriginInsecure:  CodeInsecureOriginAllowed,
	OriginSubdomain: CodeOriginSubdomainAllowed,
}

// CodeDocs is a one-line description of every code a probe report can
// carry: the checker's and probe's own (docs/checker.md has the details;
// a test keeps the two lists equal).
var CodeDocs = map[string]string{
	cors.CodeACAOMissing:                   "The response has no Access-Control-Allow-Origin for the request's origin.",
	cors.CodeACAOMismatch:                  "Access-Control-Allow-Origin is neither * nor byte-equal to the origin.",
	cors.CodeACAOMultiple:                  "Several Access-Control-Allow-Origin values (a proxy and the backend both add it, or a list).",
	cors.CodeACAOWildcardWithCredentials:   "Access-Control-Allow-Origin * for a credentialed request, or * with Allow-Credentials: true.",
	cors.CodeACACNotTrue:                   "A credentialed request without Access-Control-Allow-Credentials: true.",
	cors.CodePreflightStatusNotOK:          "The preflight answer's status is outside 200-299.",
	cors.CodePreflightMethodNotAllowed:     "The method is not allowed by Access-Control-Allow-Methods.",
	cors.CodePreflightHeaderNotAllowed:     "A requested header is not allowed by Access-Control-Allow-Headers.",
	cors.CodeWildcardIsLiteralWithCreds:    "A credentialed request relies on * in Allow-Methods, Allow-Headers or Expose-Headers.",
	cors.CodeAuthzWildcardNonconformant:    "Authorization is allowed only through Access-Control-Allow-Headers: *.",
	cors.CodeACAONull:                      "Access-Control-Allow-Origin: null is granted.",
	cors.CodeAnyOriginWithCredentials:      "Every origin is echoed together with Access-Control-Allow-Credentials: true.",
	cors.CodeBackendCORSOutsideProxyPolicy: "The backend's own CORS headers reached the client outside the proxy policy.",
	cors.CodeMissingVaryOrigin:             "An echoed Access-Control-Allow-Origin without Vary: Origin.",
	cors.CodeMaxAgeAboveBrowserCap:         "Access-Control-Max-Age is above the browsers' caps.",
	cors.CodeMaxAgeInvalid:                 "Access-Control-Max-Age is not a non-negative whole number of seconds.",
	cors.CodePNANotGranted:                 "Private network access was asked for and not granted.",
	cors.CodeConfigOriginNotSerialized:     "--cors_allow_origin can never equal what a browser sends.",
	cors.CodeConfigRegexUnescapedDot:       "--cors_allow_origin_regex has an unescaped dot in the host part.",
	cors.CodeErrorHiddenAsCORS:             "An error the page sees only as a CORS error (the real status and body are named).",
	CodeOriginReflected:                    "An unrelated origin is echoed back in Access-Control-Allow-Origin.",
	CodeNullOriginAllowed:                  "The origin null (sandboxed iframes, file: pages) is allowed.",
	CodeOriginSuffixAllowed:                "The allowed host followed by another domain (app.example.com.evil.test) is allowed.",
	CodeOriginPrefixAllowed:                "The allowed host preceded by other letters (evilapp.example.com) is allowed.",
	CodeInsecureOriginAllowed:              "The http:// downgrade of an https origin is allowed.",
	CodeOriginSubdomainAllowed:             "A subdomain of the allowed host is allowed.",
	CodeDriftFromPredicted:                 "The deployed API answered otherwise than the configuration given predicts.",
	CodeRedirected:                         "The answer is a redirect (a redirected preflight fails in browsers).",
}

// Codes lists every code of CodeDocs, sorted.
func Codes() []string {
	out := make([]string, 0, len(CodeDocs))
	for c := range CodeDocs {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
