// Request: Fetch Standard §5.4, https://fetch.spec.whatwg.org/#request-class
//
// Note: this endowment has no CORS, cache or referrer machinery: mode, credentials and cache
// are validated (WebIDL enumerations, and the constructor's own rules) and reflected, and
// change nothing; destination and referrer are fixed ("", "about:client").
// Note: a body stream needs duplex: "half", as the spec requires; redirect may be
// "follow", "error" or "manual".

const normalizedMethods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
// The WebIDL enumerations of RequestInit members this endowment reads: a value outside them
// is a TypeError, as the binding's conversion would throw.
const requestEnums = {
  mode: ['navigate', 'same-origin', 'no-cors', 'cors'],
  credentials: ['omit', 'same-origin', 'include'],
  cache: ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'],
  referrerPolicy: ['', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin',
    'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url'],
  priority: ['high', 'low', 'auto'],
  duplex: ['half'],
};

function enumMember(opts, name, fallback) {
  if (opts[name] === undefined) return fallback;
  const v = String(opts[name]);
  if (!requestEnums[name].includes(v)) throw new TypeError(`RequestInit.${name}: "${v}" is not a valid value`);
  return v;
}
const requestState = newSlotStore();

function parseURL(input) {
  const parsed = host.parseURL(String(input));
  if (parsed.error) throw new TypeError(`Invalid URL: ${parsed.error}`);
  return parsed;
}

