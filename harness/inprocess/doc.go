// Package inprocess is the in-process backend of the harness: each vat is an isolated goja
// runtime with its own event loop, a console, and an endowment (the reference, or a broken
// variant for the self-test), all reaching the network through one HTTP client routed via
// the mock network's proxy.
//
// terminateVat stops a vat for good: code that keeps it busy is interrupted (a busy loop
// never yields; an idle vat is not interrupted, or the interrupt would hit the next result
// delivered to it), its endowment is closed (requests aborted, bodies closed, fetch refused, no
// notify, nothing settling), its event loop is stopped, and every reference to its runtime
// is dropped, so a terminated vat neither reaches the network nor holds memory until
// shutdown.
//
// inprocess.go creates vats and runs their programs, terminate.go stops them (terminateVat,
// shutdown), values.go turns JavaScript values and exceptions into the protocol's.
package inprocess
