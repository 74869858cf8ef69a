// Package suite holds the conformance specs and runs them with Ginkgo against any
// implementation the harness drives.
//
// Every spec is a value of type Spec: a Requirement (stable ID, title, one-sentence
// requirement, profile, area, source, fixture) plus the body that checks it. The list of
// specs is static data; Requirements returns it without running anything, which is what
// `conform list` and REQUIREMENTS.md are generated from. Run registers the selected specs
// with Ginkgo (one Describe per area, one It per spec, labelled with profile, area and ID),
// runs them once and returns a reports.Run.
//
// A spec body receives a *T: it creates vats on the implementation under test, runs
// fixtures in them, and asserts on what the vat returned and on what mocknet observed.
// After every spec, T tears down the vats it created and asserts that nothing escaped the
// mock network.
//
// Most areas are tables of one shape: semantic specs (fetch, Headers, Request, Response,
// abort) run one named case of the area's cases fixture and compare its JSON with the
// standard's answer (caseSpecs); the allowlist bypass corpus is a table of attempts
// (bypassCorpus), each asserting that only allowed.test was ever contacted; teardown specs
// start a program, wait until mocknet sees its request, terminate the vat and require every
// connection closed within CloseDeadline (teardownCase).
//
// The self-test (selftest_test.go) runs the suite through the conform binary against the
// reference in process and over stdio, and against every broken variant in
// reference/mutants; a variant no spec catches is a missing spec.
package suite
