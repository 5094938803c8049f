// Statistics (/mesa/estadisticas): the municipality's complaint figures (GET …/complaints/stats), each beside its
// definition as the server states it; charts by month, category and zone (hand-written SVG), the same numbers as
// tables, and the CSV (GET …/complaints/stats.csv) in the reader's language. docs/complaints.md, "Statistics".
import { useState } from 'preact/hooks';
import { addTexts, formatDay, language, t } from '../lib/i18n.js';
import { BarChart, StackedColumns } from './charts.jsx';
import { ErrorBox, Loading, downloadCsv, useLoad } from './ui.jsx';
import texts from './texts/stats.js';

addTexts(texts);

function number(value, digits = 0) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(language() === 'es' ? 'es-MX' : 'en', { maximumFractionDigits: digits }).format(value);
}

function percent(share) {
  return share === null || share === undefined ? '—' : number(share * 100, 1) + ' %';
}

function monthName(key) {
  const [year, month] = key.split('-').map(Number);
  return new Intl.DateTimeFormat(language() === 'es' ? 'es-MX' : 'en', { month: 'short', year: '2-digit', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, 1)));
}

function Figure({ id, label, value, detail, definition }) {
  return (
    <div class="stat" role="group" aria-labelledby={`${id}-label`}>
      <p class="stat-label" id={`${id}-label`}>{label}</p>
      <p class="stat-value" data-figure={id}>{value}</p>
      {detail && <p class="stat-detail">{detail}</p>}
      <p class="stat-definition">{definition}</p>
    </div>
  );
}

