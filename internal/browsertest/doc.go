// Package browsertest holds corsgate's real-browser test suite (test files
// only): headless Chromium, driven over CDP with chromedp, runs fetch()
// scenarios from a page on one loopback origin against servers on another,
// and every scenario asserts that the browser's outcome equals the verdict of
// cors.Check on the exchange the server saw.
//
// Stage A (raw_test.go) uses plain servers that send chosen headers, to
// validate the checker against Chromium; stage B (proxy_test.go) goes through
// corsgate serve's proxy.
//
// The suite needs Debian's chromium at /usr/bin/chromium (or the path in
// CORSGATE_CHROMIUM). Without it the tests skip, except when CI=true, where
// they fail: browser tests must not silently skip in CI.
package browsertest
