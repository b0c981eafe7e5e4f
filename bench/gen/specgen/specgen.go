// Package specgen writes realistic Google Cloud Endpoints Swagger 2.0 specs of
// any size, for benchmarks. The output is deterministic for a given Options
// value: the same paths, seed and format always give the same bytes.
//
// A generated spec looks like the ones teams deploy: a host under
// endpoints.PROJECT.cloud.goog, one x-google-endpoints entry (name == host,
// allowCors: true), a root x-google-backend with a few operation-level
// overrides, API-key and oauth2 security definitions with x-google-issuer,
// x-google-jwks_uri and x-google-audiences, x-google-management metrics and
// quota limits referenced by operation-level x-google-quota, and per path 2–4
// operations with path, query, header and body parameters, several responses
// (unquoted integer keys such as `200:` and `default`) and $refs into
// definitions. YAML output carries comments, like hand-written specs.
//
// Sizes: about 3.8 kB of YAML per path (N = 1000 gives ~3.8 MB), which
// matches the benchmark spec the performance targets were set on.
package specgen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Format is the output syntax.
type Format string

// Output formats.
const (
	YAML Format = "yaml"
	// JSON is indented by two spaces, one value per line.
	JSON Format = "json"
	// JSONCompact has no whitespace at all, as minified JSON and many
	// generators' output.
	JSONCompact Format = "json-compact"
)

// Style is which of the two generators writes the spec: the same kind of
// Endpoints API, written the way two different teams (or tools) write it, so
// that a benchmark does not measure one shape only.
type Style string

// Generators.
const (
	// Sample is the style of Google's Endpoints samples: two-space
	// indentation, sequences at their key's column, double quotes, every
	// parameter and response written out in each operation, unquoted integer
	// response keys, one-line descriptions, comments.
	Sample Style = "sample"
	// Catalog is a large API catalogue as a platform team maintains it:
	// four-space indentation, indented sequences, single quotes, quoted
	// response codes, shared parameters and responses reached by $ref, long
	// markdown descriptions as literal and folded block scalars, small
	// schemas as flow mappings ({type: string, format: uuid}), allOf
	// compositions and nested definitions.
	Catalog Style = "catalog"
)

// Options select what to generate.
type Options struct {
	// Paths is the number of path items (N); at least 1.
	Paths int
	// Seed makes a different, still deterministic, spec.
	Seed uint64
	// Format is YAML (default), JSON or JSONCompact.
	Format Format
	// Style is Sample (default) or Catalog.
	Style Style
}

// Host is the service name used in every generated spec.
const Host = "bench-api.endpoints.corsgate-bench.cloud.goog"

