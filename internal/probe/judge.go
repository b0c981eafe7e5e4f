package probe

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/corsgate/corsgate/cors"
)

// judge fills res from the answer to r: the browser's verdict and the
// checker's findings, the hostile-origin codes, redirects, the proxy's own
// answers and the drift from the prediction.
func judge(res *Result, r *request, a *answer, o *Options) {
	res.Status = a.status
	res.Headers = reportedHeaders(a.header)
	ans, proxyMade := RecognizeProxyAnswer(a.status, a.body)
	if proxyMade {
		res.ProxyAnswer = ans
	}
	x := &cors.Exchange{Method: r.method, RequestHeader: r.header, Status: a.status, ResponseHeader: a.header,
		Credentials: o.Credentials, Policy: o.Policy, ProxyMade: proxyMade, Body: a.body}
	check := cors.Check(x)
	res.Verdict = check.Verdict
	hostile := r.origin.Kind.Hostile()
	for _, f := range check.Findings {
		// A hostile origin refused is what should happen: the checker's
		// "the browser blocks" findings are the good outcome there. Its
		// insecure findings still count.
		if hostile && f.Severity != cors.SeverityInsecure {
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	if hostile && res.Granted() {
		res.Findings = append(res.Findings, hostileFinding(r.origin, a.header, r.kind))
	}
	if loc := a.header.Get("Location"); a.status >= 300 && a.status < 400 && !hostile {
		res.Redirect = loc
		res.Findings = append(res.Findings, redirectFinding(r, a.status, loc))
	}
	if pr := res.Prediction; pr != nil {
		if pr.AnsweredBy == byBackend {
			// The backend's answer as the configured proxy would pass it on.
			pr.Verdict = cors.Check(&cors.Exchange{Method: r.method, RequestHeader: r.header, Status: a.status,
				ResponseHeader: pr.apply(a.header), Credentials: o.Credentials, Policy: o.Policy, ProxyMade: proxyMade, Body: a.body}).Verdict
		}
		pr.Drift = pr.compare(a.status, a.header, ans, r.op.credentials && r.kind == KindActual)
		if len(pr.Drift) > 0 {
			res.Findings = append(res.Findings, driftFinding(res, o))
		}
	}
}

// reportedHeaders keeps the headers a report shows: Access-Control-* and
// Vary.
func reportedHeaders(h http.Header) http.Header {
	out := accessControl(h)
	if v, ok := h["Vary"]; ok {
		out["Vary"] = append([]string(nil), v...)
	}
	return out
}

// hostileFinding is the code a granted hostile origin earns: insecure when
// the grant includes credentials (any site the variant stands for can then
// read the user's data), a warning otherwise; a subdomain is advisory.
func hostileFinding(o Origin, h http.Header, kind Kind) cors.Finding {
	creds := h.Get(cors.HeaderAllowCreds) == "true"
	sev := cors.SeverityWarn
	if creds {
		sev = cors.SeverityInsecure
	}
	withCreds := "without Access-Control-Allow-Credentials, so pages there can read what any visitor could fetch (a risk for APIs reachable only from inside a network)"
	if creds {
		withCreds = "together with Access-Control-Allow-Credentials: true, so a page there can make requests with the user's cookies and read the answers"
	}
	code := hostileCode[o.Kind]
	var msg string
	switch o.Kind {
	case OriginUnrelated:
		msg = fmt.Sprintf("The %s echoes an unrelated origin %s in Access-Control-Allow-Origin, %s: any website is allowed. Allow only your front-end's origins (ESPv2: --cors_allow_origin or an anchored --cors_allow_origin_regex instead of *; a backend: compare the Origin with a list instead of echoing it).", kind, o.Value, withCreds)
	case OriginNull:
		msg = fmt.Sprintf("The %s allows the origin null, %s: every sandboxed iframe, data: and file: page has that origin, so any website can get it. Never allow null.", kind, withCreds)
	case OriginSuffix:
		msg = fmt.Sprintf("The %s allows %s, the allowed origin %s followed by another domain, %s: whoever owns that domain can read the answers. The origin check only looks at the start of the origin: anchor the regex with $ (ESPv2 matches the whole origin, ESP v1 does not), or compare the whole origin.", kind, o.Value, o.From, withCreds)
	case OriginPrefix:
		msg = fmt.Sprintf("The %s allows %s, the allowed host %s with letters put in front, %s: whoever registers that name can read the answers. The origin check only looks at the end of the origin: anchor the regex with ^ and escape its dots, or compare the whole origin.", kind, o.Value, o.From, withCreds)
	case OriginInsecure:
		msg = fmt.Sprintf("The %s allows %s, the http:// version of %s, %s: a network attacker can inject a script into that unencrypted origin and read the answers. Allow only https origins (https? in a regex allows both).", kind, o.Value, o.From, withCreds)
	case OriginSubdomain:
		sev = cors.SeverityInfo
		what := "without credentials"
		if creds {
			what = "with credentials"
		}
		msg = fmt.Sprintf("The %s allows %s, a subdomain of %s (%s). Fine if you trust every subdomain; a subdomain someone else controls (a dangling DNS record, user content) can then read the answers.", kind, o.Value, o.From, what)
	}
	return cors.Finding{Code: code, Severity: sev, Message: msg}
}

// redirectFinding reports a redirect: fatal for a preflight, followed by the
// browser (and not by probe) for an actual request.
func redirectFinding(r *request, status int, loc string) cors.Finding {
	if r.kind == KindPreflight {
		return cors.Finding{Code: CodeRedirected, Severity: cors.SeverityBlock, Message: fmt.Sprintf(
			"The preflight was answered with %d, a redirect to %s: a browser never follows a redirected preflight and reports a CORS error. Call the final URL directly (BASE_URL with https, the host or the trailing slash the redirect adds), or stop redirecting OPTIONS.", status, loc)}
	}
	return cors.Finding{Code: CodeRedirected, Severity: cors.SeverityInfo, Message: fmt.Sprintf(
		"The answer is %d, a redirect to %s, which a browser follows and probe does not: the redirect itself must pass the CORS check, the target must answer CORS too, and after a redirect to another origin the browser sends Origin: null. Probe the target URL as well.", status, loc)}
}

// driftFinding reports the differences from the prediction. Its severity
// follows what the difference means for the browser: block when the
// deployed API blocks what the configuration allows, insecure when it
// grants a hostile origin the configuration refuses, warn otherwise.
func driftFinding(res *Result, o *Options) cors.Finding {
	pr := res.Prediction
	sev := cors.SeverityWarn
	switch {
	case pr.Verdict == cors.VerdictAllowed && res.Verdict == cors.VerdictBlocked:
		sev = cors.SeverityBlock
	case pr.Verdict == cors.VerdictBlocked && res.Verdict == cors.VerdictAllowed && res.OriginKind.Hostile():
		sev = cors.SeverityInsecure
	}
	return cors.Finding{Code: CodeDriftFromPredicted, Severity: sev, Message: fmt.Sprintf(
		"The deployed API answered otherwise than %s predicts: %s. The configuration in production is not this one: redeploy it, or probe with the flags the proxy really runs with (--from-env, --from-file, --from-args).",
		o.ConfigName, strings.Join(pr.Drift, "; "))}
}
