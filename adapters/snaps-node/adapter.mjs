// conform adapter "snaps-node": MetaMask Snaps' network endowment under SES, in Node.
//
// - The vat's fetch, Request, Headers and Response come from the network endowment factory
//   shipped in @metamask/snaps-execution-environments (dist/common/endowments/network.cjs),
//   loaded unmodified. One factory instance per vat; its notify callback is forwarded to
//   the harness as `notify` notifications; terminateVat awaits its teardownFunction().
// - teardownVat (protocol 1.1) awaits the same teardownFunction() and keeps the vat: that is
//   what Snaps does when a snap goes idle, and the factory's fetch works again afterwards.
// - fetch is wrapped with a host allowlist in the manner of ocap-kernel's
//   VatConfig.network.allowedHosts: exact match on new URL(input).hostname (a Request
//   input is checked by its .url), ports and schemes ignored, file: rejected, fetch without
//   allowedHosts refused at vat creation. Nothing more: the suite's strict profile measures
//   what such a typical wrapper misses.
// - All outbound HTTP goes through the harness's proxy: undici's ProxyAgent is installed
//   as the global dispatcher before lockdown(), trusting the run's CA (network.ca) for https.
// - lockdown() runs once, at initialize; every vat is its own SES Compartment.
//
// Protocol: harness/PROTOCOL.md, served by the adapter kit (JSON-RPC 2.0, one message
// per line on stdin/stdout). Diagnostics go to stderr.

import 'ses';
import { createRequire } from 'node:module';
import { Console } from 'node:console';
import { ProxyAgent, setGlobalDispatcher } from 'undici';
import { CODES, RpcError, makeConsole, makeLog, notification, serve } from '@conform-suite/adapter-kit';
import { runCA } from '@conform-suite/adapter-kit/tls';

const require = createRequire(import.meta.url);

const ADAPTER_NAME = 'snaps-node';
const SNAPS_PACKAGE = '@metamask/snaps-execution-environments';
// The network endowment module is not in the package's exports map; it is loaded by its
// absolute path inside the installed package.
const SNAPS_ROOT = require.resolve(`${SNAPS_PACKAGE}/package.json`).replace(/package\.json$/, '');
// Outside the package's exports map, so it is loaded by absolute path; logs name it by its
// path inside the package.
const NETWORK_MODULE_PACKAGE_PATH = `${SNAPS_PACKAGE}/dist/common/endowments/network.cjs`;
const NETWORK_MODULE = `${SNAPS_ROOT}dist/common/endowments/network.cjs`;
const SNAPS_VERSION = require(`${SNAPS_PACKAGE}/package.json`).version;
const SES_VERSION = require('ses/package.json').version;
const ADAPTER_VERSION = `0.1.0 (${SNAPS_PACKAGE} ${SNAPS_VERSION}, ses ${SES_VERSION}, node ${process.version})`;

const log = makeLog(ADAPTER_NAME);

// Names the network endowment factory provides.
const NETWORK_NAMES = ['fetch', 'Request', 'Headers', 'Response'];
// Other globals a vat may ask for, taken from Node's globals and hardened.
const OTHER_NAMES = [
  'AbortController',
  'AbortSignal',
  'DOMException',
  'ReadableStream',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
];
const OFFERED = [...NETWORK_NAMES, ...OTHER_NAMES];

// stdout carries protocol messages only (the adapter kit took its writer when it
// loaded). Anything a library prints with console.* goes to stderr instead; this must
// happen before lockdown() tames the console.
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });

// ---------------------------------------------------------------------------------------
// The host allowlist around the factory's fetch, as ocap-kernel describes
// VatConfig.network.allowedHosts: exact match on the URL's hostname, ports and schemes
// ignored, file: refused.

function makeAllowlistedFetch(innerFetch, allowedHosts, RequestClass) {
  const allowed = [...allowedHosts];
  const fetch = async (input, init) => {
    const url = new URL(input instanceof RequestClass ? input.url : input);
    if (url.protocol === 'file:') {
      throw new Error(`Invalid protocol: ${url.href} is a file: URL; fetch is network access, not file access`);
    }
    if (!allowed.includes(url.hostname)) {
      throw new Error(`Invalid host: ${url.hostname}`);
    }
    return innerFetch(input, init);
  };
  return harden(fetch);
}

// ---------------------------------------------------------------------------------------
// Vats.

let createNetwork; // the Snaps network endowment factory, loaded after lockdown()

// undici's ProxyAgent for the harness's proxy; with the run's CA, the certificates of https
// virtual hosts are verified against it.
function dispatcherOptions(proxy, ca) {
  return ca ? { uri: proxy, requestTls: { ca } } : { uri: proxy };
}

function initialize(params) {
  const { proxy } = params.network;
  // The dispatcher first, then lockdown(), then the Snaps code (which, as in a Snaps
  // execution environment, is loaded into an already locked-down realm). https goes through
  // the proxy's CONNECT, verified against the run's CA alone (requestTls.ca replaces Node's
  // roots for those connections; nothing else is relaxed).
  setGlobalDispatcher(new ProxyAgent(dispatcherOptions(proxy, runCA(params))));
  lockdown();
  createNetwork = require(NETWORK_MODULE).default.factory;
  log(`routing all outbound HTTP through ${proxy}; lockdown done; network endowment from ${NETWORK_MODULE_PACKAGE_PATH}`);
}

function createVat({ vatId, globals, network }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }

  const endowments = {};
  let teardown;
  if (globals.some((name) => NETWORK_NAMES.includes(name))) {
    // As Snaps does: one factory call per vat when any of its names is requested; only the
    // requested names are passed on.
    const { teardownFunction, ...network } = createNetwork({
      notify: ({ method, params } = {}) => {
        const p = { vatId, method: String(method) };
        if (params !== undefined) p.params = params;
        notification('notify', p);
      },
    });
    teardown = teardownFunction;
    for (const name of NETWORK_NAMES) {
      if (!globals.includes(name)) continue;
      endowments[name] = name === 'fetch' ? makeAllowlistedFetch(network.fetch, allowedHosts, network.Request) : network[name];
    }
  }
  for (const name of OTHER_NAMES) {
    if (globals.includes(name)) endowments[name] = harden(globalThis[name]);
  }
  endowments.console = harden(makeConsole(vatId, JSON.stringify));

  const compartment = new Compartment(endowments, {}, { name: `vat ${vatId}` });
  return {
    evaluate: (code) => compartment.evaluate(code),
    // Read after each program's synchronous part, as the vat's JSON.stringify of that moment.
    get stringify() {
      return compartment.globalThis.JSON.stringify;
    },
    teardown,
    /** @type {Promise<void> | undefined} */
    tearingDown: undefined,
  };
}

// Runs the factory's teardownFunction() once; every terminateVat of the vat (and shutdown)
// waits for that one teardown.
async function terminateVat(vat) {
  if (!vat.tearingDown) {
    vat.tearingDown = (async () => {
      if (vat.teardown) await vat.teardown();
    })();
  }
  await vat.tearingDown;
}

// Protocol 1.1: runs the factory's teardownFunction() and keeps the vat, as Snaps does when a
// snap goes idle. Each call runs it afresh (the factory allows any number of teardowns, and
// its fetch works again after each); a later terminateVat runs it once more, for what the
// vat opened since.
async function teardownVat(vat) {
  if (vat.teardown) await vat.teardown();
}

serve({ name: ADAPTER_NAME, version: ADAPTER_VERSION, globals: OFFERED, initialize, createVat, terminateVat, teardownVat });
