// Obras: the works register from a spreadsheet (CSV) or an OC4IDS package (JSON) (POST …/works/import), with the
// report per row: created, updated, unchanged or rejected with the reasons (docs/works-import.md).
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ImportForm, ImportReport } from './imports.jsx';

export function contentTypeOf(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'text/csv';
  if (lower.endsWith('.json')) return 'application/json';
  return null;
}

export default function Works({ desk }) {
  const [result, setResult] = useState(null);
  const send = (file, refuse) => {
    const type = contentTypeOf(file.name);
    if (!type) { refuse(t('admin_works_kind_unknown')); return Promise.reject(null); }
    return desk.muniApi('POST', '/works/import', { body: file, headers: { 'Content-Type': type } });
  };
  const report = result && result.report;
  return (
    <div class="admin-section">
      <p>{t('admin_works_intro')}</p>
      <ImportForm id="works-file" accept=".csv,.json,text/csv,application/json" help={t('admin_works_file_help')}
        send={send} onReport={(r, file) => setResult({ report: r, file })} />
      {report && (
        <ImportReport key={result.file + report.rows.length} report={report} file={result.file}
          rowLabel={t('admin_import_row')} codeLabel={t('admin_works_identifier')} codeOf={(row) => row.identifier}
          extra={report.ignored_columns && report.ignored_columns.length > 0
            ? <p class="help">{t('admin_works_ignored', { columns: report.ignored_columns.join(', ') })}</p> : null} />
      )}
    </div>
  );
}
