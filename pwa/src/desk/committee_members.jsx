// The committee's members, past and present: roles, commitment letters, ending a membership, and replacing a member
// with the replacement record (acta de sustitución). Part of /mesa/comites/{id} (committee.jsx).
import { useState } from 'preact/hooks';
import { formatDay, t } from '../lib/i18n.js';
import { Dialog, ErrorBox, Loading } from './ui.jsx';
import { todayIn, word } from './committees_words.js';
import { CLOSED, Field, PhotoField, hidden, useSend } from './committee_parts.jsx';

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

export function Members({ desk, committee, words, members, names, reload, notify }) {
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
