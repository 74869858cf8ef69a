// The Body mixin and body extraction: Fetch Standard §5.3,
// https://fetch.spec.whatwg.org/#body-mixin
//
// A body is {stream, source, length}: source is the bytes it was made from when known (so
// it can be sent again on a redirect), null for a ReadableStream.
// Note: Blob, FormData and formData() are not provided; an object of another type is
// converted with String(), as WebIDL's USVString branch of BodyInit would.

// A body is {stream, source}: source is the bytes it was made from when known (so it can
// be sent again on a redirect), null for streams.
// https://fetch.spec.whatwg.org/#concept-bodyinit-extract
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

// https://fetch.spec.whatwg.org/#body-unusable
function isUnusable(b) {
  return b.body !== null && streamState.get(b.body.stream).disturbed;
}

// https://fetch.spec.whatwg.org/#concept-body-consume-body
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
  // https://fetch.spec.whatwg.org/#dom-body-body
  get body() { const b = bodyOf(this); return b.body === null ? null : b.body.stream; },
  // https://fetch.spec.whatwg.org/#dom-body-bodyused
  get bodyUsed() { const b = bodyOf(this); return b.body !== null && streamState.get(b.body.stream).disturbed; },
  // https://fetch.spec.whatwg.org/#dom-body-arraybuffer
  arrayBuffer() { return consumeBody(this).then((bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)); },
  // https://fetch.spec.whatwg.org/#dom-body-bytes
  bytes() { return consumeBody(this).then((bytes) => bytes); },
  // https://fetch.spec.whatwg.org/#dom-body-text
  text() { return consumeBody(this).then((bytes) => host.decodeUTF8(bytes, false, false)); },
  // https://fetch.spec.whatwg.org/#dom-body-json
  json() { return consumeBody(this).then((bytes) => JSON.parse(host.decodeUTF8(bytes, false, false))); },
};

function mixBody(proto) {
  for (const key of Object.getOwnPropertyNames(bodyMixin)) {
    const desc = Object.getOwnPropertyDescriptor(bodyMixin, key);
    defineProperty(proto, key, Object.assign(desc, { enumerable: true, configurable: true }));
  }
}

// https://fetch.spec.whatwg.org/#concept-body-clone
function cloneBody(b) {
  if (b.body === null) return null;
  if (b.bodyId !== undefined) host.noteClone(b.bodyId);
  const [a, c] = teeStream(streamState.get(b.body.stream));
  b.body = { stream: a, source: b.body.source, length: b.body.length };
  return { stream: c, source: b.body.source, length: b.body.length };
}
