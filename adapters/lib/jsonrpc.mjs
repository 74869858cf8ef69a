// The protocol's wire (harness/PROTOCOL.md §2 and §5): its versions and error codes, JSON-RPC
// 2.0 messages written one per line to stdout, requests read one per line from stdin, and
// the stderr log. What the requests mean is session.mjs's; protocol.mjs re-exports the
// public part of this module.

import { createInterface } from 'node:readline';
import { inspect } from 'node:util';
import { errorShape } from './values.mjs';

// The version the harness sends in initialize, and the one a version-1 adapter answers.
export const PROTOCOL_VERSION = '1';
// The version an adapter that offers teardownVat answers (version 1 plus that method).
export const PROTOCOL_VERSION_TEARDOWN = '1.1';
// The feature such an adapter lists in initialize's features.
export const FEATURE_TEARDOWN_VAT = 'teardownVat';

export const CODES = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  vatExists: -32001,
  unknownVat: -32002,
  configDenied: -32003,
  taskExists: -32004,
};

/** An error that becomes the JSON-RPC error {code, message} of the request being handled. */
export class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------
// Output: one serialised writer. On Linux, writes to a pipe are synchronous, so lines leave
// in the order they are produced. process.stdout.write is taken when this module loads, so
// an adapter may point the host console (or anything else) away from stdout afterwards.

const writeStdout = process.stdout.write.bind(process.stdout);

function writeLine(line) {
  writeStdout(line + '\n');
}

function send(message) {
  writeLine(JSON.stringify(message));
}

export function respond(id, result) {
  send({ jsonrpc: '2.0', id, result });
}

export function respondError(id, code, message) {
  send({ jsonrpc: '2.0', id, error: { code, message } });
}

export function notification(method, params) {
  send({ jsonrpc: '2.0', method, params });
}

/** A logger to stderr whose lines start with [name]; non-string arguments are inspected. */
export function makeLog(name) {
  return (...args) => {
    process.stderr.write(`[${name}] ${args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ')}\n`);
  };
}

// An outcome is {json} (the raw JSON text of the value, absent for undefined) or {error}.
// The raw text is spliced into the line unchanged, so the value is exactly what the vat's
// JSON.stringify produced.
function outcomeMembers(outcome) {
  if (outcome.error) return `"error":${JSON.stringify(outcome.error)}`;
  if (outcome.json !== undefined) return `"value":${outcome.json}`;
  return '';
}

export function respondOutcome(id, outcome) {
  writeLine(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{${outcomeMembers(outcome)}}}`);
}

export function notifyTaskSettled(vatId, taskId, outcome) {
  const status = outcome.error ? 'rejected' : 'fulfilled';
  const members = outcomeMembers(outcome);
  writeLine(
    `{"jsonrpc":"2.0","method":"taskSettled","params":{"vatId":${JSON.stringify(vatId)},"taskId":${JSON.stringify(taskId)},"status":"${status}"${members ? ',' + members : ''}}}`,
  );
}

/**
 * Answers request id with what was thrown while handling it: an RpcError is its error,
 * anything else is logged and answered -32603.
 */
export function respondThrown(log, id, method, e) {
  if (e instanceof RpcError) {
    respondError(id, e.code, e.message);
  } else {
    log(`internal error in ${method}:`, e);
    respondError(id, CODES.internal, `internal error: ${errorShape(e).message}`);
  }
}

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------
// Input: one request a line. Blank lines are skipped; a line that is not JSON is answered
// -32700 and one that is not a request with a positive integer id -32600, both without
// calling handle.

/**
 * Reads requests from stdin and calls handle(id, method, params) for each well-formed one;
 * what handle throws is answered by respondThrown. When stdin closes the process exits.
 */
export function readRequests(log, handle) {
  function onLine(line) {
    if (line.trim() === '') return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      respondError(null, CODES.parse, `not JSON: ${e.message}`);
      return;
    }
    const id = isObject(msg) && Number.isInteger(msg.id) && msg.id > 0 ? msg.id : null;
    if (id === null || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
      respondError(id, CODES.invalidRequest, 'not a JSON-RPC 2.0 request with a positive integer id and a method');
      return;
    }
    const { method } = msg;
    try {
      handle(id, method, msg.params);
    } catch (e) {
      respondThrown(log, id, method, e);
    }
  }

  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', onLine);
  input.on('close', () => {
    log('stdin closed; exiting');
    process.exit(0);
  });
}
