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

test('a DOMException names its interface in Object.prototype.toString', () => {
  assertEquals(Object.prototype.toString.call(new DOMException('x', 'AbortError')), '[object DOMException]', 'class string');
  assertEquals(String(new DOMException('gone', 'AbortError')), 'AbortError: gone', 'Error.prototype.toString still applies');
});

test('every name of the WebIDL error names table has its legacy code', () => {
  // https://webidl.spec.whatwg.org/#dfn-error-names-table: names with a legacy code.
  const table = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  for (const [name, code] of Object.entries(table)) {
    assertEquals(new DOMException('', name).code, code, `code of ${name}`);
  }
  for (const name of ['EncodingError', 'NotReadableError', 'UnknownError', 'ConstraintError', 'DataError', 'OperationError']) {
    assertEquals(new DOMException('', name).code, 0, `code of ${name}, a name without a legacy code`);
  }
});
