package transform

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"go.yaml.in/yaml/v3"
)

// endpointsKey is the root extension that carries allowCors
// (reference endpoints-rules §1.1).
const endpointsKey = "x-google-endpoints"

// allowKeys are the two spellings proto-JSON accepts for
// google.api.Endpoint.allow_cors.
var allowKeys = []string{"allowCors", "allow_cors"}

type ctx struct {
	doc  *spec.Document
	f    *yamledit.File
	root *yaml.Node
	dep  spec.Deployment
}

func newCtx(doc *spec.Document, dep spec.Deployment) *ctx {
	return &ctx{doc: doc, f: yamledit.New(doc), root: doc.Root, dep: dep}
}

// service is the name the endpoint entry must carry, and a node whose
// quoting new text follows (nil: the file's default).
type service struct {
	name string
	like *yaml.Node
}

// service returns the service config name the proxy compares endpoint names
// with (spec.Google.ServiceConfigName): the given --service-name, else host
// on Cloud Endpoints; on API Gateway without a given name it is unknown.
func (c *ctx) service() (service, error) {
	g := c.doc.Google()
	if name, ok := g.ServiceConfigName(c.dep); ok {
		like := g.Service.Node
		if g.Service.Text() != name {
			like = nil
		}
		return service{name, like}, nil
	}
	if c.dep.Gateway {
		return service{}, fmt.Errorf("%w: on API Gateway the service name is the gateway's managed service (API_ID-HASH.apigateway.PROJECT_ID.cloud.goog), not host; give it with --service-name (gcloud api-gateway apis describe API_ID --format='value(managedService)' prints it)", ErrNoHost)
	}
	_, err := c.host()
	return service{}, err
}

// host returns the host value node, or ErrNoHost.
func (c *ctx) host() (*yaml.Node, error) {
	_, v := spec.MapGet(c.root, "host")
	if v == nil {
		return nil, fmt.Errorf("%w: the spec has no host; add host (the service name, e.g. host: my-api.endpoints.my-project.cloud.goog) first, or give --service-name; corsgate does not invent one", ErrNoHost)
	}
	d := spec.Deref(v)
	if d.Kind != yaml.ScalarNode || !spec.IsString(d) || d.Value == "" {
		return nil, fmt.Errorf("%w: host is %s, not a service name", ErrNoHost, spec.TypeName(d))
	}
	return d, nil
}

// endpoints returns the x-google-endpoints key and list. seq is nil when the
// key is absent; a value that is not a list, or is an alias, is refused.
func (c *ctx) endpoints() (key, seq *yaml.Node, err error) {
	k, v := spec.MapGet(c.root, endpointsKey)
	if v == nil {
		return nil, nil, nil
	}
	if v.Kind == yaml.AliasNode {
		return nil, nil, fmt.Errorf("%w: %s at line %d is an alias; edit its anchor by hand", ErrRefused, endpointsKey, v.Line)
	}
	if v.Kind != yaml.SequenceNode {
		return nil, nil, fmt.Errorf("%w: %s at line %d is %s; it must be a list (fix it by hand)", ErrRefused, endpointsKey, v.Line, spec.TypeName(v))
	}
	return k, v, nil
}

// entry checks that item i of the list is a mapping written in place.
func entry(seq *yaml.Node, i int) (*yaml.Node, error) {
	e := seq.Content[i]
	if e.Kind == yaml.AliasNode {
		return nil, fmt.Errorf("%w: %s entry %d at line %d is an alias; edit its anchor by hand", ErrRefused, endpointsKey, i, e.Line)
	}
	if e.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: %s entry %d at line %d is %s, not an object with name and allowCors", ErrRefused, endpointsKey, i, e.Line, spec.TypeName(e))
	}
	return e, nil
}

func nameOf(e *yaml.Node) (string, bool) {
	_, v := spec.MapGet(e, "name")
	if v == nil {
		return "", false
	}
	return spec.Deref(v).Value, true
}