// Generate writes a spec to w.
func Generate(w io.Writer, opts Options) error {
	b, err := Bytes(opts)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Bytes returns a generated spec.
func Bytes(opts Options) ([]byte, error) {
	if opts.Paths < 1 {
		return nil, fmt.Errorf("specgen: paths must be at least 1, got %d", opts.Paths)
	}
	f := opts.Format
	if f == "" {
		f = YAML
	}
	if f != YAML && f != JSON && f != JSONCompact {
		return nil, fmt.Errorf("specgen: unknown format %q (want yaml, json or json-compact)", opts.Format)
	}
	st := opts.Style
	if st == "" {
		st = Sample
	}
	var root *obj
	ys := sampleStyle
	switch st {
	case Sample:
		g := &gen{rng: rand.New(rand.NewPCG(opts.Seed, 0x5eed_c0de_2026)), n: opts.Paths}
		root = g.document()
	case Catalog:
		root = catalogDocument(opts.Paths, opts.Seed)
		ys = catalogStyle
	default:
		return nil, fmt.Errorf("specgen: unknown style %q (want sample or catalog)", opts.Style)
	}
	var buf bytes.Buffer
	buf.Grow(opts.Paths * 4200)
	switch f {
	case JSON:
		jsonWriter{&buf, 2}.value(root, 0)
		buf.WriteByte('\n')
	case JSONCompact:
		jsonWriter{&buf, 0}.value(root, 0)
	default:
		if st == Sample {
			buf.WriteString("# Generated benchmark spec: " + fmt.Sprint(opts.Paths) + " paths, seed " + fmt.Sprint(opts.Seed) + ".\n")
			buf.WriteString("# Deploy with: gcloud endpoints services deploy openapi.yaml\n")
		} else {
			buf.WriteString("---\n# API catalogue (generated for benchmarks: " + fmt.Sprint(opts.Paths) + " paths, seed " + fmt.Sprint(opts.Seed) + ")\n")
		}
		yamlWriter{&buf, ys}.mapping(root, 0, false)
	}
	return buf.Bytes(), nil
}

// OperationsRange is the number of operations a spec with n paths holds at
// least and at most.
func OperationsRange(n int) (lo, hi int) { return 2 * n, 4 * n }

type gen struct {
	rng  *rand.Rand
	n    int
	defs *obj
}

var (
	nouns = []string{"shelf", "book", "author", "order", "invoice", "customer", "device", "sensor",
		"reading", "account", "payment", "shipment", "warehouse", "product", "review", "ticket",
		"project", "dataset", "report", "session", "message", "channel", "policy", "role",
		"member", "bucket", "object", "job", "pipeline", "model", "endpoint", "subscription",
		"topic", "alert", "incident", "schedule", "event", "venue", "booking", "coupon"}
	adjectives = []string{"active", "archived", "pending", "shared", "public", "internal",
		"regional", "primary", "draft", "featured"}
	verbsAction = []string{"publish", "archive", "restore", "cancel", "approve", "export",
		"validate", "resend", "merge", "close"}
	sentences = []string{
		"Returns the requested resource if the caller has read access.",
		"The result is paginated; use pageToken from the previous response to continue.",
		"Requires an API key; requests over quota are rejected with 429.",
		"Fields not listed in updateMask are left unchanged.",
		"The backend validates the body and returns 400 with details on failure.",
		"Deleted resources can be restored within 30 days.",
		"Use the filter parameter to narrow results, for example state=ACTIVE.",
		"Results are ordered by creation time, newest first.",
		"This call is idempotent when the same requestId is sent again.",
		"Only members of the owning project may call this method.",
	}
)

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && !strings.HasSuffix(s, "ey"):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "f"):
		return s[:len(s)-1] + "ves"
	case strings.HasSuffix(s, "s") || strings.HasSuffix(s, "ch"):
		return s + "es"
	}
	return s + "s"
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *gen) text(min, max int) string {
	k := min + g.rng.IntN(max-min+1)
	parts := make([]string, k)
	start := g.rng.IntN(len(sentences))
	for i := range parts {
		parts[i] = sentences[(start+3*i)%len(sentences)]
	}
	return strings.Join(parts, " ")
}

func (g *gen) document() *obj {
	root := newObj()
	root.set("swagger", quoted("2.0"))
	root.set("info", newObj().
		set("title", quoted("Benchmark API")).
		set("description", quoted("Synthetic Cloud Endpoints API used to measure lint speed. "+sentences[0])).
		set("version", quoted("1.0.0")))
	root.note("The service name; x-google-endpoints[0].name must be the same.", "host", quoted(Host))
	root.set("x-google-endpoints", arr{newObj().
		note("Pass CORS preflight requests through to the backend.", "name", quoted(Host)).
		set("allowCors", true)})
	root.set("basePath", "/")
	root.set("schemes", arr{"https"})
	root.set("consumes", arr{"application/json"})
	root.set("produces", arr{"application/json"})
	root.note("Default backend for every operation (ESPv2 / API Gateway).", "x-google-backend", newObj().
		set("address", "https://bench-backend-abc123-uc.a.run.app").
		set("protocol", "h2").
		set("deadline", 15))
	root.set("security", arr{newObj().set("api_key", arr{})})
	tags := arr{}
	for _, n := range nouns[:8] {
		tags = append(tags, newObj().set("name", n).set("description", "Operations on "+plural(n)+"."))
	}
	root.set("tags", tags)

	g.defs = newObj()
	g.sharedDefinitions()
	paths := newObj()
	for i := 0; i < g.n; i++ {
		g.path(paths, i)
	}
	root.set("paths", paths)
	root.set("definitions", g.defs)
	root.note("API keys identify the calling project for quota.", "securityDefinitions", g.securityDefinitions())
	root.note("Quota: every operation with x-google-quota must name a metric defined here.", "x-google-management", g.management())
	return root
}

