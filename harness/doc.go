// Package harness drives an implementation under test (IUT) for the suite: the embedded
// reference in process, or an external adapter process speaking the stdio JSON-RPC
// protocol documented in PROTOCOL.md.
package harness
