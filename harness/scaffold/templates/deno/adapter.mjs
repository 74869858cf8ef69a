// conform adapter "@@NAME@@" (runtime family: deno), written by `conform adapter init`.
//
// This Node program speaks harness/PROTOCOL.md through the adapter kit
// (@conform-suite/adapter-kit) and runs each vat as a Deno process of its own (vat.js),
// whose --allow-net is the vat's allowlist: Deno refuses every other host. The vats are
// *remote vats* for the kit: vat.js runs and serialises each program and reports its
// console and notify events; this file relays them.
//
// What is yours to write is in vat.js, marked FILL IN: the endowment a vat's programs get
// (as generated: Deno's own fetch, reporting OutboundRequest/OutboundResponse) and its
// teardown. terminateVat ends the vat's process, which closes whatever it had open.
//
// Every outbound request goes through the harness's proxy (initialize's network.proxy):
// each Deno process gets it as HTTP_PROXY/HTTPS_PROXY, and the run's certificate authority
// (network.ca) as DENO_CERT, in an environment set whole. Deno also looks a fetch's host name
// up with the system resolver before it asks the proxy; adapters/deno in the conform
// repository points those lookups at network.dns, which the EGRESS- specs watch.
//
// Deno comes from DENO (a path), else the npm package @deno/linux-x64-glibc (an optional
// dependency: on x86-64 Linux with glibc), else `deno` on PATH.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CODES, RpcError, makeLog, serve } from '@conform-suite/adapter-kit';
import { runCA, writeCAFile } from '@conform-suite/adapter-kit/tls';

const NAME = '@@NAME@@';
const log = makeLog(NAME);
const require = createRequire(import.meta.url);

const OFFERED = ['fetch', 'Request', 'Headers', 'Response', 'AbortController', 'AbortSignal', 'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams'];
const VAT_MODULE = fileURLToPath(new URL('./vat.js', import.meta.url));
// vat.js imports the kit's values.mjs by package name; Deno runs without a config file, so
// an import map names the file Node resolves that name to.
const KIT_VALUES = '@conform-suite/adapter-kit/values';

function denoBinary() {
  if (process.env.DENO) return process.env.DENO;
  try {
    const bin = require.resolve('@deno/linux-x64-glibc/deno');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed on this platform
  }
  return 'deno';
}

const DENO = denoBinary();
const state = { proxy: '', dir: '', importMap: '', caFile: '' };

function initialize(params) {
  state.proxy = params.network.proxy;
  state.dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  process.on('exit', () => rmSync(state.dir, { recursive: true, force: true }));
  // https through the proxy is signed by the run's certificate authority (network.ca):
  // DENO_CERT adds it to what Deno trusts.
  const ca = runCA(params);
  if (ca) state.caFile = writeCAFile(ca, state.dir);
  state.importMap = join(state.dir, 'import-map.json');
  writeFileSync(state.importMap, JSON.stringify({ imports: { [KIT_VALUES]: import.meta.resolve(KIT_VALUES) } }));
  log(`vats run in ${DENO}; their traffic goes through ${state.proxy}`);
}

// A Deno process per vat. Messages, one JSON object per line: to the vat {runId, source};
// from it {type: 'ready'}, {type: 'log', level, message}, {type: 'notify', method, params},
// {type: 'outcome', runId, outcome}.
function startVat(vatId, globals, allowedHosts, events) {
  const env = {
    HTTP_PROXY: state.proxy,
    HTTPS_PROXY: state.proxy,
    DENO_NO_UPDATE_CHECK: '1',
    DENO_DIR: join(state.dir, 'deno'),
    HOME: state.dir,
    NO_COLOR: '1',
  };
  if (state.caFile) env.DENO_CERT = state.caFile;
  const args = ['run', '--quiet', '--no-prompt', '--no-config', '--no-lock', `--import-map=${state.importMap}`];
  if (allowedHosts.length > 0) args.push(`--allow-net=${allowedHosts.join(',')}`);
  args.push(VAT_MODULE, JSON.stringify(globals));
  // The child stays in the adapter's process group: the harness's group kill ends it too.
  const child = spawn(DENO, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const runs = new Map();
  let nextRun = 1;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start Deno (${DENO}): ${e.message}`)));
    exited.then((code) => reject(new Error(`vat ${vatId}: Deno exited (code ${code}) before it was ready`)));
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      let m;
      try {
        m = JSON.parse(line);
      } catch {
        log(`vat ${vatId}: not JSON: ${line}`);
        return;
      }
      if (m.type === 'ready') resolve();
      else if (m.type === 'log') events.log(m.level, m.message);
      else if (m.type === 'notify') events.notify(m.method, m.params);
      else if (m.type === 'outcome' && runs.has(m.runId)) {
        runs.get(m.runId)(m.outcome);
        runs.delete(m.runId);
      }
    });
  });
  return {
    ready,
    run(source) {
      const runId = nextRun++;
      const outcome = new Promise((resolve) => runs.set(runId, resolve));
      child.stdin.write(JSON.stringify({ runId, source }) + '\n');
      return outcome;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function createVat({ vatId, globals, network, events }) {
  const allowedHosts = network ? network.allowedHosts : undefined;
  // As ocap-kernel does: fetch without an allowlist is a configuration error (-32003).
  if (globals.includes('fetch') && allowedHosts === undefined) {
    throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts in the vat configuration');
  }
  for (const host of allowedHosts || []) {
    if (!/^[a-z0-9.-]+$/i.test(host)) throw new RpcError(CODES.configDenied, `allowedHosts entry ${JSON.stringify(host)} is not a host name Deno's --allow-net takes`);
  }
  const vat = startVat(vatId, globals, allowedHosts || [], events);
  try {
    await vat.ready;
  } catch (e) {
    await vat.kill();
    throw e;
  }
  // A remote vat for the kit: run(source) resolves to the outcome vat.js reports.
  return { vat, terminated: undefined, run: (source) => vat.run(source) };
}

// Ends the vat's process once; every terminateVat of the vat (and shutdown) waits for it.
async function terminateVat(handle) {
  handle.terminated ??= handle.vat.kill();
  await handle.terminated;
}

serve({ name: NAME, version: `0.1.0 (node ${process.version})`, globals: OFFERED, initialize, createVat, terminateVat });
