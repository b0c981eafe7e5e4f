package specgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The Catalog style: the same kind of Cloud Endpoints API as the Sample
// style, written the way a platform team's catalogue of resources is kept.
// Compared with Sample it has fewer, longer scalars (markdown descriptions in
// block scalars), more $refs (shared path and query parameters, shared error
// responses, shared definitions composed with allOf), path-level parameters,
// and small schemas written as flow mappings. About 3.8 kB of YAML per path,
// like Sample, so N means the same file size in both.

// catalogStyle is the YAML layout of the Catalog style.
var catalogStyle = yamlStyle{step: 4, seqIndent: true, single: true, flow: true, blocks: true}

// CatalogHost is the service name of Catalog specs.
const CatalogHost = "fleet-api.endpoints.corsgate-catalog.cloud.goog"

type catalog struct {
	rng  *rand.Rand
	n    int
	defs *obj
}

var (
	catalogParents = []string{"fleet", "region", "depot", "tenant", "program", "workspace"}
	catalogNouns   = []string{"vehicle", "driver", "route", "stop", "trip", "manifest", "parcel",
		"charger", "battery", "inspection", "repair", "part", "supplier", "contract", "rate",
		"zone", "geofence", "alert", "rule", "report", "export", "camera", "clip", "permit"}
	catalogWords = strings.Fields(`the a resource request response caller project field value list
		state update create delete returns when if only may must server client token page filter order
		time zone region fleet vehicle driver route stop schedule quota limit key identity service
		operation backend proxy header body query path parameter error status retry after before
		every each new old current latest version etag revision label annotation owner member role`)
	catalogParagraphs = []string{
		"Use this method to keep a local cache in sync: pass the nextPageToken of the previous response until it is empty.",
		"Requests are authenticated with an API key for quota and, for writes, a JWT issued by the identity service.",
		"Fields that are not set in the request keep their current values; use the update mask to clear a field.",
		"The response carries an etag; send it back in If-Match to make the update conditional.",
		"Deleted resources stay readable for thirty days with state DELETED and can be restored with the undelete method.",
		"Results are eventually consistent: a resource created less than a few seconds ago may be missing from a list.",
	}
)

// text returns k pseudo-sentences of catalogue prose.
func (c *catalog) sentence() string {
	k := 5 + c.rng.IntN(7)
	w := make([]string, k)
	for i := range w {
		w[i] = catalogWords[c.rng.IntN(len(catalogWords))]
	}
	return title(strings.Join(w, " ")) + "."
}

// longText is a markdown description: a summary line, a paragraph and
// sometimes a list, as a literal block.
func (c *catalog) longText(what string) literal {
	var b strings.Builder
	b.WriteString(what + "\n\n")
	b.WriteString(c.sentence() + " " + catalogParagraphs[c.rng.IntN(len(catalogParagraphs))] + "\n")
	if c.rng.IntN(3) == 0 {
		b.WriteString("\nNotes:\n")
		for range 2 + c.rng.IntN(2) {
			b.WriteString("- " + c.sentence() + "\n")
		}
	}
	return literal(b.String())
}

// foldedText is a one-paragraph description wrapped as a folded block.
func (c *catalog) foldedText(what string) folded {
	return folded(what + " " + c.sentence() + " " + catalogParagraphs[c.rng.IntN(len(catalogParagraphs))] + "\n")
}

