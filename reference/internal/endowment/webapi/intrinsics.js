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
// The well-known symbols come from the host (Go holds the realm's own), not from the Symbol
// global: reading Symbol would make the engine build the Symbol constructor for every vat
// (11 kB), and vat code may replace the global later.
const symbolIterator = options.symbolIterator;
const symbolToStringTag = options.symbolToStringTag;

// The endowment's internal state (the spec's internal slots) is kept in a private field
// stamped on each object it belongs to: a base class whose constructor returns its argument
// lets a derived class add its private field to any object. The field holds an array with
// one entry per store (newSlotStore gives each store its index); slotGet, slotHas and
// slotSet are a WeakMap's get, has and set on one store. Unlike goja's WeakMap, whose
// entries are freed only when nothing but the map reaches the key, a value stored here
// that refers back to its key (a stream's state, a signal's abort algorithms closing over
// the request) does not keep it alive: with WeakMaps every fetch left its Request,
// Response, streams and signal in the vat for good, and each later fetch got slower as the
// heap and its collections grew. One class for every store keeps a vat's creation cheap.
// Private fields are invisible to vat code (no property, no symbol, not in ownKeys).
class SlotStamper {
  constructor(target) { return target; }
}
class InternalSlots extends SlotStamper {
  #slots = [];
  static of(target) {
    return ((typeof target === 'object' && target !== null) || typeof target === 'function') && #slots in target ? target.#slots : undefined;
  }
  static stamp(target) {
    if (!(#slots in target)) new InternalSlots(target);
    return target.#slots;
  }
}
let slotStores = 0;
function newSlotStore() { return slotStores++; }
function slotGet(store, target) {
  const slots = InternalSlots.of(target);
  return slots === undefined ? undefined : slots[store];
}
function slotHas(store, target) {
  const slots = InternalSlots.of(target);
  return slots !== undefined && slots[store] !== undefined;
}
function slotSet(store, target, value) {
  InternalSlots.stamp(target)[store] = value;
}
