// Zonas: colonias and other zones from a GeoJSON file (POST …/zones/import), with the report per feature.
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n.js';
import { ImportForm, ImportReport } from './imports.jsx';

export default function Zones({ desk }) {
  const [result, setResult] = useState(null);
  const send = (file) => desk.muniApi('POST', '/zones/import', { body: file, headers: { 'Content-Type': 'application/geo+json' } });
  return (
    <div class="admin-section">
      <p>{t('admin_zones_intro')}</p>
      <ImportForm id="zones-file" accept=".geojson,.json,application/geo+json,application/json" help={t('admin_zones_file_help')}
        send={send} onReport={(report, file) => setResult({ report, file })} />
      {result && (
        <ImportReport key={result.file + result.report.rows.length} report={result.report} file={result.file}
          rowLabel={t('admin_zones_feature')} codeLabel={t('admin_zones_code')} codeOf={(row) => row.code} />
      )}
    </div>
  );
}
