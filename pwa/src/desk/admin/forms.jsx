// Cédulas: the inspection checklists with their versions (GET …/forms, drafts too for those who manage them); open a
// draft in the editor, prepare the next version from the newest one (POST …/versions), or create a checklist.
import { useState } from 'preact/hooks';
import { formatDate, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';

export const editorPath = (id) => `/mesa/admin/formularios/${id}`;

/** The newest published version of a checklist, or null. */
export function newestPublished(template) {
  return template.versions.filter((v) => v.published_at).sort((a, b) => b.version - a.version)[0] || null;
}

function NewForm({ desk }) {
  const [form, setForm] = useState({ key: '', title: '', program: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await desk.muniApi('POST', '/forms', { body: {
        key: form.key.trim(), title: form.title.trim(), program: form.program.trim() || null,
        questions: [{ id: 'letrero', text: t('admin_forms_first_question'), kind: 'yes_no', required: true }],
      } });
      desk.navigate(editorPath(created.id));
    } catch (failure) { setError(failure); setBusy(false); }
  };
  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby="new-form-title">
      <h2 id="new-form-title">{t('admin_forms_new_title')}</h2>
      <label for="new-form-title-input">{t('admin_forms_name')}</label>
      <input id="new-form-title-input" required maxLength={300} value={form.title} onInput={set('title')} />
      <label for="new-form-key">{t('admin_forms_key')}</label>
      <input id="new-form-key" required pattern="[a-z0-9][a-z0-9_\-]{0,63}" value={form.key} onInput={set('key')} aria-describedby="new-form-key-help" />
      <p id="new-form-key-help" class="help">{t('admin_forms_key_help')}</p>
      <label for="new-form-program">{t('admin_forms_program')} {t('admin_optional')}</label>
      <input id="new-form-program" maxLength={200} value={form.program} onInput={set('program')} aria-describedby="new-form-program-help" />
      <p id="new-form-program-help" class="help">{t('admin_forms_program_help')}</p>
      <ErrorBox error={error} />
      <button type="submit" class="primary" disabled={busy}>{t('admin_forms_create')}</button>
    </form>
  );
}

export default function Forms({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/forms'), [desk.muni]);
  const [failure, setFailure] = useState(null);
  const prepare = async (template) => {
    setFailure(null);
    const newest = newestPublished(template);
    try {
      await desk.muniApi('POST', `/forms/${template.id}/versions`, { body: { questions: newest.questions } });
      desk.navigate(editorPath(template.id));
    } catch (problem) { setFailure(problem); }
  };
  return (
    <div class="admin-section">
      <p>{t('admin_forms_intro')}</p>
      <ErrorBox error={error || failure} onRetry={error ? reload : undefined} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th scope="col">{t('admin_forms_title')}</th><th scope="col">{t('admin_forms_program')}</th>
              <th scope="col">{t('admin_forms_versions')}</th><th scope="col"><span class="visually-hidden">{t('admin_edit')}</span></th>
            </tr></thead>
            <tbody>
              {data.map((template) => {
                const draft = template.versions.find((v) => !v.published_at);
                const versions = [...template.versions].sort((a, b) => b.version - a.version);
                return (
                  <tr data-form={template.key}>
                    <th scope="row">{template.title}<p class="muted"><code>{template.key}</code></p></th>
                    <td>{template.program || t('admin_forms_all_works')}</td>
                    <td>
                      <ul class="versions">
                        {versions.map((v) => (
                          <li>
                            {v.published_at ? t('admin_forms_version_published', { n: v.version, date: formatDate(v.published_at) })
                              : t('admin_forms_version_draft', { n: v.version })}
                            {' · '}{t('admin_editor_question_count', { n: v.questions.length })}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {draft ? <Link href={editorPath(template.id)}>{t('admin_forms_edit_draft', { title: template.title })}</Link>
                        : newestPublished(template) && (
                          <button type="button" onClick={() => prepare(template)}>{t('admin_forms_new_version', { title: template.title })}</button>
                        )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <NewForm desk={desk} />
    </div>
  );
}
