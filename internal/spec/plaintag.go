package spec

import (
	"strconv"
	"strings"
	"time"
)

// PlainTag is the tag yaml.v3 gives an untagged plain scalar with value s:
// the decision of its resolve function (go.yaml.in/yaml/v3 v3.0.6,
// resolve.go), written for the tag alone. A scalar whose first character
// cannot start a number or a special word is a string; the special words
// (true, null, ~, .inf, <<, ...) have their tags; then, for values starting
// with a digit or a sign, a timestamp, then what strconv reads as a signed or
// unsigned 64-bit integer (underscores removed, Go base prefixes accepted),
// a float in YAML's syntax, and binary and octal integers written 0b and 0o.
// Anything else is a string. TestPlainTag compares it with yaml.v3 on every
// kind of value.
func PlainTag(s string) string {
	if s == "" {
		return tagNull
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '+', c == '-':
		return numberLikeTag(s)
	case c == '.':
		switch s {
		case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF":
			return tagFloat
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return tagFloat
		}
		return tagStr
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return tagBool
		case "~", "null", "Null", "NULL":
			return tagNull
		case "<<":
			return "!!merge"
		}
	}
	return tagStr
}

// numberLikeTag is PlainTag for a value starting with a digit or a sign.
func numberLikeTag(s string) string {
	switch s {
	case "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return tagFloat
	}
	if isTimestamp(s) {
		return "!!timestamp"
	}
	plain := s
	if strings.IndexByte(s, '_') >= 0 {
		plain = strings.ReplaceAll(s, "_", "")
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return tagInt
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return tagInt
	}
	if yamlFloatSyntax(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return tagFloat
		}
	}
	for _, prefix := range []struct {
		p    string
		base int
	}{{"0b", 2}, {"0o", 8}} {
		if digits, ok := strings.CutPrefix(plain, prefix.p); ok {
			if _, err := strconv.ParseInt(digits, prefix.base, 64); err == nil {
				return tagInt
			}
			if _, err := strconv.ParseUint(digits, prefix.base, 64); err == nil {
				return tagInt
			}
		} else if digits, ok := strings.CutPrefix(plain, "-"+prefix.p); ok {
			if _, err := strconv.ParseInt("-"+digits, prefix.base, 64); err == nil {
				return tagInt
			}
		}
	}
	return tagStr
}

// yamlFloatSyntax matches yaml.v3's float pattern
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func yamlFloatSyntax(s string) bool {
	i := 0
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// timestampLayouts are the layouts yaml.v3 tries for a plain scalar that
// starts with four digits and a dash.
var timestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

func isTimestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	for _, layout := range timestampLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
