// Helpers shared by the *_test.js files: each file registers behaviours with test(name, fn)
// and the Go runner (webapi_test.go) runs them in order, one subtest per behaviour. A
// behaviour fails by throwing (or rejecting).
const registered = [];
function test(name, fn) { registered.push([name, fn]); }

function show(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  try { return JSON.stringify(v); } catch (e) { return String(v); }
}
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function assertEquals(actual, expected, message) {
  const a = show(actual);
  const e = show(expected);
  if (a !== e || typeof actual !== typeof expected) throw new Error(`${message}: got ${a}, want ${e}`);
}
function assertThrows(fn, ErrorType, message) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ErrorType)) throw new Error(`${message}: threw ${err && err.name}: ${err && err.message}, want a ${ErrorType.name}`);
    return err;
  }
  throw new Error(`${message}: did not throw`);
}
async function assertRejects(promise, ErrorType, message) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ErrorType)) throw new Error(`${message}: rejected with ${err && err.name}: ${err && err.message}, want a ${ErrorType.name}`);
    return err;
  }
  throw new Error(`${message}: did not reject`);
}
function bytes(...values) { return new Uint8Array(values); }
// drain reads a stream to its end and returns its chunks.
async function drain(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}