// pick chooses the entry allow-cors on works on: the first whose name is host
// exactly, else the first whose name matches ignoring case, else the first.
func pick(seq *yaml.Node, host string) int {
	fold := -1
	for i, e := range seq.Content {
		n, ok := nameOf(spec.Deref(e))
		if !ok {
			continue
		}
		if n == host {
			return i
		}
		if fold < 0 && strings.EqualFold(n, host) {
			fold = i
		}
	}
	if fold >= 0 {
		return fold
	}
	return 0
}

// replaceIfDiff returns an edit replacing n's text with text, or nothing
// when the text is already there.
func (c *ctx) replaceIfDiff(n *yaml.Node, text string) ([]yamledit.Edit, error) {
	e, err := c.f.Replace(n, text)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	if string(c.doc.Src[e.Start:e.End]) == e.Text {
		return nil, nil
	}
	return []yamledit.Edit{e}, nil
}

// newEntryText renders {name: SERVICE, allowCors: true} as the member text
// of a list: block YAML (lines after the first are relative to the item's
// content), flow YAML or JSON in the file's layout.
func (c *ctx) newEntryText(svc service, block bool, jsonIndent string) string {
	name := c.f.String(svc.name, svc.like)
	if c.f.JSON {
		colon, comma := c.f.Colon, c.f.Comma
		if jsonIndent == "" {
			return "{" + `"name"` + colon + name + comma + `"allowCors"` + colon + "true}"
		}
		return "{\n" + jsonIndent + `"name"` + colon + name + ",\n" + jsonIndent + `"allowCors"` + colon + "true\n}"
	}
	if block {
		return "name: " + name + "\nallowCors: true"
	}
	return "{name: " + name + ", allowCors: true}"
}

// ensureEntry adds x-google-endpoints with one entry when the document has
// none, or an entry to an empty list.
func ensureEntry(c *ctx) ([]yamledit.Edit, error) {
	h, err := c.service()
	if err != nil {
		return nil, err
	}
	_, seq, err := c.endpoints()
	if err != nil {
		return nil, err
	}
	if seq != nil {
		if len(seq.Content) > 0 {
			return nil, nil
		}
		// An empty list is always written in flow style: [].
		e, err := c.f.AppendItem(seq, c.newEntryText(h, false, ""))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRefused, err)
		}
		return []yamledit.Edit{e}, nil
	}
	// No key: add it after host (the entry is about host).
	after := -1
	for i := 0; i+1 < len(c.root.Content); i += 2 {
		if c.root.Content[i].Value == "host" {
			after = i / 2
		}
	}
	var value string
	switch {
	case c.f.JSON && c.f.JSONIndent == "":
		value = "[" + c.newEntryText(h, false, "") + "]"
	case c.f.JSON:
		u := c.f.JSONIndent
		value = "[\n" + u + strings.ReplaceAll(c.newEntryText(h, false, u), "\n", "\n"+u) + "\n]"
	case c.root.Style&yaml.FlowStyle != 0:
		value = "[" + c.newEntryText(h, false, "") + "]"
	default:
		pad := strings.Repeat(" ", c.f.SeqIndent)
		value = "\n" + pad + "- " + strings.ReplaceAll(c.newEntryText(h, true, ""), "\n", "\n"+pad+"  ")
	}
	e, err := c.f.InsertPair(c.root, after, endpointsKey, value)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return []yamledit.Edit{e}, nil
}

// hostEntry returns the service name and the x-google-endpoints entry
// chosen for it (nil entry, nil error when there is no entry to edit).
func hostEntry(c *ctx) (h service, e *yaml.Node, err error) {
	h, err = c.service()
	if err != nil {
		return h, nil, err
	}
	_, seq, err := c.endpoints()
	if err != nil || seq == nil || len(seq.Content) == 0 {
		return h, nil, err
	}
	e, err = entry(seq, pick(seq, h.name))
	return h, e, err
}