func (g *gen) sharedDefinitions() {
	g.defs.set("Error", newObj().
		set("type", "object").
		set("required", arr{"code", "message"}).
		set("properties", newObj().
			set("code", newObj().set("type", "integer").set("format", "int32")).
			set("message", newObj().set("type", "string")).
			set("details", newObj().set("type", "array").set("items", newObj().set("$ref", "#/definitions/ErrorDetail")))))
	g.defs.set("ErrorDetail", newObj().
		set("type", "object").
		set("properties", newObj().
			set("field", newObj().set("type", "string")).
			set("reason", newObj().set("type", "string"))))
	g.defs.set("User", newObj().
		set("type", "object").
		set("properties", newObj().
			set("id", newObj().set("type", "string")).
			set("email", newObj().set("type", "string").set("format", "email")).
			set("displayName", newObj().set("type", "string"))))
	g.defs.set("Operation", newObj().
		set("type", "object").
		set("properties", newObj().
			set("name", newObj().set("type", "string")).
			set("done", newObj().set("type", "boolean")).
			set("error", newObj().set("$ref", "#/definitions/Error"))))
}

func (g *gen) securityDefinitions() *obj {
	sd := newObj()
	sd.set("api_key", newObj().set("type", "apiKey").set("name", "key").set("in", "query"))
	sd.note("Google ID tokens; authorizationUrl and flow are required by Swagger, ignored by Google.", "google_id_token", newObj().
		set("authorizationUrl", quoted("")).
		set("flow", "implicit").
		set("type", "oauth2").
		set("x-google-issuer", quoted("https://accounts.google.com")).
		set("x-google-jwks_uri", quoted("https://www.googleapis.com/oauth2/v3/certs")).
		set("x-google-audiences", quoted("1234567890-abc.apps.googleusercontent.com")))
	sd.set("firebase", newObj().
		set("authorizationUrl", quoted("")).
		set("flow", "implicit").
		set("type", "oauth2").
		set("x-google-issuer", quoted("https://securetoken.google.com/corsgate-bench")).
		set("x-google-jwks_uri", quoted("https://www.googleapis.com/service_accounts/v1/metadata/x509/securetoken@system.gserviceaccount.com")).
		set("x-google-audiences", quoted("corsgate-bench")))
	return sd
}

func (g *gen) management() *obj {
	metrics := arr{}
	limits := arr{}
	for _, m := range []string{"read-requests", "write-requests"} {
		metrics = append(metrics, newObj().
			set("name", m).
			set("displayName", title(strings.ReplaceAll(m, "-", " "))).
			set("valueType", "INT64").
			set("metricKind", "DELTA"))
		limits = append(limits, newObj().
			set("name", strings.TrimSuffix(m, "-requests")+"-limit").
			set("metric", m).
			set("unit", quoted("1/min/{project}")).
			set("values", newObj().set("STANDARD", 1000)))
	}
	return newObj().set("metrics", metrics).set("quota", newObj().set("limits", limits))
}

