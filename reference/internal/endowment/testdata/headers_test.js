test('iteration is sorted by name and combines values of one name', () => {
  const h = new Headers();
  h.append('b', '1');
  h.append('A', '2');
  h.append('B', '3');
  h.append('c-d', '4');
  assertEquals([...h], [['a', '2'], ['b', '1, 3'], ['c-d', '4']], 'entries');
  assertEquals([...h.keys()], ['a', 'b', 'c-d'], 'keys');
  assertEquals([...h.values()], ['2', '1, 3', '4'], 'values');
  assertEquals(h.get('b'), '1, 3', 'get combines');
  assertEquals(h.get('missing'), null, 'get of a missing name');
});

test('set-cookie values are iterated one by one, never combined', () => {
  const h = new Headers([['set-cookie', 'a=1'], ['x', 'y'], ['Set-Cookie', 'b=2']]);
  assertEquals([...h], [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x', 'y']], 'entries');
  assertEquals(h.getSetCookie(), ['a=1', 'b=2'], 'getSetCookie');
});

test('an iterator sees mutations made while it runs', () => {
  const h = new Headers({ a: '1', c: '3' });
  const it = h.entries();
  assertEquals(it.next().value, ['a', '1'], 'first');
  h.append('b', '2');
  assertEquals(it.next().value, ['b', '2'], 'a name added before the position');
  h.delete('a');
  assertEquals(it.next(), { done: true }, 'the list shrank under the position');
  assertEquals(it.next(), { done: true }, 'stays done');
});

test('forEach passes value, name and the headers object', () => {
  const h = new Headers({ b: '2', a: '1' });
  const seen = [];
  const self = {};
  h.forEach(function (value, name, headers) { seen.push([value, name, headers === h, this === self]); }, self);
  assertEquals(seen, [['1', 'a', true, true], ['2', 'b', true, true]], 'calls');
  assertThrows(() => h.forEach(null), TypeError, 'a non-function callback');
});

test('set replaces every value of a name in the place of the first', () => {
  const h = new Headers([['x', '1'], ['y', '2'], ['x', '3']]);
  h.set('X', '4');
  assertEquals([...h], [['x', '4'], ['y', '2']], 'entries');
  assertEquals(h.has('x'), true, 'has');
  h.delete('x');
  assertEquals(h.has('x'), false, 'deleted');
});

test('values are normalised and names and values are validated', () => {
  const h = new Headers();
  h.append('x', ' \t padded \n');
  assertEquals(h.get('x'), 'padded', 'normalised value');
  assertThrows(() => h.append('bad name', 'v'), TypeError, 'a space in a name');
  assertThrows(() => h.append('', 'v'), TypeError, 'an empty name');
  assertThrows(() => h.append('x', 'a\nb'), TypeError, 'a newline inside a value');
  h.append('latin', '\u00e9');
  assertEquals(h.get('latin'), '\u00e9', 'a Latin-1 value is a ByteString');
  assertThrows(() => h.append('x', '\u0100'), TypeError, 'a value beyond U+00FF is no ByteString');
  assertThrows(() => new Headers({ x: '\u20ac' }), TypeError, 'nor in a record');
  assertThrows(() => new Headers([['only-one']]), TypeError, 'a pair of one item');
  assertThrows(() => new Headers(5), TypeError, 'a number as init');
});

test('guards: request headers drop forbidden names, response headers are immutable', () => {
  const req = new Request('http://127.0.0.1/', { headers: { cookie: 'c', 'proxy-x': 'p', 'x-ok': '1' } });
  assertEquals([...req.headers], [['x-ok', '1']], 'request headers');
  const res = Response.error();
  assertThrows(() => res.headers.append('x', '1'), TypeError, 'immutable append');
  assertThrows(() => res.headers.delete('x'), TypeError, 'immutable delete');
});

test('the iterator protocol has WebIDL shape', () => {
  assert(Headers.prototype[Symbol.iterator] === Headers.prototype.entries, '@@iterator is entries');
  const it = new Headers().keys();
  assertEquals(Object.prototype.toString.call(it), '[object Headers Iterator]', 'toStringTag');
  assertThrows(() => it.next.call({}), TypeError, 'next on another object');
});

test('iteration sorts and combines once per change of the list, not once per step', () => {
  const h = new Headers();
  for (let i = 0; i < 50; i++) h.append(`x-${i}`, String(i));
  const sort = Array.prototype.sort;
  let sorts = 0;
  Array.prototype.sort = function (...args) { sorts++; return sort.apply(this, args); };
  try {
    assertEquals([...h].length, 50, 'entries');
    assertEquals(sorts, 1, 'sorts for one iteration of 50 headers');
    h.forEach(() => {});
    assertEquals(sorts, 1, 'sorts after forEach of an unchanged list');
    h.set('x-0', 'changed');
    assertEquals([...h.values()][0], 'changed', 'an iteration after a write sees it');
    assertEquals(sorts, 2, 'sorts after a write');
  } finally {
    Array.prototype.sort = sort;
  }
});

test('copies made from a header list are sorted from their own list', () => {
  const r = new Request('http://127.0.0.1/', { headers: { 'x-b': '1' } });
  assertEquals([...r.headers], [['x-b', '1']], 'original before');
  const c = r.clone();
  c.headers.append('x-a', '2');
  assertEquals([...c.headers], [['x-a', '2'], ['x-b', '1']], 'the clone');
  assertEquals([...r.headers], [['x-b', '1']], 'the original after');
  const j = Response.json({}, { headers: { 'x-z': '1' } });
  assertEquals([...j.headers], [['content-type', 'application/json'], ['x-z', '1']], 'Response.json headers');
});

test('iteration sorts names appended in any order', () => {
  // Values that sort before every name catch a comparator that looks at the wrong item.
  const names = ['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a', 'k', 'm', 'l'];
  const h = new Headers();
  for (const n of names) h.append(n, '0');
  assertEquals([...h.keys()], names.slice().sort(), 'keys');
  const mixed = new Headers([['x-b', 'a'], ['x-a', 'z'], ['x-c', ''], ['x-a', 'b']]);
  assertEquals([...mixed], [['x-a', 'z, b'], ['x-b', 'a'], ['x-c', '']], 'entries');
});

test('a name is a token: every tchar is accepted, every other character refused', () => {
  const tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const h = new Headers();
  h.append(tchars, 'v');
  assertEquals(h.get(tchars), 'v', 'a name of every tchar');
  for (const c of '"(),/:;<=>?@[\\]{} \t\x00\x7f\u00e9') {
    assertThrows(() => h.append(`a${c}b`, 'v'), TypeError, `a name with ${JSON.stringify(c)}`);
  }
});

test('a value may hold anything but NUL, CR and LF inside it', () => {
  const h = new Headers();
  h.append('x', 'a\x01\t"\x7f\u00ffb');
  assertEquals(h.get('x'), 'a\x01\t"\x7f\u00ffb', 'a value of other controls and Latin-1');
  for (const c of '\x00\r\n') {
    assertThrows(() => h.append('x', `a${c}b`), TypeError, `a value with ${JSON.stringify(c)} inside`);
  }
  // Normalisation strips leading and trailing whitespace, not NUL.
  assertThrows(() => h.append('x', '\x00a'), TypeError, 'a value that starts with NUL');
});

test('every forbidden request (and response) header name is dropped, and only those', () => {
  const forbidden = ['accept-charset', 'accept-encoding', 'access-control-request-headers',
    'access-control-request-method', 'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt',
    'expect', 'host', 'keep-alive', 'origin', 'referer', 'set-cookie', 'te', 'trailer',
    'transfer-encoding', 'upgrade', 'via', 'proxy-x', 'sec-x'];
  const allowed = ['accept', 'content-type', 'cookie3', 'x-date', 'set-cookie2', 'proxy', 'sec'];
  const init = {};
  for (const name of [...forbidden, ...allowed]) init[name.toUpperCase()] = 'v';
  const req = new Request('http://127.0.0.1/', { headers: init });
  assertEquals([...req.headers.keys()], allowed.slice().sort(), 'names kept on a request');
  const res = new Response(null, { headers: { 'Set-Cookie': 'a', 'SET-COOKIE2': 'b', cookie: 'c', 'set-cookie3': 'd' } });
  assertEquals([...res.headers.keys()], ['cookie', 'set-cookie3'], 'a Response drops only the forbidden response header names');
});
