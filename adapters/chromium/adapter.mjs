// conform adapter "chromium": the browser as the sandbox.
//
// - The adapter is a kernel in a browser page, as ocap-kernel's browser runtime is: one
//   browser context, one kernel page, and for each vat a sandboxed iframe of that page (an
//   opaque origin) whose Content-Security-Policy connect-src lists the vat's allowedHosts,
//   running the vat as a dedicated Worker started from a blob: URL (so it inherits the
//   iframe's policy, and its base URL, which relative URLs would resolve against, is no
//   address of the adapter's). The vat's fetch, Request, Headers, Response and the other
//   offered globals are the Worker's own; the allowlist is CSP, enforced by the browser on
//   every request and every redirect hop.
// - Vats share what a browser context shares: its socket pool (six connections per host).
//   Its HTTP cache and cookie jar are keyed by the frame's site, and each vat's opaque
//   origin is a site of its own: one vat's cookies and cached responses never reach another.
// - The context's proxyServer is the harness's proxy, so every request of a vat goes
//   through the mock network; only the adapter's own loopback page server is bypassed. The
//   browser-level proxy is a closed port, so the browser's background traffic goes nowhere
//   instead of reaching the mock network as an escape.
// - terminateVat is worker.terminate() in the vat's iframe, then the iframe's removal; it
//   answers once the Worker is gone.
// - The Worker's global object is stripped to the language globals, the requested
//   endowments and a console (vat-worker.mjs); endowments are frozen.
// - There is no notify: a browser's fetch has no callback for outbound requests.
//
// Protocol: harness/PROTOCOL.md, served by the adapter kit (JSON-RPC 2.0, one message
// per line on stdin/stdout). Diagnostics go to stderr.
//
// This module is the vats (createVat, running programs, terminateVat) and serves the
// protocol; the browser they live in — its launch, the page server and the vats' policies —
// is browser.mjs's.

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { CDPSessionEvent } from 'puppeteer-core';
import { CODES, RpcError, makeLog, serve } from '@conform-suite/adapter-kit';
import { runCA } from '@conform-suite/adapter-kit/tls';
import { LANGUAGE_GLOBALS, setUpVat } from './vat-worker.mjs';
import { browserVersion, contentSecurityPolicy, launch, state } from './browser.mjs';

const require = createRequire(import.meta.url);
const ADAPTER_NAME = 'chromium';
const PUPPETEER_VERSION = require('puppeteer-core/package.json').version;

const log = makeLog(ADAPTER_NAME);

// The Worker globals a vat may ask for.
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

// The first console argument of a vat's console line (see setUpVat); random per process so a
// vat cannot guess it from the adapter's source.
const CONSOLE_MARKER = `conform-console-${randomUUID()}`;
const LOG_LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);

// A hostname that can stand in a CSP host-source as itself: an exact hostname, no wildcard,
// no port, nothing CSP would read as syntax.
const PLAIN_HOSTNAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
// ---------------------------------------------------------------------------------------
// Vats.

async function initialize(params) {
  try {
    await launch(params.network.proxy, runCA(params));
  } catch (e) {
    log(`could not start chromium; its last output:\n${state.stderr.text()}`);
    throw e;
  }
}

// How long terminateVat waits for the Worker's DevTools session to end after
// worker.terminate(), before it answers anyway (and logs that it did): under the harness's
// call timeout, and long enough for Chromium to stop a Worker busy in a loop, which takes it
// about two seconds.
const WORKER_GONE_CAP_MS = 8000;
const SLOW_VAT_MS = 5000;

// The script a vat's Worker starts with: it tells the iframe that the Worker has started.
// The DevTools protocol attaches to a Worker before its script has been loaded, and Chromium
// installs part of the Worker's global scope only then (the WindowOrWorkerGlobalScope
// members: setTimeout, queueMicrotask, structuredClone, atob, …, on
// WorkerGlobalScope.prototype). setUpVat run before that found them absent and they appeared
// after it, on the scope of a vat that was never granted them (AVAIL-019, in 11 of 15 vats
// set up at once on attach); so nothing of the vat runs in the Worker before this message
// has arrived. setUpVat removes postMessage, so the vat cannot post to its iframe.
const WORKER_SCRIPT = "postMessage('conform vat started');\n";

