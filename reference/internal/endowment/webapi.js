// The Web API classes of the reference endowment: Headers, Request, Response, the body
// mixin, ReadableStream, AbortController/AbortSignal, DOMException, TextEncoder/TextDecoder
// and fetch, following the WHATWG Fetch, Streams and DOM standards for what they implement.
//
// This file is one function expression evaluated once per runtime. It receives `host`, the
// Go primitives (URL parsing, UTF-8, the network) kept in this closure only, and returns the
// frozen globals. Vat code never sees `host`.
(function (host, options) {
  'use strict';

  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const PromiseCtor = Promise;
  const ArrayBufferCtor = ArrayBuffer;
  const Uint8ArrayCtor = Uint8Array;
  const isView = ArrayBuffer.isView;

  // ---------------------------------------------------------------- DOMException

  const exceptionCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };

  class DOMException extends Error {
    constructor(message, name) {
      super(message === undefined ? '' : String(message));
      const n = name === undefined ? 'Error' : String(name);
      defineProperty(this, 'name', { value: n, enumerable: false, configurable: true, writable: true });
      defineProperty(this, 'code', { value: exceptionCodes[n] || 0, enumerable: false, configurable: true, writable: true });
    }
  }

  const abortError = (message) => new DOMException(message || 'This operation was aborted', 'AbortError');

  // ---------------------------------------------------------------- Abort

  const signalState = new WeakMap();

  class AbortSignal {
    constructor() {
      throw new TypeError('Illegal constructor');
    }
    get aborted() { return state(this).aborted; }
    get reason() { return state(this).reason; }
    get onabort() { return state(this).onabort; }
    set onabort(fn) {
      // An event handler is a listener registered when the attribute is first set to a
      // function (HTML §8.1.8.1), so it runs in that position among the other listeners.
      const s = state(this);
      s.onabort = typeof fn === 'function' ? fn : null;
      if (s.onabort !== null && !s.listeners.some((l) => l.handler)) {
        s.listeners.push({ fn: (event) => { if (s.onabort) s.onabort.call(this, event); }, once: false, handler: true });
      }
    }
    throwIfAborted() {
      const s = state(this);
      if (s.aborted) throw s.reason;
    }
    addEventListener(type, listener, opts) {
      const s = state(this);
      if (String(type) !== 'abort' || listener == null) return;
      if (s.listeners.some((l) => l.fn === listener)) return;
      const once = opts !== null && typeof opts === 'object' && !!opts.once;
      s.listeners.push({ fn: listener, once });
    }
    removeEventListener(type, listener) {
      const s = state(this);
      if (String(type) !== 'abort') return;
      s.listeners = s.listeners.filter((l) => l.fn !== listener);
    }
    dispatchEvent(event) {
      throw new TypeError('AbortSignal.dispatchEvent is not supported by this endowment');
    }
    static abort(reason) {
      const signal = newSignal();
      signalAbort(signal, reason === undefined ? abortError() : reason);
      return signal;
    }
    static timeout(ms) {
      const delay = Number(ms);
      if (!(delay >= 0) || delay > Number.MAX_SAFE_INTEGER) throw new TypeError('AbortSignal.timeout: milliseconds must be a non-negative number');
      const signal = newSignal();
      host.setTimeout(() => {
        signalAbort(signal, new DOMException('The operation timed out.', 'TimeoutError'));
      }, delay);
      return signal;
    }
    static any(signals) {
      const signal = newSignal();
      const list = Array.from(signals);
      for (const s of list) {
        if (state(s).aborted) {
          signalAbort(signal, state(s).reason);
          return signal;
        }
      }
      for (const s of list) followSignal(signal, s);
      return signal;
    }
  }

  function state(signal) {
    const s = signalState.get(signal);
    if (!s) throw new TypeError('Illegal invocation: not an AbortSignal');
    return s;
  }

  function newSignal() {
    const signal = Object.create(AbortSignal.prototype);
    signalState.set(signal, { aborted: false, reason: undefined, listeners: [], onabort: null, algorithms: [] });
    return signal;
  }

  function signalAbort(signal, reason) {
    const s = state(signal);
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason;
    const algorithms = s.algorithms;
    s.algorithms = [];
    for (const run of algorithms) run();
    const event = freeze({ type: 'abort', target: signal, currentTarget: signal, isTrusted: true });
    const listeners = s.listeners.slice();
    s.listeners = s.listeners.filter((l) => !l.once);
    for (const l of listeners) callListener(l.fn, signal, event);
  }

  function callListener(fn, target, event) {
    try {
      if (typeof fn === 'function') fn.call(target, event);
      else if (fn && typeof fn.handleEvent === 'function') fn.handleEvent(event);
    } catch (err) {
      host.reportError(err);
    }
  }

  // addAbortAlgorithm runs run once when signal aborts (internal, not an event listener, so
  // vat code cannot remove it).
  function addAbortAlgorithm(signal, run) {
    const s = state(signal);
    if (s.aborted) return;
    s.algorithms.push(run);
  }

  function followSignal(follower, parent) {
    if (state(parent).aborted) {
      signalAbort(follower, state(parent).reason);
      return;
    }
    addAbortAlgorithm(parent, () => signalAbort(follower, state(parent).reason));
  }

  class AbortController {
    constructor() {
      controllerSignal.set(this, newSignal());
    }
    get signal() { return controllerSignal.get(checkController(this)); }
    abort(reason) {
      signalAbort(controllerSignal.get(checkController(this)), reason === undefined ? abortError() : reason);
    }
  }
  const controllerSignal = new WeakMap();
  function checkController(c) {
    if (!controllerSignal.has(c)) throw new TypeError('Illegal invocation: not an AbortController');
    return c;
  }

  // ---------------------------------------------------------------- Text

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input) {
      return encodeUTF8(input === undefined ? '' : String(input));
    }
  }

  class TextDecoder {
    constructor(label, opts) {
      const l = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeError('TextDecoder: only utf-8 is supported');
      decoderState.set(this, { fatal: !!(opts && opts.fatal), ignoreBOM: !!(opts && opts.ignoreBOM), pending: null, started: false });
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return decoderState.get(this).fatal; }
    get ignoreBOM() { return decoderState.get(this).ignoreBOM; }
    decode(input, opts) {
      const s = decoderState.get(this);
      if (!s) throw new TypeError('Illegal invocation: not a TextDecoder');
      const stream = !!(opts && opts.stream);
      let bytes = input === undefined ? new Uint8ArrayCtor(0) : toBytes(input);
      if (s.pending !== null) bytes = concat([s.pending, bytes], s.pending.byteLength + bytes.byteLength);
      // While streaming, a sequence cut at the end of the input waits for the next call.
      const keep = stream ? incompleteTail(bytes) : 0;
      s.pending = keep > 0 ? bytes.slice(bytes.byteLength - keep) : null;
      const now = bytes.subarray(0, bytes.byteLength - keep);
      // A BOM is stripped only at the start of a stream.
      const text = now.byteLength === 0 ? '' : host.decodeUTF8(now, s.fatal, s.ignoreBOM || s.started);
      if (now.byteLength > 0) s.started = true;
      if (!stream) {
        s.pending = null;
        s.started = false;
      }
      return text;
    }
  }
  const decoderState = new WeakMap();

  // incompleteTail is how many bytes at the end of bytes begin a UTF-8 sequence that more
  // bytes could complete.
  function incompleteTail(bytes) {
    const n = bytes.byteLength;
    for (let back = 1; back <= 3 && back <= n; back++) {
      const lead = bytes[n - back];
      if (lead >= 0x80 && lead < 0xC0) continue; // a continuation byte: look further back
      const need = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
      if (need <= back) return 0;
      if (back >= 2) {
        const lo = lead === 0xE0 ? 0xA0 : lead === 0xF0 ? 0x90 : 0x80;
        const hi = lead === 0xED ? 0x9F : lead === 0xF4 ? 0x8F : 0xBF;
        if (bytes[n - back + 1] < lo || bytes[n - back + 1] > hi) return 0;
      }
      return back;
    }
    return 0;
  }

  function encodeUTF8(text) {
    return new Uint8ArrayCtor(host.encodeUTF8(text));
  }

  function toBytes(input) {
    if (input instanceof ArrayBufferCtor) return new Uint8ArrayCtor(input);
    if (isView(input)) return new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError('expected an ArrayBuffer or ArrayBufferView');
  }

  function copyBytes(input) {
    const view = toBytes(input);
    const out = new Uint8ArrayCtor(view.byteLength);
    out.set(view);
    return out;
  }

  function concat(chunks, total) {
    const out = new Uint8ArrayCtor(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  }

  // ---------------------------------------------------------------- ReadableStream

  const streamState = new WeakMap();
  const readerState = new WeakMap();

  class ReadableStream {
    constructor(source, strategy) {
      const src = source == null ? {} : source;
      const s = {
        state: 'readable', queue: [], reader: null, storedError: undefined, disturbed: false,
        pulling: false, pullAgain: false, started: false, source: src, closeRequested: false,
      };
      streamState.set(this, s);
      const controller = makeController(this, s);
      s.controller = controller;
      let startResult;
      if (typeof src.start === 'function') startResult = src.start.call(src, controller);
      PromiseCtor.resolve(startResult).then(() => {
        s.started = true;
        pullIfNeeded(s);
      }, (err) => errorStream(s, err));
    }
    get locked() { return streamOf(this).reader !== null; }
    cancel(reason) {
      const s = streamOf(this);
      if (s.reader !== null) return PromiseCtor.reject(new TypeError('Cannot cancel a locked stream'));
      return cancelStream(s, reason);
    }
    getReader(opts) {
      const s = streamOf(this);
      if (opts && opts.mode !== undefined) throw new TypeError('Only default readers are supported');
      if (s.reader !== null) throw new TypeError('ReadableStream is locked');
      return newReader(s);
    }
    tee() {
      return teeStream(streamOf(this));
    }
  }

  function streamOf(stream) {
    const s = streamState.get(stream);
    if (!s) throw new TypeError('Illegal invocation: not a ReadableStream');
    return s;
  }

  function makeController(stream, s) {
    return freeze({
      enqueue(chunk) {
        if (s.state !== 'readable' || s.closeRequested) throw new TypeError('The stream is not readable');
        if (s.reader && s.reader.requests.length > 0) {
          s.reader.requests.shift().resolve({ value: chunk, done: false });
        } else {
          s.queue.push(chunk);
        }
        pullIfNeeded(s);
      },
      close() {
        if (s.state !== 'readable' || s.closeRequested) throw new TypeError('The stream is not readable');
        s.closeRequested = true;
        if (s.queue.length === 0) closeStream(s);
      },
      error(err) {
        errorStream(s, err);
      },
      get desiredSize() {
        if (s.state === 'errored') return null;
        if (s.state === 'closed') return 0;
        return 1 - s.queue.length;
      },
    });
  }

  function pullIfNeeded(s) {
    if (!s.started || s.state !== 'readable' || s.closeRequested) return;
    const wanted = (s.reader && s.reader.requests.length > 0) || s.queue.length < 1;
    if (!wanted || typeof s.source.pull !== 'function') return;
    if (s.pulling) {
      s.pullAgain = true;
      return;
    }
    s.pulling = true;
    let result;
    try {
      result = s.source.pull.call(s.source, s.controller);
    } catch (err) {
      errorStream(s, err);
      return;
    }
    PromiseCtor.resolve(result).then(() => {
      s.pulling = false;
      if (s.pullAgain) {
        s.pullAgain = false;
        pullIfNeeded(s);
      }
    }, (err) => errorStream(s, err));
  }

  function closeStream(s) {
    if (s.state !== 'readable') return;
    s.state = 'closed';
    if (s.reader) {
      for (const r of s.reader.requests) r.resolve({ value: undefined, done: true });
      s.reader.requests = [];
      s.reader.resolveClosed();
    }
  }

  function errorStream(s, err) {
    if (s.state !== 'readable') return;
    s.state = 'errored';
    s.storedError = err;
    s.queue = [];
    if (s.reader) {
      for (const r of s.reader.requests) r.reject(err);
      s.reader.requests = [];
      s.reader.rejectClosed(err);
    }
  }

  function cancelStream(s, reason) {
    s.disturbed = true;
    if (s.state === 'closed') return PromiseCtor.resolve(undefined);
    if (s.state === 'errored') return PromiseCtor.reject(s.storedError);
    s.queue = [];
    closeStream(s);
    const cancel = s.source.cancel;
    let result;
    try {
      result = typeof cancel === 'function' ? cancel.call(s.source, reason) : undefined;
    } catch (err) {
      return PromiseCtor.reject(err);
    }
    return PromiseCtor.resolve(result).then(() => undefined);
  }

  class ReadableStreamDefaultReader {
    constructor(stream) {
      const s = streamOf(stream);
      if (s.reader !== null) throw new TypeError('ReadableStream is locked');
      return newReader(s);
    }
    get closed() { return readerOf(this).closed; }
    read() {
      const r = readerOf(this);
      const s = r.stream;
      if (!s) return PromiseCtor.reject(new TypeError('The reader has been released'));
      s.disturbed = true;
      if (s.queue.length > 0) {
        const chunk = s.queue.shift();
        if (s.closeRequested && s.queue.length === 0) closeStream(s);
        else pullIfNeeded(s);
        return PromiseCtor.resolve({ value: chunk, done: false });
      }
      if (s.state === 'closed') return PromiseCtor.resolve({ value: undefined, done: true });
      if (s.state === 'errored') return PromiseCtor.reject(s.storedError);
      return new PromiseCtor((resolve, reject) => {
        r.requests.push({ resolve, reject });
        pullIfNeeded(s);
      });
    }
    releaseLock() {
      const r = readerOf(this);
      const s = r.stream;
      if (!s) return;
      const err = new TypeError('The reader was released');
      for (const req of r.requests) req.reject(err);
      r.requests = [];
      if (s.state === 'readable') r.rejectClosed(err);
      s.reader = null;
      r.stream = null;
    }
    cancel(reason) {
      const r = readerOf(this);
      if (!r.stream) return PromiseCtor.reject(new TypeError('The reader has been released'));
      return cancelStream(r.stream, reason);
    }
  }

  function readerOf(reader) {
    const r = readerState.get(reader);
    if (!r) throw new TypeError('Illegal invocation: not a ReadableStreamDefaultReader');
    return r;
  }

  function newReader(s) {
    const reader = Object.create(ReadableStreamDefaultReader.prototype);
    const r = { stream: s, requests: [] };
    r.closed = new PromiseCtor((resolve, reject) => {
      r.resolveClosed = resolve;
      r.rejectClosed = reject;
    });
    r.closed.catch(() => {});
    if (s.state === 'closed') r.resolveClosed();
    if (s.state === 'errored') r.rejectClosed(s.storedError);
    readerState.set(reader, r);
    s.reader = r;
    return reader;
  }

  // readAll drains a stream through a reader and returns its bytes.
  function readAll(s) {
    const reader = newReader(s);
    const chunks = [];
    let total = 0;
    const step = () => ReadableStreamDefaultReader.prototype.read.call(reader).then(({ value, done }) => {
      if (done) return concat(chunks, total);
      if (!(value instanceof Uint8ArrayCtor)) throw new TypeError('Body stream chunks must be Uint8Array');
      chunks.push(value);
      total += value.byteLength;
      return step();
    });
    return step();
  }

  function teeStream(s) {
    const reader = newReader(s);
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let reading = false;
    let branch1;
    let branch2;
    let resolveCancel;
    const cancelPromise = new PromiseCtor((resolve) => { resolveCancel = resolve; });
    const pull = () => {
      if (reading) return PromiseCtor.resolve();
      reading = true;
      return ReadableStreamDefaultReader.prototype.read.call(reader).then(({ value, done }) => {
        reading = false;
        if (done) {
          if (!canceled1) tryClose(branch1);
          if (!canceled2) tryClose(branch2);
          resolveCancel();
          return;
        }
        if (!canceled1) streamOf(branch1).controller.enqueue(value);
        if (!canceled2) streamOf(branch2).controller.enqueue(value);
      }, (err) => {
        reading = false;
        errorStream(streamOf(branch1), err);
        errorStream(streamOf(branch2), err);
        resolveCancel();
      });
    };
    const cancelBoth = () => {
      cancelStream(s, [reason1, reason2]).then(resolveCancel, resolveCancel);
    };
    branch1 = new ReadableStream({
      pull,
      cancel(reason) {
        canceled1 = true;
        reason1 = reason;
        if (canceled2) cancelBoth();
        return cancelPromise;
      },
    });
    branch2 = new ReadableStream({
      pull,
      cancel(reason) {
        canceled2 = true;
        reason2 = reason;
        if (canceled1) cancelBoth();
        return cancelPromise;
      },
    });
    return [branch1, branch2];
  }

  function tryClose(stream) {
    const s = streamOf(stream);
    if (s.state === 'readable' && !s.closeRequested) s.controller.close();
  }

  // streamFromBytes is a readable stream holding bytes already in memory.
  function streamFromBytes(bytes) {
    return new ReadableStream({
      start(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes);
        controller.close();
      },
    });
  }

  // streamFromNetwork reads a response body from the host chunk by chunk, on demand.
  function streamFromNetwork(bodyId) {
    return new ReadableStream({
      pull(controller) {
        return host.read(bodyId).then((chunk) => {
          if (chunk === null) controller.close();
          else controller.enqueue(new Uint8ArrayCtor(chunk));
        });
      },
      cancel() {
        host.cancelBody(bodyId);
      },
    });
  }

  // ---------------------------------------------------------------- Headers

  const headersState = new WeakMap();
  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const invalidValueRe = /[\0\r\n]/;
  const forbiddenRequestHeaders = new Set([
    'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
    'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
    'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
  ]);
  const forbiddenResponseHeaders = new Set(['set-cookie', 'set-cookie2']);

  function normalizeValue(value) {
    return String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  }

  function validateName(name) {
    const n = String(name);
    if (!tokenRe.test(n)) throw new TypeError(`Invalid header name: "${n}"`);
    return n.toLowerCase();
  }

  function validateValue(value) {
    const v = normalizeValue(value);
    if (invalidValueRe.test(v)) throw new TypeError(`Invalid header value: "${v}"`);
    return v;
  }

  function isForbidden(guard, name) {
    if (guard === 'request') {
      return forbiddenRequestHeaders.has(name) || name.startsWith('proxy-') || name.startsWith('sec-');
    }
    if (guard === 'response') return forbiddenResponseHeaders.has(name);
    return false;
  }

  class Headers {
    constructor(init) {
      headersState.set(this, { list: [], guard: 'none' });
      if (init !== undefined) fillHeaders(this, init);
    }
    append(name, value) {
      const h = headersOf(this);
      const n = validateName(name);
      const v = validateValue(value);
      if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
      if (isForbidden(h.guard, n)) return;
      h.list.push([n, v]);
    }
    delete(name) {
      const h = headersOf(this);
      const n = validateName(name);
      if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
      if (isForbidden(h.guard, n)) return;
      h.list = h.list.filter((e) => e[0] !== n);
    }
    get(name) {
      const h = headersOf(this);
      const n = validateName(name);
      const values = h.list.filter((e) => e[0] === n).map((e) => e[1]);
      return values.length === 0 ? null : values.join(', ');
    }
    getSetCookie() {
      return headersOf(this).list.filter((e) => e[0] === 'set-cookie').map((e) => e[1]);
    }
    has(name) {
      const h = headersOf(this);
      const n = validateName(name);
      return h.list.some((e) => e[0] === n);
    }
    set(name, value) {
      const h = headersOf(this);
      const n = validateName(name);
      const v = validateValue(value);
      if (h.guard === 'immutable') throw new TypeError('Headers are immutable');
      if (isForbidden(h.guard, n)) return;
      const i = h.list.findIndex((e) => e[0] === n);
      if (i < 0) {
        h.list.push([n, v]);
        return;
      }
      h.list[i] = [n, v];
      h.list = h.list.filter((e, j) => j <= i || e[0] !== n);
    }
    forEach(callback, thisArg) {
      if (typeof callback !== 'function') throw new TypeError('Headers.forEach: callback is not a function');
      const pairs = sortedPairs(headersOf(this));
      for (const [n, v] of pairs) callback.call(thisArg, v, n, this);
    }
    entries() { return makeIterator(this, (p) => [p[0], p[1]]); }
    keys() { return makeIterator(this, (p) => p[0]); }
    values() { return makeIterator(this, (p) => p[1]); }
  }
  // WebIDL pair iterables: @@iterator is the same function object as entries.
  defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true });
  defineProperty(Headers.prototype, Symbol.toStringTag, { value: 'Headers', configurable: true });

  function headersOf(headers) {
    const h = headersState.get(headers);
    if (!h) throw new TypeError('Illegal invocation: not a Headers object');
    return h;
  }

  function fillHeaders(headers, init) {
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
      throw new TypeError('Headers init must be an object or a sequence of pairs');
    }
    if (headersState.has(init)) {
      for (const [n, v] of headersState.get(init).list) Headers.prototype.append.call(headers, n, v);
      return;
    }
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        if (pair === null || typeof pair !== 'object' || typeof pair[Symbol.iterator] !== 'function') {
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

  function sortedPairs(h) {
    const names = Array.from(new Set(h.list.map((e) => e[0]))).sort();
    const out = [];
    for (const n of names) {
      if (n === 'set-cookie') {
        for (const e of h.list) if (e[0] === n) out.push([n, e[1]]);
      } else {
        out.push([n, h.list.filter((e) => e[0] === n).map((e) => e[1]).join(', ')]);
      }
    }
    return out;
  }

  const HeadersIteratorPrototype = Object.create(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  const iteratorState = new WeakMap();
  HeadersIteratorPrototype.next = function next() {
    const it = iteratorState.get(this);
    if (!it) throw new TypeError('Illegal invocation: not a Headers iterator');
    const pairs = sortedPairs(headersOf(it.target));
    if (it.index >= pairs.length) return { value: undefined, done: true };
    const value = it.project(pairs[it.index]);
    it.index += 1;
    return { value, done: false };
  };
  defineProperty(HeadersIteratorPrototype, Symbol.toStringTag, { value: 'Headers Iterator', configurable: true });

  function makeIterator(headers, project) {
    headersOf(headers);
    const it = Object.create(HeadersIteratorPrototype);
    iteratorState.set(it, { target: headers, project, index: 0 });
    return it;
  }

  function newHeaders(guard, list) {
    const headers = new Headers();
    const h = headersOf(headers);
    if (list) for (const [n, v] of list) h.list.push([String(n).toLowerCase(), String(v)]);
    h.guard = guard;
    return headers;
  }

  function setGuard(headers, guard) {
    headersOf(headers).guard = guard;
  }

  // ---------------------------------------------------------------- Body

  // A body is {stream, source}: source is the bytes it was made from when known (so it can
  // be sent again on a redirect), null for streams.
  function extractBody(object) {
    if (typeof object === 'string') {
      const bytes = encodeUTF8(object);
      return { body: { stream: streamFromBytes(bytes), source: bytes, length: bytes.byteLength }, type: 'text/plain;charset=UTF-8' };
    }
    if (object instanceof ArrayBufferCtor || isView(object)) {
      const bytes = copyBytes(object);
      return { body: { stream: streamFromBytes(bytes), source: bytes, length: bytes.byteLength }, type: null };
    }
    if (options.URLSearchParams && object instanceof options.URLSearchParams) {
      const bytes = encodeUTF8(String(object));
      return { body: { stream: streamFromBytes(bytes), source: bytes, length: bytes.byteLength }, type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    }
    if (streamState.has(object)) {
      const s = streamState.get(object);
      if (s.disturbed || s.reader !== null) throw new TypeError('The body stream is disturbed or locked');
      return { body: { stream: object, source: null, length: null }, type: null };
    }
    const text = String(object);
    const bytes = encodeUTF8(text);
    return { body: { stream: streamFromBytes(bytes), source: bytes, length: bytes.byteLength }, type: 'text/plain;charset=UTF-8' };
  }

  const bodyState = new WeakMap();

  function bodyOf(obj) {
    const b = bodyState.get(obj);
    if (!b) throw new TypeError('Illegal invocation');
    return b;
  }

  function isUnusable(b) {
    return b.body !== null && streamState.get(b.body.stream).disturbed;
  }

  function consumeBody(obj) {
    const b = bodyOf(obj);
    if (isUnusable(b)) return PromiseCtor.reject(new TypeError('Body has already been used'));
    if (b.body === null) return PromiseCtor.resolve(new Uint8ArrayCtor(0));
    const s = streamState.get(b.body.stream);
    if (s.reader !== null) return PromiseCtor.reject(new TypeError('Body stream is locked'));
    const read = readAll(s);
    return b.onRead ? b.onRead(read) : read;
  }

  const bodyMixin = {
    get body() { const b = bodyOf(this); return b.body === null ? null : b.body.stream; },
    get bodyUsed() { const b = bodyOf(this); return b.body !== null && streamState.get(b.body.stream).disturbed; },
    arrayBuffer() { return consumeBody(this).then((bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)); },
    bytes() { return consumeBody(this).then((bytes) => bytes); },
    text() { return consumeBody(this).then((bytes) => host.decodeUTF8(bytes, false, false)); },
    json() { return consumeBody(this).then((bytes) => JSON.parse(host.decodeUTF8(bytes, false, false))); },
  };

  function mixBody(proto) {
    for (const key of Object.getOwnPropertyNames(bodyMixin)) {
      const desc = Object.getOwnPropertyDescriptor(bodyMixin, key);
      defineProperty(proto, key, Object.assign(desc, { enumerable: true, configurable: true }));
    }
  }

  function cloneBody(b) {
    if (b.body === null) return null;
    if (b.bodyId !== undefined) host.noteClone(b.bodyId);
    const [a, c] = teeStream(streamState.get(b.body.stream));
    b.body = { stream: a, source: b.body.source, length: b.body.length };
    return { stream: c, source: b.body.source, length: b.body.length };
  }

  // ---------------------------------------------------------------- Request

  const methodRe = tokenRe;
  const normalizedMethods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
  const requestState = new WeakMap();

  function parseURL(input) {
    const parsed = host.parseURL(String(input));
    if (parsed.error) throw new TypeError(`Invalid URL: ${parsed.error}`);
    return parsed;
  }

  class Request {
    constructor(input, init) {
      const opts = init == null ? {} : init;
      if (typeof opts !== 'object' && typeof opts !== 'function') throw new TypeError('RequestInit must be an object');
      let base = null;
      let url;
      if (requestState.has(input)) {
        base = requestState.get(input);
        url = base.url;
      } else {
        const parsed = parseURL(input);
        if (parsed.credentials) throw new TypeError('Request cannot be constructed from a URL that includes credentials');
        url = parsed.href;
      }
      let method = base ? base.method : 'GET';
      if (opts.method !== undefined) {
        method = String(opts.method);
        if (!methodRe.test(method)) throw new TypeError(`Invalid method: "${method}"`);
        const upper = method.toUpperCase();
        if (upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK') throw new TypeError(`Forbidden method: ${method}`);
        if (normalizedMethods.includes(upper)) method = upper;
      }
      const redirect = opts.redirect !== undefined ? String(opts.redirect) : (base ? base.redirect : 'follow');
      if (!['follow', 'error', 'manual'].includes(redirect)) throw new TypeError(`Invalid redirect mode: ${redirect}`);
      const signal = newSignal();
      const parentSignal = opts.signal !== undefined ? opts.signal : (base ? base.signal : null);
      if (parentSignal != null) {
        if (!signalState.has(parentSignal)) throw new TypeError('RequestInit.signal must be an AbortSignal');
        followSignal(signal, parentSignal);
      }
      const headers = new Headers();
      setGuard(headers, 'request');
      const headersInit = opts.headers !== undefined ? opts.headers : (base ? base.headers : undefined);
      if (headersInit !== undefined) fillHeaders(headers, headersInit);

      let inputBody = base ? bodyState.get(input) : null;
      if (inputBody && isUnusable(inputBody)) throw new TypeError('The input request body has already been used');
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
        streamState.get(inputBody.body.stream).disturbed = true;
      }
      requestState.set(this, { url, method, redirect, signal, headers });
      bodyState.set(this, { body });
    }
    get method() { return reqOf(this).method; }
    get url() { return reqOf(this).url; }
    get headers() { return reqOf(this).headers; }
    get redirect() { return reqOf(this).redirect; }
    get signal() { return reqOf(this).signal; }
    get destination() { reqOf(this); return ''; }
    get referrer() { reqOf(this); return 'about:client'; }
    get mode() { reqOf(this); return 'cors'; }
    get credentials() { reqOf(this); return 'same-origin'; }
    get cache() { reqOf(this); return 'default'; }
    get duplex() { reqOf(this); return 'half'; }
    clone() {
      const r = reqOf(this);
      const b = bodyOf(this);
      if (isUnusable(b)) throw new TypeError('Request body has already been used');
      const copy = Object.create(Request.prototype);
      const signal = newSignal();
      followSignal(signal, r.signal);
      const headers = newHeaders('request', headersOf(r.headers).list);
      requestState.set(copy, { url: r.url, method: r.method, redirect: r.redirect, signal, headers });
      bodyState.set(copy, { body: cloneBody(b) });
      return copy;
    }
  }
  mixBody(Request.prototype);
  defineProperty(Request.prototype, Symbol.toStringTag, { value: 'Request', configurable: true });

  function reqOf(req) {
    const r = requestState.get(req);
    if (!r) throw new TypeError('Illegal invocation: not a Request');
    return r;
  }

  // ---------------------------------------------------------------- Response

  const responseState = new WeakMap();
  const nullBodyStatus = new Set([101, 103, 204, 205, 304]);
  const redirectStatus = new Set([301, 302, 303, 307, 308]);
  const reasonPhraseRe = /^[\t\x20-\x7E\x80-\xFF]*$/;

  class Response {
    constructor(body, init) {
      const opts = init == null ? {} : init;
      if (typeof opts !== 'object' && typeof opts !== 'function') throw new TypeError('ResponseInit must be an object');
      const status = opts.status === undefined ? 200 : Number(opts.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Invalid status: ${opts.status}`);
      const statusText = opts.statusText === undefined ? '' : String(opts.statusText);
      if (!reasonPhraseRe.test(statusText)) throw new TypeError('Invalid statusText');
      const headers = new Headers();
      setGuard(headers, 'response');
      if (opts.headers !== undefined) fillHeaders(headers, opts.headers);
      let b = null;
      if (body !== undefined && body !== null) {
        if (nullBodyStatus.has(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
        const extracted = extractBody(body);
        b = extracted.body;
        if (extracted.type !== null && !headers.has('content-type')) headers.append('content-type', extracted.type);
      }
      responseState.set(this, { type: 'default', status, statusText, headers, url: '', redirected: false });
      bodyState.set(this, { body: b });
    }
    get type() { return resOf(this).type; }
    get url() { return resOf(this).url; }
    get redirected() { return resOf(this).redirected; }
    get status() { return resOf(this).status; }
    get ok() { const s = resOf(this).status; return s >= 200 && s <= 299; }
    get statusText() { return resOf(this).statusText; }
    get headers() { return resOf(this).headers; }
    clone() {
      const r = resOf(this);
      const b = bodyOf(this);
      if (isUnusable(b)) throw new TypeError('Response body has already been used');
      const copy = Object.create(Response.prototype);
      responseState.set(copy, Object.assign({}, r, { headers: newHeaders(headersOf(r.headers).guard, headersOf(r.headers).list) }));
      bodyState.set(copy, { body: cloneBody(b), bodyId: b.bodyId, onRead: b.onRead });
      return copy;
    }
    static error() {
      const res = Object.create(Response.prototype);
      responseState.set(res, { type: 'error', status: 0, statusText: '', headers: newHeaders('immutable'), url: '', redirected: false });
      bodyState.set(res, { body: null });
      return res;
    }
    static redirect(url, status) {
      const code = status === undefined ? 302 : Number(status);
      const parsed = parseURL(url);
      if (!redirectStatus.has(code)) throw new RangeError(`Invalid redirect status: ${status}`);
      const res = Object.create(Response.prototype);
      responseState.set(res, { type: 'default', status: code, statusText: '', headers: newHeaders('immutable', [['location', parsed.href]]), url: '', redirected: false });
      bodyState.set(res, { body: null });
      return res;
    }
    static json(data, init) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('Response.json: data is not JSON-serialisable');
      const opts = init == null ? {} : init;
      const res = new Response(text, Object.assign({}, opts, { headers: undefined }));
      const headers = resOf(res).headers;
      headersOf(headers).list = [];
      if (opts.headers !== undefined) fillHeaders(headers, opts.headers);
      if (!headers.has('content-type')) headers.append('content-type', 'application/json');
      return res;
    }
  }
  mixBody(Response.prototype);
  defineProperty(Response.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });

  function resOf(res) {
    const r = responseState.get(res);
    if (!r) throw new TypeError('Illegal invocation: not a Response');
    return r;
  }

  // ---------------------------------------------------------------- fetch

  // A method definition, like WebIDL operations, has no prototype property.
  const { fetch } = { fetch(input, init) {
    return new PromiseCtor((resolve, reject) => {
      // The input is converted to a URL once, here; the request built from it is what is
      // checked and sent.
      // A deliberately broken variant converts a non-Request input twice, checking the
      // first conversion and fetching the second, as a wrapper that calls new URL(input)
      // before fetch(input) does.
      const checkURL = options.stringifyTwice && !requestState.has(input) ? parseURL(input).href : null;
      const request = new Request(input, init);
      const r = reqOf(request);
      if (state(r.signal).aborted) {
        reject(state(r.signal).reason);
        return;
      }
      const b = bodyOf(request);
      let upload = null;
      let bytes = null;
      if (b.body !== null) {
        if (b.body.source !== null) {
          bytes = b.body.source;
          streamState.get(b.body.stream).disturbed = true;
        } else {
          upload = streamState.get(b.body.stream);
          if (upload.reader !== null) throw new TypeError('Request body stream is locked');
        }
      }
      const call = host.send({
        url: r.url,
        checkURL,
        method: r.method,
        headers: headersOf(r.headers).list.map((e) => [e[0], e[1]]),
        body: bytes,
        streaming: upload !== null,
        redirect: r.redirect,
      });
      if (upload !== null) pumpUpload(upload, call.id);
      addAbortAlgorithm(r.signal, () => {
        host.abort(call.id);
        reject(state(r.signal).reason);
      });
      call.response.then((meta) => {
        if (state(r.signal).aborted) return;
        resolve(networkResponse(meta, r.signal));
      }, (err) => {
        if (state(r.signal).aborted) return;
        reject(new TypeError(err && err.message ? err.message : 'fetch failed'));
      });
    });
  } };

  function pumpUpload(s, callId) {
    const reader = newReader(s);
    const step = () => ReadableStreamDefaultReader.prototype.read.call(reader).then(({ value, done }) => {
      if (done) return host.uploadEnd(callId, null);
      if (!(value instanceof Uint8ArrayCtor)) throw new TypeError('Request body stream chunks must be Uint8Array');
      return host.uploadChunk(callId, value).then(step);
    });
    step().catch((err) => host.uploadEnd(callId, String(err && err.message ? err.message : err)));
  }

  // bodyReadReporter brackets body reads with the notify pair Snaps emits around them: once
  // per fetched response, shared with its clones (the first read opens the pair, the first
  // read to finish closes it).
  function bodyReadReporter() {
    let started = false;
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        host.notify('OutboundResponse');
      }
    };
    return (read) => {
      if (!started) {
        started = true;
        host.notify('OutboundRequest');
      }
      return read.then((value) => {
        finish();
        return value;
      }, (err) => {
        finish();
        throw err;
      });
    };
  }

  function networkResponse(meta, signal) {
    const res = Object.create(Response.prototype);
    const headers = newHeaders('immutable', meta.headers);
    responseState.set(res, {
      type: meta.type, status: meta.status, statusText: meta.statusText, headers,
      url: meta.url, redirected: meta.redirected,
    });
    let body = null;
    if (meta.bodyId !== null) {
      const stream = streamFromNetwork(meta.bodyId);
      body = { stream, source: null, length: null };
      addAbortAlgorithm(signal, () => {
        errorStream(streamState.get(stream), state(signal).reason);
        host.cancelBody(meta.bodyId);
      });
    }
    bodyState.set(res, { body, bodyId: meta.bodyId === null ? undefined : meta.bodyId, onRead: meta.bodyId !== null ? bodyReadReporter() : null });
    return res;
  }

  // ---------------------------------------------------------------- hardening

  const globals = {
    fetch, Request, Headers, Response, AbortController, AbortSignal, DOMException,
    ReadableStream, TextEncoder, TextDecoder,
  };

  function harden(root) {
    const seen = new Set();
    const stack = [root];
    while (stack.length > 0) {
      const obj = stack.pop();
      if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
      seen.add(obj);
      if (!options.skipFreeze) freeze(obj);
      for (const key of Reflect.ownKeys(obj)) {
        const desc = Reflect.getOwnPropertyDescriptor(obj, key);
        if ('value' in desc) stack.push(desc.value);
        if (desc.get) stack.push(desc.get);
        if (desc.set) stack.push(desc.set);
      }
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== Function.prototype && proto !== Error.prototype && proto !== null) {
        stack.push(proto);
      }
    }
  }

  harden(globals);
  harden(HeadersIteratorPrototype);
  harden(ReadableStreamDefaultReader);
  return globals;
});
