// The conform adapter protocol (harness/PROTOCOL.md, version 1) for adapters written in
// Node: JSON-RPC 2.0, one message per line on stdin/stdout, diagnostics on stderr.
//
// An adapter describes itself and supplies three hooks — how the implementation is set up,
// how a vat is made and, optionally, how a vat is torn down — and calls serve(). Everything
// else is here: reading and validating requests, the initialize/shutdown sequencing, the
// vat table, running programs and reporting their outcomes, and the error codes.
//
// Plain ESM with no dependencies beyond Node's own modules, so that it can be imported from
// any adapter directory (`../lib/protocol.mjs`) or copied into another project.

import { createInterface } from 'node:readline';
import { inspect } from 'node:util';

export const PROTOCOL_VERSION = '1';

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

// ---------------------------------------------------------------------------------------
// Mapping JavaScript values to the protocol's shapes (PROTOCOL.md §3).

/** The protocol's {name, message} of a thrown value. Never throws. */
export function errorShape(e) {
  try {
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      const name = e.name;
      if (name !== undefined) {
        const message = e.message;
        return { name: String(name), message: message === undefined ? '' : String(message) };
      }
    }
    return { name: 'Error', message: String(e) };
  } catch {
    return { name: 'Error', message: '[a thrown value that cannot be converted to a string]' };
  }
}

// Console arguments: strings verbatim, plain objects and arrays as JSON when they
// serialise, anything else as String(v).
function formatArg(v, stringify) {
  try {
    if (typeof v === 'string') return v;
    if (v !== null && typeof v === 'object') {
      const tag = Object.prototype.toString.call(v);
      if (tag === '[object Object]' || tag === '[object Array]') {
        const s = stringify(v);
        if (typeof s === 'string') return s;
      }
    }
    return String(v);
  } catch {
    try {
      return inspect(v);
    } catch {
      return '[unprintable]';
    }
  }
}

/**
 * A vat's console: log, info, warn, error and debug, each call one `log` notification.
 * stringify formats plain objects and arrays (the vat's or the host's JSON.stringify).
 */
export function makeConsole(vatId, stringify) {
  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    console[level] = (...args) => {
      notification('log', { vatId, level, message: args.map((a) => formatArg(a, stringify)).join(' ') });
    };
  }
  return console;
}

// Runs source as the body of an async function in the vat and calls done(outcome) when it
// settles. The synchronous part of the program has run when this returns.
function runProgram(vat, source, done) {
  let promise;
  try {
    promise = vat.evaluate(`(async function () {\n${source}\n})()`);
  } catch (e) {
    // A syntax error in source (or a source the vat refuses to evaluate).
    done({ error: errorShape(e) });
    return;
  }
  const { stringify } = vat;
  Promise.prototype.then.call(
    promise,
    (v) => {
      if (v === undefined) {
        done({});
        return;
      }
      let json;
      try {
        json = stringify(v);
      } catch (e) {
        done({ error: errorShape(e) });
        return;
      }
      done(typeof json === 'string' ? { json } : {});
    },
    (e) => done({ error: errorShape(e) }),
  );
}

// ---------------------------------------------------------------------------------------
// The server.

const METHODS = new Set(['initialize', 'createVat', 'evaluate', 'start', 'terminateVat', 'shutdown']);

// How long shutdown waits for the vats' teardowns before it answers anyway.
const SHUTDOWN_TEARDOWN_CAP_MS = 3000;

