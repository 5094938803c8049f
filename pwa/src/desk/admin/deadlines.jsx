// Plazos: business days to answer each kind of complaint (GET …/complaints/deadlines; PUT …/deadlines/{kind}).
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { Notice, kindLabel } from './common.jsx';

function Row({ desk, rule, onSaved }) {
  const [days, setDays] = useState(String(rule.business_days));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = `deadline-${rule.kind}`;
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const all = await desk.muniApi('PUT', `/complaints/deadlines/${rule.kind}`, { body: { business_days: Number(days) } });
      onSaved(rule.kind, all);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  return (
    <tr data-kind={rule.kind}>
      <th scope="row">{kindLabel(rule.kind)}</th>
      <td>
        <form class="inline-form" onSubmit={save}>
          <label for={id} class="visually-hidden">{t('admin_deadlines_days_of', { kind: kindLabel(rule.kind) })}</label>
          <input id={id} type="number" min="1" max="120" step="1" required value={days} onInput={(e) => setDays(e.currentTarget.value)} />
          <button type="submit" disabled={busy} aria-label={`${t('admin_save')}: ${kindLabel(rule.kind)}`}>{t('admin_save')}</button>
        </form>
        <ErrorBox error={error} />
      </td>
      <td>{rule.configured ? t('admin_deadlines_configured') : t('admin_deadlines_default')}</td>
    </tr>
  );
}

export default function Deadlines({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/complaints/deadlines'), [desk.muni]);
  const [notice, setNotice] = useState('');
  const [version, setVersion] = useState(0);
  const saved = (kind, all) => {
    const rule = all.find((r) => r.kind === kind);
    setNotice(t('admin_deadlines_saved', { kind: kindLabel(kind), n: rule.business_days }));
    setVersion((v) => v + 1);
    reload();
  };
  return (
    <div class="admin-section">
      <p>{t('admin_deadlines_intro')}</p>
      <Notice text={notice} />
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th scope="col">{t('admin_deadlines_kind')}</th><th scope="col">{t('admin_deadlines_days')}</th>
              <th scope="col">{t('admin_deadlines_source')}</th>
            </tr></thead>
            <tbody>{data.map((rule) => <Row key={`${rule.kind}-${version}`} desk={desk} rule={rule} onSaved={saved} />)}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}
