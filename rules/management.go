package rules

// Leftover of the quota family (now one file per rule on the Google model).

// quotaKey is used by security.go (secExts) until it is ported.
const quotaKey = "x-google-quota"
