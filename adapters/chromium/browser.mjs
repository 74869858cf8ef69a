// The chromium adapter's browser (adapter.mjs has the vats): launching headless Chromium
// with its flags and the two proxies, the kernel page and the Workers it reports, the
// loopback page server that serves the kernel page and each vat's page with the vat's
// Content-Security-Policy, and stopping it all when the process exits. README.md says why
// each of these is as it is.

import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { PipeTransport } from 'puppeteer-core/internal/node/PipeTransport.js';
import { makeLog } from '@conform-suite/adapter-kit';
import { chromiumSPKIFlags } from '@conform-suite/adapter-kit/tls';

const log = makeLog('chromium');

// Flags that keep a headless Chromium quiet and working on a CI machine (no GPU, no user
// namespaces for the sandbox, no QUIC, no first-run, sync or component updates), and the
// vats' sandboxed iframes in the kernel page's process rather than one process each, which
// made a run three times slower on a 2-core machine.
//
// The rest keep the browser small and its kernel page at full priority on a loaded machine,
// where starting two browsers took 20 to 35 s (the harness allows initialize 30 s): no
// startup window (its about:blank tab and that tab's WebUI were two renderer processes), no
// extensions or default apps, no spare renderer kept ready, and no backgrounding of
// renderers: Chromium renices a renderer it deems in the background (nice 5, measured), and
// the kernel page, a page of a headless browser that nobody looks at, could be that one;
// beside four CPU burners it then got a third of their share.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-startup-window',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-component-extensions-with-background-pages',
  '--disable-default-apps',
  '--disable-breakpad',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-hang-monitor',
  '--remote-debugging-pipe',
  '--disable-features=IsolateSandboxedIframes,SpareRendererForSitePerProcess,Translate,MediaRouter,OptimizationHints',
];

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
export function contentSecurityPolicy(allowedHosts) {
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
// Chromium's stderr, for when it or the kernel page dies. Headless Chromium on a machine
// without a session bus writes a line for every D-Bus call it tries, dozens a second at
// start-up and more later: the first 2,000 characters that used to be kept were all D-Bus,
// and a crash report said nothing of the crash. Lines known to be noise are counted and
// left out, and the last STDERR_KEPT bytes of the rest are kept: a crash is the end. 6 KB,
// so that the adapter's report of it fits in the 8 KB of stderr the harness shows
// (harness.DefaultStderrTail).

const STDERR_KEPT = 6 << 10;
const STDERR_NOISE = [
  /:ERROR:dbus\//, // "Failed to connect to the bus", "Failed to call method: org.freedesktop…"
  /^Fontconfig (error|warning)/i,
  /\[: .*unexpected operator$/, // Debian's /usr/bin/chromium wrapper testing the memory size
];

export function stderrTail(maxBytes) {
  let kept = '';
  let partial = '';
  let noise = 0;
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      if (partial.length > maxBytes) {
        lines.push(partial);
        partial = '';
      }
      for (const line of lines) {
        if (STDERR_NOISE.some((re) => re.test(line))) noise++;
        else kept += line + '\n';
      }
      if (kept.length > maxBytes) kept = kept.slice(kept.indexOf('\n', kept.length - maxBytes) + 1);
    },
    text() {
      const rest = partial && !STDERR_NOISE.some((re) => re.test(partial)) ? partial : '';
      const note = noise ? `(${noise} lines of D-Bus and font configuration noise left out)\n` : '';
      return note + (kept + rest || '(nothing else)');
    },
  };
}

// ---------------------------------------------------------------------------------------
// The browser.

export const state = {
  /** @type {import('puppeteer-core').Browser | undefined} */
  browser: undefined,
  /** @type {import('node:child_process').ChildProcess | undefined} */
  process: undefined,
  pageServer: undefined,
  proxy: undefined,
  userDataDir: undefined,
  stopping: false,
  /** Chromium's stderr without its known noise, the end of it (stderrTail). */
  stderr: stderrTail(STDERR_KEPT),
  /** @type {import('puppeteer-core').Page | undefined} */
  kernel: undefined,
  /** @type {Map<string, (worker: import('puppeteer-core').WebWorker) => void>} blob: URL → who waits for its Worker */
  workerWaiters: new Map(),
  /** @type {Map<string, import('puppeteer-core').WebWorker>} blob: URL → a vat's Worker not yet claimed by makeVat */
  unclaimedWorkers: new Map(),
  notRemovedLogged: new Set(),
};

export async function launch(proxy, ca) {
  state.proxy = proxy;
  state.pageServer = await startPageServer();
  const deadProxy = await closedPort();
  state.userDataDir = mkdtempSync(join(tmpdir(), 'conform-chromium-'));
  // https: the run's CA by the only per-launch means Chromium has, weaker than trust (tls.mjs).
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${state.userDataDir}`, `--proxy-server=http://127.0.0.1:${deadProxy}`, ...chromiumSPKIFlags(ca)];
  // Started here rather than by puppeteer.launch, which would put the browser in a process
  // group of its own: the harness ends the adapter's process group (PROTOCOL.md §7), and
  // the browser must end with it.
  log(`starting ${executable()}`);
  const child = spawn(executable(), args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  state.process = child;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => state.stderr.push(chunk));
  child.once('exit', (code, signal) => {
    if (!state.stopping) {
      log(`chromium exited unexpectedly (code ${code}, signal ${signal}); its last output:\n${state.stderr.text()}`);
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
    log(`the kernel page reported a crash (${e.message}); chromium's last output:\n${state.stderr.text()}`);
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

// "Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)" → "Chromium 156.0.8078.108".
export function browserVersion() {
  try {
    const out = execFileSync(executable(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.trim().replace(/ built on .*$/, '');
  } catch (e) {
    return `unknown Chromium at ${executable()} (${e.message})`;
  }
}

