// The kit's protocol behaviour, seen from the harness's side: a fixture adapter built on the
// kit (fixtures/adapter.mjs) is driven over stdin/stdout as conform drives an adapter.

import assert from 'node:assert/strict';
import { afterEach, describe, it as test } from 'node:test';
import { startAdapter } from './rpc.mjs';

// Every wait is for something the adapter must write; a test that waits in vain fails at
// this bound instead of hanging the run.
const it = (name, fn) => test(name, { timeout: 30_000 }, fn);

const running = [];
function start(...args) {
  const adapter = startAdapter(...args);
  running.push(adapter);
  return adapter;
}
afterEach(() => {
  for (const a of running.splice(0)) a.kill();
});

const FETCH_VAT = (vatId) => ({ vatId, globals: ['fetch'], network: { allowedHosts: ['allowed.test'] } });

describe('initialize', () => {
  it('answers protocol version 1 without features when the adapter has no teardownVat hook', async () => {
    const a = start();
    const result = await a.initialize();
    assert.deepEqual(result, { name: 'kit-fixture', version: '0.0.0', protocolVersion: '1', globals: ['fetch', 'Headers'], features: [] });
    const answer = await a.call('teardownVat', { vatId: 'v1' });
    assert.equal(answer.error.code, -32601, `teardownVat without the hook: ${JSON.stringify(answer)}`);
  });

  it('answers protocol version 1.1 with the teardownVat feature when the adapter has the hook', async () => {
    const a = start('--teardown');
    const result = await a.initialize();
    assert.equal(result.protocolVersion, '1.1');
    assert.deepEqual(result.features, ['teardownVat']);
  });

  it('refuses another protocol version and a missing proxy with -32602', async () => {
    const a = start();
    let answer = await a.call('initialize', { protocolVersion: '2', network: { proxy: 'http://127.0.0.1:9' } });
    assert.equal(answer.error.code, -32602);
    assert.match(answer.error.message, /protocol version "2"/);
    answer = await a.call('initialize', { protocolVersion: '1', network: {} });
    assert.equal(answer.error.code, -32602);
    assert.match(answer.error.message, /network\.proxy/);
  });

  it('refuses requests before initialize and a second initialize with -32600', async () => {
    const a = start();
    let answer = await a.call('createVat', FETCH_VAT('v1'));
    assert.equal(answer.error.code, -32600);
    assert.match(answer.error.message, /before initialize/);
    await a.initialize();
    answer = await a.call('initialize', { protocolVersion: '1', network: { proxy: 'http://127.0.0.1:9' } });
    assert.equal(answer.error.code, -32600);
  });

  it('answers a line that is not JSON with -32700 and a request without an id with -32600', async () => {
    const a = start();
    a.send('{not json');
    const parse = await a.next((m) => m.error && m.error.code === -32700);
    assert.equal(parse.id, null);
    a.send(JSON.stringify({ jsonrpc: '2.0', method: 'initialize', params: {} }));
    const invalid = await a.next((m) => m.error && m.error.code === -32600);
    assert.equal(invalid.id, null);
  });
});

describe('createVat', () => {
  it('refuses a global the adapter does not offer, an existing vatId and a refused configuration', async () => {
    const a = start();
    await a.initialize();
    let answer = await a.call('createVat', { vatId: 'v1', globals: ['WebSocket'] });
    assert.equal(answer.error.code, -32003);
    assert.match(answer.error.message, /WebSocket/);
    assert.deepEqual((await a.call('createVat', FETCH_VAT('v1'))).result, {});
    answer = await a.call('createVat', FETCH_VAT('v1'));
    assert.equal(answer.error.code, -32001);
    answer = await a.call('createVat', FETCH_VAT('refuse-1'));
    assert.deepEqual(answer.error, { code: -32003, message: 'refused refuse-1' });
  });

  it('holds the vatId while an asynchronous createVat is pending and frees it when it rejects', async () => {
    const a = start();
    await a.initialize();
    const first = a.request('createVat', FETCH_VAT('slow-1'));
    const second = await a.call('createVat', FETCH_VAT('slow-1'));
    assert.equal(second.error.code, -32001, 'a second createVat of a pending vatId');
    assert.deepEqual((await a.answerOf(first)).result, {});
    const failed = await a.call('createVat', FETCH_VAT('slow-fail-1'));
    assert.equal(failed.error.code, -32603);
    assert.match(failed.error.message, /creation failed/);
    await a.stderrMatching(/creation failed/); // an internal error is logged to stderr
    const again = a.request('createVat', FETCH_VAT('slow-fail-1'));
    assert.equal((await a.answerOf(again)).error.code, -32603, 'the id of a rejected vat can be used again');
  });
});

