// Response: Fetch Standard §5.5, https://fetch.spec.whatwg.org/#response-class
//
// Note: a network response's statusText is the reason phrase the server sent; HTTP/2 has
// none, so it is "" there.

const responseState = newSlotStore();

// https://fetch.spec.whatwg.org/#null-body-status
function isNullBodyStatus(status) {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

// https://fetch.spec.whatwg.org/#redirect-status
function isRedirectStatus(status) {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

// https://webidl.spec.whatwg.org/#es-unsigned-short: ToNumber (unary plus throws for a
// symbol or a BigInt, as ToNumber does), NaN and the infinities to 0, the fraction dropped,
// modulo 2^16. Arithmetic only: Math's methods are the vat's to replace.
function toUnsignedShort(value) {
  const x = +value;
  if (x !== x || x === Infinity || x === -Infinity) return 0;
  const n = (x - (x % 1)) % 65536;
  return n < 0 ? n + 65536 : n + 0;
}

// https://httpwg.org/specs/rfc9112.html#status.line: reason-phrase = *( HTAB / SP / VCHAR /
// obs-text )
function isReasonPhrase(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c === 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return false;
  }
  return true;
}

// WebIDL converts a ResponseInit before the algorithm runs: a headers member that is no
// HeadersInit is a TypeError even when the status is out of range.
function checkHeadersInit(opts) {
  if (opts.headers !== undefined && (opts.headers === null || (typeof opts.headers !== 'object' && typeof opts.headers !== 'function'))) {
    throw new TypeError('ResponseInit.headers must be a sequence or a record');
  }
}

class Response {
  // https://fetch.spec.whatwg.org/#dom-response
  constructor(body, init) {
    const opts = init == null ? {} : init;
    if (typeof opts !== 'object' && typeof opts !== 'function') throw new TypeError('ResponseInit must be an object');
    checkHeadersInit(opts);
    const status = opts.status === undefined ? 200 : toUnsignedShort(opts.status);
    const statusText = opts.statusText === undefined ? '' : String(opts.statusText);
    for (let i = 0; i < statusText.length; i++) {
      if (statusText.charCodeAt(i) > 0xff) throw new TypeError('ResponseInit.statusText must be a ByteString');
    }
    if (status < 200 || status > 599) throw new RangeError(`Invalid status: ${opts.status}`);
    if (!isReasonPhrase(statusText)) throw new TypeError('Invalid statusText');
    const headers = new Headers();
    setGuard(headers, 'response');
    if (opts.headers !== undefined) fillHeaders(headers, opts.headers);
    let b = null;
    if (body !== undefined && body !== null) {
      if (isNullBodyStatus(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
      const extracted = extractBody(body);
      b = extracted.body;
      if (extracted.type !== null && !headers.has('content-type')) headers.append('content-type', extracted.type);
    }
    slotSet(responseState, this, { type: 'default', status, statusText, headers, url: '', redirected: false });
    slotSet(bodyState, this, { body: b });
  }
  // https://fetch.spec.whatwg.org/#dom-response-type
  get type() { return resOf(this).type; }
  // https://fetch.spec.whatwg.org/#dom-response-url
  get url() { return resOf(this).url; }
  // https://fetch.spec.whatwg.org/#dom-response-redirected
  get redirected() { return resOf(this).redirected; }
  // https://fetch.spec.whatwg.org/#dom-response-status
  get status() { return resOf(this).status; }
  // https://fetch.spec.whatwg.org/#dom-response-ok
  get ok() { const s = resOf(this).status; return s >= 200 && s <= 299; }
  // https://fetch.spec.whatwg.org/#dom-response-statustext
  get statusText() { return resOf(this).statusText; }
  // https://fetch.spec.whatwg.org/#dom-response-headers
  get headers() { return responseHeaders(resOf(this)); }
  // https://fetch.spec.whatwg.org/#dom-response-clone
  clone() {
    const r = resOf(this);
    const b = bodyOf(this);
    if (isUnusable(b)) throw new TypeError('Response body has already been used or is locked');
    const copy = Object.create(Response.prototype);
    const headers = headersOf(responseHeaders(r));
    slotSet(responseState, copy, Object.assign({}, r, { headers: newHeaders(headers.guard, headers.list) }));
    slotSet(bodyState, copy, { body: cloneBody(b), bodyId: b.bodyId, onRead: b.onRead });
    return copy;
  }
  // https://fetch.spec.whatwg.org/#dom-response-error
  static error() {
    const res = Object.create(Response.prototype);
    slotSet(responseState, res, { type: 'error', status: 0, statusText: '', headers: newHeaders('immutable'), url: '', redirected: false });
    slotSet(bodyState, res, { body: null });
    return res;
  }
  // https://fetch.spec.whatwg.org/#dom-response-redirect
  static redirect(url, status) {
    const code = status === undefined ? 302 : toUnsignedShort(status);
    const parsed = parseURL(url);
    if (!isRedirectStatus(code)) throw new RangeError(`Invalid redirect status: ${status}`);
    const res = Object.create(Response.prototype);
    slotSet(responseState, res, { type: 'default', status: code, statusText: '', headers: newHeaders('immutable', [['location', parsed.href]]), url: '', redirected: false });
    slotSet(bodyState, res, { body: null });
    return res;
  }
  // https://fetch.spec.whatwg.org/#dom-response-json
  static json(data, init) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: data is not JSON-serialisable');
    const opts = init == null ? {} : init;
    checkHeadersInit(opts);
    const res = new Response(text, Object.assign({}, opts, { headers: undefined }));
    const headers = resOf(res).headers;
    clearHeaders(headers);
    if (opts.headers !== undefined) fillHeaders(headers, opts.headers);
    if (!headers.has('content-type')) headers.append('content-type', 'application/json');
    return res;
  }
}
mixBody(Response.prototype);
defineProperty(Response.prototype, symbolToStringTag, { value: 'Response', configurable: true });

// responseHeaders is a response's Headers, made on first use for a fetched response from
// the list the network gave, flat: name, value, name, value, ... (one array per response
// instead of one per header, for the many responses read without a look at their headers).
function responseHeaders(r) {
  if (r.headers === null) {
    const flat = r.headerList;
    const list = [];
    for (let i = 0; i + 1 < flat.length; i += 2) list.push([flat[i], flat[i + 1]]);
    r.headers = newHeaders('immutable', list);
    r.headerList = null;
  }
  return r.headers;
}

function resOf(res) {
  const r = slotGet(responseState, res);
  if (!r) throw new TypeError('Illegal invocation: not a Response');
  return r;
}