class Request {
  // https://fetch.spec.whatwg.org/#dom-request
  constructor(input, init) {
    const opts = init == null ? {} : init;
    if (typeof opts !== 'object' && typeof opts !== 'function') throw new TypeError('RequestInit must be an object');
    let base = null;
    let url;
    if (slotHas(requestState, input)) {
      base = slotGet(requestState, input);
      url = base.url;
    } else {
      const parsed = parseURL(input);
      if (parsed.credentials) throw new TypeError('Request cannot be constructed from a URL that includes credentials');
      url = parsed.href;
    }
    let method = base ? base.method : 'GET';
    if (opts.method !== undefined) {
      method = String(opts.method);
      // https://fetch.spec.whatwg.org/#concept-method: a method is a token.
      if (!isToken(method)) throw new TypeError(`Invalid method: "${method}"`);
      const upper = method.toUpperCase();
      if (upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK') throw new TypeError(`Forbidden method: ${method}`);
      if (normalizedMethods.includes(upper)) method = upper;
    }
    const redirect = opts.redirect !== undefined ? String(opts.redirect) : (base ? base.redirect : 'follow');
    if (!['follow', 'error', 'manual'].includes(redirect)) throw new TypeError(`Invalid redirect mode: ${redirect}`);
    // https://fetch.spec.whatwg.org/#dom-request, steps on window, mode and cache.
    if (opts.window !== undefined && opts.window !== null) throw new TypeError('RequestInit.window can only be null');
    const mode = enumMember(opts, 'mode', base ? base.mode : 'cors');
    if (opts.mode !== undefined && mode === 'navigate') throw new TypeError('RequestInit.mode cannot be "navigate"');
    const credentials = enumMember(opts, 'credentials', base ? base.credentials : 'same-origin');
    const cache = enumMember(opts, 'cache', base ? base.cache : 'default');
    if (cache === 'only-if-cached' && mode !== 'same-origin') throw new TypeError('RequestInit.cache "only-if-cached" needs mode "same-origin"');
    enumMember(opts, 'referrerPolicy', '');
    // A vat has no base URL: a referrer must parse on its own.
    if (opts.referrer !== undefined && String(opts.referrer) !== '') {
      const ref = host.parseURL(String(opts.referrer));
      if (ref.error) throw new TypeError(`RequestInit.referrer: ${ref.error}`);
    }
    enumMember(opts, 'priority', 'auto');
    enumMember(opts, 'duplex', 'half');
    const signal = newSignal();
    const parentSignal = opts.signal !== undefined ? opts.signal : (base ? base.signal : null);
    if (parentSignal != null) {
      if (!slotHas(signalState, parentSignal)) throw new TypeError('RequestInit.signal must be an AbortSignal');
      followSignal(signal, parentSignal);
    }
    const headers = new Headers();
    setGuard(headers, 'request');
    const headersInit = opts.headers !== undefined ? opts.headers : (base ? base.headers : undefined);
    if (headersInit !== undefined) fillHeaders(headers, headersInit);

    let inputBody = base ? slotGet(bodyState, input) : null;
    if (inputBody && isUnusable(inputBody)) throw new TypeError('The input request body has already been used or is locked');
    const hasInitBody = opts.body !== undefined && opts.body !== null;
    if ((hasInitBody || (inputBody && inputBody.body !== null)) && (method === 'GET' || method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have a body');
    }
    let body = null;
    if (hasInitBody) {
      const extracted = extractBody(opts.body);
      body = extracted.body;
      if (extracted.type !== null && !headers.has('content-type')) headers.append('content-type', extracted.type);
      if (body.source === null && opts.duplex !== 'half') throw new TypeError("RequestInit: duplex option is required when sending a body stream ('half')");
    } else if (inputBody && inputBody.body !== null) {
      body = inputBody.body;
      // The input's body moves to the new request, leaving the input disturbed.
      inputBody.body = { stream: streamFromBytes(new Uint8ArrayCtor(0)), source: null, length: 0 };
      slotGet(streamState, inputBody.body.stream).disturbed = true;
    }
    slotSet(requestState, this, { url, method, redirect, signal, headers, mode, credentials, cache });
    slotSet(bodyState, this, { body });
  }
  // https://fetch.spec.whatwg.org/#dom-request-method
  get method() { return reqOf(this).method; }
  // https://fetch.spec.whatwg.org/#dom-request-url
  get url() { return reqOf(this).url; }
  // https://fetch.spec.whatwg.org/#dom-request-headers
  get headers() { return reqOf(this).headers; }
  // https://fetch.spec.whatwg.org/#dom-request-redirect
  get redirect() { return reqOf(this).redirect; }
  // https://fetch.spec.whatwg.org/#dom-request-signal
  get signal() { return reqOf(this).signal; }
  // https://fetch.spec.whatwg.org/#dom-request-destination
  get destination() { reqOf(this); return ''; }
  // https://fetch.spec.whatwg.org/#dom-request-referrer
  get referrer() { reqOf(this); return 'about:client'; }
  // https://fetch.spec.whatwg.org/#dom-request-mode
  get mode() { return reqOf(this).mode; }
  // https://fetch.spec.whatwg.org/#dom-request-credentials
  get credentials() { return reqOf(this).credentials; }
  // https://fetch.spec.whatwg.org/#dom-request-cache
  get cache() { return reqOf(this).cache; }
  // https://fetch.spec.whatwg.org/#dom-request-duplex
  get duplex() { reqOf(this); return 'half'; }
  // https://fetch.spec.whatwg.org/#dom-request-clone
  clone() {
    const r = reqOf(this);
    const b = bodyOf(this);
    if (isUnusable(b)) throw new TypeError('Request body has already been used or is locked');
    const copy = Object.create(Request.prototype);
    const signal = newSignal();
    followSignal(signal, r.signal);
    const headers = newHeaders('request', headersOf(r.headers).list);
    slotSet(requestState, copy, { url: r.url, method: r.method, redirect: r.redirect, signal, headers, mode: r.mode, credentials: r.credentials, cache: r.cache });
    slotSet(bodyState, copy, { body: cloneBody(b) });
    return copy;
  }
}
mixBody(Request.prototype);
defineProperty(Request.prototype, symbolToStringTag, { value: 'Request', configurable: true });

function reqOf(req) {
  const r = slotGet(requestState, req);
  if (!r) throw new TypeError('Illegal invocation: not a Request');
  return r;
}
