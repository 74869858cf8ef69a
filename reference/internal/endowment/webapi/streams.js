// ReadableStream and ReadableStreamDefaultReader: Streams Standard §4,
// https://streams.spec.whatwg.org/#rs
//
// Note: only default readers exist (no byte streams, BYOB readers, pipeTo, pipeThrough or
// async iteration), and the queue has a fixed high-water mark of one chunk: the strategy
// argument is ignored.
// Note: tee() does not clone chunks; both branches see the same chunk objects, as the
// spec's ReadableStreamDefaultTee does with cloneForBranch2 false.
//
// The stream of a fetched body, which the algorithms below pull from and cancel through the
// host when it has a networkBodyId, is made in network-body.js.

const streamState = newSlotStore();
const readerState = newSlotStore();

// https://streams.spec.whatwg.org/#rs-class
class ReadableStream {
  // https://streams.spec.whatwg.org/#rs-constructor
  constructor(source, strategy) {
    const src = source == null ? {} : source;
    const s = {
      state: 'readable', queue: [], reader: null, storedError: undefined, disturbed: false,
      pulling: false, pullAgain: false, started: false, source: src, closeRequested: false,
    };
    slotSet(streamState, this, s);
    const controller = makeController(s);
    s.controller = controller;
    let startResult;
    if (typeof src.start === 'function') startResult = src.start.call(src, controller);
    PromiseCtor.resolve(startResult).then(() => {
      s.started = true;
      pullIfNeeded(s);
    }, (err) => errorStream(s, err));
  }
  // https://streams.spec.whatwg.org/#rs-locked
  get locked() { return streamOf(this).reader !== null; }
  // https://streams.spec.whatwg.org/#rs-cancel
  cancel(reason) {
    const s = streamOf(this);
    if (s.reader !== null) return PromiseCtor.reject(new TypeError('Cannot cancel a locked stream'));
    return cancelStream(s, reason);
  }
  // https://streams.spec.whatwg.org/#rs-get-reader
  getReader(opts) {
    const s = streamOf(this);
    if (opts && opts.mode !== undefined) throw new TypeError('Only default readers are supported');
    if (s.reader !== null) throw new TypeError('ReadableStream is locked');
    return newReader(s);
  }
  // https://streams.spec.whatwg.org/#rs-tee
  tee() {
    const s = streamOf(this);
    if (s.reader !== null) throw new TypeError('ReadableStream is locked');
    return teeStream(s);
  }
}

// WebIDL §3.7.3: the class string of Object.prototype.toString.
defineProperty(ReadableStream.prototype, symbolToStringTag, { value: 'ReadableStream', configurable: true });

function streamOf(stream) {
  const s = slotGet(streamState, stream);
  if (!s) throw new TypeError('Illegal invocation: not a ReadableStream');
  return s;
}

// https://streams.spec.whatwg.org/#rs-default-controller-class
function makeController(s) {
  return freeze({
    // https://streams.spec.whatwg.org/#rs-default-controller-enqueue
    enqueue(chunk) {
      if (s.state !== 'readable' || s.closeRequested) throw new TypeError('The stream is not readable');
      if (s.reader && s.reader.requests.length > 0) {
        s.reader.requests.shift().resolve({ value: chunk, done: false });
      } else {
        s.queue.push(chunk);
      }
      pullIfNeeded(s);
    },
    // https://streams.spec.whatwg.org/#rs-default-controller-close
    close() {
      if (s.state !== 'readable' || s.closeRequested) throw new TypeError('The stream is not readable');
      s.closeRequested = true;
      if (s.queue.length === 0) closeStream(s);
    },
    // https://streams.spec.whatwg.org/#rs-default-controller-error
    error(err) {
      errorStream(s, err);
    },
    // https://streams.spec.whatwg.org/#rs-default-controller-desired-size
    get desiredSize() {
      if (s.state === 'errored') return null;
      if (s.state === 'closed') return 0;
      return 1 - s.queue.length;
    },
  });
}

