// Package archtest holds the test that keeps the layering of
// docs/architecture.md true: which package may import which, and where
// cobra, colour output and os.Exit may appear.
package archtest
