package rules

import (
	"regexp"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Structural checks from the Swagger 2.0 schema that Service Management
// validates against (reference §2.1 F4–F5), tuned to Google's idioms: the
// documented authorizationUrl: "" on oauth2 definitions, oauth2 without
// scopes and unquoted integer response keys are valid and never reported.

// StructureRequired is F5 (required fields).
var StructureRequired = &lint.Rule{
	ID:       "structure-required",
	Ref:      "F5",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Doc:      "Checks the fields the Swagger 2.0 schema requires: info.title, info.version, paths, and responses on every operation.",
	Details: `Service Management validates the document against the Swagger 2.0 JSON Schema and fails with
"Invalid OpenAPI file. Please fix the schema errors:" followed by keyword="required" items.`,
	Bad:    "swagger: \"2.0\"\ninfo: {title: Echo}\npaths:\n  /echo:\n    post: {operationId: echo}\n",
	Good:   "swagger: \"2.0\"\ninfo: {title: Echo, version: 1.0.0}\npaths:\n  /echo:\n    post:\n      operationId: echo\n      responses: {200: {description: ok}}\n",
	Source: "api-compiler bundled Swagger 2.0 schema (baseline schema_error)",
	Check:  checkRequired,
}

func checkRequired(p *lint.Pass) {
	root := p.Doc.Root
	_, info := spec.MapGet(root, "info")
	switch {
	case info == nil:
		p.ReportNode(lint.Error, root, "/info", `Invalid OpenAPI file: the required "info" object is missing; add info with title and version`)
	case !spec.IsMap(info):
		p.Report("/info", "info must be an object with title and version, not %s", spec.TypeName(info))
	default:
		for _, f := range []string{"title", "version"} {
			if spec.Get(info, f) == nil {
				p.ReportKey("/info", `Invalid OpenAPI file: info.%s is required (keyword="required" missing=["%s"])`, f, f)
			} else if v := spec.Deref(spec.Get(info, f)); !spec.IsString(v) && f == "title" {
				p.Report(spec.Pointer("info", f), "info.%s must be a string, not %s", f, describe(v))
			}
		}
	}
	_, paths := spec.MapGet(root, "paths")
	switch {
	case paths == nil:
		p.ReportNode(lint.Error, root, "/paths", `Invalid OpenAPI file: the required "paths" object is missing; add paths: {} at least`)
	case !spec.IsMap(paths):
		p.Report("/paths", "paths must be an object mapping path templates to path items, not %s", spec.TypeName(paths))
	}
	for _, op := range p.Doc.Operations() {
		if !spec.IsMap(op.Node) {
			p.Report(op.Ptr, "operation %s %s must be an object, not %s", strings.ToUpper(op.Method), op.Path, spec.TypeName(op.Node))
			continue
		}
		_, r := spec.MapGet(op.Node, "responses")
		switch {
		case r == nil:
			p.ReportKey(op.Ptr, `Operation '%s' in path '%s': responses is required (keyword="required" missing=["responses"])`, op.Method, op.Path)
		case !spec.IsMap(r) || len(spec.Deref(r).Content) == 0:
			p.Report(spec.Append(op.Ptr, "responses"), "Operation '%s' in path '%s': responses must be an object with at least one response code", op.Method, op.Path)
		}
	}
}

// StructurePathKeys is F5 (path keys).
var StructurePathKeys = &lint.Rule{
	ID:       "structure-path-keys",
	Ref:      "F5",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Doc:      "Checks that every key of paths starts with / (or is an x- extension).",
	Bad:      "paths:\n  echo:\n    get: {operationId: echo, responses: {200: {description: ok}}}\n",
	Good:     "paths:\n  /echo:\n    get: {operationId: echo, responses: {200: {description: ok}}}\n",
	Source:   "Swagger 2.0 schema (paths patternProperties ^/, ^x-)",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "paths"), func(k, v *yaml.Node) {
			if strings.HasPrefix(k.Value, "/") || strings.HasPrefix(k.Value, "x-") {
				return
			}
			ptr := spec.Pointer("paths", k.Value)
			if k.Value == "" {
				p.ReportKey(ptr, `empty path key: Service Management reports "object instance has properties which are not allowed by the schema: [\"\"]"`)
				return
			}
			p.ReportKey(ptr, "path %q must start with /: write %q", k.Value, "/"+k.Value)
		})
	},
}

var responseCodeRE = regexp.MustCompile(`^[1-5][0-9]{2}$`)

// StructureResponseCodes is F5 (response keys).
var StructureResponseCodes = &lint.Rule{
	ID:       "structure-response-codes",
	Ref:      "F5",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Doc:      "Checks that response keys are three-digit HTTP status codes or default.",
	Details:  `Unquoted integer keys such as 200: are fine (YAML reads them as numbers; Google's samples use them).`,
	Bad:      "responses:\n  ok: {description: ok}\n",
	Good:     "responses:\n  200: {description: ok}\n",
	Source:   "Swagger 2.0 schema (responses patternProperties ^([0-9]{3})$|^(default)$)",
	Check: func(p *lint.Pass) {
		for _, op := range p.Doc.Operations() {
			spec.Pairs(spec.Get(op.Node, "responses"), func(k, _ *yaml.Node) {
				if k.Value == "default" || strings.HasPrefix(k.Value, "x-") || responseCodeRE.MatchString(k.Value) {
					return
				}
				p.ReportKey(spec.Append(op.Ptr, "responses", k.Value), "Operation '%s' in path '%s': response key %q must be an HTTP status code (100–599) or default", op.Method, op.Path, k.Value)
			})
		}
	},
}

// StructureBasePath is F5 (basePath).
var StructureBasePath = &lint.Rule{
	ID:       "structure-base-path",
	Ref:      "F5",
	Category: lint.CategoryStructure,
	Severity: lint.Error,
	Doc:      "Checks that basePath is a string starting with /.",
	Bad:      "basePath: v1\n",
	Good:     "basePath: /v1\n",
	Source:   "Swagger 2.0 schema (basePath pattern ^/)",
	Check: func(p *lint.Pass) {
		_, v := spec.MapGet(p.Doc.Root, "basePath")
		if v == nil {
			return
		}
		v = spec.Deref(v)
		if !spec.IsString(v) {
			p.Report("/basePath", "basePath must be a string starting with /, not %s", describe(v))
			return
		}
		if !strings.HasPrefix(v.Value, "/") {
			p.Report("/basePath", "basePath %q must start with /: write %q", v.Value, "/"+v.Value)
		}
	},
}

func init() {
	for _, r := range []*lint.Rule{StructureRequired, StructurePathKeys, StructureResponseCodes, StructureBasePath} {
		register(r)
	}
}