func catalogDocument(n int, seed uint64) *obj {
	c := &catalog{rng: rand.New(rand.NewPCG(seed, 0xca7a_1095_2026)), n: n, defs: newObj()}
	root := newObj()
	root.set("swagger", quoted("2.0"))
	root.set("info", newObj().
		set("title", "Fleet Operations API").
		set("description", literal("# Fleet Operations API\n\nManages vehicles, drivers, routes and everything around them.\n\n"+
			"## Authentication\n\nEvery call needs an API key (`key` query parameter); writes also need a JWT from the identity service.\n\n"+
			"## Errors\n\nErrors use the `Status` message: a code, a message and typed details.\n")).
		set("version", "2.14.0").
		set("contact", newObj().set("name", "Platform team").set("email", "platform@example.com")).
		set("license", newObj().set("name", "Apache 2.0").set("url", "https://www.apache.org/licenses/LICENSE-2.0")))
	root.set("host", CatalogHost)
	root.set("x-google-endpoints", arr{newObj().set("name", CatalogHost).set("allowCors", true)})
	root.set("basePath", "/")
	root.set("schemes", arr{"https"})
	root.set("consumes", arr{"application/json"})
	root.set("produces", arr{"application/json"})
	root.set("securityDefinitions", newObj().
		set("api_key", newObj().set("type", "apiKey").set("name", "key").set("in", "query")).
		set("identity", newObj().
			set("authorizationUrl", quoted("")).
			set("flow", "implicit").
			set("type", "oauth2").
			set("x-google-issuer", "https://identity.example.com").
			set("x-google-jwks_uri", "https://identity.example.com/.well-known/jwks.json").
			set("x-google-audiences", "fleet-api")))
	root.set("security", arr{newObj().set("api_key", arr{})})
	root.set("x-google-backend", newObj().
		set("address", "https://fleet-backend-9f8e7d-ew.a.run.app").
		set("jwt_audience", "https://fleet-backend-9f8e7d-ew.a.run.app").
		set("deadline", 20))
	root.set("x-google-management", newObj().
		set("metrics", arr{
			newObj().set("name", "reads").set("displayName", "Reads").set("valueType", "INT64").set("metricKind", "DELTA"),
			newObj().set("name", "writes").set("displayName", "Writes").set("valueType", "INT64").set("metricKind", "DELTA")}).
		set("quota", newObj().set("limits", arr{
			newObj().set("name", "reads-per-minute").set("metric", "reads").set("unit", "1/min/{project}").set("values", newObj().set("STANDARD", 6000)),
			newObj().set("name", "writes-per-minute").set("metric", "writes").set("unit", "1/min/{project}").set("values", newObj().set("STANDARD", 600))})))
	tags := arr{}
	for _, t := range catalogNouns {
		tags = append(tags, newObj().set("name", plural(t)).set("description", c.foldedText("Operations on "+plural(t)+".")))
	}
	root.set("tags", tags)
	root.set("parameters", c.sharedParameters())
	root.set("responses", c.sharedResponses())
	c.sharedDefinitions()
	paths := newObj()
	for i := 0; i < n; i++ {
		c.path(paths, i)
	}
	root.set("paths", paths)
	root.set("definitions", c.defs)
	return root
}

func (c *catalog) sharedParameters() *obj {
	p := newObj()
	for _, parent := range catalogParents {
		p.set(title(parent)+"Id", newObj().set("name", parent+"Id").set("in", "path").set("required", true).set("type", "string").
			set("description", "The "+parent+", as its short ID (for example `"+parent+"-42`)."))
	}
	p.set("PageSize", newObj().set("name", "pageSize").set("in", "query").set("type", "integer").set("format", "int32").
		set("minimum", 1).set("maximum", 1000).set("default", 100).set("description", c.foldedText("Maximum number of results per page.")))
	p.set("PageToken", newObj().set("name", "pageToken").set("in", "query").set("type", "string").set("description", "Token from the previous page."))
	p.set("Filter", newObj().set("name", "filter").set("in", "query").set("type", "string").
		set("description", c.longText("Filter expression (AIP-160).")))
	p.set("OrderBy", newObj().set("name", "orderBy").set("in", "query").set("type", "string").set("description", "Comma-separated fields, `desc` to reverse."))
	p.set("UpdateMask", newObj().set("name", "updateMask").set("in", "query").set("type", "string").set("format", "field-mask").set("description", "Fields to update."))
	p.set("RequestId", newObj().set("name", "X-Request-Id").set("in", "header").set("type", "string").set("format", "uuid").set("description", "Idempotency key; a retry with the same key returns the first result."))
	p.set("IfMatch", newObj().set("name", "If-Match").set("in", "header").set("type", "string").set("description", "Etag the update is conditional on."))
	p.set("View", newObj().set("name", "view").set("in", "query").set("type", "string").set("enum", arr{"BASIC", "FULL"}).set("default", "BASIC"))
	return p
}

var catalogErrors = []struct{ name, code, text string }{
	{"BadRequest", "400", "The request is malformed or a field is invalid."},
	{"Unauthenticated", "401", "The API key or JWT is missing or invalid."},
	{"PermissionDenied", "403", "The caller may not perform this operation."},
	{"NotFound", "404", "The resource does not exist."},
	{"Conflict", "409", "The resource changed since it was read (etag mismatch) or already exists."},
	{"TooManyRequests", "429", "Quota exhausted; retry after the delay in the Retry-After header."},
	{"Internal", "500", "Unexpected server error."},
}

