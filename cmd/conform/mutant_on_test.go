//go:build conformfaults

package main

import (
	"strings"
	"testing"
)

// needsBrokenVariants lets a test that runs --mutant run: this build has the variants.
func needsBrokenVariants(*testing.T) {}

func TestUnknownMutantIsAUsageErrorNamingTheKnownOnes(t *testing.T) {
	r := conform(t, "run", "--mutant", "no-such-bug")
	if r.code != exitUsage || !strings.Contains(r.stderr, "no-allowlist") {
		t.Errorf("--mutant no-such-bug: exit %d, want %d with the known variants named; stderr:\n%s", r.code, exitUsage, r.stderr)
	}
}
