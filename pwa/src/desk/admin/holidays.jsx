// Días inhábiles: the municipality's holiday calendar, a year at a time (GET …/holidays?year=), add (POST) and
// remove (DELETE …/holidays/{day}).
import { useState } from 'preact/hooks';
import { language, t } from '../../lib/i18n.js';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { Notice, longDay } from './common.jsx';

export default function Holidays({ desk }) {
  const [year, setYear] = useState(new Date().getFullYear());
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/holidays', { query: { year } }), [desk.muni, year]);
  const [form, setForm] = useState({ day: '', name: '' });
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const lang = language();
  const add = async (event) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    try {
      const added = await desk.muniApi('POST', '/holidays', { body: { day: form.day, name: form.name.trim() } });
      setNotice(t('admin_holidays_added', { day: longDay(added.day, lang), name: added.name }));
      setForm({ day: '', name: '' });
      const addedYear = Number(added.day.slice(0, 4));
      if (addedYear !== year) setYear(addedYear); else reload();
    } catch (problem) { setFailure(problem); } finally { setBusy(false); }
  };
  const remove = async (holiday) => {
    setFailure(null);
    try {
      await desk.muniApi('DELETE', `/holidays/${holiday.day}`);
      setNotice(t('admin_holidays_removed', { day: longDay(holiday.day, lang) }));
      reload();
    } catch (problem) { setFailure(problem); }
  };
  return (
    <div class="admin-section">
      <p>{t('admin_holidays_intro')}</p>
      <div class="toolbar">
        <button type="button" onClick={() => setYear(year - 1)}>{t('admin_holidays_previous')}</button>
        <label for="holiday-year">{t('admin_holidays_year')}</label>
        <input id="holiday-year" type="number" min="1900" max="2200" value={year}
          onChange={(e) => { const n = Number(e.currentTarget.value); if (n >= 1900 && n <= 2200) setYear(n); }} />
        <button type="button" onClick={() => setYear(year + 1)}>{t('admin_holidays_next')}</button>
      </div>
      <Notice text={notice} />
      <ErrorBox error={error || failure} onRetry={error ? reload : undefined} />
      <h2>{t('admin_holidays_of_year', { year })}{data && <span class="muted"> ({t('admin_holidays_count', { n: data.length })})</span>}</h2>
      {loading && !data && <Loading />}
      {data && data.length === 0 && <p>{t('admin_holidays_none', { year })}</p>}
      {data && data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th scope="col">{t('admin_holidays_day')}</th><th scope="col">{t('admin_holidays_name')}</th>
              <th scope="col"><span class="visually-hidden">{t('admin_remove')}</span></th>
            </tr></thead>
            <tbody>
              {data.map((holiday) => (
                <tr data-day={holiday.day}>
                  <th scope="row"><time datetime={holiday.day}>{longDay(holiday.day, lang)}</time></th>
                  <td>{holiday.name}</td>
                  <td><button type="button" onClick={() => remove(holiday)}
                    aria-label={t('admin_holidays_remove_one', { day: longDay(holiday.day, lang) })}>{t('admin_remove')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="card admin-form" onSubmit={add} aria-labelledby="holiday-add-title">
        <h2 id="holiday-add-title">{t('admin_holidays_add_title')}</h2>
        <label for="holiday-day">{t('admin_holidays_day')}</label>
        <input id="holiday-day" type="date" required value={form.day} onInput={(e) => setForm({ ...form, day: e.currentTarget.value })} />
        <label for="holiday-name">{t('admin_holidays_name')}</label>
        <input id="holiday-name" required maxLength={200} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        <button type="submit" class="primary" disabled={busy}>{busy ? t('admin_saving') : t('admin_add')}</button>
      </form>
    </div>
  );
}
