// The judicial audit at the desk (docs/rulings.md, docs/annotations.md): /mesa/auditoria lists the municipality's
// audit projects; /mesa/auditoria/proyectos/:id is one project: its rulings by state (imported, in redaction,
// published, being annotated, ready to adjudicate, adjudicated) with the way to each next step, the form that
// assigns a published ruling to two auditors of the team, and the project's assignments.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { addTexts, formatDay, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import texts from '../texts/audit_projects.js';
import redactionTexts from '../texts/audit_redaction.js';

addTexts(texts);
addTexts(redactionTexts); // the rulings' states and kinds

const GROUPS = ['in_redaction', 'published', 'annotating', 'ready', 'adjudicated', 'imported'];

/** Where a ruling stands, from its state and its assignments: {group, version (the scheme version to adjudicate)}. */
export function standing(ruling, assignments) {
  if (ruling.state === 'imported') return { group: 'imported' };
  if (ruling.state === 'in_redaction') return { group: 'in_redaction' };
  const mine = assignments.filter((a) => a.ruling_id === ruling.id);
  const gold = mine.filter((a) => a.kind === 'gold');
  const finishedGold = gold.find((a) => a.state === 'done');
  if (finishedGold) return { group: 'adjudicated', version: finishedGold.scheme_version_id };
  const annotators = mine.filter((a) => a.kind === 'annotator');
  if (annotators.length === 0) return { group: 'published' };
  const done = {};
  for (const a of annotators) if (a.state === 'done') done[a.scheme_version_id] = (done[a.scheme_version_id] || 0) + 1;
  const version = Object.keys(done).find((v) => done[v] >= 2);
  return version ? { group: 'ready', version, adjudicating: gold.length > 0 } : { group: 'annotating' };
}

/** Case numbers ("1158/2024") in the order a court keeps them: by year, then by number; anything else after, by
 * its text with numbers read as numbers. A plain string order put 108/2025 between 1052/2024 and 1254/2025. */
export function byCaseNumber(a, b) {
  const key = (c) => { const m = /^(\d+)\/(\d{4})$/.exec((c || '').trim()); return m ? [Number(m[2]), Number(m[1])] : null; };
  const x = key(a), y = key(b);
  if (x && y) return x[0] - y[0] || x[1] - y[1];
  if (x || y) return x ? -1 : 1;
  return (a || '').localeCompare(b || '', undefined, { numeric: true });
}

/** The annotator's name: from the reviewers' list of assignments, else from the team. */
function annotatorName(assignment, people) {
  return assignment.annotator_name || (people.get(assignment.annotator_id) || {}).full_name || t('audit_unknown_person');
}

