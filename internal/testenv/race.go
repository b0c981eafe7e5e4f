//go:build race

package testenv

// Race is true when the tests are built with the race detector, which makes
// code several times slower: time bounds that speak of what users get are
// checked in a build without it (make unit runs those tests twice).
const Race = true
