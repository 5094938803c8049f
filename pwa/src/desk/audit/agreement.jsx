// /mesa/auditoria/proyectos/:id/concordancia: how much the project's two annotators agree, for one scheme version
// (GET …/audit-projects/{id}/agreement?scheme_version_id=…). Cohen's κ and Krippendorff's α per label and for the
// whole scheme, at span level (word tokens) and document level (questions, label used anywhere), span F1 exact and
// relaxed; each figure with the units it rests on, one table and one chart of the same numbers. An undefined
// figure (no variation) is said in words, never drawn as 0. docs/annotations.md, "Agreement"; docs/pwa.md.
import { useState } from 'preact/hooks';
import { addTexts, language, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import texts from '../texts/audit_review.js';

addTexts(texts);

/** A scheme's text in the reader's language ({es, en} → the one wanted, Spanish when missing). */
export function words(value) {
  if (!value) return '';
  if (typeof value === 'string') return value;
  return value[language()] || value.es || Object.values(value)[0] || '';
}

export function number(value, digits = 2) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(language() === 'es' ? 'es-MX' : 'en', {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(value);
}

/** Landis & Koch (1977)'s reading of a κ or α: conventional bands, shown as a rough guide only. */
export function reading(value) {
  if (value === null || value === undefined) return '';
  if (value < 0) return t('agr_band_poor');
  if (value <= 0.2) return t('agr_band_slight');
  if (value <= 0.4) return t('agr_band_fair');
  if (value <= 0.6) return t('agr_band_moderate');
  if (value <= 0.8) return t('agr_band_substantial');
  return t('agr_band_almost_perfect');
}

/** A κ or α as read on screen: the number, or why there is none ("sin variación" / "sin unidades"). */
function figureText(value, units) {
  if (value !== null && value !== undefined) return number(value);
  return units ? t('agr_no_variation') : t('agr_no_units');
}

/** The published scheme versions of the municipality, each {id, number, name, definition}. */
export async function publishedVersions(desk) {
  const schemes = await desk.muniApi('GET', '/annotation-schemes');
  const out = [];
  for (const scheme of schemes) {
    for (const version of scheme.versions || []) {
      if (version.state === 'published') out.push({ ...version, name: scheme.name, slug: scheme.slug });
    }
  }
  return out;
}

function Row({ head, fig, f1, spans, kind }) {
  const kappa = figureText(fig.kappa, fig.units);
  const alpha = figureText(fig.alpha, fig.units);
  return (
    <tr class={kind}>
      <th scope="row">{head}</th>
      <td class="num" data-figure="kappa">{kappa}</td>
      <td class="num" data-figure="alpha">{alpha}</td>
      <td class="num" data-figure="f1">{f1 === undefined ? t('agr_f1_not_applicable')
        : f1.exact === null || f1.exact === undefined ? t('agr_f1_no_spans')
          : t('agr_f1_cell', { exact: number(f1.exact), relaxed: number(f1.relaxed) })}</td>
      <td class="num">{t('agr_units_cell', { n: new Intl.NumberFormat(language() === 'es' ? 'es-MX' : 'en').format(fig.units) })}
        {spans ? <><br /><span class="small">{t('agr_spans_cell', { a: spans[0], b: spans[1] })}</span></> : null}</td>
      <td>{fig.kappa !== null && fig.kappa !== undefined ? reading(fig.kappa) : t('agr_no_reading')}</td>
    </tr>
  );
}

/**
 * κ and α per label on one scale (from the lowest value, or 0, to 1), two bars a row; a row without a figure says
 * "sin variación" where its bars would be. The same numbers are in the table (charts.jsx's BarChart starts at 0
 * and cannot draw a negative κ, so this chart is drawn here with the same classes and conventions).
 */
function AgreementChart({ id, title, description, rows }) {
  const values = rows.flatMap((r) => [r.kappa, r.alpha]).filter((v) => v !== null && v !== undefined);
  const low = Math.min(0, Math.floor(Math.min(0, ...values) * 5) / 5);
  const labelWidth = 250;
  const width = 700;
  const plot = width - labelWidth - 70;
  const bar = 12;
  const rowHeight = 2 * bar + 14;
  const height = rows.length * rowHeight + 60;
  const x = (value) => labelWidth + ((value - low) / (1 - low)) * plot;
  const gridTicks = [];
  for (let v = low; v <= 1.0001; v += 0.2) gridTicks.push(Math.round(v * 10) / 10);
  const short = (text) => (text.length > 34 ? text.slice(0, 33) + '…' : text);
  const format = (v) => number(v);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}
         preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {gridTicks.map((value) => (
        <g aria-hidden="true">
          <line x1={x(value)} x2={x(value)} y1={0} y2={rows.length * rowHeight} class="chart-grid"
                stroke-width={value === 0 ? 2 : 1} />
          <text x={x(value)} y={rows.length * rowHeight + 16} text-anchor="middle" class="chart-tick">{number(value, 1)}</text>
        </g>
      ))}
      {rows.map((row, i) => {
        const y = i * rowHeight + 4;
        const barOf = (value, offset, className) => {
          if (value === null || value === undefined) return null;
          const from = x(Math.min(0, value));
          const to = x(Math.max(0, value));
          return (
            <>
              <rect x={from} y={y + offset} width={Math.max(1, to - from)} height={bar} class={className} />
              <text x={to + 4} y={y + offset + bar - 2} class="chart-value">{format(value)}</text>
            </>
          );
        };
        const none = (row.kappa === null || row.kappa === undefined) && (row.alpha === null || row.alpha === undefined);
        return (
          <g aria-hidden="true">
            <text x={labelWidth - 8} y={y + bar + 4} text-anchor="end" class="chart-label">{short(row.label)}</text>
            {none ? <text x={x(0) + 6} y={y + bar + 4} class="chart-value">{row.units ? t('agr_no_variation') : t('agr_no_units')}</text> : (
              <>
                {barOf(row.kappa, 0, 'chart-ok')}
                {barOf(row.alpha, bar + 2, 'chart-other')}
              </>
            )}
          </g>
        );
      })}
      <g aria-hidden="true" transform={`translate(${labelWidth} ${height - 14})`}>
        <rect x={0} y={-10} width={12} height={12} class="chart-ok" />
        <text x={18} y={0} class="chart-legend">{t('agr_kappa')}</text>
        <rect x={170} y={-10} width={12} height={12} class="chart-other" />
        <text x={188} y={0} class="chart-legend">{t('agr_alpha')}</text>
      </g>
    </svg>
  );
}

