// "Mi comité": the committee's inspection checklist, rendered from the exact published version pulled to the phone
// (scope forms:<code>), for one of the works the committee watches (scope committee:<id>). The draft is kept in
// IndexedDB while filling; Guardar puts a `visit.submit` mutation in the outbox.
import { useEffect, useState } from 'preact/hooks';
import { t, language, formatDay } from '../lib/i18n.js';
import { preparePhoto } from '../lib/photo.js';
import { uuid } from '../sync/engine.js';
import { currentPosition, categories, PublicLink } from './near.jsx';
import { Link, useRefresh } from '../shell/hooks.jsx';

const DRAFT = 'visit';

/** Whether a question is shown, given the answers so far (a condition on a hidden question hides too). */
export function visible(questions, answers) {
  const shown = new Set();
  for (const q of questions) {
    const rule = q.show_if;
    if (!rule) { shown.add(q.id); continue; }
    if (!shown.has(rule.question)) continue;
    const value = answers[rule.question];
    if (Array.isArray(value) ? value.includes(rule.equals) : value === rule.equals) shown.add(q.id);
  }
  return shown;
}

function label(q) {
  return language() === 'en' && q.text_en ? q.text_en : q.text;
}

function optionLabel(o) {
  return language() === 'en' && o.label_en ? o.label_en : o.label;
}

/** The question's help line (how to answer it), if the checklist gives one. */
function hint(q) {
  const text = language() === 'en' && q.help_en ? q.help_en : q.help;
  return text ? <p class="help">{text}</p> : null;
}

/** Problems with the answers, each in words that name the question (never its id). */
export function problems(questions, answers) {
  const shown = visible(questions, answers);
  const out = [];
  for (const q of questions) {
    if (!shown.has(q.id)) continue;
    const value = answers[q.id];
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length);
    if (empty) {
      if (q.required) out.push(t('answer_required', { question: label(q) }));
      continue;
    }
    if (q.kind === 'number') {
      if (!Number.isFinite(value)) out.push(t('answer_number', { question: label(q) }));
      else if ((q.min != null && value < q.min) || (q.max != null && value > q.max)) {
        out.push(t('answer_range', { question: label(q), min: q.min ?? '', max: q.max ?? '' }));
      }
    }
  }
  return out;
}

/** One question as the committee member sees it (the desk's checklist editor previews with this same component). */
export function Question({ q, value, set, addPhoto }) {
  const id = `q-${q.id}`;
  const name = label(q) + (q.required ? ' *' : '');
  if (q.kind === 'yes_no' || q.kind === 'single_choice') {
    const options = q.kind === 'yes_no' ? [{ key: true, label: t('yes') }, { key: false, label: t('no') }] : q.options;
    return (
      <fieldset class="question">
        <legend>{name}</legend>
        {hint(q)}
        {options.map((o) => (
          <label class="check"><input type="radio" name={id} checked={value === o.key} onChange={() => set(o.key)} /> {q.kind === 'yes_no' ? o.label : optionLabel(o)}</label>
        ))}
      </fieldset>
    );
  }
  if (q.kind === 'multiple_choice') {
    const chosen = value || [];
    return (
      <fieldset class="question">
        <legend>{name}</legend>
        {hint(q)}
        {q.options.map((o) => (
          <label class="check"><input type="checkbox" checked={chosen.includes(o.key)}
            onChange={(e) => set(e.currentTarget.checked ? [...chosen, o.key] : chosen.filter((k) => k !== o.key))} /> {optionLabel(o)}</label>
        ))}
      </fieldset>
    );
  }
  if (q.kind === 'photo') {
    return (
      <div class="question">
        <label for={id}>{name}</label>
        {hint(q)}
        <input id={id} type="file" accept="image/*" onChange={(e) => addPhoto(e.currentTarget.files?.[0]).then((p) => p && set(p.id))} />
        {value && <p class="help">{t('photo_taken')}</p>}
      </div>
    );
  }
  if (q.kind === 'point') {
    const take = async () => {
      try {
        const at = await currentPosition();
        set({ type: 'Point', coordinates: [at.lon, at.lat] });
      } catch { /* no fix: the person can try again */ }
    };
    return (
      <div class="question">
        <p class="label-like">{name}</p>
        {hint(q)}
        <button type="button" onClick={take}>{t('point_take')}</button>
        {value && <p class="help">{value.coordinates[1].toFixed(5)}, {value.coordinates[0].toFixed(5)}</p>}
      </div>
    );
  }
  const type = q.kind === 'number' ? 'number' : q.kind === 'date' ? 'date' : 'text';
  const read = (e) => {
    const raw = e.currentTarget.value;
    set(q.kind === 'number' ? (raw === '' ? null : Number(raw)) : raw);
  };
  return (
    <div class="question">
      <label for={id}>{name}</label>
      {hint(q)}
      {q.kind === 'text'
        ? <textarea id={id} rows="3" maxLength={4000} value={value || ''} onInput={read} />
        : <input id={id} type={type} inputMode={q.kind === 'number' ? 'decimal' : undefined} min={q.min ?? undefined} max={q.max ?? undefined}
            value={value ?? ''} onInput={read} />}
    </div>
  );
}

