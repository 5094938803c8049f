// /mesa/comites/{id}: one committee for its coordinator. The lifecycle as a stepper with each step's document and the
// moves allowed from the current state (each asks for what the server needs: GET /committees/vocabulary); members
// past and present with their roles, commitment letters, ending a membership and replacing a member with the
// replacement record; trainings with attendance; meetings with minutes, attendance and agreements (due date,
// responsible, done/cancelled, overdue highlighted); the committee's and the municipality's parity; the printable
// report (internal and public) for a chosen period. Edits send the version read; a stale one shows both versions.
import { useState } from 'preact/hooks';
import { addTexts, formatDay, language, t } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, StaleComparison, useLoad } from './ui.jsx';
import { percent, todayIn, vocabulary, word } from './committees_words.js';
import { CommitteeForm } from './committees.jsx';
import { Field, PhotoField, hidden, useSend } from './committee_parts.jsx';
import { Members } from './committee_members.jsx';
import { Meetings, Trainings } from './committee_activities.jsx';
import texts from './texts/committees.js';

addTexts(texts);

const PATH = ['draft', 'constituted', 'registered', 'active', 'concluded'];

/** The stepper's states: the main path, with "dissolved" after the last step reached when it ended that way. */
export function stepperStates(committee) {
  if (committee.state !== 'dissolved') return PATH;
  const reached = committee.timeline.filter((e) => e.to_state !== 'dissolved').map((e) => PATH.indexOf(e.to_state));
  return [...PATH.slice(0, Math.max(0, ...reached) + 1), 'dissolved'];
}

/** The steps allowed from the committee's state, as the vocabulary lists them. */
export function allowedSteps(words, state) {
  return ((words && words.steps) || []).filter((step) => step.from_states.includes(state));
}

/** A body for POST …/transitions from the form's values: only the step's fields, empty optional ones left out. */
export function transitionBody(step, values, version) {
  const body = { to: step.to, version };
  for (const need of step.needs) {
    const value = typeof values[need.field] === 'string' ? values[need.field].trim() : values[need.field];
    if (value) body[need.field] = value;
  }
  return body;
}

// ------------------------------------------------------------------------------------------------ lifecycle

function MoveForm({ desk, committee, step, words, onDone, onClose }) {
  const today = todayIn(desk);
  const [values, setValues] = useState({ on: today });
  const [stale, setStale] = useState(null);
  const { error, busy, send } = useSend();
  const set = (field, value) => setValues((old) => ({ ...old, [field]: value }));
  const submit = async (event) => {
    event.preventDefault();
    const moved = await send(() => desk.muniApi('POST', `/committees/${committee.id}/transitions`,
      { body: transitionBody(step, values, committee.version) }).catch(async (failure) => {
      if (failure.status === 409 && failure.code === 'stale_version') {
        const saved = await desk.muniApi('GET', `/committees/${committee.id}`);
        setStale([
          [t('cmt_stale_state'), word(words, 'states', step.to), word(words, 'states', saved.state)],
          [t('cmt_stale_version'), committee.version, saved.version],
        ]);
      }
      throw failure;
    }));
    if (moved) onDone(t('cmt_moved', { state: word(words, 'states', moved.state) }));
  };
  if (stale) return <StaleComparison rows={stale} onReload={() => onDone(null)} />;
  return (
    <form onSubmit={submit}>
      <p class="help">{step.help}</p>
      {step.needs.map((need) => {
        const id = `cmt-move-${need.field}`;
        if (need.kind === 'photo') {
          return <PhotoField desk={desk} id={id} label={need.label} required={need.required} onPhoto={(photo) => set(need.field, photo)} />;
        }
        if (need.kind === 'date') {
          return (
            <Field id={id} label={need.label} required={need.required}>
              <input id={id} type="date" max={today} required={need.required} value={values[need.field] || ''}
                onInput={(e) => set(need.field, e.currentTarget.value)} />
            </Field>
          );
        }
        const long = need.field !== 'registration_number';
        return (
          <Field id={id} label={need.label} required={need.required}>
            {long
              ? <textarea id={id} rows="3" maxLength={4000} required={need.required} value={values[need.field] || ''}
                  onInput={(e) => set(need.field, e.currentTarget.value)} />
              : <input id={id} maxLength={80} required={need.required} value={values[need.field] || ''}
                  onInput={(e) => set(need.field, e.currentTarget.value)} />}
          </Field>
        );
      })}
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>{step.label}</button>
      <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
    </form>
  );
}

