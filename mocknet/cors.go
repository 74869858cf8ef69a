package mocknet

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// CORS: every route of every virtual host answers cross-origin requests from browsers, so
// that an implementation running in a browser (a vat in a Worker) is measured on its
// endowment and not on CORS. A request that carries an Origin header gets that origin
// allowed, with credentials, and every response header exposed; a CORS preflight (OPTIONS
// with Origin and Access-Control-Request-Method) is answered 204 by the network itself,
// allowing the method and headers asked for. Requests without Origin (every non-browser
// client) are served as before.
//
// A preflight is recorded, because it is contact: a preflight to a host the vat may not
// reach is an allowlist failure even when the request itself never follows. It is recorded
// with Observation.Preflight set, so a spec counting a vat's requests can tell the two
// apart.

// isPreflight reports whether r is a CORS preflight request (WHATWG Fetch §4.8: OPTIONS,
// Origin and Access-Control-Request-Method).
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// answerPreflight records and answers a CORS preflight: 204, the requested method and
// headers allowed for the requesting origin, with credentials.
func (n *Network) answerPreflight(w http.ResponseWriter, r *http.Request, h *Host, via, scope string) {
	x := n.j.begin(Observation{
		Host: h.name, Via: via, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), HostHeader: r.Host, Received: time.Now(), Outcome: OutcomeInFlight, Scope: scope,
		Preflight: true, TLS: copyHandshake(handshakeOf(r.Context())), TunnelSeq: tunnelSeqOf(r.Context()),
	})
	hdr := w.Header()
	allowOrigin(hdr, r)
	hdr.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
	if asked := r.Header.Values("Access-Control-Request-Headers"); len(asked) > 0 {
		hdr.Set("Access-Control-Allow-Headers", strings.Join(asked, ", "))
	}
	hdr.Add("Vary", "Access-Control-Request-Method")
	hdr.Add("Vary", "Access-Control-Request-Headers")
	rw := &recordingWriter{ResponseWriter: w, x: x}
	rw.WriteHeader(http.StatusNoContent)
	x.finish(OutcomeCompleted, time.Now())
}

// allowOrigin allows the request's origin, with credentials. The origin is echoed rather
// than "*", which browsers refuse for requests with credentials.
func allowOrigin(hdr http.Header, r *http.Request) {
	hdr.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	hdr.Set("Access-Control-Allow-Credentials", "true")
	hdr.Add("Vary", "Origin")
}

// corsWriter allows the request's origin before the handler runs and, when the response
// starts, exposes every header the handler set: custom headers are readable by the page
// only when Access-Control-Expose-Headers names them, and "*" does not cover requests
// with credentials.
type corsWriter struct {
	http.ResponseWriter
	started bool
}

func newCORSWriter(w http.ResponseWriter, r *http.Request) *corsWriter {
	allowOrigin(w.Header(), r)
	return &corsWriter{ResponseWriter: w}
}

func (w *corsWriter) WriteHeader(code int) {
	if !w.started {
		w.started = true
		hdr := w.Header()
		if hdr.Get("Access-Control-Expose-Headers") == "" {
			var names []string
			for name := range hdr {
				if !strings.HasPrefix(name, "Access-Control-") {
					names = append(names, name)
				}
			}
			slices.Sort(names)
			if len(names) > 0 {
				hdr.Set("Access-Control-Expose-Headers", strings.Join(names, ", "))
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *corsWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *corsWriter) Flush() {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *corsWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
