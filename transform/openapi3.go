package transform

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"go.yaml.in/yaml/v3"
)

// OpenAPI 3.x keeps allowCors on the server that carries x-google-endpoint
// (reference openapi3.md §4.1): these steps edit it there. The service name
// is that server's host, so there is no separate name to keep in sync.

const endpointKey3 = "x-google-endpoint"

// endpointServer3 returns the x-google-endpoint value to edit: the one
// server that carries it, or, when no server does and there is exactly one
// server, that server after adding x-google-endpoint to it (the returned
// edits). It refuses when it cannot choose.
func endpointServer3(c *ctx) (ext *yaml.Node, edits []yamledit.Edit, err error) {
	g := c.doc.Google()
	switch len(g.Endpoints) {
	case 1:
		e := g.Endpoints[0]
		if w := e.Written(); w != nil && w.Kind == yaml.AliasNode {
			return nil, nil, fmt.Errorf("%w: %s of servers[%d] at line %d is an alias; edit its anchor by hand", ErrRefused, endpointKey3, e.Index, w.Line)
		}
		if !e.IsMap() {
			return nil, nil, fmt.Errorf("%w: %s of servers[%d] is %s; write it as an object such as {allowCors: true} by hand", ErrRefused, endpointKey3, e.Index, spec.TypeName(e.Node))
		}
		return e.Node, nil, nil
	case 0:
	default:
		return nil, nil, fmt.Errorf("%w: %d servers carry %s; at most one may (the one whose url is the service name): remove the others by hand", ErrRefused, len(g.Endpoints), endpointKey3)
	}
	servers := g.EndpointsValue
	if !servers.IsSeq() || len(servers.Node.Content) != 1 {
		n := 0
		if servers.IsSeq() {
			n = len(servers.Node.Content)
		}
		return nil, nil, fmt.Errorf("%w: no server carries %s and there are %d servers, so corsgate cannot choose: add %s: {} to the server whose url is the service name (Cloud Endpoints: https://SERVICE_NAME/BASE_PATH) and run the transform again", ErrRefused, endpointKey3, n, endpointKey3)
	}
	srv := servers.Node.Content[0]
	if srv.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%w: servers[0] at line %d is %s, not a server object", ErrRefused, srv.Line, spec.TypeName(srv))
	}
	ed, err := c.f.InsertPair(srv, -1, endpointKey3, c.objectText(srv, "allowCors", "true"))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return nil, []yamledit.Edit{ed}, nil
}

// objectText renders {key: value} as the value of a new member of mapping
// m, in the file's style: a block mapping below a block parent, else flow or
// JSON.
func (c *ctx) objectText(m *yaml.Node, key, value string) string {
	switch {
	case c.f.JSON:
		return "{" + `"` + key + `"` + c.f.Colon + value + "}"
	case m.Style&yaml.FlowStyle != 0:
		return "{" + key + ": " + value + "}"
	}
	return "\n" + strings.Repeat(" ", c.f.Indent) + key + ": " + value
}

// ensureAllowCorsOn3 sets allowCors: true under x-google-endpoint.
func ensureAllowCorsOn3(c *ctx) ([]yamledit.Edit, error) {
	ext, edits, err := endpointServer3(c)
	if err != nil || edits != nil {
		return edits, err
	}
	return c.setAllowCors(ext, true)
}

// allowCorsOff3 sets allowCors to false under x-google-endpoint, or with
// remove deletes it; x-google-endpoint itself stays, since it marks the
// server that names the service.
func allowCorsOff3(remove bool) step {
	return func(c *ctx) ([]yamledit.Edit, error) {
		g := c.doc.Google()
		for _, e := range g.Endpoints {
			if remove && e.Node.ShortTag() == "!!null" && e.Written().Kind == yaml.ScalarNode {
				// Removing the last member left "x-google-endpoint:" (null):
				// write the empty object Google's samples use.
				ed, err := c.replaceIfDiff(e.Node, "{}")
				return ed, err
			}
			if !e.IsMap() {
				continue
			}
			if !remove {
				ed, err := c.setAllowCors(e.Node, false)
				if err != nil || len(ed) > 0 {
					return ed, err
				}
				continue
			}
			for _, a := range e.AllowCors {
				ed, err := c.f.RemovePair(e.Node, a.Key)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", ErrRefused, err)
				}
				return []yamledit.Edit{ed}, nil
			}
		}
		return nil, nil
	}
}

// syncName3 has nothing to sync: the service name is the host of the
// x-google-endpoint server's url. It refuses when that host would not be
// taken as written (gcloud lower-cases it and drops a port or user info, and
// a {variable} is taken literally), which is the 3.x form of a mismatched
// name.
func syncName3(c *ctx) ([]yamledit.Edit, error) {
	g := c.doc.Google()
	if len(g.Endpoints) == 0 {
		return nil, nil
	}
	raw := strings.TrimSpace(g.Service.Text())
	name, _ := spec.ServerURL(raw)
	problems := spec.ServerHostProblems(raw)
	if name == "" {
		return nil, fmt.Errorf("%w: OpenAPI 3.x has no separate endpoint name to sync: the service name is the host of the url of the server that carries %s, and %q has no host (Cloud Endpoints needs an absolute url such as https://SERVICE_NAME/v1)", ErrRefused, endpointKey3, raw)
	}
	if problems != "" {
		return nil, fmt.Errorf("%w: OpenAPI 3.x has no separate endpoint name to sync: the service name is the host of the server url %q, which has %s; gcloud makes %q of it, so write the url with exactly that host", ErrRefused, raw, problems, name)
	}
	return nil, nil
}
