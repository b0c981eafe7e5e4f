package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// reportExtensionType reports an extension whose value has the wrong JSON
// type (api-compiler VendorExtensionUtils.getExtensionValue: "Extension %s
// has invalid type. Valid type is %s"): at the value for scalars, at the key
// for lists and objects, whose value position is their first item.
func reportExtensionType(p *lint.Pass, v spec.Value, format string, args ...any) {
	if v.Node.Kind == yaml.ScalarNode {
		p.ReportAt(v, format, args...)
		return
	}
	p.ReportKeyAt(v, format, args...)
}
