// What every fuzzed vat evaluates before its program: __fz, the summariser that turns each
// step's value into JSON that can be compared across engines. It keeps what the endowment
// decides (statuses, types, URLs, header lists, body sizes and hashes, error names) and leaves
// out what differs between honest engines (error messages, the host's own response headers,
// how a body was cut into chunks). It reads objects by their toStringTag, never instanceof:
// some adapters hand a vat the host realm's objects. Plain ES2020.
globalThis.__fz = (function () {
  'use strict';
  const toStr = Object.prototype.toString;
  const isFinite = Number.isFinite;
  const keysOf = Object.keys;
  const tag = (v) => {
    try {
      return toStr.call(v).slice(8, -1);
    } catch (e) {
      return '?';
    }
  };
  const fnv = (n, at) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) {
      h ^= at(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ('0000000' + h.toString(16)).slice(-8);
  };
  const text = (s) => (s.length <= 80 ? s : s.slice(0, 64) + '…' + s.length + '#' + fnv(s.length, (i) => s.charCodeAt(i)));
  const bytes = (u8) => ({ bytes: u8.length, hash: fnv(u8.length, (i) => u8[i]) });
  const errorName = (e) => {
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function') && 'name' in e) return String(e.name);
    } catch (x) {
      return '?';
    }
    return 'Error';
  };
  // A fetched response's headers are mostly the server's and the engine's (Date, CORS,
  // Content-Length); only these are the program's.
  const chosen = /^(content-type|location|x-fz-[a-z0-9-]*)$/;
  const headerList = (h, all) => {
    const out = [];
    for (const pair of h) {
      if (out.length === 16) {
        out.push('…');
        break;
      }
      if (all || chosen.test(String(pair[0]))) out.push([String(pair[0]), text(String(pair[1]))]);
    }
    return out;
  };
  const field = (o, k, f, depth) => {
    try {
      const v = o[k];
      return f ? f(v) : sum(v, depth);
    } catch (e) {
      return { threw: errorName(e) };
    }
  };
  const bodyOf = (b) => (b === null ? null : tag(b));
  // A fetched response's type is "cors" in a browser page (the vat's page has an origin,
  // the virtual hosts another) where an endowment without origins says "basic"; and its
  // statusText is the reason phrase the HTTP client kept. Both are the engine's, not the
  // endowment's.
  const fetchedType = (t) => (t === 'cors' ? 'basic' : t);
  function response(v) {
    let fetched = false;
    try {
      fetched = v.url !== '';
    } catch (e) {
      fetched = false;
    }
    return {
      Response: {
        type: field(v, 'type', fetched ? fetchedType : null, 1),
        status: field(v, 'status', null, 1),
        statusText: fetched ? '-' : field(v, 'statusText', null, 1),
        ok: field(v, 'ok', null, 1),
        redirected: field(v, 'redirected', null, 1),
        url: field(v, 'url', null, 1),
        bodyUsed: field(v, 'bodyUsed', null, 1),
        body: field(v, 'body', bodyOf),
        headers: field(v, 'headers', (h) => headerList(h, !fetched)),
      },
    };
  }
  function request(v) {
    return {
      Request: {
        method: field(v, 'method', null, 1),
        url: field(v, 'url', null, 1),
        redirect: field(v, 'redirect', null, 1),
        mode: field(v, 'mode', null, 1),
        credentials: field(v, 'credentials', null, 1),
        cache: field(v, 'cache', null, 1),
        bodyUsed: field(v, 'bodyUsed', null, 1),
        body: field(v, 'body', bodyOf),
        headers: field(v, 'headers', (h) => headerList(h, true)),
        aborted: field(v, 'signal', (s) => !!(s && s.aborted)),
      },
    };
  }
  function sum(v, depth) {
    switch (typeof v) {
      case 'undefined':
        return { undefined: true };
      case 'boolean':
        return v;
      case 'number':
        return isFinite(v) ? v : String(v);
      case 'string':
        return text(v);
      case 'bigint':
      case 'symbol':
        return { type: typeof v };
      case 'function':
        return { function: true };
      default:
    }
    if (v === null) return null;
    const t = tag(v);
    if (depth <= 0) return { object: t };
    switch (t) {
      case 'Response':
        return response(v);
      case 'Request':
        return request(v);
      case 'Headers':
        return { Headers: field(v, 'entries', () => headerList(v, true)) };
      case 'ArrayBuffer':
        return { ArrayBuffer: bytes(new Uint8Array(v)) };
      case 'Uint8Array':
        return { Uint8Array: bytes(v) };
      case 'Blob':
      case 'File':
        return { Blob: { size: field(v, 'size', null, 1), type: field(v, 'type', null, 1) } };
      case 'FormData': {
        const out = [];
        for (const pair of v) out.push([String(pair[0]), typeof pair[1] === 'string' ? text(pair[1]) : tag(pair[1])]);
        return { FormData: out };
      }
      case 'ReadableStream':
        return { ReadableStream: { locked: field(v, 'locked', null, 1) } };
      case 'ReadableStreamDefaultReader':
      case 'ReadableStreamBYOBReader':
        return { reader: t };
      case 'AbortController':
        return { AbortController: { aborted: field(v, 'signal', (s) => s.aborted) } };
      case 'AbortSignal':
        return { AbortSignal: { aborted: field(v, 'aborted', null, 1), reason: field(v, 'reason', null, depth - 1) } };
      case 'URL':
        return { URL: field(v, 'href', null, 1) };
      case 'URLSearchParams':
        return { URLSearchParams: text(String(v)) };
      case 'Error':
      case 'DOMException':
        return { errorValue: errorName(v) };
      case 'Promise':
        return { Promise: true };
      case 'Array': {
        const out = [];
        for (let i = 0; i < v.length && i < 8; i++) out.push(sum(v[i], depth - 1));
        if (v.length > 8) out.push({ length: v.length });
        return out;
      }
      case 'Object': {
        const out = {};
        const keys = keysOf(v).sort().slice(0, 12);
        for (const k of keys) out[k] = field(v, k, null, depth - 1);
        return out;
      }
      default:
        return { object: t };
    }
  }
  // chunk summarises a reader's read() without the chunk's size, which is the network's
  // business, not the endowment's.
  function chunk(r) {
    if (r === null || typeof r !== 'object') return sum(r, 1);
    return { done: field(r, 'done', null, 1), value: field(r, 'value', (x) => (x === undefined ? null : tag(x))) };
  }
  return Object.freeze({ sum: (v) => sum(v, 3), chunk });
})();
