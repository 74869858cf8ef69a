// Package endowment is the implementation behind the reference package: the Go host of the
// Web API classes (webapi.js), the transport with its allowlist and redirect checks, notify,
// and teardown. It also carries the fault switches that reference/mutants turns on to build
// deliberately broken variants for the suite's self-test; the reference never sets them.
package endowment
