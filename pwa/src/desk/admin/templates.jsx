// Plantillas: ready public answers per state (GET/POST …/complaints/templates; PUT/DELETE …/templates/{id}).
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { Dialog, ErrorBox, Loading, useLoad } from '../ui.jsx';
import { Notice, STATES, stateLabel } from './common.jsx';

// the states a public answer goes with (docs/complaints.md: clarification, inadmissible, referred, resolved...)
const ANSWERED = ['needs_clarification', 'inadmissible', 'referred', 'resolved', 'admitted', 'under_investigation',
  'extended', 'closed', 'reopened', 'received', 'withdrawn'];

function TemplateForm({ desk, template, onDone, onCancel }) {
  const editing = Boolean(template);
  const blank = { state: 'resolved', title: '', body: '' };
  const [form, setForm] = useState(editing ? { state: template.state, title: template.title, body: template.body } : blank);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const prefix = editing ? `tpl-${template.id}` : 'tpl-new';
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = { state: form.state, title: form.title.trim(), body: form.body.trim() };
    try {
      const saved = editing
        ? await desk.muniApi('PUT', `/complaints/templates/${template.id}`, { body })
        : await desk.muniApi('POST', '/complaints/templates', { body });
      if (!editing) setForm(blank);
      onDone(saved, editing);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{editing ? t('admin_tpl_edit_title', { title: template.title }) : t('admin_tpl_add_title')}</h2>
      <label for={`${prefix}-state`}>{t('admin_tpl_state')}</label>
      <select id={`${prefix}-state`} value={form.state} onChange={set('state')}>
        {ANSWERED.map((state) => <option value={state}>{stateLabel(state)}</option>)}
      </select>
      <label for={`${prefix}-name`}>{t('admin_tpl_title')}</label>
      <input id={`${prefix}-name`} required maxLength={200} value={form.title} onInput={set('title')} />
      <label for={`${prefix}-body`}>{t('admin_tpl_body')}</label>
      <textarea id={`${prefix}-body`} required rows="5" maxLength={10000} value={form.body} onInput={set('body')} />
      <ErrorBox error={error} labels={{ state: t('admin_tpl_state'), title: t('admin_tpl_title'), body: t('admin_tpl_body') }} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{busy ? t('admin_saving') : editing ? t('admin_save') : t('admin_add')}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t('desk_cancel')}</button>}
      </div>
    </form>
  );
}

export default function Templates({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/complaints/templates'), [desk.muni]);
  const [editing, setEditing] = useState(null);
  const [removing, setRemoving] = useState(null);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const done = (saved, edited) => {
    setEditing(null);
    setNotice(t(edited ? 'admin_tpl_saved' : 'admin_tpl_added', { title: saved.title }));
    reload();
  };
  const remove = async () => {
    const template = removing;
    setRemoving(null);
    setFailure(null);
    try {
      await desk.muniApi('DELETE', `/complaints/templates/${template.id}`);
      setNotice(t('admin_tpl_removed', { title: template.title }));
      reload();
    } catch (problem) { setFailure(problem); }
  };
  const byState = STATES.map((state) => [state, (data || []).filter((tpl) => tpl.state === state)]).filter(([, list]) => list.length);
  return (
    <div class="admin-section">
      <p>{t('admin_tpl_intro')}</p>
      <Notice text={notice} />
      <ErrorBox error={error || failure} onRetry={error ? reload : undefined} />
      {loading && !data && <Loading />}
      {data && data.length === 0 && <p>{t('admin_tpl_none')}</p>}
      {byState.map(([state, list]) => (
        <section aria-labelledby={`tpl-state-${state}`}>
          <h2 id={`tpl-state-${state}`}>{stateLabel(state)}</h2>
          <ul class="admin-list">
            {list.map((template) => (
              <li class="card" data-template={template.id}>
                <h3>{template.title}</h3>
                <p class="template-body">{template.body}</p>
                <div class="toolbar">
                  <button type="button" onClick={() => setEditing(template.id)} aria-label={`${t('admin_edit')}: ${template.title}`}>{t('admin_edit')}</button>
                  <button type="button" onClick={() => setRemoving(template)} aria-label={`${t('admin_remove')}: ${template.title}`}>{t('admin_remove')}</button>
                </div>
                {editing === template.id && <TemplateForm desk={desk} template={template} onDone={done} onCancel={() => setEditing(null)} />}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <TemplateForm desk={desk} onDone={done} />
      <Dialog title={t('admin_remove')} open={Boolean(removing)} onClose={() => setRemoving(null)}>
        {removing && <p>{t('admin_tpl_remove_confirm', { title: removing.title })}</p>}
        <div class="toolbar">
          <button type="button" class="primary" onClick={remove}>{t('admin_remove')}</button>
          <button type="button" onClick={() => setRemoving(null)}>{t('desk_cancel')}</button>
        </div>
      </Dialog>
    </div>
  );
}
