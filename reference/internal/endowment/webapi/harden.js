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
  const seen = new Set();
  const stack = [root];
  while (stack.length > 0) {
    const obj = stack.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    seen.add(obj);
    if (!options.skipFreeze) freeze(obj);
    for (const key of Reflect.ownKeys(obj)) {
      const desc = Reflect.getOwnPropertyDescriptor(obj, key);
      if ('value' in desc) stack.push(desc.value);
      if (desc.get) stack.push(desc.get);
      if (desc.set) stack.push(desc.set);
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== Function.prototype && proto !== Error.prototype && proto !== null) {
      stack.push(proto);
    }
  }
}

harden(globals);
harden(HeadersIteratorPrototype);
harden(ReadableStreamDefaultReader);
return globals;
