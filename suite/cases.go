package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// The cases fixtures: one program per area that runs a named case and returns JSON.
const (
	fixtureFetchCases    = "fetch/cases"
	fixtureHeadersCases  = "headers/cases"
	fixtureRequestCases  = "request/cases"
	fixtureResponseCases = "response/cases"
	fixtureAbortCases    = "abort/cases"
)

// abortGlobals are the globals a vat asks for to abort requests, as web platforms offer them.
func abortGlobals() []string { return []string{"AbortController", "AbortSignal", "DOMException"} }

// semanticCase is the body of a spec that runs one named case of an area's cases fixture and
// compares what it returned with what the standard says.
type semanticCase struct {
	// name selects the case in the fixture.
	name string
	// globals endowed; nil means NetworkGlobals().
	globals []string
	// params are added to {case, base}.
	params map[string]any
	// want is the JSON the case must return, unless check is set.
	want  any
	check func(t *T, res Result)
	// setup runs before the vat is created, e.g. to add a route.
	setup func(t *T)
}

// runCase is the Run of a semantic spec: a vat that may fetch from allowed.test only runs
// the case, and its result is compared with want (or handed to check).
func runCase(fixture string, c semanticCase) func(t *T) {
	return func(t *T) {
		if c.setup != nil {
			c.setup(t)
		}
		vat := t.NewVat(VatConfig{Globals: c.globals, AllowedHosts: []string{HostAllowed}})
		params := map[string]any{"case": c.name, "base": "http://" + HostAllowed}
		for k, v := range c.params {
			params[k] = v
		}
		res := vat.Run(fixture, params)
		if c.check != nil {
			c.check(t, res)
			return
		}
		Expect(res).To(ReturnedJSON(c.want))
	}
}
