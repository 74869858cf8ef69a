// Package benchmark is `conform bench`: it measures an implementation, always as a ratio to a
// baseline measured in the same invocation. Machines are shared and noisy; the ratio is what
// can be compared between runs.
//
//   - Fetch (--workload fetch) drives the implementation directly, without specs, through the
//     mock network: in one vat, fetch(url).then(r => r.text()) of a 1 KiB body, one at a time
//     and then many in flight over 8 allowed virtual hosts, each run interleaved with a plain
//     Go HTTP client doing the same load through the same proxy. The figures are a
//     reports.Throughput, written as the bench.json that 'conform report matrix' shows.
//   - Suite (--workload suite, the default) times whole runs of the suite, each a
//     'conform run' in its own process, against a run of one trivial spec, which costs what
//     every run costs (process start, mock network, implementation start) and nothing else.
//
// fetch.go has the fetch loads and their baseline, suite.go the suite's timing.
package benchmark
