test('name, message and code come from the arguments and the names table', () => {
  const e = new DOMException('stopped', 'AbortError');
  assertEquals(e.name, 'AbortError', 'name');
  assertEquals(e.message, 'stopped', 'message');
  assertEquals(e.code, 20, 'code of AbortError');
  assertEquals(new DOMException('', 'TimeoutError').code, 23, 'code of TimeoutError');
});

test('defaults are an empty message, the name "Error" and code 0', () => {
  const e = new DOMException();
  assertEquals(e.message, '', 'message');
  assertEquals(e.name, 'Error', 'name');
  assertEquals(e.code, 0, 'code');
  assertEquals(new DOMException('x', 'NoSuchName').code, 0, 'code of a name not in the table');
});

test('is an Error whose name and code are not enumerable', () => {
  const e = new DOMException('m', 'SyntaxError');
  assert(e instanceof Error, 'instanceof Error');
  assert(e instanceof DOMException, 'instanceof DOMException');
  assertEquals(Object.keys(e), [], 'own enumerable keys');
});