// path adds path item i. Three shapes alternate: a collection (list +
// create, sometimes a bulk update), an item (get, patch, delete, sometimes
// put) and a custom action (post, sometimes get). Every path is unique
// because the resource segment carries i.
func (g *gen) path(paths *obj, i int) {
	noun := nouns[i%len(nouns)]
	parent := nouns[(i/len(nouns)+3*i+1)%len(nouns)]
	if parent == noun {
		// A custom action's template names both: the same variable twice
		// is an invalid spec (a repeated path parameter).
		parent = nouns[(i/len(nouns)+3*i+2)%len(nouns)]
	}
	res := fmt.Sprintf("%s%d", title(noun), i)     // definition name
	seg := fmt.Sprintf("%s-%d", plural(noun), i)   // URL segment
	version := fmt.Sprintf("v%d", 1+g.rng.IntN(2)) // v1 or v2
	parentID := parent + "Id"
	itemID := noun + "Id"
	g.resourceDefinitions(res, noun, i%3 == 0)

	item := newObj()
	var tmpl string
	switch i % 3 {
	case 0: // collection
		tmpl = fmt.Sprintf("/%s/%s/{%s}/%s", version, plural(parent), parentID, seg)
		item.set("get", g.op(opSpec{id: "list" + res, noun: noun, res: res, kind: "list", params: []string{parentID}}))
		item.set("post", g.op(opSpec{id: "create" + res, noun: noun, res: res, kind: "create", params: []string{parentID}}))
		if g.rng.IntN(2) == 0 {
			item.set("put", g.op(opSpec{id: "replaceAll" + res, noun: noun, res: res, kind: "update", params: []string{parentID}}))
		}
	case 1: // item
		tmpl = fmt.Sprintf("/%s/%s/{%s}", version, seg, itemID)
		item.set("get", g.op(opSpec{id: "get" + res, noun: noun, res: res, kind: "get", params: []string{itemID}}))
		item.set("patch", g.op(opSpec{id: "update" + res, noun: noun, res: res, kind: "update", params: []string{itemID}}))
		item.set("delete", g.op(opSpec{id: "delete" + res, noun: noun, res: res, kind: "delete", params: []string{itemID}}))
		if g.rng.IntN(3) == 0 {
			item.set("put", g.op(opSpec{id: "replace" + res, noun: noun, res: res, kind: "update", params: []string{itemID}}))
		}
	default: // custom action
		verb := g.pick(verbsAction)
		tmpl = fmt.Sprintf("/%s/%s/{%s}/%s/{%s}:%s", version, plural(parent), parentID, seg, itemID, verb)
		item.set("post", g.op(opSpec{id: verb + res, noun: noun, res: res, kind: "action", params: []string{parentID, itemID}}))
		item.set("get", g.op(opSpec{id: verb + res + "Status", noun: noun, res: res, kind: "status", params: []string{parentID, itemID}}))
		if g.rng.IntN(3) == 0 {
			item.set("delete", g.op(opSpec{id: "cancel" + title(verb) + res, noun: noun, res: res, kind: "delete", params: []string{parentID, itemID}}))
		}
	}
	paths.set(tmpl, item)
}

type opSpec struct {
	id, noun, res, kind string
	params              []string // path template variables, in order
}

