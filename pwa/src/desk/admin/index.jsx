// /mesa/admin/:section: the administrator's sections, each its own module loaded when opened (the desk's first
// screen never carries them). Sections: usuarios, categorias, plazos, dias-inhabiles, plantillas, formularios,
// zonas, obras. docs/pwa.md, "Administration".
import { useEffect, useState } from 'preact/hooks';
import { addTexts, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { Loading } from '../ui.jsx';
import texts from '../texts/admin.js';

addTexts(texts);

export const SECTIONS = [
  { slug: 'usuarios', label: 'admin_section_users', load: () => import('./users.jsx') },
  { slug: 'categorias', label: 'admin_section_categories', load: () => import('./categories.jsx') },
  { slug: 'plazos', label: 'admin_section_deadlines', load: () => import('./deadlines.jsx') },
  { slug: 'dias-inhabiles', label: 'admin_section_holidays', load: () => import('./holidays.jsx') },
  { slug: 'plantillas', label: 'admin_section_templates', load: () => import('./templates.jsx') },
  { slug: 'formularios', label: 'admin_section_forms', load: () => import('./forms.jsx') },
  { slug: 'zonas', label: 'admin_section_zones', load: () => import('./zones.jsx') },
  { slug: 'obras', label: 'admin_section_works', load: () => import('./works.jsx') },
];

/** The sections as tabs-like links (plain links: each section has its own address to share or bookmark). */
export function AdminNav({ current }) {
  return (
    <nav class="admin-nav" aria-label={t('admin_sections_label')}>
      {SECTIONS.map((s) => (
        <Link href={`/mesa/admin/${s.slug}`} aria-current={s.slug === current ? 'page' : undefined}>{t(s.label)}</Link>
      ))}
    </nav>
  );
}

export default function Admin({ desk, params }) {
  const slug = params.section || SECTIONS[0].slug;
  const section = SECTIONS.find((s) => s.slug === slug);
  const [Section, setSection] = useState(null);
  useEffect(() => {
    let live = true;
    setSection(null);
    if (section) section.load().then((module) => live && setSection(() => module.default));
    return () => { live = false; };
  }, [slug]);
  return (
    <section class="admin" aria-labelledby="admin-title">
      <h1 id="admin-title" tabIndex={-1}>{t('admin_title')}{section && <span class="admin-sub">: {t(section.label)}</span>}</h1>
      <AdminNav current={slug} />
      {!section ? <p role="alert">{t('admin_unknown_section')}</p> : Section ? <Section desk={desk} key={desk.muni} /> : <Loading />}
    </section>
  );
}
