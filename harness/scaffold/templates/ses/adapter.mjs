// conform adapter "@@NAME@@" (runtime family: ses), written by `conform adapter init`.
//
// It speaks harness/PROTOCOL.md through the adapter kit (@conform-suite/adapter-kit), which
// reads the requests, keeps the vat table, runs programs and reports their outcomes. What is
// yours to write is marked FILL IN below: the endowment each vat gets, and its teardown.
//
// The realm is locked down (SES lockdown(), at initialize) and each vat is an SES
// Compartment whose endowments are hardened, as in ocap-kernel and Snaps. As generated it
// passes `conform adapter check` with a stand-in endowment: Node's own fetch, Request,
// Headers and Response behind an exact-hostname allowlist that reports
// OutboundRequest/OutboundResponse, and no teardown at all. The suite then fails what the
// stand-in does not do: replace it with your implementation's endowment factory.
//
// Every outbound request must go through the harness's proxy (initialize's network.proxy):
// the mock network exists only there, and https in it is signed by the run's certificate
// authority (network.ca). Node's fetch is pointed at both with undici's ProxyAgent before lockdown; an endowment of your own must route its traffic there too.

import 'ses';
import { Console } from 'node:console';
import { ProxyAgent, setGlobalDispatcher } from 'undici';
import { CODES, RpcError, makeConsole, makeLog, notification, serve } from '@conform-suite/adapter-kit';
import { runCA } from '@conform-suite/adapter-kit/tls';

const NAME = '@@NAME@@';
const VERSION = `0.1.0 (node ${process.version})`;
const log = makeLog(NAME);

const NETWORK_NAMES = ['fetch', 'Request', 'Headers', 'Response'];
const OTHER_NAMES = ['AbortController', 'AbortSignal', 'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams'];

// stdout carries protocol messages only (the kit took its writer when it loaded). Whatever
// a library prints with console.* goes to stderr; this must happen before lockdown().
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });

// ---------------------------------------------------------------------------------------
// FILL IN: your endowment factory.
//
// makeEndowment({ vatId, allowedHosts, notify }) returns the vat's network globals and a
// teardown. Call your implementation's factory here (for ocap-kernel or Snaps, the network
// endowment factory with its notify callback). It runs after lockdown(), as a kernel's
// does; what it returns is hardened before a vat sees it.
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
// The adapter: initialize, createVat and terminateVat for the kit.

function initialize(params) {
  const { proxy } = params.network;
  // The dispatcher first, then lockdown(): after it, Node's globals are frozen. https goes
  // through the proxy's CONNECT and is verified against the run's certificate authority
  // (network.ca) alone: requestTls.ca replaces Node's roots for those connections.
  const ca = runCA(params);
  setGlobalDispatcher(new ProxyAgent(ca ? { uri: proxy, requestTls: { ca } } : { uri: proxy }));
  lockdown();
  log(`routing all outbound HTTP through ${proxy}; lockdown done`);
}

function createVat({ vatId, globals, network }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  // As ocap-kernel does: fetch without an allowlist is a configuration error (-32003).
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  const endowment = makeEndowment({
    vatId,
    allowedHosts: [...(allowedHosts || [])],
    notify: ({ method, params }) => notification('notify', params === undefined ? { vatId, method } : { vatId, method, params }),
  });
  const endowments = {};
  for (const name of globals) {
    endowments[name] = harden(NETWORK_NAMES.includes(name) ? endowment.globals[name] : globalThis[name]);
  }
  endowments.console = harden(makeConsole(vatId, JSON.stringify));
  const compartment = new Compartment(endowments, {}, { name: `vat ${vatId}` });
  return {
    evaluate: (code) => compartment.evaluate(code),
    // Read after each program's synchronous part: the vat's JSON.stringify of that moment.
    get stringify() {
      return compartment.globalThis.JSON.stringify;
    },
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
