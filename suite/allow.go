package suite

import (
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

func allowlistSpecs() []Spec {
	specs := Defaults{Area: AreaAllowlist, Profile: ProfileCore, Since: "0.1.0", Source: srcAllowlist, Fixture: fixtureFetchURL}.Specs(
		Row{ID: "ALLOW-001", Title: "allowed host is reachable",
			Requirement: "fetch of a URL whose hostname is in allowedHosts must reach that host and resolve with its response.",
			Rationale:   "The allowlist attenuates fetch; it must not break it for the hosts it permits.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(HostAllowed, "/status/200")})
				Expect(res).To(Returned())
				t.AwaitObservation("a GET /status/200 on "+HostAllowed, ReadyWithin, func(o Observation) bool {
					return o.Host == HostAllowed && o.Path == "/status/200"
				})
			}},
		Row{ID: "ALLOW-002", Title: "denied host is never contacted",
			Requirement: "fetch of a URL whose hostname is not in allowedHosts must reject, and no request may reach that host or any other.",
			Rationale:   "The allowlist is the vat's only network boundary: a denied fetch that still reaches the host leaks data even if the vat never sees the answer.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				t.ExpectCanReach(vat, HostAllowed)
				mark := t.Mark()
				res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(HostEvil, "/anything")})
				Expect(res).To(Threw(""))
				vat.Terminate()
				Expect(t.ObservationsAfter(mark)).To(BeEmpty(), "no request may reach the network for a denied host; what mocknet saw")
			}},
	)
	specs = append(specs, inputFormSpecs()...)
	specs = append(specs, trickSpecs()...)
	return append(specs, allowedFormsSpecs()...)
}

// allowedFormsSpecs check that the allowlist lets through what it should, and that a Host
// header cannot change where an allowed request lands.
func allowedFormsSpecs() []Spec {
	return Defaults{Area: AreaAllowlist, Profile: ProfileCore, Since: "0.1.0", Source: srcAllowlist, Rationale: rationaleHostHeader, Fixture: fixtureFetchURL}.Specs(
		Row{ID: "ALLOW-056", Title: "port of an allowed host is ignored",
			Requirement: "fetch of an allowed hostname with an explicit, non-default port must be allowed: the allowlist compares hostnames only.",
			Rationale:   "Kernels document that ports are ignored; a vat written against that must not be refused.",
			Run:         reachAllowed("http://allowed.test:8080/status/200")},
		Row{ID: "ALLOW-057", Title: "allowed host in upper case is reachable",
			Requirement: "fetch of an allowed hostname written in upper case must be allowed, because the URL parser lower-cases hostnames before the check.",
			Rationale:   "The check is on the parsed hostname, not the text the vat wrote.",
			Run:         reachAllowed("http://ALLOWED.TEST/status/200")},
		Row{ID: "ALLOW-058", Title: "redirect between allowed hosts is followed",
			Requirement: "A redirect from one allowed host to another allowed host (here, the same one) must be followed.",
			Rationale:   "Redirect checks must not break redirects the allowlist permits.",
			Run:         reachAllowed("http://allowed.test/redirect-host/allowed.test?status=302&path=/status/200")},
		Row{ID: "ALLOW-059", Title: "Host header in init cannot move the request",
			Requirement: "A fetch of an allowed URL with a Host: evil.test header set through fetch's init must reach allowed.test with Host allowed.test, or be rejected; evil.test must never be reached.",
			Profile:     ProfileStrict,
			Source:      srcStrictHost,
			Fixture:     fixtureFetchInput,
			Run:         hostHeaderCannotMove("fetch's init")},
		Row{ID: "ALLOW-060", Title: "Host header in a Request cannot move the request",
			Requirement: "A fetch of an allowed URL with a Host: evil.test header set through a Request must reach allowed.test with Host allowed.test, or be rejected; evil.test must never be reached.",
			Profile:     ProfileStrict,
			Source:      srcStrictHost,
			Fixture:     fixtureFetchInput,
			Run:         hostHeaderCannotMove("a Request")},
	)
}

// reachAllowed is the Run of a spec whose URL names allowed.test in some spelling: the fetch
// must complete, and reach allowed.test.
func reachAllowed(url string) func(t *T) {
	return func(t *T) {
		vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
		Expect(vat.Run(fixtureFetchURL, map[string]any{"url": url})).To(Returned())
		t.AwaitObservation("a request on "+HostAllowed, ReadyWithin, func(o Observation) bool { return o.Host == HostAllowed })
	}
}

// hostHeaderCannotMove is the Run of a spec that sets Host: evil.test on an allowed fetch
// through kind ("fetch's init" or "a Request"): evil.test must never be reached, and what
// reaches allowed.test must carry Host allowed.test.
func hostHeaderCannotMove(kind string) func(t *T) {
	return func(t *T) {
		vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
		params := map[string]any{"kind": "string", "url": t.URL(HostAllowed, "/anything"), "init": map[string]any{"headers": map[string]string{"Host": HostEvil}}}
		if kind == "a Request" {
			params = map[string]any{"kind": "request-with-init", "url": t.URL(HostAllowed, "/anything"), "init": map[string]any{"headers": map[string]string{"Host": HostEvil}}}
		}
		res := vat.Run(fixtureFetchInput, params)
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
}
