// Package suite is the conformance catalogue: every spec's requirement and the body that
// checks it. It is what an adapter author reads to learn what an implementation must do.
//
// A spec is a row. Each catalogue file is named after its area's ID prefix (allow_tricks.go
// holds ALLOW- specs, tear_reuse.go TEAR- specs), states what its specs share once in a
// Defaults (area, profile, since, source, rationale, fixture, globals, protocol features) and
// lists one keyed Row per spec with only what differs: a stable ID (AREA-NNN, never reused),
// a title, a one-sentence requirement ("must"), and the run that checks it with the spec DSL
// (package suite/dsl). Where the sentence names data the run uses, it is made from that data.
// A catalogue file uses the DSL and this package's machinery (requirement.go, rows.go), never
// what another catalogue file defines, so it can be read, moved or deleted alone.
//
// Every spec declares the globals its vats need and the protocol features it uses; an
// implementation that does not offer them reports the spec not applicable. Validate rejects
// a spec whose fields are empty or malformed, and the catalogue's tests run it on every spec
// and keep the declaration form (structure_test.go).
//
// The catalogue is static data: All and Requirements return it without running anything.
// REQUIREMENTS.md (for people) and requirements.json (for tools; diff it to see what a new
// version requires) are generated from it, with each spec's globals and file, and a test fails
// when either is stale (`go test ./suite -run Markdown -update` regenerates both).
//
// Running specs is the runner's job (package suite/runner); this package never starts an
// implementation. The self-test (selftest_test.go) runs the conform binary against the
// reference in process and over stdio, and against every broken variant in
// reference/mutants; a variant no spec catches is a missing spec. The variants exist only
// in a build with -tags conformfaults, so the self-test runs with it:
// go test -tags conformfaults ./suite.
package suite
