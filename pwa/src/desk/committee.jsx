// /mesa/comites/{id}: one committee for its coordinator. The lifecycle as a stepper with each step's document and the
// moves allowed from the current state (each asks for what the server needs: GET /committees/vocabulary); members
// past and present with their roles, commitment letters, ending a membership and replacing a member with the
// replacement record; trainings with attendance; meetings with minutes, attendance and agreements (due date,
// responsible, done/cancelled, overdue highlighted); the committee's and the municipality's parity; the printable
// report (internal and public) for a chosen period. Edits send the version read; a stale one shows both versions.
import { useState } from 'preact/hooks';
import { addTexts, formatDay, t } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, StaleComparison, useLoad } from './ui.jsx';
import { percent, todayIn, uploadPhoto, vocabulary, word } from './committees_words.js';
import { CommitteeForm } from './committees.jsx';
import texts from './texts/committees.js';

addTexts(texts);

const PATH = ['draft', 'constituted', 'registered', 'active', 'concluded'];
const CLOSED = ['concluded', 'dissolved'];

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

function hidden(text) {
  return <span class="visually-hidden"> {text}</span>;
}

function Field({ id, label, required, children }) {
  return (
    <>
      <label for={id}>{label}{required ? ' *' : <span class="muted"> {t('cmt_optional')}</span>}</label>
      {children}
    </>
  );
}

/** A file input that uploads the scan at once and keeps its photo id. */
function PhotoField({ desk, id, label, required, onPhoto }) {
  const [state, setState] = useState(null); // null | 'uploading' | 'ready' | ApiError
  const pick = async (event) => {
    const file = event.currentTarget.files?.[0];
    onPhoto(null);
    if (!file) { setState(null); return; }
    setState('uploading');
    try {
      onPhoto(await uploadPhoto(desk, file));
      setState('ready');
    } catch (error) {
      setState(error);
    }
  };
  return (
    <Field id={id} label={label} required={required}>
      <input id={id} type="file" accept="image/*" onChange={pick} />
      {state === 'uploading' && <p class="muted" role="status">{t('cmt_photo_uploading')}</p>}
      {state === 'ready' && <p class="help" role="status">{t('cmt_photo_ready')}</p>}
      {state && typeof state === 'object' && <ErrorBox error={state} />}
    </Field>
  );
}

/** Sends a change; a 409 stale_version gets the saved record to compare. */
function useSend() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = async (work) => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, send, clear: () => setError(null) };
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

// ------------------------------------------------------------------------------------------------ members

function MemberFields({ prefix, words, values, set, today }) {
  const id = (name) => `${prefix}-${name}`;
  return (
    <>
      <Field id={id('name')} label={t('cmt_full_name')} required>
        <input id={id('name')} required minLength={3} maxLength={200} value={values.full_name || ''} onInput={(e) => set('full_name', e.currentTarget.value)} />
      </Field>
      <Field id={id('role')} label={t('cmt_role')} required>
        <select id={id('role')} value={values.role} onChange={(e) => set('role', e.currentTarget.value)}>
          {(words?.roles || []).map((r) => <option value={r.code}>{r.label}</option>)}
        </select>
      </Field>
      <Field id={id('sex')} label={t('cmt_sex')} required>
        <select id={id('sex')} value={values.sex} onChange={(e) => set('sex', e.currentTarget.value)}>
          {(words?.sexes || []).map((s) => <option value={s.code}>{s.label}</option>)}
        </select>
      </Field>
      <Field id={id('phone')} label={t('cmt_phone')}>
        <input id={id('phone')} type="tel" maxLength={40} pattern="[0-9+() .\-]{7,40}" value={values.contact_phone || ''} onInput={(e) => set('contact_phone', e.currentTarget.value)} />
      </Field>
      <Field id={id('email')} label={t('cmt_email')}>
        <input id={id('email')} type="email" maxLength={254} value={values.contact_email || ''} onInput={(e) => set('contact_email', e.currentTarget.value)} />
      </Field>
      <label class="check"><input type="checkbox" checked={!!values.consent_public} onChange={(e) => set('consent_public', e.currentTarget.checked)} /> {t('cmt_consent')}</label>
      <Field id={id('start')} label={t('cmt_start_on')} required>
        <input id={id('start')} type="date" required max={today} value={values.start_on || ''} onInput={(e) => set('start_on', e.currentTarget.value)} />
      </Field>
    </>
  );
}

