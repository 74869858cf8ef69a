// DOMException: WebIDL §3.14.1, https://webidl.spec.whatwg.org/#idl-DOMException
//
// Note: the legacy code constants (DOMException.ABORT_ERR and the like) are not defined;
// `code` is, from the table of names below.
// Note: DOMException extends Error here, so instances carry a stack as in engines that
// implement it natively; name, message and code are accessors of DOMException.prototype over
// internal state, as WebIDL attributes are, not properties of each instance.

// https://webidl.spec.whatwg.org/#dfn-error-names-table, without a prototype: a name such as
// "toString" or "constructor" is a name outside the table, with code 0.
const exceptionCodes = {
  __proto__: null,
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
const exceptionState = newSlotStore();

class DOMException extends Error {
  // https://webidl.spec.whatwg.org/#dom-domexception-domexception
  constructor(message, name) {
    super();
    slotSet(exceptionState, this, { message: message === undefined ? '' : String(message), name: name === undefined ? 'Error' : String(name) });
  }
  // https://webidl.spec.whatwg.org/#dom-domexception-name
  get name() { return exceptionOf(this).name; }
  // https://webidl.spec.whatwg.org/#dom-domexception-message
  get message() { return exceptionOf(this).message; }
  // https://webidl.spec.whatwg.org/#dom-domexception-code
  get code() { return exceptionCodes[exceptionOf(this).name] || 0; }
}

function exceptionOf(e) {
  const d = slotGet(exceptionState, e);
  if (!d) throw new TypeError('Illegal invocation: not a DOMException');
  return d;
}

// WebIDL §3.7.3: the class string of Object.prototype.toString.
defineProperty(DOMException.prototype, symbolToStringTag, { value: 'DOMException', configurable: true });

const abortError = (message) => new DOMException(message || 'This operation was aborted', 'AbortError');
