// The checklist editor's model, without DOM: questions as the editor holds them (each with a stable `_key` for the
// screen and `_auto` while its id still follows its text) to and from the API's definition
// (server/inspections/models.py Question), and the server's problems placed beside the question they name.

export const CHOICE_KINDS = ['single_choice', 'multiple_choice'];
// kinds a condition may test (definition.py _may_equal: photo and point answers are never compared)
export const CONDITION_KINDS = ['yes_no', 'single_choice', 'multiple_choice', 'number', 'text', 'date'];

let counter = 0;
const nextKey = () => `k${++counter}`;

/** "¿Alguien pidió dinero?" -> "alguien-pidio-dinero" (the id pattern: ^[a-z0-9][a-z0-9_-]{0,63}$). */
export function slugify(text, fallback = 'pregunta') {
  const slug = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '');
  return slug || fallback;
}

/** An id not yet used by another question: base, base-2, base-3… */
export function uniqueId(base, items, except) {
  const taken = new Set(items.filter((item) => item._key !== except).map((item) => item.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function fromServer(questions) {
  return questions.map((q) => ({
    _key: nextKey(), _auto: false,
    id: q.id, text: q.text || '', text_en: q.text_en || '', help: q.help || '', help_en: q.help_en || '',
    kind: q.kind, required: Boolean(q.required),
    options: (q.options || []).map((o) => ({ _key: nextKey(), _auto: false, key: o.key, label: o.label, label_en: o.label_en || '' })),
    min: q.min ?? '', max: q.max ?? '',
    show_if: q.show_if ? { question: q.show_if.question, equals: q.show_if.equals } : null,
  }));
}

export function blankQuestion(items, text) {
  const id = uniqueId(slugify(text), items);
  return { _key: nextKey(), _auto: true, id, text, text_en: '', help: '', help_en: '', kind: 'yes_no', required: false,
    options: [], min: '', max: '', show_if: null };
}

export function blankOption(question) {
  const n = question.options.length + 1;
  return { _key: nextKey(), _auto: true, key: `opcion-${n}`, label: '', label_en: '' };
}

const number = (value) => (value === '' || value === null || value === undefined ? undefined : Number(value));
const text = (value) => (value && value.trim() ? value.trim() : undefined);

/** The definition the API takes: no editor fields, nothing empty, options only on choices, range only on numbers. */
export function toServer(items) {
  return items.map((item) => {
    const q = { id: item.id, text: item.text.trim(), kind: item.kind, required: item.required };
    if (text(item.text_en)) q.text_en = text(item.text_en);
    if (text(item.help)) q.help = text(item.help);
    if (text(item.help_en)) q.help_en = text(item.help_en);
    if (CHOICE_KINDS.includes(item.kind)) {
      q.options = item.options.map((o) => {
        const option = { key: o.key, label: o.label.trim() };
        if (text(o.label_en)) option.label_en = text(o.label_en);
        return option;
      });
    }
    if (item.kind === 'number') {
      if (number(item.min) !== undefined) q.min = number(item.min);
      if (number(item.max) !== undefined) q.max = number(item.max);
    }
    if (item.show_if && item.show_if.question) q.show_if = { question: item.show_if.question, equals: item.show_if.equals };
    return q;
  });
}

/** The earlier questions a condition on items[index] may test. */
export function conditionTargets(items, index) {
  return items.slice(0, index).filter((item) => CONDITION_KINDS.includes(item.kind));
}

/** The value a condition starts with for a target question (the first thing it can be). */
export function defaultValue(target) {
  if (!target) return true;
  if (target.kind === 'yes_no') return true;
  if (CHOICE_KINDS.includes(target.kind)) return target.options[0] ? target.options[0].key : '';
  if (target.kind === 'number') return 0;
  return '';
}

/** Change a question's id and every condition that pointed to the old one. */
export function renameQuestion(items, key, id) {
  const old = items.find((item) => item._key === key).id;
  return items.map((item) => {
    if (item._key === key) return { ...item, id, _auto: false };
    if (item.show_if && item.show_if.question === old) return { ...item, show_if: { ...item.show_if, question: id } };
    return item;
  });
}

/**
 * The server's problems (422 details: field "questions[3].options" from the definition check, or
 * "questions.3.text" from the schema) by the `_key` of the question they name; the rest under `general`.
 */
export function problemsByQuestion(details, items) {
  const out = { general: [] };
  for (const detail of details || []) {
    const found = /^questions(?:\[(\d+)\]|\.(\d+))/.exec(detail.field || '');
    const item = found ? items[Number(found[1] ?? found[2])] : null;
    if (item) (out[item._key] = out[item._key] || []).push(detail.message);
    else out.general.push(detail.message);
  }
  return out;
}
