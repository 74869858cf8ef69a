// The inside of one vat: the module every vat's Deno Worker runs (see host.js, which
// creates the Worker with the vat's own permissions, and README.md).
//
// The Worker starts with Deno's whole global scope. The first message from the host
// carries the vat's configuration and a MessagePort; from then on the vat talks to the host
// only through that port, and this module turns the Worker's global object into the vat's:
// the requested globals (frozen, with what they reach that is not a language intrinsic),
// the language's own globals, a console, and nothing else Deno put there. Programs then run
// as the body of an async function in that global scope (harness/PROTOCOL.md §3).
//
// What Deno's runtime itself reads from the global object (each point was found by
// removing it and watching the Worker fail):
//   - queueMicrotask: Deno's core captures V8's native queueMicrotask lazily, on first use,
//     by deleting its own wrapper from the global to reveal the native one beneath. Removing
//     the wrapper before that capture makes the first microtask Deno queues (a MessagePort
//     delivery, a stream read) throw "enqueue is not a function". So the capture is forced
//     first, by one call, and then both the wrapper and the native function are removed.
//   - dispatchEvent: Deno reports unhandled rejections and uncaught errors by calling
//     globalThis.dispatchEvent; without it a rejection nobody handled kills the Worker
//     with "dispatchEvent is not a function". And that dispatchEvent brand-checks its
//     receiver as an EventTarget ("Illegal invocation" otherwise), so the global must
//     still inherit from EventTarget.prototype. The global's prototype chain
//     (DedicatedWorkerGlobalScope → WorkerGlobalScope → EventTarget) becomes EventTarget
//     alone, frozen: addEventListener, removeEventListener, dispatchEvent and Deno's
//     getParent stay reachable from the vat, on its own global only.
//   - the global's own symbol-keyed properties (the WebIDL brand and the event listener
//     list dispatchEvent reads) stay.
//   - URL: Deno's fetch (ext/fetch/26_fetch.js, mainFetch's bad-port check and every
//     redirect hop) calls `new URL(...)` on the global at call time; without a global URL
//     every fetch rejects with "ReferenceError: URL is not defined". So URL stays in every
//     vat, requested or not, as a frozen, non-writable and non-configurable global: a vat
//     that could replace it would choose what Deno's fetch parses.

// By package name, through the import map adapter.mjs gives the Deno process.
import { errorShape, formatConsoleArgs } from '@conform-suite/adapter-kit/values';

// ECMAScript's global properties (ECMA-262 §19, with Annex B's escape/unescape), ECMA-402's
// Intl, and the TC39 additions V8 ships (Iterator, Float16Array, explicit resource
// management, Temporal). harness/PROTOCOL.md §10 lists them. Everything else on the
// Worker's global is Deno's, and is removed unless the vat asked for it.
const LANGUAGE_GLOBALS = [
  'globalThis', 'Infinity', 'NaN', 'undefined',
  'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array',
  'Boolean', 'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry',
  'Float16Array', 'Float32Array', 'Float64Array', 'Function', 'Int8Array', 'Int16Array',
  'Int32Array', 'Iterator', 'Map', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
  'ReferenceError', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError',
  'TypeError', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'URIError',
  'WeakMap', 'WeakRef', 'WeakSet',
  'Atomics', 'JSON', 'Math', 'Reflect', 'Intl',
  'SuppressedError', 'DisposableStack', 'AsyncDisposableStack', 'Temporal',
];

// Deno's own globals that its runtime reads from the global object at call time; they stay
// in every vat (see the top of the file).
const RUNTIME_GLOBALS = ['URL'];

const CONSOLE_LEVELS = ['log', 'info', 'warn', 'error', 'debug'];

const global = globalThis;
// Taken before any program runs, so that a vat that replaces them cannot reach the
// bootstrap through them.
const indirectEval = global.eval;
const promiseThen = Promise.prototype.then;
const jsonStringify = JSON.stringify;
const { freeze, getOwnPropertyNames, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf } = Object;
const { ownKeys } = Reflect;
const addEventListener = global.addEventListener.bind(global);
const { locks } = global.navigator;
const eventTargetPrototype = global.EventTarget.prototype;

// Every object reachable from the language globals: hardening an endowment stops there, so
// that endowing a vat never freezes the language's own intrinsics (Function.prototype,
// Object.prototype, Error.prototype, …) — other code in the vat may still extend them.
function languageIntrinsics() {
  const seen = new Set();
  // globalThis is left out: the walk would reach every Deno global through it.
  const queue = LANGUAGE_GLOBALS.filter((name) => name !== 'globalThis' && name in global).map((name) => global[name]);
  while (queue.length > 0) {
    const value = queue.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    queue.push(getPrototypeOf(value));
    for (const key of ownKeys(value)) {
      const desc = getOwnPropertyDescriptor(value, key);
      if ('value' in desc) queue.push(desc.value);
      else queue.push(desc.get, desc.set);
    }
  }
  return seen;
}

