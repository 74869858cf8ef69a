package suite

import (
	. "github.com/onsi/gomega" //nolint:revive
)

const (
	srcOcapKernel = "ocap-kernel: VatConfig.network and endowment hardening"
	srcSnaps      = "MetaMask Snaps: snaps-execution-environments network endowment (network.ts)"
)

func availabilitySpecs() []Spec {
	return []Spec{
		{
			Requirement: Requirement{
				ID: "AVAIL-001", Title: "requested network globals exist",
				Requirement: "A vat created with globals fetch, Request, Headers and Response must see each of them as a function.",
				Profile:     ProfileCore, Area: AreaAvailability, Source: srcOcapKernel,
				Rationale:   "A vat's program can only use what its configuration asked for; each requested name must be there.",
				Fixture:     "availability/describe-globals",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string]struct{ Type string }
				vat.Run("availability/describe-globals", map[string]any{"names": NetworkGlobals}).Decode(&got)
				for _, name := range NetworkGlobals {
					Expect(got[name].Type).To(Equal("function"), "typeof %s in the vat", name)
				}
			},
		},
	}
}
