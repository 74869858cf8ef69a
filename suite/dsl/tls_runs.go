package dsl

import (
	"slices"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive
)

// The runs of the https specs that share a shape: a redirect that changes scheme, a
// certificate mocknet's host presents, a port written into an https URL.

// SchemeRedirect is the run of a spec about a redirect from allowed.test over From to Target
// over To (/redirect-host/Target?scheme=To), with the path /anything/<spec id>/<from>-<to>.
type SchemeRedirect struct {
	From, To, Target string
}

func (r SchemeRedirect) path(t *T) string {
	return "/anything/" + strings.ToLower(t.ID()) + "/" + r.From + "-" + r.To
}

func (r SchemeRedirect) url(t *T) string {
	return r.From + "://" + HostAllowed + "/redirect-host/" + r.Target + "?status=302&scheme=" + r.To + "&path=" + r.path(t)
}

// RunDenied: with allowedHosts [allowed.test], the fetch must reject once allowed.test has
// answered with the redirect, and no tunnel or request may reach Target.
func (r SchemeRedirect) RunDenied(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.ExpectRefused(vat.Run(FixtureFetchOutcome, map[string]any{"url": r.url(t)}), r.url(t), "")
	// The positive control: the allowed host was reached and answered with the redirect.
	first := t.AwaitObservation("the first hop on "+HostAllowed, ReadyWithin, PathIs("/redirect-host/"+r.Target))
	Expect(first.TLS != nil).To(Equal(r.From == "https"), "the first hop must arrive over %s: %s", r.From, DescribeObservation(first))
	vat.Terminate()
	t.ExpectNoTunnel(r.Target)
	t.ExpectNoContact(r.Target)
}

// RunCredentials: the fetch carries Authorization and Cookie; the first hop must receive the
// Authorization (the positive control), the target (allowed.test over To: another origin)
// neither header.
func (r SchemeRedirect) RunCredentials(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	headers := map[string]string{"Authorization": "Bearer conform-secret", "Cookie": "conform=secret"}
	t.ExpectFetched(vat.Run(FixtureFetchOutcome, map[string]any{"url": r.url(t), "headers": headers}), r.url(t), 200, r.To+"://"+r.Target+r.path(t))
	first := t.AwaitObservation("the first hop", ReadyWithin, PathIs("/redirect-host/"+r.Target))
	Expect(first.Header.Get("Authorization")).To(Equal("Bearer conform-secret"), "the vat's Authorization must reach the origin it named: %s", DescribeObservation(first))
	target := t.AwaitObservation("the redirect target", ReadyWithin, func(o Observation) bool { return o.Host == r.Target && o.Path == r.path(t) && !o.Preflight })
	Expect(target.TLS != nil).To(Equal(r.To == "https"), "the target must be requested over %s: %s", r.To, DescribeObservation(target))
	for _, name := range []string{"Authorization", "Cookie"} {
		Expect(target.Header.Values(name)).To(BeEmpty(), "%s://%s must not receive the %s given to %s://%s: %s", r.To, r.Target, name, r.From, HostAllowed, DescribeObservation(target))
	}
}

// RefusedCertificate is the run of a spec about a host of mocknet that presents a
// certificate of Kind: with allowedHosts [allowed.test, Host], the vat reaches
// https://allowed.test/ (the positive control), its fetch of https://Host/ rejects with
// TypeError after getting as far as the handshake, and no request reaches Host.
type RefusedCertificate struct {
	Host, Kind string
}

func (c RefusedCertificate) Run(t *T) {
	t.AddHost(c.Host)
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, c.Host}})
	t.Precondition("the same vat must reach https://"+HostAllowed+"/, or a refused certificate proves nothing", func() {
		url := t.HTTPSURL(HostAllowed, "/status/200")
		t.ExpectFetched(vat.Run(FixtureFetchOutcome, map[string]any{"url": url}), url, 200, url)
	})
	url := t.HTTPSURL(c.Host, "/anything/"+strings.ToLower(t.ID()))
	t.ExpectRefused(vat.Run(FixtureFetchOutcome, map[string]any{"url": url}), url, "TypeError")
	var hs Observation
	t.Precondition("the fetch must get as far as the TLS handshake with "+c.Host+", or its rejection says nothing about the certificate", func() {
		hs = t.AwaitHandshake(c.Host, ReadyWithin)
	})
	Expect(hs.TLS.Certificate).To(Equal(c.Kind), "mocknet must have presented its %s certificate: %s", c.Kind, DescribeObservation(hs))
	vat.Terminate()
	Expect(t.ObservationsOf(c.Host)).To(BeEmpty(), "no HTTP request may reach %s after a %s certificate (the handshake: %s); what mocknet saw there", c.Host, c.Kind, hs.TLS)
}

