// DOMException: WebIDL §3.14.1, https://webidl.spec.whatwg.org/#idl-DOMException
//
// Note: the legacy code constants (DOMException.ABORT_ERR and the like) are not defined;
// `code` is, from the table of names below.
// Note: DOMException extends Error here, so instances carry a stack as in engines that
// implement it natively.

// https://webidl.spec.whatwg.org/#dfn-error-names-table
const exceptionCodes = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

class DOMException extends Error {
  // https://webidl.spec.whatwg.org/#dom-domexception-domexception
  constructor(message, name) {
    super(message === undefined ? '' : String(message));
    const n = name === undefined ? 'Error' : String(name);
    defineProperty(this, 'name', { value: n, enumerable: false, configurable: true, writable: true });
    defineProperty(this, 'code', { value: exceptionCodes[n] || 0, enumerable: false, configurable: true, writable: true });
  }
}

// WebIDL §3.7.3: the class string of Object.prototype.toString.
defineProperty(DOMException.prototype, symbolToStringTag, { value: 'DOMException', configurable: true });

const abortError = (message) => new DOMException(message || 'This operation was aborted', 'AbortError');
