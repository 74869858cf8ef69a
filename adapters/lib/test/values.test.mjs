// values.mjs: the {name, message} of thrown values and the text of console arguments.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorShape, formatArg, formatConsoleArgs } from '@conform-suite/adapter-kit/values';

describe('errorShape', () => {
  it('copies an error’s name and message', () => {
    assert.deepEqual(errorShape(new TypeError('bad')), { name: 'TypeError', message: 'bad' });
    assert.deepEqual(errorShape({ name: 'AbortError' }), { name: 'AbortError', message: '' });
  });

  it('reports a thrown non-error as an Error with its text', () => {
    assert.deepEqual(errorShape('oops'), { name: 'Error', message: 'oops' });
    assert.deepEqual(errorShape(42), { name: 'Error', message: '42' });
    assert.deepEqual(errorShape(undefined), { name: 'Error', message: 'undefined' });
  });

  it('never throws, whatever the value does', () => {
    const hostile = { get name() { throw new Error('getter'); } };
    assert.deepEqual(errorShape(hostile).name, 'Error');
    const unprintable = Object.create(null);
    assert.deepEqual(errorShape(unprintable), { name: 'Error', message: '[a thrown value that cannot be converted to a string]' });
  });
});

describe('formatArg and formatConsoleArgs', () => {
  it('writes strings verbatim, plain objects and arrays as JSON, anything else as String(v)', () => {
    assert.equal(formatArg('text', JSON.stringify), 'text');
    assert.equal(formatArg({ a: [1] }, JSON.stringify), '{"a":[1]}');
    assert.equal(formatArg([1, 'x'], JSON.stringify), '[1,"x"]');
    assert.equal(formatArg(new Map(), JSON.stringify), '[object Map]');
    assert.equal(formatArg(null, JSON.stringify), 'null');
    assert.equal(formatConsoleArgs(['n', 1, { k: true }], JSON.stringify), 'n 1 {"k":true}');
  });

  it('falls back, then to [unprintable], when a value cannot be written', () => {
    const cyclic = {};
    cyclic.self = cyclic;
    assert.equal(formatArg(cyclic, JSON.stringify, () => 'inspected'), 'inspected');
    const unprintable = { [Symbol.toStringTag]: 'Thing', toString() { throw new Error('no text'); } };
    assert.equal(formatArg(unprintable, JSON.stringify), '[unprintable]');
    assert.equal(formatArg(cyclic, JSON.stringify, () => { throw new Error('no'); }), '[unprintable]');
  });
});
