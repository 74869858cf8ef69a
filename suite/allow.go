package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// hostHeader is a fetch of allowed.test that sets Host: evil.test through fetch's init or a
// Request: through says which in the requirement, kind is the fetch-input kind that does it
// (see fixtures/allowlist/fetch-input.js).
type hostHeader struct{ id, title, through, kind string }

// allowlistSpecs check that the allowlist lets through what it should and stops what it
// should not, and that a Host header cannot change where an allowed request lands.
func allowlistSpecs() []Spec {
	rows := []Row{
		{ID: "ALLOW-001", Title: "allowed host is reachable",
			Requirement: "fetch of a URL whose hostname is in allowedHosts must reach that host and resolve with its response.",
			Rationale:   "The allowlist attenuates fetch; it must not break it for the hosts it permits.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, "/status/200")})
				Expect(res).To(Returned())
				t.AwaitObservation("a GET /status/200 on "+HostAllowed, ReadyWithin, func(o Observation) bool {
					return o.Host == HostAllowed && o.Path == "/status/200"
				})
			}},
		{ID: "ALLOW-002", Title: "denied host is never contacted",
			Requirement: "fetch of a URL whose hostname is not in allowedHosts must reject, and no request may reach that host or any other.",
			Rationale:   "The allowlist is the vat's only network boundary: a denied fetch that still reaches the host leaks data even if the vat never sees the answer.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				t.ExpectCanReach(vat, HostAllowed)
				mark := t.Mark()
				Expect(vat.Run(t.Fixture(), map[string]any{"url": t.URL(HostEvil, "/anything")})).To(Threw(""))
				vat.Terminate()
				Expect(t.ObservationsAfter(mark)).To(BeEmpty(), "no request may reach the network for a denied host; what mocknet saw")
			}},
		{ID: "ALLOW-056", Title: "port of an allowed host is ignored",
			Requirement: "fetch of an allowed hostname with an explicit, non-default port must be allowed: the allowlist compares hostnames only.",
			Rationale:   "Kernels document that ports are ignored; a vat written against that must not be refused.",
			Run:         reachAllowed("http://allowed.test:8080/status/200")},
		{ID: "ALLOW-057", Title: "allowed host in upper case is reachable",
			Requirement: "fetch of an allowed hostname written in upper case must be allowed, because the URL parser lower-cases hostnames before the check.",
			Rationale:   "The check is on the parsed hostname, not the text the vat wrote.",
			Run:         reachAllowed("http://ALLOWED.TEST/status/200")},
		{ID: "ALLOW-058", Title: "redirect between allowed hosts is followed",
			Requirement: "A redirect from one allowed host to another allowed host (here, the same one) must be followed.",
			Rationale:   "Redirect checks must not break redirects the allowlist permits.",
			Run:         reachAllowed("http://allowed.test/redirect-host/allowed.test?status=302&path=/status/200")},
	}
	for _, h := range []hostHeader{
		{id: "ALLOW-059", title: "Host header in init cannot move the request", through: "fetch's init", kind: "string"},
		{id: "ALLOW-060", title: "Host header in a Request cannot move the request", through: "a Request", kind: "request-with-init"},
	} {
		rows = append(rows, Row{ID: h.id, Title: h.title, Run: h.run, Profile: ProfileStrict, Fixture: "allowlist/fetch-input",
			Requirement: fmt.Sprintf("A fetch of an allowed URL with a Host: %s header set through %s must reach %s with Host %s, or be rejected; %s must never be reached.",
				HostEvil, h.through, HostAllowed, HostAllowed, HostEvil),
			Source:    "security argument (strict): Host is a forbidden request-header (WHATWG Fetch §2.2.2); a vat must not pick the virtual host behind an allowed address",
			Rationale: "Behind a shared front end or proxy the Host header picks the site; a vat that sets it reaches a host the allowlist denies."})
	}
	return Defaults{Area: AreaAllowlist, Profile: ProfileCore, Since: "0.1.0",
		Source:  "ocap-kernel: VatConfig.network.allowedHosts (exact match on URL hostname; ports and schemes ignored)",
		Fixture: "allowlist/fetch-url"}.Specs(rows...)
}

// reachAllowed is the Run of a spec whose URL names allowed.test in some spelling: the fetch
// must complete, and reach allowed.test.
func reachAllowed(url string) func(t *T) {
	return func(t *T) {
		vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
		Expect(vat.Run(t.Fixture(), map[string]any{"url": url})).To(Returned())
		t.AwaitObservation("a request on "+HostAllowed, ReadyWithin, func(o Observation) bool { return o.Host == HostAllowed })
	}
}

// run sets Host: evil.test on a fetch of allowed.test: evil.test must never be reached, and
// what reaches allowed.test must carry Host allowed.test.
func (h hostHeader) run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	res := vat.Run(t.Fixture(), map[string]any{"kind": h.kind, "url": t.URL(HostAllowed, "/anything"),
		"init": map[string]any{"headers": map[string]string{"Host": HostEvil}}})
	vat.Terminate()
	t.ExpectNoContact(HostEvil)
	if res.Error != nil {
		return
	}
	for _, o := range t.ObservationsOf(HostAllowed) {
		host, _, _ := strings.Cut(o.HostHeader, ":")
		Expect(host).To(Equal(HostAllowed), "the request reached %s carrying Host %q; mocknet saw:\n%s", HostAllowed, o.HostHeader, DescribeObservation(o))
	}
}
