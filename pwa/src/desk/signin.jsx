// Sign in to the desk (/mesa/entrar): email and password open a browser session (docs/api.md, "Browser
// sessions"): the server sets an HttpOnly cookie this page never sees, and the CSRF cookie the desk's API client
// sends back. Then the page asked for in ?next= (only a desk path), else the person's first screen.
import { useEffect, useRef, useState } from 'preact/hooks';
import { addTexts, t } from '../lib/i18n.js';
import { ErrorBox } from './ui.jsx';
import texts from './texts/auth.js';

addTexts(texts);

const IDLE_MINUTES = 30; // SESSION_IDLE_MINUTES' default; the server's answer says the real one

/** Where to go after signing in: ?next= when it is a desk path on this origin (never another site), else /mesa. */
export function nextPath(search, origin = location.origin) {
  const wanted = new URLSearchParams(search).get('next');
  if (!wanted || !wanted.startsWith('/') || wanted.startsWith('//') || wanted.includes('\\')) return '/mesa';
  let url;
  try { url = new URL(wanted, origin); } catch { return '/mesa'; }
  if (url.origin !== origin || !/^\/mesa(\/|$)/.test(url.pathname) || url.pathname.startsWith('/mesa/entrar')) return '/mesa';
  return url.pathname + url.search + url.hash;
}

export default function SignIn({ desk }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [idle, setIdle] = useState(IDLE_MINUTES);
  const problem = useRef(null);

  useEffect(() => { if (error) problem.current?.focus(); }, [error]);

  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const session = await desk.api('POST', '/auth/session', { body: { email, password } });
      setIdle(session.idle_minutes);
      setPassword('');
      if (!(await desk.signedIn())) {
        // signed in, yet the next request came without the cookie: this browser refused a Secure cookie over http
        setError({ status: 0, code: 'cookie_refused', message: t('auth_cookie_refused'), details: [] });
        return;
      }
      desk.navigate(nextPath(location.search));
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  if (desk.me) {
    return (
      <section aria-labelledby="auth-title" class="auth-card">
        <h1 id="auth-title" tabIndex={-1}>{t('auth_title')}</h1>
        <p>{t('auth_already', { name: desk.me.full_name || desk.me.email })}</p>
        <p><a href={nextPath(location.search)} onClick={(e) => { e.preventDefault(); desk.navigate(nextPath(location.search)); }}>{t('auth_continue')}</a></p>
      </section>
    );
  }
  return (
    <section aria-labelledby="auth-title" class="auth-card">
      <h1 id="auth-title" tabIndex={-1}>{t('auth_title')}</h1>
      <p class="help">{t('auth_help')}</p>
      <form onSubmit={submit} noValidate={false}>
        <label for="auth-email">{t('auth_email')}</label>
        <input id="auth-email" name="email" type="email" autoComplete="username" required value={email}
               onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="auth-password">{t('auth_password')}</label>
        <input id="auth-password" name="password" type="password" autoComplete="current-password" required value={password}
               onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && (
          <div ref={problem} tabIndex={-1}>
            <ErrorBox error={error} />
            {error.status === 429 && <p class="help">{t('auth_locked_help')}</p>}
          </div>
        )}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>{busy ? t('auth_busy') : t('auth_submit')}</button>
      </form>
      <p class="muted">{t('auth_shared_note', { minutes: idle })}</p>
    </section>
  );
}
