// conform adapter "deno": Deno's own fetch, Request, Headers and Response, with each vat a
// Deno Worker whose permissions are the vat's allowlist.
//
// - This Node program speaks the protocol (the adapter kit, unpatched, as the other
//   adapters do) and starts one Deno process (host.js) from the Deno binary installed by
//   `npm ci` (@deno/linux-x64-glibc). It sets that process's whole environment: the
//   harness's proxy as HTTP_PROXY/HTTPS_PROXY, the run's CA as DENO_CERT, no update check,
//   a throw-away DENO_DIR.
// - host.js makes each vat a Worker with `deno.permissions` (--unstable-worker-options):
//   net limited to the vat's allowedHosts, no read, write, env, run, ffi, sys or import.
//   Deno enforces the allowlist; the adapter adds none of its own.
// - vat.js, inside the Worker, strips Deno's globals down to the requested ones (frozen),
//   the language's and a console, and runs the programs.
// - terminateVat is worker.terminate(). Deno has no notify hook, so no vat ever sends
//   notify.
//
// Protocol: harness/PROTOCOL.md. Diagnostics go to stderr (Deno's included).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CODES, RpcError, makeLog, serve } from '@conform-suite/adapter-kit';
import { runCA, writeCAFile } from '@conform-suite/adapter-kit/tls';
import { mocknetResolver } from './resolver.mjs';

const require = createRequire(import.meta.url);

const ADAPTER_NAME = 'deno';
const DENO_PACKAGE = '@deno/linux-x64-glibc';
const DENO_BINARY = require.resolve(`${DENO_PACKAGE}/deno`);
const DENO_VERSION = require(`${DENO_PACKAGE}/package.json`).version;
const ADAPTER_VERSION = `0.1.0 (deno ${DENO_VERSION}, node ${process.version})`;

const HOST_MODULE = fileURLToPath(new URL('./host.js', import.meta.url));
// vat.js imports the kit's values.mjs by package name, as this module imports the kit; Deno
// finds it through an import map naming the file Node resolves the name to (the Deno process
// runs with --no-config, so it reads no package.json of its own).
const KIT_VALUES = '@conform-suite/adapter-kit/values';
const KIT_VALUES_URL = import.meta.resolve(KIT_VALUES);
// The only files the Deno process may read: its own modules and the kit's values.mjs. Deno
// checks a vat's dynamic import() of a file: URL against this list (not against the
// Worker's read: false), so it is kept to exactly these.
const READABLE = [HOST_MODULE, fileURLToPath(new URL('./vat.js', import.meta.url)), fileURLToPath(KIT_VALUES_URL)];

const OFFERED = [
  'fetch',
  'Request',
  'Headers',
  'Response',
  'AbortController',
  'AbortSignal',
  'DOMException',
  'ReadableStream',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
];

const log = makeLog(ADAPTER_NAME);

/** The Deno host process and what is waiting on it; set by initialize. */
let host;

