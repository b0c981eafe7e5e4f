package rules

import (
	"path/filepath"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "api-version-conflict",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Doc:      "Checks that OpenAPI files deployed together do not produce the same API name and major version.",
		Details: `Service Management names each file's API MAJOR.NAME: NAME is x-google-api-name, or the host with
every character outside [A-Za-z0-9] replaced by _ when that is not set; MAJOR is the first part of a
three-part info.version (1 for 1.2.3), else the whole version string. Two files of one deployment with
the same name and major version fail with "OpenAPI files includes conflicting API versions. Files and
Versions found: {…}" (older wording: "Multiple OpenAPI files cannot have the same 'info.version'
value"). Fix: give each file a distinct x-google-api-name. Files named together on the command line
(or grouped under deployments: in .corsgate.yaml) are one deployment; a directory scan lints each file
on its own, so alternative specs side by side are not compared. Same verdict for every target.
OpenAPI 3.x: the host is that of the x-google-endpoint server's url, and the name is set with
x-google-api-management.apiName (UNVERIFIED that 3.x names APIs the same way).`,
		Sources: []lint.Source{apiCompiler("TopLevelBuilder.java", "validateVersions"), apiCompiler("ApiNameGenerator.java", "generate"), apiCompilerTest("multi_apis_single_name_version_conflict.baseline")},
		CheckSet: func(p *lint.SetPass) {
			for _, dep := range p.Deployments() {
				type first struct {
					doc     *spec.Document
					version string
				}
				seen := map[string]first{}
				for _, d := range dep {
					h, ok := hostOf(d)
					if !ok {
						continue
					}
					name, version := apiNameOf(d, h)
					f, dup := seen[name]
					if !dup {
						seen[name] = first{d, version}
						continue
					}
					p.For(d).Report("/info/version", "OpenAPI files includes conflicting API versions. Files and Versions found: {%s:%s, %s:%s}. Both files of service %q generate the API name %q; set a distinct %s in each file", filepath.Base(f.doc.Name), f.version, filepath.Base(d.Name), version, h, name, apiNameKey(d.Google()))
				}
			}
		},
	})
}

// apiNameOf returns the API name Service Management generates for a
// document, and its info.version.
func apiNameOf(d *spec.Document, host string) (name, version string) {
	version = d.Google().Info.Get("version").Text()
	apiName, _ := d.Google().APIName.Str()
	return generatedAPIName(host, apiName, version), version
}

// apiName2 is api-compiler's ApiNameGenerator.generate: "MAJOR.NAME",
// where NAME is x-google-api-name or the host with every character outside
// [A-Za-z0-9] replaced by "_" (and a "_" in front if it would not start with
// a letter), and MAJOR is the first part of a three-part info.version, else
// the whole version, with characters outside [A-Za-z0-9.] replaced by "_".
func generatedAPIName(host, apiName, version string) string {
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
