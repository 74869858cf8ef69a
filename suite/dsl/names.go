package dsl

import (
	. "github.com/onsi/gomega" //nolint:revive
)

// DeniedNames is the run of a spec about the names a vat may have looked up: in a vat allowed
// only allowed.test, after the positive control (its fetch reaches allowed.test, and mocknet's
// DNS sees that name asked for where the implementation resolves through it; the spec's
// note says so where it does not), each fetch of URLs must reject, and mocknet's DNS must be
// asked for no name but allowed.test.
type DeniedNames struct{ URLs []string }

// Run runs the spec.
func (d DeniedNames) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.ExpectCanReach(vat, HostAllowed)
	t.ObserveLookup(HostAllowed)
	var got []struct{ URL, Error string }
	vat.Run("config/fetch-status", map[string]any{"urls": d.URLs}).Decode(&got)
	vat.Terminate()
	Expect(t.Lookups().Except(HostAllowed)).To(BeEmpty(), "no name but %s may be looked up (the fetches gave %+v); what mocknet's DNS was asked", HostAllowed, got)
	for _, r := range got {
		Expect(r.Error).NotTo(BeEmpty(), "fetch(%q) must reject in a vat allowed only %s", r.URL, HostAllowed)
	}
}