// Makes the vat's iframe and Worker, and sets the Worker up (setUpVat).
async function makeVat(vat, { globals, allowedHosts }) {
  const { kernel, pageServer } = state;
  const urls = pageServer.add(contentSecurityPolicy(allowedHosts));
  vat.token = urls.token;
  vat.step = 'loading its iframe';
  let workerURL;
  try {
    await kernel.evaluate(
      (name, page) =>
        new Promise((resolve) => {
          const frame = document.createElement('iframe');
          frame.name = name;
          // An opaque origin of its own: no cookie jar, HTTP cache or storage shared with
          // the kernel or another vat (Chromium partitions them by the frame's site, and an
          // opaque one is nobody's).
          frame.sandbox = 'allow-scripts';
          frame.src = page;
          frame.onload = () => resolve();
          document.body.append(frame);
        }),
      urls.token,
      urls.page,
    );
    vat.framed = true;
    vat.frame = kernel.frames().find((f) => f.url() === urls.page);
    if (!vat.frame) throw new Error(`the vat's iframe ${urls.page} is not among the kernel page's frames`);
    // The kernel cannot reach into a frame of another origin; the Worker is started inside it.
    // Its one line of script says it has started (WORKER_SCRIPT).
    workerURL = await vat.frame.evaluate((script) => {
      const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
      const worker = new Worker(url);
      globalThis.conformWorker = worker;
      globalThis.conformWorkerStarted = new Promise((resolve, reject) => {
        worker.onmessage = () => {
          worker.onmessage = null;
          worker.onerror = null;
          resolve();
        };
        worker.onerror = (e) => reject(new Error(`the vat's Worker failed to start: ${e.message}`));
      });
      return url;
    }, WORKER_SCRIPT);
    vat.step = 'waiting for its Worker to attach';
    let worker = state.unclaimedWorkers.get(workerURL);
    if (worker) state.unclaimedWorkers.delete(workerURL);
    else worker = await new Promise((resolve) => state.workerWaiters.set(workerURL, resolve));
    vat.step = 'waiting for its Worker to run its script';
    await vat.frame.evaluate(() => globalThis.conformWorkerStarted);
    vat.step = 'setting its Worker up';
    vat.session = worker.client;
    vat.gone = new Promise((resolve) => vat.session.once(CDPSessionEvent.Disconnected, resolve));
    // A live vat's Worker session that ends is a fault of the browser or of this adapter, not
    // of the vat: the program's evaluate fails with "Target closed". Say so with what
    // Chromium said.
    vat.gone.then(() => {
      if (!vat.terminated) log(`vat ${vat.id}: its Worker's DevTools session ended while the vat was live (${vat.step}); chromium's last output:\n${state.stderr.text()}`);
    });
    vat.session.on('Runtime.consoleAPICalled', (event) => onConsole(vat, event));
    const setup = await worker.evaluateHandle(setUpVat, globals, LANGUAGE_GLOBALS, CONSOLE_MARKER);
    const run = await setup.getProperty('run');
    vat.runner = run.remoteObject().objectId;
    const notRemoved = await setup.evaluate((s) => s.notRemoved);
    vat.step = 'ready';
    const what = notRemoved.join(', ');
    if (what && !state.notRemovedLogged.has(what)) {
      state.notRemovedLogged.add(what);
      log(`could not remove from a vat's Worker global (logged once): ${what}`);
    }
  } finally {
    if (workerURL) state.workerWaiters.delete(workerURL);
  }
}

// A console line of the vat's console (setUpVat) becomes a log notification; the DevTools
// protocol delivers it before the reply of the program that wrote it.
function onConsole(vat, event) {
  const [marker, level, message] = event.args || [];
  if (marker && marker.value === CONSOLE_MARKER && level && LOG_LEVELS.has(level.value) && message && typeof message.value === 'string') {
    vat.events.log(level.value, message.value);
  } else {
    log(`vat ${vat.id}: console output not from the vat's console ignored`);
  }
}

