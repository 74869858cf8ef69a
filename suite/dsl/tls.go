package dsl

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/mocknet"
)

// https: every virtual host speaks TLS inside CONNECT tunnels with a certificate of the run's
// certificate authority, which the implementation was given at initialize (network.ca).
// mocknet records each tunnel apart from the requests in it, with its TLS handshake: what a
// vat connected to even when it sent no request.

// The virtual hosts whose certificate a client must refuse, each in one way (mocknet).
const (
	HostWrongName  = mocknet.HostWrongName
	HostExpired    = mocknet.HostExpired
	HostSelfSigned = mocknet.HostSelfSigned
	HostUnknownCA  = mocknet.HostUnknownCA
)

// HTTPSURL returns https://host + path.
func (t *T) HTTPSURL(host, path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "https://" + host + path
}

// Tunnels returns the CONNECT tunnels to virtual hosts mocknet saw since the spec began,
// each with its TLS handshake, whether or not a request followed.
func (t *T) Tunnels() Seen {
	return t.session.Network.Tunnels(t.startSeq)
}

// TunnelsTo returns the tunnels to host since the spec began.
func (t *T) TunnelsTo(host string) Seen {
	return Filter(t.Tunnels(), func(o Observation) bool { return o.Host == host })
}

// TunnelOf returns the tunnel a request came through, whenever it was opened (a client
// keeps connections alive from one spec to the next); false outside a tunnel.
func (t *T) TunnelOf(o Observation) (Observation, bool) {
	return t.session.Network.TunnelOf(o)
}

// OverTLS narrows pred to requests that arrived inside a completed TLS handshake: the https
// request, not an http one to the same path.
func OverTLS(pred func(Observation) bool) func(Observation) bool {
	return func(o Observation) bool { return o.TLS != nil && o.TLS.Completed && pred(o) }
}

// AwaitHandshake waits until mocknet has seen a tunnel to host in which the client began a
// TLS handshake, and returns it once the handshake is over (completed or aborted): the sign
// that a vat's https fetch got as far as the certificate.
func (t *T) AwaitHandshake(host string, within time.Duration) Observation {
	GinkgoHelper()
	var found Observation
	Eventually(t.ctx, func() bool {
		for _, o := range t.TunnelsTo(host) {
			if o.TLS != nil && (o.TLS.Completed || o.Outcome != mocknet.OutcomeInFlight) {
				found = o
				return true
			}
		}
		return false
	}).WithTimeout(within).WithPolling(5*time.Millisecond).Should(BeTrue(),
		"mocknet never saw a TLS handshake with %s within %s; the tunnels it saw:\n%s\nand the requests:\n%s",
		host, within, DescribeObservations(t.Tunnels()), DescribeObservations(t.Observations()))
	return found
}

// DescribeTLS is what a failure message says about the https side of a spec: every tunnel
// mocknet saw since the spec began, with its handshake.
func (t *T) DescribeTLS() string {
	return fmt.Sprintf("tunnels mocknet saw:\n%s", DescribeObservations(t.Tunnels()))
}

// FixtureFetchOutcome fetches params.url (with params.headers) and reports how the fetch
// settled; see fixtures/https/fetch-outcome.js.
const FixtureFetchOutcome = "https/fetch-outcome"

// Settlement is what FixtureFetchOutcome reports of a fetch: how it settled ("fulfilled" or
// "rejected"), and the response or the error.
type Settlement struct {
	Settled, URL, Name, Message string
	Status                      int
	Redirected                  bool
}

// DecodeSettlement reads the result of FixtureFetchOutcome.
func DecodeSettlement(res Result) Settlement {
	GinkgoHelper()
	var o Settlement
	res.Decode(&o)
	return o
}

// ExpectFetched requires the fetch of url (reported by FixtureFetchOutcome) to have
// resolved with status at final; a failure shows the tunnels and handshakes mocknet saw.
func (t *T) ExpectFetched(res Result, url string, status int, final string) {
	GinkgoHelper()
	o := DecodeSettlement(res)
	Expect(o.Settled).To(Equal("fulfilled"), "fetch(%s) must resolve; it rejected with %s: %s\n%s", url, o.Name, o.Message, t.DescribeTLS())
	Expect(o.Status).To(Equal(status), "fetch(%s) must resolve with the host's %d", url, status)
	Expect(o.URL).To(Equal(final), "the response to fetch(%s) must have url %s", url, final)
}

// ExpectRefused requires the fetch of url (reported by FixtureFetchOutcome) to have
// rejected, with an error named name unless name is empty.
func (t *T) ExpectRefused(res Result, url, name string) {
	GinkgoHelper()
	o := DecodeSettlement(res)
	Expect(o.Settled).To(Equal("rejected"), "fetch(%s) must reject; it resolved with status %d at %s\n%s", url, o.Status, o.URL, t.DescribeTLS())
	if name != "" {
		Expect(o.Name).To(Equal(name), "fetch(%s) must reject with %s; it rejected with %s: %s", url, name, o.Name, o.Message)
	}
}

// ExpectNoTunnel asserts that no tunnel was opened to host since the spec began: an https
// fetch names its host in the CONNECT, before any request.
func (t *T) ExpectNoTunnel(host string) {
	GinkgoHelper()
	Expect(t.TunnelsTo(host)).To(BeEmpty(), "no tunnel may be opened to %s (a CONNECT names the host before any request); what mocknet saw", host)
}
