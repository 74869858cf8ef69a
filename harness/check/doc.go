// Package check is `conform adapter check`: it tells an adapter author whether their adapter
// speaks the protocol of harness/PROTOCOL.md before the suite is run against it.
//
// Run starts the adapter with a mock network of its own and walks it through the protocol in
// order, one check at a time: initialize, createVat, evaluate (values, thrown errors,
// console output as log notifications), a fetch routed through the proxy and its notify
// events, start and taskSettled, the error codes (-32001 vat exists, -32002 unknown vat,
// -32003 fetch without allowedHosts), terminateVat, shutdown and the adapter's exit. Each
// check prints "ok", or "FAIL" with what it saw and what to fix. A protocol violation that
// fails no check (a notification naming a vat or task the adapter never had, a task settled
// twice) is one of the harness's warnings, which 'conform run' only lists; here it fails.
//
// The checks are not conformance: an adapter that passes them may still fail every spec.
// They only show that the suite can talk to it.
package check
