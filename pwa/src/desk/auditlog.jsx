// Audit log (/mesa/bitacora): the municipality's hash-chained log, newest first, filtered by record, action and
// day, each entry said in words; "Verificar la cadena" recomputes it on the server (GET …/audit/verify) and says
// whether it is intact, or names the first broken entry. docs/audit-log.md.
import { useState } from 'preact/hooks';
import { addTexts, formatDate, t } from '../lib/i18n.js';
import { ErrorBox, Loading, useLoad } from './ui.jsx';
import texts from './texts/auditlog.js';

addTexts(texts);

const PAGE = 50;
const ENTITIES = ['complaint', 'photo', 'complaint_configuration', 'work', 'committee', 'visit', 'meeting', 'training',
  'form_version', 'accreditation', 'ruling', 'notebook'];
const ACTIONS = ['created', 'edited', 'transitioned', 'assigned', 'note_added', 'merged', 'moderated', 'redacted',
  'photo_redacted', 'published', 'withheld', 'publication_rule_set', 'information_added', 'supported', 'meeting_recorded',
  'member_replaced', 'updated', 'imported'];

/** A code in words when the texts know it, else the code with its underscores as spaces. */
export function words(prefix, code) {
  if (!code) return '';
  const key = `${prefix}${code}`;
  const text = t(key);
  return text === key ? code.replace(/_/g, ' ') : text;
}

/** What an entry's data says, in words: the folio, the states moved between, the decision, the counts. */
export function details(entry) {
  const d = entry.data || {};
  const parts = [];
  if (d.from && d.to) parts.push(t('auditlog_moved', { from: words('auditlog_state_', d.from), to: words('auditlog_state_', d.to) }));
  else if (d.to) parts.push(t('auditlog_to', { to: words('auditlog_state_', d.to) }));
  if (d.text) parts.push(t('auditlog_text_decision', { decision: words('auditlog_decision_', d.text) }));
  if (d.decision) parts.push(t('auditlog_decision', { decision: words('auditlog_decision_', d.decision) }));
  if (Array.isArray(d.photos)) parts.push(t('auditlog_photos_decided', { n: d.photos.length }));
  if (typeof d.boxes === 'number') parts.push(t('auditlog_boxes', { n: d.boxes }));
  if (d.publication) parts.push(words('auditlog_decision_', d.publication));
  if (d.priority) parts.push(t('auditlog_priority', { priority: words('auditlog_priority_', d.priority) }));
  if ('assignee_id' in d) parts.push(d.assignee_id ? t('auditlog_assigned') : t('auditlog_unassigned'));
  if (d.reason_hmac || d.reason_sha256) parts.push(t('auditlog_reason_committed'));
  if (d.private_note_sha256 || d.note_hmac) parts.push(t('auditlog_note_committed'));
  if (typeof d.reason === 'string') parts.push(t('auditlog_reason', { reason: d.reason }));
  return parts.join(' · ');
}

function Verify({ desk }) {
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    setBusy(true); setError(null); setResult(null);
    try { setResult(await desk.muniApi('GET', '/audit/verify')); } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  const broken = result && result.first_broken;
  return (
    <section class="verify" aria-labelledby="verify-title">
      <h2 id="verify-title">{t('auditlog_verify_title')}</h2>
      <p>{t('auditlog_verify_intro')}</p>
      <button type="button" class="primary" onClick={run} disabled={busy}>{t('auditlog_verify')}</button>
      <div role="status" aria-live="polite">
        {busy && <p class="muted">{t('auditlog_verifying')}</p>}
        {result && result.ok && (
          <div class="verify-ok">
            <p><strong>{t('auditlog_intact', { n: result.checked })}</strong></p>
            <p class="muted">{t('auditlog_head', { seq: result.head.seq })} <code class="hash">{result.head.hash}</code></p>
          </div>
        )}
        {broken && (
          <div class="verify-broken">
            <p><strong>{t('auditlog_broken', { seq: broken.seq })}</strong></p>
            <dl>
              <dt>{t('auditlog_broken_position')}</dt><dd>{t('auditlog_broken_entry', { seq: broken.seq })}</dd>
              <dt>{t('auditlog_broken_when')}</dt><dd>{broken.at ? formatDate(broken.at) : t('auditlog_broken_no_date')}</dd>
              {broken.entity && <><dt>{t('auditlog_broken_about')}</dt><dd>{words('auditlog_entity_', broken.entity)} · {words('auditlog_action_', broken.action)}</dd></>}
              <dt>{t('auditlog_broken_what')}</dt><dd>{words('auditlog_reason_', broken.reason)}. {broken.message}</dd>
            </dl>
            <p>{t('auditlog_broken_after', { checked: result.checked })}</p>
          </div>
        )}
      </div>
      <ErrorBox error={error} />
    </section>
  );
}

