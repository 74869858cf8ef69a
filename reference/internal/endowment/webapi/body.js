// The Body mixin and body extraction: Fetch Standard §5.3,
// https://fetch.spec.whatwg.org/#body-mixin
//
// A body is {stream, source, length}: source is the bytes it was made from when known (so
// it can be sent again on a redirect), null for a ReadableStream.
// Note: Blob and FormData are not provided: blob() and formData() consume the body, as they
// do in every engine (a later read finds it used), then reject with a TypeError. An object of
// another type is converted with String(), as WebIDL's USVString branch of BodyInit would.

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
  if (slotHas(streamState, object)) {
    const s = slotGet(streamState, object);
    if (s.disturbed || s.reader !== null) throw new TypeError('The body stream is disturbed or locked');
    return { body: { stream: object, source: null, length: null }, type: null };
  }
  const text = String(object);
  const bytes = encodeUTF8(text);
  return { body: { stream: streamFromBytes(bytes), source: bytes, length: bytes.byteLength }, type: 'text/plain;charset=UTF-8' };
}

const bodyState = newSlotStore();

function bodyOf(obj) {
  const b = slotGet(bodyState, obj);
  if (!b) throw new TypeError('Illegal invocation');
  return b;
}

// https://fetch.spec.whatwg.org/#body-unusable: disturbed or locked. A clone of a body a
// reader holds would tee a locked stream: the clone gets the bytes, the reader none.
function isUnusable(b) {
  if (b.body === null) return false;
  const s = slotGet(streamState, b.body.stream);
  return s.disturbed || s.reader !== null;
}

// https://fetch.spec.whatwg.org/#concept-body-consume-body
// consumeBody reads the whole body as kind: 'text' (a string, UTF-8 decoded), 'bytes' (a
// Uint8Array) or 'arrayBuffer'. A network body nobody has read from is read whole by the
// host; any other is drained through a reader.
function consumeBody(obj, kind) {
  const b = bodyOf(obj);
  if (isUnusable(b)) return PromiseCtor.reject(new TypeError('Body has already been used or is locked'));
  if (b.body === null) return PromiseCtor.resolve(kind === 'text' ? '' : bytesAs(kind, new Uint8ArrayCtor(0)));
  const s = slotGet(streamState, b.body.stream);
  const whole = readNetworkBodyWhole(s, kind, b.onRead);
  if (whole !== null) return whole;
  const read = readAll(s).then((bytes) => (kind === 'text' ? host.decodeUTF8(bytes, false, false) : bytesAs(kind, bytes)));
  return b.onRead ? reportRead(b.onRead, read) : read;
}

function bytesAs(kind, bytes) {
  if (kind === 'bytes') return bytes;
  // A copy: the bytes may be a chunk a tee's other branch also holds.
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

const bodyMixin = {
  // https://fetch.spec.whatwg.org/#dom-body-body
  get body() { const b = bodyOf(this); return b.body === null ? null : b.body.stream; },
  // https://fetch.spec.whatwg.org/#dom-body-bodyused
  get bodyUsed() { const b = bodyOf(this); return b.body !== null && slotGet(streamState, b.body.stream).disturbed; },
  // https://fetch.spec.whatwg.org/#dom-body-arraybuffer
  arrayBuffer() { return consumeBody(this, 'arrayBuffer'); },
  // https://fetch.spec.whatwg.org/#dom-body-bytes
  bytes() { return consumeBody(this, 'bytes'); },
  // https://fetch.spec.whatwg.org/#dom-body-text
  text() { return consumeBody(this, 'text'); },
  // https://fetch.spec.whatwg.org/#dom-body-json
  json() { return consumeBody(this, 'text').then((text) => JSON.parse(text)); },
  // https://fetch.spec.whatwg.org/#dom-body-blob
  blob() { return consumeBody(this, 'bytes').then(unsupported('blob()', 'Blob')); },
  // https://fetch.spec.whatwg.org/#dom-body-formdata
  formData() { return consumeBody(this, 'bytes').then(unsupported('formData()', 'FormData')); },
};

function unsupported(method, type) {
  return () => { throw new TypeError(`${method} is not supported: this endowment provides no ${type}`); };
}

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
  const [a, c] = teeStream(slotGet(streamState, b.body.stream));
  b.body = { stream: a, source: b.body.source, length: b.body.length };
  return { stream: c, source: b.body.source, length: b.body.length };
}