for (const kind of ['in-process', 'remote']) {
  const args = kind === 'remote' ? ['--remote'] : [];

  describe(`${kind} vats`, () => {
    it('evaluate answers the value, nothing for undefined, and {name, message} for what was thrown', async () => {
      const a = start(...args);
      await a.initialize();
      await a.call('createVat', FETCH_VAT('v1'));
      assert.deepEqual((await a.call('evaluate', { vatId: 'v1', source: 'return await Promise.resolve({a: [1, "b"]});' })).result, { value: { a: [1, 'b'] } });
      assert.deepEqual((await a.call('evaluate', { vatId: 'v1', source: 'const x = 1;' })).result, {});
      assert.deepEqual((await a.call('evaluate', { vatId: 'v1', source: 'throw new TypeError("checked");' })).result, {
        error: { name: 'TypeError', message: 'checked' },
      });
      const syntax = await a.call('evaluate', { vatId: 'v1', source: 'return )' });
      assert.equal(syntax.result.error.name, 'SyntaxError');
    });

    it('writes the vat console and notify events before the answer of the program that made them', async () => {
      const a = start(...args);
      await a.initialize();
      await a.call('createVat', FETCH_VAT('v1'));
      const id = a.request('evaluate', { vatId: 'v1', source: 'console.info("hello", {n: 1}); notify("OutboundRequest", {source: "fetch"}); return 7;' });
      const answer = await a.answerOf(id);
      assert.deepEqual(answer.result, { value: 7 });
      const at = a.lines.indexOf(answer);
      const before = a.lines.slice(0, at).filter((m) => m.method === 'log' || m.method === 'notify');
      assert.deepEqual(before, [
        { jsonrpc: '2.0', method: 'log', params: { vatId: 'v1', level: 'info', message: 'hello {"n":1}' } },
        { jsonrpc: '2.0', method: 'notify', params: { vatId: 'v1', method: 'OutboundRequest', params: { source: 'fetch' } } },
      ]);
    });

    it('start answers at once, taskSettled follows, and a task id is used once', async () => {
      const a = start(...args);
      await a.initialize();
      await a.call('createVat', FETCH_VAT('v1'));
      assert.deepEqual((await a.call('start', { vatId: 'v1', taskId: 't1', source: 'return 6 * 7;' })).result, {});
      const settled = await a.next((m) => m.method === 'taskSettled');
      assert.deepEqual(settled.params, { vatId: 'v1', taskId: 't1', status: 'fulfilled', value: 42 });
      assert.equal((await a.call('start', { vatId: 'v1', taskId: 't1', source: 'return 1;' })).error.code, -32004);
      await a.call('start', { vatId: 'v1', taskId: 't2', source: 'throw new RangeError("no");' });
      const rejected = await a.next((m) => m.method === 'taskSettled' && m.params.taskId === 't2');
      assert.deepEqual(rejected.params, { vatId: 'v1', taskId: 't2', status: 'rejected', error: { name: 'RangeError', message: 'no' } });
    });

    it('terminateVat calls the hook, and the vat is then unknown (-32002)', async () => {
      const a = start(...args);
      await a.initialize();
      await a.call('createVat', FETCH_VAT('v1'));
      assert.deepEqual((await a.call('terminateVat', { vatId: 'v1' })).result, {});
      await a.stderrMatching(/terminateVat v1/);
      assert.equal((await a.call('evaluate', { vatId: 'v1', source: 'return 1;' })).error.code, -32002);
      assert.equal((await a.call('evaluate', { vatId: 'nope', source: 'return 1;' })).error.code, -32002);
      assert.deepEqual((await a.call('terminateVat', { vatId: 'v1' })).result, {}, 'a repeated terminateVat is answered too');
    });
  });
}

describe('remote vats only', () => {
  it('a pending evaluate is answered -32002 once terminateVat has torn the vat down, before its answer', async () => {
    const a = start('--remote');
    await a.initialize();
    await a.call('createVat', FETCH_VAT('v1'));
    const pending = a.request('evaluate', { vatId: 'v1', source: 'await hang();' });
    const terminate = a.request('terminateVat', { vatId: 'v1' });
    const terminated = await a.answerOf(terminate);
    const answered = await a.answerOf(pending);
    assert.equal(answered.error.code, -32002);
    assert.ok(a.lines.indexOf(answered) < a.lines.indexOf(terminated), 'the pending evaluate is answered before terminateVat');
  });

  it('a run() that resolves to something other than an outcome is reported as the adapter bug it is', async () => {
    const a = start('--remote');
    await a.initialize();
    await a.call('createVat', FETCH_VAT('bad-1'));
    const answer = await a.call('evaluate', { vatId: 'bad-1', source: 'return 1;' });
    assert.equal(answer.result.error.name, 'Error');
    assert.match(answer.result.error.message, /adapter bug/);
  });
});

describe('teardownVat (protocol 1.1)', () => {
  it('calls the hook and keeps the vat; a terminated vat is refused -32002', async () => {
    const a = start('--teardown');
    await a.initialize();
    await a.call('createVat', FETCH_VAT('v1'));
    assert.deepEqual((await a.call('teardownVat', { vatId: 'v1' })).result, {});
    assert.deepEqual((await a.call('teardownVat', { vatId: 'v1' })).result, {}, 'a second teardownVat');
    await a.stderrMatching(/teardownVat v1[^]*teardownVat v1/);
    assert.deepEqual((await a.call('evaluate', { vatId: 'v1', source: 'return "alive";' })).result, { value: 'alive' });
    await a.call('terminateVat', { vatId: 'v1' });
    assert.equal((await a.call('teardownVat', { vatId: 'v1' })).error.code, -32002);
  });
});

describe('shutdown', () => {
  it('tears every vat down, answers, and exits with status 0', async () => {
    const a = start();
    await a.initialize();
    await a.call('createVat', FETCH_VAT('v1'));
    await a.call('createVat', FETCH_VAT('v2'));
    assert.deepEqual((await a.call('shutdown')).result, {});
    const [code] = await a.exited;
    assert.equal(code, 0);
    await a.stderrMatching(/terminateVat v1/);
    await a.stderrMatching(/terminateVat v2/);
  });

  it('exits with status 0 when stdin closes (the harness went away)', async () => {
    const a = start();
    await a.initialize();
    a.closeStdin();
    const [code] = await a.exited;
    assert.equal(code, 0);
    await a.stderrMatching(/stdin closed/);
  });
});
