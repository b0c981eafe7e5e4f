// Package transform holds the named rewrites of a spec: allow-cors,
// sync-name, cors-mode and the safe fixes used by lint --fix. A transform
// computes byte-splice edits from node positions (package yamledit) and
// splices them into the original bytes; a document is never re-marshalled,
// so everything the transform does not have to change stays byte for byte.
//
// A transform that has nothing to do returns the input unchanged, which makes
// every transform idempotent: applying it to its own output changes nothing.
package transform

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
)

// ErrNoHost is returned by transforms that need the service name (host on
// Cloud Endpoints, --service-name on API Gateway) to name the
// x-google-endpoints entry when it is not known. The CLI maps it to a usage
// error (exit 2): corsgate never invents a service name.
var ErrNoHost = errors.New("no service name")

// ErrRefused is returned when a transform cannot make its change without
// guessing or without touching more than it should (an x-google-endpoints
// that is not a list, an entry written as an alias, a layout yamledit does not
// edit byte-exactly). The document must be changed by hand.
var ErrRefused = errors.New("refused")

// Options are the arguments of a transform run.
type Options struct {
	// Arg is the transform's positional argument: on|off for allow-cors,
	// backend|proxy for cors-mode.
	Arg string
	// Remove makes allow-cors off (and cors-mode proxy) remove the
	// allowCors key instead of writing false.
	Remove bool
	// From is sync-name's source of truth: "host" (default) or "name".
	From string
	// AllowOrigin is the --cors_allow_origin value cors-mode proxy reports.
	AllowOrigin string
	// Deployment says where the spec is deployed, which decides the service
	// name the endpoint entry must carry: host on Cloud Endpoints, the given
	// managed service name on API Gateway (--service-name).
	Deployment spec.Deployment
}

// Result is what a transform produced.
type Result struct {
	// Out is the rewritten document (the input itself when unchanged).
	Out []byte
	// Changed reports whether Out differs from the input.
	Changed bool
	// Notes are messages for the user (for cors-mode: the proxy flags to add
	// or remove). Library code never prints them itself.
	Notes []string
}

// Transform is one named rewrite.
type Transform struct {
	// Name is the command-line name, e.g. "allow-cors".
	Name string
	// Args names the positional argument values, e.g. "on|off"; empty when
	// the transform takes none.
	Args []string
	// Short is one sentence for help and listings.
	Short string
	// Fixes is the lint rule whose findings the transform fixes, if any.
	Fixes string
	// Rewrites marks a transform that writes the document anew (a
	// conversion) instead of splicing edits into the original bytes.
	Rewrites bool

	run func(doc *spec.Document, o Options) (Result, error)
}

// Run applies the transform to doc.
func (t Transform) Run(doc *spec.Document, o Options) (Result, error) {
	if len(t.Args) > 0 {
		ok := false
		for _, a := range t.Args {
			ok = ok || a == o.Arg
		}
		if !ok {
			return Result{}, fmt.Errorf("%s: argument must be one of %v, not %q", t.Name, t.Args, o.Arg)
		}
	}
	res, err := t.run(doc, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s %s: %w", t.Name, doc.Name, err)
	}
	if res.Out == nil {
		res.Out = doc.Src
	}
	res.Changed = !bytes.Equal(res.Out, doc.Src)
	return res, nil
}

var registry = map[string]Transform{}

func register(t Transform) { registry[t.Name] = t }

// ByName returns the transform called name.
func ByName(name string) (Transform, bool) {
	t, ok := registry[name]
	return t, ok
}

// All returns every transform, sorted by name.
func All() []Transform {
	out := make([]Transform, 0, len(registry))
	for _, t := range registry {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// step computes the edits of one stage of a transform on the current
// document; nil edits mean the stage has nothing (more) to do.
type step func(c *ctx) ([]yamledit.Edit, error)

// maxRounds bounds the fixed-point loop of a transform (each round removes or
// changes at least one thing; real specs need one or two rounds).
const maxRounds = 64

// runSteps applies the steps in order. Each step runs until it produces no
// more edits, and the document is re-parsed after every change, so each
// stage sees node positions that match the bytes.
func runSteps(doc *spec.Document, o Options, steps ...step) ([]byte, error) {
	cur := doc
	c := newCtx(cur, o.Deployment) // rebuilt only when the document changes
	for _, st := range steps {
		for round := 0; ; round++ {
			if round == maxRounds {
				return nil, fmt.Errorf("%w: the rewrite did not settle after %d rounds", ErrRefused, maxRounds)
			}
			edits, err := st(c)
			if err != nil {
				return nil, err
			}
			if len(edits) == 0 {
				break
			}
			out, err := yamledit.Apply(cur.Src, edits)
			if err != nil {
				return nil, err
			}
			next, err := spec.Parse(doc.Name, out, spec.Options{MaxAliases: -1})
			if err != nil {
				// An edit that breaks the document is a bug in this package;
				// never hand such output to the user.
				return nil, fmt.Errorf("internal error: the rewritten document does not parse: %w", err)
			}
			cur = next
			c = newCtx(cur, o.Deployment)
		}
	}
	return cur.Src, nil
}
