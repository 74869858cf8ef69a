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
package suite
