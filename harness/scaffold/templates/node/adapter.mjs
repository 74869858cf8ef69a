// conform adapter "@@NAME@@" (runtime family: node), written by `conform adapter init`.
//
// It speaks harness/PROTOCOL.md through the adapter kit (@conform-suite/adapter-kit), which
// reads the requests, keeps the vat table, runs programs and reports their outcomes. What is
// yours to write is marked FILL IN below: the endowment each vat gets, and its teardown.
//
// As generated it passes `conform adapter check` with a stand-in endowment: Node's own fetch,
// Request, Headers and Response behind an exact-hostname allowlist that reports
// OutboundRequest/OutboundResponse, and no teardown at all. Each vat is a node:vm context.
// The suite then fails what the stand-in does not do (teardown, hardening, …): replace it
// with your implementation's endowment factory and run the suite again.
//
// Every outbound request must go through the harness's proxy (initialize's network.proxy):
// the mock network exists only there, and https in it is signed by the run's certificate
// authority (network.ca). Node's fetch is pointed at both with undici's ProxyAgent; an endowment of your own must route its traffic there too.

import vm from 'node:vm';
import { ProxyAgent, setGlobalDispatcher } from 'undici';
import { CODES, RpcError, makeConsole, makeLog, notification, serve } from '@conform-suite/adapter-kit';
import { runCA } from '@conform-suite/adapter-kit/tls';

const NAME = '@@NAME@@';
const VERSION = `0.1.0 (node ${process.version})`;
const log = makeLog(NAME);

// The globals a vat may ask for. The suite asks for fetch, Request, Headers and Response,
// and some specs for the others; a spec whose globals are not all offered is reported not
// applicable.
const NETWORK_NAMES = ['fetch', 'Request', 'Headers', 'Response'];
const OTHER_NAMES = ['AbortController', 'AbortSignal', 'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams'];

// ---------------------------------------------------------------------------------------
// FILL IN: your endowment factory.
//
// makeEndowment({ vatId, allowedHosts, notify }) returns the vat's network globals and a
// teardown. Call your implementation's factory here (for ocap-kernel or Snaps, the network
// endowment factory with its notify callback), passing the vat's allowlist and a notify
// that reaches the harness.
//
// The stand-in below is Node's fetch behind an exact-hostname check. It does not tear
// anything down, so the suite's TEAR- specs fail until teardown() does its job.

function makeEndowment({ vatId, allowedHosts, notify }) {
  const fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!allowedHosts.includes(url.hostname)) {
      throw new TypeError(`${NAME}: host ${url.hostname} is not in this vat's allowedHosts (the starter's stand-in allowlist)`);
    }
    // Each OutboundRequest is paired with an OutboundResponse, whether the fetch resolves or not.
    notify({ method: 'OutboundRequest', params: { source: 'fetch' } });
    try {
      return await globalThis.fetch(input, init);
    } finally {
      notify({ method: 'OutboundResponse', params: { source: 'fetch' } });
    }
  };
  return {
    globals: { fetch, Request, Headers, Response },
    // FILL IN: close what the vat's endowment has in flight or open (requests, response
    // bodies, readers), so that nothing it started settles or notifies afterwards.
    async teardown() {
      log(`vat ${vatId}: teardown is not implemented yet (fill in teardown() in adapter.mjs)`);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The adapter: initialize, createVat and terminateVat for the kit. Change it when your
// vats are not node:vm contexts.

function initialize(params) {
  const { proxy } = params.network;
  // https goes through the proxy's CONNECT and is verified against the run's certificate
  // authority (network.ca) alone: requestTls.ca replaces Node's roots for those connections.
  const ca = runCA(params);
  setGlobalDispatcher(new ProxyAgent(ca ? { uri: proxy, requestTls: { ca } } : { uri: proxy }));
  log(`routing all outbound HTTP through ${proxy}`);
}

function createVat({ vatId, globals, network }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  // As ocap-kernel does: fetch without an allowlist is a configuration error (-32003).
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  const endowment = makeEndowment({
    vatId,
    allowedHosts: allowedHosts || [],
    notify: ({ method, params }) => notification('notify', params === undefined ? { vatId, method } : { vatId, method, params }),
  });
  const context = vm.createContext({}, { name: `vat ${vatId}` });
  const stringify = vm.runInContext('JSON.stringify', context);
  for (const name of globals) {
    const value = NETWORK_NAMES.includes(name) ? endowment.globals[name] : globalThis[name];
    Object.defineProperty(context, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(context, 'console', { value: makeConsole(vatId, stringify), writable: true, configurable: true, enumerable: false });
  return {
    evaluate: (code) => vm.runInContext(code, context, { filename: `vat-${vatId}.js` }),
    stringify,
    endowment,
    /** @type {Promise<void> | undefined} */
    terminated: undefined,
  };
}

// Called for every terminateVat of the vat and at shutdown: tear down once, and let every
// call wait for that one teardown.
async function terminateVat(vat) {
  vat.terminated ??= vat.endowment.teardown();
  await vat.terminated;
}

serve({ name: NAME, version: VERSION, globals: [...NETWORK_NAMES, ...OTHER_NAMES], initialize, createVat, terminateVat });
