// The shell: header (connection, language), the update offer, the screen for the path, the bottom navigation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';
import { Link, usePath, useOnline, useRefresh } from './hooks.jsx';
import { Near } from '../screens/near.jsx';

const lazy = {
  '/quejas/nueva': () => import('../screens/complaint.jsx').then((m) => m.ComplaintNew),
  '/bandeja': () => import('../screens/outbox.jsx').then((m) => m.Outbox),
  '/seguimiento': () => import('../screens/follow.jsx').then((m) => m.Follow),
  '/entrar': () => import('../screens/signin.jsx').then((m) => m.SignIn),
  '/comite': () => import('../screens/committee.jsx').then((m) => m.Committee),
};

// The auditors' workspace (/auditoria, /auditoria/<assignment id>): its own chunk, loaded only on these screens.
const AUDIT_ROLES = ['student_auditor', 'audit_reviewer'];
const loadAudit = () => import('../audit/workspace.jsx').then((m) => m.Audit);
const loaderOf = (path) => (path === '/auditoria' || path.startsWith('/auditoria/') ? loadAudit : lazy[path]);

function Screen({ ctx, path }) {
  const [Loaded, setLoaded] = useState(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    const load = loaderOf(path);
    if (load) load().then((component) => live && setLoaded(() => component));
    return () => { live = false; };
  }, [path]);
  if (!loaderOf(path)) return <Near ctx={ctx} />;
  return Loaded ? <Loaded ctx={ctx} path={path} /> : <p class="muted" aria-busy="true">…</p>;
}

function UpdateBanner({ ctx }) {
  useRefresh(ctx, (what) => 'update' in what || 'form' in what);
  if (!ctx.update) return null;
  return (
    <div class="banner" role="status">
      <span>{t('update_ready')}</span>
      {ctx.formOpen
        ? <span class="muted">{t('update_wait_form')}</span>
        : <button type="button" onClick={() => ctx.applyUpdate()}>{t('update_now')}</button>}
    </div>
  );
}

// The desk (/mesa/…): comptrollers, coordinators and administrators; its own layout, loaded only when opened.
function DeskRoot({ ctx }) {
  const [Desk, setDesk] = useState(null);
  useEffect(() => { import('../desk/shell.jsx').then((m) => setDesk(() => m.Desk)); }, []);
  return Desk ? <Desk ctx={ctx} /> : <p class="muted" aria-busy="true">…</p>;
}

export function App({ ctx }) {
  const path = usePath();
  if (path === '/mesa' || path.startsWith('/mesa/')) return <DeskRoot ctx={ctx} />;
  return <FieldApp ctx={ctx} path={path} />;
}

function FieldApp({ ctx, path }) {
  const online = useOnline();
  const main = useRef(null);
  const first = useRef(true);
  const version = useRefresh(ctx, (what) => 'language' in what || 'session' in what);
  const [session, setSession] = useState(null);
  useEffect(() => { ctx.engine.userSession().then(setSession); }, [version]);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    main.current?.querySelector('h1')?.focus(); // a screen change moves focus to its title (screen readers)
  }, [path]);
  const other = t('lang') === 'es' ? 'en' : 'es';
  // the auditors' workspace for the audit team (its texts live in its own chunk; this one word lives here)
  const roles = session?.user?.roles || [];
  const auditor = roles.some((grant) => AUDIT_ROLES.includes(grant.role));
  // an account of the audit team only has no committee: its place in the bar goes to "Auditoría" (6 fit at 360 px)
  const committee = session && !(auditor && roles.every((grant) => AUDIT_ROLES.includes(grant.role)));
  const nav = [
    ['/', t('nav_near')],
    ['/quejas/nueva', t('nav_new')],
    ['/bandeja', t('nav_outbox')],
    ['/seguimiento', t('nav_follow')],
    ...(committee ? [['/comite', t('committee_title')]] : []),
    ...(auditor ? [['/auditoria', t('lang') === 'en' ? 'Audit' : 'Auditoría']] : []),
    ['/entrar', session ? t('nav_account') : t('nav_signin')],
  ];
  return (
    <>
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="top">
        <span class="brand">{t('app_name')}</span>
        <span class={online ? 'net on' : 'net off'} role="status">{online ? t('online') : t('offline')}</span>
        <button type="button" class="link" lang={other} aria-label={t('language_switch_label')}
                onClick={() => ctx.setLanguage(other)}>{t('language_switch')}</button>
      </header>
      <UpdateBanner ctx={ctx} />
      <main id="main" ref={main}>
        <Screen ctx={ctx} path={path} />
      </main>
      <nav class={session ? 'bottom six' : 'bottom'} aria-label={t('app_name')}
           style={auditor ? { gridTemplateColumns: `repeat(${nav.length}, auto)` } : undefined}>
        {nav.map(([href, label]) => (
          <Link href={href} aria-current={path === href || (href === '/auditoria' && path.startsWith('/auditoria/')) ? 'page' : undefined}
                style={auditor ? { fontSize: nav.length > 6 ? '.68rem' : '.74rem', padding: '.25rem .1rem' } : undefined}>{label}</Link>
        ))}
      </nav>
    </>
  );
}