function FindingToComplaint({ ctx, session, code, visit, finding, categories: cats }) {
  const [category, setCategory] = useState('');
  const [done, setDone] = useState(finding.complaint_id ? { folio: null } : null);
  const [problem, setProblem] = useState(null);
  const id = `cat-${finding.id}`;
  const file = async () => {
    setProblem(null);
    if (!category) { setProblem(t('need_category')); return; }
    try {
      const { data } = await ctx.api('POST', `/api/v1/municipalities/${code}/visits/${visit.id}/findings/${finding.id}/complaint`,
        { session, body: { category } });
      setDone(data);
      ctx.syncNow();
    } catch (error) {
      setProblem(error.code === 'network' ? t('finding_offline') : error.message);
    }
  };
  return (
    <li class="card finding">
      <p>{finding.text}</p>
      {done ? <p role="status">{t('finding_filed')}{done.folio && <> <span class="folio">{done.folio}</span></>}</p> : (
        <>
          <label for={id}>{t('category')}</label>
          <select id={id} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
            <option value="">{t('category_placeholder')}</option>
            {cats.map((c) => <option value={c.service_code}>{c.name}</option>)}
          </select>
          <button type="button" onClick={file}>{t('finding_to_complaint')}</button>
          {problem && <p class="problem" role="alert">{problem}</p>}
        </>
      )}
    </li>
  );
}

/** The committee's meetings with their agreements, and its visits' findings (each can become a complaint). */
function CommitteeLife({ ctx, session, committee, records }) {
  const [cats, setCats] = useState([]);
  const code = session.user.roles?.[0]?.municipality_code;
  useEffect(() => { if (code) categories(ctx, code).then((r) => setCats(r.value || [])).catch(() => {}); }, [code]);
  const meetings = records.filter((r) => r.type === 'meeting' && r.data.committee_id === committee.id).map((r) => r.data)
    .sort((a, b) => (a.held_on < b.held_on ? 1 : -1));
  const visits = records.filter((r) => r.type === 'visit' && r.data.committee_id === committee.id).map((r) => r.data)
    .filter((v) => v.findings?.length).sort((a, b) => (a.visited_at < b.visited_at ? 1 : -1));
  return (
    <>
      <section aria-labelledby="meetings-title">
        <h2 id="meetings-title">{t('meetings_title')}</h2>
        {!meetings.length && <p class="muted">{t('meetings_none')}</p>}
        <ul class="outbox">
          {meetings.map((m) => (
            <li class="card meeting">
              <p class="label">{formatDay(m.held_on)}{m.place_description ? ` · ${m.place_description}` : ''}</p>
              {m.agreements?.length > 0 && (
                <ul>{m.agreements.map((a) => (
                  <li class={a.overdue ? 'agreement overdue' : 'agreement'}>
                    {a.text}{a.due_on && ` — ${t('agreement_due', { date: formatDay(a.due_on) })}`}
                    {a.overdue && <strong> {t('agreement_overdue')}</strong>}
                  </li>
                ))}</ul>
              )}
            </li>
          ))}
        </ul>
      </section>
      {visits.length > 0 && (
        <section aria-labelledby="findings-title">
          <h2 id="findings-title">{t('findings_title')}</h2>
          <ul class="outbox">
            {visits.flatMap((v) => v.findings.map((f) => (
              <FindingToComplaint ctx={ctx} session={session} code={code} visit={v} finding={f} categories={cats} />
            )))}
          </ul>
        </section>
      )}
    </>
  );
}