func (c *catalog) sharedResponses() *obj {
	r := newObj()
	for _, e := range catalogErrors {
		resp := newObj().set("description", e.text).set("schema", newObj().set("$ref", "#/definitions/Status"))
		if e.code == "429" {
			resp.set("headers", newObj().set("Retry-After", newObj().set("type", "integer").set("description", "Seconds to wait.")))
		}
		r.set(e.name, resp)
	}
	return r
}

func (c *catalog) sharedDefinitions() {
	c.defs.set("Status", newObj().
		set("type", "object").
		set("description", c.foldedText("The error model of every API.")).
		set("properties", newObj().
			set("code", newObj().set("type", "integer").set("format", "int32")).
			set("message", newObj().set("type", "string")).
			set("details", newObj().set("type", "array").set("items", newObj().set("$ref", "#/definitions/Any")))))
	c.defs.set("Any", newObj().
		set("type", "object").
		set("properties", newObj().set("@type", newObj().set("type", "string"))).
		set("additionalProperties", true))
	c.defs.set("Metadata", newObj().
		set("type", "object").
		set("properties", newObj().
			set("createTime", newObj().set("type", "string").set("format", "date-time").set("readOnly", true)).
			set("updateTime", newObj().set("type", "string").set("format", "date-time").set("readOnly", true)).
			set("etag", newObj().set("type", "string").set("readOnly", true)).
			set("labels", newObj().set("type", "object").set("additionalProperties", newObj().set("type", "string")))))
	c.defs.set("LatLng", newObj().
		set("type", "object").
		set("properties", newObj().
			set("latitude", newObj().set("type", "number").set("format", "double")).
			set("longitude", newObj().set("type", "number").set("format", "double"))))
	c.defs.set("Operation", newObj().
		set("type", "object").
		set("properties", newObj().
			set("name", newObj().set("type", "string")).
			set("done", newObj().set("type", "boolean")).
			set("error", newObj().set("$ref", "#/definitions/Status"))))
}

// path adds path item i: a collection (list, create), an item (get, patch,
// delete) or a custom method (post :action), under one or two parents.
func (c *catalog) path(paths *obj, i int) {
	noun := catalogNouns[i%len(catalogNouns)]
	parent := catalogParents[(i/len(catalogNouns))%len(catalogParents)]
	res := fmt.Sprintf("%s%d", title(noun), i)
	seg := fmt.Sprintf("%s-%d", plural(noun), i)
	base := fmt.Sprintf("/v1/%s/{%sId}/%s", plural(parent), parent, seg)
	item := newObj()
	item.set("parameters", arr{newObj().set("$ref", "#/parameters/"+title(parent)+"Id")})
	c.definitions(res, noun, i%3 == 0)
	var tmpl string
	switch i % 3 {
	case 0:
		tmpl = base
		item.set("get", c.op(res, noun, "list", nil))
		item.set("post", c.op(res, noun, "create", nil))
	case 1:
		id := noun + "Id"
		tmpl = base + "/{" + id + "}"
		item.set("get", c.op(res, noun, "get", []string{id}))
		item.set("patch", c.op(res, noun, "update", []string{id}))
		item.set("delete", c.op(res, noun, "delete", []string{id}))
	default:
		id := noun + "Id"
		verb := verbsAction[c.rng.IntN(len(verbsAction))]
		tmpl = base + "/{" + id + "}:" + verb
		item.set("post", c.op(res, noun, verb, []string{id}))
	}
	paths.set(tmpl, item)
}

