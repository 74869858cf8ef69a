package mocknet

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// The forward proxy: absolute-form requests and CONNECT tunnels routed to virtual hosts,
// anything else refused and recorded as an escape, every exchange recorded as it goes.

// serve is the front of every listener: CONNECT tunnels, absolute-form proxy requests and
// origin requests.
func (s *Scope) serve(w http.ResponseWriter, r *http.Request) {
	n := s.n
	switch {
	case r.Method == http.MethodConnect:
		s.connect(w, r)
	case r.URL.IsAbs():
		if r.URL.Scheme != "http" {
			n.refuse(w, r, s.name, "proxy", r.URL.String(), "only http:// is proxied")
			return
		}
		s.route(w, r, r.URL.Hostname(), "proxy")
	default:
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		s.route(w, r, host, "origin")
	}
}

func (s *Scope) route(w http.ResponseWriter, r *http.Request, hostname, via string) {
	h, ok := s.n.host(hostname)
	if !ok {
		s.n.refuse(w, r, s.name, via, r.Host, "not a virtual host of this network")
		return
	}
	s.n.serveHost(w, r, h, via, s.name)
}

// refuse answers 502 and records an escape. mocknet never dials anything.
func (n *Network) refuse(w http.ResponseWriter, r *http.Request, scope, via, target, why string) {
	n.j.begin(Observation{
		Via: via, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(),
		Received: time.Now(), Finished: time.Now(), Outcome: OutcomeEscape, Escape: true, Target: target, Scope: scope,
		Status: http.StatusBadGateway,
	})
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Mocknet", "refused")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "mocknet: refused %s %s: %s (%s); mocknet never dials out\n", r.Method, target, why, via)
}

// connect serves a CONNECT tunnel: the target must be a registered virtual host, and HTTP
// inside the tunnel is served as that host whatever Host header it carries.
func (s *Scope) connect(w http.ResponseWriter, r *http.Request) {
	n := s.n
	target := r.Host
	hostname, _, err := net.SplitHostPort(target)
	if err != nil {
		hostname = target
	}
	h, ok := n.host(hostname)
	if !ok {
		n.refuse(w, r, s.name, "connect", target, "not a virtual host of this network")
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "mocknet: cannot tunnel on this connection", http.StatusInternalServerError)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := rw.WriteString("HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil || rw.Flush() != nil {
		_ = conn.Close()
		return
	}
	// The bytes the client sent after the CONNECT line may already sit in rw's reader.
	tunnel := &bufferedConn{Conn: conn, r: rw.Reader}
	n.serveTunnel(tunnel, h, s.name, target)
}

// serveTunnel serves one tunnelled connection as host h, recorded as a tunnel: TLS when the
// client begins with a TLS record (https, on any port), plain HTTP otherwise (a client that
// tunnels http:// too, as undici does). Inside, it runs an HTTP server, HTTP/2 when the
// client offered h2 in the handshake.
func (n *Network) serveTunnel(conn *bufferedConn, h *Host, scope, target string) {
	rec := n.j.begin(Observation{
		Tunnel: true, Host: h.name, Via: "connect", Method: http.MethodConnect, Target: target,
		Received: time.Now(), Outcome: OutcomeInFlight, Scope: scope,
	})
	defer func() { rec.finish(OutcomeClosed, time.Now()) }()
	// Until the HTTP server owns the connection, closing the network closes it here.
	owned := make(chan struct{})
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		select {
		case <-n.stop:
			_ = conn.Close()
		case <-owned:
		}
	}()
	first, err := conn.r.Peek(1)
	if err != nil {
		close(owned)
		_ = conn.Close()
		return
	}
	var served net.Conn = conn
	var hs *Handshake
	if first[0] == tlsRecordHandshake {
		var tc net.Conn
		tc, hs, err = n.handshake(conn, h)
		rec.update(func(o *Observation) { o.TLS = copyHandshake(hs) })
		if err != nil {
			close(owned)
			_ = conn.Close()
			return
		}
		served = tc
	}
	close(owned)
	n.serveHTTP(served, h, scope, tunnelOf{seq: rec.rec.Seq, hs: hs})
}

// tunnelOf is what the requests of a tunnel carry in their context: the tunnel's record and
// its TLS handshake (nil for plain HTTP).
type tunnelOf struct {
	seq uint64
	hs  *Handshake
}

type tunnelKey struct{}

// TunnelOf returns the record of the tunnel a request arrived in (Observation.TunnelSeq),
// in its latest state; false for a request that came through no tunnel.
func (n *Network) TunnelOf(o Observation) (Observation, bool) {
	if o.TunnelSeq == 0 {
		return Observation{}, false
	}
	if t := n.j.all(o.TunnelSeq-1, "", false, true); len(t) > 0 && t[0].Seq == o.TunnelSeq {
		return t[0], true
	}
	return Observation{}, false
}