export default function Agreement({ desk, params }) {
  const projectId = params.id;
  const wanted = new URLSearchParams(location.search).get('version');
  const [chosen, setChosen] = useState(wanted || '');
  const base = useLoad(async () => {
    const [project, versions, assignments] = await Promise.all([
      desk.muniApi('GET', `/audit-projects/${projectId}`),
      publishedVersions(desk),
      desk.muniApi('GET', `/audit-projects/${projectId}/assignments`).catch(() => []),
    ]);
    // the versions the project's annotators used first (most used first), then the others
    const used = {};
    for (const row of assignments) if (row.kind === 'annotator') used[row.scheme_version_id] = (used[row.scheme_version_id] || 0) + 1;
    versions.sort((a, b) => (used[b.id] || 0) - (used[a.id] || 0));
    return { project, versions, used };
  }, [desk.muni, projectId]);
  const versionId = chosen || (base.data && base.data.versions[0] && base.data.versions[0].id) || '';
  const figures = useLoad(
    () => (versionId ? desk.muniApi('GET', `/audit-projects/${projectId}/agreement`, { query: { scheme_version_id: versionId } }) : Promise.resolve(null)),
    [desk.muni, projectId, versionId]);

  const choose = (event) => {
    setChosen(event.target.value);
    history.replaceState(history.state, '', `${location.pathname}?version=${encodeURIComponent(event.target.value)}`);
  };
  const data = base.data;
  const version = data && data.versions.find((v) => v.id === versionId);
  const labels = version ? version.definition.labels : [];
  const questions = version ? version.definition.questions : [];
  const f = figures.data;
  return (
    <section class="audit-agreement">
      <h1 tabIndex={-1}>{t('agr_title')}</h1>
      <ErrorBox error={base.error} onRetry={base.reload} />
      {base.loading && !data ? <Loading /> : data && (
        <>
          <p>
            <Link href={`/mesa/auditoria/proyectos/${projectId}`}>{data.project.name}</Link>
            {' · '}<Link href={`/mesa/auditoria/proyectos/${projectId}/cuadernos`}>{t('nb_title')}</Link>
          </p>
          {data.versions.length === 0 ? <p>{t('agr_no_versions')}</p> : (
            <label>
              {t('agr_version')}{' '}
              <select value={versionId} onChange={choose}>
                {data.versions.map((v) => (
                  <option value={v.id}>{t('agr_version_option', { name: v.name, number: v.number, n: data.used[v.id] || 0 })}</option>
                ))}
              </select>
            </label>
          )}
          <div class="stat-definition">
            <p>{t('agr_meaning')}</p>
            <p>{t('agr_landis_koch')}</p>
          </div>
        </>
      )}
      <ErrorBox error={figures.error} onRetry={figures.reload} />
      {figures.loading && !f && data ? <Loading /> : f && version && (
        <>
          <p role="status" data-figure="rulings">{t('agr_rulings', { n: f.rulings })}</p>
          {f.rulings === 0 ? <p>{t('agr_nothing_yet')}</p> : (
            <>
              <div class="table-wrap" tabIndex={0} role="region" aria-label={t('agr_table')}>
                <table>
                  <caption>{t('agr_table')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('agr_col_label')}</th>
                      <th scope="col" class="num">{t('agr_col_kappa')}</th>
                      <th scope="col" class="num">{t('agr_col_alpha')}</th>
                      <th scope="col" class="num">{t('agr_col_f1')}</th>
                      <th scope="col" class="num">{t('agr_col_units')}</th>
                      <th scope="col">{t('agr_col_reading')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr><th scope="colgroup" colSpan={6}>{t('agr_span_level')}</th></tr>
                    {labels.map((label) => {
                      const fig = f.span.labels[label.code];
                      if (!fig) return null;
                      return <Row head={words(label.name)} fig={fig} spans={fig.spans}
                                  f1={{ exact: fig.f1_exact, relaxed: fig.f1_relaxed }} />;
                    })}
                    <Row kind="total" head={t('agr_scheme_span')} fig={f.span.scheme}
                         f1={{ exact: f.span.scheme.f1_exact, relaxed: f.span.scheme.f1_relaxed }} />
                  </tbody>
                  <tbody>
                    <tr><th scope="colgroup" colSpan={6}>{t('agr_document_level')}</th></tr>
                    {labels.map((label) => {
                      const fig = f.document.labels[label.code];
                      return fig ? <Row head={t('agr_label_used', { label: words(label.name) })} fig={fig} /> : null;
                    })}
                    {questions.map((question) => {
                      const fig = f.document.questions[question.code];
                      return fig ? <Row head={t('agr_question', { text: words(question.text) })} fig={fig} /> : null;
                    })}
                    <Row kind="total" head={t('agr_scheme_document')} fig={f.document.scheme} />
                  </tbody>
                </table>
              </div>
              <p class="stat-definition">{t('agr_units_explained')}</p>
              <h2>{t('agr_chart_title')}</h2>
              <AgreementChart id="chart-agreement" title={t('agr_chart_title')}
                description={t('agr_chart_desc', { labels: labels.length })}
                rows={[...labels.filter((label) => f.span.labels[label.code]).map((label) => ({
                  label: words(label.name), kappa: f.span.labels[label.code].kappa, alpha: f.span.labels[label.code].alpha,
                  units: f.span.labels[label.code].units,
                })), { label: t('agr_scheme_span'), kappa: f.span.scheme.kappa, alpha: f.span.scheme.alpha, units: f.span.scheme.units }]} />
            </>
          )}
        </>
      )}
    </section>
  );
}
