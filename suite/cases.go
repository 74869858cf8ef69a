package suite

import (
	"strings"

	. "github.com/onsi/gomega" //nolint:revive
)

// semanticCase is a spec that runs one named case of an area's cases fixture and compares
// what it returned with what the standard says.
type semanticCase struct {
	id, title, requirement, profile, source, rationale string
	// name selects the case in the fixture.
	name string
	// globals endowed; nil means NetworkGlobals.
	globals []string
	// params are added to {case, base}.
	params map[string]any
	// want is the JSON the case must return, unless check is set.
	want  any
	check func(t *T, res Result)
	// setup runs before the vat is created, e.g. to add a route.
	setup func(t *T)
}

// caseSpecs turns an area's cases into specs. Each vat may fetch from allowed.test only.
func caseSpecs(area, fixture string, cases []semanticCase) []Spec {
	specs := make([]Spec, 0, len(cases))
	for _, c := range cases {
		specs = append(specs, Spec{
			Requirement: Requirement{ID: c.id, Title: c.title, Requirement: c.requirement, Profile: c.profile,
				Area: area, Source: c.source, Rationale: c.rationale, Fixture: fixture},
			Run: func(t *T) {
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
			},
		})
	}
	return specs
}

// pathOnly drops the query of a request path, as mocknet records paths without it.
func pathOnly(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}
