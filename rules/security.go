package rules

import (
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Helpers of the security family kept for the families not yet moved to the
// Google model, removed when they are ported: secDefinitions, secRootScope
// and secRequiresAPIKey are used by management.go; secOperations and
// secExts by backend.go, management.go and legacy.go; secDocCache by
// backend.go. The security rules themselves read the model
// (spec.Google), one file per rule.

// secDefs indexes securityDefinitions by name.
type secDefs map[string]*yaml.Node

func secDefinitions(doc *spec.Document) secDefs {
	defs := secDefs{}
	spec.Pairs(spec.Get(doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
		if _, dup := defs[k.Value]; !dup {
			defs[k.Value] = v
		}
	})
	return defs
}

// typ returns the definition's type as written ("" when missing or not a string).
func (d secDefs) typ(name string) string {
	t := spec.Deref(spec.Get(d[name], "type"))
	if !spec.IsString(t) {
		return ""
	}
	return t.Value
}

// isAPIKey mirrors api-compiler, which compares type case-insensitively.
func (d secDefs) isAPIKey(name string) bool { return strings.EqualFold(d.typ(name), "apiKey") }

// secScope resolves which security list applies to an operation. Build it
// once per check (secRootScope) so the top-level list is looked up once.
type secScope struct {
	root    *yaml.Node
	hasRoot bool
}

func secRootScope(doc *spec.Document) secScope {
	k, v := spec.MapGet(doc.Root, "security")
	return secScope{root: spec.Deref(v), hasRoot: k != nil}
}

// effective returns the security list that applies to an operation (given
// its secExt): its own, else the top-level one; nil when neither exists (no
// requirement). fromRoot tells which.
func (s secScope) effective(e *secExt) (list *yaml.Node, fromRoot bool) {
	if e.secK != nil {
		return e.sec, false
	}
	return s.root, s.hasRoot
}

// secRequiresAPIKey mirrors api-compiler AuthBuilder.isApiKeyRequired: true
// only when the list is non-empty and every requirement object names an
// apiKey definition.
func secRequiresAPIKey(list *yaml.Node, defs secDefs) bool {
	if !spec.IsSeq(list) || len(list.Content) == 0 {
		return false
	}
	for _, req := range list.Content {
		req = spec.Deref(req)
		if req == nil || req.Kind != yaml.MappingNode {
			return false
		}
		found := false
		for j := 0; j+1 < len(req.Content) && !found; j += 2 {
			found = defs.isAPIKey(req.Content[j].Value)
		}
		if !found {
			return false
		}
	}
	return true
}

// secDocCache shares per-document data (the operation list, the
// x-google-backend sites) between the rules of these families (security,
// backend, quota, CORS): building the operation list allocates a JSON pointer
// per operation, and a dozen rules each rebuilding it would dominate their
// cost on large specs. Entries are keyed by a weak pointer and dropped when
// the document is collected. Callers must not modify the cached values.
type secDocCache[T any] struct {
	mu sync.Mutex
	m  map[weak.Pointer[spec.Document]]T
}

func (c *secDocCache[T]) get(doc *spec.Document, build func() T) T {
	wp := weak.Make(doc)
	c.mu.Lock()
	v, ok := c.m[wp]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[wp]; ok {
		return prev
	}
	if c.m == nil {
		c.m = map[weak.Pointer[spec.Document]]T{}
	}
	c.m[wp] = v
	runtime.AddCleanup(doc, func(wp weak.Pointer[spec.Document]) {
		c.mu.Lock()
		delete(c.m, wp)
		c.mu.Unlock()
	}, wp)
	return v
}

func secOperations(doc *spec.Document) []spec.Operation {
	return doc.Operations() // computed once per document by package spec
}

// secExt holds the keys of one operation that these families read, found in
// one pass over the operation's keys (ext[i] belongs to secOperations()[i]).
type secExt struct {
	secK, sec     *yaml.Node // security
	beK, be       *yaml.Node // x-google-backend
	quotaK, quota *yaml.Node // x-google-quota
	legacy        bool       // x-google-backend-url or x-google-backend-deadline
}

var secExtCache secDocCache[[]secExt]

// secExts returns the per-operation keys, computed once per document.
func secExts(doc *spec.Document) []secExt {
	return secExtCache.get(doc, func() []secExt {
		ops := secOperations(doc)
		out := make([]secExt, len(ops))
		for i := range ops {
			n := spec.Deref(ops[i].Node)
			if n == nil || n.Kind != yaml.MappingNode {
				continue
			}
			e := &out[i]
			for j := 0; j+1 < len(n.Content); j += 2 {
				k := n.Content[j]
				if k.Kind != yaml.ScalarNode {
					continue
				}
				switch k.Value {
				case "security":
					if e.secK == nil {
						e.secK, e.sec = k, spec.Deref(n.Content[j+1])
					}
				case backendKey:
					if e.beK == nil {
						e.beK, e.be = k, spec.Deref(n.Content[j+1])
					}
				case quotaKey:
					if e.quotaK == nil {
						e.quotaK, e.quota = k, spec.Deref(n.Content[j+1])
					}
				case "x-google-backend-url", "x-google-backend-deadline":
					e.legacy = true
				}
			}
		}
		return out
	})
}