export default function AuditLog({ desk }) {
  const [form, setForm] = useState({ entity: '', action: '', entity_id: '', since: '', until: '' });
  const [filters, setFilters] = useState({});
  const [pages, setPages] = useState([]); // the before_seq of each page opened after the first
  const before = pages[pages.length - 1];
  const { data, error, loading, reload } = useLoad(
    () => desk.muniApi('GET', '/audit/entries', { query: { order: 'desc', limit: PAGE, before_seq: before, ...filters } }),
    [desk.muni, before, JSON.stringify(filters)]);
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const apply = (event) => {
    event.preventDefault();
    const chosen = {};
    for (const [key, value] of Object.entries(form)) if (value.trim()) chosen[key] = value.trim();
    if (chosen.entity_id && !chosen.entity) chosen.entity = 'complaint';
    setPages([]); setFilters(chosen);
  };
  return (
    <section class="auditlog">
      <h1 tabIndex={-1}>{t('auditlog_title')}</h1>
      <p>{t('auditlog_intro')}</p>
      <Verify desk={desk} />
      <h2>{t('auditlog_entries')}</h2>
      <form class="toolbar" onSubmit={apply} aria-label={t('auditlog_filters')}>
        <label for="audit-entity">{t('auditlog_filter_entity')}</label>
          <select id="audit-entity" value={form.entity} onChange={set('entity')}>
            <option value="">{t('auditlog_any')}</option>
            {ENTITIES.map((code) => <option value={code}>{words('auditlog_entity_', code)}</option>)}
          </select>
        <label for="audit-action">{t('auditlog_filter_action')}</label>
          <select id="audit-action" value={form.action} onChange={set('action')}>
            <option value="">{t('auditlog_any')}</option>
            {ACTIONS.map((code) => <option value={code}>{words('auditlog_action_', code)}</option>)}
          </select>
        <label>{t('auditlog_filter_record')}
          <input type="text" value={form.entity_id} onInput={set('entity_id')} size={20} placeholder="UUID" />
        </label>
        <label>{t('auditlog_filter_since')} <input type="date" value={form.since} onInput={set('since')} /></label>
        <label>{t('auditlog_filter_until')} <input type="date" value={form.until} onInput={set('until')} /></label>
        <button type="submit">{t('auditlog_apply')}</button>
      </form>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? <Loading /> : data && (
        <>
          <p class="muted">{t('auditlog_chain_head', { seq: data.head.seq })}</p>
          {data.items.length === 0 ? <p>{t('auditlog_none')}</p> : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('auditlog_table')}>
              <table>
                <caption class="visually-hidden">{t('auditlog_table')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('auditlog_col_seq')}</th><th scope="col">{t('auditlog_col_when')}</th>
                    <th scope="col">{t('auditlog_col_record')}</th><th scope="col">{t('auditlog_col_action')}</th>
                    <th scope="col">{t('auditlog_col_who')}</th><th scope="col">{t('auditlog_col_details')}</th>
                    <th scope="col">{t('auditlog_col_hash')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((entry) => (
                    <tr>
                      <td class="num">{entry.seq}</td>
                      <td>{formatDate(entry.at)}</td>
                      <td>{words('auditlog_entity_', entry.entity)}{entry.data && entry.data.folio ? ` ${entry.data.folio}` : ''}</td>
                      <td>{words('auditlog_action_', entry.action)}</td>
                      <td>{words('auditlog_actor_', entry.actor_kind)}</td>
                      <td>{details(entry)}</td>
                      <td><code class="hash" title={entry.hash}>{entry.hash.slice(0, 12)}…</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="toolbar">
            <button type="button" disabled={!pages.length} onClick={() => setPages(pages.slice(0, -1))}>{t('auditlog_newer')}</button>
            <button type="button" disabled={!data.next_before_seq} onClick={() => setPages([...pages, data.next_before_seq])}>{t('auditlog_older')}</button>
          </div>
        </>
      )}
    </section>
  );
}