function Lifecycle({ desk, committee, words, reload, notify }) {
  const [moving, setMoving] = useState(null);
  const staff = desk.roles.includes('admin') || desk.roles.includes('comptroller');
  const states = stepperStates(committee);
  const current = states.indexOf(committee.state);
  const eventOf = (state) => [...committee.timeline].reverse().find((e) => e.to_state === state);
  const steps = allowedSteps(words, committee.state);
  return (
    <section id="cmt-lifecycle" aria-labelledby="cmt-lifecycle-title">
      <h2 id="cmt-lifecycle-title">{t('cmt_lifecycle')}</h2>
      <ol class="cmt-stepper">
        {states.map((state, index) => {
          const event = eventOf(state);
          const status = index < current ? 'done' : index === current ? 'current' : 'pending';
          return (
            <li class={`cmt-step ${status}`} aria-current={status === 'current' ? 'step' : undefined}>
              <strong>{word(words, 'states', state)}</strong>
              <span class="muted">
                {status === 'current' ? t('cmt_step_current') : status === 'pending' ? t('cmt_step_pending') : ''}
                {event && status !== 'pending' ? `${status === 'current' ? ' · ' : ''}${t('cmt_step_done', { date: formatDay(event.on) })}` : ''}
              </span>
              {event && event.document && <p class="cmt-doc"><span class="visually-hidden">{t('cmt_step_document')}: </span>{event.document}</p>}
              {event && event.photo_id && (staff
                ? <a href={`/api/v1/municipalities/${desk.muni}/photos/${event.photo_id}/1280`} target="_blank" rel="noopener">{t('cmt_step_photo')}</a>
                : <p class="muted">{t('cmt_step_photo_attached')}</p>)}
            </li>
          );
        })}
      </ol>
      <h3>{t('cmt_moves')}</h3>
      {steps.length === 0 ? <p>{t('cmt_no_moves')}</p> : (
        <div class="cmt-moves">
          {steps.map((step) => (
            <button type="button" class={step.to === 'dissolved' ? 'danger' : undefined} onClick={() => setMoving(step)}>{step.label}</button>
          ))}
        </div>
      )}
      <Dialog title={moving ? t('cmt_move_title', { step: moving.label, name: committee.name }) : ''} open={!!moving} onClose={() => setMoving(null)}>
        {moving && (
          <MoveForm key={moving.to} desk={desk} committee={committee} step={moving} words={words}
            onClose={() => setMoving(null)}
            onDone={(message) => { setMoving(null); reload(); if (message) notify(message); }} />
        )}
      </Dialog>
    </section>
  );
}

function EditDetails({ desk, committee, words, reload, notify }) {
  const [open, setOpen] = useState(false);
  const [stale, setStale] = useState(null);
  const { error, busy, send } = useSend();
  const save = async (body, works) => {
    const saved = await send(() => desk.muniApi('PATCH', `/committees/${committee.id}`, { body: { ...body, version: committee.version } })
      .catch(async (failure) => {
        if (failure.status === 409 && failure.code === 'stale_version') {
          const now = await desk.muniApi('GET', `/committees/${committee.id}`);
          setStale([
            [t('cmt_field_name'), body.name, now.name],
            [t('cmt_kind'), word(words, 'kinds', body.kind), word(words, 'kinds', now.kind)],
            [t('cmt_field_program'), body.program, now.program],
            [t('cmt_works'), works.map((w) => w.identifier).join(', '), now.works.map((w) => w.identifier).join(', ')],
          ]);
        }
        throw failure;
      }));
    if (saved) { setOpen(false); reload(); notify(t('desk_saved')); }
  };
  const close = () => { setOpen(false); setStale(null); };
  return (
    <>
      <button type="button" onClick={() => { setStale(null); setOpen(true); }}>{t('cmt_edit')}</button>
      <Dialog title={t('cmt_edit_title')} open={open} onClose={close}>
        {open && (stale
          ? <StaleComparison rows={stale} onReload={() => { close(); reload(); }} />
          : <CommitteeForm desk={desk} words={words} initial={committee} submitLabel={t('cmt_save')} onSubmit={save} busy={busy} />)}
        {!stale && <ErrorBox error={error} />}
        <button type="button" class="secondary" onClick={close}>{t('desk_cancel')}</button>
      </Dialog>
    </>
  );
}

