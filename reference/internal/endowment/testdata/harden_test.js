// The realm's own intrinsics stay the vat's: hardening freezes the endowment's objects only.
// A fresh realm has every intrinsic extensible and unfrozen, and the ones below are reachable
// from an endowed global (DOMException extends Error, the Headers iterator prototype inherits
// %IteratorPrototype%), which is how a walk that does not stop at them would reach them.
const intrinsics = {
  'Object.prototype': Object.prototype,
  'Function.prototype': Function.prototype,
  'Array.prototype': Array.prototype,
  Error, 'Error.prototype': Error.prototype,
  'TypeError.prototype': TypeError.prototype,
  'RangeError.prototype': RangeError.prototype,
  'SyntaxError.prototype': SyntaxError.prototype,
  'Promise.prototype': Promise.prototype,
  'Map.prototype': Map.prototype,
  'Set.prototype': Set.prototype,
  '%IteratorPrototype%': Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
  '%ArrayIteratorPrototype%': Object.getPrototypeOf([][Symbol.iterator]()),
  'Uint8Array.prototype': Uint8Array.prototype,
  '%TypedArray%.prototype': Object.getPrototypeOf(Uint8Array.prototype),
  JSON, Math, Reflect, Symbol,
};

test('installing the endowment leaves the realm intrinsics mutable', () => {
  const frozen = Object.keys(intrinsics).filter((k) => Object.isFrozen(intrinsics[k]) || !Object.isExtensible(intrinsics[k]));
  assertEquals(frozen, [], 'intrinsics frozen or made non-extensible');
});

test('the override pattern works on an Error subclass', () => {
  class MyError extends Error {}
  MyError.prototype.name = 'MyError';
  assertEquals(new MyError('x').name, 'MyError', 'name of a MyError');
  assertEquals(String(new MyError('x')), 'MyError: x', 'MyError toString');
});

test('the endowment objects are still frozen', () => {
  const objects = {
    Headers, 'Headers.prototype': Headers.prototype, DOMException, 'DOMException.prototype': DOMException.prototype,
    'Headers Iterator': Object.getPrototypeOf(new Headers().entries()),
    ReadableStreamDefaultReader: Object.getPrototypeOf(new ReadableStream().getReader()),
    'AbortSignal.prototype': AbortSignal.prototype, fetch,
  };
  const unfrozen = Object.keys(objects).filter((k) => !Object.isFrozen(objects[k]));
  assertEquals(unfrozen, [], 'endowment objects left unfrozen');
});

test('no object reachable from the realm intrinsics is frozen', () => {
  // The full closure of what the global object reaches, leaving out the endowed globals;
  // %ThrowTypeError% is frozen in every realm (ECMA-262 §10.2.4.1).
  const endowed = new Set(['fetch', 'Request', 'Headers', 'Response', 'AbortController', 'AbortSignal',
    'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams']);
  const throwers = new Set();
  for (const key of ['caller', 'arguments']) {
    const d = Object.getOwnPropertyDescriptor(Function.prototype, key);
    if (d && d.get) throwers.add(d.get);
  }
  const arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
  const stack = [arrayIterator, Object.getPrototypeOf(new Map().entries()), Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(function* g() {}), Object.getPrototypeOf(async function f() {})];
  for (const key of Reflect.ownKeys(globalThis)) {
    if (!endowed.has(key)) stack.push(Reflect.getOwnPropertyDescriptor(globalThis, key).value);
  }
  // The global object itself (globalThis.globalThis) leads back to the endowed globals.
  const seen = new Set([globalThis]);
  const frozen = [];
  while (stack.length > 0) {
    const obj = stack.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    seen.add(obj);
    if (!throwers.has(obj) && (Object.isFrozen(obj) || !Object.isExtensible(obj))) {
      frozen.push(typeof obj === 'function' ? `function ${obj.name}` : Object.prototype.toString.call(obj));
    }
    for (const key of Reflect.ownKeys(obj)) {
      const d = Reflect.getOwnPropertyDescriptor(obj, key);
      stack.push(d.value, d.get, d.set);
    }
    stack.push(Object.getPrototypeOf(obj));
  }
  assert(seen.size > 100, `walked only ${seen.size} objects`);
  assertEquals(frozen, [], 'frozen intrinsics');
});

test('everything the endowment reaches short of the realm intrinsics is frozen, setters included', () => {
  // The walk harden makes, from every global and the prototypes reached only through
  // instances, stopping at the intrinsics above: what it leaves unfrozen, a vat can change.
  const stopAt = new Set(Object.values(intrinsics));
  const roots = [
    ['fetch', fetch], ['Request', Request], ['Headers', Headers], ['Response', Response],
    ['AbortController', AbortController], ['AbortSignal', AbortSignal], ['DOMException', DOMException],
    ['ReadableStream', ReadableStream], ['TextEncoder', TextEncoder], ['TextDecoder', TextDecoder],
    ['HeadersIterator', Object.getPrototypeOf(new Headers().entries())],
    ['ReadableStreamDefaultReader', Object.getPrototypeOf(new ReadableStream().getReader())],
  ];
  const seen = new Set();
  const stack = roots.slice();
  const unfrozen = [];
  while (stack.length > 0) {
    const [path, obj] = stack.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj) || stopAt.has(obj)) continue;
    seen.add(obj);
    if (!Object.isFrozen(obj)) unfrozen.push(path);
    for (const key of Reflect.ownKeys(obj)) {
      const desc = Reflect.getOwnPropertyDescriptor(obj, key);
      const name = `${path}.${String(key)}`;
      if ('value' in desc) stack.push([name, desc.value]);
      if (desc.get) stack.push([`${name}<get>`, desc.get]);
      if (desc.set) stack.push([`${name}<set>`, desc.set]);
    }
    stack.push([`${path}.<proto>`, Object.getPrototypeOf(obj)]);
  }
  assertEquals(unfrozen, [], 'unfrozen objects');
  const onabort = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'onabort');
  assert(Object.isFrozen(onabort.set) && Object.isFrozen(onabort.get), 'the onabort accessors');
});

test('URL and URLSearchParams, installed from Go, are frozen with their prototypes', () => {
  for (const [name, ctor] of [['URL', URL], ['URLSearchParams', URLSearchParams]]) {
    assert(Object.isFrozen(ctor), `${name} is not frozen`);
    assert(Object.isFrozen(ctor.prototype), `${name}.prototype is not frozen`);
  }
});
