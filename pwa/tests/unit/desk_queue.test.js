// The queue's logic (src/desk/queue_model.js): filters to and from the URL, the API query, deadline badges,
// shortcuts that never fire while typing, and the moves a selection allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiQuery, dueBadge, movesFor, readFilters, shortcut, toggleState, writeSearch } from '../../src/desk/queue_model.js';

test('filters survive the URL both ways, defaults left out', () => {
  const filters = readFilters('?q=banqueta&state=received&state=admitted&assignee=me&order=due&unknown=1');
  assert.deepEqual(filters.state, ['received', 'admitted']);
  assert.equal(filters.q, 'banqueta');
  assert.equal(writeSearch(filters), '?q=banqueta&state=received&state=admitted&assignee=me');
  assert.deepEqual(readFilters(writeSearch(filters)), filters);
  assert.equal(writeSearch(readFilters('')), '');
  assert.equal(writeSearch({ ...readFilters(''), q: 'crédito 100%' }), '?q=cr%C3%A9dito+100%25');
});

test('the API query: only what is chosen; a next page carries the cursor and no counts', () => {
  const filters = readFilters('?zone=10005-Z01&anonymous=true');
  assert.deepEqual(apiQuery(filters), { limit: 50, zone: ['10005-Z01'], anonymous: 'true' });
  assert.deepEqual(apiQuery(filters, { cursor: 'abc' }), { limit: 50, zone: ['10005-Z01'], anonymous: 'true', cursor: 'abc', counts: 'false' });
});

test('a state chip chooses only that state, and again goes back to the default view', () => {
  const none = readFilters('');
  assert.deepEqual(toggleState(none, 'closed').state, ['closed']);
  assert.deepEqual(toggleState(toggleState(none, 'closed'), 'closed').state, []);
});

test('deadline badges: overdue by N, due soon, paused', () => {
  assert.deepEqual(dueBadge({ business_days_left: -3, overdue: true }), { tone: 'overdue', days: 3 });
  assert.deepEqual(dueBadge({ business_days_left: 0, overdue: false }), { tone: 'soon', days: 0 });
  assert.deepEqual(dueBadge({ business_days_left: 4, overdue: false }), { tone: 'soon', days: 4 });
  assert.deepEqual(dueBadge({ business_days_left: 12, overdue: false }), { tone: 'ok', days: 12 });
  assert.equal(dueBadge({ business_days_left: null, overdue: false }), null);
});

test('shortcuts never fire while typing, with a modifier, or in an open dialog', () => {
  const on = (tagName, extra = {}) => ({ tagName, closest: () => null, ...extra });
  assert.equal(shortcut({ key: 'j', target: on('BODY') }), 'next');
  assert.equal(shortcut({ key: 'x', target: on('A') }), 'select');
  assert.equal(shortcut({ key: 'x', target: on('INPUT', { type: 'checkbox' }) }), 'select');
  assert.equal(shortcut({ key: 'j', target: on('INPUT', { type: 'search' }) }), null);
  assert.equal(shortcut({ key: '/', target: on('TEXTAREA') }), null);
  assert.equal(shortcut({ key: 'k', target: on('SELECT') }), null);
  assert.equal(shortcut({ key: 'j', target: on('DIV', { isContentEditable: true }) }), null);
  assert.equal(shortcut({ key: 'j', ctrlKey: true, target: on('BODY') }), null);
  assert.equal(shortcut({ key: 'm', target: on('BUTTON', { closest: () => ({}) }) }), null);
  assert.equal(shortcut({ key: 'q', target: on('BODY') }), null);
});

test('the moves a selection allows, with how many of it can make each', () => {
  const vocabulary = { moves: [
    { code: 'admit', from_states: ['received', 'needs_clarification'] },
    { code: 'close', from_states: ['resolved', 'inadmissible', 'referred'] },
  ] };
  const moves = movesFor(vocabulary, [{ state: 'received' }, { state: 'resolved' }, { state: 'received' }]);
  assert.deepEqual(moves.map((m) => [m.code, m.can]), [['admit', 2], ['close', 1]]);
});
