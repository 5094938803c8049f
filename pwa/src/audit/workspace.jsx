// The auditors' workspace (issue 18, docs/pwa.md "The auditors' workspace"): /auditoria lists my assignments from the
// pull (scope `assignments`, kept in IndexedDB's `records`), /auditoria/<id> annotates one (its own chunk with the
// annotation library, loaded on demand). Everything works offline: saving puts sync mutations in the outbox.
import { useEffect, useState } from 'preact/hooks';
import './texts.js';
import { t, language } from '../lib/i18n.js';
import { Link, useRefresh } from '../shell/hooks.jsx';
import { view, groups, words } from './model.js';

/* global __AUDIT_CSS__ */
function useAuditCss() {
  useEffect(() => {
    if (typeof __AUDIT_CSS__ === 'undefined' || document.querySelector('link[data-audit-css]')) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = __AUDIT_CSS__;
    link.dataset.auditCss = '';
    document.head.appendChild(link);
  }, []);
}

/** The signed-in session, this user's assignments as pulled with the outbox laid over, and the last sync run. */
export function useAssignments(ctx) {
  const [state, setState] = useState({ loading: true, session: null, views: [] });
  const version = useRefresh(ctx, (what) => 'records' in what || 'outbox' in what || 'session' in what || 'run' in what);
  useEffect(() => {
    let live = true;
    (async () => {
      const session = await ctx.engine.userSession();
      if (!session) { if (live) setState({ loading: false, session: null, views: [] }); return; }
      const owner = session.user.id;
      const [records, outbox, lastRun] = await Promise.all([
        ctx.db.getAllFromIndex('records', 'owner', owner),
        ctx.db.getAllFromIndex('outbox', 'owner', owner),
        ctx.db.get('meta', 'sync:last'),
      ]);
      const views = records.filter((r) => r.type === 'assignment' && r.data?.assignment).map((r) => view(r.data, outbox, lastRun));
      if (live) setState({ loading: false, session, views, lastRun });
    })();
    return () => { live = false; };
  }, [version]);
  return state;
}

export function courtOf(v) {
  const r = v.ruling || {};
  return (r.court && (typeof r.court === 'string' ? r.court : words(r.court.name, language()))) || r.court_name || '';
}

export function schemeLine(v) {
  const s = v.scheme || {};
  const number = s.number ?? s.version ?? s.version_number;
  return [words(s.name, language()), number != null ? t('ws_version', { n: number }) : ''].filter(Boolean).join(' · ');
}

function Item({ v }) {
  const n = v.annotations.length + v.orphans.length;
  return (
    <li class="card assignment">
      <Link href={`/auditoria/${encodeURIComponent(v.assignment.id)}`} class="assignment-link">
        <strong class="case">{v.ruling?.case_number || '—'}</strong>
        {courtOf(v) && <span class="court"> · {courtOf(v)}</span>}
        <span class="scheme">{schemeLine(v)}</span>
      </Link>
      <p class="meta">
        <span>{t('ws_annotations_n', { n })}</span>
        {v.orphans.length > 0 && <span class="problem">{t('ws_orphans')}: {v.orphans.length}</span>}
        {v.local > 0 && <span>{t('ws_pending')}</span>}
      </p>
    </li>
  );
}

function Assignments({ ctx }) {
  const { loading, session, views } = useAssignments(ctx);
  if (loading) return <p aria-busy="true">…</p>;
  if (!session) {
    return (
      <section>
        <h1 tabIndex={-1}>{t('ws_mine')}</h1>
        <p>{t('ws_signin')} <Link href="/entrar">{t('nav_signin')}</Link></p>
      </section>
    );
  }
  const by = groups(views.filter((v) => v.assignment.kind !== 'gold'));
  const order = (list) => list.sort((a, b) => String(a.ruling?.case_number).localeCompare(String(b.ruling?.case_number)));
  return (
    <section class="audit-list">
      <h1 tabIndex={-1}>{t('ws_mine')}</h1>
      {views.length === 0 && <p class="muted">{t('ws_empty')}</p>}
      {[['assigned', 'ws_to_read'], ['in_progress', 'ws_annotating'], ['done', 'ws_done']].map(([key, title]) => (
        <section aria-labelledby={`audit-${key}`}>
          <h2 id={`audit-${key}`}>{t(title)}</h2>
          {by[key].length ? <ul class="assignments">{order(by[key]).map((v) => <Item v={v} />)}</ul> : <p class="muted">{t('ws_none')}</p>}
        </section>
      ))}
      <button type="button" onClick={() => ctx.syncNow?.()}>{t('ws_refresh')}</button>
    </section>
  );
}

function AnnotateLoader({ ctx, id }) {
  const [Screen, setScreen] = useState(null);
  useEffect(() => { import('./annotate.jsx').then((m) => setScreen(() => m.Annotate)); }, []);
  return Screen ? <Screen ctx={ctx} id={id} /> : <p class="muted" aria-busy="true">…</p>;
}

export function Audit({ ctx, path }) {
  useAuditCss();
  const rest = path.slice('/auditoria'.length).replace(/^\/+|\/+$/g, '');
  return rest ? <AnnotateLoader ctx={ctx} id={decodeURIComponent(rest)} /> : <Assignments ctx={ctx} />;
}