// ensureName makes the chosen entry's name equal the service name.
func ensureName(c *ctx) ([]yamledit.Edit, error) {
	h, e, err := hostEntry(c)
	if err != nil || e == nil {
		return nil, err
	}
	return c.setName(e, h)
}

func (c *ctx) setName(e *yaml.Node, h service) ([]yamledit.Edit, error) {
	_, v := spec.MapGet(e, "name")
	if v == nil {
		ed, err := c.f.InsertPair(e, -1, "name", c.f.String(h.name, h.like))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRefused, err)
		}
		return []yamledit.Edit{ed}, nil
	}
	d := spec.Deref(v)
	if d.Kind == yaml.ScalarNode && spec.IsString(d) && d.Value == h.name {
		return nil, nil
	}
	like := d
	if v.Kind == yaml.AliasNode || d.Kind != yaml.ScalarNode {
		like = h.like
	}
	return c.replaceIfDiff(v, c.f.String(h.name, like))
}

// setAllowCors gives entry e allowCors: on (every spelling present), adding
// allowCors when neither spelling is there.
func (c *ctx) setAllowCors(e *yaml.Node, on bool) ([]yamledit.Edit, error) {
	text := "false"
	if on {
		text = "true"
	}
	var edits []yamledit.Edit
	found := false
	for _, k := range allowKeys {
		_, v := spec.MapGet(e, k)
		if v == nil {
			continue
		}
		found = true
		if b, ok := spec.BoolValue(v); ok && b == on && v.Kind != yaml.AliasNode {
			continue
		}
		ed, err := c.replaceIfDiff(v, text)
		if err != nil {
			return nil, err
		}
		edits = append(edits, ed...)
	}
	if found || !on {
		return edits, nil
	}
	after := -1
	for i := 0; i+1 < len(e.Content); i += 2 {
		if e.Content[i].Value == "name" {
			after = i / 2
		}
	}
	ed, err := c.f.InsertPair(e, after, "allowCors", text)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return []yamledit.Edit{ed}, nil
}

func ensureAllowCorsOn(c *ctx) ([]yamledit.Edit, error) {
	_, e, err := hostEntry(c)
	if err != nil || e == nil {
		return nil, err
	}
	return c.setAllowCors(e, true)
}

// dropDuplicates removes entries other than the chosen one whose name is
// host too and that say nothing else (only name and allowCors): at most one
// entry may name the service. When such an entry carries more (a target),
// the transform refuses: merging entries is the user's call.
func dropDuplicates(c *ctx) ([]yamledit.Edit, error) {
	h, err := c.service()
	if err != nil {
		return nil, err
	}
	_, seq, err := c.endpoints()
	if err != nil || seq == nil || len(seq.Content) < 2 {
		return nil, err
	}
	keep := pick(seq, h.name)
	for i := len(seq.Content) - 1; i >= 0; i-- {
		if i == keep {
			continue
		}
		e := seq.Content[i]
		if n, ok := nameOf(spec.Deref(e)); ok && n == h.name {
			if e.Kind != yaml.MappingNode || !onlyNameAndCors(e) {
				return nil, fmt.Errorf("%w: %s entries %d and %d both name %s and entry %d carries more than name and allowCors; merge them by hand (at most one entry is allowed)", ErrRefused, endpointsKey, keep, i, h.name, i)
			}
			ed, err := c.f.RemoveItem(seq, i)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrRefused, err)
			}
			return []yamledit.Edit{ed}, nil // one removal per round
		}
	}
	return nil, nil
}

func onlyNameAndCors(e *yaml.Node) bool {
	for j := 0; j+1 < len(e.Content); j += 2 {
		switch e.Content[j].Value {
		case "name", "allowCors", "allow_cors":
		default:
			return false
		}
	}
	return true
}

