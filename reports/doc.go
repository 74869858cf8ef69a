// Package reports holds the model of a conformance run and the writers that render it:
// JUnit XML for CI systems, a JSON report with a documented schema, and a self-contained
// HTML matrix. It also reads expectations files, which turn known failures of an
// implementation into expected failures.
//
// report.json follows report.schema.json (JSON Schema draft 2020-12, in this folder and
// as ReportSchema): the implementation, the run's metadata, and per spec its id, status
// (passed, failed, expected-failure, unexpected-pass, skipped), duration and failure.
package reports
