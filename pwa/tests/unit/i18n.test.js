// The app's texts: placeholders and plurals ({n:apoyo|apoyos}), in each language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage, t } from '../../src/lib/i18n.js';

test('a plural agrees with its number, in Spanish and English', () => {
  setLanguage('es');
  assert.equal(t('supports', { n: 1 }), '1 apoyo');
  assert.equal(t('supports', { n: 0 }), '0 apoyos');
  assert.equal(t('work_committee_members', { n: 12 }), '12 integrantes');
  assert.equal(t('signout_unsent', { n: 1 }),
    'Hay 1 envío pendiente de esta cuenta que se perderá. ¿Salir de todos modos?');
  setLanguage('en');
  assert.equal(t('map_count', { n: 1 }), '1 work on the map. Tap one to see its card.');
  assert.equal(t('signout_unsent', { n: 3 }), '3 items of this account are unsent and will be lost. Sign out anyway?');
  setLanguage('es');
});

test('every key has both languages and the same placeholders', async () => {
  const { default: es } = await import('../../src/lib/texts/es.js');
  const { default: en } = await import('../../src/lib/texts/en.js');
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  const names = (text) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort().join();
  for (const key of Object.keys(es)) assert.equal(names(en[key]), names(es[key]), key);
});
