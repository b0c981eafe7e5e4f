// Package grow appends to lists that grow large while the garbage collector
// is off (a lint turns it off: see docs/performance.md). append grows a large
// slice by about 1.25× at a time, and with no collection every array it
// outgrows stays allocated: about five times the final size in all. Doubling
// keeps it to about twice.
package grow

import "slices"

// Append appends v to s, doubling the capacity when s is full.
func Append[S ~[]E, E any](s S, v E) S {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 8))
	}
	return append(s, v)
}
