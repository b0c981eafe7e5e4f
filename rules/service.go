package rules

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Service name rules that go beyond the DNS syntax of host-service-name:
// Google-managed domain patterns and their project IDs (reference §2.2 H3,
// H4, H5, H6), and the rules that tie several files of one deploy together
// (H8 and §2.8).

// svcGoogleSuffixes are Google-operated host suffixes other than cloud.goog
// and appspot.com. Service Management accepted a *.a.run.app host for ESPv2
// on Cloud Run (esp-v2 examples/dynamic_routing and its generated config),
// so names under these suffixes are neither pattern-checked nor reported as
// custom domains (H6).
var svcGoogleSuffixes = []string{".run.app", ".cloudfunctions.net", ".gateway.dev", ".googleapis.com", ".web.app", ".firebaseapp.com"}

// svcValidHost returns host when it is present and a syntactically valid
// service name; other cases belong to host-required, host-format and
// host-service-name.
func svcValidHost(doc *spec.Document) (string, bool) {
	v := spec.Deref(spec.Get(doc.Root, "host"))
	if v == nil || !spec.IsString(v) || v.Value == "" {
		return "", false
	}
	h := v.Value
	if placeholderRE.MatchString(h) || serviceNameProblem(h) != "" {
		return "", false
	}
	return h, true
}

// svcDomain classifies a valid host.
type svcDomain int

const (
	svcCustom     svcDomain = iota
	svcEndpoints            // API.endpoints.PROJECT.cloud.goog
	svcAPIGateway           // NAME.apigateway.PROJECT.cloud.goog (API Gateway managed service)
	svcCloudGoog            // any other name under cloud.goog
	svcAppspot              // PROJECT.appspot.com
	svcAppspotSub           // any other name under appspot.com
	svcGoogle               // other Google-operated suffixes (H6)
)

// svcClassify returns the domain kind and, for Google-managed patterns, the
// project ID label.
func svcClassify(h string) (svcDomain, string) {
	labels := strings.Split(h, ".")
	n := len(labels)
	switch {
	case strings.HasSuffix(h, ".cloud.goog"):
		if n == 5 && labels[1] == "endpoints" {
			return svcEndpoints, labels[2]
		}
		if n == 5 && labels[1] == "apigateway" {
			return svcAPIGateway, labels[2]
		}
		return svcCloudGoog, ""
	case h == "appspot.com" || strings.HasSuffix(h, ".appspot.com"):
		if n == 3 {
			return svcAppspot, labels[0]
		}
		return svcAppspotSub, ""
	}
	for _, s := range svcGoogleSuffixes {
		if strings.HasSuffix(h, s) {
			return svcGoogle, ""
		}
	}
	return svcCustom, ""
}

