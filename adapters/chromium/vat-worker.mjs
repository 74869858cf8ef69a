// What runs inside a vat's Worker, set up over the DevTools protocol before any program of
// the vat does. It is sent to the Worker as the source of setUpVat (Function.prototype
// .toString), so it must not refer to anything outside its own body.

/**
 * The language globals a vat keeps besides its endowments and console: harness/PROTOCOL.md
 * §10, the globals of ECMA-262 and ECMA-402 (a name V8 does not ship is simply absent).
 * Anything else on the Worker's global object is a host API and is removed, WebAssembly
 * included.
 */
export const LANGUAGE_GLOBALS = [
  'globalThis', 'Infinity', 'NaN', 'undefined',
  'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Boolean', 'Symbol', 'Error', 'AggregateError', 'EvalError', 'RangeError',
  'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'SuppressedError',
  'Number', 'BigInt', 'Math', 'Date', 'String', 'RegExp',
  'Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'JSON',
  'Promise', 'Proxy', 'Reflect', 'Iterator', 'DisposableStack', 'AsyncDisposableStack', 'Temporal', 'Intl',
];

/**
 * Runs in the vat's Worker, once, before any program. It
 * - removes every own property of the Worker's global object that is neither a language
 *   global nor a requested endowment, and empties the global's host prototypes
 *   (DedicatedWorkerGlobalScope.prototype, WorkerGlobalScope.prototype, and
 *   EventTarget.prototype unless a requested endowment inherits from it);
 * - freezes each requested endowment, its prototype and the functions on both (the vat's
 *   endowments are hardened, as ocap-kernel hardens them; the language's own intrinsics are
 *   left alone);
 * - installs the vat's console, which reports each call through the Worker's own console as
 *   (marker, level, message) so the adapter reads it from Runtime.consoleAPICalled;
 * - returns the program runner (never stored on the global object: the adapter holds it by
 *   its DevTools object id) and what it could not remove.
 *
 * @param {string[]} requested the endowments the vat asked for
 * @param {string[]} languageGlobals LANGUAGE_GLOBALS
 * @param {string} marker the first console argument of a console line of the vat
 */
export function setUpVat(requested, languageGlobals, marker) {
  'use strict';
  const g = globalThis;
  const { apply, ownKeys, deleteProperty, getPrototypeOf, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const { freeze, isFrozen } = Object;
  const indirectEval = g.eval;
  const PromiseCtor = Promise;
  const then = Promise.prototype.then;
  const hostStringify = JSON.stringify;
  const toTag = Object.prototype.toString;
  const StringCtor = String;
  const arrayJoin = Array.prototype.join;
  const arrayPush = Array.prototype.push;
  const nativeConsole = g.console;
  const nativeLog = nativeConsole.log;
  const keep = new Set(languageGlobals);
  for (const name of requested) keep.add(name);
  const notRemoved = [];

  // Does a requested endowment inherit from proto (AbortSignal from EventTarget)?
  const inheritedByEndowment = (proto) =>
    requested.some((name) => {
      const value = g[name];
      for (let p = value && value.prototype; p; p = getPrototypeOf(p)) if (p === proto) return true;
      return false;
    });

  // Freeze what the vat was given: the endowment, its prototype, and their functions.
  const freezeSurface = (object) => {
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return;
    for (const key of ownKeys(object)) {
      const d = getOwnPropertyDescriptor(object, key);
      for (const f of [d.value, d.get, d.set]) if (typeof f === 'function' && f !== object) freeze(f);
    }
    freeze(object);
  };
  for (const name of requested) {
    const value = g[name];
    // Chromium keeps some of the global's members (fetch, self, …) on
    // WorkerGlobalScope.prototype, which is emptied below: each endowment becomes an own
    // property of the global object, as a global of the language is.
    defineProperty(g, name, { value, writable: true, enumerable: false, configurable: true });
    freezeSurface(value);
    if (typeof value === 'function' && value.prototype && !isFrozen(value.prototype)) freezeSurface(value.prototype);
  }

  // The host prototypes of the global object, before its own properties go.
  const hostProtos = [];
  for (let p = getPrototypeOf(g); p && p !== Object.prototype; p = getPrototypeOf(p)) hostProtos.push(p);

  for (const key of ownKeys(g)) {
    if (keep.has(key)) continue;
    if (!deleteProperty(g, key)) apply(arrayPush, notRemoved, [StringCtor(typeof key === 'symbol' ? key.description : key)]);
  }
  for (const proto of hostProtos) {
    if (inheritedByEndowment(proto)) {
      apply(arrayPush, notRemoved, ['(inherited) members of ' + StringCtor(proto[Symbol.toStringTag] || 'a host prototype') + '.prototype, shared with a requested endowment']);
      continue;
    }
    for (const key of ownKeys(proto)) {
      if (!deleteProperty(proto, key)) apply(arrayPush, notRemoved, ['prototype member ' + StringCtor(typeof key === 'symbol' ? key.description : key)]);
    }
  }

  // console: strings verbatim, plain objects and arrays as JSON, anything else String(v).
  const format = (v) => {
    try {
      if (typeof v === 'string') return v;
      if (v !== null && typeof v === 'object') {
        const tag = apply(toTag, v, []);
        if (tag === '[object Object]' || tag === '[object Array]') {
          const s = hostStringify(v);
          if (typeof s === 'string') return s;
        }
      }
      return StringCtor(v);
    } catch {
      return '[unprintable]';
    }
  };
  const vatConsole = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    vatConsole[level] = (...args) => {
      const parts = [];
      for (const a of args) apply(arrayPush, parts, [format(a)]);
      apply(nativeLog, nativeConsole, [marker, level, apply(arrayJoin, parts, [' '])]);
    };
    freeze(vatConsole[level]);
  }
  defineProperty(g, 'console', { value: freeze(vatConsole), writable: true, enumerable: false, configurable: true });

  // The protocol's {name, message} of a thrown value (PROTOCOL.md §3).
  const errorShape = (e) => {
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        const name = e.name;
        if (name !== undefined) {
          const message = e.message;
          return { name: StringCtor(name), message: message === undefined ? '' : StringCtor(message) };
        }
      }
      return { name: 'Error', message: StringCtor(e) };
    } catch {
      return { name: 'Error', message: '[a thrown value that cannot be converted to a string]' };
    }
  };

  // Runs source as the body of an async function in the vat's global scope (PROTOCOL.md §3)
  // and settles with {json} ({} for undefined) or {error}, serialised with the vat's own
  // JSON.stringify as it is once the program's synchronous part has run.
  const run = (source) =>
    new PromiseCtor((resolve) => {
      let promise;
      try {
        promise = indirectEval('(async function () {\n' + source + '\n})()');
      } catch (e) {
        resolve({ error: errorShape(e) });
        return;
      }
      let stringify;
      let json;
      try {
        json = g.JSON;
        stringify = json.stringify;
      } catch (e) {
        resolve({ error: errorShape(e) });
        return;
      }
      apply(then, promise, [
        (v) => {
          if (v === undefined) {
            resolve({});
            return;
          }
          try {
            const text = apply(stringify, json, [v]);
            resolve(typeof text === 'string' ? { json: text } : {});
          } catch (e) {
            resolve({ error: errorShape(e) });
          }
        },
        (e) => resolve({ error: errorShape(e) }),
      ]);
    });
  return { run, notRemoved };
}