async function startHost(proxy, ca, dns) {
  const denoDir = mkdtempSync(join(tmpdir(), 'conform-deno-'));
  process.on('exit', () => rmSync(denoDir, { recursive: true, force: true }));
  const importMap = join(denoDir, 'import-map.json');
  writeFileSync(importMap, JSON.stringify({ imports: { [KIT_VALUES]: KIT_VALUES_URL } }));
  const resolver = await mocknetResolver(dns, denoDir);
  if (resolver.wrap) {
    log(`Deno resolves names through mocknet's DNS at ${dns}, relayed from ${resolver.address}:53 in a private mount namespace`);
  } else {
    log(`Deno resolves names with the system resolver: ${resolver.why}; the names of allowed hosts a vat fetches go to the machine's DNS server, and mocknet cannot see them`);
  }
  // The whole environment, not the harness's plus some: a proxy, NO_PROXY or DENO_* setting
  // inherited from the user's shell must not change where vat traffic goes.
  const env = {
    // Deno checks for a new release at start-up and would do so through HTTPS_PROXY: the
    // mock network would record that request as an escape.
    DENO_NO_UPDATE_CHECK: '1',
    // Nothing is cached or written to $HOME.
    DENO_DIR: denoDir,
    HOME: denoDir,
    NO_COLOR: '1',
    // Deno (2.9) looks up a fetch's host name with the system resolver even when the request
    // then goes to the proxy (resolver.mjs points it at mocknet's DNS where it can). The
    // answer is not used, but a dropped query stalled the vat's fetch for the resolver's
    // default 5 s retry. One try of at most 1 s bounds the stall.
    RES_OPTIONS: 'timeout:1 attempts:1',
    // Read by the HTTP client of every Worker's fetch. Deno sends http:// requests to the
    // proxy in absolute form and tunnels https:// with CONNECT; both reach the mock network.
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
  };
  if (ca) {
    // The run's CA, for https through the proxy: DENO_CERT adds it to Deno's default store
    // (Mozilla's roots) for this process only. The file is in the process's own throw-away
    // directory, readable by this user only; no certificate check is relaxed.
    env.DENO_CERT = writeCAFile(ca, denoDir);
  }
  const args = [
    'run',
    '--quiet',
    '--no-prompt',
    '--no-config',
    '--no-lock',
    '--unstable-worker-options',
    '--allow-net',
    `--import-map=${importMap}`,
    `--allow-read=${READABLE.join(',')}`,
    HOST_MODULE,
  ];
  // stdin/stdout carry host.js's messages; its stderr is ours (the harness keeps it). The
  // child stays in the adapter's process group, so the harness's group kill ends it too.
  const [command, argv] = resolver.wrap ? resolver.wrap([DENO_BINARY, ...args]) : [DENO_BINARY, args];
  const child = spawn(command, argv, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const state = {
    child,
    ready: null,
    waiting: new Map(), // `${type}:${vatId}` -> resolve, for created/terminated
    runs: new Map(), // runId -> resolve
    events: new Map(), // vatId -> the kit's event sink
    nextRunId: 1,
  };
  state.ready = new Promise((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start Deno (${DENO_BINARY}): ${e.message}`)));
    child.once('exit', (code, signal) => {
      const why = `the Deno host exited (code ${code}, signal ${signal})`;
      reject(new Error(why));
      // Vats live in that process: without it the adapter cannot go on. Exiting makes the
      // harness report a crash and start afresh.
      log(`${why}; exiting`);
      process.exit(1);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        log(`not JSON from the Deno host: ${line}`);
        return;
      }
      onHostMessage(state, message, resolve);
    });
  });
  return state;
}

function onHostMessage(state, message, onReady) {
  switch (message.type) {
    case 'ready':
      log(`Deno ${message.deno} (V8 ${message.v8}) host started`);
      onReady();
      break;
    case 'created':
    case 'terminated': {
      const key = `${message.type}:${message.vatId}`;
      const resolve = state.waiting.get(key);
      state.waiting.delete(key);
      if (resolve) resolve(message);
      break;
    }
    case 'log': {
      const events = state.events.get(message.vatId);
      if (events) events.log(message.level, message.message);
      break;
    }
    case 'outcome': {
      const resolve = state.runs.get(message.runId);
      state.runs.delete(message.runId);
      if (resolve) resolve(message.outcome);
      break;
    }
    default:
      log(`unexpected message from the Deno host: ${JSON.stringify(message)}`);
  }
}

function toHost(message) {
  host.child.stdin.write(JSON.stringify(message) + '\n');
}

function reply(type, vatId) {
  return new Promise((resolve) => host.waiting.set(`${type}:${vatId}`, resolve));
}

async function initialize(params) {
  const { proxy, dns } = params.network;
  host = await startHost(proxy, runCA(params), dns);
  await host.ready;
  log(`every vat's traffic goes through ${proxy}`);
}

async function createVat({ vatId, globals, network, events }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  const created = reply('created', vatId);
  host.events.set(vatId, events);
  toHost({ type: 'create', vatId, globals, allowedHosts: allowedHosts === undefined ? null : allowedHosts });
  const { error } = await created;
  if (error) {
    host.events.delete(vatId);
    throw new RpcError(CODES.configDenied, `Deno refused the vat: ${error.name}: ${error.message}`);
  }
  const runIds = new Set();
  return {
    vatId,
    runIds,
    /** @type {Promise<void> | undefined} */
    terminated: undefined,
    run(source) {
      const runId = host.nextRunId++;
      runIds.add(runId);
      const outcome = new Promise((resolve) => host.runs.set(runId, resolve));
      toHost({ type: 'run', vatId, runId, source });
      return outcome.finally(() => runIds.delete(runId));
    },
  };
}

// Terminates the vat's Worker once; every terminateVat of the vat (and shutdown) waits for
// that one termination.
function terminateVat(vat) {
  if (!vat.terminated) {
    const terminated = reply('terminated', vat.vatId);
    toHost({ type: 'terminate', vatId: vat.vatId });
    vat.terminated = terminated.then(() => {
      // The Worker is gone: its pending runs will never be answered.
      for (const runId of vat.runIds) host.runs.delete(runId);
      host.events.delete(vat.vatId);
    });
  }
  return vat.terminated;
}

serve({ name: ADAPTER_NAME, version: ADAPTER_VERSION, globals: OFFERED, initialize, createVat, terminateVat });
