// The session (harness/PROTOCOL.md §4): serve() and the methods it answers — initialize and
// shutdown sequencing, the vat table, createVat, evaluate, start, terminateVat and protocol
// 1.1's teardownVat — calling the adapter's hooks. The wire is jsonrpc.mjs's, running
// programs programs.mjs's; protocol.mjs re-exports serve.

import { errorShape } from './values.mjs';
import {
  CODES,
  FEATURE_TEARDOWN_VAT,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_TEARDOWN,
  RpcError,
  isObject,
  makeLog,
  notification,
  readRequests,
  respond,
  respondError,
  respondOutcome,
  notifyTaskSettled,
  respondThrown,
} from './jsonrpc.mjs';
import { attempt, callHook, runProgram, runRemoteProgram } from './programs.mjs';

const METHODS = new Set(['initialize', 'createVat', 'evaluate', 'start', 'terminateVat', 'shutdown']);
// Protocol 1.1's method, served only when the adapter supplies its hook.
const TEARDOWN_METHOD = 'teardownVat';

// How long shutdown waits for the vats' teardowns before it answers anyway.
const SHUTDOWN_TEARDOWN_CAP_MS = 3000;

/**
 * Serves the protocol on stdin/stdout until shutdown or until stdin closes.
 *
 * - name, version: the adapter's, for the initialize result and the stderr log prefix.
 * - globals: every global name createVat accepts; any other name is refused (-32003).
 * - initialize(params): sets the implementation up; may return a promise, and the request
 *   is answered once it settles. Called once, after protocolVersion and network.proxy (a
 *   non-empty string) have been checked; all outbound HTTP of every vat must go through
 *   params.network.proxy. An RpcError it throws is that request's error; anything else is
 *   answered -32603.
 * - createVat({vatId, globals, network, events}): makes a vat and returns it, or a promise
 *   of it. Called once the request is well-formed, vatId is new and every name in globals
 *   is offered; it throws (or rejects with) an RpcError to refuse the configuration. The
 *   vatId is taken while the promise is pending. The vat is one of:
 *     - in process: {evaluate(code), stringify}. evaluate(code) runs code in the vat and
 *       returns its completion value (a promise, for the programs it is given); stringify
 *       is the vat's JSON.stringify, read once the synchronous part of each program has
 *       run. The kit wraps and serialises programs itself.
 *     - remote: {run(source)}. run(source) has the vat run source as the body of an async
 *       function (PROTOCOL.md §3), serialise the value inside the vat, and resolves to the
 *       outcome: {json} (the JSON text of the value), {} (undefined), or {error: {name,
 *       message}} (values.mjs's errorShape of what the program threw). A rejection of
 *       run() is reported as the program's error.
 *   events is the vat's sink for what it reports: events.notify(method, params) sends a
 *   `notify` notification, events.log(level, message) a `log` notification. Call them in
 *   the order the vat produced the events, and before resolving the run() they belong to
 *   (writes are synchronous, so that keeps the protocol's ordering guarantees). In-process
 *   adapters may ignore it and call notification() and makeConsole() themselves.
 * - terminateVat(vat) (optional): tears the vat down; may return a promise, and the
 *   request is answered when it settles. Called for every terminateVat of the vat (also a
 *   repeated one) and for every vat at shutdown. Without it, a terminated vat is only
 *   forgotten. Once the teardown of a remote vat has completed, every evaluate of it
 *   still pending is answered -32002 (PROTOCOL.md §4.3), before the terminateVat answer:
 *   a remote vat's teardown stops its code, so those programs will never settle. Tasks
 *   pending then get no taskSettled. At shutdown pending calls stay unanswered (§4.6).
 *   In-process vats keep their pending calls: what such a vat does after teardown is
 *   forwarded, so a broken teardown shows.
 * - teardownVat(vat) (optional; protocol 1.1): tears the vat's endowment down and leaves the
 *   vat alive; may return a promise, and the request is answered when it settles. Called
 *   for every teardownVat of a live vat, a repeated one too, so running it twice must be
 *   harmless; after it the vat's endowment must work again, and a later terminateVat
 *   still tears down what the vat opened since. Pending calls of the vat stay pending
 *   (its programs are not stopped: what they do afterwards is forwarded). Supplying it
 *   makes initialize answer protocolVersion "1.1" with "teardownVat" in features; without
 *   it, teardownVat is an unknown method (-32601), as in version 1.
 */
