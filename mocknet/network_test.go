package mocknet

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

func newTestNetwork(t *testing.T) *Network {
	t.Helper()
	n, err := New(WithHosts(StandardHosts()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return n
}

func proxiedClient(n *Network) *http.Client {
	proxy, _ := url.Parse(n.ProxyURL())
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func waitFor(t *testing.T, n *Network, what string, pred func(Observation) bool) Observation {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a failure bound, not a margin
	defer cancel()
	o, err := n.WaitFor(ctx, pred)
	if err != nil {
		t.Fatalf("never saw %s; saw %v", what, n.Observations())
	}
	return o
}

func TestCatalogueRoutesThroughProxy(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/status/418", 418, ""},
		{"/bytes/1024", 200, ""},
		{"/anything?x=1", 200, `"x"`},
		{"/response-headers?X-Test=yes", 200, "X-Test"},
		{"/redirect-host/evil.test?status=307&path=/anything", 307, ""},
		{"/redirect-to?url=/status/200&status_code=301", 301, ""},
	}
	for _, tc := range cases {
		res, err := c.Get("http://allowed.test" + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
			t.Errorf("GET %s: %d %q, want %d containing %q", tc.path, res.StatusCode, body, tc.status, tc.body)
		}
		if tc.path == "/redirect-host/evil.test?status=307&path=/anything" && res.Header.Get("Location") != "http://evil.test/anything" {
			t.Errorf("redirect-host Location = %q", res.Header.Get("Location"))
		}
	}
	obs := n.Observations()
	if len(obs) != len(cases) {
		t.Fatalf("observed %d exchanges, want %d: %v", len(obs), len(cases), obs)
	}
	for _, o := range obs {
		if o.Host != "allowed.test" || o.Via != "proxy" || o.Outcome != OutcomeCompleted {
			t.Errorf("observation %v: want allowed.test via proxy completed", o)
		}
	}
}

func TestConnectTunnelServesTheTargetNotTheHostHeader(t *testing.T) {
	n := newTestNetwork(t)
	conn, err := net.Dial("tcp", n.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT allowed.test:80 HTTP/1.1\r\nHost: allowed.test:80\r\n\r\n")
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", res, err)
	}
	fmt.Fprintf(conn, "GET /status/204 HTTP/1.1\r\nHost: evil.test\r\n\r\n")
	res, err = http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("GET in tunnel: %v %v", res, err)
	}
	o := waitFor(t, n, "the tunnelled request", func(o Observation) bool { return o.Path == "/status/204" && o.Outcome == OutcomeCompleted })
	if o.Host != "allowed.test" || o.Via != "connect" || o.HostHeader != "allowed.test" && o.HostHeader != "evil.test" {
		t.Errorf("tunnelled request observed as %+v; want host allowed.test via connect", o)
	}
}

func TestEscapesAreRefusedAndRecorded(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	for _, target := range []string{"http://example.com/", "http://10.0.0.1/", "http://unknown.test/"} {
		res, err := c.Get(target)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "mocknet") {
			t.Errorf("GET %s: %d %q, want 502 from mocknet", target, res.StatusCode, body)
		}
	}
	conn, err := net.Dial("tcp", n.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusBadGateway {
		t.Fatalf("CONNECT example.com: %v %v", res, err)
	}
	if got := len(n.Escapes()); got != 4 {
		t.Errorf("recorded %d escapes, want 4: %v", got, n.Observations())
	}
}

func TestHangSeesTheClientClose(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://allowed.test/hang", nil)
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(req)
		done <- err
	}()
	waitFor(t, n, "the hanging request", func(o Observation) bool { return o.Path == "/hang" })
	cancelled := time.Now()
	cancel()
	<-done
	o := waitFor(t, n, "the close", func(o Observation) bool { return o.Path == "/hang" && o.Outcome == OutcomeClientClosed })
	if o.ClosedAt.Before(cancelled) {
		t.Errorf("closed at %v, before the client cancelled at %v", o.ClosedAt, cancelled)
	}
}

