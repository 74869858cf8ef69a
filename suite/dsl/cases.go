package dsl

import (
	"maps"
	"slices"
	"time"

	. "github.com/onsi/gomega" //nolint:revive
)

// A cases fixture (fixtures/<area>/cases.js) holds one program per spec of an area, keyed by
// the spec's ID: params.case is the ID, params.base is http://allowed.test. Many semantic specs
// are a row whose run is one case and the JSON it must return.

// Case is the run of a spec that runs its own case of its cases fixture in a vat that may
// fetch from allowed.test, with the globals the spec declares.
type Case struct {
	// Params are added to {case, base}.
	Params map[string]any
	// Want is the JSON the case must return, unless Check is set.
	Want any
	// Check inspects the result instead of comparing it with Want.
	Check func(t *T, res Result)
	// Setup runs before the vat is created, e.g. to add a route.
	Setup func(t *T)
	// Within, when set, runs the case as a task that must settle within it: for a case whose
	// program waits on the network, so that an implementation that never settles it fails
	// the spec instead of stalling the call that runs it.
	Within time.Duration
}

// Returns is the run of a spec whose case must return want.
func Returns(want any) func(t *T) { return Case{Want: want}.Run }

// ReturnsEach is the run of a spec whose case gives an outcome for each of many inputs (URLs
// to parse, labels to look up): the case gets want's keys, sorted, as params[param] and must
// return want, an object keyed by input. Each input stays next to what it must give.
func ReturnsEach[V any](param string, want map[string]V) func(t *T) {
	return Case{Params: map[string]any{param: slices.Sorted(maps.Keys(want))}, Want: want}.Run
}

// Run runs the case keyed by the spec's ID in the spec's fixture.
func (c Case) Run(t *T) {
	if c.Setup != nil {
		c.Setup(t)
	}
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	params := map[string]any{"case": t.ID(), "base": "http://" + HostAllowed}
	for k, v := range c.Params {
		params[k] = v
	}
	var res Result
	if c.Within > 0 {
		settled := vat.Start(t.Fixture(), params).Await(c.Within)
		res = Result{Program: fixtureLabel(t.Fixture(), params), Value: settled.Value, Error: settled.Error}
	} else {
		res = vat.Run(t.Fixture(), params)
	}
	if c.Check != nil {
		c.Check(t, res)
		return
	}
	Expect(res).To(ReturnedJSON(c.Want))
}
