// The words of one complaint on the desk, with no DOM: the term, the kind and priority, the category's answers,
// and the rows of a stale-edit comparison. Kept apart from complaint.jsx so Node tests them
// (pwa/tests/unit/desk_complaint.test.js).
import { t } from '../lib/i18n.js';

export const kindLabel = (kind) => t('complaint_kind_' + kind);
export const priorityLabel = (priority) => (priority ? t('complaint_priority_' + priority) : null);

/** The term in words: days left, due today, overdue by n, or paused. */
export function termText(complaint) {
  const left = complaint.business_days_left;
  if (left === null || left === undefined) return t('complaint_term_paused');
  if (left < 0) return t('complaint_overdue', { n: -left });
  if (left === 0) return t('complaint_due_today');
  return t('complaint_days_left', { n: left });
}

/** Rows for StaleComparison after a refused edit: what the person sent beside what is saved now, in words. */
export function editRows(mine, saved, names) {
  const person = (id) => (id ? names.user(id) : t('complaint_unassigned'));
  const work = (id) => (id ? names.work(id) : t('complaint_work_none'));
  return [
    [t('complaint_assignee'), person(mine.assignee_id), person(saved.assignee_id)],
    [t('complaint_priority'), priorityLabel(mine.priority), priorityLabel(saved.priority)],
    [t('complaint_category'), names.category(mine.category), saved.category_name],
    [t('complaint_work'), work(mine.work_id), work(saved.work_id)],
    [t('complaint_state'), mine.state_label, saved.state_label],
    [t('complaint_version'), mine.version, saved.version],
  ];
}

/** The category's extra answers in words: its question and the chosen value's name (Open311 attributes). */
export function attributeRows(complaint, categories) {
  const category = categories.find((cat) => cat.service_code === complaint.category);
  const definitions = (category && category.attributes) || [];
  return Object.entries(complaint.attributes || {}).map(([code, value]) => {
    const definition = definitions.find((d) => d.code === code);
    const named = (one) => ((definition && (definition.values || []).find((v) => v.key === one)) || {}).name || String(one);
    return [definition ? definition.description : code, Array.isArray(value) ? value.map(named).join(', ') : named(value)];
  });
}

