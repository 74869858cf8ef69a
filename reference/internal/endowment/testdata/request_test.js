test('methods are validated and the standard ones upper-cased', () => {
  assertEquals(new Request('http://127.0.0.1/', { method: 'post' }).method, 'POST', 'post');
  assertEquals(new Request('http://127.0.0.1/', { method: 'patch' }).method, 'patch', 'patch is kept as given');
  assertThrows(() => new Request('http://127.0.0.1/', { method: 'CONNECT' }), TypeError, 'CONNECT');
  assertThrows(() => new Request('http://127.0.0.1/', { method: 'bad method' }), TypeError, 'not a token');
  const tchars = "!#$%&'*+-.^_`|~09azAZ";
  assertEquals(new Request('http://127.0.0.1/', { method: tchars }).method, tchars, 'a method of tchars');
  assertThrows(() => new Request('http://127.0.0.1/', { method: '' }), TypeError, 'an empty method');
  for (const c of '"(),/:;<=>?@[\\]{}\u00e9') {
    assertThrows(() => new Request('http://127.0.0.1/', { method: `GET${c}` }), TypeError, `a method with ${JSON.stringify(c)}`);
  }
});

test('URLs are parsed, and credentials in them are refused', () => {
  assertEquals(new Request('http://127.0.0.1:8080/a/../b?q').url, 'http://127.0.0.1:8080/b?q', 'normalised');
  assertThrows(() => new Request('http://user:pw@127.0.0.1/'), TypeError, 'credentials');
  assertThrows(() => new Request('not a url'), TypeError, 'an invalid URL');
});

test('GET and HEAD cannot have a body; a stream body needs duplex', () => {
  assertThrows(() => new Request('http://127.0.0.1/', { body: 'x' }), TypeError, 'GET with a body');
  assertThrows(() => new Request('http://127.0.0.1/', { method: 'HEAD', body: 'x' }), TypeError, 'HEAD with a body');
  assertThrows(() => new Request('http://127.0.0.1/', { method: 'POST', body: new ReadableStream() }), TypeError, 'a stream without duplex');
  assertEquals(new Request('http://127.0.0.1/', { method: 'POST', body: new ReadableStream(), duplex: 'half' }).method, 'POST', 'with duplex');
});

test('defaults of the fixed members and redirect modes', () => {
  const r = new Request('http://127.0.0.1/');
  assertEquals([r.method, r.redirect, r.mode, r.credentials, r.cache, r.referrer, r.destination, r.duplex],
    ['GET', 'follow', 'cors', 'same-origin', 'default', 'about:client', '', 'half'], 'members');
  assertEquals(new Request(r, { redirect: 'manual' }).redirect, 'manual', 'manual');
  assertThrows(() => new Request('http://127.0.0.1/', { redirect: 'nope' }), TypeError, 'an invalid mode');
});

test('mode, credentials and cache are validated and reflected; window must be null', () => {
  const r = new Request('http://127.0.0.1/', { mode: 'same-origin', credentials: 'omit', cache: 'only-if-cached', window: null });
  assertEquals([r.mode, r.credentials, r.cache], ['same-origin', 'omit', 'only-if-cached'], 'reflected');
  assertEquals(new Request(r).credentials, 'omit', 'kept by a copy');
  assertEquals(r.clone().cache, 'only-if-cached', 'kept by a clone');
  for (const [init, what] of [[{ mode: 'navigate' }, 'mode navigate'], [{ mode: 'bogus' }, 'an unknown mode'],
    [{ credentials: 'bogus' }, 'unknown credentials'], [{ cache: 'only-if-cached' }, 'only-if-cached without same-origin'],
    [{ window: {} }, 'a window'], [{ referrerPolicy: 'bogus' }, 'an unknown referrer policy'], [{ priority: 'bogus' }, 'an unknown priority']]) {
    assertThrows(() => new Request('http://127.0.0.1/', init), TypeError, what);
  }
  assertThrows(() => new Request('http://127.0.0.1/', { referrer: 'bad url' }), TypeError, 'a referrer that is no URL (a vat has no base)');
  assertEquals(new Request('http://127.0.0.1/', { referrer: 'http://127.0.0.1/ref' }).referrer, 'about:client', 'a URL referrer is accepted');
});

test('a Request built from a Request takes its body and leaves it used', async () => {
  const first = new Request('http://127.0.0.1/', { method: 'PUT', body: 'payload', headers: { 'x-a': '1' } });
  const second = new Request(first);
  assertEquals([second.method, second.headers.get('x-a')], ['PUT', '1'], 'copied members');
  assertEquals(first.bodyUsed, true, 'the input is used');
  assertEquals(await second.text(), 'payload', 'the body moved');
  assertThrows(() => new Request(first), TypeError, 'a used input');
});

test('clone copies headers independently and tees the body', async () => {
  const r = new Request('http://127.0.0.1/', { method: 'POST', body: 'b', headers: { 'x-a': '1' } });
  const c = r.clone();
  c.headers.set('x-a', '2');
  assertEquals(r.headers.get('x-a'), '1', 'the original headers');
  assertEquals([await r.text(), await c.text()], ['b', 'b'], 'both bodies');
  assertThrows(() => r.clone(), TypeError, 'clone of a used request');
});

test('a clone of a request without a body has none either', async () => {
  const c = new Request('http://127.0.0.1/').clone();
  assertEquals([c.body, c.bodyUsed, await c.text()], [null, false, ''], 'clone of a GET');
});

test('RequestInit must be an object, a function, null or undefined', () => {
  for (const init of [5, 'x', true, Symbol('s')]) {
    assertThrows(() => new Request('http://127.0.0.1/', init), TypeError, `init ${String(init)}`);
  }
  assertEquals(new Request('http://127.0.0.1/', null).method, 'GET', 'null');
  const fn = () => {};
  fn.method = 'PUT';
  assertEquals(new Request('http://127.0.0.1/', fn).method, 'PUT', 'a function is an object');
});

test('the body of a Request used as input cannot be read any more', async () => {
  const first = new Request('http://127.0.0.1/', { method: 'PUT', body: 'payload' });
  new Request(first);
  // The Fetch Standard pipes the input's stream into the new request (it stays locked);
  // either way not one byte of it is left to read.
  let chunk = null;
  try {
    chunk = await first.body.getReader().read();
  } catch (err) {
    assert(err instanceof TypeError, `reading the moved body threw ${err}`);
  }
  if (chunk !== null) assertEquals(chunk, { done: true }, 'a read of the moved body');
});
