//go:build race

package proxy

// raceEnabled scales the soak test down under the race detector, which makes
// every request about ten times slower.
const raceEnabled = true
