test('abort() without a reason aborts with an AbortError DOMException', () => {
  const c = new AbortController();
  assertEquals(c.signal.aborted, false, 'aborted before');
  c.abort();
  assertEquals(c.signal.aborted, true, 'aborted after');
  assert(c.signal.reason instanceof DOMException, 'reason is a DOMException');
  assertEquals(c.signal.reason.name, 'AbortError', 'reason name');
  const err = assertThrows(() => c.signal.throwIfAborted(), DOMException, 'throwIfAborted');
  assert(err === c.signal.reason, 'throwIfAborted throws the reason itself');
});

test('the reason given is kept, and a second abort changes nothing', () => {
  const c = new AbortController();
  let events = 0;
  c.signal.addEventListener('abort', () => { events++; });
  c.abort('first');
  c.abort('second');
  assertEquals(c.signal.reason, 'first', 'reason');
  assertEquals(events, 1, 'abort events');
});

test('listeners run in registration order, onabort in the place it was first set', () => {
  const c = new AbortController();
  const order = [];
  c.signal.addEventListener('abort', () => order.push('a'));
  c.signal.onabort = () => order.push('handler');
  c.signal.addEventListener('abort', () => order.push('b'));
  c.signal.onabort = () => order.push('handler2'); // replaces the handler, keeps its place
  c.abort();
  assertEquals(order, ['a', 'handler2', 'b'], 'call order');
});

test('a listener object with handleEvent is called with itself as this', () => {
  const c = new AbortController();
  const seen = [];
  const listener = { handleEvent(event) { seen.push([this === listener, event.type, event.target === c.signal]); } };
  c.signal.addEventListener('abort', listener);
  c.abort();
  assertEquals(seen, [[true, 'abort', true]], 'handleEvent calls');
});

test('duplicate listeners are ignored, removed and once listeners do not run again', () => {
  const c = new AbortController();
  let calls = 0;
  const fn = () => { calls++; };
  const removed = () => { calls += 100; };
  c.signal.addEventListener('abort', fn);
  c.signal.addEventListener('abort', fn);
  c.signal.addEventListener('abort', removed);
  c.signal.removeEventListener('abort', removed);
  c.signal.addEventListener('other', removed);
  c.abort();
  assertEquals(calls, 1, 'calls');
});

test('a throwing listener does not stop the next one', () => {
  const c = new AbortController();
  let reached = false;
  c.signal.addEventListener('abort', () => { throw new Error('boom'); });
  c.signal.addEventListener('abort', () => { reached = true; });
  c.abort();
  assert(reached, 'the second listener ran');
});

test('AbortSignal.any follows its sources: dependent abort with the source reason', () => {
  const a = new AbortController();
  const b = new AbortController();
  const any = AbortSignal.any([a.signal, b.signal]);
  const events = [];
  any.addEventListener('abort', () => events.push(any.reason));
  assertEquals(any.aborted, false, 'aborted before');
  b.abort('from b');
  assertEquals(any.aborted, true, 'aborted after b');
  assertEquals(any.reason, 'from b', 'reason');
  a.abort('from a');
  assertEquals(events, ['from b'], 'dependent abort events');
  const already = AbortSignal.any([new AbortController().signal, AbortSignal.abort('done')]);
  assertEquals([already.aborted, already.reason], [true, 'done'], 'an already aborted source');
});

test('a Request signal follows the init signal', () => {
  const c = new AbortController();
  const req = new Request('http://127.0.0.1/', { signal: c.signal });
  assert(req.signal !== c.signal, 'the request has its own signal');
  c.abort('stop');
  assertEquals([req.signal.aborted, req.signal.reason], [true, 'stop'], 'request signal');
});

test('AbortSignal.abort and AbortSignal.timeout', async () => {
  const s = AbortSignal.abort();
  assertEquals([s.aborted, s.reason.name], [true, 'AbortError'], 'AbortSignal.abort()');
  const t = AbortSignal.timeout(0);
  assertEquals(t.aborted, false, 'timeout signal before its delay');
  const reason = await new Promise((resolve) => t.addEventListener('abort', () => resolve(t.reason)));
  assertEquals([reason instanceof DOMException, reason.name], [true, 'TimeoutError'], 'timeout reason');
  assertThrows(() => AbortSignal.timeout(-1), TypeError, 'negative timeout');
});

test('AbortSignal cannot be constructed, and its methods check their receiver', () => {
  assertThrows(() => new AbortSignal(), TypeError, 'new AbortSignal()');
  const getter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get;
  assertThrows(() => getter.call({}), TypeError, 'aborted on a plain object');
  assertThrows(() => AbortSignal.prototype.dispatchEvent.call(AbortSignal.abort(), {}), TypeError, 'dispatchEvent');
});

test('a listener is its callback and its capture flag', () => {
  const c = new AbortController();
  const calls = [];
  const both = () => calls.push('both');
  const kept = () => calls.push('kept');
  const removed = () => calls.push('removed');
  c.signal.addEventListener('abort', both);
  c.signal.addEventListener('abort', both, true);
  c.signal.addEventListener('abort', both, { capture: true }); // the same as the one above
  c.signal.addEventListener('abort', kept);
  c.signal.removeEventListener('abort', kept, { capture: true }); // another listener: kept stays
  c.signal.addEventListener('abort', removed, true);
  c.signal.removeEventListener('abort', removed, { capture: true });
  c.abort();
  assertEquals(calls, ['both', 'both', 'kept'], 'calls');
});

test('controllers and signals name their interface in Object.prototype.toString', () => {
  const c = new AbortController();
  assertEquals(Object.prototype.toString.call(c), '[object AbortController]', 'controller');
  assertEquals(Object.prototype.toString.call(c.signal), '[object AbortSignal]', 'signal');
});

test('AbortSignal.timeout accepts Number.MAX_SAFE_INTEGER and it does not fire early', async () => {
  const never = AbortSignal.timeout(Number.MAX_SAFE_INTEGER);
  const huge = AbortSignal.timeout(2 ** 40);
  // Timers fire in the order of their deadlines: one that overflowed would fire first.
  await new Promise((resolve) => AbortSignal.timeout(1).addEventListener('abort', resolve));
  assertEquals([never.aborted, huge.aborted], [false, false], 'aborted after a 1 ms timeout fired');
  assertThrows(() => AbortSignal.timeout(Number.MAX_SAFE_INTEGER + 2), TypeError, 'past MAX_SAFE_INTEGER');
});
