// Package suite is the conformance catalogue: every spec's requirement and the body that
// checks it. It is what an adapter author reads to learn what an implementation must do.
//
// A spec is a value of type Spec, declared one way in every area: a keyed literal whose
// Requirement carries a stable ID (AREA-NNN, never reused), title, one-sentence requirement
// ("must"), rationale, profile, area, source, fixture and Since (the catalogue version that
// introduced the ID), and whose Run checks it with the spec DSL (package suite/dsl).
// Validate rejects a spec whose fields are empty or malformed, and the catalogue's tests run
// it on every spec.
//
// The catalogue is static data: All and Requirements return it without running anything.
// REQUIREMENTS.md (for people) and requirements.json (for tools; diff it to see what a new
// version requires) are generated from it, and a test fails when either is stale
// (`go test ./suite -run Markdown -update` regenerates both).
//
// One file per area (availability.go, config.go, allowlist*.go, fetch.go, headers.go,
// request.go, response.go, abort.go, notify.go, teardown.go, isolation.go), and files for
// families of specs that vary one thing across an area: allowlist_entries.go (the entries of
// allowedHosts, area config), input_identity.go (inputs whose URL differs between reads, area
// allowlist) and returned_objects.go (tampering through what the endowment returned, area
// isolation). Bodies that many
// specs share are small named functions beside their table: runCase (one named case of an
// area's cases fixture compared with the standard's answer), bypass (an attempt to reach a
// denied host), teardownCase.run (start, wait until mocknet sees it, terminate, require every
// connection closed and no settlement).
//
// Running specs is the runner's job (package suite/runner); this package never starts an
// implementation. The self-test (selftest_test.go) runs the conform binary against the
// reference in process and over stdio, and against every broken variant in
// reference/mutants; a variant no spec catches is a missing spec. The variants exist only
// in a build with -tags conformfaults, so the self-test runs with it:
// go test -tags conformfaults ./suite.
package suite