/** A member's fields as the API takes them (empty contact fields left out). */
export function memberBody(values) {
  const body = { full_name: (values.full_name || '').trim(), role: values.role, sex: values.sex,
    consent_public: !!values.consent_public, start_on: values.start_on };
  if (values.contact_phone && values.contact_phone.trim()) body.contact_phone = values.contact_phone.trim();
  if (values.contact_email && values.contact_email.trim()) body.contact_email = values.contact_email.trim();
  return body;
}

function MemberAction({ desk, committee, words, action, names, onDone, onClose }) {
  const today = todayIn(desk);
  const { kind, member } = action;
  const [values, setValues] = useState({ role: member ? member.role : 'member_at_large', sex: 'F', start_on: today, on: today, end_on: today });
  const [document, setDocument] = useState('');
  const { error, busy, send } = useSend();
  const set = (field, value) => setValues((old) => ({ ...old, [field]: value }));
  const base = `/committees/${committee.id}/members`;
  const submit = async (event) => {
    event.preventDefault();
    let done;
    if (kind === 'add') done = await send(() => desk.muniApi('POST', base, { body: memberBody(values) }));
    if (kind === 'replace') {
      done = await send(() => desk.muniApi('POST', `${base}/${member.id}/replacement`, { body: { document: document.trim(), new: memberBody(values) } }));
    }
    if (kind === 'end') done = await send(() => desk.muniApi('POST', `${base}/${member.id}/end`, { body: { end_on: values.end_on } }));
    if (kind === 'letter') {
      done = await send(() => desk.muniApi('POST', `${base}/${member.id}/commitment-letter`,
        { body: { on: values.on, ...(values.photo_id ? { photo_id: values.photo_id } : {}) } }));
    }
    if (done) onDone(kind === 'replace' ? t('cmt_replaced') : t('desk_saved'));
  };
  return (
    <form onSubmit={submit}>
      {kind === 'end' && (
        <Field id="cmt-end-on" label={t('cmt_member_end_on')} required>
          <input id="cmt-end-on" type="date" required min={member.start_on} value={values.end_on} onInput={(e) => set('end_on', e.currentTarget.value)} />
        </Field>
      )}
      {kind === 'letter' && (
        <>
          <Field id="cmt-letter-on" label={t('cmt_letter_on')} required>
            <input id="cmt-letter-on" type="date" required max={today} value={values.on} onInput={(e) => set('on', e.currentTarget.value)} />
          </Field>
          <PhotoField desk={desk} id="cmt-letter-photo" label={t('cmt_letter_photo')} onPhoto={(photo) => set('photo_id', photo)} />
        </>
      )}
      {kind === 'replace' && (
        <Field id="cmt-replacement-document" label={t('cmt_replacement_document')} required>
          <textarea id="cmt-replacement-document" rows="3" required minLength={3} maxLength={4000} value={document} onInput={(e) => setDocument(e.currentTarget.value)} />
        </Field>
      )}
      {(kind === 'add' || kind === 'replace') && (
        <fieldset>
          {kind === 'replace' && <legend>{t('cmt_replacement_new')}</legend>}
          <MemberFields prefix={`cmt-${kind}`} words={words} values={values} set={set} today={today} />
        </fieldset>
      )}
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>{t('cmt_save')}</button>
      <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
    </form>
  );
}