// allowCorsOff sets every allowCors / allow_cors to false, or with remove
// deletes them, then drops entries left with nothing but a name (Service
// Management adds {name: host} on its own, reference endpoints-rules §1.1)
// and the whole key when the list ends up empty.
func allowCorsOff(remove bool) step {
	return func(c *ctx) ([]yamledit.Edit, error) {
		ek, seq, err := c.endpoints()
		if err != nil || seq == nil {
			return nil, err
		}
		if !remove {
			var edits []yamledit.Edit
			for i := range seq.Content {
				e := spec.Deref(seq.Content[i])
				if e.Kind != yaml.MappingNode {
					continue
				}
				if seq.Content[i].Kind == yaml.AliasNode {
					if on, _ := spec.BoolValue(spec.Get(e, "allowCors")); on {
						return nil, fmt.Errorf("%w: %s entry %d at line %d is an alias; edit its anchor by hand", ErrRefused, endpointsKey, i, seq.Content[i].Line)
					}
					continue
				}
				ed, err := c.setAllowCors(e, false)
				if err != nil {
					return nil, err
				}
				edits = append(edits, ed...)
			}
			return edits, nil
		}
		for i := range seq.Content {
			e := seq.Content[i]
			if e.Kind != yaml.MappingNode {
				continue
			}
			var k *yaml.Node
			others := 0
			for j := 0; j+1 < len(e.Content); j += 2 {
				switch e.Content[j].Value {
				case "allowCors", "allow_cors":
					if k == nil {
						k = e.Content[j]
					}
				case "name":
				default:
					others++
				}
			}
			if k == nil {
				continue
			}
			if others == 0 {
				// Only name and allowCors: the entry says nothing else.
				if len(seq.Content) == 1 {
					ed, err := c.f.RemovePair(c.root, ek)
					if err != nil {
						return nil, fmt.Errorf("%w: %w", ErrRefused, err)
					}
					return []yamledit.Edit{ed}, nil
				}
				ed, err := c.f.RemoveItem(seq, i)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", ErrRefused, err)
				}
				return []yamledit.Edit{ed}, nil
			}
			ed, err := c.f.RemovePair(e, k)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrRefused, err)
			}
			return []yamledit.Edit{ed}, nil
		}
		return nil, nil
	}
}

// syncFromHost sets every entry's name to the service name (host, or the
// given --service-name).
func syncFromHost(c *ctx) ([]yamledit.Edit, error) {
	h, err := c.service()
	if err != nil {
		return nil, err
	}
	_, seq, err := c.endpoints()
	if err != nil || seq == nil {
		return nil, err
	}
	var edits []yamledit.Edit
	for i := range seq.Content {
		e, err := entry(seq, i)
		if err != nil {
			return nil, err
		}
		ed, err := c.setName(e, h)
		if err != nil {
			return nil, err
		}
		edits = append(edits, ed...)
	}
	if len(edits) > 1 {
		// Insertions into different entries never collide, but keep one
		// change per round so positions stay simple to reason about.
		edits = edits[:1]
	}
	return edits, nil
}

