package rules

import (
	"sort"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Service Management parses x-google-management and x-google-quota into
// google.api messages with proto-JSON, which accepts each field's snake_case
// name and its lowerCamel form, and int64 values written as strings
// (api-compiler VendorExtensionProtoConverter.convertJsonToProto).

// protoFields maps the snake_case field names of a message and their
// lowerCamel forms to the snake_case name.
func protoFields(names ...string) map[string]string {
	m := make(map[string]string, 2*len(names))
	for _, n := range names {
		m[n] = n
		parts := strings.Split(n, "_")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		m[strings.Join(parts, "")] = n
	}
	return m
}

// protoNames returns the snake_case names of fields, sorted.
func protoNames(fields map[string]string) []string {
	var out []string
	for k, v := range fields {
		if k == v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// protoField returns the member of object v that spells field (snake_case
// name) in either form; the first one written.
func protoField(v spec.Value, fields map[string]string, field string) spec.Value {
	if !v.IsMap() {
		return spec.Value{}
	}
	for i := 0; i+1 < len(v.Node.Content); i += 2 {
		if k := v.Node.Content[i].Value; fields[k] == field {
			return v.Get(k)
		}
	}
	return spec.Value{}
}

// reportUnknownProtoFields reports the members of object v that are not
// fields of google.api.<message>, in Service Management's words.
func reportUnknownProtoFields(p *lint.Pass, v spec.Value, fields map[string]string, ext, message string) {
	v.Pairs(func(key string, m spec.Value) {
		if _, ok := fields[key]; ok {
			return
		}
		msg := "Extension %s cannot be converted into proto type google.api.%s. Details: Cannot find field: %s in message google.api.%s"
		if s := lint.Suggest(key, protoNames(fields)); s != "" {
			p.ReportKeyAt(m, msg+" (did you mean %q?)", ext, message, key, message, s)
			return
		}
		p.ReportKeyAt(m, msg, ext, message, key, message)
	})
}

// protoInt64 reads an int64 written as a number or as a string holding one.
func protoInt64(n *yaml.Node) (int64, bool) {
	n = spec.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || !(spec.IsNumber(n) || spec.IsString(n)) {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return v, err == nil
}
