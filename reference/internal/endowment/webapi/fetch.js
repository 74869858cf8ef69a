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
    const checkURL = options.stringifyTwice && !slotHas(requestState, input) ? parseURL(input).href : null;
    if (typeof input === 'string' && init === undefined && checkURL === null) {
      // fetch(url), most calls: the request new Request(url) would build is a GET of the
      // URL with no headers, no body, redirects followed and a signal nobody can abort.
      // Nothing observes that Request, so only its URL is made, with the constructor's
      // checks and errors.
      const parsed = parseURL(input);
      if (parsed.credentials) throw new TypeError('Request cannot be constructed from a URL that includes credentials');
      host.send({ url: parsed.href, checkURL: null, method: 'GET', headers: [], body: null, streaming: false, redirect: 'follow' },
        responseHeadArrived, fetchFailed, resolve, reject, null);
      return;
    }
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
        slotGet(streamState, b.body.stream).disturbed = true;
      } else {
        upload = slotGet(streamState, b.body.stream);
        if (upload.reader !== null) throw new TypeError('Request body stream is locked');
      }
    }
    // The host calls back on the loop once the response head arrives (or the fetch
    // fails): one hand-off, no promise of its own in between.
    const callId = host.send({
      url: r.url,
      checkURL,
      method: r.method,
      headers: headersOf(r.headers).list,
      body: bytes,
      streaming: upload !== null,
      redirect: r.redirect,
    }, responseHeadArrived, fetchFailed, resolve, reject, r.signal);
    if (upload !== null) pumpUpload(upload, callId);
    addAbortAlgorithm(r.signal, () => {
      host.abort(callId);
      reject(state(r.signal).reason);
    });
  });
} };

// responseHeadArrived and fetchFailed settle a fetch's promise (resolve, reject) when the
// host calls back; they are shared by every fetch, which passes its own resolve, reject and
// signal (null for a request nobody can abort) to host.send for the host to hand back. A
// fetch whose signal was aborted has already rejected.
function responseHeadArrived(meta, resolve, reject, signal) {
  if (signal !== null && state(signal).aborted) return;
  resolve(networkResponse(meta, signal));
}

function fetchFailed(err, resolve, reject, signal) {
  if (signal !== null && state(signal).aborted) return;
  reject(new TypeError(err && err.message ? err.message : 'fetch failed'));
}

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

// A body read reporter brackets body reads with the notify pair Snaps emits around them:
// once per fetched response, shared with its clones (the first read opens the pair, the
// first read to finish closes it). It is plain state, {started, finished}, and the
// functions below act on it, so a response that is never read costs no closures.
// reportReadStart opens the pair, reportReadFinish closes it, reportRead does both around
// a read's promise.
function reportReadStart(r) {
  if (!r.started) {
    r.started = true;
    host.notify('OutboundRequest');
  }
}

function reportReadFinish(r) {
  if (!r.finished) {
    r.finished = true;
    host.notify('OutboundResponse');
  }
}

function reportRead(r, read) {
  reportReadStart(r);
  return read.then((value) => {
    reportReadFinish(r);
    return value;
  }, (err) => {
    reportReadFinish(r);
    throw err;
  });
}

// https://fetch.spec.whatwg.org/#response-class
function networkResponse(meta, signal) {
  const res = Object.create(Response.prototype);
  // The Headers object is made when first asked for (responseHeaders): many responses are
  // read without a look at their headers.
  slotSet(responseState, res, {
    type: meta.type, status: meta.status, statusText: meta.statusText, headers: null, headerList: meta.headers,
    url: meta.url, redirected: meta.redirected,
  });
  let body = null;
  if (meta.bodyId !== null) {
    const stream = streamFromNetwork(meta.bodyId);
    body = { stream, source: null, length: null };
    // signal is null for a request whose signal nobody can abort.
    if (signal !== null) {
      addAbortAlgorithm(signal, () => {
        errorStream(slotGet(streamState, stream), state(signal).reason);
        host.cancelBody(meta.bodyId);
      });
    }
  }
  slotSet(bodyState, res, { body, bodyId: meta.bodyId === null ? undefined : meta.bodyId, onRead: meta.bodyId !== null ? { started: false, finished: false } : null });
  return res;
}
