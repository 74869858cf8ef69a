// Command conform runs the network-endowment conformance suite: against the embedded
// reference or an external adapter (conform run), lists the specs (conform list), serves the
// reference over the adapter protocol (conform adapter reference), checks an adapter
// (conform adapter check), serves the mock network standalone (conform mocknet serve),
// merges shard reports (conform report merge), compares implementations side by side
// (conform report matrix) and measures the suite's time or an implementation's fetch
// throughput against a baseline (conform bench). 'conform --help' explains each.
//
// This package parses flags, names the implementation to drive (targets.go) and maps
// outcomes to exit codes; the work is done elsewhere: suite/runner runs the specs, reports
// writes and merges reports and builds the matrix, harness/check checks an adapter,
// benchmark measures, mocknet serves the mock network.
package main
