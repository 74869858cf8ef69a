package mocknet

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// httpsClient trusts the network's authority and nothing else, through its proxy.
func httpsClient(n *Network, h2 bool) *http.Client {
	proxy, _ := url.Parse(n.ProxyURL())
	return &http.Client{
		Transport: &http.Transport{
			Proxy:             http.ProxyURL(proxy),
			TLSClientConfig:   &tls.Config{RootCAs: n.CertPool()},
			ForceAttemptHTTP2: h2,
		},
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func TestHTTPSThroughTheProxyIsServedAndRecorded(t *testing.T) {
	n := newTestNetwork(t)
	for _, tc := range []struct {
		name, url, proto, alpn, hostHeader string
		h2                                 bool
	}{
		// Go's transport offers no ALPN unless it may speak h2: HTTP/1.1 is spoken then.
		{name: "HTTP/1.1", url: "https://allowed.test/status/200", proto: "HTTP/1.1", alpn: "", hostHeader: "allowed.test"},
		{name: "h2", url: "https://a.allowed.test/status/200", proto: "HTTP/2.0", alpn: "h2", hostHeader: "a.allowed.test", h2: true},
		{name: "explicit port", url: "https://other.test:8443/status/200", proto: "HTTP/2.0", alpn: "h2", hostHeader: "other.test:8443", h2: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := httpsClient(n, tc.h2)
			defer c.CloseIdleConnections()
			res, err := c.Get(tc.url)
			if err != nil {
				t.Fatalf("GET %s: %v", tc.url, err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.Proto != tc.proto {
				t.Fatalf("GET %s: %d over %s, want 200 over %s", tc.url, res.StatusCode, res.Proto, tc.proto)
			}
			u, _ := url.Parse(tc.url)
			o := waitFor(t, n, "the request", func(o Observation) bool { return o.Host == u.Hostname() && o.Path == "/status/200" })
			if o.TLS == nil || !o.TLS.Completed || o.TLS.SNI != u.Hostname() || o.TLS.Protocol != tc.alpn || o.TLS.Certificate != CertificateValid {
				t.Errorf("request recorded with %v, want a completed handshake for %s over %s with a valid certificate", o.TLS, u.Hostname(), tc.alpn)
			}
			if o.HostHeader != tc.hostHeader {
				t.Errorf("Host header %q, want %q", o.HostHeader, tc.hostHeader)
			}
			tunnel, ok := n.TunnelOf(o)
			if want := u.Hostname() + ":" + cmp.Or(u.Port(), "443"); !ok || tunnel.Target != want || tunnel.TLS == nil || !tunnel.TLS.Completed {
				t.Errorf("the request's tunnel is %v (%v), want one to %s with a completed handshake; tunnels: %v", tunnel, ok, want, n.Tunnels(0))
			}
		})
	}
	for _, o := range n.Observations() {
		if o.Tunnel {
			t.Errorf("Observations lists a tunnel: %v", o)
		}
	}
}

// A client that trusts the network's authority refuses every misbehaving host, and the
// network sees it abort the handshake: no request arrives.
func TestMisbehavingHostsAreRefusedByAVerifyingClient(t *testing.T) {
	n := newTestNetwork(t)
	for host := range CertificateFaults() {
		n.AddHost(host)
	}
	c := httpsClient(n, false)
	for host, kind := range CertificateFaults() {
		t.Run(host, func(t *testing.T) {
			_, err := c.Get("https://" + host + "/status/200")
			var (
				unknown  x509.UnknownAuthorityError
				hostname x509.HostnameError
				invalid  x509.CertificateInvalidError
			)
			switch kind {
			case CertificateWrongName:
				if !errors.As(err, &hostname) {
					t.Fatalf("GET %s: %v, want a hostname error", host, err)
				}
			case CertificateExpired:
				if !errors.As(err, &invalid) || invalid.Reason != x509.Expired {
					t.Fatalf("GET %s: %v, want an expired certificate", host, err)
				}
			default:
				if !errors.As(err, &unknown) {
					t.Fatalf("GET %s: %v, want an unknown authority", host, err)
				}
			}
			tu := waitForTunnel(t, n, host)
			if tu.TLS.Completed || tu.TLS.Certificate != kind || tu.TLS.SNI != host || tu.TLS.Alert == "" {
				t.Errorf("tunnel to %s recorded %v, want a handshake the client aborted with an alert on a %s certificate", host, tu.TLS, kind)
			}
			for _, o := range n.Observations() {
				if o.Host == host {
					t.Errorf("a request reached %s after a refused certificate: %v", host, o)
				}
			}
		})
	}
}

func waitForTunnel(t *testing.T, n *Network, host string) Observation {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a failure bound, not a margin
	for time.Now().Before(deadline) {
		for _, tu := range n.Tunnels(0) {
			if tu.Host == host && tu.TLS != nil && tu.Outcome == OutcomeClosed {
				return tu
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no closed tunnel to %s with a handshake: %v", host, n.Tunnels(0))
	return Observation{}
}

func TestHTTPSFailsWithoutTheAuthority(t *testing.T) {
	n := newTestNetwork(t)
	proxy, _ := url.Parse(n.ProxyURL())
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 10 * time.Second}
	_, err := c.Get("https://allowed.test/status/200")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("GET with the system's roots: %v, want an unknown authority", err)
	}
}

// The client closing a request held over TLS is seen as a client close, as over plain HTTP.
func TestHangOverTLSSeesTheClientClose(t *testing.T) {
	n := newTestNetwork(t)
	for _, h2 := range []bool{false, true} {
		c := httpsClient(n, h2)
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://allowed.test/hang", nil)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if res, err := c.Do(req); err == nil {
				res.Body.Close()
			}
		}()
		o := waitFor(t, n, "/hang in flight", func(o Observation) bool {
			return o.Path == "/hang" && o.Outcome == OutcomeInFlight && o.TLS != nil && (o.TLS.Protocol == "h2") == h2
		})
		cancel()
		<-done
		waitFor(t, n, "/hang closed by the client", func(x Observation) bool { return x.Seq == o.Seq && x.Outcome == OutcomeClientClosed })
		c.CloseIdleConnections()
	}
}

// A certificate of the authority for an IP address names the address, for a client that
// sends no server name.
func TestIPAddressHostsGetACertificateForTheAddress(t *testing.T) {
	n := newTestNetwork(t)
	n.AddHost("192.0.2.10")
	c := httpsClient(n, false)
	res, err := c.Get("https://192.0.2.10/status/204")
	if err != nil {
		t.Fatalf("GET https://192.0.2.10/: %v", err)
	}
	res.Body.Close()
	o := waitFor(t, n, "the request", func(o Observation) bool { return o.Host == "192.0.2.10" })
	if o.TLS == nil || o.TLS.SNI != "" || !o.TLS.Completed {
		t.Errorf("request recorded with %v, want a completed handshake without SNI", o.TLS)
	}
}

func TestAuthorityIsShortLivedAndOnlyForThisNetwork(t *testing.T) {
	a, b := newTestNetwork(t), newTestNetwork(t)
	block, _ := pem.Decode(a.CertificateAuthority())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("CertificateAuthority is not a PEM certificate: %q", a.CertificateAuthority())
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.NotAfter.Sub(ca.NotBefore) > 48*time.Hour || time.Now().After(ca.NotAfter) {
		t.Errorf("authority valid %s to %s (CA %v): want a CA valid now, for hours", ca.NotBefore, ca.NotAfter, ca.IsCA)
	}
	if string(a.CertificateAuthority()) == string(b.CertificateAuthority()) {
		t.Error("two networks share an authority")
	}
	c := httpsClient(b, false)
	proxy, _ := url.Parse(a.ProxyURL())
	c.Transport.(*http.Transport).Proxy = http.ProxyURL(proxy)
	var unknown x509.UnknownAuthorityError
	if _, err := c.Get("https://allowed.test/status/200"); !errors.As(err, &unknown) {
		t.Errorf("a client trusting another network's authority: %v, want an unknown authority", err)
	}
}

func TestServeWritesTheAuthorityForCurl(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ServeOptions{}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var proxy, caFile string
	for (proxy == "" || caFile == "") && lines.Scan() {
		if p, ok := strings.CutPrefix(lines.Text(), "proxy: "); ok {
			proxy = p
		}
		if p, ok := strings.CutPrefix(lines.Text(), "ca: "); ok {
			caFile = p
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	info, err := os.Stat(caFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("CA file %q: %v, mode %v; want a file only its owner reads", caFile, err, info)
	}
	raw, _ := os.ReadFile(caFile)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		t.Fatalf("%s holds no PEM certificate", caFile)
	}
	p, _ := url.Parse(proxy)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(p), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := c.Get("https://allowed.test/status/200")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET https://allowed.test/status/200 trusting %s: %v %v", caFile, res, err)
	}
	res.Body.Close()
	c.CloseIdleConnections()
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(caFile); !os.IsNotExist(err) {
		t.Errorf("the CA file is still there after Serve returned: %v", err)
	}
}

// A plaintext alert is found whatever the reads cut the records into.
func TestAlertSnifferFindsAPlaintextAlertAcrossReads(t *testing.T) {
	stream := []byte{
		0x16, 0x03, 0x01, 0x00, 0x03, 0xaa, 0xbb, 0xcc, // a handshake record of 3 bytes
		0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30, // a fatal unknown_ca alert (48)
	}
	for cut := 1; cut < len(stream); cut++ {
		s := &alertSniffer{}
		s.scan(stream[:cut])
		s.scan(stream[cut:])
		if s.alert == nil || *s.alert != 48 {
			t.Fatalf("cut at %d: alert %v, want 48", cut, s.alert)
		}
	}
	s := &alertSniffer{}
	s.scan([]byte{0x17, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30}) // an encrypted record of 2 bytes
	if s.alert != nil {
		t.Errorf("an application-data record was read as an alert: %d", *s.alert)
	}
}
