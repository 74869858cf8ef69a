// The package's surface: what package.json's exports name exists, what the declarations
// declare is what the modules export (so the types cannot drift from the code), and the
// published files are the ones the exports point at.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

// The names a declaration file exports as values (not types): `export declare const|function|class X`
// and the names in `export { … } from`.
function declaredValues(file) {
  const text = readFileSync(new URL(file, root), 'utf8');
  const names = new Set();
  for (const m of text.matchAll(/^export declare (?:const|function|class) (\w+)/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^export \{([^}]*)\} from/gm)) {
    for (const name of m[1].split(',')) names.add(name.trim());
  }
  return [...names].sort();
}

describe('package surface', () => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === './package.json') continue;
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;

    it(`${specifier}: its declarations (${target.types}) declare exactly what ${target.default} exports`, async () => {
      const mod = await import(specifier);
      assert.deepEqual(declaredValues(target.types), Object.keys(mod).sort());
    });

    it(`${specifier}: ${target.default} and ${target.types} are published`, () => {
      for (const file of [target.default, target.types]) {
        assert.ok(pkg.files.includes(file.replace(/^\.\//, '')), `${file} is missing from package.json's files`);
      }
    });
  }

  it('the versions and codes are the protocol’s', async () => {
    const kit = await import(pkg.name);
    assert.equal(kit.PROTOCOL_VERSION, '1');
    assert.equal(kit.PROTOCOL_VERSION_TEARDOWN, '1.1');
    assert.equal(kit.FEATURE_TEARDOWN_VAT, 'teardownVat');
    assert.deepEqual(Object.values(kit.CODES).sort(), [-32700, -32603, -32602, -32601, -32600, -32004, -32003, -32002, -32001].sort());
  });
});
