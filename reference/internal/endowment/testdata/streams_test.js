test('chunks are read in order, then done', async () => {
  const s = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } });
  assertEquals(await drain(s), ['a', 'b'], 'chunks');
});

test('pull is called on demand', async () => {
  let n = 0;
  const s = new ReadableStream({ pull(c) { n++; if (n > 3) c.close(); else c.enqueue(n); } });
  assertEquals(await drain(s), [1, 2, 3], 'chunks');
});

test('a reader locks the stream until it is released', () => {
  const s = new ReadableStream();
  const r = s.getReader();
  assertEquals(s.locked, true, 'locked');
  assertThrows(() => s.getReader(), TypeError, 'a second reader');
  r.releaseLock();
  assertEquals(s.locked, false, 'unlocked');
  s.getReader();
});

test('cancel passes its reason to the source and closes the stream', async () => {
  let got;
  const s = new ReadableStream({ cancel(reason) { got = reason; } });
  await s.cancel('why');
  assertEquals(got, 'why', 'reason');
  const r = s.getReader();
  assertEquals(await r.read(), { done: true }, 'a read after cancel');
});

test('an errored source rejects reads and the closed promise', async () => {
  const boom = new Error('boom');
  const s = new ReadableStream({ start(c) { c.error(boom); } });
  const r = s.getReader();
  const err = await assertRejects(r.read(), Error, 'read');
  assert(err === boom, 'the stored error');
  assert(await r.closed.then(() => false, (e) => e === boom), 'closed rejects with the error');
});

test('tee gives both branches every chunk', async () => {
  const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
  const [a, b] = s.tee();
  assertEquals(s.locked, true, 'the source is locked');
  assertEquals(await drain(a), [1, 2], 'branch 1');
  assertEquals(await drain(b), [1, 2], 'branch 2');
});

test('tee propagates an error of the source to both branches', async () => {
  let controller;
  const s = new ReadableStream({ start(c) { controller = c; } });
  const [a, b] = s.tee();
  const ra = a.getReader();
  const rb = b.getReader();
  const pending = ra.read();
  const boom = new Error('source failed');
  controller.error(boom);
  assert((await assertRejects(pending, Error, 'pending read of branch 1')) === boom, 'branch 1 error');
  assert((await assertRejects(rb.read(), Error, 'read of branch 2')) === boom, 'branch 2 error');
});

test('tee cancels the source only when both branches cancel, with both reasons', async () => {
  let got = null;
  const s = new ReadableStream({ cancel(reason) { got = reason; } });
  const [a, b] = s.tee();
  const first = a.cancel('r1');
  await Promise.resolve();
  assertEquals(got, null, 'after one branch');
  await Promise.all([first, b.cancel('r2')]);
  assertEquals(got, ['r1', 'r2'], 'composite reason');
});
