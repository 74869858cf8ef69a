test('status must be in 200..599', () => {
  assertEquals(new Response().status, 200, 'default');
  assertEquals(new Response(null, { status: 599 }).status, 599, '599');
  assertEquals(new Response(null, { status: 200 }).ok, true, 'ok at 200');
  assertEquals(new Response(null, { status: 300 }).ok, false, 'not ok at 300');
  assertThrows(() => new Response(null, { status: 199 }), RangeError, '199');
  assertThrows(() => new Response(null, { status: 600 }), RangeError, '600');
  // status is a WebIDL unsigned short: truncated, modulo 2^16 (no [EnforceRange]), then
  // range-checked.
  assertEquals(new Response(null, { status: 200.5 }).status, 200, 'a fraction is truncated');
  assertThrows(() => new Response(null, { status: 199.9 }), RangeError, '199.9 is 199');
  assertEquals(new Response(null, { status: '404' }).status, 404, 'a numeric string');
  assertEquals(new Response(null, { status: 65736 }).status, 200, 'modulo 2^16');
  assertThrows(() => new Response(null, { status: NaN }), RangeError, 'NaN is 0');
  assertThrows(() => new Response(null, { status: 600, headers: null }), TypeError, 'the init is converted before the status is checked');
  assertThrows(() => new Response(null, { status: 101, statusText: 'bad\u0100' }), TypeError, 'a statusText that is no ByteString, before the status');
  assertThrows(() => Response.json([1], { status: 101, headers: 'x' }), TypeError, 'Response.json converts its init first too');
  assertEquals(Response.redirect('http://127.0.0.1/', 301.9).status, 301, 'Response.redirect converts its status as an unsigned short');
});

test('statusText is validated and null-body statuses refuse a body', () => {
  assertEquals(new Response(null, { statusText: 'Fine' }).statusText, 'Fine', 'statusText');
  assertThrows(() => new Response(null, { statusText: 'a\nb' }), TypeError, 'a newline');
  // reason-phrase = *( HTAB / SP / VCHAR / obs-text )
  const reason = '\t ~\x80\u00ffOK';
  assertEquals(new Response(null, { statusText: reason }).statusText, reason, 'tab, space, VCHAR and obs-text');
  for (const c of '\x00\x08\x0a\x1f\x7f\u0100') {
    assertThrows(() => new Response(null, { statusText: `a${c}` }), TypeError, `statusText ending in ${JSON.stringify(c)}`);
    assertThrows(() => new Response(null, { statusText: `${c}a` }), TypeError, `statusText starting with ${JSON.stringify(c)}`);
  }
  for (const status of [204, 205, 304]) {
    assertThrows(() => new Response('x', { status }), TypeError, `${status} with a body`);
  }
  for (const status of [200, 202, 206, 303]) {
    assertEquals(new Response('x', { status }).status, status, `${status} with a body`);
  }
  for (const status of [301, 302, 303, 307, 308]) {
    assertEquals(Response.redirect('http://127.0.0.1/', status).status, status, `redirect ${status}`);
  }
  for (const status of [200, 300, 304, 306, 309]) {
    assertThrows(() => Response.redirect('http://127.0.0.1/', status), RangeError, `redirect ${status}`);
  }
  assertThrows(() => new Response('x', { status: 204 }), TypeError, '204 with a body');
  assertEquals(new Response(null, { status: 204 }).body, null, '204 without a body');
});

test('Response.error, Response.redirect and Response.json', async () => {
  const e = Response.error();
  assertEquals([e.type, e.status, e.ok], ['error', 0, false], 'error');
  const r = Response.redirect('http://127.0.0.1/next', 301);
  assertEquals([r.status, r.headers.get('location')], [301, 'http://127.0.0.1/next'], 'redirect');
  assertThrows(() => Response.redirect('http://127.0.0.1/', 200), RangeError, 'a redirect status of 200');
  const j = Response.json({ a: 1 }, { status: 201, headers: { 'x-y': 'z' } });
  assertEquals([j.status, j.headers.get('content-type'), j.headers.get('x-y'), await j.json()],
    [201, 'application/json', 'z', { a: 1 }], 'json');
  assertThrows(() => Response.json(undefined), TypeError, 'undefined data');
});

test('clone gives two readable bodies and refuses a used one', async () => {
  const r = new Response('twice', { headers: { 'x-a': '1' } });
  const c = r.clone();
  assertEquals([await r.text(), await c.text(), c.headers.get('x-a')], ['twice', 'twice', '1'], 'clone');
  assertThrows(() => r.clone(), TypeError, 'clone of a used response');
});

test('members check their receiver', () => {
  const status = Object.getOwnPropertyDescriptor(Response.prototype, 'status').get;
  assertThrows(() => status.call({}), TypeError, 'status on a plain object');
  assertEquals(Object.prototype.toString.call(new Response()), '[object Response]', 'toStringTag');
});

test('a clone of a response without a body has none either', async () => {
  for (const r of [new Response(null, { status: 204 }), new Response(), Response.redirect('http://127.0.0.1/', 307)]) {
    const c = r.clone();
    assertEquals([c.status, c.body, c.bodyUsed], [r.status, null, false], `clone of a ${r.status}`);
    assertEquals(await c.text(), '', `text of the clone of a ${r.status}`);
    assertEquals(Array.from(await c.bytes()), [], `bytes of the clone of a ${r.status}`);
  }
});

test('ResponseInit must be an object, a function, null or undefined', () => {
  for (const init of [5, 'x', true]) {
    assertThrows(() => new Response(null, init), TypeError, `init ${String(init)}`);
  }
  const fn = () => {};
  fn.status = 201;
  assertEquals(new Response(null, fn).status, 201, 'a function is an object');
});

test('exactly 204, 205 and 304 refuse a body among the constructible statuses', () => {
  for (const status of [204, 205, 304]) {
    assertThrows(() => new Response('x', { status }), TypeError, `${status} with a body`);
    assertEquals(new Response('', { status: 200 }).status, 200, 'an empty string is a body for 200');
  }
  for (const status of [200, 203, 206, 303, 305, 404]) {
    assertEquals(new Response('x', { status }).status, status, `${status} with a body`);
  }
});

test('every accessor and method of Request and Response checks its receiver', async () => {
  for (const [name, proto] of [['Request', Request.prototype], ['Response', Response.prototype]]) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || key === Symbol.toStringTag) continue;
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      const fn = desc.get || desc.value;
      if (typeof fn !== 'function') continue;
      // WebIDL: a TypeError, thrown, or as the rejection of a promise-returning operation.
      let failure = null;
      try {
        const result = fn.call({});
        if (result && typeof result.then === 'function') await result.then(null, (err) => { failure = err; });
      } catch (err) {
        failure = err;
      }
      assert(failure instanceof TypeError, `${name}.prototype.${String(key)} on a plain object: ${failure}`);
    }
  }
});
