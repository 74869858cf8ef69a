//go:build conformfaults

// Package mutants builds deliberately broken variants of the reference endowment, each with
// one realistic bug (no allowlist, unchecked redirects, input stringified twice, bodies or
// clones left open by teardown, late settlements, notify missing, teardown that breaks
// later vats, state shared between vats, globals not frozen, a harden walk that freezes the
// realm's intrinsics, Authorization sent on to another origin, a redirect limit of 21, TLS
// certificates accepted unverified, https: refused by the scheme check), and one that hangs
// instead of answering (body-read-deadlocks: a streamed body read leaves a mutex locked, so
// calls into the implementation never return; the run must report them as errors). The
// suite's self-test runs every spec against each; a variant that passes every spec means a
// spec is missing.
// Nothing outside the self-test should use them.
//
// The package, reference.NewWithFaults and the fault switches behind them exist only in a
// build with -tags conformfaults: the self-test (go test -tags conformfaults ./suite) and
// conform run --mutant in a binary built with the tag. The default build of the reference,
// what its users get, has no deliberate bug to switch on.
package mutants
