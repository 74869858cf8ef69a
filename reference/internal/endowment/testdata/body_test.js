test('text, json, arrayBuffer and bytes read the whole body', async () => {
  assertEquals(await new Response('héllo').text(), 'héllo', 'text');
  assertEquals(await new Response('{"a":[1]}').json(), { a: [1] }, 'json');
  const buf = await new Response(bytes(1, 2, 3)).arrayBuffer();
  assert(buf instanceof ArrayBuffer, 'an ArrayBuffer');
  assertEquals(Array.from(new Uint8Array(buf)), [1, 2, 3], 'arrayBuffer');
  assertEquals(Array.from(await new Response('ab').bytes()), [0x61, 0x62], 'bytes');
  assertEquals(await new Response(null).text(), '', 'a null body');
});

test('a body can be read once', async () => {
  const res = new Response('once');
  assertEquals(res.bodyUsed, false, 'before');
  await res.text();
  assertEquals(res.bodyUsed, true, 'after');
  await assertRejects(res.text(), TypeError, 'a second read');
});

test('body extraction sets the content type', async () => {
  assertEquals(new Response('s').headers.get('content-type'), 'text/plain;charset=UTF-8', 'string');
  assertEquals(new Response(new URLSearchParams('a=1')).headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8', 'URLSearchParams');
  assertEquals(new Response(bytes(1)).headers.get('content-type'), null, 'bytes');
  assertEquals(new Response('s', { headers: { 'content-type': 'x/y' } }).headers.get('content-type'), 'x/y', 'an explicit type wins');
});

test('a ReadableStream body is read through, and a locked one is refused', async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue(bytes(0x6F)); c.enqueue(bytes(0x6B)); c.close(); } });
  const res = new Response(stream);
  assert(res.body === stream, 'body is the stream');
  assertEquals(await res.text(), 'ok', 'text');
  const locked = new ReadableStream();
  locked.getReader();
  assertThrows(() => new Response(locked), TypeError, 'a locked stream');
  const bad = new Response(new ReadableStream({ start(c) { c.enqueue('not bytes'); c.close(); } }));
  await assertRejects(bad.text(), TypeError, 'a chunk that is not a Uint8Array');
});

test('invalid UTF-8 in text() becomes U+FFFD and a BOM is dropped', async () => {
  assertEquals(await new Response(bytes(0xEF, 0xBB, 0xBF, 0x61, 0xFF)).text(), 'a\uFFFD', 'text');
});

test('blob() and formData() consume the body, then reject: there is no Blob or FormData', async () => {
  for (const method of ['blob', 'formData']) {
    const r = new Response('a=1');
    let threw = null;
    try {
      await r[method]();
    } catch (e) {
      threw = e;
    }
    assertEquals([threw instanceof TypeError, r.bodyUsed], [true, true], `${method}() rejects with a TypeError and leaves the body used`);
  }
});