// HTTPSPort is the run of a spec about a port written into an https URL of allowed.test:
// fetch(URL) must resolve at Final, through a tunnel to Tunnel, its requests carrying Host.
type HTTPSPort struct {
	URL, Final, Tunnel, Host string
}

func (p HTTPSPort) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.ExpectFetched(vat.Run(FixtureFetchOutcome, map[string]any{"url": p.URL}), p.URL, 200, p.Final)
	path := "/" + strings.SplitN(strings.TrimPrefix(p.Final, "https://"), "/", 2)[1]
	o := t.AwaitObservation("GET "+path+" over TLS", ReadyWithin, OverTLS(PathIs(path)))
	Expect(o.HostHeader).To(Equal(p.Host), "the Host header of the request: %s", DescribeObservation(o))
	tunnel, _ := t.TunnelOf(o)
	Expect(tunnel.Target).To(Equal(p.Tunnel), "the request must come through a tunnel to %s: %s", p.Tunnel, DescribeObservation(o))
}

// RunFollowed: with allowedHosts [allowed.test, Target], the fetch must resolve at
// To://Target/…, the target reached over To.
func (r SchemeRedirect) RunFollowed(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, r.Target}})
	t.ExpectFetched(vat.Run(FixtureFetchOutcome, map[string]any{"url": r.url(t)}), r.url(t), 200, r.To+"://"+r.Target+r.path(t))
	target := t.AwaitObservation("the redirect target on "+r.Target, ReadyWithin, func(o Observation) bool { return o.Host == r.Target && o.Path == r.path(t) && !o.Preflight })
	Expect(target.TLS != nil).To(Equal(r.To == "https"), "the target must be requested over %s: %s", r.To, DescribeObservation(target))
}

// DeniedOverHTTPS is the run of a spec about an https fetch of a host the vat may not reach:
// with allowedHosts [allowed.test], the vat reaches allowed.test over http and https (the
// positive control, its tunnel seen), its fetch of https://Denied/… rejects, and no tunnel
// nor request reaches Denied.
type DeniedOverHTTPS struct{ Denied string }

func (d DeniedOverHTTPS) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.Precondition("the vat must reach "+HostAllowed+" over http and https, through a tunnel mocknet sees, or the absence of one to "+d.Denied+" proves nothing", func() {
		for _, url := range []string{t.URL(HostAllowed, "/status/200"), t.HTTPSURL(HostAllowed, "/status/200")} {
			t.ExpectFetched(vat.Run(FixtureFetchOutcome, map[string]any{"url": url}), url, 200, url)
		}
		o := t.AwaitObservation("the https fetch over TLS", ReadyWithin, OverTLS(PathIs("/status/200")))
		_, tunnelled := t.TunnelOf(o)
		Expect(tunnelled).To(BeTrue(), "the https request must have come through a tunnel mocknet recorded: %s", DescribeObservation(o))
	})
	url := t.HTTPSURL(d.Denied, "/anything/"+strings.ToLower(t.ID()))
	t.ExpectRefused(vat.Run(FixtureFetchOutcome, map[string]any{"url": url}), url, "")
	vat.Terminate()
	t.ExpectNoTunnel(d.Denied)
	t.ExpectNoContact(d.Denied)
}

// RunNotify: with allowedHosts [allowed.test, Host], a fetch of https://Host/ that fails on
// the certificate (after getting as far as the handshake) must pair every OutboundRequest
// with an OutboundResponse.
func (c RefusedCertificate) RunNotify(t *T) {
	t.AddHost(c.Host)
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, c.Host}})
	url := t.HTTPSURL(c.Host, "/status/200")
	t.ExpectRefused(vat.Run(FixtureFetchOutcome, map[string]any{"url": url}), url, "")
	t.Precondition("the fetch must get as far as the TLS handshake with "+c.Host+", or its failure is not the one this spec is about", func() {
		t.AwaitHandshake(c.Host, ReadyWithin)
	})
	methods := vat.NotifyMethods()
	Expect(methods).To(ContainElement(OutboundRequest), "the fetch went out: OutboundRequest must be emitted")
	count := func(method string) int {
		return len(slices.DeleteFunc(slices.Clone(methods), func(m string) bool { return m != method }))
	}
	Expect(count(OutboundResponse)).To(Equal(count(OutboundRequest)), "every OutboundRequest must be paired by an OutboundResponse, got %v", methods)
}