// svcProjectIDProblem says why id breaks the project ID rules of
// `gcloud projects create`, or "".
func svcProjectIDProblem(id string) string {
	switch {
	case len(id) < 6:
		return "it is " + strconv.Itoa(len(id)) + " characters long; project IDs have 6 to 30"
	case len(id) > 30:
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

// HostGoogleDomain is H3.
var HostGoogleDomain = &lint.Rule{
	ID:       "host-google-domain",
	Ref:      "H3",
	Category: lint.CategoryService,
	Severity: lint.Warning,
	Doc:      "Checks that a host under cloud.goog or appspot.com follows the Google-managed pattern API_NAME.endpoints.PROJECT_ID.cloud.goog or PROJECT_ID.appspot.com.",
	Details: `Cloud Endpoints lets a project use names under endpoints.PROJECT_ID.cloud.goog (GCE, GKE,
Kubernetes; Service Management can create the DNS record from x-google-endpoints target) and, on
App Engine, PROJECT_ID.appspot.com. Other names under these domains are not owned by the project,
so the deploy cannot verify them. API Gateway managed service names (NAME.apigateway.PROJECT_ID.cloud.goog)
are accepted. Cloud Run (*.run.app) and other Google-operated hosts are not checked: ESPv2 on Cloud
Run deploys with its run.app host. Target api-gateway: not reported (host is not the service name
there; the managed service name is).`,
	Bad:    "host: echo-api.my-project.cloud.goog\n",
	Good:   "host: echo-api.endpoints.my-project.cloud.goog\n",
	Source: "Cloud Endpoints docs, Configuring Endpoints (host) and Configuring DNS on cloud.goog",
	Check: func(p *lint.Pass) {
		if p.Target == lint.TargetAPIGateway {
			return
		}
		h, ok := svcValidHost(p.Doc)
		if !ok {
			return
		}
		switch kind, _ := svcClassify(h); kind {
		case svcCloudGoog:
			p.Report("/host", "host %q is under cloud.goog but does not follow API_NAME.endpoints.PROJECT_ID.cloud.goog: a project may only use names under endpoints.PROJECT_ID.cloud.goog, so the deploy cannot verify this one; use e.g. %s", h, svcEndpointsExample(h))
		case svcAppspotSub:
			p.Report("/host", "host %q is under appspot.com but is not PROJECT_ID.appspot.com: Endpoints on App Engine uses the project's own PROJECT_ID.appspot.com name (cloud.goog names are not supported there)", h)
		}
	},
}

// svcEndpointsExample suggests an endpoints.PROJECT.cloud.goog name for a
// cloud.goog host that lacks the endpoints label.
func svcEndpointsExample(h string) string {
	labels := strings.Split(strings.TrimSuffix(h, ".cloud.goog"), ".")
	if len(labels) == 2 {
		return labels[0] + ".endpoints." + labels[1] + ".cloud.goog"
	}
	return labels[0] + ".endpoints.PROJECT_ID.cloud.goog"
}

// HostProjectID is H4.
var HostProjectID = &lint.Rule{
	ID:       "host-project-id",
	Ref:      "H4",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that the project ID inside a Google-managed host (API_NAME.endpoints.PROJECT_ID.cloud.goog, PROJECT_ID.appspot.com) is a valid project ID.",
	Details: `A project ID has 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter
and not ending with a hyphen. A host that embeds anything else cannot belong to your project, so
the deploy fails the ownership check. The most common cause is a project name or number typed in
place of the ID. Same verdict for every target.`,
	Bad:    "host: echo-api.endpoints.proj.cloud.goog\n",
	Good:   "host: echo-api.endpoints.my-project.cloud.goog\n",
	Source: "gcloud projects create (project ID rules); Cloud Endpoints docs, Configuring Endpoints",
	Check: func(p *lint.Pass) {
		h, ok := svcValidHost(p.Doc)
		if !ok {
			return
		}
		kind, id := svcClassify(h)
		if kind != svcEndpoints && kind != svcAPIGateway && kind != svcAppspot {
			return
		}
		if msg := svcProjectIDProblem(id); msg != "" {
			p.Report("/host", "host %q embeds the project ID %q, which is not a valid project ID: %s", h, id, msg)
		}
	},
}

// HostCustomDomain is H5.
var HostCustomDomain = &lint.Rule{
	ID:       "host-custom-domain",
	Ref:      "H5",
	Category: lint.CategoryService,
	Severity: lint.Info,
	Doc:      "Reports a host that is a custom domain, whose ownership must be verified for the project before deploy.",
	Details: `Cloud Endpoints accepts a custom domain as the service name only after you verify ownership of it
in the project (Search Console); otherwise gcloud endpoints services deploy fails with
"PERMISSION_DENIED: Ownership for domain name %s on project %s cannot be verified". corsgate cannot
check this offline, so it reports an info. Hosts under cloud.goog, appspot.com and other
Google-operated domains (run.app, cloudfunctions.net, gateway.dev, …) are not reported.
Target api-gateway: not reported (host is not the service name there).`,
	Bad:    "host: api.example.com\n",
	Good:   "host: echo-api.endpoints.my-project.cloud.goog\n",
	Source: "Cloud Endpoints docs, Verify domain name and Troubleshooting config deployment",
	Check: func(p *lint.Pass) {
		if p.Target == lint.TargetAPIGateway {
			return
		}
		h, ok := svcValidHost(p.Doc)
		if !ok {
			return
		}
		if kind, _ := svcClassify(h); kind == svcCustom {
			p.Report("/host", "host %q is a custom domain: the deploy succeeds only if its ownership is verified for the project (otherwise: PERMISSION_DENIED: Ownership for domain name %s on project ... cannot be verified); or use API_NAME.endpoints.PROJECT_ID.cloud.goog", h, h)
		}
	},
}

// svcGroups splits the documents of a run by directory. Files deployed
// together live side by side; grouping keeps unrelated specs in other
// folders out of each other's way.
func svcGroups(docs []*spec.Document) [][]*spec.Document {
	idx := map[string]int{}
	var groups [][]*spec.Document
	for _, d := range docs {
		dir := filepath.Dir(d.Name)
		i, ok := idx[dir]
		if !ok {
			i = len(groups)
			idx[dir] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], d)
	}
	return groups
}

// svcHostString returns the host string of a document, if it has one.
func svcHostString(doc *spec.Document) (string, bool) {
	v := spec.Deref(spec.Get(doc.Root, "host"))
	if v == nil || !spec.IsString(v) || v.Value == "" {
		return "", false
	}
	return v.Value, true
}

// HostSameAcrossFiles is H8.
var HostSameAcrossFiles = &lint.Rule{
	ID:       "host-same-across-files",
	Ref:      "H8",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that the OpenAPI files of one multi-file deploy share one host.",
	Details: `gcloud endpoints services deploy a.yaml b.yaml deploys one service, and Service Management rejects
files whose host differs: "Different 'host' values cannot be set in multiple OpenAPI files. Found
Hosts: {…}". corsgate cannot know which files of a run are deployed together, so it looks at files
in the same directory: when at least two of them share a host, it treats them as one deploy and
reports the files whose host differs from the most common one. A folder where every file has its own
host (a collection of unrelated services) is not reported. Same verdict for every target.`,
	Bad:    "# api/books.yaml\nhost: books.endpoints.my-project.cloud.goog\n# api/shelves.yaml\nhost: shelves.endpoints.my-project.cloud.goog\n# api/authors.yaml\nhost: books.endpoints.my-project.cloud.goog\n",
	Good:   "# api/books.yaml\nhost: books.endpoints.my-project.cloud.goog\n# api/shelves.yaml\nhost: books.endpoints.my-project.cloud.goog\n",
	Source: "api-compiler MultiSwaggerParser (Different 'host' values)",
	CheckSet: func(p *lint.SetPass) {
		for _, g := range svcGroups(p.Docs) {
			if len(g) < 3 {
				continue
			}
			count := map[string]int{}
			var order []string
			for _, d := range g {
				h, ok := svcHostString(d)
				if !ok {
					continue
				}
				if count[h] == 0 {
					order = append(order, h)
				}
				count[h]++
			}
			if len(order) < 2 {
				continue
			}
			main := order[0]
			for _, h := range order {
				if count[h] > count[main] {
					main = h
				}
			}
			if count[main] < 2 {
				continue // every file has its own host: unrelated services
			}
			all := append([]string(nil), order...)
			sort.Strings(all)
			found := strings.Join(all, ", ")
			for _, d := range g {
				h, ok := svcHostString(d)
				if !ok || h == main {
					continue
				}
				p.Report(d, "/host", "Different 'host' values cannot be set in multiple OpenAPI files. Found Hosts: {%s}. This file uses %q while %d other files in %s use %q; files deployed together must share one host", found, h, count[main], filepath.Dir(d.Name), main)
			}
		}
	},
}

// svcAPIName is api-compiler's ApiNameGenerator.generate: "MAJOR.NAME",
// where NAME is x-google-api-name or the host with every character outside
// [A-Za-z0-9] replaced by "_" (and a "_" in front if it would not start with
// a letter), and MAJOR is the first part of a three-part info.version, else
// the whole version, with characters outside [A-Za-z0-9.] replaced by "_".
func svcAPIName(host, apiName, version string) string {
	clean := func(s string, dots bool) string {
		b := []byte(s)
		for i, c := range b {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || dots && c == '.') {
				b[i] = '_'
			}
		}
		return string(b)
	}
	name := apiName
	if name == "" {
		name = clean(host, false)
		if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z' || name[0] == '_') {
			name = "_" + name
		}
	}
	major := version
	var parts []string
	for _, part := range strings.Split(version, ".") {
		if part != "" {
			parts = append(parts, part)
		}
	}
	if len(parts) == 3 {
		major = parts[0]
	}
	major = clean(major, true)
	if major == "" {
		return name
	}
	return major + "." + name
}

