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

import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { CDPSessionEvent } from 'puppeteer-core';
import { PipeTransport } from 'puppeteer-core/internal/node/PipeTransport.js';
import { CODES, RpcError, makeLog, serve } from '@conform-suite/adapter-kit';
import { chromiumSPKIFlags, runCA } from '@conform-suite/adapter-kit/tls';
import { LANGUAGE_GLOBALS, setUpVat } from './vat-worker.mjs';

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

// Flags that keep a headless Chromium quiet and working on a CI machine (no GPU, no user
// namespaces for the sandbox, no QUIC, no first-run, sync or component updates), and the
// vats' sandboxed iframes in the kernel page's process rather than one process each, which
// made a run three times slower on a 2-core machine.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--remote-debugging-pipe',
  '--disable-features=IsolateSandboxedIframes',
];

// The first console argument of a vat's console line (see setUpVat); random per process so a
// vat cannot guess it from the adapter's source.
const CONSOLE_MARKER = `conform-console-${randomUUID()}`;
const LOG_LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);

// A hostname that can stand in a CSP host-source as itself: an exact hostname, no wildcard,
// no port, nothing CSP would read as syntax.
const PLAIN_HOSTNAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

function executable() {
  const i = process.argv.indexOf('--chromium');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  return process.env.CONFORM_CHROMIUM || '/usr/bin/chromium';
}

// ---------------------------------------------------------------------------------------
// The page server: one loopback HTTP server that serves the kernel page and each vat's page
// with the vat's Content-Security-Policy. Vat pages are addressed by an
// unguessable token; anything else is refused and logged.

const KERNEL_PATH = '/kernel.html';
const VAT_PATH = /^\/vat\/([0-9a-f-]{36})\/page\.html$/;

