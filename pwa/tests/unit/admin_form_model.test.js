// The checklist editor's model (src/desk/admin/form_model.js): to and from the API's definition, ids made from the
// text, conditions following a renamed question, and the server's problems placed beside their question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blankQuestion, conditionTargets, fromServer, problemsByQuestion, renameQuestion, slugify, toServer, uniqueId,
} from '../../src/desk/admin/form_model.js';

const SEED = [
  { id: 'pidieron_dinero', text: '¿Alguien pidió dinero?', kind: 'yes_no', required: true },
  { id: 'quien_cuando', text: '¿Quién y cuándo?', kind: 'text', required: true, help: 'Nombre y fecha',
    show_if: { question: 'pidieron_dinero', equals: true } },
  { id: 'tipo', text: 'Tipo', kind: 'single_choice', options: [{ key: 'a', label: 'A', label_en: 'A (en)' }] },
  { id: 'cuantos', text: '¿Cuántos?', kind: 'number', min: 0, max: 50 },
  { id: 'foto', text: 'Foto', kind: 'photo' },
];

test('a definition read and written back is the same definition', () => {
  assert.deepEqual(toServer(fromServer(SEED)), SEED.map((q) => ({ required: false, ...q })));
});

test('empty texts are left out, options only on choices, a range only on numbers', () => {
  const items = fromServer(SEED);
  items[0] = { ...items[0], text_en: '  ', help: '' };
  items[2] = { ...items[2], kind: 'yes_no' };
  items[3] = { ...items[3], kind: 'text' };
  const out = toServer(items);
  assert.equal('text_en' in out[0], false);
  assert.equal('options' in out[2], false);
  assert.equal('min' in out[3] || 'max' in out[3], false);
});

test('ids come from the text, unique in the checklist', () => {
  assert.equal(slugify('¿Alguien pidió dinero o votos?'), 'alguien-pidio-dinero-o-votos');
  assert.equal(slugify('¿?'), 'pregunta');
  const items = fromServer(SEED);
  assert.equal(uniqueId('tipo', items), 'tipo-2');
  assert.match(blankQuestion(items, 'Tipo').id, /^tipo-2$/);
});

test('renaming a question keeps the conditions that point to it', () => {
  const all = fromServer(SEED);
  const after = renameQuestion(all, all[0]._key, 'dinero');
  assert.equal(after[0].id, 'dinero');
  assert.deepEqual(after[1].show_if, { question: 'dinero', equals: true });
  assert.equal(after[0]._auto, false);
});

test('a condition may test only earlier questions it can compare', () => {
  const items = fromServer(SEED);
  assert.deepEqual(conditionTargets(items, 0), []);
  assert.deepEqual(conditionTargets(items, 5).map((q) => q.id), ['pidieron_dinero', 'quien_cuando', 'tipo', 'cuantos']);
});

test('the server\'s problems go beside the question they name', () => {
  const items = fromServer(SEED);
  const found = problemsByQuestion([
    { field: 'questions[2].options', message: 'La pregunta «tipo» no tiene opciones.' },
    { field: 'questions.1.text', message: 'Escriba la pregunta.' },
    { field: null, message: 'Otro problema' },
  ], items);
  assert.deepEqual(found[items[2]._key], ['La pregunta «tipo» no tiene opciones.']);
  assert.deepEqual(found[items[1]._key], ['Escriba la pregunta.']);
  assert.deepEqual(found.general, ['Otro problema']);
});
