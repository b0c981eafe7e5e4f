package proxy

import (
	"bufio"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// forwardH1 sends a client request to a plain-http backend and copies the
// answer back, doing exactly what httputil.ReverseProxy (configured as in
// New) does for it, without its per-request copies: no cloned request or
// header map, no client trace, no URL rewriting (the backend URL has no path
// or query of its own). It takes bodiless requests that are not upgrades and
// whose query ReverseProxy would pass unchanged; it returns false, having done
// nothing, for every other request, which then goes through ReverseProxy.
//
// What reaches the backend is the request's method, escaped path and query;
// Host (the client's for a loopback backend, else the backend's); the
// client's fields minus the hop-by-hop ones (Connection and those it names,
// Keep-Alive, Proxy-*, TE but "TE: trailers", Trailer, Transfer-Encoding,
// Upgrade) and minus Forwarded (ReverseProxy's Rewrite mode drops it); the
// client's X-Forwarded-For/-Host/-Proto, with X-Forwarded-Proto: http added
// when absent; no User-Agent when the client sent none.
func (h *Handler) forwardH1(w *writer, r *http.Request) bool {
	if h.h1 == nil || r.ContentLength != 0 || r.URL.Opaque != "" {
		return false
	}
	if _, ok := r.Header["Upgrade"]; ok {
		return false
	}
	if !cleanQuery(r.URL.RawQuery) {
		return false
	}
	resp, err := h.h1.roundTrip(r, h)
	if err != nil {
		h.upstreamError(w, r, err)
		return true
	}
	removeHopByHop(resp.Header)
	hdr := w.Header()
	for k, vs := range resp.Header {
		hdr[k] = append(hdr[k], vs...)
	}
	announced := len(resp.Trailer)
	if announced > 0 {
		keys := make([]string, 0, announced)
		for k := range resp.Trailer {
			keys = append(keys, k)
		}
		hdr.Add("Trailer", strings.Join(keys, ", "))
	}
	w.WriteHeader(resp.StatusCode)

	if err := copyBody(w, resp); err != nil {
		resp.Body.Close()
		if r.Context().Value(http.ServerContextKey) != nil {
			// As ReverseProxy: abort the response; the server closes the
			// connection so the client sees a truncated body, not a
			// complete short one.
			panic(http.ErrAbortHandler)
		}
		return true
	}
	resp.Body.Close() // fills resp.Trailer
	if len(resp.Trailer) > 0 {
		http.NewResponseController(w).Flush()
		if len(resp.Trailer) == announced {
			for k, vs := range resp.Trailer {
				hdr[k] = append(hdr[k], vs...)
			}
		} else {
			for k, vs := range resp.Trailer {
				for _, v := range vs {
					hdr.Add(http.TrailerPrefix+k, v)
				}
			}
		}
	}
	return true
}

// copyBody copies the backend's body to the client, flushing after every
// write for a body of unknown length or an event stream (ReverseProxy's
// flush interval -1 for those, 0 otherwise).
func copyBody(w *writer, resp *http.Response) error {
	flush := resp.ContentLength == -1
	if !flush {
		if ct := resp.Header["Content-Type"]; len(ct) > 0 {
			if base, _, _ := mime.ParseMediaType(ct[0]); base == "text/event-stream" {
				flush = true
			}
		}
	}
	bp := buffers.Get().(*[]byte)
	defer buffers.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if flush {
				rc.Flush()
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// hopByHop are the fields a proxy does not forward (RFC 9110 section 7.6.1,
// and the list httputil.ReverseProxy removes).
var hopByHop = [...]string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func isHopByHop(k string) bool {
	for _, h := range hopByHop {
		if k == h {
			return true
		}
	}
	return false
}

// removeHopByHop deletes the hop-by-hop fields of h and those its Connection
// field names.
func removeHopByHop(h http.Header) {
	for _, f := range h["Connection"] {
		for _, name := range splitList(f) {
			delete(h, http.CanonicalHeaderKey(name))
		}
	}
	for _, k := range hopByHop {
		delete(h, k)
	}
}

// isForwarded: ReverseProxy's Rewrite puts the client's X-Forwarded-* fields
// back after removing hop-by-hop ones, so a Connection field naming them does
// not remove them.
func isForwarded(k string) bool {
	return k == "X-Forwarded-For" || k == "X-Forwarded-Host" || k == "X-Forwarded-Proto"
}

// connectionNamed reports whether the request's Connection field names k
// (already canonical).
func connectionNamed(h http.Header, k string) bool {
	for _, f := range h["Connection"] {
		for _, name := range splitList(f) {
			if http.CanonicalHeaderKey(name) == k {
				return true
			}
		}
	}
	return false
}

// writeForwardHead writes the request head forwardH1 sends to the backend.
func (h *Handler) writeForwardHead(bw *bufio.Writer, r *http.Request) error {
	writeRequestLine(bw, r.Method, r.URL)
	bw.WriteString("Host: ")
	host := h.targetHost
	if h.keepHost && r.Host != "" {
		host = r.Host
	}
	bw.WriteString(host)
	bw.WriteString("\r\n")
	if ua := r.Header["User-Agent"]; len(ua) > 0 && ua[0] != "" {
		writeField(bw, "User-Agent", trimOWS(ua[0]))
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		bw.WriteString("Content-Length: 0\r\n")
	}
	if te := r.Header["Te"]; len(te) > 0 {
		for _, v := range te {
			if hasToken(v, "trailers") {
				bw.WriteString("Te: trailers\r\n")
				break
			}
		}
	}
	if _, ok := r.Header["X-Forwarded-Proto"]; !ok {
		bw.WriteString("X-Forwarded-Proto: http\r\n")
	}
	named := len(r.Header["Connection"]) > 0
	for k, vs := range r.Header {
		switch k {
		case "Host", "User-Agent", "Content-Length", "Forwarded":
			continue
		}
		if isHopByHop(k) || !validFieldName(k) || named && !isForwarded(k) && connectionNamed(r.Header, k) {
			continue
		}
		for _, v := range vs {
			writeField(bw, k, trimOWS(v))
		}
	}
	_, err := bw.WriteString("\r\n")
	return err
}

// cleanQuery reports whether ReverseProxy would forward the raw query as it
// is: no ';' and no malformed percent-escape (it re-encodes such a query).
func cleanQuery(q string) bool {
	for i := 0; i < len(q); {
		switch q[i] {
		case ';':
			return false
		case '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return false
			}
			i += 3
		default:
			i++
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// fastTarget reports whether the backend URL leaves paths and queries as they
// are (no path but "/", no query), which forwardH1 assumes.
func fastTarget(u *url.URL) bool {
	return u.Scheme == "http" && (u.Path == "" || u.Path == "/") && u.RawPath == "" && u.RawQuery == "" &&
		!u.ForceQuery && u.Opaque == "" && u.User == nil && u.Host != ""
}
