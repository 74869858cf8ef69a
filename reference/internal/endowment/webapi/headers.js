// Headers: Fetch Standard §5.2, https://fetch.spec.whatwg.org/#headers-class
//
// A header list is an array of [lowercased name, value] pairs in insertion order; the
// iterators and forEach see it sorted and combined.
// Note: names are stored lowercased where the spec keeps the case they were given in;
// every getter and iterator lowercases them anyway, so only the request on the wire
// differs (and Go's HTTP client canonicalises header names there).
// Note: the "request-no-cors" guard does not exist: this endowment sends no no-cors
// requests.

// https://fetch.spec.whatwg.org/#concept-headers-guard
const headersState = newSlotStore();
// The syntax checks below are loops over char codes, not regular expressions or Sets:
// a RegExp or Set built here would make the engine build its RegExp or Set intrinsics for
// every vat, and calling their prototype methods would let vat code that replaced
// RegExp.prototype.test or Set.prototype.has decide what the endowment accepts.

// https://httpwg.org/specs/rfc9110.html#tokens (token = 1*tchar), used for header names
// and methods.
function isToken(s) {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) continue;
    switch (c) {
      // ! # $ % & ' * + - . ^ _ ` | ~
      case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
      case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
        continue;
      default:
        return false;
    }
  }
  return true;
}

// https://fetch.spec.whatwg.org/#header-value: no NUL, CR or LF.
function hasInvalidValueCode(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0d || c === 0x0a) return true;
  }
  return false;
}

// https://fetch.spec.whatwg.org/#forbidden-request-header (the names listed there; the
// proxy- and sec- prefixes are checked by isForbidden)
function isForbiddenRequestHeaderName(name) {
  switch (name) {
    case 'accept-charset': case 'accept-encoding': case 'access-control-request-headers':
    case 'access-control-request-method': case 'connection': case 'content-length': case 'cookie':
    case 'cookie2': case 'date': case 'dnt': case 'expect': case 'host': case 'keep-alive':
    case 'origin': case 'referer': case 'set-cookie': case 'te': case 'trailer':
    case 'transfer-encoding': case 'upgrade': case 'via':
      return true;
    default:
      return false;
  }
}

// https://fetch.spec.whatwg.org/#forbidden-response-header-name
function isForbiddenResponseHeaderName(name) {
  return name === 'set-cookie' || name === 'set-cookie2';
}

// https://fetch.spec.whatwg.org/#concept-header-value-normalize
function normalizeValue(value) {
  return String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

function validateName(name) {
  const n = String(name);
  if (!isToken(n)) throw new TypeError(`Invalid header name: "${n}"`);
  return n.toLowerCase();
}

// A header value is a WebIDL ByteString: a code unit above U+00FF is a TypeError.
// https://webidl.spec.whatwg.org/#es-ByteString
function validateValue(value) {
  const v = normalizeValue(value);
  if (hasInvalidValueCode(v)) throw new TypeError(`Invalid header value: "${v}"`);
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) > 0xff) throw new TypeError(`Invalid header value: "${v}" is not a ByteString`);
  }
  return v;
}

// https://fetch.spec.whatwg.org/#forbidden-request-header
function isForbidden(guard, name) {
  if (guard === 'request') {
    return isForbiddenRequestHeaderName(name) || name.startsWith('proxy-') || name.startsWith('sec-');
  }
  if (guard === 'response') return isForbiddenResponseHeaderName(name);
  return false;
}

class Headers {
  // https://fetch.spec.whatwg.org/#dom-headers
  constructor(init) {
    slotSet(headersState, this, { list: [], guard: 'none', sorted: null });
    if (init !== undefined) fillHeaders(this, init);
  }
  // https://fetch.spec.whatwg.org/#dom-headers-append
  append(name, value) {
    const h = headersOf(this);
    const n = validateName(name);
    const v = validateValue(value);
    if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
    if (isForbidden(h.guard, n)) return;
    h.list.push([n, v]);
    h.sorted = null;
  }
  // https://fetch.spec.whatwg.org/#dom-headers-delete
  delete(name) {
    const h = headersOf(this);
    const n = validateName(name);
    if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
    if (isForbidden(h.guard, n)) return;
    h.list = h.list.filter((e) => e[0] !== n);
    h.sorted = null;
  }
  // https://fetch.spec.whatwg.org/#dom-headers-get
  get(name) {
    const h = headersOf(this);
    const n = validateName(name);
    const values = h.list.filter((e) => e[0] === n).map((e) => e[1]);
    return values.length === 0 ? null : values.join(', ');
  }
  // https://fetch.spec.whatwg.org/#dom-headers-getsetcookie
  getSetCookie() {
    return headersOf(this).list.filter((e) => e[0] === 'set-cookie').map((e) => e[1]);
  }
  // https://fetch.spec.whatwg.org/#dom-headers-has
  has(name) {
    const h = headersOf(this);
    const n = validateName(name);
    return h.list.some((e) => e[0] === n);
  }
  // https://fetch.spec.whatwg.org/#dom-headers-set
  set(name, value) {
    const h = headersOf(this);
    const n = validateName(name);
    const v = validateValue(value);
    if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
    if (isForbidden(h.guard, n)) return;
    const i = h.list.findIndex((e) => e[0] === n);
    h.sorted = null;
    if (i < 0) {
      h.list.push([n, v]);
      return;
    }
    h.list[i] = [n, v];
    h.list = h.list.filter((e, j) => j <= i || e[0] !== n);
  }
  // https://webidl.spec.whatwg.org/#es-forEach
  forEach(callback, thisArg) {
    if (typeof callback !== 'function') throw new TypeError('Headers.forEach: callback is not a function');
    const pairs = sortAndCombine(headersOf(this));
    for (const [n, v] of pairs) callback.call(thisArg, v, n, this);
  }
  // https://webidl.spec.whatwg.org/#es-iterable-entries
  entries() { return makeIterator(this, (p) => [p[0], p[1]]); }
  keys() { return makeIterator(this, (p) => p[0]); }
  values() { return makeIterator(this, (p) => p[1]); }
}
// WebIDL pair iterables: @@iterator is the same function object as entries.
defineProperty(Headers.prototype, symbolIterator, { value: Headers.prototype.entries, writable: true, configurable: true });
defineProperty(Headers.prototype, symbolToStringTag, { value: 'Headers', configurable: true });

