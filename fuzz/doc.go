// Package fuzz is `conform fuzz`: it generates random vat programs over the network
// endowment's surface, runs each in a fresh vat of every implementation given, checks
// properties that must hold for any endowment, compares the implementations' outcomes, and
// shrinks what it finds to a minimal program.
//
// The parts, one file each:
//
//   - program.go: a Program (vat configuration and steps) and how it is written out as a
//     plain JavaScript vat program;
//   - gen.go, gen_urls.go, gen_init.go, gen_ops.go: the grammar, as pgregory.net/rapid
//     generators, so that a program is a pure function of its seed and rapid can shrink it;
//   - prelude.js: what every vat evaluates first, the summariser that turns each step's value
//     into JSON that can be compared across engines;
//   - instance.go, run.go, events.go: an implementation started on a mock network of its own
//     (with the fuzz routes), running one program in a fresh vat, and recording what it did
//     (values, notify, settlements, what mocknet saw);
//   - property.go: the properties checked on each implementation alone (no contact outside
//     the allowlist, notify in pairs, nothing open or settling after teardown, no crash or
//     hang);
//   - trace.go: the normalised trace of a run and the differential comparison (the majority
//     decides who deviates when there are three or more implementations);
//   - known.go: the known-divergences file, which keeps triaged classes from failing a run;
//   - worker.go, fuzzer.go: the loop (workers, seeds, budget, corpus, statistics);
//   - shrink.go: confirmation and shrinking with rapid.Check driven outside `go test`;
//   - output.go, replay.go: findings written to --out, and `conform fuzz --replay`.
//
// A finding has a class: a short stable ID saying what went wrong and where ("allowlist/
// fetch:string", "teardown/open/body", "diff/fetch:status"). The same class found again is
// counted, not reported again; a class listed in the known-divergences file for the
// implementation concerned is not a failure. Only findings that reproduce are reported: each
// is run again, then shrunk (every candidate re-run), and the minimal program is run once
// more before it is written.
//
// This package names no concrete implementation: the CLI (cmd/conform/fuzz.go) hands it
// Targets, as the suite's runner is handed them.
package fuzz