// Calls f() and returns its result as a promise; a synchronous throw becomes a rejection.
function attempt(f) {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Serves the protocol on stdin/stdout until shutdown or until stdin closes.
 *
 * - name, version: the adapter's, for the initialize result and the stderr log prefix.
 * - globals: every global name createVat accepts; any other name is refused (-32003).
 * - initialize(params): sets the implementation up. Called once, after protocolVersion and
 *   network.proxy (a non-empty string) have been checked; all outbound HTTP of every vat
 *   must go through params.network.proxy.
 * - createVat({vatId, globals, network}): makes a vat and returns {evaluate(code), stringify}.
 *   Called once the request is well-formed, vatId is new and every name in globals is
 *   offered; it throws an RpcError to refuse the configuration. evaluate(code) runs code in
 *   the vat and returns its completion value (a promise, for the programs it is given);
 *   stringify is the vat's JSON.stringify, read once the synchronous part of each program
 *   has run.
 * - terminateVat(vat) (optional): tears the vat returned by createVat down; may return a
 *   promise, and the request is answered when it settles. Called for every terminateVat of
 *   the vat (also a repeated one) and for every vat at shutdown. Without it, a terminated
 *   vat is only forgotten.
 */
export function serve({ name, version, globals: offered, initialize, createVat, terminateVat }) {
  const log = makeLog(name);

  /** @type {Map<string, {id: string, vat: object, terminated: boolean, tasks: Set<string>}>} */
  const vats = new Map();
  let initialized = false;
  let shuttingDown = false;

  function liveVat(vatId) {
    if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'a non-empty string vatId is required');
    const entry = vats.get(vatId);
    if (!entry) throw new RpcError(CODES.unknownVat, `no vat "${vatId}"`);
    if (entry.terminated) throw new RpcError(CODES.unknownVat, `vat "${vatId}" was terminated`);
    return entry;
  }

  const methods = {
    initialize(id, params) {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        throw new RpcError(CODES.invalidParams, `protocol version ${JSON.stringify(params.protocolVersion)} is not supported; this adapter speaks "${PROTOCOL_VERSION}"`);
      }
      const proxy = params.network && params.network.proxy;
      if (typeof proxy !== 'string' || proxy === '') {
        throw new RpcError(CODES.invalidParams, 'initialize needs network.proxy, the URL of the forward proxy');
      }
      initialize(params);
      initialized = true;
      respond(id, { name, version, protocolVersion: PROTOCOL_VERSION, globals: offered, features: [] });
    },

    createVat(id, params) {
      const { vatId, globals, network } = params;
      if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'createVat needs a non-empty string vatId');
      if (!Array.isArray(globals) || globals.some((g) => typeof g !== 'string')) {
        throw new RpcError(CODES.invalidParams, 'createVat needs globals, an array of strings');
      }
      if (network !== undefined && !isObject(network)) {
        throw new RpcError(CODES.invalidParams, 'createVat: network must be an object');
      }
      const allowedHosts = network ? network.allowedHosts : undefined;
      if (allowedHosts !== undefined && (!Array.isArray(allowedHosts) || allowedHosts.some((h) => typeof h !== 'string'))) {
        throw new RpcError(CODES.invalidParams, 'createVat: network.allowedHosts must be an array of strings');
      }
      if (vats.has(vatId)) throw new RpcError(CODES.vatExists, `vat "${vatId}" already exists (vat ids are never reused)`);
      for (const g of globals) {
        if (!offered.includes(g)) {
          throw new RpcError(CODES.configDenied, `global "${g}" is not offered by this adapter (offered: ${offered.join(', ')})`);
        }
      }
      const vat = createVat({ vatId, globals, network });
      vats.set(vatId, { id: vatId, vat, terminated: false, tasks: new Set() });
      respond(id, {});
    },

    evaluate(id, params) {
      const entry = liveVat(params.vatId);
      if (typeof params.source !== 'string') throw new RpcError(CODES.invalidParams, 'evaluate needs a string source');
      runProgram(entry.vat, params.source, (outcome) => respondOutcome(id, outcome));
    },

    start(id, params) {
      const entry = liveVat(params.vatId);
      const { taskId, source } = params;
      if (typeof taskId !== 'string' || taskId === '') throw new RpcError(CODES.invalidParams, 'start needs a non-empty string taskId');
      if (typeof source !== 'string') throw new RpcError(CODES.invalidParams, 'start needs a string source');
      if (entry.tasks.has(taskId)) throw new RpcError(CODES.taskExists, `task "${taskId}" already exists in vat "${entry.id}"`);
      entry.tasks.add(taskId);
      // Tasks are not filtered after termination: what the vat does is forwarded.
      runProgram(entry.vat, source, (outcome) => notifyTaskSettled(entry.id, taskId, outcome));
      respond(id, {});
    },

    terminateVat(id, params) {
      const { vatId } = params;
      if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'terminateVat needs a non-empty string vatId');
      const entry = vats.get(vatId);
      if (!entry) throw new RpcError(CODES.unknownVat, `no vat "${vatId}"`);
      entry.terminated = true;
      if (!terminateVat) {
        respond(id, {});
        return;
      }
      attempt(() => terminateVat(entry.vat)).then(
        () => respond(id, {}),
        (e) => {
          log(`teardown of vat ${vatId} failed:`, e);
          respondError(id, CODES.internal, `teardown of vat "${vatId}" failed: ${errorShape(e).message}`);
        },
      );
    },

    shutdown(id) {
      shuttingDown = true;
      const exit = () => {
        respond(id, {});
        setImmediate(() => process.exit(0));
      };
      for (const entry of vats.values()) entry.terminated = true;
      if (!terminateVat) {
        exit();
        return;
      }
      const all = [...vats.values()].map((entry) =>
        attempt(() => terminateVat(entry.vat)).catch((e) => log(`teardown of vat ${entry.id} failed:`, e)),
      );
      const cap = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TEARDOWN_CAP_MS).unref());
      Promise.race([Promise.all(all), cap]).then(exit);
    },
  };

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
    const params = msg.params;
    try {
      if (!METHODS.has(method)) throw new RpcError(CODES.methodNotFound, `method "${method}" is not defined by protocol version ${PROTOCOL_VERSION}`);
      if (shuttingDown) throw new RpcError(CODES.invalidRequest, `${method} after shutdown`);
      if (method === 'initialize' && initialized) throw new RpcError(CODES.invalidRequest, 'initialize was already called');
      if (method !== 'initialize' && !initialized) throw new RpcError(CODES.invalidRequest, `${method} before initialize`);
      if (!isObject(params)) throw new RpcError(CODES.invalidParams, 'params must be an object');
      methods[method](id, params);
    } catch (e) {
      if (e instanceof RpcError) {
        respondError(id, e.code, e.message);
      } else {
        log(`internal error in ${method}:`, e);
        respondError(id, CODES.internal, `internal error: ${errorShape(e).message}`);
      }
    }
  }

  process.on('unhandledRejection', (reason) => {
    log('unhandled rejection:', reason);
  });
  process.on('uncaughtException', (err) => {
    log('uncaught exception:', err);
  });

  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', onLine);
  input.on('close', () => {
    log('stdin closed; exiting');
    process.exit(0);
  });
}
