// Package reports holds the model of a conformance run and the writers that render it:
// JUnit XML for CI systems, a JSON report with a documented schema, and a self-contained
// HTML matrix. It also reads expectations files, which turn known failures of an
// implementation into expected failures.
//
// report.json follows report.schema.json (JSON Schema draft 2020-12, in this folder and
// as ReportSchema): the implementation, the run's metadata, and per spec its id, status
// (passed, failed, expected-failure, unexpected-pass, skipped), duration and failure.
//
// The writers render the same model for different readers:
//
//   - JUnit is counted by CI dashboards, so each outcome maps to what they count: a
//     conformance failure and an unexpected pass are <failure>, an infrastructure fault
//     (the adapter crashed, hung, broke the protocol, or never started and so kept specs
//     from running) is <error>, an expected failure is <skipped message="expected
//     failure: REASON">. The run's properties appear once, on the first testsuite.
//   - Every failure has a one-line Summary (Summarize) of what was expected and what was
//     seen; JUnit's message=, the HTML row and the terminal list show it.
//   - The HTML page lists what needs attention first (unexpected failures, infrastructure
//     errors, unexpected passes) and gives infrastructure errors a badge of their own.
//
// Text from an implementation is not trusted: prepare, the one path by which every writer
// gets the run, caps each field with a visible "… [truncated N bytes]" marker and, for
// XML and HTML, strips control characters (CleanText). report.json keeps them, escaped;
// the CLI prints implementation text through TerminalText.
//
// MatrixHTML and MatrixMarkdown compare implementations side by side from their runs
// (MatrixInput: a report, the description and per-area summary of its expectations file,
// its Throughput): a self-contained page with specs as rows and implementations as
// columns, and the implementation table of the README, whose "what fails" is built from
// the summaries and refuses a summary line for an area where nothing fails any more.
// Throughput (bench.json) is what 'conform bench --workload fetch' measured.
//
// Merge joins the reports of the shards of one run and refuses an incomplete or mixed
// shard set unless MergeOptions.AllowPartial, which marks the merged run Partial.
//
// This package is the code; the reports it wrote for this repository's implementations, and
// their matrix, are data, committed in results/ at the top of the repository.
package reports