// https://streams.spec.whatwg.org/#readable-stream-default-controller-call-pull-if-needed
function pullIfNeeded(s) {
  if (!s.started || s.state !== 'readable' || s.closeRequested) return;
  // A network body has a high-water mark of 0, as the Fetch Standard sets it up: nothing is
  // read before a reader asks, so text() and its siblings can still read it whole in Go.
  const wanted = (s.reader && s.reader.requests.length > 0) || (s.queue.length < 1 && s.networkBodyId === undefined);
  const network = s.networkBodyId !== undefined;
  if (!wanted || (!network && typeof s.source.pull !== 'function')) return;
  if (s.pulling) {
    s.pullAgain = true;
    return;
  }
  s.pulling = true;
  let result;
  try {
    result = network ? pullNetwork(s) : s.source.pull.call(s.source, controllerOf(s));
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

// https://streams.spec.whatwg.org/#readable-stream-close
function closeStream(s) {
  if (s.state !== 'readable') return;
  s.state = 'closed';
  if (s.reader) {
    const requests = s.reader.requests;
    s.reader.requests = [];
    for (let i = 0; i < requests.length; i++) requests[i].resolve({ value: undefined, done: true });
    s.reader.resolveClosed();
  }
}

// https://streams.spec.whatwg.org/#readable-stream-error
function errorStream(s, err) {
  if (s.state !== 'readable') return;
  s.state = 'errored';
  s.storedError = err;
  s.queue = [];
  if (s.reader) {
    const requests = s.reader.requests;
    s.reader.requests = [];
    for (let i = 0; i < requests.length; i++) requests[i].reject(err);
    s.reader.rejectClosed(err);
  }
}

// https://streams.spec.whatwg.org/#readable-stream-cancel
function cancelStream(s, reason) {
  s.disturbed = true;
  if (s.state === 'closed') return PromiseCtor.resolve(undefined);
  if (s.state === 'errored') return PromiseCtor.reject(s.storedError);
  s.queue = [];
  closeStream(s);
  let result;
  if (s.networkBodyId !== undefined) {
    host.cancelBody(s.networkBodyId);
  } else {
    const cancel = s.source.cancel;
    try {
      result = typeof cancel === 'function' ? cancel.call(s.source, reason) : undefined;
    } catch (err) {
      return PromiseCtor.reject(err);
    }
  }
  return PromiseCtor.resolve(result).then(() => undefined);
}

// https://streams.spec.whatwg.org/#default-reader-class
class ReadableStreamDefaultReader {
  // https://streams.spec.whatwg.org/#default-reader-constructor
  constructor(stream) {
    const s = streamOf(stream);
    if (s.reader !== null) throw new TypeError('ReadableStream is locked');
    return newReader(s);
  }
  // https://streams.spec.whatwg.org/#generic-reader-closed
  get closed() { return readerOf(this).closed; }
  // https://streams.spec.whatwg.org/#default-reader-read
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
  // https://streams.spec.whatwg.org/#default-reader-release-lock
  releaseLock() {
    const r = readerOf(this);
    const s = r.stream;
    if (!s) return;
    const err = new TypeError('The reader was released');
    for (const req of r.requests) req.reject(err);
    r.requests = [];
    if (s.state === 'readable') {
      r.rejectClosed(err);
    } else {
      // ReadableStreamReaderGenericRelease: a reader of a closed or errored stream gets a new
      // closed promise, rejected, in place of the settled one.
      r.closed = PromiseCtor.reject(err);
      r.closed.catch(() => {});
    }
    s.reader = null;
    r.stream = null;
  }
  // https://streams.spec.whatwg.org/#generic-reader-cancel
  cancel(reason) {
    const r = readerOf(this);
    if (!r.stream) return PromiseCtor.reject(new TypeError('The reader has been released'));
    return cancelStream(r.stream, reason);
  }
}

defineProperty(ReadableStreamDefaultReader.prototype, symbolToStringTag, { value: 'ReadableStreamDefaultReader', configurable: true });

function readerOf(reader) {
  const r = slotGet(readerState, reader);
  if (!r) throw new TypeError('Illegal invocation: not a ReadableStreamDefaultReader');
  return r;
}

// https://streams.spec.whatwg.org/#set-up-readable-stream-default-reader
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
  slotSet(readerState, reader, r);
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

// https://streams.spec.whatwg.org/#readable-stream-default-tee
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
      if (!canceled1) controllerOf(streamOf(branch1)).enqueue(value);
      if (!canceled2) controllerOf(streamOf(branch2)).enqueue(value);
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
  if (s.state === 'readable' && !s.closeRequested) controllerOf(s).close();
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

// controllerOf is the stream's controller, made when it is first needed.
function controllerOf(s) {
  if (s.controller === null) s.controller = makeController(s);
  return s.controller;
}
