// The auditors' workspace's model (src/audit/model.js): the pulled assignment with the phone's outbox laid over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { view, baseVersion, stable, missingAnswers } from '../../src/audit/model.js';

const TEXT = 'urn:uuid:0000000a-0000-4000-8000-000000000001';
const w3c = (id, start, end, exact, label, version = 1, textId = TEXT, anchorState = 'anchored') => ({
  id: `urn:uuid:${id}`, type: 'Annotation',
  body: [{ type: 'SpecificResource', purpose: 'classifying', source: `urn:uuid:v#${label}` }],
  target: { source: textId, selector: [{ type: 'TextQuoteSelector', exact }, { type: 'TextPositionSelector', start, end }] },
  vigia: { label, attributes: {}, version, anchorState },
});
const data = {
  assignment: { id: 'as1', state: 'assigned', version: 1 },
  text: { id: TEXT.slice(9), text: 'x'.repeat(100) },
  scheme: { definition: { labels: [], questions: [{ code: 'outcome', required: true, text: { es: '¿Sentido?' } }] } },
  annotations: [w3c('a1', 0, 5, 'xxxxx', 'l1', 2), w3c('a2', 10, 15, 'xxxxx', 'l2', 1, 'urn:uuid:old', 'orphaned')],
  answers: {},
};
const item = (seq, intent, payload, state = 'waiting', updated_at = '2026-12-07T10:00:00Z') => ({ seq, intent, payload, state, updated_at });

test('waiting saves, deletions and answers show at once; rejected ones are listed, never applied', () => {
  const outbox = [
    item(1, 'annotation.save', { assignment_id: 'as1', id: 'a3', start: 20, end: 25, exact: 'xxxxx', label: 'l1' }),
    item(2, 'annotation.save', { assignment_id: 'as1', id: 'a1', start: 0, end: 6, exact: 'xxxxxx', label: 'l1' }),
    item(3, 'annotation.delete', { annotation_id: 'a3' }),
    item(4, 'assignment.answers', { assignment_id: 'as1', answers: { outcome: 'upheld' } }),
    item(5, 'annotation.save', { assignment_id: 'as1', id: 'a9', start: 30, end: 31, exact: 'x', label: 'l1' }, 'rejected'),
    item(6, 'annotation.save', { assignment_id: 'other', id: 'z', start: 0, end: 1, exact: 'x', label: 'l1' }),
  ];
  const v = view(data, outbox, null);
  assert.deepEqual(v.annotations.map((a) => [a.id, a.end]), [['a1', 6]]);
  assert.deepEqual(v.orphans.map((a) => a.id), ['a2']);
  assert.equal(v.answers.outcome, 'upheld');
  assert.equal(v.state, 'in_progress');
  assert.deepEqual(v.rejected.map((r) => r.seq), [5]);
  assert.equal(baseVersion(v.annotations[0]), 3); // pulled version 2, one save of it waiting
  assert.deepEqual(missingAnswers(data.scheme, v.answers), []);
  assert.deepEqual(missingAnswers(data.scheme, {}), ['¿Sentido?']);
});

test('a sent mutation stays laid over until a sync run finished after it; a new annotation has no base version', () => {
  const sent = [item(1, 'annotation.save', { assignment_id: 'as1', id: 'a4', start: 40, end: 45, exact: 'xxxxx', label: 'l1' }, 'sent', '2026-12-07T10:00:05Z')];
  assert.equal(view(data, sent, { ok: true, at: '2026-12-07T10:00:01Z' }).annotations.length, 2);
  assert.equal(view(data, sent, { ok: true, at: '2026-12-07T10:00:09Z' }).annotations.length, 1);
  assert.equal(view(data, sent, { ok: false, at: '2026-12-07T10:00:09Z' }).annotations.length, 2);
  const waiting = view(data, [{ ...sent[0], state: 'waiting' }]);
  assert.equal(baseVersion(waiting.annotations.find((a) => a.id === 'a4')), 1);
  assert.equal(baseVersion(undefined), undefined);
  const finished = view(data, [item(9, 'assignment.finish', { assignment_id: 'as1' })]);
  assert.equal(finished.state, 'done');
  assert.equal(finished.finishedHere, true);
});

test('unchanged annotations keep their objects', () => {
  const a = view(data).annotations;
  const b = view(data).annotations;
  assert.notEqual(a[0], b[0]);
  assert.equal(stable(a, b), a);
  const c = view(data, [item(1, 'annotation.save', { assignment_id: 'as1', id: 'a1', start: 0, end: 5, exact: 'xxxxx', label: 'l2' })]).annotations;
  assert.notEqual(stable(a, c)[0], a[0]);
});