async function createVat({ vatId, globals, network, events }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  for (const host of allowedHosts || []) {
    if (!PLAIN_HOSTNAME.test(host)) {
      throw new RpcError(CODES.configDenied, `allowedHosts entry ${JSON.stringify(host)} is not a lowercase hostname that a Content-Security-Policy host-source states exactly`);
    }
    if (host === 'localhost' || /^127\./.test(host)) {
      throw new RpcError(CODES.configDenied, `allowedHosts entry ${JSON.stringify(host)} is a loopback address, where this adapter serves its vat pages outside the mock network`);
    }
  }
  const vat = { id: vatId, events, step: 'starting', terminated: false, token: undefined, framed: false, session: undefined, gone: undefined, runner: undefined };
  // A vat that is not ready well within the harness's call timeout is reported with the
  // step it is stuck at, rather than left for the harness to time out.
  const slow = setTimeout(() => log(`vat ${vatId}: still not ready after ${SLOW_VAT_MS} ms, ${vat.step}`), SLOW_VAT_MS);
  try {
    await makeVat(vat, { globals, allowedHosts: globals.includes('fetch') ? allowedHosts : [] });
    clearTimeout(slow);
  } catch (e) {
    clearTimeout(slow);
    vat.terminated = true;
    await closeVat(vat);
    throw e;
  }
  // A remote vat for the kit: the Worker runs and serialises each program (setUpVat's run).
  return { vat, run: (source) => runInVat(vat, source) };
}

// Never settles: the outcome of a program whose Worker was terminated under it.
const NEVER = new Promise(() => {});

// Runs source in the vat's Worker and resolves to its outcome: {json}, {} or {error}.
async function runInVat(vat, source) {
  let reply;
  try {
    // No protocol timeout (puppeteer's is 30 s for every other call): a program runs as long
    // as it runs, and the harness bounds it (the call timeout of an evaluate, a task's own
    // wait; terminateVat ends it). Under load, FETCH-055's 600 fetches and FETCH-056's 64 MiB
    // bodies took longer than 30 s and were cut short with a ProtocolError.
    reply = await vat.session.send(
      'Runtime.callFunctionOn',
      {
        functionDeclaration: 'function (source) { return this(source); }',
        objectId: vat.runner,
        arguments: [{ value: source }],
        awaitPromise: true,
        returnByValue: true,
      },
      { timeout: 0 },
    );
  } catch (e) {
    // The Worker (and its DevTools session) went away under a pending program: that is
    // teardown, not an outcome of the program (the kit answers the call -32002).
    if (vat.terminated) return NEVER;
    throw e;
  }
  if (reply.exceptionDetails) {
    // Runtime.terminateExecution at teardown ends the program this way: not its outcome.
    if (vat.terminated) return NEVER;
    return { error: { name: 'Error', message: `adapter: the vat's runner threw: ${reply.exceptionDetails.text}` } };
  }
  return reply.result.value;
}

// worker.terminate() in the vat's iframe, as a kernel hosting vats in Workers stops one,
// then the iframe's removal; done once the Worker's DevTools session has ended (the Worker
// is gone, and with it every request it had in flight).
async function closeVat(vat) {
  if (vat.session) {
    // Programs run inside a DevTools evaluation (runInVat), and Chromium does not stop a
    // Worker whose script is busy in such an evaluation (a synchronous loop kept it running
    // for as long as we waited, 8 s). Interrupting the evaluation first lets
    // worker.terminate() take effect at once. A page-hosted kernel, which has no DevTools,
    // gets Chromium's own behaviour instead: a busy Worker keeps running for about 2 s
    // after terminate() before Chromium interrupts it (measured; README).
    await vat.session.send('Runtime.terminateExecution').catch(() => {});
  }
  if (vat.framed) {
    if (vat.frame) await vat.frame.evaluate(() => globalThis.conformWorker && globalThis.conformWorker.terminate()).catch(() => {});
    await state.kernel.evaluate((name) => {
      const frame = document.querySelector(`iframe[name="${name}"]`);
      if (frame) frame.remove();
    }, vat.token);
  }
  if (vat.gone) {
    let timer;
    const capped = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), WORKER_GONE_CAP_MS);
    });
    const gone = await Promise.race([vat.gone.then(() => true), capped]);
    clearTimeout(timer);
    if (!gone) log(`vat ${vat.id}: its Worker's DevTools session was still open ${WORKER_GONE_CAP_MS} ms after worker.terminate()`);
  }
  if (vat.token) state.pageServer.remove(vat.token);
}

async function terminateVat(handle) {
  const { vat } = handle;
  if (!vat.tearingDown) {
    vat.terminated = true;
    vat.tearingDown = closeVat(vat);
  }
  await vat.tearingDown;
}

process.on('SIGTERM', () => process.exit(0));

serve({
  name: ADAPTER_NAME,
  version: `0.1.0 (${browserVersion()}, puppeteer-core ${PUPPETEER_VERSION}, node ${process.version})`,
  globals: OFFERED,
  initialize,
  createVat,
  terminateVat,
});
