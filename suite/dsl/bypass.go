package dsl

import (
	. "github.com/onsi/gomega" //nolint:revive
)

// FixtureFetchInput builds a fetch input of a given kind (string, URL, Request, …) and fetches
// it; see fixtures/allowlist/fetch-input.js.
const FixtureFetchInput = "allowlist/fetch-input"

// Attempt is one way a vat might try to reach a host its allowlist denies. Every attempt is
// made with allowedHosts [allowed.test], in a vat given fetch, Request, Headers, Response and
// URL.
type Attempt struct {
	// Kind and URL build the fetch input (see fixtures/allowlist/fetch-input.js); First is
	// the decoy some kinds show before URL.
	Kind, URL, First string
	Init             map[string]any
	// MayResolve marks attempts whose WHATWG-parsed hostname is allowed.test: they may
	// resolve, but only allowed.test may be contacted. All others must reject.
	MayResolve bool
	// NothingSent also forbids contact with allowed.test: the attempt must be refused before
	// anything is sent.
	NothingSent bool
}

// Run makes the attempt: after the positive control (the vat reaches allowed.test), the
// fetch must be denied (unless the attempt may resolve), and no host but allowed.test may
// ever be contacted.
func (a Attempt) Run(t *T) {
	vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
	t.ExpectCanReach(vat, HostAllowed)
	mark := t.Mark()
	params := map[string]any{"kind": a.Kind, "url": a.URL}
	if a.First != "" {
		params["first"] = a.First
	}
	if a.Init != nil {
		params["init"] = a.Init
	}
	res := vat.Run(FixtureFetchInput, params)
	if !a.MayResolve {
		Expect(res).To(Threw(""), "the fetch must be denied")
	}
	vat.Terminate()
	var elsewhere Seen
	for _, o := range t.ObservationsAfter(mark) {
		if o.Host != HostAllowed || o.Escape {
			elsewhere = append(elsewhere, o)
		}
	}
	Expect(elsewhere).To(BeEmpty(), "only %s may ever be contacted; what mocknet saw elsewhere", HostAllowed)
	if a.NothingSent {
		Expect(t.ObservationsAfter(mark)).To(BeEmpty(), "a denied fetch must not reach any host; what mocknet saw")
	}
}
