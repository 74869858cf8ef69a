//go:build conformfaults

package mutants

import (
	"fmt"
	"sort"

	"github.com/conform-suite/conform/reference"
	"github.com/conform-suite/conform/reference/internal/endowment"
)

// Factory creates one endowment per vat. Variants whose bug spans vats keep that state in
// the factory, so each run of the suite starts from a fresh factory.
type Factory func(opts reference.Options) (reference.VatEndowment, error)

// variants maps each name to the bug it plants, as a function of fresh shared state.
func variants() map[string]func() endowment.Faults {
	return map[string]func() endowment.Faults{
		"no-allowlist":                func() endowment.Faults { return endowment.Faults{NoAllowlist: true} },
		"redirects-unchecked":         func() endowment.Faults { return endowment.Faults{RedirectsUnchecked: true} },
		"input-stringified-twice":     func() endowment.Faults { return endowment.Faults{StringifyTwice: true} },
		"teardown-leaves-bodies-open": func() endowment.Faults { return endowment.Faults{TeardownLeavesBodies: true} },
		"teardown-leaves-clones-open": func() endowment.Faults { return endowment.Faults{TeardownLeavesClones: true} },
		"late-settlements":            func() endowment.Faults { return endowment.Faults{LateSettlements: true} },
		"notify-missing":              func() endowment.Faults { return endowment.Faults{NoNotify: true} },
		"teardown-breaks-reuse":       func() endowment.Faults { return endowment.Faults{TeardownBreaksReuse: &endowment.Shared{}} },
		"state-shared-between-vats":   func() endowment.Faults { return endowment.Faults{StateSharedBetweenVats: &endowment.Shared{}} },
		"globals-not-frozen":          func() endowment.Faults { return endowment.Faults{UnfrozenGlobals: true} },
		"harden-reaches-intrinsics":   func() endowment.Faults { return endowment.Faults{HardenReachesIntrinsics: true} },
		"credentials-follow-redirects": func() endowment.Faults {
			return endowment.Faults{CredentialsFollowRedirects: true}
		},
		"redirect-limit-off-by-one": func() endowment.Faults { return endowment.Faults{RedirectLimitOffByOne: true} },
		"certificates-unverified": func() endowment.Faults {
			return endowment.Faults{SkipsCertificateVerification: true}
		},
		"https-refused": func() endowment.Faults { return endowment.Faults{RefusesHTTPS: true} },
		// Hangs rather than answers wrongly: the run must end all the same, its specs
		// reported as errors (exit 3), not as conformance failures.
		"body-read-deadlocks": func() endowment.Faults { return endowment.Faults{BodyReadLeavesLocked: true} },
	}
}

// Names lists the variants, sorted.
func Names() []string {
	var names []string
	for name := range variants() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// New returns a fresh factory of the named variant.
func New(name string) (Factory, error) {
	mk, ok := variants()[name]
	if !ok {
		return nil, fmt.Errorf("unknown broken variant %q: known variants are %v", name, Names())
	}
	faults := mk()
	return func(opts reference.Options) (reference.VatEndowment, error) {
		return reference.NewWithFaults(opts, faults)
	}, nil
}
