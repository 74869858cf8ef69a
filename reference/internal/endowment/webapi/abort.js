// AbortController and AbortSignal: DOM Standard §3.3, https://dom.spec.whatwg.org/#aborting-ongoing-activities
//
// Note: AbortSignal is an EventTarget only for "abort": addEventListener ignores other event
// types and the passive and signal options (capture only tells listeners apart, as there
// is no tree to dispatch through); dispatchEvent throws.
// Note: the event passed to listeners is a frozen plain object ({type, target,
// currentTarget, isTrusted}), not an Event instance.
// Note: an exception thrown by a listener is reported to host.reportError (which drops
// it) and does not stop the other listeners, as "report the exception" says.

// https://dom.spec.whatwg.org/#interface-AbortSignal
const signalState = newSlotStore();

class AbortSignal {
  constructor() {
    throw new TypeError('Illegal constructor');
  }
  // https://dom.spec.whatwg.org/#dom-abortsignal-aborted
  get aborted() { return state(this).aborted; }
  // https://dom.spec.whatwg.org/#dom-abortsignal-reason
  get reason() { return state(this).reason; }
  // https://dom.spec.whatwg.org/#handler-abortsignal-onabort
  get onabort() { return state(this).onabort; }
  set onabort(fn) {
    // An event handler is a listener registered when the attribute is first set to a
    // function (HTML §8.1.8.1), so it runs in that position among the other listeners.
    const s = state(this);
    s.onabort = typeof fn === 'function' ? fn : null;
    if (s.onabort !== null && !s.listeners.some((l) => l.handler)) {
      s.listeners.push({ fn: (event) => { if (s.onabort) s.onabort.call(this, event); }, once: false, capture: false, handler: true });
    }
  }
  // https://dom.spec.whatwg.org/#dom-abortsignal-throwifaborted
  throwIfAborted() {
    const s = state(this);
    if (s.aborted) throw s.reason;
  }
  // https://dom.spec.whatwg.org/#dom-eventtarget-addeventlistener
  addEventListener(type, listener, opts) {
    const s = state(this);
    if (String(type) !== 'abort' || listener == null) return;
    // A listener is its callback and its capture flag: the same callback added for both
    // phases is two listeners.
    const capture = flattenCapture(opts);
    if (s.listeners.some((l) => l.fn === listener && l.capture === capture)) return;
    const once = opts !== null && typeof opts === 'object' && !!opts.once;
    s.listeners.push({ fn: listener, once, capture });
  }
  // https://dom.spec.whatwg.org/#dom-eventtarget-removeeventlistener
  removeEventListener(type, listener, opts) {
    const s = state(this);
    if (String(type) !== 'abort') return;
    const capture = flattenCapture(opts);
    s.listeners = s.listeners.filter((l) => l.fn !== listener || l.capture !== capture);
  }
  // https://dom.spec.whatwg.org/#dom-eventtarget-dispatchevent
  dispatchEvent(event) {
    throw new TypeError('AbortSignal.dispatchEvent is not supported by this endowment');
  }
  // https://dom.spec.whatwg.org/#dom-abortsignal-abort
  static abort(reason) {
    const signal = newSignal();
    signalAbort(signal, reason === undefined ? abortError() : reason);
    return signal;
  }
  // https://dom.spec.whatwg.org/#dom-abortsignal-timeout
  static timeout(ms) {
    const delay = Number(ms);
    if (!(delay >= 0) || delay > Number.MAX_SAFE_INTEGER) throw new TypeError('AbortSignal.timeout: milliseconds must be a non-negative number');
    const signal = newSignal();
    host.setTimeout(() => {
      signalAbort(signal, new DOMException('The operation timed out.', 'TimeoutError'));
    }, delay);
    return signal;
  }
  // https://dom.spec.whatwg.org/#dom-abortsignal-any
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

// WebIDL §3.7.3: the class string of Object.prototype.toString.
defineProperty(AbortSignal.prototype, symbolToStringTag, { value: 'AbortSignal', configurable: true });

// https://dom.spec.whatwg.org/#concept-flatten-options
function flattenCapture(opts) {
  if (typeof opts === 'boolean') return opts;
  return opts !== null && typeof opts === 'object' && !!opts.capture;
}

function state(signal) {
  const s = slotGet(signalState, signal);
  if (!s) throw new TypeError('Illegal invocation: not an AbortSignal');
  return s;
}

function newSignal() {
  const signal = Object.create(AbortSignal.prototype);
  slotSet(signalState, signal, { aborted: false, reason: undefined, listeners: [], onabort: null, algorithms: [] });
  return signal;
}

// https://dom.spec.whatwg.org/#abortsignal-signal-abort
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

// https://dom.spec.whatwg.org/#concept-event-listener-inner-invoke
function callListener(fn, target, event) {
  try {
    if (typeof fn === 'function') fn.call(target, event);
    else if (fn && typeof fn.handleEvent === 'function') fn.handleEvent(event);
  } catch (err) {
    host.reportError(err);
  }
}

// https://dom.spec.whatwg.org/#abortsignal-add
// addAbortAlgorithm runs run once when signal aborts (internal, not an event listener, so
// vat code cannot remove it).
function addAbortAlgorithm(signal, run) {
  const s = state(signal);
  if (s.aborted) return;
  s.algorithms.push(run);
}

// https://dom.spec.whatwg.org/#create-a-dependent-abort-signal
function followSignal(follower, parent) {
  if (state(parent).aborted) {
    signalAbort(follower, state(parent).reason);
    return;
  }
  addAbortAlgorithm(parent, () => signalAbort(follower, state(parent).reason));
}

// https://dom.spec.whatwg.org/#interface-abortcontroller
class AbortController {
  constructor() {
    slotSet(controllerSignal, this, newSignal());
  }
  // https://dom.spec.whatwg.org/#dom-abortcontroller-signal
  get signal() { return slotGet(controllerSignal, checkController(this)); }
  // https://dom.spec.whatwg.org/#dom-abortcontroller-abort
  abort(reason) {
    signalAbort(slotGet(controllerSignal, checkController(this)), reason === undefined ? abortError() : reason);
  }
}
defineProperty(AbortController.prototype, symbolToStringTag, { value: 'AbortController', configurable: true });
const controllerSignal = newSlotStore();
function checkController(c) {
  if (!slotHas(controllerSignal, c)) throw new TypeError('Illegal invocation: not an AbortController');
  return c;
}
