// A JSON-RPC client for the kit's tests: starts an adapter, sends requests one line each,
// and keeps every line the adapter writes, in order.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/adapter.mjs', import.meta.url));

/**
 * Starts the fixture adapter with args. The result's lines holds every message it wrote;
 * call(method, params) sends a request and resolves to its answer; send(raw) writes a raw
 * line; next(predicate) resolves to the first message, already written or still to come,
 * that the predicate accepts.
 */
export function startAdapter(...args) {
  const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = [];
  let stderr = '';
  const stderrWaiters = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    for (const w of [...stderrWaiters]) {
      if (w.pattern.test(stderr)) {
        stderrWaiters.splice(stderrWaiters.indexOf(w), 1);
        w.resolve(stderr);
      }
    }
  });
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    const message = JSON.parse(line);
    lines.push(message);
    for (const w of [...waiters]) {
      if (w.predicate(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const exited = once(child, 'exit');
  let nextId = 1;
  const adapter = {
    lines,
    get stderr() {
      return stderr;
    },
    exited,
    // stderr is a pipe of its own: a line the adapter wrote before an answer may arrive
    // after it, so tests wait for what they expect there.
    stderrMatching(pattern) {
      if (pattern.test(stderr)) return Promise.resolve(stderr);
      return new Promise((resolve) => stderrWaiters.push({ pattern, resolve }));
    },
    send(raw) {
      child.stdin.write(raw + '\n');
    },
    next(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    request(method, params) {
      const id = nextId++;
      adapter.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      return id;
    },
    answerOf(id) {
      return adapter.next((m) => m.id === id && ('result' in m || 'error' in m));
    },
    call(method, params = {}) {
      return adapter.answerOf(adapter.request(method, params));
    },
    async initialize() {
      const answer = await adapter.call('initialize', { protocolVersion: '1', network: { proxy: 'http://127.0.0.1:9' } });
      if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
      return answer.result;
    },
    closeStdin() {
      child.stdin.end();
    },
    kill() {
      child.kill();
    },
  };
  return adapter;
}
