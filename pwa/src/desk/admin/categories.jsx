// Categorías: the municipality's complaint categories, the Open311 services (GET …/complaints/categories/all, with
// the retired ones); add one (POST), edit it (PATCH), retire it or offer it again (PATCH active).
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { Notice, splitList } from './common.jsx';

const EMPTY = { service_code: '', name: '', name_en: '', description: '', group: '', keywords: '' };

function CategoryForm({ desk, category, onDone, onCancel }) {
  const editing = Boolean(category);
  const [form, setForm] = useState(editing ? {
    ...category, name_en: category.name_en || '', description: category.description || '', group: category.group || '',
    keywords: (category.keywords || []).join(', '),
  } : EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const prefix = editing ? `cat-${category.service_code}` : 'cat-new';
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      name: form.name.trim(), name_en: form.name_en.trim() || null, description: form.description.trim() || null,
      group: form.group.trim() || null, keywords: splitList(form.keywords),
    };
    try {
      const saved = editing
        ? await desk.muniApi('PATCH', `/complaints/categories/${encodeURIComponent(category.service_code)}`, { body })
        : await desk.muniApi('POST', '/complaints/categories', { body: { ...body, service_code: form.service_code.trim() } });
      if (!editing) setForm(EMPTY);
      onDone(saved, editing);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  const title = editing ? t('admin_cat_edit_title', { name: category.name }) : t('admin_cat_add_title');
  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{title}</h2>
      {!editing && (
        <>
          <label for={`${prefix}-code`}>{t('admin_cat_code')}</label>
          <input id={`${prefix}-code`} required pattern="[a-z0-9_\-]+" maxLength={40} value={form.service_code}
            onInput={set('service_code')} aria-describedby={`${prefix}-code-help`} />
          <p id={`${prefix}-code-help`} class="help">{t('admin_cat_code_help')}</p>
        </>
      )}
      <label for={`${prefix}-name`}>{t('admin_cat_name')}</label>
      <input id={`${prefix}-name`} required minLength={2} maxLength={200} value={form.name} onInput={set('name')} />
      <label for={`${prefix}-name-en`}>{t('admin_cat_name_en')} {t('admin_optional')}</label>
      <input id={`${prefix}-name-en`} lang="en" maxLength={200} value={form.name_en} onInput={set('name_en')} />
      <label for={`${prefix}-group`}>{t('admin_cat_group')} {t('admin_optional')}</label>
      <input id={`${prefix}-group`} maxLength={120} value={form.group} onInput={set('group')} />
      <label for={`${prefix}-description`}>{t('admin_cat_description')} {t('admin_optional')}</label>
      <textarea id={`${prefix}-description`} rows="2" maxLength={2000} value={form.description} onInput={set('description')} />
      <label for={`${prefix}-keywords`}>{t('admin_cat_keywords')} {t('admin_optional')}</label>
      <input id={`${prefix}-keywords`} value={form.keywords} onInput={set('keywords')} aria-describedby={`${prefix}-keywords-help`} />
      <p id={`${prefix}-keywords-help`} class="help">{t('admin_cat_keywords_help')}</p>
      <ErrorBox error={error} labels={{ service_code: t('admin_cat_code'), name: t('admin_cat_name'), name_en: t('admin_cat_name_en'),
                                        group: t('admin_cat_group'), description: t('admin_cat_description'), keywords: t('admin_cat_keywords') }} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{busy ? t('admin_saving') : editing ? t('admin_save') : t('admin_add')}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t('desk_cancel')}</button>}
      </div>
    </form>
  );
}

export default function Categories({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/complaints/categories/all'), [desk.muni]);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const toggle = async (category) => {
    setFailure(null);
    try {
      await desk.muniApi('PATCH', `/complaints/categories/${encodeURIComponent(category.service_code)}`, { body: { active: !category.active } });
      setNotice(t(category.active ? 'admin_cat_retired_done' : 'admin_cat_restored_done', { name: category.name }));
      reload();
    } catch (problem) { setFailure(problem); }
  };
  const done = (saved, edited) => {
    setEditing(null);
    setNotice(t(edited ? 'admin_cat_saved' : 'admin_cat_added', { name: saved.name }));
    reload();
  };
  return (
    <div class="admin-section">
      <p>{t('admin_cat_intro')}</p>
      <Notice text={notice} />
      <ErrorBox error={error || failure} onRetry={error ? reload : undefined} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th scope="col">{t('admin_cat_name')}</th><th scope="col">{t('admin_cat_code')}</th>
              <th scope="col">{t('admin_cat_group')}</th><th scope="col">{t('admin_cat_state')}</th>
              <th scope="col"><span class="visually-hidden">{t('admin_edit')}</span></th>
            </tr></thead>
            <tbody>
              {data.map((category) => (
                <tr data-code={category.service_code} class={category.active ? undefined : 'retired'}>
                  <th scope="row">
                    {category.name}
                    {category.name_en && <span class="muted" lang="en"> · {category.name_en}</span>}
                    {category.description && <p class="muted">{category.description}</p>}
                    {category.attributes.length > 0 && <p class="muted">{t('admin_cat_questions', { n: category.attributes.length })}</p>}
                  </th>
                  <td><code>{category.service_code}</code></td>
                  <td>{category.group || t('admin_none')}</td>
                  <td>{category.active ? t('admin_cat_offered') : t('admin_cat_retired')}</td>
                  <td class="actions">
                    <button type="button" onClick={() => setEditing(category.service_code)}
                      aria-label={`${t('admin_edit')}: ${category.name}`}>{t('admin_edit')}</button>
                    <button type="button" onClick={() => toggle(category)} aria-label={`${t(category.active ? 'admin_cat_retire' : 'admin_cat_restore')}: ${category.name}`}>
                      {t(category.active ? 'admin_cat_retire' : 'admin_cat_restore')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && data && (
        <CategoryForm key={editing} desk={desk} category={data.find((c) => c.service_code === editing)} onDone={done}
          onCancel={() => setEditing(null)} />
      )}
      <CategoryForm desk={desk} onDone={done} />
    </div>
  );
}
