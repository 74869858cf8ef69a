package suite

import (
	"errors"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcVatConfig = "ocap-kernel: VatConfig.globals and VatConfig.network.allowedHosts (fetch requires allowedHosts)"

func configSpecs() []Spec {
	expectRefused := func(err error, why string) {
		var rpcErr *harness.RPCError
		Expect(errors.As(err, &rpcErr)).To(BeTrue(), "createVat must be refused %s, got %v", why, err)
		Expect(rpcErr.Code).To(Equal(harness.CodeVatConfigDenied), "a refused vat configuration answers with code %d (PROTOCOL.md)", harness.CodeVatConfigDenied)
	}
	fetchStatus := func(t *T, vat *Vat, urls ...string) []struct {
		URL, Error, Message string
		Status              int
	} {
		var got []struct {
			URL, Error, Message string
			Status              int
		}
		vat.Run("config/fetch-status", map[string]any{"urls": urls}).Decode(&got)
		return got
	}
	return Defaults{Area: AreaConfig, Profile: ProfileCore, Since: "0.1.0", Source: srcVatConfig, Fixture: "config/fetch-status"}.Specs(
		Row{ID: "CONF-001", Title: "fetch without allowedHosts is refused",
			Requirement: "Creating a vat that asks for fetch without a network.allowedHosts list must fail.",
			Rationale:   "A fetch with no allowlist would be unattenuated network access; the kernel must refuse the configuration rather than guess.",
			Run: func(t *T) {
				_, err := t.CreateVat(VatConfig{NoNetwork: true})
				expectRefused(err, "when fetch is requested without network.allowedHosts")
			}},
		Row{ID: "CONF-002", Title: "empty allowedHosts denies every host",
			Requirement: "A vat created with allowedHosts [] must have every fetch rejected, and no request may reach any host.",
			Rationale:   "An empty list is a valid, deliberate configuration: the vat may build requests but not send them.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{}})
				got := fetchStatus(t, vat, t.URL(HostAllowed, "/status/200"), t.URL(HostEvil, "/status/200"))
				for _, r := range got {
					Expect(r.Error).NotTo(BeEmpty(), "fetch(%s) must reject with an empty allowlist, got status %d", r.URL, r.Status)
				}
				vat.Terminate()
				Expect(t.Observations()).To(BeEmpty(), "no request may reach the network; what mocknet saw")
			}},
		Row{ID: "CONF-003", Title: "unknown global is refused",
			Requirement: "Creating a vat that asks for a global the implementation does not provide must fail.",
			Rationale:   "Silently omitting a requested endowment turns a configuration mistake into a runtime failure far from its cause.",
			Run: func(t *T) {
				_, err := t.CreateVat(VatConfig{Globals: []string{"fetch", "NotAGlobal"}, AllowedHosts: []string{HostAllowed}})
				expectRefused(err, "when an unknown global is requested")
			}},
		Row{ID: "CONF-004", Title: "constructors without fetch need no allowlist",
			Requirement: "A vat that asks for Headers, Request and Response but not fetch must be created without network.allowedHosts.",
			Rationale:   "Only fetch reaches the network; building and parsing requests and responses is pure computation.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: []string{"Headers", "Request", "Response"}, NoNetwork: true})
				Expect(vat.Eval(`return new Headers({a: '1'}).get('a');`)).To(ReturnedJSON("1"))
			}},
		Row{ID: "CONF-005", Title: "every listed host is reachable",
			Requirement: "A vat whose allowedHosts lists several hosts must reach each of them and no other.",
			Rationale:   "The allowlist is a set; an implementation that honours only the first entry breaks legitimate programs.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, HostOther}})
				got := fetchStatus(t, vat, t.URL(HostAllowed, "/status/200"), t.URL(HostOther, "/status/200"), t.URL(HostEvil, "/status/200"))
				Expect(got).To(HaveLen(3))
				Expect(got[0].Status).To(Equal(200), "fetch(%s): %+v", got[0].URL, got[0])
				Expect(got[1].Status).To(Equal(200), "fetch(%s): %+v", got[1].URL, got[1])
				Expect(got[2].Error).NotTo(BeEmpty(), "fetch(%s) must reject", got[2].URL)
				vat.Terminate()
				Expect(t.ObservationsOf(HostAllowed)).To(HaveLen(1))
				Expect(t.ObservationsOf(HostOther)).To(HaveLen(1))
				t.ExpectNoContact(HostEvil)
			}},
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
			Run: func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostOther}})
				ga := fetchStatus(t, a, t.URL(HostAllowed, "/status/200"), t.URL(HostOther, "/status/200"))
				gb := fetchStatus(t, b, t.URL(HostAllowed, "/status/200"), t.URL(HostOther, "/status/200"))
				Expect(ga[0].Status).To(Equal(200), "vat A to its own host: %+v", ga[0])
				Expect(ga[1].Error).NotTo(BeEmpty(), "vat A must not reach vat B's host: %+v", ga[1])
				Expect(gb[0].Error).NotTo(BeEmpty(), "vat B must not reach vat A's host: %+v", gb[0])
				Expect(gb[1].Status).To(Equal(200), "vat B to its own host: %+v", gb[1])
				Expect(t.ObservationsOf(HostAllowed)).To(HaveLen(1), "only vat A may reach %s", HostAllowed)
				Expect(t.ObservationsOf(HostOther)).To(HaveLen(1), "only vat B may reach %s", HostOther)
			}},
	)
}
