//go:build !conformfaults

package main

import (
	"strings"
	"testing"
)

// needsBrokenVariants skips a test that runs --mutant: the default build has no variants.
func needsBrokenVariants(t *testing.T) {
	t.Helper()
	t.Skip("runs a broken variant of the reference, which exists only with -tags conformfaults")
}

func TestMutantSaysWhichBuildHasTheVariants(t *testing.T) {
	r := conform(t, "run", "--mutant", "no-allowlist")
	if r.code != exitUsage || !strings.Contains(r.stderr, "-tags conformfaults") {
		t.Errorf("--mutant in the default build: exit %d, want %d with the build to use named; stderr:\n%s", r.code, exitUsage, r.stderr)
	}
}
