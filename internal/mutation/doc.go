// Command mutation measures how much of the reference endowment the project's tests pin
// down: it plants one small bug at a time (a mutant) in the reference's Go and JavaScript
// sources, rebuilds the conform binary and the reference's unit tests with the bug in, and
// counts the mutants that some test notices.
//
//	go run ./internal/mutation --count 300 --seed 1 -p 2
//
// It reports two scores over the same mutants. The suite-alone score counts a mutant killed
// only when `conform run` against the mutated reference fails a spec (or hangs): that is the
// conformance claim, the share of these bugs that any implementation having them would be
// caught with, and the score the README quotes. The score with the unit tests also counts the
// mutants that only `go test` of the reference's packages notices: it measures how well the
// reference is tested, not what the gate can tell. The suite runs first, so every kill is
// attributed to the suite when the suite sees it; --suite-only skips the unit tests (faster,
// and the second score is then not measured), and --focus narrows the suite to some specs, to
// see which spec kills a mutant.
//
// Mutants never touch the working tree: each one is written to a temporary file that
// `go build -overlay` and `go test -overlay` read in place of the original. go:embed honours
// the overlay too, so the embedded Web API JavaScript is mutated the same way as Go code.
//
// The operators are deliberately few (see mutant.go, goops.go and jsops.go): swapped comparison and logical
// operators, negated if conditions, deleted call statements, flipped booleans, small integer
// literals moved by one and removed return values. Go files are mutated from their go/ast,
// JavaScript from a lexer that skips strings, template literals, regular expressions and
// comments, and every JavaScript mutant is parsed by goja before it is built so a syntax
// error is reported as "did not build" rather than as a kill.
//
// Mutants triaged as equivalent are listed in reference/mutation-equivalents.txt, keyed by
// file, a hash of the mutated line's text, operator and ordinal, so entries survive edits
// that move lines; they are left out of both scores, and an entry that matches no mutant any
// more is reported as stale. Equivalence is judged against the suite alone: a mutant is
// equivalent when nothing a vat or the protocol can observe changes. A mutant that changes
// something a vat can observe is not equivalent because the unit tests catch it; until a spec
// kills it, it is a survivor of the suite.
//
// The mutants are of the reference as its users build it: the tool builds and tests without
// build tags, and leaves out the Go files the default build leaves out, such as the broken
// variants of the suite's self-test and their fault switches (behind -tags conformfaults).
// The switches' default-build counterparts, constants in faults_off.go, are mutated like any
// other code: turning one on is a bug the suite must notice.
//
// This is a developer and scheduled-CI tool (.github/workflows/mutation.yml): a full run takes
// tens of minutes, so per-commit CI does not run it.
package main
