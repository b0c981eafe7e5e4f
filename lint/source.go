package lint

import "strings"

// Repo is an upstream repository at the version corsgate's behaviour was read
// from.
type Repo struct {
	Name    string // GitHub owner/name
	Version string // tag or commit
}

// The upstreams corsgate mirrors, pinned to the versions read.
var (
	// APICompiler is the open-source form of the converter Service
	// Management runs on an OpenAPI 2.0 spec at deploy.
	APICompiler = Repo{"googleapis/api-compiler", "a0481d5835f346a72e5c83145b7eefd0655cf4ec"}
	ESPv2       = Repo{"GoogleCloudPlatform/esp-v2", "v2.55.7"}
	ESP         = Repo{"cloudendpoints/esp", "v1.60.0"}
	Envoy       = Repo{"envoyproxy/envoy", "v1.30.7"}
	// GCloud is the published source of the gcloud CLI.
	GCloud = Repo{"google-cloud-sdk-unofficial/google-cloud-sdk", "578.0.0"}
	// GoogleAPIs holds the protos Service Management parses extensions into.
	GoogleAPIs = Repo{"googleapis/googleapis", "master"}
)

// Source is one upstream behaviour a rule mirrors: code (Repo, Path and
// optionally Symbol) or a documentation page (Title and URL).
type Source struct {
	Repo   Repo
	Path   string // file in the repository
	Symbol string // function, type, test or proto message in that file
	Title  string // a documentation page or other text, when not code
	URL    string // the page's address
}

// Code names a function (or type, test, message) in an upstream file.
func Code(r Repo, path, symbol string) Source { return Source{Repo: r, Path: path, Symbol: symbol} }

// Doc names a documentation page.
func Doc(title, url string) Source { return Source{Title: title, URL: url} }

// Link is where a reader can see the source: the file at the pinned version
// on GitHub, or the page.
func (s Source) Link() string {
	if s.Repo.Name != "" {
		return "https://github.com/" + s.Repo.Name + "/blob/" + s.Repo.Version + "/" + s.Path
	}
	return s.URL
}

// String names the source in one line: "esp-v2 v2.55.7
// src/go/configinfo/service_info.go (processEndpoints)" or the page title.
func (s Source) String() string {
	if s.Repo.Name == "" {
		return s.Title
	}
	_, short, _ := strings.Cut(s.Repo.Name, "/")
	v := s.Repo.Version
	if len(v) > 12 {
		v = v[:12]
	}
	out := short + " " + v + " " + s.Path
	if s.Symbol != "" {
		out += " (" + s.Symbol + ")"
	}
	return out
}

// SourceText names every source of the rule in one line.
func (r *Rule) SourceText() string {
	names := make([]string, len(r.Sources))
	for i, s := range r.Sources {
		names[i] = s.String()
	}
	return strings.Join(names, "; ")
}

// DocsBase is where the rule pages of docs/rules are published.
const DocsBase = "https://github.com/corsgate/corsgate/blob/main/docs/rules/"

// DocURL is the address of the rule's documentation page (docs/rules/ID.md,
// generated from the registry).
func (r *Rule) DocURL() string { return DocsBase + r.ID + ".md" }
