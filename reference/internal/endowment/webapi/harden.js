// Hardening: every endowed global, every object reachable from it (prototypes, methods,
// accessors) and the iterator and reader prototypes are frozen, so one vat's code cannot
// change what another piece of code in the same vat, or the endowment itself, relies on.
//
// The walk stops at the realm's own intrinsics (Object.prototype, Error, Error.prototype,
// %IteratorPrototype%, ...): they are the vat's language, not the endowment's, and a fresh
// realm has them mutable. DOMException extends Error and the Headers iterator prototype
// inherits %IteratorPrototype%, so a walk that did not stop there would freeze Error and
// Error.prototype and break ordinary code such as `MyError.prototype.name = 'MyError'`
// (the override mistake). What the endowment needs from them it captured first
// (intrinsics.js).
//
// Note: this is not from a web standard; it is what an ocap endowment (SES harden) gives,
// without SES's lockdown of the whole realm.

const globals = {
  fetch, Request, Headers, Response, AbortController, AbortSignal, DOMException,
  ReadableStream, TextEncoder, TextDecoder,
};

function isObject(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// realmIntrinsics is the set the walk stops at: the intrinsics an endowment object can
// lead to (through a prototype link, as DOMException leads to Error and the Headers
// iterator prototype to %IteratorPrototype%), each with its prototype property. It names
// them rather than walking the global object, and names only intrinsics the Web API files
// already use: reading any other global makes the engine build it (goja creates most
// built-ins on first use), which would cost more than the rest of the installation.
// harden_test.js walks the whole realm and checks that no intrinsic ends up frozen, so a
// new way for the endowment to reach one shows up there.
const intrinsicNames = [
  'Object', 'Function', 'Array', 'Symbol', 'Promise', 'Error', 'Set', 'ArrayBuffer', 'Uint8Array', 'Reflect',
];
function realmIntrinsics() {
  const found = new Set();
  const add = (v) => {
    if (!isObject(v)) return;
    found.add(v);
    const proto = typeof v === 'function' ? Reflect.getOwnPropertyDescriptor(v, 'prototype') : undefined;
    if (proto && isObject(proto.value)) found.add(proto.value);
  };
  for (const name of intrinsicNames) add(globalThis[name]);
  const arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
  for (const v of [globalThis, arrayIterator, Object.getPrototypeOf(arrayIterator), Object.getPrototypeOf(Uint8Array)]) add(v);
  return found;
}

function harden(roots, intrinsics) {
  // Index loops and no primitives on the stack: this walk runs for every vat, over about a
  // hundred objects, and iterator and descriptor objects were most of a vat's creation.
  const seen = new Set();
  const stack = roots.slice();
  const ownKeys = Reflect.ownKeys;
  const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  const push = (v) => {
    if (isObject(v)) stack.push(v);
  };
  while (stack.length > 0) {
    const obj = stack.pop();
    if (seen.has(obj) || intrinsics.has(obj)) continue;
    seen.add(obj);
    if (!options.skipFreeze) freeze(obj);
    // Everything obj refers to: the values and accessors of its own properties, and its
    // prototype.
    const keys = ownKeys(obj);
    const isFunction = typeof obj === 'function';
    for (let i = 0; i < keys.length; i++) {
      // A function's own length and name are the engine's primitive data properties (no
      // file here redefines them; testdata/fetch_test.js walks every descriptor to hold
      // that): most keys of the walk, and no object behind them.
      if (isFunction && (keys[i] === 'length' || keys[i] === 'name')) continue;
      const desc = getOwnPropertyDescriptor(obj, keys[i]);
      if (desc.get !== undefined || desc.set !== undefined) {
        push(desc.get);
        push(desc.set);
      } else {
        push(desc.value);
      }
    }
    push(Object.getPrototypeOf(obj));
  }
}

// A deliberately broken variant stops only where this walk once stopped, and so freezes
// Error and %IteratorPrototype%.
const stopAt = options.hardenReachesIntrinsics ? new Set([Object.prototype, Function.prototype, Error.prototype]) : realmIntrinsics();
harden([globals, HeadersIteratorPrototype, ReadableStreamDefaultReader], stopAt);
return globals;
