package cors

import (
	"net/http"
)

// Middleware wraps next with the engine's CORS handling and no route table:
// preflights the engine answers get their status and headers and never reach
// next; other responses get the decision's headers (replaced for ESPv2, added
// alongside for ESP v1) when next writes its status. corsgate serve does not
// use it directly, because ESPv2 routes a request before its CORS filter runs
// (internal/proxy does that); it is the building block for a plain handler.
func Middleware(e *Engine, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := e.DecideRequest(r)
		switch d.Action {
		case ActionRespond:
			WritePreflight(w, &d)
		case ActionDecorate:
			dw := &DecoratingWriter{ResponseWriter: w, Decision: &d}
			next.ServeHTTP(dw, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// WritePreflight writes the answer to a preflight the engine decided to
// answer: the decision's headers and status, and no body.
func WritePreflight(w http.ResponseWriter, d *Decision) {
	h := w.Header()
	for i := 0; i < int(d.n); i++ {
		f := &d.fields[i]
		if f.shared != nil {
			h[f.Name] = f.shared
		} else {
			h[f.Name] = []string{f.Value}
		}
	}
	w.WriteHeader(d.Status)
}

// DecoratingWriter applies a Decision to the response headers at the moment
// the status is written (explicitly or by the first Write), so it covers the
// backend's responses and any local reply made after the decision.
type DecoratingWriter struct {
	http.ResponseWriter
	Decision *Decision
	// Before, when set, is called with the response headers just before the
	// decision is applied (to record what the backend itself sent).
	Before func(http.Header)
	wrote  bool
	status int
}

// WriteHeader applies the decision once, then writes the status.
func (w *DecoratingWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.wrote = true
		w.status = code
		if w.Before != nil {
			w.Before(w.ResponseWriter.Header())
		}
		if w.Decision != nil {
			w.Decision.Apply(w.ResponseWriter.Header())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write writes the status (200) first if needed.
func (w *DecoratingWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Status is the status written so far (0 before WriteHeader).
func (w *DecoratingWriter) Status() int { return w.status }

// Unwrap gives http.ResponseController (and httputil.ReverseProxy's flushes)
// the underlying writer.
func (w *DecoratingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
