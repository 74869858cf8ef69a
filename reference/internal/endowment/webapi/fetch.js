// fetch(): Fetch Standard §5.6, https://fetch.spec.whatwg.org/#fetch-method
//
// The network part of the fetch algorithm (the allowlist, redirects, notify) runs in Go:
// host.send starts it, host.read pulls the body, host.abort and host.cancelBody stop it.
// Note: responses are "basic" or "opaqueredirect" only; there is no CORS, cache or
// service worker step.
// Note: around body reads fetch calls notify with OutboundRequest/OutboundResponse, as the
// Snaps endowment does; this is not in the standard.

// A method definition, like WebIDL operations, has no prototype property.
// https://fetch.spec.whatwg.org/#dom-global-fetch
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

// https://fetch.spec.whatwg.org/#concept-request-transmit-body
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

// https://fetch.spec.whatwg.org/#response-class
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
