// The desk's texts: each screen's file under src/desk/texts/ has both languages with the same keys and
// placeholders, and no key is used by two files (addTexts would refuse it when both screens load).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), '../../src/desk/texts');
const names = (text) => [...new Set([...text.matchAll(/\{(\w+)/g)].map((m) => m[1]))].sort().join(); // a plural form repeats its name

test('every desk text file has Spanish and English with the same keys and placeholders', async () => {
  const seen = new Map();
  const { default: field } = await import('../../src/lib/texts/es.js');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.js')).sort()) {
    const { default: texts } = await import(join(folder, file));
    assert.deepEqual(Object.keys(texts.es).sort(), Object.keys(texts.en).sort(), file);
    for (const key of Object.keys(texts.es)) {
      assert.equal(names(texts.en[key]), names(texts.es[key]), `${file}: ${key}`);
      assert.ok(texts.es[key].trim(), `${file}: ${key} is empty`);
      assert.ok(!seen.has(key), `${key} is in ${file} and ${seen.get(key)}`);
      assert.ok(!(key in field), `${key} is in ${file} and in the field app's texts`);
      seen.set(key, file);
    }
  }
  assert.ok(seen.size > 0);
});
