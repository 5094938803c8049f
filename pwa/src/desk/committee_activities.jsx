// The committee's trainings (with attendance) and meetings (attendance, minutes, agreements with responsible and due
// date, done/cancelled, overdue highlighted). Part of /mesa/comites/{id} (committee.jsx).
import { useState } from 'preact/hooks';
import { formatDay, t } from '../lib/i18n.js';
import { Dialog, ErrorBox, Loading, useLoad } from './ui.jsx';
import { todayIn, word } from './committees_words.js';
import { CLOSED, Field, MemberChecks, hidden, useSend } from './committee_parts.jsx';

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

export function Trainings({ desk, committee, members, names, notify }) {
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
  const [due, setDue] = useState(null); // null: not changing the due date; a string: the date being typed
  const patch = async (body) => {
    const done = await send(() => desk.muniApi('PATCH', `/committees/${committee.id}/agreements/${agreement.id}`, { body }));
    if (done) { setDue(null); onChanged(); }
  };
  const move = (status) => patch({ status });
  const dueId = `cmt-due-${agreement.id}`;
  const owner = agreement.owner_member_id ? names.get(agreement.owner_member_id) : agreement.owner_text;
  return (
    <tr class={agreement.overdue ? 'overdue' : undefined} data-status={agreement.status} data-id={agreement.id}>
      <td>{agreement.text}<ErrorBox error={error} /></td>
      <td>{owner || <span class="muted">{t('cmt_agreement_owner_none')}</span>}</td>
      <td>{agreement.due_on ? formatDay(agreement.due_on) : <span class="muted">{t('cmt_agreement_no_due')}</span>}
        {agreement.status === 'pending' && (due === null
          ? <div><button type="button" class="link" onClick={() => setDue(agreement.due_on || '')}>{t('cmt_agreement_change_due')}{hidden(agreement.text)}</button></div>
          : (
            <form class="cmt-due" onSubmit={(e) => { e.preventDefault(); patch({ due_on: due || null }); }}>
              <label for={dueId}>{t('cmt_agreement_new_due')}</label>
              <input id={dueId} type="date" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
              <button type="submit" disabled={busy}>{t('cmt_save')}</button>
              <button type="button" class="link" onClick={() => setDue(null)}>{t('desk_cancel')}</button>
            </form>
          ))}</td>
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

export function Meetings({ desk, committee, words, members, names, notify }) {
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
