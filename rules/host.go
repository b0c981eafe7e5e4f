package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// Service name rules (reference §2.2 H1, H2, H7 and §2.1 F4).

// HostRequired is F4. The verdict depends on the target.
var HostRequired = &lint.Rule{
	ID:       "host-required",
	Ref:      "F4",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that host is present, because it is the Endpoints service name (not required for API Gateway).",
	Details: `gcloud endpoints services deploy reads the service name from host and refuses a spec without one.
Target api-gateway: not reported, since API Gateway specs may omit host (the managed service name is
used instead).`,
	Bad:    "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\npaths: {}\n",
	Good:   "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\nhost: echo-api.endpoints.my-project.cloud.goog\npaths: {}\n",
	Source: "gcloud deploy.py; api-compiler (Service name must be provided)",
	Check: func(p *lint.Pass) {
		if p.Target == lint.TargetAPIGateway {
			return
		}
		if _, ok := p.Doc.Host(); ok {
			return
		}
		p.ReportNode(lint.Error, p.Doc.Root, "/host", "Malformed input. Found Swagger service config, but no host was specified. Add a host specification to the config file (the Endpoints service name, e.g. API_NAME.endpoints.PROJECT_ID.cloud.goog); use --target api-gateway if this spec is for API Gateway")
	},
}

// HostFormat is H2 plus the Swagger host pattern.
var HostFormat = &lint.Rule{
	ID:       "host-format",
	Ref:      "H2",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that host is a bare name: no scheme, path, spaces or port.",
	Details: `The Swagger 2.0 schema requires host to match ^[^{}/ :\\]+(?::\d+)?$, and Google rejects custom
ports in host.`,
	Bad:    "host: https://echo-api.endpoints.my-project.cloud.goog/v1\n",
	Good:   "host: echo-api.endpoints.my-project.cloud.goog\n",
	Source: "Swagger 2.0 schema; API Gateway OpenAPI limitations (custom ports)",
	Check:  checkHostFormat,
}

func checkHostFormat(p *lint.Pass) {
	_, v := spec.MapGet(p.Doc.Root, "host")
	if v == nil {
		return
	}
	v = spec.Deref(v)
	if !spec.IsString(v) {
		p.Report("/host", "host must be a string, not %s", describe(v))
		return
	}
	h := v.Value
	switch {
	case h == "":
		p.Report("/host", "host is empty; set it to the Endpoints service name, e.g. API_NAME.endpoints.PROJECT_ID.cloud.goog")
	case strings.Contains(h, "://"):
		bare := h[strings.Index(h, "://")+3:]
		if i := strings.IndexByte(bare, '/'); i >= 0 {
			bare = bare[:i]
		}
		p.Report("/host", "host %q must not include a scheme: write host: %s (put schemes in schemes: and the path prefix in basePath:)", h, bare)
	case strings.ContainsAny(h, "/"):
		p.Report("/host", "host %q must not include a path: move %q to basePath:", h, h[strings.IndexByte(h, '/'):])
	case strings.ContainsAny(h, " \t"):
		p.Report("/host", "host %q contains spaces; it must be a DNS name", h)
	case strings.ContainsAny(h, "{}\\"):
		p.Report("/host", "host %q contains characters the Swagger schema forbids ({, } or \\)", h)
	case strings.Contains(h, ":"):
		p.Report("/host", "host %q must not include a port: Google does not allow custom ports in host; write host: %s", h, h[:strings.IndexByte(h, ':')])
	}
}

var placeholderRE = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|<[^>]*>|YOUR[-_A-Z]*|PROJECT[-_]?ID|PROJECT_NUMBER|REGION|HOSTNAME`)

// HostServiceName is H1 and H7.
var HostServiceName = &lint.Rule{
	ID:       "host-service-name",
	Ref:      "H1",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that host is a valid service name (DNS rules of Cloud Endpoints) and not an unsubstituted placeholder.",
	Details: `A service name is at most 253 characters, starts with a lower-case letter, and each dot-separated
label starts with a lower-case letter, holds only [a-z0-9-], does not end with - and is at most 63
characters. Samples ship placeholders such as YOUR-PROJECT-ID, ${PROJECT_ID} or "CLOUD RUN APP HOSTNAME"
that must be substituted before deploy (H7).`,
	Bad:    "host: echo-api.endpoints.YOUR-PROJECT-ID.cloud.goog\n",
	Good:   "host: echo-api.endpoints.my-project.cloud.goog\n",
	Source: "Cloud Endpoints docs, Configuring Endpoints / Verify domain name",
	Check:  checkServiceName,
}

func checkServiceName(p *lint.Pass) {
	v := spec.Deref(spec.Get(p.Doc.Root, "host"))
	if v == nil || !spec.IsString(v) || v.Value == "" {
		return
	}
	h := v.Value
	if strings.ContainsAny(h, "/: \t{}\\") && !placeholderRE.MatchString(h) {
		return // host-format reports it
	}
	if m := placeholderRE.FindString(h); m != "" {
		p.Report("/host", "host %q still holds the placeholder %q; substitute the real value before deploy (the service name must be lower-case letters, digits, hyphens and dots)", h, m)
		return
	}
	if msg := serviceNameProblem(h); msg != "" {
		p.Report("/host", "host %q is not a valid service name: %s", h, msg)
	}
}

// serviceNameProblem returns why name breaks the documented rules, or "".
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

func init() {
	for _, r := range []*lint.Rule{HostRequired, HostFormat, HostServiceName} {
		register(r)
	}
}
