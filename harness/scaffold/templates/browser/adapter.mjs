// conform adapter "@@NAME@@" (runtime family: browser), written by `conform adapter init`.
//
// This Node program speaks harness/PROTOCOL.md through the adapter kit
// (@conform-suite/adapter-kit) and drives a headless Chromium with puppeteer-core: each vat
// is a page of one browser context whose proxy is the harness's, and its programs run in the
// page over the DevTools protocol. The vats are *remote vats* for the kit: the page runs and
// serialises each program; its console and notify events come back as console lines with a
// marker, in the order the page made them.
//
// What is yours to write is marked FILL IN in setUpVat, which runs inside the page: the
// endowment a vat's programs get (as generated: the page's own fetch behind an exact-hostname
// allowlist, reporting OutboundRequest/OutboundResponse) and its teardown. terminateVat
// closes the vat's page.
//
// Chromium: CHROMIUM (a path), else /usr/bin/chromium. The browser is started here, in the
// adapter's process group, so that the harness's group kill ends it too.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CODES, RpcError, errorShape, makeLog, serve } from '@conform-suite/adapter-kit';
import { chromiumSPKIFlags, runCA } from '@conform-suite/adapter-kit/tls';

const NAME = '@@NAME@@';
const log = makeLog(NAME);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OFFERED = ['fetch', 'Request', 'Headers', 'Response', 'AbortController', 'AbortSignal', 'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams'];
// The first argument of the console lines the vat's console and notify write; random, so
// that a program cannot forge one.
const MARKER = `${NAME}-${randomUUID()}`;

// ---------------------------------------------------------------------------------------
// FILL IN: your endowment, inside the page.
//
// setUpVat runs in the vat's page before any program (sent as source: it must not refer to
// anything outside its own body). It installs the endowment and the console, and returns
// the function that runs a program and resolves to its outcome ({json}, {} or {error}).
// The stand-in wraps the page's own fetch in an exact-hostname allowlist; it tears nothing
// down (the page is closed at termination). Replace it with your kernel's endowment.

function setUpVat(allowedHosts, marker, errorShapeSource) {
  'use strict';
  const nativeDebug = console.debug.bind(console);
  const emit = (...parts) => nativeDebug(marker, ...parts);
  const errorShape = (0, eval)(`(${errorShapeSource})`);
  const pageFetch = globalThis.fetch;
  const notify = (method, params) => emit('notify', method, JSON.stringify(params));

  globalThis.fetch = async function fetch(input, init) {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!allowedHosts.includes(url.hostname)) {
      throw new TypeError(`host ${url.hostname} is not in this vat's allowedHosts (the starter's stand-in allowlist)`);
    }
    notify('OutboundRequest', { source: 'fetch' });
    try {
      return await pageFetch(input, init);
    } finally {
      notify('OutboundResponse', { source: 'fetch' });
    }
  };

  const text = (v) => {
    try {
      if (typeof v === 'string') return v;
      if (v !== null && typeof v === 'object') return JSON.stringify(v);
      return String(v);
    } catch {
      return '[unprintable]';
    }
  };
  const vatConsole = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    vatConsole[level] = (...args) => emit('log', level, args.map(text).join(' '));
  }
  globalThis.console = vatConsole;

  const stringify = JSON.stringify;
  const indirectEval = eval;
  return async (source) => {
    try {
      const value = await indirectEval(`(async function () {\n${source}\n})()`);
      const json = value === undefined ? undefined : stringify(value);
      return typeof json === 'string' ? { json } : {};
    } catch (e) {
      return { error: errorShape(e) };
    }
  };
}

// ---------------------------------------------------------------------------------------
// The browser.

const state = { browser: undefined, context: undefined, child: undefined, dir: '' };

// A loopback port with nothing listening: the browser's own proxy, so that the traffic the
// browser makes for itself fails at once instead of reaching the mock network.
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

async function initialize(params) {
  const { proxy } = params.network;
  state.dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${state.dir}`,
    `--proxy-server=http://127.0.0.1:${await closedPort()}`,
    // https through the proxy is signed by the run's certificate authority (network.ca).
    // Chromium has no per-launch trusted root; this flag accepts chains that carry the CA's
    // key (the kit's tls.mjs says why that is weaker than trust).
    ...chromiumSPKIFlags(runCA(params)),
    '--remote-debugging-port=0',
    'about:blank',
  ];
  const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  state.child = child;
  const endpoint = await new Promise((resolve, reject) => {
    let seen = '';
    child.once('error', (e) => reject(new Error(`cannot start ${CHROMIUM}: ${e.message} (set CHROMIUM to the browser's path)`)));
    child.once('exit', (code) => reject(new Error(`${CHROMIUM} exited (code ${code}); its output:\n${seen.slice(-2000)}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (m) resolve(m[1]);
    });
  });
  state.browser = await puppeteer.connect({ browserWSEndpoint: endpoint, defaultViewport: null });
  // <-loopback> sends loopback addresses through the proxy too: nothing a vat requests
  // leaves the mock network unseen.
  state.context = await state.browser.createBrowserContext({ proxyServer: proxy, proxyBypassList: ['<-loopback>'] });
  log(`${await state.browser.version()}; vat traffic through ${proxy}`);
}

process.on('exit', () => {
  if (state.child && state.child.exitCode === null) state.child.kill('SIGKILL');
  if (state.dir) rmSync(state.dir, { recursive: true, force: true, maxRetries: 3 });
});

async function createVat({ vatId, globals, network, events }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  // As ocap-kernel does: fetch without an allowlist is a configuration error (-32003).
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  const page = await state.context.newPage();
  const session = await page.createCDPSession();
  // Console lines arrive on this session before the answer of the program that wrote them.
  session.on('Runtime.consoleAPICalled', ({ args }) => {
    const [marker, kind, a, b] = args.map((arg) => arg.value);
    if (marker !== MARKER) return;
    if (kind === 'log') events.log(a, b);
    else if (kind === 'notify') events.notify(a, b === undefined ? undefined : JSON.parse(b));
  });
  await session.send('Runtime.enable');
  const setUp = await session.send('Runtime.evaluate', {
    expression: `(${setUpVat})(${JSON.stringify(allowedHosts || [])}, ${JSON.stringify(MARKER)}, ${JSON.stringify(errorShape.toString())})`,
  });
  if (setUp.exceptionDetails) {
    await page.close();
    throw new Error(`vat ${vatId}: setUpVat threw: ${setUp.exceptionDetails.text}`);
  }
  const runner = setUp.result.objectId;
  const vat = { page, terminated: undefined };
  vat.run = async (source) => {
    const reply = await session.send('Runtime.callFunctionOn', {
      functionDeclaration: 'function (source) { return this(source); }',
      objectId: runner,
      arguments: [{ value: source }],
      awaitPromise: true,
      returnByValue: true,
    });
    if (reply.exceptionDetails) return { error: { name: 'Error', message: `${NAME}: the vat's runner threw: ${reply.exceptionDetails.text}` } };
    return reply.result.value;
  };
  return vat;
}

// Closes the vat's page once; every terminateVat of the vat (and shutdown) waits for it.
async function terminateVat(vat) {
  vat.terminated ??= vat.page.close().catch((e) => log(`closing a vat's page: ${e.message}`));
  await vat.terminated;
}

serve({ name: NAME, version: `0.1.0 (node ${process.version})`, globals: OFFERED, initialize, createVat, terminateVat });