export function serve({ name, version, globals: offered, initialize, createVat, terminateVat, teardownVat }) {
  const log = makeLog(name);
  const offersTeardown = typeof teardownVat === 'function';
  const methodNames = offersTeardown ? new Set([...METHODS, TEARDOWN_METHOD]) : METHODS;

  /**
   * A vat's entry; vat is null while createVat is pending. pending maps the request id of
   * each unanswered evaluate of a remote vat to its answer function.
   * @type {Map<string, {id: string, vat: object | null, terminated: boolean, tasks: Set<string>, pending: Map<number, Function>}>}
   */
  const vats = new Map();
  let initializing = false;
  let initialized = false;
  let shuttingDown = false;

  // Answers request id from a promise of its result; rejections become its error.
  function answer(id, method, promise) {
    promise.then(
      (result) => respond(id, result),
      (e) => respondThrown(log, id, method, e),
    );
  }

  function liveVat(vatId) {
    if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'a non-empty string vatId is required');
    const entry = vats.get(vatId);
    if (!entry) throw new RpcError(CODES.unknownVat, `no vat "${vatId}"`);
    if (entry.terminated) throw new RpcError(CODES.unknownVat, `vat "${vatId}" was terminated`);
    if (!entry.vat) throw new RpcError(CODES.unknownVat, `vat "${vatId}" is still being created`);
    return entry;
  }

  const isRemote = (vat) => typeof vat.run === 'function';

  function runIn(entry, source, done) {
    if (isRemote(entry.vat)) runRemoteProgram(entry.vat, source, done);
    else runProgram(entry.vat, source, done);
  }

  // Tears one vat down once creation has finished (a vat still being created is torn down
  // when it exists). For terminateVat (not shutdown, which may leave requests unanswered)
  // it then answers the vat's pending evaluates -32002.
  async function tearDown(entry, { answerPending }) {
    if (entry.creating) await entry.creating.catch(() => {});
    if (!entry.vat) return;
    if (terminateVat) await terminateVat(entry.vat);
    if (answerPending && isRemote(entry.vat)) {
      for (const [requestId, settle] of entry.pending) {
        entry.pending.delete(requestId);
        settle(null);
        respondError(requestId, CODES.unknownVat, `vat "${entry.id}" was terminated while the program was pending`);
      }
    }
  }

  function makeEvents(vatId) {
    return {
      notify(method, params) {
        const p = { vatId, method: String(method) };
        if (params !== undefined) p.params = params;
        notification('notify', p);
      },
      log(level, message) {
        notification('log', { vatId, level: String(level), message: String(message) });
      },
    };
  }

  const methods = {
    initialize(id, params) {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        // The harness sends "1" whichever version it speaks: 1.1 is negotiated by features.
        const also = offersTeardown ? ` (and offers "${FEATURE_TEARDOWN_VAT}", protocol ${PROTOCOL_VERSION_TEARDOWN})` : '';
        throw new RpcError(CODES.invalidParams, `protocol version ${JSON.stringify(params.protocolVersion)} is not supported; this adapter speaks "${PROTOCOL_VERSION}"${also}`);
      }
      const proxy = params.network && params.network.proxy;
      if (typeof proxy !== 'string' || proxy === '') {
        throw new RpcError(CODES.invalidParams, 'initialize needs network.proxy, the URL of the forward proxy');
      }
      const ca = params.network.ca;
      if (ca !== undefined && (typeof ca !== 'string' || !ca.startsWith('-----BEGIN CERTIFICATE-----'))) {
        throw new RpcError(CODES.invalidParams, 'network.ca, when given, must be a PEM certificate (-----BEGIN CERTIFICATE-----…)');
      }
      const result = () => ({
        name,
        version,
        protocolVersion: offersTeardown ? PROTOCOL_VERSION_TEARDOWN : PROTOCOL_VERSION,
        globals: offered,
        features: offersTeardown ? [FEATURE_TEARDOWN_VAT] : [],
      });
      const call = callHook(() => initialize(params));
      if (!call.promise) {
        if ('error' in call) throw call.error;
        initialized = true;
        respond(id, result());
        return;
      }
      initializing = true;
      const done = call.promise.then(
        () => {
          initialized = true;
          return result();
        },
        (e) => {
          initializing = false;
          throw e;
        },
      );
      answer(id, 'initialize', done);
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
      const entry = { id: vatId, vat: null, creating: null, terminated: false, tasks: new Set(), pending: new Map() };
      const accept = (vat) => {
        if (vat === null || typeof vat !== 'object' || (typeof vat.run !== 'function' && typeof vat.evaluate !== 'function')) {
          throw new Error('adapter bug: createVat must return a vat with run(source) or evaluate(code)');
        }
        entry.vat = vat;
        return {};
      };
      const reject = (e) => {
        // Nothing of a rejected vat remains: its id may be used again.
        vats.delete(vatId);
        throw e;
      };
      vats.set(vatId, entry);
      const call = callHook(() => createVat({ vatId, globals, network, events: makeEvents(vatId) }));
      if (!call.promise) {
        // A synchronous hook: the vat exists when this request's line has been handled.
        try {
          if ('error' in call) throw call.error;
          respond(id, accept(call.value));
        } catch (e) {
          reject(e);
        }
        return;
      }
      entry.creating = call.promise.then(accept, reject);
      answer(id, 'createVat', entry.creating);
    },

    evaluate(id, params) {
      const entry = liveVat(params.vatId);
      if (typeof params.source !== 'string') throw new RpcError(CODES.invalidParams, 'evaluate needs a string source');
      if (!isRemote(entry.vat)) {
        runProgram(entry.vat, params.source, (outcome) => respondOutcome(id, outcome));
        return;
      }
      // Answered by the outcome, or with -32002 by the vat's teardown, whichever comes first.
      let answered = false;
      const settle = (outcome) => {
        if (answered) {
          if (outcome) log(`vat ${entry.id}: the outcome of request ${id} arrived after its teardown answered it; dropped`);
          return;
        }
        answered = true;
        entry.pending.delete(id);
        if (outcome) respondOutcome(id, outcome);
      };
      entry.pending.set(id, settle);
      runRemoteProgram(entry.vat, params.source, settle);
    },

    start(id, params) {
      const entry = liveVat(params.vatId);
      const { taskId, source } = params;
      if (typeof taskId !== 'string' || taskId === '') throw new RpcError(CODES.invalidParams, 'start needs a non-empty string taskId');
      if (typeof source !== 'string') throw new RpcError(CODES.invalidParams, 'start needs a string source');
      if (entry.tasks.has(taskId)) throw new RpcError(CODES.taskExists, `task "${taskId}" already exists in vat "${entry.id}"`);
      entry.tasks.add(taskId);
      // Tasks are not filtered after termination: what the vat does is forwarded.
      runIn(entry, source, (outcome) => notifyTaskSettled(entry.id, taskId, outcome));
      respond(id, {});
    },

    terminateVat(id, params) {
      const { vatId } = params;
      if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'terminateVat needs a non-empty string vatId');
      const entry = vats.get(vatId);
      if (!entry) throw new RpcError(CODES.unknownVat, `no vat "${vatId}"`);
      entry.terminated = true;
      tearDown(entry, { answerPending: true }).then(
        () => respond(id, {}),
        (e) => {
          log(`teardown of vat ${vatId} failed:`, e);
          respondError(id, CODES.internal, `teardown of vat "${vatId}" failed: ${errorShape(e).message}`);
        },
      );
    },

    // Protocol 1.1: served only when the adapter supplies the hook (see methodNames). The vat
    // stays alive, so its pending calls are left to it.
    teardownVat(id, params) {
      const { vatId } = params;
      if (typeof vatId !== 'string' || vatId === '') throw new RpcError(CODES.invalidParams, 'teardownVat needs a non-empty string vatId');
      const entry = liveVat(vatId);
      attempt(() => teardownVat(entry.vat)).then(
        () => respond(id, {}),
        (e) => {
          if (e instanceof RpcError) {
            respondError(id, e.code, e.message);
            return;
          }
          log(`teardown (without termination) of vat ${vatId} failed:`, e);
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
      const all = [...vats.values()].map((entry) =>
        tearDown(entry, { answerPending: false }).catch((e) => log(`teardown of vat ${entry.id} failed:`, e)),
      );
      const cap = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TEARDOWN_CAP_MS).unref());
      Promise.race([Promise.all(all), cap]).then(exit);
    },
  };

  // Checks a well-formed request against the session's state and calls its method.
  function dispatch(id, method, params) {
    if (!methodNames.has(method)) {
      throw new RpcError(
        CODES.methodNotFound,
        method === TEARDOWN_METHOD
          ? `method "${method}" is not offered by this adapter (it speaks protocol version ${PROTOCOL_VERSION}, without "${FEATURE_TEARDOWN_VAT}")`
          : `method "${method}" is not defined by protocol version ${offersTeardown ? PROTOCOL_VERSION_TEARDOWN : PROTOCOL_VERSION}`,
      );
    }
    if (shuttingDown) throw new RpcError(CODES.invalidRequest, `${method} after shutdown`);
    if (method === 'initialize' && (initialized || initializing)) throw new RpcError(CODES.invalidRequest, 'initialize was already called');
    if (method !== 'initialize' && !initialized) throw new RpcError(CODES.invalidRequest, `${method} before initialize`);
    if (!isObject(params)) throw new RpcError(CODES.invalidParams, 'params must be an object');
    methods[method](id, params);
  }

  process.on('unhandledRejection', (reason) => {
    log('unhandled rejection:', reason);
  });
  process.on('uncaughtException', (err) => {
    log('uncaught exception:', err);
  });

  readRequests(log, dispatch);
}
