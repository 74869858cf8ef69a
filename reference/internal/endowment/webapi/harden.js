// Hardening: every endowed global, every object reachable from it (prototypes, methods,
// accessors) and the iterator and reader prototypes are frozen, so one vat's code cannot
// change what another piece of code in the same vat, or the endowment itself, relies on.
//
// Note: this is not from a web standard; it is what an ocap endowment (SES harden) gives.

const globals = {
  fetch, Request, Headers, Response, AbortController, AbortSignal, DOMException,
  ReadableStream, TextEncoder, TextDecoder,
};

function harden(root) {
  // Index loops and no primitives on the stack: this walk runs for every vat, over about a
  // hundred objects, and iterator and descriptor objects were most of a vat's creation.
  const seen = new Set();
  const stack = [root];
  const ownKeys = Reflect.ownKeys;
  const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const push = (v) => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') stack.push(v);
  };
  while (stack.length > 0) {
    const obj = stack.pop();
    if (seen.has(obj)) continue;
    seen.add(obj);
    if (!options.skipFreeze) freeze(obj);
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
    const proto = getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== Function.prototype && proto !== Error.prototype && proto !== null) {
      stack.push(proto);
    }
  }
}

harden(globals);
harden(HeadersIteratorPrototype);
harden(ReadableStreamDefaultReader);
return globals;
