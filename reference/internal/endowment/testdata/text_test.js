const arr = (u8) => Array.from(u8);

test('TextEncoder encodes UTF-8', () => {
  const enc = new TextEncoder();
  assertEquals(enc.encoding, 'utf-8', 'encoding');
  assertEquals(arr(enc.encode('a€😀')), [0x61, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80], 'bytes');
  assertEquals(arr(enc.encode()), [], 'encode() of nothing');
  assert(enc.encode('x') instanceof Uint8Array, 'a Uint8Array');
});

test('a leading BOM is removed unless ignoreBOM, and only at the start of a stream', () => {
  const withBOM = bytes(0xEF, 0xBB, 0xBF, 0x68, 0x69);
  assertEquals(new TextDecoder().decode(withBOM), 'hi', 'default');
  assertEquals(new TextDecoder('utf-8', { ignoreBOM: true }).decode(withBOM), '\uFEFFhi', 'ignoreBOM');
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0xEF, 0xBB, 0xBF, 0x61), { stream: true }), 'a', 'first chunk');
  assertEquals(d.decode(bytes(0xEF, 0xBB, 0xBF, 0x62)), '\uFEFFb', 'a BOM in a later chunk is kept');
  assertEquals(d.decode(withBOM), 'hi', 'after the end of a stream, the next decode starts afresh');
  const split = new TextDecoder();
  assertEquals(split.decode(bytes(0xEF, 0xBB), { stream: true }) + split.decode(bytes(0xBF, 0x7A)), 'z', 'a BOM split across chunks');
});

test('invalid UTF-8 becomes one U+FFFD per maximal subpart', () => {
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0x61, 0xFF, 0x62)), 'a\uFFFDb', 'an invalid byte');
  assertEquals(d.decode(bytes(0xE2, 0x82, 0x41)), '\uFFFDA', 'a truncated three-byte sequence');
  assertEquals(d.decode(bytes(0xF0, 0x80, 0x80)), '\uFFFD\uFFFD\uFFFD', 'an overlong lead is its own subpart');
  assertEquals(d.decode(bytes(0xED, 0xA0, 0x80)), '\uFFFD\uFFFD\uFFFD', 'a surrogate');
  assertEquals(d.decode(bytes(0xE2, 0x82)), '\uFFFD', 'a truncated sequence at the end');
});

test('fatal decoding throws a TypeError on invalid input', () => {
  const d = new TextDecoder('utf-8', { fatal: true });
  assertEquals(d.fatal, true, 'fatal');
  assertThrows(() => d.decode(bytes(0x61, 0xC0)), TypeError, 'invalid input');
  assertEquals(d.decode(bytes(0x61)), 'a', 'valid input after a failure');
});

test('a multi-byte sequence split across streamed chunks decodes whole', () => {
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0xE2), { stream: true }), '', 'first byte of €');
  assertEquals(d.decode(bytes(0x82), { stream: true }), '', 'second byte of €');
  assertEquals(d.decode(bytes(0xAC, 0xF0, 0x9F), { stream: true }), '€', 'last byte of € and half an emoji');
  assertEquals(d.decode(bytes(0x98, 0x80), { stream: true }), '😀', 'rest of the emoji');
  assertEquals(d.decode(bytes(0xF0, 0x9F), { stream: true }), '', 'an incomplete tail');
  assertEquals(d.decode(), '\uFFFD', 'the incomplete tail at the end of the stream');
  assertEquals(d.decode(new Uint8Array([0x61]).buffer), 'a', 'an ArrayBuffer input');
});

test('only UTF-8 labels are accepted', () => {
  assertEquals(new TextDecoder(' UTF8 ').encoding, 'utf-8', 'a label with spaces and case');
  assertThrows(() => new TextDecoder('latin1'), RangeError, 'latin1');
  assertThrows(() => new TextDecoder().decode('text'), TypeError, 'a string input');
});

test('every UTF-8 label is accepted with ASCII whitespace around it, and only ASCII whitespace is trimmed', () => {
  for (const label of ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8', ' UTF-8 ', '\t\n\f\rUtf8\r\n']) {
    assertEquals(new TextDecoder(label).encoding, 'utf-8', `encoding for label ${JSON.stringify(label)}`);
  }
  for (const label of ['\u00a0utf-8', 'utf-8\ufeff', 'utf-8\u2003', '\vutf-8', 'utf 8']) {
    assertThrows(() => new TextDecoder(label), RangeError, `label ${JSON.stringify(label)}`);
  }
});

test('encoders and decoders name their interface in Object.prototype.toString', () => {
  assertEquals(Object.prototype.toString.call(new TextEncoder()), '[object TextEncoder]', 'encoder');
  assertEquals(Object.prototype.toString.call(new TextDecoder()), '[object TextDecoder]', 'decoder');
});

test('streaming holds back exactly the bytes a later chunk could complete', () => {
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0xF0, 0x9F, 0x98), { stream: true }), '', 'three bytes of a four-byte sequence');
  assertEquals(d.decode(bytes(0x80), { stream: true }), '😀', 'its last byte');
  assertEquals(d.decode(bytes(0xC2, 0xA9), { stream: true }), '©', 'a whole two-byte sequence is not held back');
  assertEquals(d.decode(bytes(0xE2, 0x82, 0xAC), { stream: true }), '€', 'nor a whole three-byte one');
  assertEquals(d.decode(bytes(0xF0, 0x90, 0xC0), { stream: true }), '\uFFFD\uFFFD', 'C0 is no continuation byte: nothing to complete');
  assertEquals(d.decode(), '', 'nothing held at the end');
});

test('streaming checks the second byte of a held-back sequence against its lead', () => {
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0xE0, 0x80), { stream: true }), '\uFFFD\uFFFD', 'E0 80 can never be completed');
  assertEquals(d.decode(bytes(0xED, 0x9F), { stream: true }), '', 'ED 9F is the highest start ED allows');
  assertEquals(d.decode(bytes(0x80), { stream: true }), '\uD7C0', 'its completion');
  assertEquals(d.decode(bytes(0xF4, 0x8F), { stream: true }), '', 'F4 8F is the highest start F4 allows');
  assertEquals(d.decode(bytes(0xBF, 0xBF)), '\uDBFF\uDFFF', 'its completion (U+10FFFF)');
});
