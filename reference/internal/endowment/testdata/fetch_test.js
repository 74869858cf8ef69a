// serverURL is a loopback server on the allowlist (see webapi_test.go for its routes).

test('fetch resolves with the status, headers and body the server sent', async () => {
  const res = await fetch(serverURL + '/hello');
  assertEquals([res.status, res.ok, res.type, res.redirected, res.url], [200, true, 'basic', false, serverURL + '/hello'], 'members');
  assertEquals(res.headers.get('x-test'), 'yes', 'a response header');
  assertThrows(() => res.headers.set('x-test', 'no'), TypeError, 'response headers are immutable');
  assertEquals(await res.text(), 'hello', 'body');
});

test('a redirect is followed and reported', async () => {
  const res = await fetch(serverURL + '/redirect');
  assertEquals([res.status, res.redirected, res.url], [200, true, serverURL + '/hello'], 'members');
  const manual = await fetch(serverURL + '/redirect', { redirect: 'manual' });
  assertEquals([manual.type, manual.status], ['opaqueredirect', 0], 'manual');
  await assertRejects(fetch(serverURL + '/redirect', { redirect: 'error' }), TypeError, 'redirect mode error');
});

test('a host off the allowlist is refused with a TypeError', async () => {
  const err = await assertRejects(fetch('http://denied.invalid/'), TypeError, 'a denied host');
  assert(err.message.includes('Invalid host: denied.invalid'), `message: ${err.message}`);
  await assertRejects(fetch('ftp://127.0.0.1/'), TypeError, 'another scheme');
});

test('abort rejects a pending fetch with the signal reason', async () => {
  const c = new AbortController();
  const pending = fetch(serverURL + '/hang', { signal: c.signal });
  c.abort('gave up');
  try {
    await pending;
    throw new Error('fetch did not reject');
  } catch (err) {
    assertEquals(err, 'gave up', 'rejection');
  }
  await assertRejects(fetch(serverURL + '/hello', { signal: AbortSignal.abort() }), DOMException, 'an aborted signal');
});

test('a request body is sent, with its content type', async () => {
  const res = await fetch(serverURL + '/echo', { method: 'POST', body: 'ping' });
  assertEquals(await res.text(), 'POST text/plain;charset=UTF-8 ping', 'echo');
  const streamed = await fetch(serverURL + '/echo', {
    method: 'PUT', duplex: 'half',
    body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('st')); c.enqueue(new TextEncoder().encode('ream')); c.close(); } }),
  });
  assertEquals(await streamed.text(), 'PUT  stream', 'a streamed body');
});

// Every object reachable from an endowed global through any own property (data or
// accessor, every key: harden skips a function's length and name, which must therefore be
// primitive data properties) or prototype, short of the realm's intrinsics, is frozen.
test('everything reachable from the globals is frozen', () => {
  const roots = [fetch, Request, Headers, Response, AbortController, AbortSignal, DOMException,
    ReadableStream, TextEncoder, TextDecoder, new Headers().entries(), new ReadableStream().getReader()];
  // The walk stops at the realm's intrinsics, which hardening leaves mutable (harden_test.js).
  const arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
  const realm = new Set([Object.prototype, Function.prototype, Array.prototype, Error, Error.prototype,
    Promise.prototype, Set.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype),
    arrayIterator, Object.getPrototypeOf(arrayIterator), Symbol, Reflect, globalThis]);
  const seen = new Set();
  const stack = roots.slice();
  while (stack.length > 0) {
    const obj = stack.pop();
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    if (realm.has(obj)) continue;
    seen.add(obj);
    for (const key of Reflect.ownKeys(obj)) {
      const desc = Reflect.getOwnPropertyDescriptor(obj, key);
      if (typeof obj === 'function' && (key === 'length' || key === 'name')) {
        assert('value' in desc && (desc.value === null || typeof desc.value !== 'object') && typeof desc.value !== 'function',
          `${String(obj.name)}.${String(key)} is a primitive data property`);
      }
      if ('value' in desc) stack.push(desc.value);
      if (desc.get) stack.push(desc.get);
      if (desc.set) stack.push(desc.set);
    }
    stack.push(Object.getPrototypeOf(obj));
    // Instances (the iterator, the reader) are the vat's own; what they lead to is not.
    // Only a function's own name is read: a prototype's name may be an accessor that refuses it
    // (DOMException.prototype.name, a WebIDL attribute).
    const label = typeof obj === 'function' ? String(obj.name) : Object.prototype.toString.call(obj);
    if (!roots.slice(10).includes(obj)) assert(Object.isFrozen(obj), `${typeof obj} ${label} is frozen`);
  }
  assert(seen.size > 50, `walked ${seen.size} objects`);
});

