package mocknet

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"gopkg.in/h2non/gock.v1"
)

// gock keeps its interception switch, networking flag and filters in package state. The
// guard is the only user of gock outside tests, so that state is owned here: one filter,
// installed once, dispatching to the network a guarded request belongs to.
var (
	gockOnce  sync.Once
	gockMu    sync.Mutex
	gockUsers int
)

type guardKey struct{}

// GuardClient makes c fail closed: from c, only this network's virtual hosts are
// reachable (over http or https), through this network's proxy. c's transport must route through ProxyURL (it
// is set if c has no transport yet). Any request for another destination fails inside the
// process, before any dial, with an error naming mocknet, and is recorded as an escape.
// release undoes the guard.
func (n *Network) GuardClient(c *http.Client) (release func(), err error) {
	if c == nil {
		return nil, fmt.Errorf("mocknet guard: nil client")
	}
	proxy, _ := url.Parse(n.ProxyURL())
	inner := c.Transport
	if inner == nil {
		inner = &http.Transport{Proxy: http.ProxyURL(proxy)}
	}
	if t, ok := inner.(*http.Transport); ok {
		if t.Proxy == nil {
			return nil, fmt.Errorf("mocknet guard: the client's transport has no proxy; set Proxy to %s", n.ProxyURL())
		}
		probe := &http.Request{URL: &url.URL{Scheme: "http", Host: "allowed.test"}}
		if p, err := t.Proxy(probe); err != nil || p == nil || p.Host != proxy.Host {
			return nil, fmt.Errorf("mocknet guard: the client's transport proxies to %v, not to mocknet at %s", p, n.ProxyURL())
		}
	}
	gockOnce.Do(func() {
		gock.NetworkingFilter(func(req *http.Request) bool {
			owner, _ := req.Context().Value(guardKey{}).(*Network)
			return owner != nil && owner.admit(req)
		})
	})
	gockMu.Lock()
	gockUsers++
	gock.Intercept()
	gock.EnableNetworking()
	gockMu.Unlock()

	intercepted := gock.NewTransport()
	intercepted.Transport = inner
	c.Transport = &guardTransport{n: n, next: intercepted, inner: inner}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.Transport = inner
			gockMu.Lock()
			gockUsers--
			if gockUsers == 0 {
				gock.Disable()
			}
			gockMu.Unlock()
		})
	}, nil
}

// admit decides whether a guarded request may go to the network: only http:// or https://
// to a registered virtual host. Anything else is recorded as an escape.
func (n *Network) admit(req *http.Request) bool {
	if req.URL.Scheme == "http" || req.URL.Scheme == "https" {
		if _, ok := n.host(req.URL.Hostname()); ok {
			return true
		}
	}
	now := time.Now()
	n.j.begin(Observation{
		Via: "guard", Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery, Header: req.Header.Clone(),
		Received: now, Finished: now, Outcome: OutcomeEscape, Escape: true, Target: req.URL.Host,
	})
	return false
}

// guardTransport tags each request with its network, for the shared gock filter.
type guardTransport struct {
	n    *Network
	next http.RoundTripper
	// inner is the transport the guard wraps, which sends what the guard admits.
	inner http.RoundTripper
}

// Unwrap returns the transport the guard wraps, for code that configures it (its TLS
// settings) through the guard.
func (t *guardTransport) Unwrap() http.RoundTripper { return t.inner }

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tagged := req.WithContext(context.WithValue(req.Context(), guardKey{}, t.n))
	res, err := t.next.RoundTrip(tagged)
	if err != nil && err == gock.ErrCannotMatch {
		return nil, fmt.Errorf("mocknet guard: refused %s %s: not a virtual host of this network, nothing was dialled", req.Method, req.URL.Redacted())
	}
	return res, err
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the real transport.
func (t *guardTransport) CloseIdleConnections() {
	if g, ok := t.next.(*gock.Transport); ok {
		if c, ok := g.Transport.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections()
		}
	}
}
