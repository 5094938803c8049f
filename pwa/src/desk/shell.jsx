// The desk: the same app at /mesa/… for comptrollers, coordinators and administrators, on a laptop or a phone.
// Signed in with the browser session (cookie + CSRF, docs/api.md); the menu shows what the person's roles in the
// chosen municipality open; each screen is loaded on demand (routes.js). Nothing here is kept for offline use.
import { useEffect, useRef, useState } from 'preact/hooks';
import { addTexts, language, t } from '../lib/i18n.js';
import { Link, navigate, usePath, useRefresh } from '../shell/hooks.jsx';
import { api } from './api.js';
import { home, match, routes } from './routes.js';
import { ErrorBox, Loading } from './ui.jsx';
import texts from './texts/shell.js';

addTexts(texts);

const MUNI_KEY = 'vigia.desk.municipality';
const SIGNED_OUT_KEY = 'vigia.desk.signed-out'; // set on «Salir»: the other open tabs clear their screens too

function linkStylesheet() {
  // the desk's stylesheet, its own hashed file (build.mjs), linked once when the desk opens
  if (document.querySelector('link[data-desk]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = __DESK_CSS__;
  link.dataset.desk = '1';
  document.head.append(link);
}

function rolesIn(me, code) {
  if (!me) return [];
  if (me.is_national_admin) return ['comptroller', 'committee_coordinator', 'admin'];
  return me.roles.filter((grant) => grant.municipality_code === code).map((grant) => grant.role);
}

function Screen({ desk, path }) {
  const found = match(path);
  const [Loaded, setLoaded] = useState(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    if (found) found.route.load().then((module) => live && setLoaded(() => module.default));
    return () => { live = false; };
  }, [found && found.route.path]);
  if (!found) return <p role="alert">{t('desk_not_found')}</p>;
  const { route, params } = found;
  if (route.roles && !route.roles.some((role) => desk.roles.includes(role))) return <p role="alert">{t('desk_not_allowed')}</p>;
  return Loaded ? <Loaded desk={desk} params={params} key={path} /> : <Loading />;
}

export function Desk({ ctx }) {
  const path = usePath();
  // a change of language re-renders the desk and reloads the screen (the server's labels come in that language)
  useRefresh(ctx, (what) => 'language' in what);
  const [me, setMe] = useState(undefined); // undefined: asking; null: not signed in
  const [error, setError] = useState(null);
  const [municipalities, setMunicipalities] = useState([]);
  const [muni, setMuni] = useState(localStorage.getItem(MUNI_KEY) || '');
  const main = useRef(null);
  const version = useRef(0);

  linkStylesheet();

  const loadMe = () => api('GET', '/auth/me').then(
    (data) => { setMe(data); setError(null); return data; },
    (failure) => { if (failure.status === 401) setMe(null); else setError(failure); return null; },
  );
  useEffect(() => { loadMe(); }, []);
  useEffect(() => {
    const signedOutElsewhere = (event) => { if (event.key === SIGNED_OUT_KEY) setMe(null); };
    window.addEventListener('storage', signedOutElsewhere);
    return () => window.removeEventListener('storage', signedOutElsewhere);
  }, []);
  useEffect(() => {
    api('GET', '/municipalities').then((list) => setMunicipalities(list.items || list), () => {});
  }, []);

  // which municipality: the one chosen before if the person still works there, else the first where they do
  const codes = me ? (me.is_national_admin ? municipalities.map((m) => m.code) : [...new Set(me.roles.map((g) => g.municipality_code))]) : [];
  const chosen = codes.includes(muni) ? muni : codes[0] || '';
  const roles = rolesIn(me, chosen);

  useEffect(() => {
    if (me === null && path !== '/mesa/entrar') navigate('/mesa/entrar?next=' + encodeURIComponent(location.pathname + location.search));
    else if (me && (path === '/mesa' || path === '/mesa/')) navigate(home(roles));
  }, [me, path, chosen]);
  useEffect(() => { main.current?.querySelector('h1')?.focus(); }, [path]);

  const desk = {
    ctx, me, roles, muni: chosen, municipalities, version: version.current,
    api: (method, p, options = {}) => api(method, p, options),
    // the same, under /municipalities/{chosen}
    muniApi: (method, p, options = {}) => api(method, p, { ...options, muni: chosen }),
    navigate,
    signedIn: () => loadMe(),
    async signOut() {
      try { await api('POST', '/auth/session/end'); } catch { /* the cookie goes either way */ }
      try { localStorage.setItem(SIGNED_OUT_KEY, String(Date.now())); } catch { /* storage refused: this tab only */ }
      setMe(null);
      navigate('/mesa/entrar');
    },
  };

  if (error) return <main id="main"><ErrorBox error={error} onRetry={loadMe} /></main>;
  if (me === undefined) return <main id="main"><Loading /></main>;
  if (me === null || path === '/mesa/entrar') {
    return <main id="main" ref={main} class="desk-main"><Screen desk={desk} path="/mesa/entrar" /></main>;
  }
  const choose = (event) => { localStorage.setItem(MUNI_KEY, event.target.value); setMuni(event.target.value); version.current += 1; };
  const other = t('lang') === 'es' ? 'en' : 'es';
  const nav = routes.filter((r) => r.nav && (!r.roles || r.roles.some((role) => roles.includes(role))));
  return (
    <div class="desk">
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="top desk-top">
        <span class="brand">{t('desk_name')}</span>
        {codes.length > 1 ? (
          <label class="desk-muni">
            <span class="visually-hidden">{t('desk_municipality')}</span>
            <select value={chosen} onChange={choose}>
              {codes.map((code) => {
                const found = municipalities.find((m) => m.code === code);
                return <option value={code}>{found ? `${found.name} (${code})` : code}</option>;
              })}
            </select>
          </label>
        ) : <span class="desk-muni">{(municipalities.find((m) => m.code === chosen) || {}).name || chosen}</span>}
        <span class="desk-user">{me.full_name}</span>
        <button type="button" class="link" lang={other} aria-label={t('language_switch_label')}
                onClick={() => ctx.setLanguage(other)}>{t('language_switch')}</button>
        <button type="button" class="link" onClick={() => desk.signOut()}>{t('desk_signout')}</button>
      </header>
      <nav class="desk-nav" aria-label={t('desk_nav_label')}>
        {nav.map((r) => (
          <Link href={r.path} aria-current={path === r.path || path.startsWith(r.path + '/') ? 'page' : undefined}>{t(r.nav)}</Link>
        ))}
        <a href="/">{t('desk_field_app')}</a>
      </nav>
      <main id="main" ref={main} class="desk-main">
        {roles.length === 0 && !path.startsWith('/mesa/sesiones')
          ? <p role="alert">{t('desk_no_roles')}</p>
          : <Screen desk={desk} path={path} key={`${chosen}:${language()}`} />}
      </main>
    </div>
  );
}
