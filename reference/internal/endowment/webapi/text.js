// TextEncoder and TextDecoder: Encoding Standard §7, https://encoding.spec.whatwg.org/#api
//
// Note: TextDecoder supports UTF-8 only; any other label throws a RangeError (as an unknown
// label does), where a browser would decode that encoding.
// Note: the UTF-8 decoder itself (BOM, fatal mode, U+FFFD per maximal subpart) runs in Go,
// host.decodeUTF8 (textdecode.go); this file keeps the streaming state.

// https://encoding.spec.whatwg.org/#interface-textencoder
class TextEncoder {
  // https://encoding.spec.whatwg.org/#dom-textencoder-encoding
  get encoding() { return 'utf-8'; }
  // https://encoding.spec.whatwg.org/#dom-textencoder-encode
  encode(input) {
    return encodeUTF8(input === undefined ? '' : String(input));
  }
}

// https://encoding.spec.whatwg.org/#interface-textdecoder
class TextDecoder {
  // https://encoding.spec.whatwg.org/#dom-textdecoder
  constructor(label, opts) {
    // https://encoding.spec.whatwg.org/#concept-encoding-get: only ASCII whitespace is
    // trimmed (String.prototype.trim would also take U+00A0, U+FEFF, ...).
    const l = label === undefined ? 'utf-8' : String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase();
    if (!utf8Labels.includes(l)) throw new RangeError(`TextDecoder: unsupported encoding label "${label}": only utf-8 is supported`);
    slotSet(decoderState, this, { fatal: !!(opts && opts.fatal), ignoreBOM: !!(opts && opts.ignoreBOM), pending: null, started: false });
  }
  get encoding() { return 'utf-8'; }
  // https://encoding.spec.whatwg.org/#dom-textdecoder-fatal
  get fatal() { return slotGet(decoderState, this).fatal; }
  // https://encoding.spec.whatwg.org/#dom-textdecoder-ignorebom
  get ignoreBOM() { return slotGet(decoderState, this).ignoreBOM; }
  // https://encoding.spec.whatwg.org/#dom-textdecoder-decode
  decode(input, opts) {
    const s = slotGet(decoderState, this);
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
// WebIDL §3.7.3: the class string of Object.prototype.toString.
defineProperty(TextEncoder.prototype, symbolToStringTag, { value: 'TextEncoder', configurable: true });
defineProperty(TextDecoder.prototype, symbolToStringTag, { value: 'TextDecoder', configurable: true });
const decoderState = newSlotStore();
// https://encoding.spec.whatwg.org/#names-and-labels, the labels of UTF-8.
const utf8Labels = ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'];

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
