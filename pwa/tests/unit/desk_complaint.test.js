// The words of one complaint on the desk (src/desk/complaint_words.js): never a code where a person reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTexts, setLanguage } from '../../src/lib/i18n.js';
import texts from '../../src/desk/texts/complaint.js';
import { attributeRows, editRows, kindLabel, priorityLabel, termText } from '../../src/desk/complaint_words.js';

addTexts(texts);

test('the term reads in words, the same rule as the server (0 is the last day, negative is overdue)', () => {
  setLanguage('es');
  assert.equal(termText({ business_days_left: 3 }), 'Quedan 3 días hábiles');
  assert.equal(termText({ business_days_left: 1 }), 'Quedan 1 día hábil');
  assert.equal(termText({ business_days_left: 0 }), 'Vence hoy');
  assert.equal(termText({ business_days_left: -2 }), 'Vencida: 2 días hábiles de retraso');
  assert.equal(termText({ business_days_left: null }), 'El plazo no corre ahora');
  setLanguage('en');
  assert.equal(termText({ business_days_left: -1 }), 'Overdue: 1 business day late');
  setLanguage('es');
});

test('kinds and priorities are Spanish labels, never codes', () => {
  setLanguage('es');
  assert.equal(kindLabel('report'), 'Denuncia');
  assert.equal(kindLabel('information_request'), 'Solicitud de información');
  assert.deepEqual(['low', 'normal', 'high', 'urgent'].map(priorityLabel), ['Baja', 'Normal', 'Alta', 'Urgente']);
});

test('a stale edit compares each field in words: what was sent beside what is saved', () => {
  setLanguage('es');
  const names = { user: (id) => ({ u1: 'Arturo Gallegos' }[id]), category: (code) => ({ 'obra-calidad': 'Obra de mala calidad' }[code]), work: (id) => `Obra ${id}` };
  const mine = { assignee_id: null, priority: 'low', category: 'obra-calidad', work_id: null, state_label: 'Recibida', version: 1 };
  const saved = { assignee_id: 'u1', priority: 'urgent', category_name: 'Obra de mala calidad', work_id: 'w9', state_label: 'Admitida', version: 3 };
  assert.deepEqual(editRows(mine, saved, names), [
    ['Asignada a', 'Sin asignar', 'Arturo Gallegos'],
    ['Prioridad', 'Baja', 'Urgente'],
    ['Categoría', 'Obra de mala calidad', 'Obra de mala calidad'],
    ['Obra vinculada', 'Sin obra vinculada', 'Obra w9'],
    ['Estado', 'Recibida', 'Admitida'],
    ['Versión', 1, 3],
  ]);
});

test("a category's answers read as its questions and the chosen values' names", () => {
  const categories = [{ service_code: 'obra-calidad', attributes: [{ code: 'elemento', description: '¿Qué parte de la obra?', values: [{ key: 'pavimento', name: 'Pavimento' }, { key: 'banqueta', name: 'Banqueta' }] }] }];
  assert.deepEqual(attributeRows({ category: 'obra-calidad', attributes: { elemento: 'pavimento', otro: 'x' } }, categories),
    [['¿Qué parte de la obra?', 'Pavimento'], ['otro', 'x']]);
  assert.deepEqual(attributeRows({ category: 'obra-calidad', attributes: { elemento: ['pavimento', 'banqueta'] } }, categories),
    [['¿Qué parte de la obra?', 'Pavimento, Banqueta']]);
});
