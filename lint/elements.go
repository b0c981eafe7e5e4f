package lint

import (
	"github.com/corsgate/corsgate/internal/spec"
)

// run calls the rule on one document: Check, then its element functions on
// each element of the Google model, in document order.
func (r *Rule) run(p *Pass) {
	if r.Check != nil {
		r.Check(p)
	}
	g := p.G
	if r.Endpoint != nil {
		for _, e := range g.Endpoints {
			r.Endpoint(p, e)
		}
	}
	if r.Scheme != nil {
		for _, s := range g.Schemes {
			r.Scheme(p, s)
		}
	}
	if r.SecList != nil {
		for _, l := range g.SecLists() {
			r.SecList(p, l)
		}
	}
	if r.Backend != nil {
		for _, b := range g.Backends {
			r.Backend(p, b)
		}
	}
	if r.Op != nil {
		for _, op := range g.Ops {
			r.Op(p, op)
		}
	}
}

// Deployment is the product and service name a target implies, with the
// configured service name (empty when not given).
func (t Target) Deployment(serviceName string) spec.Deployment {
	return spec.Deployment{Gateway: t == TargetAPIGateway, ServiceName: serviceName}
}

// ReportAt records a finding at a model value: its value node, else its key,
// else the nearest written parent of where it would be.
func (p *Pass) ReportAt(v spec.Value, format string, args ...any) {
	p.ReportAtSeverity(p.rule.Severity, v, format, args...)
}

// ReportAtSeverity is ReportAt with an explicit severity.
func (p *Pass) ReportAtSeverity(sev Severity, v spec.Value, format string, args ...any) {
	ptr := v.Ptr()
	pos := v.Pos()
	if pos.Line == 0 {
		pos = p.Doc.Pos(ptr)
	}
	p.emitAt(sev, ptr, pos, format, args...)
}

// ReportKeyAt records a finding at a model value's key (unknown keys, values
// that should not be there), falling back like ReportAt.
func (p *Pass) ReportKeyAt(v spec.Value, format string, args ...any) {
	p.ReportKeyAtSeverity(p.rule.Severity, v, format, args...)
}

// ReportKeyAtSeverity is ReportKeyAt with an explicit severity.
func (p *Pass) ReportKeyAtSeverity(sev Severity, v spec.Value, format string, args ...any) {
	if v.Key == nil {
		p.ReportAtSeverity(sev, v, format, args...)
		return
	}
	p.emitAt(sev, v.Ptr(), spec.NodePos(v.Key), format, args...)
}

// WantString returns the text of v when it is a string. A written value of
// another type is reported at v as "<format>, not <what it is>" and false is
// returned; a missing value returns false without a report.
func (p *Pass) WantString(v spec.Value, format string, args ...any) (string, bool) {
	if s, ok := v.Str(); ok {
		return s, true
	}
	p.wrongType(v, format, args...)
	return "", false
}

// WantBool is WantString for booleans (a quoted "true" is not a boolean).
func (p *Pass) WantBool(v spec.Value, format string, args ...any) (value, ok bool) {
	if b, ok := v.Bool(); ok {
		return b, true
	}
	p.wrongType(v, format, args...)
	return false, false
}

// WantList is WantString for lists; it returns the items.
func (p *Pass) WantList(v spec.Value, format string, args ...any) ([]spec.Value, bool) {
	if v.IsSeq() {
		return v.Items(), true
	}
	p.wrongType(v, format, args...)
	return nil, false
}

// WantMap is WantString for objects.
func (p *Pass) WantMap(v spec.Value, format string, args ...any) bool {
	if v.IsMap() {
		return true
	}
	p.wrongType(v, format, args...)
	return false
}

func (p *Pass) wrongType(v spec.Value, format string, args ...any) {
	if !v.Present() {
		return
	}
	p.ReportAt(v, format+", not %s", append(args, spec.Describe(v.Node))...)
}
