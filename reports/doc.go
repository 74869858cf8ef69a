// Package reports holds the model of a conformance run and the writers that render it:
// JUnit XML for CI systems, a JSON report with a documented schema, and a self-contained
// HTML matrix. It also reads expectations files, which turn known failures of an
// implementation into expected failures.
package reports
