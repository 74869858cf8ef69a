package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive
)

const srcAllowlist = "ocap-kernel: VatConfig.network.allowedHosts (exact match on URL hostname; ports and schemes ignored)"

func allowlistSpecs() []Spec {
	specs := []Spec{
		{
			Requirement: Requirement{
				ID: "ALLOW-001", Title: "allowed host is reachable",
				Requirement: "fetch of a URL whose hostname is in allowedHosts must reach that host and resolve with its response.",
				Profile:     ProfileCore, Area: AreaAllowlist, Source: srcAllowlist,
				Rationale: "The allowlist attenuates fetch; it must not break it for the hosts it permits.",
				Fixture:   "allowlist/fetch-url",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(HostAllowed, "/status/200")})
				Expect(res).To(Returned())
				t.AwaitObservation("a GET /status/200 on "+HostAllowed, CloseDeadline, func(o mocknetObservation) bool {
					return o.Host == HostAllowed && o.Path == "/status/200"
				})
			},
		},
		{
			Requirement: Requirement{
				ID: "ALLOW-002", Title: "denied host is never contacted",
				Requirement: "fetch of a URL whose hostname is not in allowedHosts must reject, and no request may reach that host or any other.",
				Profile:     ProfileCore, Area: AreaAllowlist, Source: srcAllowlist,
				Rationale: "The allowlist is the vat's only network boundary: a denied fetch that still reaches the host leaks data even if the vat never sees the answer.",
				Fixture:   "allowlist/fetch-url",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(HostEvil, "/anything")})
				Expect(res).To(Threw(""))
				vat.Terminate()
				Expect(t.Observations()).To(BeEmpty(), "no request may reach the network for a denied host; what mocknet saw")
			},
		},
	}
	for _, a := range bypassCorpus() {
		specs = append(specs, bypassSpec(a))
	}
	return append(specs, allowedFormsSpecs()...)
}

// allowedFormsSpecs check that the allowlist lets through what it should, and that a Host
// header cannot change where an allowed request lands.
func allowedFormsSpecs() []Spec {
	reach := func(id, title, requirement, rationale, url string) Spec {
		return Spec{
			Requirement: Requirement{ID: id, Title: title, Requirement: requirement, Profile: ProfileCore,
				Area: AreaAllowlist, Source: srcAllowlist, Rationale: rationale, Fixture: "allowlist/fetch-url"},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(vat.Run("allowlist/fetch-url", map[string]any{"url": url})).To(Returned())
				t.AwaitObservation("a request on "+HostAllowed, CloseDeadline, func(o mocknetObservation) bool { return o.Host == HostAllowed })
			},
		}
	}
	hostHeader := func(id, title, kind string) Spec {
		return Spec{
			Requirement: Requirement{ID: id, Title: title, Profile: ProfileStrict, Area: AreaAllowlist, Source: srcStrictHost,
				Requirement: fmt.Sprintf("A fetch of an allowed URL with a Host: evil.test header set through %s must reach allowed.test with Host allowed.test, or be rejected; evil.test must never be reached.", kind),
				Rationale:   "Behind a shared front end or proxy the Host header picks the site; a vat that sets it reaches a host the allowlist denies.",
				Fixture:     "allowlist/fetch-input"},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
				params := map[string]any{"kind": "string", "url": t.URL(HostAllowed, "/anything"), "init": map[string]any{"headers": map[string]string{"Host": HostEvil}}}
				if kind == "a Request" {
					params = map[string]any{"kind": "request-with-init", "url": t.URL(HostAllowed, "/anything"), "init": map[string]any{"headers": map[string]string{"Host": HostEvil}}}
				}
				res := vat.Run("allowlist/fetch-input", params)
				vat.Terminate()
				t.ExpectNoContact(HostEvil)
				if res.Error != nil {
					return
				}
				for _, o := range t.ObservationsOf(HostAllowed) {
					host, _, _ := strings.Cut(o.HostHeader, ":")
					Expect(host).To(Equal(HostAllowed), "the request reached %s carrying Host %q; mocknet saw:\n%s", HostAllowed, o.HostHeader, describeObservation(o))
				}
			},
		}
	}
	return []Spec{
		reach("ALLOW-056", "port of an allowed host is ignored",
			"fetch of an allowed hostname with an explicit, non-default port must be allowed: the allowlist compares hostnames only.",
			"Kernels document that ports are ignored; a vat written against that must not be refused.",
			"http://allowed.test:8080/status/200"),
		reach("ALLOW-057", "allowed host in upper case is reachable",
			"fetch of an allowed hostname written in upper case must be allowed, because the URL parser lower-cases hostnames before the check.",
			"The check is on the parsed hostname, not the text the vat wrote.",
			"http://ALLOWED.TEST/status/200"),
		reach("ALLOW-058", "redirect between allowed hosts is followed",
			"A redirect from one allowed host to another allowed host (here, the same one) must be followed.",
			"Redirect checks must not break redirects the allowlist permits.",
			"http://allowed.test/redirect-host/allowed.test?status=302&path=/status/200"),
		hostHeader("ALLOW-059", "Host header in init cannot move the request", "fetch's init"),
		hostHeader("ALLOW-060", "Host header in a Request cannot move the request", "a Request"),
	}
}
