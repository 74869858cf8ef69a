// Command mutation measures how much of the reference endowment the project's tests pin
// down: it plants one small bug at a time (a mutant) in the reference's Go and JavaScript
// sources, rebuilds the conform binary and the reference's unit tests with the bug in, and
// counts the mutants that some test notices.
//
//	go run ./internal/mutation --count 300 -p 2
//
// Mutants never touch the working tree: each one is written to a temporary file that
// `go build -overlay` and `go test -overlay` read in place of the original. go:embed honours
// the overlay too, so the embedded Web API JavaScript is mutated the same way as Go code.
//
// The operators are deliberately few (see operators.go): swapped comparison and logical
// operators, negated if conditions, deleted call statements, flipped booleans, small integer
// literals moved by one and removed return values. Go files are mutated from their go/ast,
// JavaScript from a lexer that skips strings, template literals, regular expressions and
// comments, and every JavaScript mutant is parsed by goja before it is built so a syntax
// error is reported as "did not build" rather than as a kill.
//
// Mutants triaged as equivalent (no test could tell them from the original) are listed in
// reference/mutation-equivalents.txt, keyed by file, a hash of the mutated line's text,
// operator and ordinal, so entries survive edits that move lines; they are left out of the
// score, and an entry that matches no mutant any more is reported as stale.
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
