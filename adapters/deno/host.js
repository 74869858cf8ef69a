// The Deno side of the "deno" adapter: one Deno process that holds every vat as a Worker
// with its own permissions. adapter.mjs (Node) starts it and talks to it over its stdin and
// stdout, one JSON message per line; it never writes anything else to stdout.
//
// Messages from adapter.mjs:
//   {type: 'create', vatId, globals, allowedHosts}  allowedHosts: an array, or null (none)
//   {type: 'run', vatId, runId, source}
//   {type: 'terminate', vatId}
// Messages to adapter.mjs:
//   {type: 'ready', deno, v8}                        once, at start
//   {type: 'created', vatId, error?}                 error: {name, message}
//   {type: 'log', vatId, level, message}             a vat's console, in the vat's order
//   {type: 'outcome', vatId, runId, outcome}         after the run's logs
//   {type: 'terminated', vatId}                      once the vat's runtime is gone
//
// Started with --allow-net (a Worker's permissions can only narrow its parent's) and
// --allow-read for the adapter's own modules; HTTP_PROXY and HTTPS_PROXY in its environment
// send every Worker's fetch through the mock network's proxy.

// A vat's Worker starts from a blob: URL that only imports vat.js. The Worker's main module
// URL is the base URL Deno resolves relative URLs against (fetch('/x'), new Request('x')):
// started from vat.js itself, fetch('/x') would mean file:///…/x. A blob: URL is not
// hierarchical, so in a vat, as in the specs' model of a vat, a relative URL has no base and
// is a TypeError.
const VAT_MODULE = URL.createObjectURL(
  new Blob([`import ${JSON.stringify(new URL('./vat.js', import.meta.url).href)};\n`], { type: 'text/javascript' }),
);

const encoder = new TextEncoder();

// Synchronous writes, whole lines, in the order events happen: the protocol's ordering
// guarantees follow from that.
function send(message) {
  const bytes = encoder.encode(JSON.stringify(message) + '\n');
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

function diagnostic(...parts) {
  Deno.stderr.writeSync(encoder.encode(`[deno host] ${parts.join(' ')}\n`));
}

function errorOf(e) {
  return { name: String((e && e.name) || 'Error'), message: String((e && e.message) || e) };
}

/** @type {Map<string, {worker: Worker, port: MessagePort}>} */
const vats = new Map();

// The Worker's permissions: the network limited to the vat's allowed hosts (Deno checks
// every connection, redirect hops included, against this list; ports are not part of the
// entries, so every port of an allowed host is allowed), and nothing else.
function permissionsFor(allowedHosts) {
  return {
    net: allowedHosts && allowedHosts.length > 0 ? allowedHosts : false,
    read: false,
    write: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

// The Web Lock a vat's Worker holds for as long as its runtime exists (see vat.js).
function lifetimeLockName(vatId) {
  return `conform vat ${vatId}`;
}

function create({ vatId, globals, allowedHosts }) {
  let worker;
  try {
    worker = new Worker(VAT_MODULE, {
      type: 'module',
      name: `vat ${vatId}`,
      deno: { permissions: permissionsFor(allowedHosts) },
    });
  } catch (e) {
    // Deno refuses permission entries it cannot parse (e.g. a host with a space).
    send({ type: 'created', vatId, error: errorOf(e) });
    return;
  }
  const { port1, port2 } = new MessageChannel();
  let ready = false;
  worker.onerror = (event) => {
    // An error the vat's own listeners did not handle ends the Worker; keep the host alive.
    event.preventDefault();
    diagnostic(`vat ${vatId}: the Worker failed: ${event.message}`);
    if (!ready) {
      ready = true;
      worker.terminate();
      port1.close();
      send({ type: 'created', vatId, error: { name: 'Error', message: `the vat's Worker failed to start: ${event.message}` } });
    }
  };
  port1.onmessage = ({ data }) => {
    switch (data.type) {
      case 'ready':
        ready = true;
        vats.set(vatId, { worker, port: port1 });
        send({ type: 'created', vatId });
        break;
      case 'failed':
        ready = true;
        worker.terminate();
        port1.close();
        send({ type: 'created', vatId, error: data.error });
        break;
      case 'log':
        send({ type: 'log', vatId, level: data.level, message: data.message });
        break;
      case 'outcome':
        send({ type: 'outcome', vatId, runId: data.runId, outcome: data.outcome });
        break;
      case 'diagnostic':
        diagnostic(`vat ${vatId}: ${data.message}`);
        break;
      default:
        diagnostic(`vat ${vatId}: unexpected message ${JSON.stringify(data)}`);
    }
  };
  worker.postMessage({ globals, port: port2, lockName: lifetimeLockName(vatId) }, [port2]);
}

function run({ vatId, runId, source }) {
  const vat = vats.get(vatId);
  if (!vat) {
    send({ type: 'outcome', vatId, runId, outcome: { error: { name: 'Error', message: `the Deno host has no vat ${vatId}` } } });
    return;
  }
  vat.port.postMessage({ type: 'run', runId, source });
}

// worker.terminate() only asks Deno to stop the Worker: it returns before the Worker's
// runtime has been dropped and its sockets closed. The vat's lifetime lock is released
// when that runtime is dropped, so being granted it is the signal that teardown is done.
const lifetimeLockWait = 1000;

async function terminate({ vatId }) {
  const vat = vats.get(vatId);
  if (vat) {
    vats.delete(vatId);
    // Messages the vat posted before termination and not yet delivered are lost with the
    // port: they raced the termination, as they would in a kernel that stops a vat.
    vat.worker.terminate();
    vat.port.close();
    // A Worker that never yields is stopped by terminate() but its lock can stay held:
    // wait for it at most lifetimeLockWait, then answer anyway (the suite then checks that
    // the vat really stopped).
    let timer;
    await Promise.race([
      navigator.locks.request(lifetimeLockName(vatId), () => {}),
      new Promise((resolve) => { timer = setTimeout(resolve, lifetimeLockWait); }),
    ]);
    clearTimeout(timer);
  }
  send({ type: 'terminated', vatId });
}

const handlers = { create, run, terminate };

async function main() {
  send({ type: 'ready', deno: Deno.version.deno, v8: Deno.version.v8 });
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of Deno.stdin.readable) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() === '') continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch (e) {
        diagnostic(`not JSON from the adapter: ${e.message}`);
        continue;
      }
      const handler = handlers[message.type];
      if (!handler) {
        diagnostic(`unknown message type ${message.type}`);
        continue;
      }
      try {
        Promise.resolve(handler(message)).catch((e) => diagnostic(`${message.type} failed: ${e && e.stack}`));
      } catch (e) {
        diagnostic(`${message.type} failed: ${e && e.stack}`);
      }
    }
  }
  // The adapter closed our stdin: it is gone, and so are the vats.
  Deno.exit(0);
}

main();