// ------------------------------------------------------------------------------------------------ parity, report

function ParityTable({ report, words, caption }) {
  const sexes = (words?.sexes || []).map((s) => s.code);
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>{/* scrolls by itself on a phone */}
    <table class="cmt-parity">
      <caption class="visually-hidden">{caption}</caption>
      <thead><tr><th scope="col">{t('cmt_parity_role')}</th>
        {sexes.map((s) => <th scope="col">{word(words, 'sexes', s)}</th>)}<th scope="col">{t('cmt_parity_total')}</th></tr></thead>
      <tbody>
        {(words?.roles || []).map((role) => {
          const counts = report.by_role[role.code] || {};
          return (
            <tr><th scope="row">{role.label}</th>{sexes.map((s) => <td>{counts[s] || 0}</td>)}
              <td>{sexes.reduce((sum, s) => sum + (counts[s] || 0), 0)}</td></tr>
          );
        })}
        <tr class="total"><th scope="row">{t('cmt_parity_total')}</th>{sexes.map((s) => <td>{report.by_sex[s] || 0}</td>)}<td>{report.members}</td></tr>
      </tbody>
    </table>
    </div>
  );
}

function Parity({ desk, committee, words, version }) {
  const draft = committee.state === 'draft';
  const mine = useLoad(() => (draft ? Promise.resolve(null) : desk.muniApi('GET', `/committees/${committee.id}/parity`)), [desk.muni, committee.id, version]);
  const all = useLoad(() => desk.muniApi('GET', '/committees/parity'), [desk.muni, version]);
  const answer = (value) => (value === null || value === undefined ? t('cmt_parity_vacant') : value ? t('cmt_yes') : t('cmt_no'));
  return (
    <section id="cmt-parity" aria-labelledby="cmt-parity-title">
      <h2 id="cmt-parity-title">{t('cmt_parity')}</h2>
      <ErrorBox error={mine.error || all.error} />
      <div class="cmt-parity-pair">
        <div>
          <h3>{t('cmt_parity_committee')}</h3>
          {draft ? <p>{t('cmt_parity_draft')}</p> : mine.data && (
            <>
              <p>{t('cmt_parity_members', { n: mine.data.members })} · {t('cmt_parity_share', { share: percent(mine.data.women_share) ?? '—' })}</p>
              <p>{t('cmt_parity_chair', { answer: answer(mine.data.chair_is_woman) })}<br />{t('cmt_parity_secretary', { answer: answer(mine.data.secretary_is_woman) })}</p>
              <ParityTable report={mine.data} words={words} caption={t('cmt_parity_committee')} />
            </>
          )}
        </div>
        <div>
          <h3>{t('cmt_parity_municipality')}</h3>
          {all.data && (
            <>
              <p>{t('cmt_parity_members', { n: all.data.members })} · {t('cmt_parity_share', { share: percent(all.data.women_share) ?? '—' })}</p>
              <p>{t('cmt_parity_held', { chairs: all.data.chairs_held_by_women, committees: all.data.committees, secretaries: all.data.secretaries_held_by_women })}</p>
              <ParityTable report={all.data} words={words} caption={t('cmt_parity_municipality')} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function Report({ desk, committee }) {
  const today = todayIn(desk);
  const [since, setSince] = useState(`${today.slice(0, 4)}-01-01`);
  const [until, setUntil] = useState(today);
  const query = new URLSearchParams({ ...(since ? { since } : {}), ...(until ? { until } : {}) }).toString();
  const base = `/api/v1/municipalities/${desk.muni}/committees/${committee.id}`;
  return (
    <section id="cmt-report" aria-labelledby="cmt-report-title">
      <h2 id="cmt-report-title">{t('cmt_report')}</h2>
      <p class="help">{t('cmt_report_intro')}</p>
      <div class="toolbar">
        <label>{t('cmt_report_since')}<input type="date" value={since} max={until || today} onInput={(e) => setSince(e.currentTarget.value)} /></label>
        <label>{t('cmt_report_until')}<input type="date" value={until} min={since} max={today} onInput={(e) => setUntil(e.currentTarget.value)} /></label>
      </div>
      <p>
        <a class="button" href={`${base}/report.html?${query}`} target="_blank" rel="noopener">{t('cmt_report_internal')}{hidden(t('cmt_report_new_tab'))}</a>{' '}
        {committee.state === 'draft' ? <span class="muted">{t('cmt_report_public_draft')}</span>
          : <a class="button" href={`${base}/public-report.html?${query}`} target="_blank" rel="noopener">{t('cmt_report_public')}{hidden(t('cmt_report_new_tab'))}</a>}
      </p>
    </section>
  );
}

// ------------------------------------------------------------------------------------------------ the screen

export default function Committee({ desk, params }) {
  const id = params.id;
  const [notice, setNotice] = useState('');
  const [version, setVersion] = useState(0);
  const words = useLoad(() => vocabulary(desk), [desk.muni, language()]);
  const committee = useLoad(() => desk.muniApi('GET', `/committees/${id}`), [desk.muni, id]);
  const members = useLoad(() => desk.muniApi('GET', `/committees/${id}/members`), [desk.muni, id]);
  const reload = () => { committee.reload(); members.reload(); setVersion((v) => v + 1); };
  const names = new Map((members.data || []).map((m) => [m.id, m.full_name]));
  const c = committee.data;
  const w = words.data;
  if (committee.error && !c) {
    return (
      <section>
        <h1 tabIndex={-1}>{t('cmt_title')}</h1>
        <ErrorBox error={committee.error} />
        <p><Link href="/mesa/comites">{t('cmt_back')}</Link></p>
      </section>
    );
  }
  if (!c || !w) return <><h1 tabIndex={-1} class="visually-hidden">{t('cmt_title')}</h1><ErrorBox error={words.error} onRetry={words.reload} /><Loading /></>;
  return (
    <section class="cmt">
      <p><Link href="/mesa/comites">{t('cmt_back')}</Link></p>
      <h1 tabIndex={-1}>{c.name}</h1>
      <p class="meta">
        <span class={`badge state-${c.state}`}>{word(w, 'states', c.state)}</span>
        <span>{word(w, 'kinds', c.kind)}</span>
        {c.program && <span>{c.program}</span>}
        {c.registration_number && <span>{t('cmt_registration')}: {c.registration_number}</span>}
      </p>
      {c.works.length > 0 && <p>{t('cmt_works')}: {c.works.map((x) => `${x.identifier} · ${x.title}`).join('; ')}</p>}
      <EditDetails desk={desk} committee={c} words={w} reload={reload} notify={setNotice} />
      <p role="status" class={notice ? 'saved' : 'visually-hidden'}>{notice}</p>
      <nav aria-label={t('cmt_sections')} class="cmt-sections">
        <a href="#cmt-lifecycle">{t('cmt_lifecycle')}</a>
        <a href="#cmt-members">{t('cmt_members')}</a>
        <a href="#cmt-trainings">{t('cmt_trainings')}</a>
        <a href="#cmt-meetings">{t('cmt_meetings')}</a>
        <a href="#cmt-parity">{t('cmt_parity')}</a>
        <a href="#cmt-report">{t('cmt_report')}</a>
      </nav>
      <Lifecycle desk={desk} committee={c} words={w} reload={reload} notify={setNotice} />
      <Members desk={desk} committee={c} words={w} members={members} names={names} reload={reload} notify={setNotice} />
      <Trainings desk={desk} committee={c} members={members} names={names} notify={setNotice} />
      <Meetings desk={desk} committee={c} words={w} members={members} names={names} notify={setNotice} />
      <Parity desk={desk} committee={c} words={w} version={version} />
      <Report desk={desk} committee={c} />
    </section>
  );
}
