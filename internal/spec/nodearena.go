package spec

import "go.yaml.in/yaml/v3"

// nodeArena hands out the nodes and children slices of the trees parseJSON
// and parseBlockYAML build. yaml.v3 makes one allocation per node and grows
// each Content slice by appending; here nodes come from slabs and children
// slices are cut to their exact length from shared blocks, which takes a
// 20 MB spec from millions of allocations to a few hundred and leaves no
// garbage behind.
type nodeArena struct {
	nodes []yaml.Node  // the current slab; nodes are taken from its front
	ptrs  []*yaml.Node // the current block of children pointers
	stack []*yaml.Node // children of the collections being read
	slab  int          // nodes per slab
}

// newNodeArena sizes slabs for an input of size bytes: about one node per
// 24 bytes (compact JSON has one per 12, indented YAML one per 16-24), at
// most 4096 nodes (600 kB) at a time.
func newNodeArena(size int) nodeArena {
	return nodeArena{slab: min(max(size/24, 16), 4096)}
}

// node returns a zeroed node.
func (a *nodeArena) node() *yaml.Node {
	if len(a.nodes) == 0 {
		a.nodes = make([]yaml.Node, a.slab)
	}
	n := &a.nodes[0]
	a.nodes = a.nodes[1:]
	return n
}

// children copies kids into a slice of their exact length, capacity equal to
// length so that an append elsewhere copies instead of overwriting a
// neighbour; nil when there are none, as yaml.v3 leaves an empty
// collection's Content.
func (a *nodeArena) children(kids []*yaml.Node) []*yaml.Node {
	n := len(kids)
	if n == 0 {
		return nil
	}
	if len(a.ptrs) < n {
		a.ptrs = make([]*yaml.Node, max(n, 8*a.slab))
	}
	c := a.ptrs[:n:n]
	a.ptrs = a.ptrs[n:]
	copy(c, kids)
	return c
}

// closeCollection sets n's children to the stack entries from base on and
// pops them.
func (a *nodeArena) closeCollection(n *yaml.Node, base int) {
	n.Content = a.children(a.stack[base:])
	a.stack = a.stack[:base]
}
