// Sign in once per device (the device id is generated and kept); the token stays in IndexedDB, never in a URL.
// Sign-out warns about unsent items, then deletes this account's outbox, pulled records and cursor.
import { useEffect, useState } from 'preact/hooks';
import { t, formatDate } from '../lib/i18n.js';

function Devices({ ctx, session }) {
  const [devices, setDevices] = useState(null);
  const [problem, setProblem] = useState(null);
  const load = () => ctx.api('GET', '/api/v1/auth/devices', { session })
    .then(({ data }) => setDevices(data)).catch((error) => setProblem(error.code === 'network' ? t('devices_offline') : error.message));
  useEffect(() => { load(); }, []);
  const lost = async (device) => {
    if (!window.confirm(t('device_lost_confirm', { name: device.name }))) return;
    try {
      await ctx.api('POST', `/api/v1/auth/devices/${device.id}/revoke`, { session });
      await load();
    } catch (error) {
      setProblem(error.message);
    }
  };
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devices_title')}</h2>
      {problem && <p class="problem" role="alert">{problem}</p>}
      <ul class="outbox">
        {(devices || []).map((d) => (
          <li class="card device">
            <p class="label">{d.name}{d.id === session.device_id && ` (${t('this_phone')})`}</p>
            <p class="muted">{t('device_last_sync', { when: d.last_sync_at ? formatDate(d.last_sync_at) : t('never') })}</p>
            {d.revoked_at ? <p>{t('device_revoked')}</p>
              : d.id !== session.device_id && <button type="button" onClick={() => lost(d)}>{t('device_lost')}</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SignIn({ ctx }) {
  const [session, setSession] = useState(undefined);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [device, setDevice] = useState('');
  const [problem, setProblem] = useState(null);
  const [note, setNote] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { ctx.engine.userSession().then(setSession); }, []);

  const submit = async (event) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const s = await ctx.engine.signIn({ email, password, device_name: device || undefined });
      setSession(s);
      setPassword('');
      ctx.syncNow();
    } catch (error) {
      setProblem(error.code === 'network' ? t('signin_offline') : error.message);
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    const unsent = await ctx.engine.unsentCount(session.user.id);
    if (unsent && !window.confirm(t('signout_unsent', { n: unsent }))) return;
    await ctx.engine.signOut();
    setSession(null);
    setNote(t('signout_done'));
  };

  if (session === undefined) return <p aria-busy="true">…</p>;
  if (session) {
    return (
      <section aria-labelledby="account-title">
        <h1 id="account-title" tabIndex={-1}>{t('nav_account')}</h1>
        <p>{t('signed_in_as', { name: session.user.full_name || session.user.email })}</p>
        <button type="button" onClick={signOut}>{t('signout')}</button>
        <Devices ctx={ctx} session={session} />
      </section>
    );
  }
  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title" tabIndex={-1}>{t('signin_title')}</h1>
      {note && <p role="status">{note}</p>}
      <p class="help">{t('signin_help')}</p>
      <form onSubmit={submit}>
        <label for="email">{t('email')}</label>
        <input id="email" type="email" autoComplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
        <label for="password">{t('password')}</label>
        <input id="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        <label for="device">{t('device_name')}</label>
        <input id="device" value={device} onInput={(e) => setDevice(e.currentTarget.value)} maxLength={120} />
        {problem && <p class="problem" role="alert">{problem}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('signin_go')}</button>
      </form>
    </section>
  );
}
