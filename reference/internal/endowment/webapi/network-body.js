// The stream of a fetched response's body: the ReadableStream that Fetch's HTTP-network
// fetch sets up over the network, https://fetch.spec.whatwg.org/#http-network-fetch, pulled
// from the host chunk by chunk (host.read) or, for the Body mixin's whole reads
// (https://fetch.spec.whatwg.org/#concept-body-consume-body), read to its end in one
// hand-off (host.readAll).
//
// It is streams.js's ReadableStream with no underlying source object: streams.js's
// algorithms pull a stream with a networkBodyId through pullNetwork and cancel it through
// host.cancelBody, so a fetched body costs no closures until it is read. It is kept apart
// from streams.js, the Streams Standard's classes and algorithms, because it is the host's
// side of the stream: what it asks of the network calls, and how a whole read stands in for
// a reader.

// streamFromNetwork reads a response body from the host chunk by chunk, on demand.
//
// It is built without the constructor: a network body has no start algorithm, so the
// stream is started at once (the constructor would set started from a promise job that
// runs before vat code can reach the response), and its source and controller are made on
// the first pull. Most bodies are read whole by text() or json() and never pulled, and the
// constructor's promises, closures and frozen controller were a large part of a fetch.
function streamFromNetwork(bodyId) {
  const stream = Object.create(ReadableStream.prototype);
  // No underlying source object: pullIfNeeded and cancelStream call pullNetwork and the
  // host for a stream with a networkBodyId, so a fetched body costs no closures until it
  // is read chunk by chunk (text() and its siblings read it whole without pulling).
  const s = {
    state: 'readable', queue: [], reader: null, storedError: undefined, disturbed: false,
    pulling: false, pullAgain: false, started: true, source: null, closeRequested: false,
    controller: null, networkBodyId: bodyId,
  };
  slotSet(streamState, stream, s);
  return stream;
}

// pullNetwork is a network body's underlying source's pull: one chunk from the host, or
// the end of the body.
function pullNetwork(s) {
  const controller = controllerOf(s);
  return host.read(s.networkBodyId).then((chunk) => {
    if (chunk === null) controller.close();
    else controller.enqueue(new Uint8ArrayCtor(chunk));
  });
}

function noop() {}

// readNetworkBodyWhole reads an untouched network body to its end in one hand-off from
// the host (host.readAll) instead of chunk by chunk through a reader, and returns a promise
// of kind ('text': a string; 'bytes': a Uint8Array; 'arrayBuffer'), or null when the
// stream is not one it can take over: not a network body, or one a reader or tee has read
// from. Observably it reads as readAll does: the stream is locked by a reader and
// disturbed at once, closes when the body ends, and an error of the stream (an abort, a
// network error) rejects the read. reporter (the response's body read reporter, see
// fetch.js: every fetched body has one) is told when the read starts and ends.
function readNetworkBodyWhole(s, kind, reporter) {
  if (s.networkBodyId === undefined || s.state !== 'readable' || s.reader !== null || s.queue.length > 0 || s.pulling) return null;
  // The reader that locks the stream is internal: no code can reach it, so it needs no
  // object and no closed promise, only what closeStream and errorStream call.
  const r = { stream: s, requests: [], resolveClosed: noop, rejectClosed: noop };
  s.reader = r;
  s.disturbed = true;
  reportReadStart(reporter);
  return new PromiseCtor((resolve, reject) => {
    // A pending read request: errorStream rejects it (an abort of the fetch's signal, a
    // network error), as it would reject a read of the reader.
    r.requests.push({ resolve: noop, reject: wholeReadRequestRejected, reporter, rejectRead: reject });
    host.readAll(s.networkBodyId, kind === 'text' ? 'text' : 'bytes', wholeReadDone, wholeReadFailed, s, kind, reporter, resolve);
  });
}

// wholeReadDone and wholeReadFailed are host.readAll's callbacks for readNetworkBodyWhole,
// shared by every read, which passes its own state for the host to hand back.
function wholeReadDone(value, s, kind, reporter, resolve) {
  if (s.state !== 'readable') return;
  s.reader.requests = [];
  closeStream(s);
  reportReadFinish(reporter);
  if (kind === 'bytes') resolve(new Uint8ArrayCtor(value));
  else resolve(value);
}

function wholeReadFailed(err, s) {
  errorStream(s, err);
}

// wholeReadRequestRejected is the reject of readNetworkBodyWhole's read request, called as
// its method.
function wholeReadRequestRejected(err) {
  reportReadFinish(this.reporter);
  this.rejectRead(err);
}
