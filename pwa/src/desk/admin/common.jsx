// Pieces the administrator's sections share: the codes the API speaks, each with its words (texts/admin.js), and a
// status line for what just happened. Codes never reach the screen.
import { t } from '../../lib/i18n.js';

export const ROLES = ['volunteer', 'committee_member', 'committee_coordinator', 'observatory_member',
  'citizen_comptroller', 'comptroller', 'student_auditor', 'audit_reviewer', 'admin'];
export const KINDS = ['complaint', 'report', 'information_request', 'suggestion'];
export const STATES = ['received', 'needs_clarification', 'admitted', 'under_investigation', 'extended', 'resolved',
  'inadmissible', 'referred', 'closed', 'reopened', 'withdrawn'];
export const QUESTION_KINDS = ['yes_no', 'single_choice', 'multiple_choice', 'number', 'text', 'date', 'photo', 'point'];

export const roleLabel = (role) => t('admin_role_' + role);
export const kindLabel = (kind) => t('admin_kind_' + kind);
export const stateLabel = (state) => t('admin_state_' + state);
export const questionKindLabel = (kind) => t('admin_qkind_' + kind);

/** "Contraloría municipal, Administración municipal" in the order of ROLES. */
export function rolesInWords(roles) {
  return ROLES.filter((role) => roles.includes(role)).map(roleLabel).join(', ') || t('admin_none');
}

/** What the last action did, read out by screen readers (role=status). */
export function Notice({ text }) {
  return <p class="notice" role="status">{text || ''}</p>;
}

/** A day (YYYY-MM-DD) written out in the reader's language: "lunes, 12 de octubre de 2026". */
export function longDay(day, lang) {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en' : 'es-MX', { dateStyle: 'full', timeZone: 'UTC' })
    .format(new Date(day + 'T00:00:00Z'));
}

/** "keywords, separated" -> ['keywords', 'separated'] */
export function splitList(text) {
  return text.split(',').map((part) => part.trim()).filter(Boolean);
}
