package suite

import (
	. "github.com/onsi/gomega" //nolint:revive
)

const srcAllowlist = "ocap-kernel: VatConfig.network.allowedHosts (exact match on URL hostname; ports and schemes ignored)"

func allowlistSpecs() []Spec {
	return []Spec{
		{
			Requirement: Requirement{
				ID: "ALLOW-001", Title: "allowed host is reachable",
				Requirement: "fetch of a URL whose hostname is in allowedHosts must reach that host and resolve with its response.",
				Profile:     ProfileCore, Area: AreaAllowlist, Source: srcAllowlist,
				Rationale:   "The allowlist attenuates fetch; it must not break it for the hosts it permits.",
				Fixture:     "allowlist/fetch-url",
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
				Rationale:   "The allowlist is the vat's only network boundary: a denied fetch that still reaches the host leaks data even if the vat never sees the answer.",
				Fixture:     "allowlist/fetch-url",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(HostEvil, "/anything")})
				Expect(res).To(Threw(""))
				vat.Terminate()
				Expect(t.Observations()).To(BeEmpty(), "no request may reach the network for a denied host; mocknet saw:\n%s", describeObservations(t.Observations()))
			},
		},
	}
}
