// Intrinsics captured before any vat code runs.
//
// The Web API files (this directory) are concatenated, in the order webapi.go lists them,
// into the body of one function `(host, options) => globals` that runs once per runtime.
// They share its scope: a later file uses what an earlier one declares. `host` holds the Go
// primitives (URL parsing, UTF-8, the network) and stays in this closure; vat code never
// sees it. The intrinsics below are taken first, so a vat that later replaces
// Object.freeze or Promise cannot change what the endowment calls.
const freeze = Object.freeze;
const defineProperty = Object.defineProperty;
const PromiseCtor = Promise;
const ArrayBufferCtor = ArrayBuffer;
const Uint8ArrayCtor = Uint8Array;
const isView = ArrayBuffer.isView;

// newSlots is the endowment's store of internal state (the spec's internal slots): a
// WeakMap's get/has/set, keeping each value in a private field stamped on the key object
// (a base class whose constructor returns its argument lets a derived class add its
// private field to any object). Unlike goja's WeakMap, whose entries are freed only when
// nothing but the map reaches the key, a value stored here that refers back to its key
// (a stream's controller, a signal's abort algorithms closing over the request) does not
// keep it alive: without this every fetch left its Request, Response, streams and signal
// in the vat for good, and each later fetch got slower as the heap and its GC grew.
// Private fields are invisible to vat code (no property, no symbol, not in ownKeys).
class SlotStamper {
  constructor(target) { return target; }
}
function newSlots() {
  class Slot extends SlotStamper {
    #value;
    constructor(target, value) {
      super(target);
      this.#value = value;
    }
    static has(target) {
      return ((typeof target === 'object' && target !== null) || typeof target === 'function') && #value in target;
    }
    static get(target) {
      return Slot.has(target) ? target.#value : undefined;
    }
    static set(target, value) {
      if (#value in target) target.#value = value;
      else new Slot(target, value);
    }
  }
  return freeze({ has: Slot.has, get: Slot.get, set: Slot.set });
}