func (g *gen) op(s opSpec) *obj {
	o := newObj()
	o.set("summary", fmt.Sprintf("%s %s", title(s.kind), s.noun))
	o.set("description", g.text(1, 2))
	o.set("operationId", s.id)
	o.set("tags", arr{nouns[g.rng.IntN(8)]})
	params := arr{}
	for _, p := range s.params {
		params = append(params, newObj().
			set("name", p).
			set("in", "path").
			set("required", true).
			set("type", "string"))
	}
	if s.kind != "get" && s.kind != "list" && s.kind != "status" {
		params = append(params, newObj().
			set("name", "X-Request-Id").
			set("in", "header").
			set("description", "Idempotency key.").
			set("type", "string").
			set("format", "uuid"))
	}
	switch s.kind {
	case "list":
		params = append(params,
			newObj().set("name", "pageSize").set("in", "query").set("type", "integer").set("format", "int32").
				set("minimum", 1).set("maximum", 1000).set("default", 50).set("description", "Maximum number of results."),
			newObj().set("name", "pageToken").set("in", "query").set("type", "string").set("description", "Token from a previous page."),
			newObj().set("name", "filter").set("in", "query").set("type", "string").set("description", "Filter expression, e.g. state="+strings.ToUpper(g.pick(adjectives))+"."),
			newObj().set("name", "orderBy").set("in", "query").set("type", "string").
				set("enum", arr{"createTime", "updateTime", "name"}).set("description", "Sort order."))
	case "get", "status":
		params = append(params, newObj().set("name", "view").set("in", "query").set("type", "string").
			set("enum", arr{"BASIC", "FULL"}))
	case "create", "update", "action":
		params = append(params, newObj().
			set("name", "body").
			set("in", "body").
			set("description", "The "+s.noun+" to write.").
			set("required", true).
			set("schema", newObj().set("$ref", "#/definitions/"+s.res)))
		if s.kind == "update" {
			params = append(params, newObj().set("name", "updateMask").set("in", "query").set("type", "string").
				set("description", "Comma-separated list of fields to update."))
		}
	case "delete":
		params = append(params, newObj().set("name", "force").set("in", "query").set("type", "boolean").
			set("description", "Delete children too."))
	}
	o.set("parameters", params)

	resp := newObj()
	switch s.kind {
	case "list":
		resp.set(200, newObj().set("description", "A page of "+plural(s.noun)+".").
			set("schema", newObj().set("$ref", "#/definitions/List"+s.res+"Response")))
	case "create":
		resp.set(201, newObj().set("description", "Created.").
			set("schema", newObj().set("$ref", "#/definitions/"+s.res)).
			set("headers", newObj().set("Location", newObj().set("type", "string").set("description", "URL of the new "+s.noun+"."))))
	case "delete":
		resp.set(204, newObj().set("description", "Deleted."))
	case "action":
		resp.set(200, newObj().set("description", "The long-running operation.").
			set("schema", newObj().set("$ref", "#/definitions/Operation")))
	default:
		resp.set(200, newObj().set("description", "The "+s.noun+".").
			set("schema", newObj().set("$ref", "#/definitions/"+s.res)))
	}
	if s.kind != "get" && s.kind != "status" {
		resp.set(400, newObj().set("description", "Invalid request.").set("schema", newObj().set("$ref", "#/definitions/Error")))
	}
	if s.kind != "list" && s.kind != "create" {
		resp.set(404, newObj().set("description", "No such "+s.noun+".").set("schema", newObj().set("$ref", "#/definitions/Error")))
	}
	resp.set("default", newObj().set("description", "Unexpected error.").set("schema", newObj().set("$ref", "#/definitions/Error")))
	o.set("responses", resp)

	// Security: most operations use the root API key (and so may carry
	// quota); some require a Google ID token, some Firebase AND an API key.
	switch r := g.rng.IntN(10); {
	case r < 2:
		o.note("Signed-in users only.", "security", arr{newObj().set("google_id_token", arr{})})
	case r < 3:
		o.note("Firebase users, and the calling project's API key.", "security", arr{newObj().set("firebase", arr{}).set("api_key", arr{})})
	default:
		metric := "read-requests"
		if s.kind == "create" || s.kind == "update" || s.kind == "delete" || s.kind == "action" {
			metric = "write-requests"
		}
		o.set("x-google-quota", newObj().set("metricCosts", newObj().set(metric, 1+g.rng.IntN(3))))
	}
	if g.rng.IntN(8) == 0 {
		o.note("Served by a Cloud Function instead of the default backend.", "x-google-backend", newObj().
			set("address", fmt.Sprintf("https://us-central1-corsgate-bench.cloudfunctions.net/%s", s.id)).
			set("path_translation", "APPEND_PATH_TO_ADDRESS").
			set("deadline", 30))
	}
	return o
}

// resourceDefinitions adds the resource and its list response, with $refs to
// the shared definitions.
func (g *gen) resourceDefinitions(res, noun string, list bool) {
	props := newObj().
		set("name", newObj().set("type", "string").set("readOnly", true)).
		set("displayName", newObj().set("type", "string")).
		set("state", newObj().set("type", "string").set("enum", arr{"STATE_UNSPECIFIED", "ACTIVE", "ARCHIVED"})).
		set("createTime", newObj().set("type", "string").set("format", "date-time").set("readOnly", true)).
		set("owner", newObj().set("$ref", "#/definitions/User")).
		set("labels", newObj().set("type", "object").set("additionalProperties", newObj().set("type", "string")))
	if !list {
		props.fields = props.fields[:len(props.fields)-1] // only some resources carry labels
	}
	extra := g.rng.IntN(3)
	first := g.rng.IntN(len(adjectives))
	for k := 0; k < extra; k++ {
		a := adjectives[(first+k)%len(adjectives)] // distinct: no duplicate keys
		props.set(a+"Count", newObj().set("type", "integer").set("format", "int64"))
	}
	g.defs.set(res, newObj().
		set("type", "object").
		set("description", title(noun)+" resource. "+g.pick(sentences)).
		set("required", arr{"displayName"}).
		set("properties", props))
	if !list {
		return
	}
	g.defs.set("List"+res+"Response", newObj().
		set("type", "object").
		set("properties", newObj().
			set("items", newObj().set("type", "array").set("items", newObj().set("$ref", "#/definitions/"+res))).
			set("nextPageToken", newObj().set("type", "string"))))
}
