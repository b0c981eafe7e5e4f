//go:build race

package cors

// raceEnabled: under the race detector sync.Pool drops a random share of the
// items put back, so regexp's pooled matchers are reallocated now and then.
const raceEnabled = true
