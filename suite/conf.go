package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcVatConfig = "ocap-kernel: VatConfig.globals and VatConfig.network.allowedHosts (fetch requires allowedHosts)"

func configSpecs() []Spec {
	empty := Allowlist{Entries: []string{}, Deny: FetchHosts(HostAllowed, HostEvil)}
	several := Allowlist{Entries: []string{HostAllowed, HostOther}, Reach: FetchHosts(HostAllowed, HostOther), Deny: FetchHosts(HostEvil)}
	return Defaults{Area: AreaConfig, Profile: ProfileCore, Since: "0.1.0", Source: srcVatConfig}.Specs(
		Row{ID: "CONF-001", Title: "fetch without allowedHosts is refused",
			Requirement: "Creating a vat that asks for fetch without a network.allowedHosts list must fail.",
			Rationale:   "A fetch with no allowlist would be unattenuated network access; the kernel must refuse the configuration rather than guess.",
			Run: func(t *T) {
				_, err := t.CreateVat(VatConfig{NoNetwork: true})
				ExpectConfigDenied(err, "when fetch is requested without network.allowedHosts")
			}},
		Row{ID: "CONF-002", Title: "empty allowedHosts denies every host",
			Requirement: empty.Requirement("an empty list admits no host at all"),
			Rationale:   "An empty list is a valid, deliberate configuration: the vat may build requests but not send them.",
			Fixture:     FixtureFetchStatus,
			Run:         empty.Run},
		Row{ID: "CONF-003", Title: "unknown global is refused",
			Requirement: "Creating a vat that asks for a global the implementation does not provide must fail.",
			Rationale:   "Silently omitting a requested endowment turns a configuration mistake into a runtime failure far from its cause.",
			Run: func(t *T) {
				_, err := t.CreateVat(VatConfig{Globals: []string{"fetch", "NotAGlobal"}, AllowedHosts: []string{HostAllowed}})
				ExpectConfigDenied(err, "when an unknown global is requested")
			}},
		Row{ID: "CONF-004", Title: "constructors without fetch need no allowlist",
			Requirement: "A vat that asks for Headers, Request and Response but not fetch must be created without network.allowedHosts.",
			Rationale:   "Only fetch reaches the network; building and parsing requests and responses is pure computation.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: []string{"Headers", "Request", "Response"}, NoNetwork: true})
				Expect(vat.Eval(`return new Headers({a: '1'}).get('a');`)).To(ReturnedJSON("1"))
			}},
		Row{ID: "CONF-005", Title: "every listed host is reachable",
			Requirement: several.Requirement("the allowlist is every host it lists, and no other"),
			Rationale:   "The allowlist is a set; an implementation that honours only the first entry breaks legitimate programs.",
			Fixture:     FixtureFetchStatus,
			Run:         several.Run},
		Row{ID: "CONF-006", Title: "allowedHosts without fetch is harmless",
			Requirement: "A vat that gives network.allowedHosts but asks only for Headers must be created, and must not see fetch.",
			Rationale:   "Configurations are written once and trimmed later; a network section must never grant fetch by itself.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: []string{"Headers"}, AllowedHosts: []string{HostAllowed}})
				Expect(vat.Eval(`return typeof fetch;`)).To(ReturnedJSON("undefined"))
			}},
		Row{ID: "CONF-007", Title: "vats are configured independently",
			Requirement: "Two vats with different allowedHosts must each reach only their own hosts.",
			Rationale:   "A kernel runs many vats; one vat's configuration must never widen or narrow another's.",
			Fixture:     FixtureFetchStatus,
			Run: func(t *T) {
				// Both vats exist before either fetches: creating B must not change A's allowlist.
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostOther}})
				ga := a.FetchEach(t.URL(HostAllowed, "/status/200"), t.URL(HostOther, "/status/200"))
				gb := b.FetchEach(t.URL(HostAllowed, "/status/200"), t.URL(HostOther, "/status/200"))
				Expect(ga[0].Status).To(Equal(200), "vat A to its own host: %+v", ga[0])
				Expect(ga[1].Error).NotTo(BeEmpty(), "vat A must not reach vat B's host: %+v", ga[1])
				Expect(gb[0].Error).NotTo(BeEmpty(), "vat B must not reach vat A's host: %+v", gb[0])
				Expect(gb[1].Status).To(Equal(200), "vat B to its own host: %+v", gb[1])
				Expect(t.ObservationsOf(HostAllowed)).To(HaveLen(1), "only vat A may reach %s", HostAllowed)
				Expect(t.ObservationsOf(HostOther)).To(HaveLen(1), "only vat B may reach %s", HostOther)
			}},
	)
}
