package rules

import "github.com/corsgate/corsgate/internal/spec"

// requirement returns requirement object i of a security list as a model
// value, to report at (built only when a rule reports: most lists are
// fine).
func requirement(l *spec.SecList, i int) spec.Value { return l.Items()[i] }