test('fetch and the classes are frozen', () => {
  assert(Object.isFrozen(fetch) && Object.isFrozen(Headers.prototype) && Object.isFrozen(Response), 'frozen');
  assertEquals(fetch.prototype, undefined, 'fetch has no prototype property');
});

test('a response aborted after its headers can still be cloned, and both bodies reject', async () => {
  const c = new AbortController();
  const res = await fetch(serverURL + '/hello', { signal: c.signal });
  c.abort();
  const copy = res.clone();
  const original = await assertRejects(res.text(), DOMException, 'the original body');
  const cloned = await assertRejects(copy.text(), DOMException, 'the cloned body');
  assertEquals([original.name, cloned.name], ['AbortError', 'AbortError'], 'both reject with the abort reason');
});

test('20 redirects are followed; the 21st is a network error', async () => {
  const res = await fetch(serverURL + '/chain/20');
  assertEquals([res.status, res.redirected, res.url], [200, true, serverURL + '/hello'], 'after 20 redirects');
  assertEquals(await res.text(), 'hello', 'body after 20 redirects');
  const err = await assertRejects(fetch(serverURL + '/chain/21'), TypeError, '21 redirects');
  assert(err.message.includes('redirect'), `message: ${err.message}`);
});

test('responses with a null body status have a null body, whatever the server wrote', async () => {
  for (const status of [204, 205, 304]) {
    const res = await fetch(serverURL + '/status/' + status);
    assertEquals([res.status, res.body], [status, null], `status ${status}`);
    assertEquals(await res.text(), '', `text of ${status}`);
  }
  const ok = await fetch(serverURL + '/status/206');
  assert(ok.body !== null, 'a 206 has a body');
  assertEquals(await ok.text(), 'body', 'text of 206');
  const head = await fetch(serverURL + '/status/200', { method: 'HEAD' });
  assertEquals(head.body, null, 'the response to a HEAD');
});

test('aborting a fetch in the middle of a streamed upload rejects it and stops the upload', async () => {
  const c = new AbortController();
  let pulls = 0;
  const body = new ReadableStream({
    pull(controller) {
      pulls++;
      // Abort while a chunk is being produced: the upload pump then hands that chunk to a
      // call that is already gone.
      if (pulls === 3) c.abort();
      controller.enqueue(new Uint8Array(1024));
    },
  });
  const err = await assertRejects(fetch(serverURL + '/upload-hang', { method: 'POST', body, duplex: 'half', signal: c.signal }), DOMException, 'the aborted upload');
  assertEquals(err.name, 'AbortError', 'rejection');
  // A later fetch goes through: the endowment survived the orphaned chunk.
  assertEquals(await (await fetch(serverURL + '/hello')).text(), 'hello', 'a fetch after the abort');
  const after = pulls;
  await (await fetch(serverURL + '/hello')).text();
  assert(pulls <= after + 1, `the body was still pulled after the abort: ${after} then ${pulls}`);
});

test('a redirect to a Location that is not a URL is a network error', async () => {
  await assertRejects(fetch(serverURL + '/bad-location'), TypeError, 'an invalid Location');
});

test('a 101 response never hands the switched connection to the vat as a body', async () => {
  // 101 is a null body status: fetch may fail or give a Response, but never one whose body
  // reads the bytes of another protocol.
  let res = null;
  try {
    res = await fetch(serverURL + '/switch');
  } catch (err) {
    assert(err instanceof TypeError, `rejected with ${err}`);
  }
  if (res !== null) assertEquals([res.status, res.body], [101, null], 'the 101 response');
});

test('fetching a Request with a body uses the body up', async () => {
  const req = new Request(serverURL + '/echo', { method: 'POST', body: 'sent once' });
  assertEquals(req.bodyUsed, false, 'bodyUsed before the fetch');
  const res = await fetch(req);
  assertEquals(await res.text(), 'POST text/plain;charset=UTF-8 sent once', 'what the server received');
  assertEquals(req.bodyUsed, true, 'bodyUsed after the fetch');
  await assertRejects(fetch(req), TypeError, 'a second fetch of the used Request');
});
