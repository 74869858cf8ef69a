package runner

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose

	"github.com/conform-suite/conform/suite"
)

// A spec declares the globals its vats need (and the protocol features it uses, such as
// protocol 1.1's teardownVat). An implementation offers a set (initialize's
// globals), which a run may narrow further (Options.Grant) to see what a kernel with a
// narrower grant gets. A spec needing a global outside the offered set is not applicable:
// it is not run, and its report says which globals it needed. Applicability is decided
// from declarations alone, before the spec runs, so it can never hide a failure.

// notApplicablePrefix opens the skip message of a spec that is not applicable; results
// recognise it by the needs recorded with it.
const notApplicablePrefix = "not applicable: needs "

// offered is what the run offers vats: the implementation's globals, narrowed by the grant.
func (s *session) offered() []string {
	if s.opts.Grant == nil {
		return s.info.Globals
	}
	var out []string
	for _, g := range s.info.Globals {
		if slices.Contains(s.opts.Grant, g) {
			out = append(out, g)
		}
	}
	return out
}

// missingGlobals are the globals spec needs that offered lacks, in the spec's order.
func missingGlobals(spec suite.Spec, offered []string) []string {
	var missing []string
	for _, g := range spec.Globals {
		if !slices.Contains(offered, g) {
			missing = append(missing, g)
		}
	}
	return missing
}

// missingFeatures are the protocol features spec needs that the implementation lacks.
func missingFeatures(spec suite.Spec, features []string) []string {
	var missing []string
	for _, f := range spec.Features {
		if !slices.Contains(features, f) {
			missing = append(missing, f)
		}
	}
	return missing
}

// skipIfNotApplicable records spec as not applicable and skips it when the run does not offer
// every global and protocol feature it needs.
func (s *session) skipIfNotApplicable(spec suite.Spec) {
	s.mu.Lock()
	missing := append(missingGlobals(spec, s.offered()), missingFeatures(spec, s.info.Features)...)
	if len(missing) > 0 {
		s.needs[spec.ID] = missing
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		Skip(notApplicablePrefix + strings.Join(missing, ", ") + ", which this implementation does not offer")
	}
}
