package spec

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// expansion measures what aliases make of the tree for a walk that follows
// them: how many nodes each alias stands for and how deep it reaches. The
// size of every anchored node is computed once and remembered, so measuring
// a document costs time linear in its literal tree however large the
// expansion is.
type expansion struct {
	memo  map[*yaml.Node]extent // anchored nodes measured (or being measured)
	added int                   // nodes the aliases met so far stand for, saturating
	// stack is checkFrom's work list, kept between the calls one walker
	// makes (the parallel check makes one per path item).
	stack []checkFrame
}

// checkFrame is a node checkFrom has still to visit, at its depth.
type checkFrame struct {
	n     *yaml.Node
	depth int
}

// extent is the expanded size and depth of a subtree; size 0 marks an
// anchored node whose measure is under way (a node is at least 1).
type extent struct{ size, depth int }

// sizeCap keeps sums from overflowing: 2^40 levels of aliases are simply
// "more than any budget".
const sizeCap = 1 << 60

func satAdd(a, b int) int { return min(a+b, sizeCap) }

// measure returns the expanded extent of n. A non-nil loop is an alias that
// refers to a node containing it (`a: &a [*a]`), which no expansion ends.
func (e *expansion) measure(n *yaml.Node) (x extent, loop *yaml.Node) {
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			return extent{1, 1}, nil
		}
		if x, ok := e.memo[t]; ok && x.size == 0 {
			return x, n
		}
		return e.measure(t)
	}
	if n.Anchor != "" {
		if x, ok := e.memo[n]; ok {
			return x, nil
		}
		if e.memo == nil {
			e.memo = map[*yaml.Node]extent{}
		}
		e.memo[n] = extent{} // under way
	}
	x = extent{1, 1}
	for _, c := range n.Content {
		cx, loop := e.measure(c)
		if loop != nil {
			return x, loop
		}
		x.size = satAdd(x.size, cx.size)
		x.depth = max(x.depth, min(cx.depth+1, sizeCap))
	}
	if n.Anchor != "" {
		e.memo[n] = x
	}
	return x, nil
}

// alias accounts for alias node a met at the given depth of the literal
// tree, and returns the LoadError for the first limit it breaks.
func (e *expansion) alias(d *Document, a *yaml.Node, depth int, opts Options) error {
	x, loop := e.measure(a)
	if loop != nil {
		return &LoadError{File: d.Name, Line: loop.Line, Column: loop.Column, Kind: KindExpandLimit,
			Msg: fmt.Sprintf("alias *%s refers to the node that contains it: expanding it never ends", loop.Value)}
	}
	e.added = satAdd(e.added, x.size)
	if budget := opts.maxExpandedNodes(); e.added > budget {
		return &LoadError{File: d.Name, Line: a.Line, Column: a.Column, Kind: KindExpandLimit,
			Msg: fmt.Sprintf("YAML aliases expand to more than %d nodes once alias *%s is expanded (an alias bomb); write the shared content out or share less of it", budget, a.Value)}
	}
	if max := opts.maxDepth(); depth-1+x.depth > max {
		return &LoadError{File: d.Name, Line: a.Line, Column: a.Column, Kind: KindDepth,
			Msg: fmt.Sprintf("nesting is deeper than %d levels once alias *%s is expanded", max, a.Value)}
	}
	return nil
}
