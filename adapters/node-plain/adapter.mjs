// conform adapter "node-plain": a negative control.
//
// Each vat is a node:vm context (its own realm and global object) that is given Node's own
// global fetch, Request, Headers, Response and the other requested web globals as they are:
// no host allowlist, no hardening, and no teardown beyond forgetting the vat. Running the
// suite against it shows what the suite catches in an endowment that does nothing. It
// offers protocol 1.1's teardownVat, which, like its termination, does nothing.
//
// Protocol: harness/PROTOCOL.md, served by the adapter kit (JSON-RPC 2.0, one message
// per line on stdin/stdout). Diagnostics go to stderr.

import vm from 'node:vm';
import { ProxyAgent, setGlobalDispatcher } from 'undici';
import { makeConsole, makeLog, serve } from '@conform-suite/adapter-kit';
import { runCA } from '@conform-suite/adapter-kit/tls';

const ADAPTER_NAME = 'node-plain';
const ADAPTER_VERSION = `0.1.0 (node ${process.version}, bundled undici ${process.versions.undici})`;

const log = makeLog(ADAPTER_NAME);

// Everything a vat may ask for, taken from Node's globals unchanged.
const OFFERED = {
  fetch: globalThis.fetch,
  Request: globalThis.Request,
  Headers: globalThis.Headers,
  Response: globalThis.Response,
  AbortController: globalThis.AbortController,
  AbortSignal: globalThis.AbortSignal,
  DOMException: globalThis.DOMException,
  ReadableStream: globalThis.ReadableStream,
  TextEncoder: globalThis.TextEncoder,
  TextDecoder: globalThis.TextDecoder,
  URL: globalThis.URL,
  URLSearchParams: globalThis.URLSearchParams,
};

// undici's ProxyAgent for the harness's proxy; with the run's CA, the certificates of https
// virtual hosts are verified against it.
function dispatcherOptions(proxy, ca) {
  return ca ? { uri: proxy, requestTls: { ca } } : { uri: proxy };
}

function initialize(params) {
  const { proxy } = params.network;
  // https goes through the proxy's CONNECT, verified against the run's CA alone
  // (requestTls.ca replaces Node's roots for those connections; nothing else is relaxed).
  setGlobalDispatcher(new ProxyAgent(dispatcherOptions(proxy, runCA(params))));
  log(`routing all outbound HTTP through ${proxy}`);
}

function createVat({ vatId, globals }) {
  // This adapter has no allowlist: network.allowedHosts is accepted and ignored, and fetch
  // is granted without one. That is what makes it a negative control.
  const context = vm.createContext({}, { name: `vat ${vatId}` });
  const stringify = vm.runInContext('JSON.stringify', context);
  for (const name of globals) {
    Object.defineProperty(context, name, { value: OFFERED[name], writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(context, 'console', {
    value: makeConsole(vatId, stringify),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return {
    evaluate: (code) => vm.runInContext(code, context, { filename: `vat-${vatId}-program.js` }),
    stringify,
  };
}

// Protocol 1.1's teardownVat, done as this adapter does termination: Node's fetch has no
// teardown, so there is nothing to run. The vat's requests, bodies and promises carry on,
// its fetch keeps working, and what they do is still forwarded: the suite's teardownVat
// specs measure an endowment without teardown.
function teardownVat() {}

// No terminateVat hook: a terminated vat is only forgotten. Its requests, bodies and
// promises carry on, and what they do is still forwarded.
serve({ name: ADAPTER_NAME, version: ADAPTER_VERSION, globals: Object.keys(OFFERED), initialize, createVat, teardownVat });