function headersOf(headers) {
  const h = slotGet(headersState, headers);
  if (!h) throw new TypeError('Illegal invocation: not a Headers object');
  return h;
}

// https://fetch.spec.whatwg.org/#concept-headers-fill
function fillHeaders(headers, init) {
  if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
    throw new TypeError('Headers init must be an object or a sequence of pairs');
  }
  if (slotHas(headersState, init)) {
    const list = slotGet(headersState, init).list;
    for (let i = 0; i < list.length; i++) Headers.prototype.append.call(headers, list[i][0], list[i][1]);
    return;
  }
  if (typeof init[symbolIterator] === 'function') {
    for (const pair of init) {
      if (pair === null || typeof pair !== 'object' || typeof pair[symbolIterator] !== 'function') {
        throw new TypeError('Each header pair must be a sequence');
      }
      const items = Array.from(pair);
      if (items.length !== 2) throw new TypeError('Each header pair must have exactly two items');
      Headers.prototype.append.call(headers, items[0], items[1]);
    }
    return;
  }
  for (const key of Reflect.ownKeys(init)) {
    const desc = Reflect.getOwnPropertyDescriptor(init, key);
    if (desc === undefined || !desc.enumerable) continue;
    if (typeof key === 'symbol') throw new TypeError('Header names cannot be symbols');
    Headers.prototype.append.call(headers, key, init[key]);
  }
}

// https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine
// The result is kept in h.sorted until the list changes (every write sets it to null), so
// that iterating n headers sorts once, O(n log n), instead of once per step. An iterator
// still reads the current list at every step, as the WebIDL iterator of a pair iterable
// does, so mutations during iteration are seen.
function sortAndCombine(h) {
  if (h.sorted !== null) return h.sorted;
  // A stable sort keeps the values of one name in list order.
  const entries = h.list.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out = [];
  for (const [n, v] of entries) {
    const last = out.length > 0 ? out[out.length - 1] : null;
    if (last !== null && last[0] === n && n !== 'set-cookie') last[1] = `${last[1]}, ${v}`;
    else out.push([n, v]);
  }
  h.sorted = out;
  return out;
}

// clearHeaders empties a header list whatever its guard (Response.json replaces the
// headers its Response constructor call put there).
function clearHeaders(headers) {
  const h = headersOf(headers);
  h.list = [];
  h.sorted = null;
}

// https://webidl.spec.whatwg.org/#es-iterator-prototype-object
const HeadersIteratorPrototype = Object.create(Object.getPrototypeOf(Object.getPrototypeOf([][symbolIterator]())));
const iteratorState = newSlotStore();
HeadersIteratorPrototype.next = function next() {
  const it = slotGet(iteratorState, this);
  if (!it) throw new TypeError('Illegal invocation: not a Headers iterator');
  const pairs = sortAndCombine(headersOf(it.target));
  if (it.index >= pairs.length) return { value: undefined, done: true };
  const value = it.project(pairs[it.index]);
  it.index += 1;
  return { value, done: false };
};
defineProperty(HeadersIteratorPrototype, symbolToStringTag, { value: 'Headers Iterator', configurable: true });

function makeIterator(headers, project) {
  headersOf(headers);
  const it = Object.create(HeadersIteratorPrototype);
  slotSet(iteratorState, it, { target: headers, project, index: 0 });
  return it;
}

function newHeaders(guard, list) {
  const headers = new Headers();
  const h = headersOf(headers);
  // An index loop: destructuring each pair would run two iterators per header.
  if (list) {
    for (let i = 0; i < list.length; i++) h.list.push([String(list[i][0]).toLowerCase(), String(list[i][1])]);
  }
  h.sorted = null;
  h.guard = guard;
  return headers;
}

function setGuard(headers, guard) {
  headersOf(headers).guard = guard;
}
