package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
)

// What Google accepts as a service name, and the Google-managed domains a
// service name can live under. Shared by the host-* rules.

// placeholderRE finds the unsubstituted placeholders that samples and
// templates ship: ${VAR}, $VAR, {{var}}, <var>, YOUR-PROJECT-ID, PROJECT_ID,
// REGION…
var placeholderRE = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|<[^>]*>|YOUR[-_A-Z]*|PROJECT[-_]?ID|PROJECT_NUMBER|REGION|HOSTNAME`)

// serviceNameProblem returns why name breaks the service name rules of
// Cloud Endpoints (DNS labels, lower case, lengths), or "".
func serviceNameProblem(name string) string {
	if len(name) > 253 {
		return fmt.Sprintf("it is %d characters long, more than 253", len(name))
	}
	if strings.ToLower(name) != name {
		return "it has upper-case letters; service names are lower case"
	}
	for _, label := range strings.Split(name, ".") {
		switch {
		case label == "":
			return "it has an empty label (two dots in a row, or a leading/trailing dot)"
		case len(label) > 63:
			return fmt.Sprintf("label %q is longer than 63 characters", label)
		case label[0] < 'a' || label[0] > 'z':
			return fmt.Sprintf("label %q must start with a lower-case letter", label)
		case strings.HasSuffix(label, "-"):
			return fmt.Sprintf("label %q must not end with a hyphen", label)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("label %q holds %q; only a-z, 0-9 and - are allowed", label, c)
			}
		}
	}
	return ""
}

// validHost returns the service name the document gives (host in 2.0, the
// x-google-endpoint server's host in 3.x) when it is a syntactically valid
// one; other cases belong to host-required, host-format, host-service-name,
// server-endpoint-url and server-service-name.
func validHost(g *spec.Google) (string, bool) {
	h := g.ServiceName
	if h == "" || placeholderRE.MatchString(g.Service.Text()) || serviceNameProblem(h) != "" ||
		g.Version.IsOpenAPI3() && spec.ServerHostProblems(g.Service.Text()) != "" {
		return "", false
	}
	return h, true
}

// googleSuffixes are Google-operated host suffixes other than cloud.goog
// and appspot.com. Service Management accepted a *.a.run.app host for ESPv2
// on Cloud Run (esp-v2 examples/dynamic_routing and its generated config),
// so names under these suffixes are neither pattern-checked nor reported as
// custom domains.
var googleSuffixes = []string{".run.app", ".cloudfunctions.net", ".gateway.dev", ".googleapis.com", ".web.app", ".firebaseapp.com"}

// domain classifies a valid host.
type domain int

const (
	domainCustom     domain = iota
	domainEndpoints         // API.endpoints.PROJECT.cloud.goog
	domainAPIGateway        // NAME.apigateway.PROJECT.cloud.goog (API Gateway managed service)
	domainCloudGoog         // any other name under cloud.goog
	domainAppspot           // PROJECT.appspot.com
	domainAppspotSub        // any other name under appspot.com
	domainGoogle            // other Google-operated suffixes
)

// classify returns the domain kind and, for Google-managed patterns, the
// project ID label.
func classify(h string) (domain, string) {
	labels := strings.Split(h, ".")
	n := len(labels)
	switch {
	case strings.HasSuffix(h, ".cloud.goog"):
		if n == 5 && labels[1] == "endpoints" {
			return domainEndpoints, labels[2]
		}
		if n == 5 && labels[1] == "apigateway" {
			return domainAPIGateway, labels[2]
		}
		return domainCloudGoog, ""
	case h == "appspot.com" || strings.HasSuffix(h, ".appspot.com"):
		if n == 3 {
			return domainAppspot, labels[0]
		}
		return domainAppspotSub, ""
	}
	for _, s := range googleSuffixes {
		if strings.HasSuffix(h, s) {
			return domainGoogle, ""
		}
	}
	return domainCustom, ""
}

// projectIDProblem says why id breaks the project ID rules of `gcloud
// projects create`, or "".
func projectIDProblem(id string) string {
	switch {
	case len(id) < 6, len(id) > 30:
		return "it is " + strconv.Itoa(len(id)) + " characters long; project IDs have 6 to 30"
	case id[0] < 'a' || id[0] > 'z':
		return "it must start with a lower-case letter"
	case strings.HasSuffix(id, "-"):
		return "it must not end with a hyphen"
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "it holds " + strconv.Quote(string(c)) + "; project IDs have only lower-case letters, digits and hyphens"
		}
	}
	return ""
}
