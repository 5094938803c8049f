// An upload and its per-row report, shared by the zones import (GeoJSON) and the works import (CSV or OC4IDS):
// every row with its result in words and its reasons, each naming the column or field it is about.
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ErrorBox } from '../ui.jsx';

const RESULTS = ['created', 'updated', 'unchanged', 'rejected'];

/** "monto: Monto no válido: 12abc (…)" — the column named, then the server's words. */
export function reason(error) {
  // a zones file's reasons name their place as a JSON path ("features.0.properties"): the row already says which
  // element and the message names the properties; keep only a member such as "geometry", or nothing
  const field = (error.field || '').replace(/^features\.\d+(\.properties)?\.?/, '');
  return field ? t('admin_field_named', { field, message: error.message }) : error.message;
}

export function ImportReport({ report, file, rowLabel, codeLabel, codeOf, extra }) {
  const [onlyRejected, setOnlyRejected] = useState(report.rejected > 0 && report.rows.length > 50);
  const rows = onlyRejected ? report.rows.filter((row) => row.result === 'rejected') : report.rows;
  return (
    <section class="import-report" aria-labelledby="import-report-title">
      <h2 id="import-report-title">{t('admin_import_report', { file })}</h2>
      <p role="status">{t('admin_import_summary', report)}</p>
      {extra}
      {report.rejected > 0 && (
        <label class="check" for="only-rejected">
          <input id="only-rejected" type="checkbox" checked={onlyRejected} onChange={(e) => setOnlyRejected(e.currentTarget.checked)} />
          {' '}{t('admin_import_only_rejected')}
        </label>
      )}
      <div class="table-wrap">
        <table>
          <thead><tr>
            <th scope="col">{rowLabel}</th><th scope="col">{codeLabel}</th><th scope="col">{t('admin_import_result')}</th>
            <th scope="col">{t('admin_import_messages')}</th>
          </tr></thead>
          <tbody>
            {rows.map((row) => (
              <tr class={`result-${row.result}`} data-row={row.row}>
                <th scope="row">{row.row}</th>
                <td>{codeOf(row) || t('admin_none')}</td>
                <td>{RESULTS.includes(row.result) ? t('admin_import_' + row.result) : row.result}</td>
                <td>
                  {row.errors && row.errors.length > 0 ? (
                    <ul class="reasons">{row.errors.map((error) => <li>{reason(error)}</li>)}</ul>
                  ) : t('admin_none')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A file picker and its Import button; `send(file)` posts it and resolves to the report. */
export function ImportForm({ id, accept, help, send, onReport }) {
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setProblem('');
    if (!file) { setProblem(t('admin_import_need_file')); return; }
    setBusy(true);
    try {
      onReport(await send(file, setProblem), file.name);
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };
  return (
    <form class="card admin-form" onSubmit={submit}>
      <label for={id}>{t('admin_import_file')}</label>
      <input id={id} type="file" accept={accept} aria-describedby={`${id}-help`}
        onChange={(e) => { setFile(e.currentTarget.files?.[0] || null); setProblem(''); setError(null); }} />
      <p id={`${id}-help`} class="help">{help}</p>
      {problem && <p class="problem" role="alert">{problem}</p>}
      <ErrorBox error={error} />
      <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? t('admin_import_sending') : t('admin_import_send')}
      </button>
    </form>
  );
}