// syncFromName sets host to the endpoint name. Every entry must carry the
// same name; otherwise the source of truth is ambiguous.
func syncFromName(c *ctx) ([]yamledit.Edit, error) {
	_, seq, err := c.endpoints()
	if err != nil {
		return nil, err
	}
	if seq == nil || len(seq.Content) == 0 {
		return nil, fmt.Errorf("%w: there is no %s entry to take the name from", ErrRefused, endpointsKey)
	}
	var nameNode *yaml.Node
	for i := range seq.Content {
		e, err := entry(seq, i)
		if err != nil {
			return nil, err
		}
		_, v := spec.MapGet(e, "name")
		if v == nil {
			continue
		}
		d := spec.Deref(v)
		if !spec.IsString(d) || d.Value == "" {
			return nil, fmt.Errorf("%w: %s entry %d has a name that is %s", ErrRefused, endpointsKey, i, spec.TypeName(d))
		}
		if nameNode != nil && nameNode.Value != d.Value {
			return nil, fmt.Errorf("%w: %s entries carry different names (%q, %q); keep one entry", ErrRefused, endpointsKey, nameNode.Value, d.Value)
		}
		nameNode = d
	}
	if nameNode == nil {
		return nil, fmt.Errorf("%w: no %s entry has a name", ErrRefused, endpointsKey)
	}
	_, hv := spec.MapGet(c.root, "host")
	if hv == nil {
		after := -1
		for i := 0; i+1 < len(c.root.Content); i += 2 {
			switch c.root.Content[i].Value {
			case "swagger", "info":
				after = i / 2
			}
		}
		ed, err := c.f.InsertPair(c.root, after, "host", c.f.String(nameNode.Value, nameNode))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRefused, err)
		}
		return []yamledit.Edit{ed}, nil
	}
	if d := spec.Deref(hv); spec.IsString(d) && d.Value == nameNode.Value {
		return nil, nil
	}
	like := spec.Deref(hv)
	if hv.Kind == yaml.AliasNode || like.Kind != yaml.ScalarNode {
		like = nameNode
	}
	return c.replaceIfDiff(hv, c.f.String(nameNode.Value, like))
}

// boolStrings are the quoted values allow-cors-boolean turns into booleans.
var boolStrings = map[string]string{"true": "true", "false": "false"}

// fixBoolean rewrites allowCors: "true" / "false" (any letter case) as real
// booleans, in every endpoint entry of the model (x-google-endpoints in 2.0,
// x-google-endpoint in 3.x) and in 3.x's x-google-api-management. Entries
// written as aliases are left alone: their text is shared with other places.
func fixBoolean(c *ctx) ([]yamledit.Edit, error) {
	g := c.doc.Google()
	var values []spec.Value
	for _, e := range g.Endpoints {
		if e.Written().Kind != yaml.AliasNode {
			values = append(values, e.AllowCors...)
		}
	}
	if m := g.ManagementAllowCors; m.Present() && g.Management.Written().Kind != yaml.AliasNode {
		values = append(values, m)
	}
	var edits []yamledit.Edit
	for _, a := range values {
		v := a.Written()
		if v.Kind != yaml.ScalarNode || spec.IsBool(v) {
			continue
		}
		b, ok := boolStrings[strings.ToLower(strings.TrimSpace(v.Value))]
		if !ok {
			continue
		}
		ed, err := c.replaceIfDiff(v, b)
		if err != nil {
			return nil, err
		}
		edits = append(edits, ed...)
	}
	return edits, nil
}

// fixSpelling renames allow_cors to allowCors. When both spellings are
// present with the same boolean value, allow_cors is removed; with different
// values the fix is refused (which one the user meant is unknowable).
func fixSpelling(c *ctx) ([]yamledit.Edit, error) {
	for _, ep := range c.doc.Google().Endpoints {
		e := ep.Node
		if ep.Written().Kind == yaml.AliasNode || e.Kind != yaml.MappingNode {
			continue
		}
		sk, sv := spec.MapGet(e, "allow_cors")
		if sk == nil {
			continue
		}
		_, cv := spec.MapGet(e, "allowCors")
		if cv == nil {
			ed, err := c.f.RenameKey(sk, "allowCors")
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrRefused, err)
			}
			return []yamledit.Edit{ed}, nil
		}
		a, aok := spec.BoolValue(cv)
		b, bok := spec.BoolValue(sv)
		if !aok || !bok || a != b {
			return nil, fmt.Errorf("%w: the endpoint entry at line %d has both allowCors and allow_cors with different values; keep the one you mean", ErrRefused, e.Line)
		}
		ed, err := c.f.RemovePair(e, sk)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRefused, err)
		}
		return []yamledit.Edit{ed}, nil
	}
	return nil, nil
}