// Freezes value and everything it reaches through own properties, accessors and
// prototypes, except the language's intrinsics (SES's harden(), bounded to the endowment).
function hardenEndowment(root, intrinsics) {
  const queue = [root];
  const seen = new Set();
  while (queue.length > 0) {
    const value = queue.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value) || intrinsics.has(value)) continue;
    seen.add(value);
    freeze(value);
    queue.push(getPrototypeOf(value));
    for (const key of ownKeys(value)) {
      const desc = getOwnPropertyDescriptor(value, key);
      if ('value' in desc) queue.push(desc.value);
      else queue.push(desc.get, desc.set);
    }
  }
}

// Removes what Deno put on the global object and the global's prototype chain; keeps the
// language globals and the names in keep.
function stripGlobal(keep, intrinsics) {
  // Force Deno's core to capture V8's native queueMicrotask now (see the top of the file).
  global.queueMicrotask(() => {});
  for (const name of getOwnPropertyNames(global)) {
    if (keep.has(name)) continue;
    if (!delete global[name]) throw new Error(`cannot remove the global ${name} from the vat`);
  }
  // Deleting Deno's queueMicrotask wrapper reveals V8's native one; remove that too.
  for (const name of getOwnPropertyNames(global)) {
    if (!keep.has(name) && !delete global[name]) throw new Error(`cannot remove the global ${name} from the vat`);
  }
  const leftover = getOwnPropertyNames(global).filter((name) => !keep.has(name));
  if (leftover.length > 0) throw new Error(`globals still present after stripping: ${leftover.join(', ')}`);
  // Deno's dispatchEvent brand-checks the global as an EventTarget, so the chain keeps
  // EventTarget.prototype (frozen: Deno reads its dispatchEvent for every unhandled
  // rejection) and drops the two WorkerGlobalScope prototypes between.
  hardenEndowment(eventTargetPrototype, intrinsics);
  setPrototypeOf(global, eventTargetPrototype);
}

function makeConsole(post) {
  const console = {};
  for (const level of CONSOLE_LEVELS) {
    console[level] = (...args) => {
      post({ type: 'log', level, message: formatConsoleArgs(args, jsonStringify) });
    };
  }
  return freeze(console);
}

// Runs source as the body of an async function in the vat's global scope and calls
// done(outcome) when it settles: {json}, {} for undefined, or {error}.
function runProgram(source, done) {
  let promise;
  try {
    promise = indirectEval(`(async function () {\n${source}\n})()`);
  } catch (e) {
    // A syntax error in source.
    done({ error: errorShape(e) });
    return;
  }
  // The vat's JSON.stringify as it is once the program's synchronous part has run, as the
  // in-process adapters read it.
  const stringify = global.JSON.stringify;
  promiseThen.call(
    promise,
    (v) => {
      if (v === undefined) {
        done({});
        return;
      }
      let json;
      try {
        json = stringify(v);
      } catch (e) {
        done({ error: errorShape(e) });
        return;
      }
      done(typeof json === 'string' ? { json } : {});
    },
    (e) => done({ error: errorShape(e) }),
  );
}

// Holds the Web Lock named lockName for as long as the Worker's runtime exists, and
// resolves once it is granted. Deno releases the locks of a module Worker when the
// Worker's JsRuntime is dropped, after worker.terminate(): host.js waits for this lock to
// know that the vat's runtime, and the network resources it owned, are gone.
function holdLifetimeLock(lockName) {
  return new Promise((granted, failed) => {
    locks.request(lockName, () => {
      granted();
      return new Promise(() => {});
    }).catch(failed);
  });
}

async function setUp({ globals, port, lockName }) {
  const post = (message) => port.postMessage(message);
  await holdLifetimeLock(lockName);

  // A rejection or an exception nobody handled would end the Worker (Deno's default); in a
  // vat it is the program's own business, so it is reported to the adapter's log instead.
  addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    post({ type: 'diagnostic', message: `unhandled rejection: ${errorShape(event.reason).name}: ${errorShape(event.reason).message}` });
  });
  addEventListener('error', (event) => {
    event.preventDefault();
    post({ type: 'diagnostic', message: `uncaught exception: ${errorShape(event.error).name}: ${errorShape(event.error).message}` });
  });

  const intrinsics = languageIntrinsics();
  const endowments = new Map();
  for (const name of RUNTIME_GLOBALS) {
    hardenEndowment(global[name], intrinsics);
    Object.defineProperty(global, name, { writable: false, configurable: false });
  }
  for (const name of globals) {
    if (RUNTIME_GLOBALS.includes(name)) continue;
    const value = global[name];
    if (value === undefined) throw new Error(`Deno has no global ${name}`);
    hardenEndowment(value, intrinsics);
    endowments.set(name, value);
  }

  stripGlobal(new Set([...LANGUAGE_GLOBALS, ...RUNTIME_GLOBALS, ...globals]), intrinsics);
  for (const [name, value] of endowments) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(global, 'console', { value: makeConsole(post), writable: true, configurable: true, enumerable: false });

  port.onmessage = ({ data }) => {
    if (data.type === 'run') runProgram(data.source, (outcome) => post({ type: 'outcome', runId: data.runId, outcome }));
  };
  post({ type: 'ready' });
}

global.onmessage = ({ data }) => {
  setUp(data).catch((e) => data.port.postMessage({ type: 'failed', error: errorShape(e) }));
};