func TestDripForeverStreamsUntilClose(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	res, err := c.Get("http://allowed.test/drip-forever?interval=5")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(res.Body, buf); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	o := waitFor(t, n, "the close", func(o Observation) bool { return o.Path == "/drip-forever" && o.Outcome == OutcomeClientClosed })
	if o.BytesSent < 3 || o.ResponseStarted.IsZero() {
		t.Errorf("drip observation %+v: want response started and ≥3 bytes sent", o)
	}
}

func TestResetCutsTheConnection(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	res, err := c.Get("http://allowed.test/reset")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil {
		t.Fatal("reading /reset's body succeeded; want an error")
	}
	waitFor(t, n, "the reset", func(o Observation) bool { return o.Path == "/reset" && o.Outcome == OutcomeServerReset })
}

func TestUploadSinkCountsBytesBeforeClose(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://allowed.test/upload-sink", pr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := c.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	if _, err := pw.Write(make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, n, "1000 uploaded bytes", func(o Observation) bool { return o.Path == "/upload-sink" && o.BodyBytes == 1000 })
	cancel()
	pw.CloseWithError(context.Canceled)
	<-done
	waitFor(t, n, "the upload's close", func(o Observation) bool {
		return o.Path == "/upload-sink" && o.Outcome == OutcomeClientClosed
	})
}

func TestSpecHandlersTakePrecedence(t *testing.T) {
	n := newTestNetwork(t)
	n.AddHost("allowed.test").HandleFunc("/status/200", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(299)
	})
	res, err := proxiedClient(n).Get("http://allowed.test/status/200")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 299 {
		t.Errorf("status %d, want the spec handler's 299", res.StatusCode)
	}
}

func TestScopesSeeOnlyTheirOwnTraffic(t *testing.T) {
	n := newTestNetwork(t)
	s, err := n.NewScope()
	if err != nil {
		t.Fatal(err)
	}
	proxy, _ := url.Parse(s.ProxyURL())
	sc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	for _, c := range []*http.Client{sc, proxiedClient(n)} {
		res, err := c.Get("http://allowed.test/status/200")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if got := len(s.Observations()); got != 1 {
		t.Errorf("scope saw %d exchanges, want 1", got)
	}
	if got := len(n.Observations()); got != 2 {
		t.Errorf("network saw %d exchanges, want 2", got)
	}
}

func TestGuardedClientCannotLeave(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	release, err := n.GuardClient(c)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	res, err := c.Get("http://allowed.test/status/200")
	if err != nil {
		t.Fatalf("guarded client to a virtual host: %v", err)
	}
	res.Body.Close()
	for _, target := range []string{"http://example.com/", "https://example.com/", "ftp://allowed.test/", "http://127.0.0.1:1/"} {
		if _, err := c.Get(target); err == nil || !strings.Contains(err.Error(), "mocknet guard") {
			t.Errorf("guarded GET %s: err %v, want a mocknet guard refusal", target, err)
		}
	}
	if got := len(n.Escapes()); got != 4 {
		t.Errorf("recorded %d escapes, want 4: %v", got, n.Observations())
	}
	// https to a virtual host is admitted: it goes through the proxy, and the client's own
	// trust decides (this one trusts the system's roots, not the network's authority).
	var unknown x509.UnknownAuthorityError
	if _, err := c.Get("https://allowed.test/"); !errors.As(err, &unknown) {
		t.Errorf("guarded GET https://allowed.test/: %v, want the client's own refusal of the certificate", err)
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	n, err := New(WithHosts("allowed.test"))
	if err != nil {
		t.Fatal(err)
	}
	c := proxiedClient(n)
	go func() {
		if res, err := c.Get("http://allowed.test/hang"); err == nil {
			res.Body.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a failure bound, not a margin
	defer cancel()
	if _, err := n.WaitFor(ctx, func(o Observation) bool { return o.Path == "/hang" }); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