function startPageServer() {
  const pages = new Map(); // token → csp
  let kernelCSP = "default-src 'none'";
  const server = createServer((req, res) => {
    const noStore = { 'Cache-Control': 'no-store' };
    if (req.url === KERNEL_PATH) {
      res.writeHead(200, { ...noStore, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': kernelCSP });
      res.end('<!doctype html><meta charset="utf-8"><title>conform kernel</title><body>\n');
      return;
    }
    const m = VAT_PATH.exec(req.url || '');
    const csp = m && pages.get(m[1]);
    if (!csp) {
      log(`page server: refused ${req.method} ${req.url}`);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not a vat page\n');
      return;
    }
    res.writeHead(200, { ...noStore, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    res.end('<!doctype html><meta charset="utf-8"><title>conform vat</title>\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const origin = `http://127.0.0.1:${port}`;
      // The kernel page only frames vat pages; its scripts arrive over the DevTools protocol.
      kernelCSP = `default-src 'none'; frame-src ${origin}`;
      resolve({
        origin,
        host: `127.0.0.1:${port}`,
        kernelURL: origin + KERNEL_PATH,
        add(csp) {
          const token = randomUUID();
          pages.set(token, csp);
          return { token, page: `${origin}/vat/${token}/page.html` };
        },
        remove(token) {
          pages.delete(token);
        },
        close() {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

// A loopback port with nothing listening: the browser-level proxy, so that traffic the
// browser makes for itself (outside any vat's context) fails at once instead of leaving.
function closedPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The vat's policy: its scripts may only be evaluated (programs arrive over the DevTools
// protocol), its Worker comes from a blob: URL (and inherits this policy), and it may
// connect to its allowed hosts on any port and scheme, and nowhere else.
function contentSecurityPolicy(allowedHosts) {
  const sources = [];
  for (const host of allowedHosts) sources.push(`http://${host}:*`, `https://${host}:*`);
  return [
    "default-src 'none'",
    "script-src 'unsafe-eval'",
    'worker-src blob:',
    `connect-src ${sources.length ? sources.join(' ') : "'none'"}`,
  ].join('; ');
}

// ---------------------------------------------------------------------------------------
// The browser.

const state = {
  /** @type {import('puppeteer-core').Browser | undefined} */
  browser: undefined,
  /** @type {import('node:child_process').ChildProcess | undefined} */
  process: undefined,
  pageServer: undefined,
  proxy: undefined,
  userDataDir: undefined,
  stopping: false,
  stderrTail: '',
  /** @type {import('puppeteer-core').Page | undefined} */
  kernel: undefined,
  /** @type {Map<string, (worker: import('puppeteer-core').WebWorker) => void>} blob: URL → who waits for its Worker */
  workerWaiters: new Map(),
  /** @type {Map<string, import('puppeteer-core').WebWorker>} blob: URL → a vat's Worker not yet claimed by makeVat */
  unclaimedWorkers: new Map(),
  notRemovedLogged: new Set(),
};

async function launch(proxy, ca) {
  state.proxy = proxy;
  state.pageServer = await startPageServer();
  const deadProxy = await closedPort();
  state.userDataDir = mkdtempSync(join(tmpdir(), 'conform-chromium-'));
  // https: the run's CA by the only per-launch means Chromium has, weaker than trust (tls.mjs).
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${state.userDataDir}`, `--proxy-server=http://127.0.0.1:${deadProxy}`, ...chromiumSPKIFlags(ca), 'about:blank'];
  // Started here rather than by puppeteer.launch, which would put the browser in a process
  // group of its own: the harness ends the adapter's process group (PROTOCOL.md §7), and
  // the browser must end with it.
  log(`starting ${executable()}`);
  const child = spawn(executable(), args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  state.process = child;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    // Chromium is chatty (D-Bus, GPU); its last lines are kept for when it dies.
    state.stderrTail = (state.stderrTail + chunk).slice(-2000);
  });
  child.once('exit', (code, signal) => {
    if (!state.stopping) {
      log(`chromium exited unexpectedly (code ${code}, signal ${signal}); its last output:\n${state.stderrTail}`);
      process.exit(1);
    }
  });
  const transport = new PipeTransport(child.stdio[3], child.stdio[4]);
  state.browser = await puppeteer.connect({ transport, defaultViewport: null, protocolTimeout: 30_000 });
  // Everything of the vats goes through the mock network except the adapter's own page
  // server: <-loopback> removes Chromium's implicit bypass of loopback addresses (so a vat's
  // request to a loopback address would reach the proxy and be recorded as an escape), and
  // the one explicit rule bypasses the page server alone.
  const context = await state.browser.createBrowserContext({ proxyServer: proxy, proxyBypassList: ['<-loopback>', state.pageServer.host] });
  const kernel = await context.newPage();
  // A vat's Worker is known by its blob: URL, which makeVat learns when the Worker has
  // been started; the DevTools protocol may attach to the Worker before or after that.
  kernel.on('workercreated', (worker) => {
    const waiting = state.workerWaiters.get(worker.url());
    if (waiting) waiting(worker);
    else state.unclaimedWorkers.set(worker.url(), worker);
  });
  // Every vat lives in the kernel page: if it goes, the adapter ends, and the harness
  // reports the fault and starts a fresh one.
  const kernelGone = (why) => () => {
    if (!state.stopping) {
      log(`the kernel page ${why}; exiting`);
      process.exit(1);
    }
  };
  kernel.on('close', kernelGone('closed'));
  // A crashed page is not closed, but its vats' Workers are gone with it: their DevTools
  // sessions answer "Target closed" and a terminateVat would wait for nothing until the
  // harness's call timeout. Seen under heavy load (several browsers starting at once).
  kernel.on('error', (e) => {
    log(`the kernel page reported a crash (${e.message}); chromium's last output:\n${state.stderrTail}`);
    kernelGone('crashed')();
  });
  await kernel.goto(state.pageServer.kernelURL, { waitUntil: 'load' });
  state.kernel = kernel;
  const version = await state.browser.version();
  log(`${version} from ${executable()}; pages at ${state.pageServer.origin}; vat traffic through ${proxy}; browser's own traffic to the closed port ${deadProxy}`);
}

function stopBrowser() {
  state.stopping = true;
  if (state.process && state.process.exitCode === null) state.process.kill('SIGKILL');
  if (state.pageServer) state.pageServer.close();
  if (state.userDataDir) {
    try {
      rmSync(state.userDataDir, { recursive: true, force: true, maxRetries: 3 });
    } catch (e) {
      // The browser's helpers may still be writing there as they die; the directory is in
      // the system's temp folder either way.
      log(`could not remove ${state.userDataDir}: ${e.message}`);
    }
  }
}

process.on('exit', stopBrowser);

// ---------------------------------------------------------------------------------------
// Vats.

async function initialize(params) {
  try {
    await launch(params.network.proxy, runCA(params));
  } catch (e) {
    log(`could not start chromium; its last output:\n${state.stderrTail}`);
    throw e;
  }
}

// How long terminateVat waits for the Worker's DevTools session to end after
// worker.terminate(), before it answers anyway (and logs that it did): under the harness's
// call timeout, and long enough for Chromium to stop a Worker busy in a loop, which takes it
// about two seconds.
const WORKER_GONE_CAP_MS = 8000;
const SLOW_VAT_MS = 5000;

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
    workerURL = await vat.frame.evaluate(() => {
      const url = URL.createObjectURL(new Blob(['// conform vat\n'], { type: 'text/javascript' }));
      globalThis.conformWorker = new Worker(url);
      return url;
    });
    vat.step = 'waiting for its Worker to attach';
    let worker = state.unclaimedWorkers.get(workerURL);
    if (worker) state.unclaimedWorkers.delete(workerURL);
    else worker = await new Promise((resolve) => state.workerWaiters.set(workerURL, resolve));
    vat.step = 'setting its Worker up';
    vat.session = worker.client;
    vat.gone = new Promise((resolve) => vat.session.once(CDPSessionEvent.Disconnected, resolve));
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
    reply = await vat.session.send('Runtime.callFunctionOn', {
      functionDeclaration: 'function (source) { return this(source); }',
      objectId: vat.runner,
      arguments: [{ value: source }],
      awaitPromise: true,
      returnByValue: true,
    });
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

// "Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)" → "Chromium 156.0.8078.108".
function browserVersion() {
  try {
    const out = execFileSync(executable(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.trim().replace(/ built on .*$/, '');
  } catch (e) {
    return `unknown Chromium at ${executable()} (${e.message})`;
  }
}

serve({
  name: ADAPTER_NAME,
  version: `0.1.0 (${browserVersion()}, puppeteer-core ${PUPPETEER_VERSION}, node ${process.version})`,
  globals: OFFERED,
  initialize,
  createVat,
  terminateVat,
});