export function Committee({ ctx }) {
  const [session, setSession] = useState(undefined);
  const [committees, setCommittees] = useState([]);
  const [forms, setForms] = useState([]);
  const [draft, setDraft] = useState(null);
  const [errors, setErrors] = useState([]);
  const [saved, setSaved] = useState(false);
  const [records, setRecords] = useState([]);

  const version = useRefresh(ctx, (what) => 'records' in what || 'session' in what);
  useEffect(() => () => ctx.setFormOpen(false), []);
  useEffect(() => {
    (async () => {
      const s = await ctx.engine.userSession();
      setSession(s);
      if (!s) return;
      const records = await ctx.db.getAllFromIndex('records', 'owner', s.user.id);
      setRecords(records);
      const cs = records.filter((r) => r.type === 'committee').map((r) => r.data);
      // the newest published version of each checklist
      const latest = new Map();
      for (const r of records.filter((x) => x.type === 'form_version')) {
        const held = latest.get(r.data.template_id);
        if (!held || held.version < r.data.version) latest.set(r.data.template_id, r.data);
      }
      const fs = [...latest.values()];
      setCommittees(cs);
      setForms(fs);
      const kept = await ctx.db.get('drafts', DRAFT);
      let fresh = false;
      setDraft((d) => {
        if (d && (d.committee_id || !cs.length)) return d; // already filling (or still nothing to fill)
        if (kept) return kept;
        fresh = true;
        return { id: uuid(), committee_id: cs[0]?.id || '', work_id: cs[0]?.works?.[0]?.id || '', form_version_id: fs[0]?.id || '',
          answers: {}, photos: [], observed: '', finding: '', location: null, accuracy: null };
      });
      if (fresh) {
        currentPosition(20000).then((at) => setDraft((d) => d && { ...d, location: { type: 'Point', coordinates: [at.lon, at.lat] }, accuracy: at.accuracy }))
          .catch(() => {});
      }
    })();
  }, [version]);

  const change = (patch) => setDraft((d) => {
    const next = { ...d, ...patch };
    ctx.setFormOpen(true);
    ctx.db.put('drafts', next, DRAFT);
    return next;
  });

  const addPhoto = async (file) => {
    if (!file) return null;
    const photo = await preparePhoto(file);
    setDraft((d) => {
      const next = { ...d, photos: [...d.photos, photo] };
      ctx.db.put('drafts', next, DRAFT);
      return next;
    });
    return photo;
  };

  if (session === undefined || (session && !draft)) return <p aria-busy="true">…</p>;
  if (!session) return <section><h1 tabIndex={-1}>{t('committee_title')}</h1><p>{t('committee_signin')} <Link href="/entrar">{t('nav_signin')}</Link></p></section>;
  if (!committees.length || !forms.length) {
    return <section><h1 tabIndex={-1}>{t('committee_title')}</h1><p>{t('committee_none')}</p></section>;
  }
  const committee = committees.find((c) => c.id === draft.committee_id) || committees[0];
  const form = forms.find((f) => f.id === draft.form_version_id) || forms[0];
  const shown = visible(form.questions, draft.answers);

  const save = async (event) => {
    event.preventDefault();
    const found = problems(form.questions, draft.answers);
    setErrors(found);
    if (found.length) return;
    const answers = Object.fromEntries(Object.entries(draft.answers).filter(([id]) => shown.has(id)));
    const used = new Set(form.questions.filter((q) => q.kind === 'photo' && shown.has(q.id)).map((q) => answers[q.id]));
    const photos = draft.photos.filter((p) => used.has(p.id));
    const work = committee.works.find((w) => w.id === draft.work_id) || committee.works[0];
    const payload = {
      id: draft.id, committee_id: committee.id, work_id: work.id, form_version_id: form.id,
      visited_at: new Date().toISOString(), captured_at: new Date().toISOString(), answers,
      findings: draft.finding.trim() ? [{ text: draft.finding.trim(), severity: 'medium' }] : [],
      attachments: photos.map((p) => ({ id: p.id, sha256: p.sha256, original_sha256: p.original_sha256 })),
    };
    if (draft.location) payload.location = draft.location;
    if (draft.accuracy > 0 && draft.accuracy <= 5000) payload.accuracy_m = Math.round(draft.accuracy * 10) / 10;
    if (draft.observed !== '' && draft.observed != null) payload.observed_physical_pct = Number(draft.observed);
    const code = session.user.roles?.[0]?.municipality_code || (await ctx.db.get('meta', 'place'))?.code;
    await ctx.engine.enqueue({ intent: 'visit.submit', municipality: code, payload, photos, owner: session.user.id,
      label: `${t('visit_label')}: ${work.title}` });
    await ctx.db.delete('drafts', DRAFT);
    ctx.setFormOpen(false);
    setDraft({ ...draft, id: uuid(), answers: {}, photos: [], observed: '', finding: '' });
    setSaved(true);
  };

  return (
    <section aria-labelledby="committee-title">
      <h1 id="committee-title" tabIndex={-1}>{t('committee_title')}</h1>
      {saved && <div class="saved" role="status"><strong>{t('saved_on_phone')}</strong> <Link href="/bandeja">{t('nav_outbox')}</Link></div>}
      <form onSubmit={save} novalidate>
        <label for="committee">{t('committee')}</label>
        <select id="committee" value={committee.id} onChange={(e) => change({ committee_id: e.currentTarget.value, work_id: '' })}>
          {committees.map((c) => <option value={c.id}>{c.name}</option>)}
        </select>
        {session.user.roles?.[0]?.municipality_code && (
          <PublicLink path={`/publico/${encodeURIComponent(session.user.roles[0].municipality_code)}/comites/${committee.id}`}
            title={committee.name} label={t('public_report')} />
        )}
        <label for="visit-work">{t('work')}</label>
        <select id="visit-work" value={draft.work_id} onChange={(e) => change({ work_id: e.currentTarget.value })}>
          {committee.works.map((w) => <option value={w.id}>{w.identifier} · {w.title}</option>)}
        </select>
        <label for="form">{t('checklist')}</label>
        <select id="form" value={form.id} onChange={(e) => change({ form_version_id: e.currentTarget.value, answers: {} })}>
          {forms.map((f) => <option value={f.id}>{f.template.title} (v{f.version})</option>)}
        </select>
        <p class="help">{draft.location ? t('point_gps', { n: Math.round(draft.accuracy || 0) }) : t('point_none')}</p>
        {form.questions.filter((q) => shown.has(q.id)).map((q) => (
          <Question q={q} value={draft.answers[q.id]} addPhoto={addPhoto}
                    set={(v) => change({ answers: { ...draft.answers, [q.id]: v } })} />
        ))}
        <label for="observed">{t('observed_pct')}</label>
        <input id="observed" type="number" min="0" max="100" inputMode="decimal" value={draft.observed} onInput={(e) => change({ observed: e.currentTarget.value })} />
        <label for="finding">{t('finding')}</label>
        <textarea id="finding" rows="3" value={draft.finding} onInput={(e) => change({ finding: e.currentTarget.value })} />
        {errors.length > 0 && <ul class="problem" role="alert">{errors.map((e) => <li>{e}</li>)}</ul>}
        <button type="submit" class="primary">{t('save')}</button>
      </form>
      <CommitteeLife ctx={ctx} session={session} committee={committee} records={records} />
    </section>
  );
}