// tlsRecordHandshake is the first byte of a TLS ClientHello (a handshake record); no HTTP
// request line starts with it.
const tlsRecordHandshake = 0x16

// serveHTTP runs an HTTP server over one connection of a tunnel, as host h.
func (n *Network) serveHTTP(conn net.Conn, h *Host, scope string, tun tunnelOf) {
	ln := newSingleConnListener(conn)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.serveHost(w, r, h, "connect", scope)
		}),
		ErrorLog: quietLogger(),
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateClosed || st == http.StateHijacked {
				ln.done()
			}
		},
	}
	srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, tunnelKey{}, tun)
	}
	if tun.hs != nil {
		// The handshake is done; the server reads the protocol it agreed (h2 or HTTP/1.1).
		srv.TLSConfig = &tls.Config{NextProtos: []string{"h2", "http/1.1"}}
		var protocols http.Protocols
		protocols.SetHTTP1(true)
		protocols.SetHTTP2(true)
		srv.Protocols = &protocols
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		select {
		case <-ln.closed:
		case <-n.stop:
		}
		_ = srv.Close()
	}()
	_ = srv.Serve(ln)
}

// serveHost serves one request as virtual host h, recording the exchange. CORS preflights
// are answered by the network itself, and requests with an Origin get CORS headers (cors.go).
func (n *Network) serveHost(w http.ResponseWriter, r *http.Request, h *Host, via, scope string) {
	if isPreflight(r) {
		n.answerPreflight(w, r, h, via, scope)
		return
	}
	x := n.j.begin(Observation{
		Host: h.name, Via: via, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), HostHeader: r.Host, Received: time.Now(), Outcome: OutcomeInFlight, Scope: scope,
		TLS: copyHandshake(handshakeOf(r.Context())), TunnelSeq: tunnelSeqOf(r.Context()),
	})
	var rw http.ResponseWriter = &recordingWriter{ResponseWriter: w, x: x}
	if r.Header.Get("Origin") != "" {
		rw = newCORSWriter(rw, r)
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &recordingBody{ReadCloser: r.Body, x: x}
	}
	// Handlers see an origin-form URL whatever form the request arrived in, and the
	// virtual host as r.Host, so redirects they build stay inside the mock network.
	r.URL.Scheme, r.URL.Host = "", ""
	r.Host = h.name
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
	handler, ok := h.specHandler(r)
	if !ok {
		handler = n.catalog
	}
	handler.ServeHTTP(rw, r)
	now := time.Now()
	if r.Context().Err() != nil {
		x.finish(OutcomeClientClosed, now)
		return
	}
	x.finish(OutcomeCompleted, now)
}

type exchangeKey struct{}

// exchangeOf returns the live record of the request, for routes that record more (the
// upload sink, the reset route).
func exchangeOf(r *http.Request) *exchange {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	return x
}

// recordingWriter records when the response started and how many body bytes were sent.
type recordingWriter struct {
	http.ResponseWriter
	x       *exchange
	started bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.started {
		w.started = true
		w.x.update(func(o *Observation) { o.ResponseStarted = time.Now(); o.Status = code })
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.x.update(func(o *Observation) { o.BytesSent += int64(n) })
	return n, err
}

func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recordingBody records the request body as the handler reads it.
type recordingBody struct {
	io.ReadCloser
	x *exchange
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		chunk := p[:n]
		b.x.update(func(o *Observation) {
			o.BodyBytes += int64(n)
			if room := bodyPrefixLimit - len(o.BodyPrefix); room > 0 {
				if len(chunk) > room {
					chunk = chunk[:room]
				}
				o.BodyPrefix = append(o.BodyPrefix, chunk...)
			}
		})
	}
	return n, err
}

// bufferedConn is a hijacked connection whose first bytes may already be buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// singleConnListener hands one connection to an http.Server, then reports closed once that
// connection is gone so Serve returns.
type singleConnListener struct {
	conn   net.Conn
	once   sync.Once
	taken  chan net.Conn
	closed chan struct{}
	shut   sync.Once
}

func newSingleConnListener(c net.Conn) *singleConnListener {
	l := &singleConnListener{conn: c, taken: make(chan net.Conn, 1), closed: make(chan struct{})}
	l.taken <- c
	return l
}

func (l *singleConnListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.taken:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *singleConnListener) done() { l.shut.Do(func() { close(l.closed) }) }

func (l *singleConnListener) Close() error {
	l.done()
	return nil
}

func (l *singleConnListener) Addr() net.Addr { return l.conn.LocalAddr() }
