// Usuarios: the accounts with roles in this municipality (GET …/users), their roles in words; give a person access
// (POST …/users: a new account, or roles here for an existing one) and change an account's roles (PUT …/roles).
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { Notice, ROLES, roleLabel, rolesInWords } from './common.jsx';

function RoleChecks({ legend, chosen, onChange, idPrefix }) {
  return (
    <fieldset class="role-checks">
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <label class="check" for={`${idPrefix}-${role}`}>
          <input type="checkbox" id={`${idPrefix}-${role}`} checked={chosen.includes(role)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, role] : chosen.filter((r) => r !== role))} />
          {' '}{roleLabel(role)}
        </label>
      ))}
    </fieldset>
  );
}

function RolesEditor({ desk, user, onSaved, onCancel }) {
  const [roles, setRoles] = useState(user.roles.map((g) => g.role));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await desk.muniApi('PUT', `/users/${user.id}/roles`, { body: { roles } });
      onSaved(saved);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  return (
    <form class="admin-inline" onSubmit={save}>
      <RoleChecks legend={t('admin_users_roles_of', { name: user.full_name })} chosen={roles} onChange={setRoles} idPrefix={`r-${user.id}`} />
      {roles.length === 0 && <p class="help">{t('admin_users_roles_none_warning', { name: user.full_name })}</p>}
      <ErrorBox error={error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{busy ? t('admin_saving') : t('admin_save')}</button>
        <button type="button" onClick={onCancel}>{t('desk_cancel')}</button>
      </div>
    </form>
  );
}

function AddUser({ desk, onAdded }) {
  const blank = { email: '', full_name: '', password: '', roles: [] };
  const [form, setForm] = useState(blank);
  const [error, setError] = useState(null);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setProblem('');
    if (!form.roles.length) { setProblem(t('admin_users_need_role')); return; }
    setBusy(true);
    try {
      const body = { email: form.email.trim(), full_name: form.full_name.trim(), roles: form.roles };
      if (form.password) body.password = form.password;
      const added = await desk.muniApi('POST', '/users', { body });
      setForm(blank);
      onAdded(added);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('admin_users_add_title')}</h2>
      <p class="help">{t('admin_users_add_help')}</p>
      <label for="new-user-email">{t('admin_users_email')}</label>
      <input id="new-user-email" type="email" required autocomplete="off" value={form.email} onInput={set('email')} />
      <label for="new-user-name">{t('admin_users_name')}</label>
      <input id="new-user-name" required value={form.full_name} onInput={set('full_name')} />
      <label for="new-user-password">{t('admin_users_password')} {t('admin_optional')}</label>
      <input id="new-user-password" type="password" autocomplete="new-password" minLength={8} value={form.password}
        onInput={set('password')} aria-describedby="new-user-password-help" />
      <p id="new-user-password-help" class="help">{t('admin_users_password_help')}</p>
      <RoleChecks legend={t('admin_users_roles')} chosen={form.roles} onChange={(roles) => setForm({ ...form, roles })} idPrefix="new-user" />
      {problem && <p class="problem" role="alert">{problem}</p>}
      <ErrorBox error={error} labels={{ email: t('admin_users_email'), full_name: t('admin_users_name'), password: t('admin_users_password'), roles: t('admin_users_roles') }} />
      <button type="submit" class="primary" disabled={busy}>{busy ? t('admin_saving') : t('admin_users_give')}</button>
    </form>
  );
}

export default function Users({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/users'), [desk.muni]);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState('');
  const [search, setSearch] = useState('');
  const here = (user) => user.roles.filter((g) => g.municipality_code === desk.muni).map((g) => g.role);
  const wanted = search.trim().toLowerCase();
  const users = (data || []).filter((u) => !wanted || u.full_name.toLowerCase().includes(wanted) || u.email.toLowerCase().includes(wanted));
  return (
    <div class="admin-section">
      <p>{t('admin_users_intro')}</p>
      <Notice text={notice} />
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <div class="toolbar">
            <label for="user-search">{t('admin_users_search')}</label>
            <input id="user-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
            <span class="muted">{t('admin_users_count', { n: users.length })}</span>
          </div>
          <div class="table-wrap">
            <table>
              <thead><tr>
                <th scope="col">{t('admin_users_name')}</th><th scope="col">{t('admin_users_email')}</th>
                <th scope="col">{t('admin_users_roles')}</th><th scope="col">{t('admin_users_status')}</th><th scope="col"><span class="visually-hidden">{t('admin_edit')}</span></th>
              </tr></thead>
              <tbody>
                {users.map((user) => (
                  <tr data-email={user.email}>
                    <th scope="row">{user.full_name}</th>
                    <td>{user.email}</td>
                    <td>
                      {editing === user.id
                        ? <RolesEditor desk={desk} user={{ ...user, roles: user.roles.filter((g) => g.municipality_code === desk.muni) }}
                            onCancel={() => setEditing(null)}
                            onSaved={(saved) => { setEditing(null); setNotice(t('admin_users_roles_saved', { name: saved.full_name, roles: rolesInWords(here(saved)) })); reload(); }} />
                        : rolesInWords(here(user))}
                      {user.is_national_admin && <p class="muted">{t('admin_users_national')}</p>}
                    </td>
                    <td>{user.is_active ? t('admin_users_active') : t('admin_users_inactive')}</td>
                    <td>{editing !== user.id && (
                      <button type="button" onClick={() => setEditing(user.id)}
                        aria-label={t('admin_users_change_roles', { name: user.full_name })}>{t('admin_users_change')}</button>
                    )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <AddUser desk={desk} onAdded={(added) => {
        setNotice(t('admin_users_added', { name: added.full_name, email: added.email, roles: rolesInWords(here(added)) }));
        reload();
      }} />
    </div>
  );
}