function ProjectList({ desk }) {
  const { data, error, loading, reload } = useLoad(() => desk.muniApi('GET', '/audit-projects'), [desk.muni]);
  return (
    <>
      <h1 tabIndex="-1">{t('audit_projects_title')}</h1>
      <p>{t('audit_projects_intro')}</p>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? <Loading /> : data && (data.length === 0 ? <p>{t('audit_projects_none')}</p> : (
        <section aria-labelledby="audit-projects-list">
          <h2 id="audit-projects-list">{t('audit_projects_list')}</h2>
          <ul class="sessions-list">
            {data.map((project) => (
              <li class="stat">
                <h3><Link href={`/mesa/auditoria/proyectos/${project.id}`}>{project.name}</Link></h3>
                <p>{t('audit_projects_period', { from: formatDay(project.period_starts_on), to: formatDay(project.period_ends_on) })}</p>
                <p>{t('audit_projects_published', { n: project.published_rulings })}
                  {' · '}{project.my_role ? t('audit_projects_my_role', { role: t('audit_team_' + project.my_role) }) : t('audit_projects_no_role')}</p>
                {project.description && <p class="muted small">{project.description}</p>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function AssignForm({ desk, projectId, rulings, assignments, auditors, versions, onAssigned }) {
  const published = rulings.filter((r) => r.state === 'published').sort((a, b) => byCaseNumber(a.case_number, b.case_number));
  const assigned = new Set(assignments.filter((a) => a.kind === 'annotator').map((a) => a.ruling_id));
  const firstFree = published.find((r) => !assigned.has(r.id));
  const [form, setForm] = useState({
    ruling: firstFree ? firstFree.id : '',
    first: auditors[0] ? auditors[0].user_id : '',
    second: auditors[1] ? auditors[1].user_id : '',
    version: versions[0] ? versions[0].id : '',
  });
  const [problem, setProblem] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (name) => (event) => { setForm({ ...form, [name]: event.target.value }); setProblem(''); };
  const nameOf = (id) => (auditors.find((m) => m.user_id === id) || {}).full_name || id;

  const submit = async (event) => {
    event.preventDefault();
    setError(null); setNotice('');
    if (!form.ruling || !form.first || !form.second || !form.version) { setProblem(t('audit_assign_missing')); return; }
    if (form.first === form.second) { setProblem(t('audit_assign_same')); return; }
    setBusy(true);
    try {
      await desk.muniApi('POST', `/audit-projects/${projectId}/assignments`,
        { body: { ruling_id: form.ruling, scheme_version_id: form.version, annotator_ids: [form.first, form.second] } });
      const ruling = published.find((r) => r.id === form.ruling);
      setNotice(t('audit_assigned_ok', { case: ruling ? ruling.case_number : '', first: nameOf(form.first), second: nameOf(form.second) }));
      await onAssigned();
    } catch (failure) { setError(failure); } finally { setBusy(false); }
  };

  const blocked = published.length === 0 ? t('audit_assign_no_rulings')
    : auditors.length < 2 ? t('audit_assign_no_auditors') : versions.length === 0 ? t('audit_assign_no_scheme') : '';
  return (
    <section aria-labelledby="audit-assign-title">
      <h2 id="audit-assign-title">{t('audit_assign_title')}</h2>
      <p class="muted">{t('audit_assign_help')}</p>
      <p role="status" class={notice ? 'saved' : 'visually-hidden'}>{notice}</p>
      {blocked ? <p role="note" class="note">{blocked}</p> : (
        <form aria-labelledby="audit-assign-title" onSubmit={submit} class="admin-form" style={{ marginTop: 0 }}>
          <label>{t('audit_assign_ruling')}
            <select value={form.ruling} onChange={set('ruling')} required>
              <option value="">{t('audit_assign_choose')}</option>
              {published.map((r) => (
                <option value={r.id}>{assigned.has(r.id) ? t('audit_assign_ruling_assigned', { case: r.case_number }) : r.case_number}</option>
              ))}
            </select>
          </label>
          <label>{t('audit_assign_first')}
            <select value={form.first} onChange={set('first')} required>
              <option value="">{t('audit_assign_choose')}</option>
              {auditors.map((m) => <option value={m.user_id}>{m.full_name || m.email}</option>)}
            </select>
          </label>
          <label>{t('audit_assign_second')}
            <select value={form.second} onChange={set('second')} required>
              <option value="">{t('audit_assign_choose')}</option>
              {auditors.map((m) => <option value={m.user_id}>{m.full_name || m.email}</option>)}
            </select>
          </label>
          <label>{t('audit_assign_scheme')}
            <select value={form.version} onChange={set('version')} required>
              <option value="">{t('audit_assign_choose')}</option>
              {versions.map((v) => <option value={v.id}>{t('audit_assign_scheme_option', { name: v.schemeName, n: v.number })}</option>)}
            </select>
          </label>
          {problem && <p role="alert" class="problem">{problem}</p>}
          <ErrorBox error={error} />
          <p><button type="submit" class="primary" disabled={busy}>{t('audit_assign')}</button></p>
        </form>
      )}
    </section>
  );
}

function RulingGroup({ group, rulings, assignments, people }) {
  const title = t('audit_group_' + group);
  const id = `audit-group-${group}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{t('audit_group_count', { title, n: rulings.length })}</h3>
      <Folded folded={group === 'adjudicated' && rulings.length > 3} summary={t('audit_show_rulings', { n: rulings.length })}
              label={t('audit_table_of', { title: t('audit_group_count', { title, n: rulings.length }) })}>
        <table>
          <thead><tr>
            <th scope="col">{t('audit_col_case')}</th><th scope="col">{t('audit_col_court')}</th>
            <th scope="col">{t('audit_col_date')}</th><th scope="col">{t('audit_col_judges')}</th>
            <th scope="col">{t('audit_col_progress')}</th><th scope="col">{t('audit_col_action')}</th>
          </tr></thead>
          <tbody>
            {rulings.map(({ ruling, where }) => {
              const mine = assignments.filter((a) => a.ruling_id === ruling.id);
              const adjudication = `/mesa/auditoria/resoluciones/${ruling.id}/adjudicacion` + (where.version ? `?version=${where.version}` : '');
              return (
                <tr>
                  <th scope="row">{ruling.case_number}</th>
                  <td>{ruling.court_name}</td>
                  <td>{formatDay(ruling.ruled_on)}</td>
                  <td>{(ruling.judges || []).map((j) => j.full_name).join(', ')}</td>
                  <td>
                    {group === 'in_redaction' && (ruling.pending_findings ? t('audit_pending_findings', { n: ruling.pending_findings }) : t('audit_no_pending'))}
                    {mine.length > 0 && (
                      <ul class="small" style={{ margin: 0, paddingLeft: '1rem' }}>
                        {mine.map((a) => (
                          <li>{t('audit_assignment_line', { name: annotatorName(a, people), state: t('audit_assignment_' + a.state) })}
                            {a.kind === 'gold' ? ` (${t('audit_kind_gold')})` : ''}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    {group === 'in_redaction' && (
                      <Link href={`/mesa/auditoria/resoluciones/${ruling.id}/anonimizacion`}>{t('audit_review_data')}</Link>
                    )}
                    {group === 'ready' && <Link href={adjudication}>{t('audit_adjudicate')}</Link>}
                    {group === 'adjudicated' && <Link href={adjudication}>{t('audit_see_adjudication')}</Link>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Folded>
    </section>
  );
}

/** A wide table in a box that scrolls sideways; a long list of finished work folded away until asked for. */
function Folded({ folded, summary, label, children }) {
  // focusable and named, so that a keyboard can scroll a table wider than a phone (axe: scrollable-region-focusable)
  const box = <div style={{ overflowX: 'auto' }} tabIndex="0" role="region" aria-label={label}>{children}</div>;
  return folded ? <details><summary>{summary}</summary>{box}</details> : box;
}

function Project({ desk, id }) {
  const project = useLoad(() => desk.muniApi('GET', `/audit-projects/${id}`), [id]);
  const rest = useLoad(async () => {
    const [rulings, assignments, team, schemes] = await Promise.all([
      desk.muniApi('GET', '/rulings', { query: { project_id: id } }),
      desk.muniApi('GET', `/audit-projects/${id}/assignments`),
      desk.muniApi('GET', `/audit-projects/${id}/team`),
      desk.muniApi('GET', '/annotation-schemes'),
    ]);
    return { rulings, assignments, team, schemes };
  }, [id]);
  const data = rest.data;
  const people = useMemo(() => new Map((data ? data.team : []).map((m) => [m.user_id, m])), [data]);
  const versions = useMemo(() => (data ? data.schemes.flatMap((s) => s.versions.filter((v) => v.state === 'published')
    .map((v) => ({ ...v, schemeName: s.name }))).sort((a, b) => a.schemeName.localeCompare(b.schemeName) || b.number - a.number) : []), [data]);
  useEffect(() => { if (project.data) document.title = `${project.data.name} · ${t('desk_name')}`; }, [project.data]);

  if (project.error) return <><h1 tabIndex="-1">{t('desk_not_found')}</h1><ErrorBox error={project.error} onRetry={project.reload} /></>;
  if (!project.data) return <Loading />;
  const grouped = {};
  if (data) {
    for (const ruling of [...data.rulings].sort((a, b) => byCaseNumber(a.case_number, b.case_number))) {
      const where = standing(ruling, data.assignments);
      (grouped[where.group] = grouped[where.group] || []).push({ ruling, where });
    }
  }
  const auditors = data ? data.team.filter((m) => m.role === 'auditor').sort((a, b) => (a.full_name || '').localeCompare(b.full_name || '')) : [];
  const rulingCase = new Map((data ? data.rulings : []).map((r) => [r.id, r.case_number]));
  const versionName = new Map(versions.map((v) => [v.id, t('audit_assign_scheme_option', { name: v.schemeName, n: v.number })]));
  const p = project.data;
  const hasCounts = data && data.assignments.some((a) => a.annotation_count !== undefined);
  return (
    <>
      <p><Link href="/mesa/auditoria">{t('audit_project_back')}</Link></p>
      <h1 tabIndex="-1">{p.name}</h1>
      <p>{t('audit_projects_period', { from: formatDay(p.period_starts_on), to: formatDay(p.period_ends_on) })}
        {' · '}{p.my_role ? t('audit_projects_my_role', { role: t('audit_team_' + p.my_role) }) : t('audit_projects_no_role')}</p>
      {p.description && <p class="muted">{p.description}</p>}
      <nav aria-label={t('audit_project_sections')} class="toolbar">
        <Link href={`/mesa/auditoria/proyectos/${id}/concordancia`}>{t('audit_project_agreement')}</Link>
        <Link href={`/mesa/auditoria/proyectos/${id}/cuadernos`}>{t('audit_project_notebooks')}</Link>
      </nav>
      <ErrorBox error={rest.error} onRetry={rest.reload} />
      {!data ? (!rest.error && <Loading />) : (
        <>
          <section aria-labelledby="audit-rulings-title">
            <h2 id="audit-rulings-title">{t('audit_project_rulings')}</h2>
            {data.rulings.length === 0 ? <p>{t('audit_project_rulings_none')}</p>
              : GROUPS.filter((g) => grouped[g]).map((g) => (
                <RulingGroup group={g} rulings={grouped[g]} assignments={data.assignments} people={people} />
              ))}
          </section>
          <AssignForm desk={desk} projectId={id} rulings={data.rulings} assignments={data.assignments} auditors={auditors}
                      versions={versions} onAssigned={rest.reload} />
          <section aria-labelledby="audit-assignments-title">
            <h2 id="audit-assignments-title">{t('audit_assignments_title')}</h2>
            {data.assignments.length === 0 ? <p>{t('audit_assignments_none')}</p> : (
              <Folded folded={data.assignments.length > 12} summary={t('audit_show_assignments', { n: data.assignments.length })}
                      label={t('audit_table_of', { title: t('audit_assignments_title') })}>
                <table>
                  <thead><tr>
                    <th scope="col">{t('audit_col_case')}</th><th scope="col">{t('audit_col_annotator')}</th>
                    <th scope="col">{t('audit_col_kind')}</th><th scope="col">{t('audit_col_scheme')}</th>
                    <th scope="col">{t('audit_col_state')}</th>
                    {hasCounts && <th scope="col">{t('audit_col_annotations')}</th>}
                  </tr></thead>
                  <tbody>
                    {[...data.assignments].sort((a, b) => byCaseNumber(rulingCase.get(a.ruling_id), rulingCase.get(b.ruling_id))
                      || (a.created_at || '').localeCompare(b.created_at || '')).map((a) => (
                      <tr>
                        <th scope="row">{rulingCase.get(a.ruling_id) || a.ruling_id}</th>
                        <td>{annotatorName(a, people)}</td>
                        <td>{t('audit_kind_' + a.kind)}</td>
                        <td>{versionName.get(a.scheme_version_id)
                          || (a.scheme_name ? t('audit_assign_scheme_option', { name: a.scheme_name, n: a.scheme_version_number }) : '—')}</td>
                        <td>{t('audit_assignment_' + a.state)}</td>
                        {hasCounts && <td>{a.annotation_count ?? '—'}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Folded>
            )}
          </section>
        </>
      )}
    </>
  );
}

export default function Projects({ desk, params }) {
  useEffect(() => { if (!params.id) document.title = `${t('audit_projects_title')} · ${t('desk_name')}`; }, [params.id]);
  return params.id ? <Project desk={desk} id={params.id} /> : <ProjectList desk={desk} />;
}
