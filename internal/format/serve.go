package format

import (
	"io"
	"strconv"
	"strings"

	"github.com/fatih/color"
)

// ServeFinding is one checker finding as serve prints it.
type ServeFinding struct {
	Code     string
	Severity string // "block" | "insecure" | "warn" | "info"
}

// ServeLine is one proxied request as corsgate serve prints it.
type ServeLine struct {
	Method, Path, Origin string
	Status               int
	// Verdict is "allowed", "blocked" or "not a CORS request".
	Verdict  string
	Findings []ServeFinding
}

// ServePrinter writes one line per request:
//
//	OPTIONS /v1/shelves origin=https://app.example.com 200 allowed MAX_AGE_ABOVE_BROWSER_CAP
//
// coloured when Color is on (verdict green/red, block findings red, insecure
// magenta, warn yellow, info cyan). It is not safe for concurrent use.
type ServePrinter struct {
	allowed, blocked, notCORS, block, insecure, warn, info, faint *color.Color
	on                                                            bool
	buf                                                           []byte
}

// NewServePrinter makes a printer; on turns colours on.
func NewServePrinter(on bool) *ServePrinter {
	p := &ServePrinter{
		allowed:  color.New(color.FgGreen),
		blocked:  color.New(color.FgRed, color.Bold),
		notCORS:  color.New(color.Faint),
		block:    color.New(color.FgRed),
		insecure: color.New(color.FgMagenta),
		warn:     color.New(color.FgYellow),
		info:     color.New(color.FgCyan),
		faint:    color.New(color.Faint),
		on:       on,
	}
	for _, c := range []*color.Color{p.allowed, p.blocked, p.notCORS, p.block, p.insecure, p.warn, p.info, p.faint} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// Print writes l as one line.
func (p *ServePrinter) Print(w io.Writer, l ServeLine) error {
	b := p.buf[:0]
	b = append(b, l.Method...)
	b = append(b, ' ')
	b = append(b, l.Path...)
	b = append(b, " origin="...)
	if l.Origin == "" {
		b = append(b, '-')
	} else {
		b = append(b, l.Origin...)
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(l.Status), 10)
	b = append(b, ' ')
	var vc *color.Color
	switch l.Verdict {
	case "allowed":
		vc = p.allowed
	case "blocked":
		vc = p.blocked
	default:
		vc = p.notCORS
	}
	b = p.paint(b, vc, l.Verdict)
	for i, f := range l.Findings {
		if i == 0 {
			b = append(b, ' ')
		} else {
			b = append(b, ',')
		}
		b = p.paint(b, p.severity(f.Severity), f.Code)
	}
	b = append(b, '\n')
	p.buf = b
	_, err := w.Write(b)
	return err
}

func (p *ServePrinter) paint(b []byte, c *color.Color, s string) []byte {
	if !p.on {
		return append(b, s...)
	}
	return append(b, c.Sprint(s)...)
}

func (p *ServePrinter) severity(s string) *color.Color {
	switch strings.ToLower(s) {
	case "block":
		return p.block
	case "insecure":
		return p.insecure
	case "warn":
		return p.warn
	}
	return p.info
}
