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

// harden walks from roots, freezing every object it reaches, and returns how it reached
// each: one entry [parent, kind, key] per object, in the order they were reached, where
// parent is the index of the entry of the object it was reached from and kind says how:
// "root" (roots[key]), "value", "get" or "set" of the parent's own property key, or
// "proto" (the parent's prototype). Replaying the entries in order reaches the same objects
// in another runtime that ran this program (see below).
function harden(roots, intrinsics) {
  // The walk runs once per process to record the paths (and in every vat of the broken
  // variants that change it), so it favours clarity over speed.
  const seen = new Set();
  const paths = [];
  // Each stack entry is [object, parent index, kind, key].
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], -1, 'root', i]);
  const ownKeys = Reflect.ownKeys;
  const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  let reached = 0;
  while (stack.length > 0) {
    const [obj, parent, kind, key] = stack.pop();
    if (seen.has(obj) || intrinsics.has(obj)) continue;
    seen.add(obj);
    const index = reached++;
    paths.push([parent, kind, key]);
    if (!options.skipFreeze) freeze(obj);
    const push = (v, how, k) => {
      if (isObject(v)) stack.push([v, index, how, k]);
    };
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
        push(desc.get, 'get', keys[i]);
        push(desc.set, 'set', keys[i]);
      } else {
        push(desc.value, 'value', keys[i]);
      }
    }
    push(Object.getPrototypeOf(obj), 'proto', null);
  }
  return paths;
}

const hardenRoots = [globals, HeadersIteratorPrototype, ReadableStreamDefaultReader];
if (options.replayHarden !== undefined) {
  // Every runtime runs this same program, so the graph of endowment objects is the same in
  // each: the Go side walks it once per process (the branch below, in a scratch runtime)
  // and compiles the paths the walk returned into straight-line code that freezes the same
  // objects here without discovering them again. The walk is most of a vat's creation
  // time; the replay is a property read (or one descriptor, for an accessor) and a freeze
  // per object.
  options.replayHarden(hardenRoots, freeze, Object.getOwnPropertyDescriptor, Object.getPrototypeOf,
    { iterator: symbolIterator, toStringTag: symbolToStringTag });
} else {
  // A deliberately broken variant stops only where this walk once stopped, and so freezes
  // Error and %IteratorPrototype%.
  const stopAt = options.hardenReachesIntrinsics ? new Set([Object.prototype, Function.prototype, Error.prototype]) : realmIntrinsics();
  const paths = harden(hardenRoots, stopAt);
  if (options.recordHarden !== undefined) options.recordHarden(paths);
}
return globals;