func (c *catalog) op(res, noun, kind string, ids []string) *obj {
	o := newObj()
	o.set("tags", arr{plural(noun)})
	o.set("summary", title(kind)+" "+noun)
	if c.rng.IntN(2) == 0 {
		o.set("description", c.longText(title(kind)+"s a "+noun+"."))
	} else {
		o.set("description", c.foldedText(title(kind)+"s a "+noun+"."))
	}
	o.set("operationId", kind+res)
	params := arr{}
	for _, id := range ids {
		params = append(params, newObj().set("name", id).set("in", "path").set("required", true).set("type", "string"))
	}
	body := newObj().set("name", "body").set("in", "body").set("required", true).set("schema", newObj().set("$ref", "#/definitions/"+res))
	resp := newObj()
	ok := newObj().set("description", "OK").set("schema", newObj().set("$ref", "#/definitions/"+res))
	errs := []string{"BadRequest", "Unauthenticated", "TooManyRequests", "Internal"}
	switch kind {
	case "list":
		params = append(params, ref("parameters", "PageSize"), ref("parameters", "PageToken"), ref("parameters", "Filter"), ref("parameters", "OrderBy"))
		ok = newObj().set("description", "A page of "+plural(noun)+".").set("schema", newObj().set("$ref", "#/definitions/List"+res+"Response"))
	case "create":
		params = append(params, ref("parameters", "RequestId"), body)
		errs = append(errs, "PermissionDenied", "Conflict")
	case "get":
		params = append(params, ref("parameters", "View"))
		errs = append(errs, "NotFound")
	case "update":
		params = append(params, ref("parameters", "UpdateMask"), ref("parameters", "IfMatch"), body)
		errs = append(errs, "NotFound", "Conflict")
	case "delete":
		params = append(params, ref("parameters", "IfMatch"), newObj().set("name", "force").set("in", "query").set("type", "boolean").set("default", false))
		ok = newObj().set("description", "Deleted.")
		errs = append(errs, "NotFound")
	default: // custom method
		params = append(params, ref("parameters", "RequestId"), newObj().set("name", "body").set("in", "body").set("required", true).
			set("schema", newObj().set("type", "object").set("properties", newObj().
				set("reason", newObj().set("type", "string").set("maxLength", 512)).
				set("validateOnly", newObj().set("type", "boolean")))))
		ok = newObj().set("description", "The long-running operation.").set("schema", newObj().set("$ref", "#/definitions/Operation"))
		errs = append(errs, "NotFound", "Conflict")
	}
	o.set("parameters", params)
	code := "200"
	if kind == "create" {
		code = "201"
	}
	resp.set(code, ok)
	for _, e := range catalogErrors {
		for _, want := range errs {
			if e.name == want {
				resp.set(e.code, ref("responses", e.name))
			}
		}
	}
	o.set("responses", resp)
	write := kind != "list" && kind != "get"
	if write {
		o.set("security", arr{newObj().set("api_key", arr{}).set("identity", arr{})})
	}
	metric := "reads"
	if write {
		metric = "writes"
	}
	o.set("x-google-quota", newObj().set("metricCosts", newObj().set(metric, 1)))
	if c.rng.IntN(10) == 0 {
		o.set("x-google-backend", newObj().set("address", "https://fleet-batch-9f8e7d-ew.a.run.app").set("path_translation", "APPEND_PATH_TO_ADDRESS").set("deadline", 60))
	}
	return o
}

func ref(section, name string) *obj {
	return newObj().set("$ref", "#/"+section+"/"+name)
}

func (c *catalog) definitions(res, noun string, list bool) {
	props := newObj().
		set("name", newObj().set("type", "string").set("readOnly", true).set("description", "Resource name.")).
		set("displayName", newObj().set("type", "string").set("maxLength", 63)).
		set("state", newObj().set("type", "string").set("enum", arr{"STATE_UNSPECIFIED", "ACTIVE", "SUSPENDED", "DELETED"}).set("readOnly", true)).
		set("metadata", newObj().set("allOf", arr{ref("definitions", "Metadata"), newObj().set("description", "Server-maintained fields.")}))
	if c.rng.IntN(2) == 0 {
		props.set("location", ref("definitions", "LatLng"))
	}
	for k := range c.rng.IntN(4) {
		props.set(fmt.Sprintf("%s%d", catalogWords[c.rng.IntN(len(catalogWords))], k), newObj().set("type", "integer").set("format", "int64").set("minimum", 0))
	}
	props.set("notes", newObj().set("type", "string").set("maxLength", 4096).set("description", "Free text for operators."))
	c.defs.set(res, newObj().
		set("type", "object").
		set("description", c.longText(title(noun)+" resource.")).
		set("required", arr{"displayName"}).
		set("properties", props))
	if list {
		c.defs.set("List"+res+"Response", newObj().
			set("type", "object").
			set("properties", newObj().
				set(plural(noun), newObj().set("type", "array").set("items", ref("definitions", res))).
				set("nextPageToken", newObj().set("type", "string")).
				set("totalSize", newObj().set("type", "integer").set("format", "int32"))))
	}
}
