package mocknet

import (
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// hang never answers: it holds the request until the client closes the connection (or the
// network closes).
func (n *Network) hang(w http.ResponseWriter, r *http.Request) {
	// Drain any request body first: the server notices a client close only once the body
	// has been read.
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-n.stop:
	}
}

// dripForever sends headers at once, then one chunk every interval (default 50 ms) until
// the client closes the connection.
func (n *Network) dripForever(w http.ResponseWriter, r *http.Request) {
	interval := 50 * time.Millisecond
	if ms, err := strconv.Atoi(r.URL.Query().Get("interval")); err == nil && ms > 0 {
		interval = time.Duration(ms) * time.Millisecond
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := w.Write([]byte("*")); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-n.stop:
			return
		case <-tick.C:
		}
	}
}

// reset sends headers and part of a body announced as longer, then cuts the connection.
func (n *Network) reset(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", "1024")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(strings.Repeat("r", 100)))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	x := exchangeOf(r)
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil {
		// Without the connection, panicking with ErrAbortHandler is how net/http cuts it.
		if x != nil {
			x.finish(OutcomeServerReset, time.Now())
		}
		panic(http.ErrAbortHandler)
	}
	if x != nil {
		x.finish(OutcomeServerReset, time.Now())
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// uploadSink reads the request body to the end and answers with the byte count; the
// exchange records how many bytes arrived and whether the client closed first.
func (n *Network) uploadSink(w http.ResponseWriter, r *http.Request) {
	buf := make([]byte, 16<<10)
	var total int64
	for {
		k, err := r.Body.Read(buf)
		total += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return
		}
		select {
		case <-n.stop:
			return
		default:
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, strconv.FormatInt(total, 10))
}

// redirectHost redirects to another virtual host: /redirect-host/{host}?status=N&path=P,
// and &scheme=https for a redirect to the host over https (http by default).
func redirectHost(w http.ResponseWriter, r *http.Request) {
	status := http.StatusFound
	if s, err := strconv.Atoi(r.URL.Query().Get("status")); err == nil {
		if s < 300 || s > 399 {
			http.Error(w, "mocknet: status must be a 3xx code", http.StatusBadRequest)
			return
		}
		status = s
	}
	path := r.URL.Query().Get("path")
	if path == "" {
		path = "/anything"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	scheme := r.URL.Query().Get("scheme")
	switch scheme {
	case "":
		scheme = "http"
	case "http", "https":
	default:
		http.Error(w, "mocknet: scheme must be http or https", http.StatusBadRequest)
		return
	}
	target := &url.URL{Scheme: scheme, Host: r.PathValue("host")}
	target = target.ResolveReference(&url.URL{Path: path})
	if i := strings.IndexByte(path, '?'); i >= 0 {
		target.Path, target.RawQuery = path[:i], path[i+1:]
	}
	w.Header().Set("Location", target.String())
	w.WriteHeader(status)
}

// quietLogger drops net/http's own logging of client disconnects, which are expected here.
func quietLogger() *log.Logger { return log.New(io.Discard, "", 0) }
