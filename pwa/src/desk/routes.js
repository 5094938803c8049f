// The desk's screens: path pattern (":name" is a parameter), who sees it in the menu, and its module, loaded on
// demand. A screen module's default export is the component ({desk, params}); its texts sit beside it (addTexts).
// Roles are those of the chosen municipality (national administrators hold every role).
export const STAFF = ['comptroller', 'admin'];
export const COORDINATION = ['committee_coordinator', 'admin'];
export const ADMIN = ['admin'];
// The judicial-ruling audit's reviewers (audit reviewers; administrators hold rulings.manage too).
export const AUDIT = ['audit_reviewer', 'admin'];

export const routes = [
  { path: '/mesa/entrar', load: () => import('./signin.jsx'), open: true },
  { path: '/mesa/quejas', load: () => import('./queue.jsx'), roles: STAFF, nav: 'desk_nav_queue' },
  { path: '/mesa/quejas/:id', load: () => import('./complaint.jsx'), roles: STAFF },
  { path: '/mesa/moderacion', load: () => import('./moderation.jsx'), roles: STAFF, nav: 'desk_nav_moderation' },
  { path: '/mesa/estadisticas', load: () => import('./stats.jsx'), roles: STAFF, nav: 'desk_nav_stats' },
  { path: '/mesa/bitacora', load: () => import('./auditlog.jsx'), roles: STAFF, nav: 'desk_nav_audit' },
  { path: '/mesa/comites', load: () => import('./committees.jsx'), roles: COORDINATION, nav: 'desk_nav_committees' },
  { path: '/mesa/comites/:id', load: () => import('./committee.jsx'), roles: COORDINATION },
  { path: '/mesa/admin', load: () => import('./admin/index.jsx'), roles: ADMIN, nav: 'desk_nav_admin' },
  { path: '/mesa/admin/:section', load: () => import('./admin/index.jsx'), roles: ADMIN },
  { path: '/mesa/admin/formularios/:id', load: () => import('./admin/form_editor.jsx'), roles: ADMIN },
  { path: '/mesa/auditoria', load: () => import('./audit/projects.jsx'), roles: AUDIT, nav: 'desk_nav_audit_rulings' },
  { path: '/mesa/auditoria/proyectos/:id', load: () => import('./audit/projects.jsx'), roles: AUDIT },
  { path: '/mesa/auditoria/resoluciones/:id/anonimizacion', load: () => import('./audit/redaction.jsx'), roles: AUDIT },
  { path: '/mesa/auditoria/proyectos/:id/concordancia', load: () => import('./audit/agreement.jsx'), roles: AUDIT },
  { path: '/mesa/auditoria/resoluciones/:id/adjudicacion', load: () => import('./audit/adjudication.jsx'), roles: AUDIT },
  { path: '/mesa/auditoria/proyectos/:id/cuadernos', load: () => import('./audit/notebooks.jsx'), roles: AUDIT },
  { path: '/mesa/sesiones', load: () => import('./sessions.jsx'), roles: null, nav: 'desk_nav_sessions' },
];

/** match('/mesa/quejas/abc') -> {route, params: {id: 'abc'}} or null. */
export function match(pathname) {
  const parts = pathname.replace(/\/+$/, '').split('/');
  for (const route of routes) {
    const want = route.path.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((piece, i) => (piece.startsWith(':') ? (params[piece.slice(1)] = decodeURIComponent(parts[i])) : piece === parts[i]))) {
      return { route, params };
    }
  }
  return null;
}

/** The screen a person lands on at /mesa: the first menu entry their roles open. */
export function home(roles) {
  const route = routes.find((r) => r.nav && r.roles && r.roles.some((role) => roles.includes(role)));
  return route ? route.path : '/mesa/sesiones';
}
