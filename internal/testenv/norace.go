//go:build !race

package testenv

// Race is true when the tests are built with the race detector (see race.go).
const Race = false
