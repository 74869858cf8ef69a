// Running programs in vats (harness/PROTOCOL.md §3) and calling the adapter's hooks: an
// in-process vat's program is wrapped, run and serialised here; a remote vat's outcome, which
// the vat serialised itself, is checked. Also a vat's console. Used by session.mjs;
// protocol.mjs re-exports makeConsole.

import { inspect } from 'node:util';
import { errorShape, formatConsoleArgs } from './values.mjs';
import { isObject, notification } from './jsonrpc.mjs';

/**
 * A vat's console: log, info, warn, error and debug, each call one `log` notification.
 * stringify formats plain objects and arrays (the vat's or the host's JSON.stringify).
 */
export function makeConsole(vatId, stringify) {
  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    console[level] = (...args) => {
      notification('log', { vatId, level, message: formatConsoleArgs(args, stringify, inspect) });
    };
  }
  return console;
}

// Runs source as the body of an async function in the vat and calls done(outcome) when it
// settles. The synchronous part of the program has run when this returns.
export function runProgram(vat, source, done) {
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

// A remote vat's outcome, checked: {json} with the JSON text of the value, {} for
// undefined, or {error: {name, message}}. Anything else is the adapter's bug, reported as
// a rejection so that it shows in the spec's result rather than as a protocol fault.
function checkedOutcome(outcome) {
  if (isObject(outcome)) {
    if (isObject(outcome.error) && typeof outcome.error.name === 'string' && typeof outcome.error.message === 'string') {
      return { error: { name: outcome.error.name, message: outcome.error.message } };
    }
    if (outcome.error === undefined && (outcome.json === undefined || typeof outcome.json === 'string')) {
      return outcome.json === undefined ? {} : { json: outcome.json };
    }
  }
  return { error: { name: 'Error', message: `adapter bug: a vat's run() resolved to ${inspect(outcome)}, not an outcome` } };
}

// Runs source in a remote vat and calls done(outcome) when the vat reports it.
export function runRemoteProgram(vat, source, done) {
  attempt(() => vat.run(source)).then(
    (outcome) => done(checkedOutcome(outcome)),
    (e) => done({ error: errorShape(e) }),
  );
}

// Calls f() and returns its result as a promise; a synchronous throw becomes a rejection.
export function attempt(f) {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

// Calls a hook. A hook that returns a promise (a thenable) is asynchronous: the result is
// {promise}. Otherwise it is {value}, or {error} for what it threw, so that synchronous
// hooks take effect before the next request line is handled, as they always have.
export function callHook(f) {
  let value;
  try {
    value = f();
  } catch (error) {
    return { error };
  }
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function') {
    return { promise: Promise.resolve(value) };
  }
  return { value };
}
