// Sign in once per device (the device id is generated and kept); the token stays in IndexedDB, never in a URL.
// Sign-out warns about unsent items, then deletes this account's outbox, pulled records and cursor.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';

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
