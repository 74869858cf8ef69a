package dsl

import (
	"encoding/json"
	"strconv"

	. "github.com/onsi/gomega" //nolint:revive
)

// FixtureFetchInput builds a fetch input of a given kind (string, URL, Request, …) and fetches
// it; see fixtures/allowlist/fetch-input.js.
const FixtureFetchInput = "allowlist/fetch-input"

// Attempt is one way a vat might try to reach a host its allowlist denies. Every attempt is
// made with allowedHosts [allowed.test], in a vat given the globals the spec declares: fetch,
// Request, Headers and Response, and URL only for the kinds that build a URL object.
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

// Fetch is the call the attempt makes, as JavaScript, e.g. fetch(new URL("http://evil.test/")):
// a requirement sentence made from it names exactly the input the run fetches. Kinds whose
// input is not one expression of URL (those with a decoy) are named by their kind.
func (a Attempt) Fetch() string {
	u := strconv.Quote(a.URL)
	input := a.Kind + " input of " + u
	switch a.Kind {
	case "string":
		input = u
	case "url":
		input = "new URL(" + u + ")"
	case "request":
		input = "new Request(" + u + ")"
	case "request-twice":
		input = "new Request(new Request(" + u + "))"
	case "object":
		input = "{toString() { return " + u + " }}"
	case "primitive":
		input = "{[Symbol.toPrimitive]() { return " + u + " }}"
	}
	if a.Init != nil {
		init, _ := json.Marshal(a.Init)
		input += ", " + string(init)
	}
	return "fetch(" + input + ")"
}

// Run makes the attempt: after the positive control (the vat reaches allowed.test), the
// fetch must be denied (unless the attempt may resolve), and no host but allowed.test may
// ever be contacted.
func (a Attempt) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
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
