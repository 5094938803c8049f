// The queue's logic without a DOM (tested in Node: tests/unit/desk_queue.test.js): filters read from and written to
// the URL (a view can be bookmarked and shared), the API query they make, the deadline badge of a row, and which
// keyboard shortcut a key press is (never while the person types in a field).

export const LISTS = ['state', 'kind', 'category', 'zone'];
export const SINGLE = ['q', 'work_id', 'assignee', 'anonymous', 'include_closed', 'order'];
const DEFAULTS = { order: 'due' };

/** '?state=received&q=banqueta' -> {state: ['received'], q: 'banqueta', ...} (unknown parameters are ignored). */
export function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const key of LISTS) filters[key] = params.getAll(key).filter(Boolean);
  for (const key of SINGLE) filters[key] = params.get(key) === DEFAULTS[key] ? '' : params.get(key) || '';
  return filters;
}

/** The filters as the URL's query ('' when none): default values are left out, so the plain queue is /mesa/quejas. */
export function writeSearch(filters) {
  const params = new URLSearchParams();
  for (const key of [...SINGLE.slice(0, 1), ...LISTS, ...SINGLE.slice(1)]) {
    const value = filters[key];
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === undefined || one === null || one === '' || one === false || DEFAULTS[key] === one) continue;
      params.append(key, String(one));
    }
  }
  const text = params.toString();
  return text ? '?' + text : '';
}

/** The filters from a <form>'s FormData (multi-selects give every chosen value). */
export function fromForm(data) {
  const filters = {};
  for (const key of LISTS) filters[key] = data.getAll(key).map(String).filter(Boolean);
  for (const key of SINGLE) filters[key] = String(data.get(key) || '').trim();
  if (filters.include_closed === 'on') filters.include_closed = 'true';
  return filters;
}

/** The API's query for these filters (a page: `cursor`, `counts`). */
export function apiQuery(filters, { cursor, limit = 50 } = {}) {
  const query = { limit };
  for (const key of [...LISTS, ...SINGLE]) {
    const value = filters[key];
    if (Array.isArray(value) ? value.length : value) query[key] = value;
  }
  if (query.q && query.q.length < 1) delete query.q;
  if (cursor) { query.cursor = cursor; query.counts = 'false'; }
  return query;
}

/** Choosing a state's chip: only that state, or back to the default view when it was the one chosen. */
export function toggleState(filters, code) {
  const only = filters.state.length === 1 && filters.state[0] === code;
  return { ...filters, state: only ? [] : [code] };
}

export const SOON_DAYS = 5; // business days: "vence en N días" shows from here down

/**
 * The deadline of a row, for its badge: null while the term does not run (waiting for the reporter, or answered);
 * {tone: 'overdue', days} days late; {tone: 'soon', days} due within SOON_DAYS (0: today); {tone: 'ok', days}.
 */
export function dueBadge(item) {
  const left = item.business_days_left;
  if (left === null || left === undefined) return null;
  if (item.overdue || left < 0) return { tone: 'overdue', days: Math.abs(left) };
  if (left <= SOON_DAYS) return { tone: 'soon', days: left };
  return { tone: 'ok', days: left };
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

/** Whether a key press happens while the person types (a field, an editable area, a select) or in a dialog. */
export function whileTyping(event) {
  const target = event.target || {};
  if (target.tagName === 'INPUT' && NOT_TYPED.has(String(target.type).toLowerCase())) return Boolean(target.closest && target.closest('dialog[open]'));
  if (TYPING.has(target.tagName) || target.isContentEditable) return true;
  return Boolean(target.closest && target.closest('dialog[open]'));
}

export const SHORTCUTS = [
  ['j', 'next'], ['k', 'previous'], ['Enter', 'open'], ['o', 'open'], ['x', 'select'], ['/', 'search'],
  ['m', 'move'], ['a', 'assign'], ['Escape', 'clear'], ['?', 'help'],
];
const BY_KEY = new Map(SHORTCUTS);

/** The shortcut a key press is, or null: never while typing, never with Ctrl, Alt or Meta held. */
export function shortcut(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return null;
  if (whileTyping(event)) return null;
  return BY_KEY.get(event.key) || null;
}

/** The moves the chosen rows can make: those allowed from at least one of their states, with how many can. */
export function movesFor(vocabulary, rows) {
  if (!vocabulary) return [];
  return vocabulary.moves
    .map((move) => ({ ...move, can: rows.filter((row) => move.from_states.includes(row.state)).length }))
    .filter((move) => move.can > 0);
}
