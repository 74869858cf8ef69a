//go:build !conformfaults

package main

import "github.com/conform-suite/conform/suite/runner"

// mutantTarget refuses every name: the broken variants of the reference are not in the
// default build, so that the reference a user builds carries no deliberate bug and no switch
// for one (see mutant_on.go).
func mutantTarget(string) (runner.Target, error) {
	return runner.Target{}, usagef("--mutant: the broken variants of the reference exist only in a build with -tags conformfaults (go run -tags conformfaults ./cmd/conform run --mutant NAME)")
}