function CountTable({ caption, head, rows }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead><tr>{head.map((h, i) => <th scope="col" class={i ? 'num' : undefined}>{h}</th>)}</tr></thead>
        <tbody>
          {rows.map((row) => (
            <tr>{row.map((cell, i) => (i ? <td class="num">{cell}</td> : <th scope="row">{cell}</th>))}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Stats({ desk }) {
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [range, setRange] = useState({});
  const [csvError, setCsvError] = useState(null);
  const { data, error, loading, reload } = useLoad(
    () => desk.muniApi('GET', '/complaints/stats', { query: range }), [desk.muni, range.since, range.until]);
  const apply = (event) => { event.preventDefault(); setRange({ since: since || undefined, until: until || undefined }); };
  const csv = async () => {
    setCsvError(null);
    const name = `${language() === 'es' ? 'estadisticas' : 'statistics'}-${desk.muni}.csv`;
    try {
      await downloadCsv(desk, `/municipalities/${desk.muni}/complaints/stats.csv`, { query: { ...range, lang: language() } }, name);
    } catch (failure) { setCsvError(failure); }
  };
  const s = data;
  return (
    <section class="stats">
      <h1 tabIndex={-1}>{t('stats_title')}</h1>
      <form class="toolbar" onSubmit={apply} aria-label={t('stats_window')}>
        <label>{t('stats_since')} <input type="date" value={since} onInput={(e) => setSince(e.target.value)} /></label>
        <label>{t('stats_until')} <input type="date" value={until} onInput={(e) => setUntil(e.target.value)} /></label>
        <button type="submit">{t('stats_apply')}</button>
        <button type="button" onClick={csv}>{t('desk_download_csv')}</button>
      </form>
      <ErrorBox error={csvError} />
      <ErrorBox error={error} onRetry={reload} />
      {loading && !s ? <Loading /> : s && (
        <>
          <p class="muted">
            {s.since || s.until
              ? t('stats_window_text', { since: s.since ? formatDay(s.since) : t('stats_beginning'), until: s.until ? formatDay(s.until) : t('stats_today') })
              : t('stats_window_all')}{' '}
            {t('stats_as_of', { day: formatDay(s.as_of) })}
          </p>
          <div class="stat-grid">
            <Figure id="total" label={t('stats_total')} value={number(s.total)} definition={s.definitions.total} />
            <Figure id="open" label={t('stats_open')} value={number(s.open)} definition={s.definitions.open} />
            <Figure id="overdue" label={t('stats_overdue')} value={number(s.overdue)} definition={s.definitions.overdue} />
            <Figure id="answered_on_time" label={t('stats_answered_on_time')} value={percent(s.answered_on_time.share)}
                    detail={t('stats_deadline_detail', { on_time: s.answered_on_time.on_time, n: s.answered_on_time.n,
                      answered_late: s.answered_on_time.answered_late, unanswered: s.answered_on_time.unanswered_past_due,
                      pending: s.answered_on_time.pending })}
                    definition={s.answered_on_time.definition} />
            <Figure id="time_to_first_response" label={t('stats_first_response')}
                    value={t('stats_days', { median: number(s.time_to_first_response.median_business_days, 1), p90: number(s.time_to_first_response.p90_business_days) })}
                    detail={t('stats_duration_detail', { n: s.time_to_first_response.n, open: s.time_to_first_response.still_open, days: number(s.time_to_first_response.median_days, 1) })}
                    definition={s.time_to_first_response.definition} />
            <Figure id="time_to_resolution" label={t('stats_resolution')}
                    value={t('stats_days', { median: number(s.time_to_resolution.median_business_days, 1), p90: number(s.time_to_resolution.p90_business_days) })}
                    detail={t('stats_duration_detail', { n: s.time_to_resolution.n, open: s.time_to_resolution.still_open, days: number(s.time_to_resolution.median_days, 1) })}
                    definition={s.time_to_resolution.definition} />
            <Figure id="resolved_on_time" label={t('stats_resolved_on_time')} value={percent(s.resolved_on_time.share)}
                    detail={t('stats_resolved_detail', { on_time: s.resolved_on_time.on_time, n: s.resolved_on_time.n, late: s.resolved_on_time.late })}
                    definition={s.resolved_on_time.definition} />
          </div>

          <h2>{t('stats_monthly')}</h2>
          <p class="stat-definition">{s.definitions.monthly}</p>
          {s.monthly.length === 0 ? <p>{t('stats_nothing')}</p> : (
            <>
              <StackedColumns id="chart-monthly" title={t('stats_monthly')}
                description={t('stats_monthly_desc', { months: s.monthly.length, total: s.total })}
                axisLabel={t('stats_axis_complaints')} xLabel={t('stats_axis_month')}
                columns={s.monthly.map((m) => ({ label: monthName(m.month), values: { on_time: m.answered_on_time, late: m.answer_late, other: m.received - m.answered_on_time - m.answer_late } }))}
                series={[{ key: 'on_time', label: t('stats_series_on_time'), className: 'chart-ok' },
                  { key: 'late', label: t('stats_series_late'), className: 'chart-late' },
                  { key: 'other', label: t('stats_series_other'), className: 'chart-other' }]} />
              <CountTable caption={t('stats_monthly_table')}
                head={[t('stats_col_month'), t('stats_col_received'), t('stats_col_resolved'), t('stats_col_on_time'), t('stats_col_late')]}
                rows={s.monthly.map((m) => [monthName(m.month), m.received, m.resolved, m.answered_on_time, m.answer_late])} />
            </>
          )}

          <h2>{t('stats_by_category')}</h2>
          <p class="stat-definition">{s.definitions.by_category}</p>
          {s.by_category.length === 0 ? <p>{t('stats_nothing')}</p> : (
            <>
              <BarChart id="chart-category" title={t('stats_by_category')}
                description={t('stats_bars_desc', { first: s.by_category[0].name, n: s.by_category[0].count })}
                axisLabel={t('stats_axis_complaints')} rows={s.by_category.map((c) => ({ label: c.name, value: c.count }))} />
              <CountTable caption={t('stats_by_category_table')} head={[t('stats_col_category'), t('stats_col_complaints')]}
                rows={s.by_category.map((c) => [c.name, c.count])} />
            </>
          )}

          <h2>{t('stats_by_zone')}</h2>
          <p class="stat-definition">{s.definitions.by_zone}</p>
          {s.by_zone.length === 0 ? <p>{t('stats_nothing')}</p> : (
            <>
              <BarChart id="chart-zone" title={t('stats_by_zone')}
                description={t('stats_bars_desc', { first: s.by_zone[0].name, n: s.by_zone[0].count })}
                axisLabel={t('stats_axis_complaints')} rows={s.by_zone.slice(0, 15).map((z) => ({ label: z.name, value: z.count }))} />
              {s.by_zone.length > 15 && <p class="muted">{t('stats_zone_top', { n: s.by_zone.length })}</p>}
              <CountTable caption={t('stats_by_zone_table')} head={[t('stats_col_zone'), t('stats_col_complaints')]}
                rows={s.by_zone.map((z) => [z.name, z.count])} />
            </>
          )}

          <h2>{t('stats_by_state')}</h2>
          <CountTable caption={t('stats_by_state_table')} head={[t('stats_col_state'), t('stats_col_complaints')]}
            rows={s.by_state.map((x) => [x.label, x.count])} />
        </>
      )}
    </section>
  );
}
