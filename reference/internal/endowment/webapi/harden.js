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

// ownReferences calls visit with every object obj refers to: its prototype and the values
// and accessors of its own properties.
function ownReferences(obj, visit) {
  for (const key of Reflect.ownKeys(obj)) {
    const desc = Reflect.getOwnPropertyDescriptor(obj, key);
    if ('value' in desc) visit(desc.value);
    if (desc.get) visit(desc.get);
    if (desc.set) visit(desc.set);
  }
  visit(Object.getPrototypeOf(obj));
}

function isObject(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// realmIntrinsics is the set the walk stops at: each value of the global object as it is
// before the endowment defines anything, with its prototype property, and the intrinsics
// no global names (the iterator, generator and async function prototypes). It is not the
// full closure of the realm (walking that for every vat costs more than the whole vat):
// the endowment's objects reach intrinsics only through these, and harden_test.js checks
// that no object of the full closure ends up frozen.
function realmIntrinsics() {
  const found = new Set();
  const add = (v) => {
    if (!isObject(v)) return;
    found.add(v);
    const proto = typeof v === 'function' ? Reflect.getOwnPropertyDescriptor(v, 'prototype') : undefined;
    if (proto && isObject(proto.value)) found.add(proto.value);
  };
  for (const key of Reflect.ownKeys(globalThis)) {
    const desc = Reflect.getOwnPropertyDescriptor(globalThis, key);
    if ('value' in desc) add(desc.value);
  }
  const arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
  const hidden = [
    globalThis, Object.prototype, arrayIterator, Object.getPrototypeOf(arrayIterator),
    Object.getPrototypeOf(new Map().entries()), Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(''[Symbol.iterator]()), Object.getPrototypeOf(Uint8Array),
    Object.getPrototypeOf(function* generator() {}), Object.getPrototypeOf(async function asyncFunction() {}),
  ];
  for (const v of hidden) add(v);
  return found;
}

function harden(roots, intrinsics) {
  const seen = new Set();
  const stack = roots.slice();
  while (stack.length > 0) {
    const obj = stack.pop();
    if (!isObject(obj) || seen.has(obj) || intrinsics.has(obj)) continue;
    seen.add(obj);
    if (!options.skipFreeze) freeze(obj);
    ownReferences(obj, (v) => stack.push(v));
  }
}

harden([globals, HeadersIteratorPrototype, ReadableStreamDefaultReader], realmIntrinsics());
return globals;
