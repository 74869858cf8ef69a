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