// svcAPIKey returns the generated API name of a document and its
// info.version.
func svcAPIKey(doc *spec.Document, host string) (name, version string) {
	if v := spec.Deref(spec.Get(spec.Get(doc.Root, "info"), "version")); v != nil && v.Kind == yaml.ScalarNode {
		version = v.Value
	}
	apiName := ""
	if n := spec.Deref(spec.Get(doc.Root, "x-google-api-name")); spec.IsString(n) {
		apiName = n.Value
	}
	return svcAPIName(host, apiName, version), version
}

// APIVersionConflict is §2.8.
var APIVersionConflict = &lint.Rule{
	ID:       "api-version-conflict",
	Ref:      "§2.8",
	Category: lint.CategoryService,
	Severity: lint.Error,
	Doc:      "Checks that OpenAPI files deployed together with the same host do not produce the same API name and major version.",
	Details: `Service Management names each file's API MAJOR.NAME: NAME is x-google-api-name, or the host with
every character outside [A-Za-z0-9] replaced by _ when that is not set; MAJOR is the first part of a
three-part info.version (1 for 1.2.3), else the whole version string. Two
files of one deploy with the same name and major version fail with "OpenAPI files includes
conflicting API versions. Files and Versions found: {…}" (older wording: "Multiple OpenAPI files
cannot have the same 'info.version' value"). Fix: give each file a distinct x-google-api-name.
Files are compared when they are in the same directory and share a host. Same verdict for every target.`,
	Bad:    "# books.yaml\nhost: api.endpoints.p-123456.cloud.goog\ninfo: {title: Books, version: 1.0.0}\n# shelves.yaml\nhost: api.endpoints.p-123456.cloud.goog\ninfo: {title: Shelves, version: 1.1.0}\n",
	Good:   "# books.yaml\nx-google-api-name: books\ninfo: {title: Books, version: 1.0.0}\n# shelves.yaml\nx-google-api-name: shelves\ninfo: {title: Shelves, version: 1.1.0}\n",
	Source: "api-compiler MultiSwaggerParser (conflicting API versions); cloudendpoints/endpoints-python #75",
	CheckSet: func(p *lint.SetPass) {
		for _, g := range svcGroups(p.Docs) {
			if len(g) < 2 {
				continue
			}
			type first struct {
				doc     *spec.Document
				version string
			}
			seen := map[string]first{}
			for _, d := range g {
				h, hok := svcHostString(d)
				if !hok {
					continue
				}
				name, version := svcAPIKey(d, h)
				key := h + "\x00" + name
				f, dup := seen[key]
				if !dup {
					seen[key] = first{d, version}
					continue
				}
				p.Report(d, "/info/version", "OpenAPI files includes conflicting API versions. Files and Versions found: {%s:%s, %s:%s}. Both files of service %q generate the API name %q; set a distinct x-google-api-name in each file", filepath.Base(f.doc.Name), f.version, filepath.Base(d.Name), version, h, name)
			}
		}
	},
}

func init() {
	for _, r := range []*lint.Rule{HostGoogleDomain, HostProjectID, HostCustomDomain, HostSameAcrossFiles, APIVersionConflict} {
		register(r)
	}
}
