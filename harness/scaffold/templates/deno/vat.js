// One vat of the "@@NAME@@" adapter: a Deno process started by adapter.mjs with the vat's
// allowlist as --allow-net and the harness's proxy as HTTP_PROXY. It reads programs from
// stdin, one JSON object per line ({runId, source}), runs each as the body of an async
// function, and writes its console lines, notify events and outcomes to stdout, one JSON
// object per line, in the order they happen. Argument: the vat's globals, as JSON.

import { errorShape, formatConsoleArgs } from '@conform-suite/adapter-kit/values';

const encoder = new TextEncoder();
function send(message) {
  const bytes = encoder.encode(JSON.stringify(message) + '\n');
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

const requested = JSON.parse(Deno.args[0] || '[]');
const hostFetch = globalThis.fetch;
const stringify = JSON.stringify;

// ---------------------------------------------------------------------------------------
// FILL IN: your endowment.
//
// makeEndowment({ notify }) returns the vat's network globals and a teardown. Build your
// implementation's endowment here. The stand-in is Deno's own fetch (Deno enforces the
// allowlist through --allow-net), reporting each request and response through notify.

function makeEndowment({ notify }) {
  const fetch = async (input, init) => {
    // Each OutboundRequest is paired with an OutboundResponse, whether the fetch resolves or not.
    notify('OutboundRequest', { source: 'fetch' });
    try {
      return await hostFetch(input, init);
    } finally {
      notify('OutboundResponse', { source: 'fetch' });
    }
  };
  return {
    globals: { fetch, Request, Headers, Response },
    // FILL IN: close what the endowment has in flight or open. As generated the vat's
    // process is ended at termination, which closes its connections, and this is never
    // called; a kernel that keeps the vat alive (protocol 1.1's teardownVat) needs it.
    teardown() {},
  };
}

// ---------------------------------------------------------------------------------------
// The vat's global scope: the endowment's globals where the vat asked for them, and a
// console that reports to the harness. Deno's other globals stay: strip them as your
// kernel does.

const endowment = makeEndowment({ notify: (method, params) => send({ type: 'notify', method, params }) });
for (const name of Object.keys(endowment.globals)) {
  if (!requested.includes(name)) delete globalThis[name];
  else globalThis[name] = endowment.globals[name];
}
const console = {};
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => send({ type: 'log', level, message: formatConsoleArgs(args, stringify) });
}
globalThis.console = console;

const indirectEval = eval;
async function run(runId, source) {
  let outcome;
  try {
    const value = await indirectEval(`(async function () {\n${source}\n})()`);
    const json = value === undefined ? undefined : stringify(value);
    outcome = typeof json === 'string' ? { json } : {};
  } catch (e) {
    outcome = { error: errorShape(e) };
  }
  send({ type: 'outcome', runId, outcome });
}

send({ type: 'ready' });
let buffered = '';
const decoder = new TextDecoder();
for await (const chunk of Deno.stdin.readable) {
  buffered += decoder.decode(chunk, { stream: true });
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    if (line.trim() === '') continue;
    const { runId, source } = JSON.parse(line);
    run(runId, source);
  }
}
