// Package runner executes the catalogue's specs with Ginkgo against an implementation and
// turns the outcome into a reports.Run.
//
// Two steps, one direction: Select turns a Selection (profiles, label filter, spec IDs,
// shard) into a Plan, validating the catalogue on the way; Run executes a Plan against a
// Target, the way to start the implementation under test (the CLI builds targets; this
// package never names a concrete implementation).
//
// Run owns the mock network and the implementation's lifecycle: it starts the
// implementation, gives each spec a fresh dsl.T on a dsl.Session, terminates the vats a
// spec left behind, fails a spec that let anything escape the mock network, and restarts
// the implementation after a fault so the next spec starts healthy. Each spec is one Ginkgo
// It inside a container of its own whose ReportAfterEach files the spec's report under the
// ID captured when the It was built. Specs that tamper with the endowment run last, on an
// implementation restarted after the other specs and after any tampering spec that failed,
// so that neither earlier specs nor other tampering decide their status.
//
// Ginkgo allows one RunSpecs per process, so Run may be called once per process.
package runner
