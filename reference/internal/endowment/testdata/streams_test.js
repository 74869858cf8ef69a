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

test('a locked stream cannot be teed, and a consumed body stays locked', async () => {
  const s = new ReadableStream({ start(c) { c.close(); } });
  s.getReader();
  assertThrows(() => s.tee(), TypeError, 'tee of a locked stream');
  const r = new Response('x');
  await r.text();
  assertEquals(r.body.locked, true, 'a body read by text() stays locked');
  assertThrows(() => r.body.tee(), TypeError, 'tee of a consumed body');
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

test('streams and readers name their interface in Object.prototype.toString', () => {
  const stream = new ReadableStream();
  assertEquals(Object.prototype.toString.call(stream), '[object ReadableStream]', 'stream');
  assertEquals(Object.prototype.toString.call(stream.getReader()), '[object ReadableStreamDefaultReader]', 'reader');
});

// tick lets queued promise jobs run: what a stream does in reaction has happened after it.
async function tick() { for (let i = 0; i < 5; i++) await null; }

test('a chunk enqueued from outside pull that fulfils a pending read pulls again', async () => {
  let pulls = 0;
  let controller;
  const s = new ReadableStream({ start(c) { controller = c; }, pull() { pulls++; } });
  await tick();
  const r = s.getReader();
  const pending = r.read();
  await tick();
  assertEquals(pulls, 2, 'pulls after start and the read');
  controller.enqueue('a');
  await tick();
  assertEquals(pulls, 3, 'pulls after the enqueue emptied the queue again');
  assertEquals(await pending, { value: 'a', done: false }, 'the pending read');
});

test('pull waits for start to settle', async () => {
  let pulls = 0;
  let startDone;
  const s = new ReadableStream({
    start() { return new Promise((resolve) => { startDone = resolve; }); },
    pull(c) { pulls++; c.enqueue(pulls); },
  });
  const pending = s.getReader().read();
  await tick();
  assertEquals(pulls, 0, 'pulls before start settled');
  startDone();
  assertEquals((await pending).value, 1, 'the read after start');
});

test('pull is not called again while its promise is pending', async () => {
  let pulls = 0;
  let finish;
  const s = new ReadableStream({
    pull(c) { pulls++; return new Promise((resolve) => { finish = () => { c.enqueue(pulls); resolve(); }; }); },
  });
  const r = s.getReader();
  await tick();
  const first = r.read();
  const second = r.read();
  await tick();
  assertEquals(pulls, 1, 'pulls while the first is pending');
  finish();
  await tick();
  assertEquals(pulls, 2, 'pulls once the first settled');
  assertEquals((await first).value, 1, 'first read');
  finish();
  assertEquals((await second).value, 2, 'second read');
});

test('cancel of an errored stream rejects with the stored error', async () => {
  const boom = new Error('boom');
  const s = new ReadableStream({ start(c) { c.error(boom); } });
  assert((await assertRejects(s.cancel('why'), Error, 'cancel')) === boom, 'the stored error');
});

test('releaseLock rejects the closed promise of a reader of a readable stream', async () => {
  const r = new ReadableStream().getReader();
  let outcome = 'pending';
  r.closed.then(() => { outcome = 'resolved'; }, (err) => { outcome = err; });
  r.releaseLock();
  await tick();
  assert(outcome instanceof TypeError, `closed after releaseLock: ${outcome}`);
});

test('cancelling a tee branch after the source closed settles at once', async () => {
  const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
  const [a, b] = s.tee();
  assertEquals(await drain(a), [1, 2], 'branch 1 read to its end');
  let settled = false;
  b.cancel('late').then(() => { settled = true; });
  await tick();
  assertEquals(settled, true, 'the cancel of branch 2, whose chunks were never read');
});

test('cancel of a locked stream rejects with a TypeError', async () => {
  const s = new ReadableStream();
  s.getReader();
  await assertRejects(s.cancel('why'), TypeError, 'cancel of a locked stream');
});

test('desiredSize is 1 empty, 0 with a chunk queued or once closed, null once errored', async () => {
  let controller;
  const s = new ReadableStream({ start(c) { controller = c; } });
  assertEquals(controller.desiredSize, 1, 'empty');
  controller.enqueue('a');
  assertEquals(controller.desiredSize, 0, 'one chunk queued');
  controller.close();
  assertEquals(controller.desiredSize, 0, 'close requested');
  await s.getReader().read();
  assertEquals(controller.desiredSize, 0, 'closed');
  let errored;
  new ReadableStream({ start(c) { errored = c; } });
  errored.error(new Error('x'));
  assertEquals(errored.desiredSize, null, 'errored');
});