function Members({ desk, committee, words, members, names, reload, notify }) {
  const [past, setPast] = useState(false);
  const [action, setAction] = useState(null);
  const closed = CLOSED.includes(committee.state);
  const list = (members.data || []).filter((m) => past || m.active).sort((a, b) => Number(b.active) - Number(a.active));
  const titles = {
    add: () => t('cmt_member_add'),
    end: (m) => t('cmt_member_end_title', { name: m.full_name }),
    replace: (m) => t('cmt_member_replace_title', { name: m.full_name }),
    letter: (m) => t('cmt_letter_title', { name: m.full_name }),
  };
  return (
    <section id="cmt-members" aria-labelledby="cmt-members-title">
      <h2 id="cmt-members-title">{t('cmt_members')}</h2>
      <div class="toolbar">
        <label class="check"><input type="checkbox" checked={past} onChange={(e) => setPast(e.currentTarget.checked)} /> {t('cmt_members_show_past')}</label>
        {!closed && <button type="button" onClick={() => setAction({ kind: 'add' })}>{t('cmt_member_add')}</button>}
      </div>
      {closed && <p class="muted">{t('cmt_closed_members')}</p>}
      <ErrorBox error={members.error} onRetry={members.reload} />
      {members.loading && !members.data ? <Loading /> : (
        <div class="table-wrap">
          <table class="cmt-members">
            <thead>
              <tr>
                <th scope="col">{t('cmt_col_member')}</th>
                <th scope="col">{t('cmt_col_role')}</th>
                <th scope="col">{t('cmt_col_sex')}</th>
                <th scope="col">{t('cmt_col_period')}</th>
                <th scope="col">{t('cmt_col_letter')}</th>
                <th scope="col">{t('cmt_col_public')}</th>
                <th scope="col">{t('cmt_col_contact')}</th>
                {!closed && <th scope="col">{t('cmt_col_actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr class={m.active ? undefined : 'past'}>
                  <th scope="row">{m.full_name}
                    {!m.active && <div class="muted">{t('cmt_member_past')}</div>}
                    {m.replaced_member_id && <div class="muted">{t('cmt_replaces', { name: names.get(m.replaced_member_id) || '—', document: m.replacement_document || '—' })}</div>}
                  </th>
                  <td>{word(words, 'roles', m.role)}</td>
                  <td>{word(words, 'sexes', m.sex)}</td>
                  <td>{t('cmt_since', { date: formatDay(m.start_on) })}{m.end_on && <div>{t('cmt_until', { date: formatDay(m.end_on) })}</div>}</td>
                  <td>{m.commitment_letter_on ? t('cmt_letter_signed', { date: formatDay(m.commitment_letter_on) }) : (
                    <>
                      <span class="muted">{t('cmt_letter_missing')}</span>
                      {!closed && m.active && <div><button type="button" class="link" onClick={() => setAction({ kind: 'letter', member: m })}>{t('cmt_letter_record')}{hidden(m.full_name)}</button></div>}
                    </>
                  )}</td>
                  <td>{m.consent_public ? t('cmt_yes') : t('cmt_no')}</td>
                  <td>{m.contact_phone && <div>{m.contact_phone}</div>}{m.contact_email && <div>{m.contact_email}</div>}</td>
                  {!closed && (
                    <td>{m.active && (
                      <>
                        <button type="button" onClick={() => setAction({ kind: 'replace', member: m })}>{t('cmt_member_replace')}{hidden(m.full_name)}</button>
                        <button type="button" class="secondary" onClick={() => setAction({ kind: 'end', member: m })}>{t('cmt_member_end')}{hidden(m.full_name)}</button>
                      </>
                    )}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog title={action ? titles[action.kind](action.member) : ''} open={!!action} onClose={() => setAction(null)}>
        {action && (
          <MemberAction key={`${action.kind}-${action.member?.id}`} desk={desk} committee={committee} words={words} action={action} names={names}
            onClose={() => setAction(null)} onDone={(message) => { setAction(null); reload(); notify(message); }} />
        )}
      </Dialog>
    </section>
  );
}

// ------------------------------------------------------------------------------------------------ trainings

function MemberChecks({ legend, members, chosen, setChosen }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {members.map((m) => (
        <label class="check"><input type="checkbox" checked={chosen.includes(m.id)}
          onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, m.id] : chosen.filter((x) => x !== m.id))} /> {m.full_name}</label>
      ))}
    </fieldset>
  );
}

function TrainingForm({ desk, committee, active, training, onDone, onClose }) {
  const today = todayIn(desk);
  const [values, setValues] = useState({ held_on: today, all: false });
  const [chosen, setChosen] = useState([]);
  const { error, busy, send } = useSend();
  const set = (field, value) => setValues((old) => ({ ...old, [field]: value }));
  const candidates = training ? active.filter((m) => !training.attendees.includes(m.id)) : active;
  const submit = async (event) => {
    event.preventDefault();
    const done = training
      ? await send(() => desk.muniApi('POST', `/committees/trainings/${training.id}/attendance`, { body: { member_ids: chosen } }))
      : await send(() => desk.muniApi('POST', '/committees/trainings', { body: {
        committee_id: values.all ? null : committee.id, topic: (values.topic || '').trim(), held_on: values.held_on,
        trainer: (values.trainer || '').trim(), place: (values.place || '').trim() || null, member_ids: chosen } }));
    if (done) onDone(t('desk_saved'));
  };
  return (
    <form onSubmit={submit}>
      {!training && (
        <>
          <Field id="cmt-training-topic" label={t('cmt_training_topic')} required>
            <input id="cmt-training-topic" required minLength={3} maxLength={300} value={values.topic || ''} onInput={(e) => set('topic', e.currentTarget.value)} />
          </Field>
          <Field id="cmt-training-on" label={t('cmt_training_on')} required>
            <input id="cmt-training-on" type="date" required value={values.held_on} onInput={(e) => set('held_on', e.currentTarget.value)} />
          </Field>
          <Field id="cmt-training-trainer" label={t('cmt_training_trainer')} required>
            <input id="cmt-training-trainer" required minLength={3} maxLength={200} value={values.trainer || ''} onInput={(e) => set('trainer', e.currentTarget.value)} />
          </Field>
          <Field id="cmt-training-place" label={t('cmt_training_place')}>
            <input id="cmt-training-place" maxLength={300} value={values.place || ''} onInput={(e) => set('place', e.currentTarget.value)} />
          </Field>
          <label class="check"><input type="checkbox" checked={values.all} onChange={(e) => set('all', e.currentTarget.checked)} /> {t('cmt_training_all')}</label>
        </>
      )}
      {candidates.length === 0 && training
        ? <p>{t('cmt_training_everyone_there')}</p>
        : <MemberChecks legend={t('cmt_training_attendees')} members={candidates} chosen={chosen} setChosen={setChosen} />}
      <ErrorBox error={error} />
      <button type="submit" disabled={busy || (training && chosen.length === 0)}>{t('cmt_save')}</button>
      <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
    </form>
  );
}

function Trainings({ desk, committee, members, names, notify }) {
  const trainings = useLoad(() => desk.muniApi('GET', `/committees/${committee.id}/trainings`), [desk.muni, committee.id]);
  const [open, setOpen] = useState(null); // {training} or {} for a new one
  const ours = new Set((members.data || []).map((m) => m.id));
  const active = (members.data || []).filter((m) => m.active);
  const list = [...(trainings.data || [])].sort((a, b) => (a.held_on < b.held_on ? 1 : -1));
  const closed = CLOSED.includes(committee.state);
  return (
    <section id="cmt-trainings" aria-labelledby="cmt-trainings-title">
      <h2 id="cmt-trainings-title">{t('cmt_trainings')}</h2>
      {!closed && <button type="button" onClick={() => setOpen({})}>{t('cmt_training_add')}</button>}
      <ErrorBox error={trainings.error} onRetry={trainings.reload} />
      {trainings.loading && !trainings.data ? <Loading /> : list.length === 0 ? <p>{t('cmt_trainings_none')}</p> : (
        <ul class="cmt-cards">
          {list.map((training) => {
            const here = training.attendees.filter((id) => ours.has(id));
            return (
              <li class="card">
                <h3>{training.topic}</h3>
                <p class="meta"><span>{formatDay(training.held_on)}</span><span>{t('cmt_training_by', { trainer: training.trainer })}</span>
                  {training.place && <span>{training.place}</span>}
                  {!training.committee_id && <span>{t('cmt_training_municipal')}</span>}</p>
                <p>{t('cmt_training_attendance', { n: here.length })}{here.length > 0 && `: ${here.map((id) => names.get(id)).join(', ')}`}</p>
                {!closed && <button type="button" class="secondary" onClick={() => setOpen({ training })}>{t('cmt_training_add_attendees')}{hidden(training.topic)}</button>}
              </li>
            );
          })}
        </ul>
      )}
      <Dialog title={open ? (open.training ? t('cmt_training_add_attendees_title', { topic: open.training.topic }) : t('cmt_training_add')) : ''}
        open={!!open} onClose={() => setOpen(null)}>
        {open && <TrainingForm key={open.training?.id || 'new'} desk={desk} committee={committee} active={active} training={open.training}
          onClose={() => setOpen(null)} onDone={(message) => { setOpen(null); trainings.reload(); notify(message); }} />}
      </Dialog>
    </section>
  );
}

// ------------------------------------------------------------------------------------------------ meetings

function AgreementFields({ prefix, active, value, set }) {
  const id = (name) => `${prefix}-${name}`;
  const owner = value.owner ?? '';
  return (
    <>
      <Field id={id('text')} label={t('cmt_agreement_text')} required>
        <textarea id={id('text')} rows="2" required minLength={3} maxLength={4000} value={value.text || ''} onInput={(e) => set({ ...value, text: e.currentTarget.value })} />
      </Field>
      <Field id={id('owner')} label={t('cmt_agreement_owner')}>
        <select id={id('owner')} value={owner} onChange={(e) => set({ ...value, owner: e.currentTarget.value })}>
          <option value="">{t('cmt_agreement_owner_none')}</option>
          {active.map((m) => <option value={m.id}>{m.full_name}</option>)}
          <option value="other">{t('cmt_agreement_owner_other')}</option>
        </select>
      </Field>
      {owner === 'other' && (
        <Field id={id('owner-text')} label={t('cmt_agreement_owner_text')} required>
          <input id={id('owner-text')} required minLength={2} maxLength={200} value={value.owner_text || ''} onInput={(e) => set({ ...value, owner_text: e.currentTarget.value })} />
        </Field>
      )}
      <Field id={id('due')} label={t('cmt_agreement_due')}>
        <input id={id('due')} type="date" value={value.due_on || ''} onInput={(e) => set({ ...value, due_on: e.currentTarget.value })} />
      </Field>
    </>
  );
}

/** An agreement as the API takes it: an owner among the members, or someone named outside the committee. */
export function agreementBody(value) {
  const body = { text: (value.text || '').trim() };
  if (value.owner === 'other') body.owner_text = (value.owner_text || '').trim();
  else if (value.owner) body.owner_member_id = value.owner;
  if (value.due_on) body.due_on = value.due_on;
  return body;
}

function MeetingForm({ desk, committee, active, onDone, onClose }) {
  const today = todayIn(desk);
  const [values, setValues] = useState({ held_on: today });
  const [chosen, setChosen] = useState([]);
  const [agreements, setAgreements] = useState([]);
  const { error, busy, send } = useSend();
  const set = (field, value) => setValues((old) => ({ ...old, [field]: value }));
  const submit = async (event) => {
    event.preventDefault();
    const body = { held_on: values.held_on, place_description: (values.place || '').trim() || null,
      minutes: (values.minutes || '').trim() || null, member_ids: chosen,
      agreements: agreements.filter((a) => (a.text || '').trim()).map(agreementBody) };
    const done = await send(() => desk.muniApi('POST', `/committees/${committee.id}/meetings`, { body }));
    if (done) onDone(t('cmt_meeting_recorded'));
  };
  return (
    <form onSubmit={submit}>
      <Field id="cmt-meeting-on" label={t('cmt_meeting_on')} required>
        <input id="cmt-meeting-on" type="date" required max={today} value={values.held_on} onInput={(e) => set('held_on', e.currentTarget.value)} />
      </Field>
      <Field id="cmt-meeting-place" label={t('cmt_meeting_place')}>
        <input id="cmt-meeting-place" maxLength={300} value={values.place || ''} onInput={(e) => set('place', e.currentTarget.value)} />
      </Field>
      <Field id="cmt-meeting-minutes" label={t('cmt_meeting_minutes')}>
        <textarea id="cmt-meeting-minutes" rows="5" maxLength={20000} value={values.minutes || ''} onInput={(e) => set('minutes', e.currentTarget.value)} />
      </Field>
      <MemberChecks legend={t('cmt_meeting_attendees')} members={active} chosen={chosen} setChosen={setChosen} />
      {agreements.map((agreement, index) => (
        <fieldset>
          <legend>{t('cmt_agreement_n', { n: index + 1 })}</legend>
          <AgreementFields prefix={`cmt-new-agreement-${index}`} active={active} value={agreement}
            set={(value) => setAgreements(agreements.map((a, i) => (i === index ? value : a)))} />
          <button type="button" class="link" onClick={() => setAgreements(agreements.filter((_, i) => i !== index))}>{t('cmt_agreement_remove')}</button>
        </fieldset>
      ))}
      <button type="button" class="secondary" onClick={() => setAgreements([...agreements, {}])}>
        {agreements.length ? t('cmt_agreement_add_more') : t('cmt_agreement_add')}
      </button>
      <ErrorBox error={error} />
      <div><button type="submit" disabled={busy}>{t('cmt_save')}</button>
        <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button></div>
    </form>
  );
}

function AgreementForm({ desk, committee, meeting, active, onDone, onClose }) {
  const [value, setValue] = useState({});
  const { error, busy, send } = useSend();
  const submit = async (event) => {
    event.preventDefault();
    const done = await send(() => desk.muniApi('POST', `/committees/${committee.id}/meetings/${meeting.id}/agreements`, { body: agreementBody(value) }));
    if (done) onDone(t('desk_saved'));
  };
  return (
    <form onSubmit={submit}>
      <AgreementFields prefix="cmt-agreement" active={active} value={value} set={setValue} />
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>{t('cmt_save')}</button>
      <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
    </form>
  );
}

function AgreementRow({ desk, committee, agreement, words, names, onChanged }) {
  const { error, busy, send } = useSend();
  const move = async (status) => {
    const done = await send(() => desk.muniApi('PATCH', `/committees/${committee.id}/agreements/${agreement.id}`, { body: { status } }));
    if (done) onChanged();
  };
  const owner = agreement.owner_member_id ? names.get(agreement.owner_member_id) : agreement.owner_text;
  return (
    <tr class={agreement.overdue ? 'overdue' : undefined} data-status={agreement.status} data-id={agreement.id}>
      <td>{agreement.text}<ErrorBox error={error} /></td>
      <td>{owner || <span class="muted">{t('cmt_agreement_owner_none')}</span>}</td>
      <td>{agreement.due_on ? formatDay(agreement.due_on) : <span class="muted">{t('cmt_agreement_no_due')}</span>}</td>
      <td>{word(words, 'agreement_statuses', agreement.status)}
        {agreement.overdue && <> <span class="badge overdue">{t('cmt_agreement_overdue')}</span></>}</td>
      <td>{agreement.status === 'pending' ? (
        <>
          <button type="button" disabled={busy} onClick={() => move('done')}>{t('cmt_agreement_done')}{hidden(agreement.text)}</button>
          <button type="button" class="secondary" disabled={busy} onClick={() => move('cancelled')}>{t('cmt_agreement_cancel')}{hidden(agreement.text)}</button>
        </>
      ) : <button type="button" class="link" disabled={busy} onClick={() => move('pending')}>{t('cmt_agreement_reopen')}{hidden(agreement.text)}</button>}</td>
    </tr>
  );
}

function Meetings({ desk, committee, words, members, names, notify }) {
  const meetings = useLoad(() => desk.muniApi('GET', `/committees/${committee.id}/meetings`), [desk.muni, committee.id]);
  const [open, setOpen] = useState(null); // {} new meeting, {meeting} new agreement
  const active = (members.data || []).filter((m) => m.active);
  const list = [...(meetings.data || [])].sort((a, b) => (a.held_on < b.held_on ? 1 : -1));
  const overdue = list.flatMap((m) => m.agreements).filter((a) => a.overdue).length;
  return (
    <section id="cmt-meetings" aria-labelledby="cmt-meetings-title">
      <h2 id="cmt-meetings-title">{t('cmt_meetings')}</h2>
      <button type="button" onClick={() => setOpen({})}>{t('cmt_meeting_add')}</button>
      {overdue > 0 && <p class="cmt-overdue"><span class="badge overdue">{t('cmt_overdue_summary', { n: overdue })}</span></p>}
      <ErrorBox error={meetings.error} onRetry={meetings.reload} />
      {meetings.loading && !meetings.data ? <Loading /> : list.length === 0 ? <p>{t('cmt_meetings_none')}</p> : list.map((meeting) => (
        <article class="card cmt-meeting" aria-labelledby={`cmt-meeting-${meeting.id}`}>
          <h3 id={`cmt-meeting-${meeting.id}`}>{t('cmt_meeting_heading', { date: formatDay(meeting.held_on) })}</h3>
          {meeting.place_description && <p class="meta">{meeting.place_description}</p>}
          <p>{meeting.attendees.length ? t('cmt_meeting_attendance', { names: meeting.attendees.map((id) => names.get(id) || '—').join(', ') }) : <span class="muted">{t('cmt_meeting_nobody')}</span>}</p>
          {meeting.minutes && <details><summary>{t('cmt_meeting_minutes_show')}</summary><p class="cmt-minutes">{meeting.minutes}</p></details>}
          {meeting.agreements.length === 0 ? <p class="muted">{t('cmt_agreements_none')}</p> : (
            <div class="table-wrap">
              <table class="cmt-agreements">
                <caption class="visually-hidden">{t('cmt_agreements')}: {t('cmt_meeting_heading', { date: formatDay(meeting.held_on) })}</caption>
                <thead><tr>
                  <th scope="col">{t('cmt_agreement_text')}</th><th scope="col">{t('cmt_agreement_owner')}</th>
                  <th scope="col">{t('cmt_agreement_due')}</th><th scope="col">{t('cmt_agreement_status')}</th>
                  <th scope="col">{t('cmt_col_actions')}</th>
                </tr></thead>
                <tbody>
                  {meeting.agreements.map((agreement) => (
                    <AgreementRow desk={desk} committee={committee} agreement={agreement} words={words} names={names} onChanged={meetings.reload} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <button type="button" class="secondary" onClick={() => setOpen({ meeting })}>{t('cmt_agreement_add')}{hidden(t('cmt_meeting_heading', { date: formatDay(meeting.held_on) }))}</button>
        </article>
      ))}
      <Dialog title={open ? (open.meeting ? t('cmt_agreement_add_title', { date: formatDay(open.meeting.held_on) }) : t('cmt_meeting_add')) : ''}
        open={!!open} onClose={() => setOpen(null)}>
        {open && (open.meeting
          ? <AgreementForm key={open.meeting.id} desk={desk} committee={committee} meeting={open.meeting} active={active}
              onClose={() => setOpen(null)} onDone={(message) => { setOpen(null); meetings.reload(); notify(message); }} />
          : <MeetingForm key="new" desk={desk} committee={committee} active={active}
              onClose={() => setOpen(null)} onDone={(message) => { setOpen(null); meetings.reload(); notify(message); }} />)}
      </Dialog>
    </section>
  );
}

// ------------------------------------------------------------------------------------------------ parity, report

function ParityTable({ report, words, caption }) {
  const sexes = (words?.sexes || []).map((s) => s.code);
  return (
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
  const words = useLoad(() => vocabulary(desk), [desk.muni]);
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
