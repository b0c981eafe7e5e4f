package cors

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// OperationNeeds is what one operation asks a browser to send: the request
// headers a page calling it sets, where its API key travels, and whether it
// has a body. Needs is the union of every operation's; probe builds each
// operation's browser requests from it.
type OperationNeeds struct {
	// Headers are the header parameters, the path item's first, then the
	// operation's own (the order the spec is read in), de-duplicated
	// case-insensitively.
	Headers []string
	// APIKeyHeaders and APIKeyQuery are the header and query parameter
	// names of the apiKey schemes its security uses.
	APIKeyHeaders []string
	APIKeyQuery   []string
	// Authorization is true when its security uses an oauth2 scheme or a
	// JWT scheme (x-google-issuer): the token travels in Authorization.
	Authorization bool
	// Body is true when it takes a body or form data (2.0) or has a
	// requestBody (3.x).
	Body bool
	// BodyTypes are the media types it accepts a body in: consumes (its
	// own, else the document's) in 2.0, the requestBody content keys in
	// 3.x; empty when it has no body or none is declared.
	BodyTypes []string
}

// OperationNeedsOf analyses one operation of g (parameters as
// g.Params resolves them, security as g.EffectiveSecurity gives it).
func OperationNeedsOf(g *spec.Google, op *spec.Op) OperationNeeds {
	var on OperationNeeds
	hdr, keys, query := newNameSet(), newNameSet(), newNameSet()
	params := g.Params(op)
	for _, shared := range [...]bool{true, false} {
		for _, p := range params {
			if p.Shared != shared {
				continue
			}
			switch p.In {
			case "header":
				hdr.add(p.Name)
			case "body", "formData":
				on.Body = true
			}
		}
	}
	// Where a scheme's credential travels (spec.Scheme.Credentials): an
	// apiKey in a header sends that header (in: query, that parameter); a
	// JWT provider reads Authorization unless its locations name other
	// places, and then a page sends the token in the first header named.
	if l := g.EffectiveSecurity(op); l != nil && l.IsSeq() {
		for _, req := range l.Reqs {
			for _, name := range req.Names {
				s := name.Scheme
				switch {
				case s == nil:
				case s.IsAPIKey():
					for _, c := range s.Credentials() {
						if c.InQuery() {
							query.add(c.Name)
						} else if strings.EqualFold(c.In, "header") {
							keys.add(c.Name)
						}
					}
				case s.IsOAuth2():
					jwtHeader(s.Credentials(), &on, hdr)
				case s.Issuer.Present():
					on.Authorization = true
				}
			}
		}
	}
	if op.RequestBody.Present() { // OpenAPI 3.x
		on.Body = true
		body := resolveLocal(g.Doc.Root, op.RequestBody.Node)
		spec.Pairs(spec.Get(body, "content"), func(k, _ *yaml.Node) { on.BodyTypes = append(on.BodyTypes, k.Value) })
	} else if on.Body {
		list := spec.Get(op.Node, "consumes")
		if !spec.IsSeq(list) {
			list = spec.Get(g.Doc.Root, "consumes")
		}
		if spec.IsSeq(list) {
			for _, m := range spec.Deref(list).Content {
				if t := strings.TrimSpace(scalar(m)); t != "" {
					on.BodyTypes = append(on.BodyTypes, t)
				}
			}
		}
	}
	on.Headers, on.APIKeyHeaders, on.APIKeyQuery = hdr.list, keys.list, query.list
	return on
}

// jwtHeader records the header a page sends a JWT in: Authorization when
// the provider reads it (ESPv2's default), else the first header location;
// a provider read only from query parameters needs no header.
func jwtHeader(creds []spec.Credential, on *OperationNeeds, hdr *nameSet) {
	for _, c := range creds {
		if !c.InQuery() && strings.EqualFold(c.Name, "Authorization") {
			on.Authorization = true
			return
		}
	}
	for _, c := range creds {
		if !c.InQuery() {
			hdr.add(c.Name)
			return
		}
	}
}
