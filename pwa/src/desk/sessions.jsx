// "Mis sesiones" (/mesa/sesiones): every browser and phone where the person's account holds a session, this one
// marked; any of them can be ended (with a confirmation). Ending this one signs out of the desk. The list is
// GET /auth/devices; ending is POST /auth/devices/{id}/revoke (docs/api.md, "Browser sessions").
import { useState } from 'preact/hooks';
import { addTexts, formatDate, t } from '../lib/i18n.js';
import { Dialog, ErrorBox, Loading, useLoad } from './ui.jsx';
import texts from './texts/auth.js';

addTexts(texts);

function Session({ device, onEnd }) {
  return (
    <li class={device.current ? 'current' : undefined} aria-current={device.current ? 'true' : undefined}>
      <p class="session-name">
        {device.name}{' '}
        {device.current && <span class="badge">{t('auth_this_one')}</span>}
      </p>
      <p class="muted">{t('auth_started', { when: formatDate(device.created_at) })}</p>
      <p class="muted">{t('auth_last_seen', { when: device.last_seen_at ? formatDate(device.last_seen_at) : t('auth_never') })}</p>
      {device.session_expires_at && <p class="muted">{t('auth_ends', { when: formatDate(device.session_expires_at) })}</p>}
      <button type="button" onClick={() => onEnd(device)}>
        {t('auth_end')}<span class="visually-hidden"> — {device.name}</span>
      </button>
    </li>
  );
}

export default function Sessions({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.api('GET', '/auth/devices'), []);
  const [asking, setAsking] = useState(null);
  const [failure, setFailure] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);

  const end = async () => {
    const device = asking;
    setBusy(true);
    setFailure(null);
    try {
      await desk.api('POST', `/auth/devices/${device.id}/revoke`);
      setAsking(null);
      if (device.current) { await desk.signOut(); return; }
      setDone(t('auth_ended_ok', { name: device.name }));
      await reload();
    } catch (problem) {
      setFailure(problem);
    } finally {
      setBusy(false);
    }
  };

  const devices = data || [];
  const open = devices.filter((d) => d.active).sort((a, b) => (b.current - a.current));
  const ended = devices.filter((d) => !d.active).reverse();
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title" tabIndex={-1}>{t('auth_sessions_title')}</h1>
      <p class="help">{t('auth_sessions_help')}</p>
      {done && <p role="status">{done}</p>}
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? <Loading /> : (
        <>
          <ul class="sessions-list" aria-label={t('auth_sessions_title')}>
            {open.map((device) => <Session device={device} onEnd={(d) => { setDone(null); setFailure(null); setAsking(d); }} />)}
          </ul>
          {open.length <= 1 && <p class="muted">{t('auth_none_open')}</p>}
          {ended.length > 0 && (
            <details>
              <summary>{t('auth_ended_title', { count: ended.length })}</summary>
              <ul class="sessions-list">
                {ended.map((device) => (
                  <li>
                    <p class="session-name">{device.name}</p>
                    <p class="muted">{t('auth_started', { when: formatDate(device.created_at) })}</p>
                    <p class="muted">{device.revoked_at ? t('auth_ended_on', { when: formatDate(device.revoked_at) }) : t('auth_ended_expired')}</p>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <Dialog title={t('auth_confirm_title')} open={!!asking} onClose={() => setAsking(null)}>
        {asking && (
          <>
            <p>{asking.current ? t('auth_confirm_this') : t('auth_confirm_other', { name: asking.name })}</p>
            <ErrorBox error={failure} />
            <div class="toolbar">
              <button type="button" class="primary" disabled={busy} onClick={end}>{t('auth_confirm_yes')}</button>
              <button type="button" onClick={() => setAsking(null)}>{t('desk_cancel')}</button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
