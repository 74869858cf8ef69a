// Package harness drives an implementation under test (IUT) for the suite: the embedded
// reference in process, or an external adapter process speaking the stdio JSON-RPC
// protocol documented in PROTOCOL.md.
//
// An External starts its adapter from a parsed argv (SplitCommand reads a user's command
// line) in a process group of its own. Every wait on the adapter is bounded: calls by
// CallTimeout (InitializeTimeout for initialize, which includes start-up), shutdown by
// ShutdownTimeout and ExitTimeout, after which the group is killed, and the adapter's
// output by OutputGrace once it has exited, so that a process it left outside its group
// cannot keep the harness waiting. Faults end the adapter and are *AdapterError values;
// violations that do not stop it are kept as Warnings (WarningSource), and the tail of its
// stderr is kept for error reports (LogTailer).
//
// Bound gives an in-process implementation the same call limits: a call that does not
// return within its timeout (or returns only its context's end) is a hang, a *HungError
// (an infrastructure failure, as an *AdapterError is), and the instance is not called
// again. The stuck goroutine cannot be stopped; the caller replaces the instance.
//
// Beside it: inprocess is the in-process backend (the reference, or a broken variant),
// schema has a JSON Schema for every message of PROTOCOL.md, and check is
// 'conform adapter check', which walks an adapter through the protocol and says what to fix.
package harness
