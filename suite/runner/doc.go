// Package runner executes the catalogue's specs with Ginkgo against an implementation and
// turns the outcome into a reports.Run.
//
// Two steps, one direction: Select turns a Selection (profiles, label filter, spec IDs,
// shard) into a Plan, validating the catalogue on the way; Run executes a Plan against a
// Target, the way to start the implementation under test (the CLI builds targets; this
// package never names a concrete implementation).
//
// Order is the one policy for spreading specs: by their Costs (an earlier report's
// durations), most costly first, the tampering specs before the others and the serial ones
// after. Select deals a shard's specs in that order, each to the least-loaded shard;
// package parallel hands them in that order to worker processes that pull them one at a
// time (Options.Queue).
//
// Run owns the mock network and the implementation's lifecycle: it starts the
// implementation, gives each spec a fresh dsl.T on a dsl.Session, terminates the vats a
// spec left behind, fails a spec that let anything escape the mock network, and restarts
// the implementation after a fault so the next spec starts healthy. An in-process
// implementation (a Target without an adapter) has its calls bounded by harness.Bound as an
// adapter's are: a call that hangs fails its spec as an infrastructure failure and the
// instance is replaced; a parallel run's worker then asks for no more specs (Queue.Hung),
// since only its exit frees what the stuck call holds. Each spec is one Ginkgo
// It inside a container of its own whose ReportAfterEach files the spec's report under the
// ID captured when the It was built. Specs that tamper with the endowment run on an
// implementation in which nothing but tampering specs that passed ran (restarted after
// other specs and after any tampering spec that failed), and no other spec runs on an
// implementation a tampering spec ran on, so that neither earlier specs nor other tampering
// decide a status, and tampering decides no other spec's. In one process they run last; a
// parallel run's worker runs them first, on the implementation it starts with.
//
// Ginkgo allows one RunSpecs per process, so Run may be called once per process.
package runner
