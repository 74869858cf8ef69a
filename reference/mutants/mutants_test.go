//go:build conformfaults

package mutants_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reference"
	"github.com/conform-suite/conform/reference/mutants"
)

// The suite's self-test promises a broken variant for each of these bugs.
func TestEveryPromisedVariantExists(t *testing.T) {
	promised := []string{"no-allowlist", "redirects-unchecked", "input-stringified-twice",
		"teardown-leaves-bodies-open", "teardown-leaves-clones-open", "late-settlements",
		"notify-missing", "teardown-breaks-reuse", "state-shared-between-vats", "globals-not-frozen",
		"certificates-unverified", "https-refused", "body-read-deadlocks"}
	names := mutants.Names()
	if !slices.IsSorted(names) {
		t.Errorf("Names() is not sorted: %v", names)
	}
	for _, name := range promised {
		if !slices.Contains(names, name) {
			t.Errorf("no variant %q", name)
			continue
		}
		factory, err := mutants.New(name)
		if err != nil {
			t.Errorf("New(%q): %v", name, err)
			continue
		}
		if _, err := factory(reference.Options{AllowedHosts: []string{"allowed.test"}}); err != nil {
			t.Errorf("variant %q cannot create an endowment: %v", name, err)
		}
	}
}

func TestUnknownVariantNamesTheKnownOnes(t *testing.T) {
	_, err := mutants.New("no-such-bug")
	if err == nil || !strings.Contains(err.Error(), "no-allowlist") {
		t.Errorf("New(unknown) = %v; the error must list the known variants", err)
	}
}
