// The conform adapter protocol (harness/PROTOCOL.md, versions 1 and 1.1) for adapters
// written in Node: JSON-RPC 2.0, one message per line on stdin/stdout, diagnostics on stderr.
//
// An adapter describes itself and supplies its hooks — how the implementation is set up,
// how a vat is made and, optionally, how a vat is terminated and how its endowment is torn
// down while the vat lives on (protocol 1.1's teardownVat) — and calls serve(). Everything
// else is the kit's: reading and validating requests, the initialize/shutdown sequencing, the
// vat table, running programs and reporting their outcomes, and the error codes.
//
// Vats come in two kinds. An in-process vat (a node:vm context, an SES Compartment) hands
// the kit an evaluate(code) function and the kit runs programs itself. A remote vat (a
// worker, a browser page, another process) hands it run(source), which resolves to the
// program's outcome once the vat has run and serialised it; the vat reports notify and
// log events through the sink the kit passes to createVat. Every hook may be asynchronous.
//
// Plain ESM with no dependencies beyond Node's own modules, so that it can be imported from
// any adapter directory (`../lib/protocol.mjs`) or copied, with its sibling modules, into
// another project.
//
// This module is the package's entry and holds no code of its own: it re-exports the
// public API of jsonrpc.mjs (the wire: versions, error codes, writing messages, the log),
// programs.mjs (running programs in vats, vat consoles), session.mjs (serve and the
// methods) and values.mjs (value formatting). protocol.d.mts declares exactly these names.

export { errorShape, formatArg, formatConsoleArgs } from './values.mjs';
export {
  CODES,
  FEATURE_TEARDOWN_VAT,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_TEARDOWN,
  RpcError,
  makeLog,
  notification,
  notifyTaskSettled,
  respond,
  respondError,
  respondOutcome,
} from './jsonrpc.mjs';
export { makeConsole } from './programs.mjs';
export { serve } from './session.mjs';
