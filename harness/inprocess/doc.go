// Package inprocess is the in-process backend of the harness: each vat is an isolated goja
// runtime with its own event loop, a console, and an endowment (the reference, or a broken
// variant for the self-test), all reaching the network through one HTTP client routed via
// the mock network's proxy.
package inprocess
