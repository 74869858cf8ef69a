// Every object reachable from the globals is frozen: prototypes, methods, getters and setters
// (the way SES harden walks them), and the iterator and reader prototypes vat code reaches
// through instances.
function unfrozenFrom(roots) {
  const seen = new Set();
  const stack = roots.map((r) => [r.name, r.value]);
  const unfrozen = [];
  while (stack.length > 0) {
    const [path, obj] = stack.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    seen.add(obj);
    if (obj === Object.prototype || obj === Function.prototype || obj === Error.prototype) continue;
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
  return unfrozen;
}

test('everything reachable from the globals is frozen, setters included', () => {
  const roots = [
    { name: 'fetch', value: fetch }, { name: 'Request', value: Request }, { name: 'Headers', value: Headers },
    { name: 'Response', value: Response }, { name: 'AbortController', value: AbortController },
    { name: 'AbortSignal', value: AbortSignal }, { name: 'DOMException', value: DOMException },
    { name: 'ReadableStream', value: ReadableStream }, { name: 'TextEncoder', value: TextEncoder },
    { name: 'TextDecoder', value: TextDecoder },
  ];
  assertEquals(unfrozenFrom(roots), [], 'unfrozen objects');
  const onabort = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'onabort');
  assert(Object.isFrozen(onabort.set) && Object.isFrozen(onabort.get), 'the onabort accessors');
});

test('the prototypes reached only through instances are frozen too', () => {
  const iterator = new Headers().entries();
  const reader = new ReadableStream().getReader();
  assertEquals(unfrozenFrom([
    { name: 'HeadersIterator', value: Object.getPrototypeOf(iterator) },
    { name: 'ReadableStreamDefaultReader', value: Object.getPrototypeOf(reader) },
  ]), [], 'unfrozen objects');
});

test('the runtime\'s own Object.prototype and Function.prototype are left alone', () => {
  // Hardening stops at the realm's intrinsics: freezing them would break vat code that
  // polyfills, and they are the vat's, not the endowment's.
  // Note: the realm's Error, Error.prototype and %IteratorPrototype% are frozen today, reached
  // through DOMException's [[Prototype]] and the Headers iterator prototype's.
  for (const [name, proto] of [['Object.prototype', Object.prototype], ['Function.prototype', Function.prototype]]) {
    assert(!Object.isFrozen(proto) && Object.isExtensible(proto), `${name} was frozen`);
  }
});
