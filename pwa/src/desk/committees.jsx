// /mesa/comites: the coordinator's register of committees (drafts included): state, works, members, parity and
// overdue agreements per committee, filters, the municipality's parity, and "Registrar comité".
// Data: GET …/committees (with state/kind filters), GET …/committees/agreements/overdue, GET …/committees/parity,
// GET /committees/vocabulary (the words). docs/committees.md, "The coordinator's desk".
import { useMemo, useState } from 'preact/hooks';
import { addTexts, language, t } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, useLoad } from './ui.jsx';
import { percent, vocabulary, word } from './committees_words.js';
import texts from './texts/committees.js';

addTexts(texts);

/** The parity cell of one committee: "3 de 6 mujeres · presidencia: mujer". */
export function parityCell(item) {
  if (!item.members) return '—';
  const chair = item.chair_is_woman === null || item.chair_is_woman === undefined ? t('cmt_chair_vacant')
    : item.chair_is_woman ? t('cmt_chair_woman') : t('cmt_chair_man');
  return `${t('cmt_parity_cell', { women: item.women, members: item.members })} · ${chair}`;
}

/** Committees matching the text (name, program or a work's number or title), case and accents ignored. */
export function matches(item, text) {
  if (!text) return true;
  const plain = (s) => (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const wanted = plain(text.trim());
  return [item.name, item.program, ...item.works.flatMap((w) => [w.identifier, w.title])].some((s) => plain(s).includes(wanted));
}

/** The form to register a committee or edit one (name, kind, program, works): used here and in committee.jsx. */
export function CommitteeForm({ desk, words, initial, submitLabel, onSubmit, busy }) {
  const [name, setName] = useState(initial?.name || '');
  const [kind, setKind] = useState(initial?.kind || 'works');
  const [program, setProgram] = useState(initial?.program || '');
  const [works, setWorks] = useState(initial?.works || []);
  const [search, setSearch] = useState('');
  const found = useLoad(
    () => (search.trim().length >= 2 ? desk.muniApi('GET', '/works', { query: { q: search.trim(), limit: 10 } }) : Promise.resolve({ items: [] })),
    [search, desk.muni],
  );
  const add = (work) => { if (!works.some((w) => w.id === work.id)) setWorks([...works, { id: work.id, identifier: work.identifier, title: work.title }]); };
  const submit = (event) => {
    event.preventDefault();
    onSubmit({ name: name.trim(), kind, program: program.trim() || null, work_ids: works.map((w) => w.id) }, works);
  };
  const candidates = (found.data?.items || []).filter((w) => !works.some((x) => x.id === w.id));
  return (
    <form onSubmit={submit} class="cmt-form">
      <label for="cmt-name">{t('cmt_name')}</label>
      <input id="cmt-name" required minLength={3} maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="cmt-kind">{t('cmt_kind')}</label>
      <select id="cmt-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
        {(words?.kinds || []).map((k) => <option value={k.code}>{k.label}</option>)}
      </select>
      <label for="cmt-program">{t('cmt_program')} {kind !== 'program' && <span class="muted">{t('cmt_optional')}</span>}</label>
      <input id="cmt-program" maxLength={200} required={kind === 'program'} value={program} onInput={(e) => setProgram(e.currentTarget.value)} />
      <fieldset>
        <legend>{t('cmt_works')}</legend>
        {works.length > 0 && (
          <ul class="cmt-chosen" aria-label={t('cmt_works_chosen')}>
            {works.map((w) => (
              <li>{w.identifier} · {w.title}{' '}
                <button type="button" class="link" onClick={() => setWorks(works.filter((x) => x.id !== w.id))}>
                  {t('cmt_remove_work', { work: w.identifier })}
                </button>
              </li>
            ))}
          </ul>
        )}
        <label for="cmt-work-search">{t('cmt_works_search')}</label>
        <input id="cmt-work-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        {search.trim().length >= 2 && !found.loading && candidates.length === 0 && <p class="muted">{t('cmt_works_none')}</p>}
        {candidates.length > 0 && (
          <ul class="cmt-candidates">
            {candidates.map((w) => (
              <li><button type="button" class="link" onClick={() => add(w)}>{w.identifier} · {w.title}</button></li>
            ))}
          </ul>
        )}
      </fieldset>
      <button type="submit" disabled={busy}>{submitLabel}</button>
    </form>
  );
}

function RegisterDialog({ desk, words, open, onClose }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const create = async (body) => {
    setBusy(true);
    setError(null);
    try {
      const created = await desk.muniApi('POST', '/committees', { body });
      onClose();
      desk.navigate(`/mesa/comites/${created.id}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('cmt_register')} open={open} onClose={onClose}>
      {open && <CommitteeForm desk={desk} words={words} submitLabel={t('cmt_create')} onSubmit={create} busy={busy} />}
      <ErrorBox error={error} />
      <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
    </Dialog>
  );
}

export default function Committees({ desk }) {
  const [state, setState] = useState('');
  const [kind, setKind] = useState('');
  const [text, setText] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [registering, setRegistering] = useState(false);
  const words = useLoad(() => vocabulary(desk), [desk.muni, language()]);
  const list = useLoad(() => desk.muniApi('GET', '/committees', { query: { state, kind } }), [desk.muni, state, kind]);
  const overdue = useLoad(() => desk.muniApi('GET', '/committees/agreements/overdue'), [desk.muni]);
  const parity = useLoad(() => desk.muniApi('GET', '/committees/parity'), [desk.muni]);
  const overdueBy = useMemo(() => {
    const counts = new Map();
    for (const agreement of overdue.data || []) counts.set(agreement.committee_id, (counts.get(agreement.committee_id) || 0) + 1);
    return counts;
  }, [overdue.data]);
  const shown = (list.data || []).filter((item) => matches(item, text) && (!overdueOnly || overdueBy.get(item.id)));
  const w = words.data;
  return (
    <section class="cmt">
      <h1 tabIndex={-1}>{t('cmt_title')}</h1>
      <p class="muted">{t('cmt_intro')}</p>
      <div class="toolbar">
        <label>{t('cmt_filter_state')}
          <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">{t('cmt_all')}</option>
            {(w?.states || []).map((s) => <option value={s.code}>{s.label}</option>)}
          </select>
        </label>
        <label>{t('cmt_filter_kind')}
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('cmt_all')}</option>
            {(w?.kinds || []).map((k) => <option value={k.code}>{k.label}</option>)}
          </select>
        </label>
        <label>{t('cmt_filter_text')}
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <label class="check"><input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.currentTarget.checked)} /> {t('cmt_filter_overdue')}</label>
        <button type="button" onClick={() => setRegistering(true)}>{t('cmt_register')}</button>
      </div>
      {parity.data && (
        <p class="cmt-muni-parity"><strong>{t('cmt_muni_parity')}:</strong>{' '}
          {t('cmt_muni_parity_line', {
            committees: parity.data.committees, members: parity.data.members,
            share: percent(parity.data.women_share) ?? t('cmt_share_none'),
            chairs: parity.data.chairs_held_by_women, secretaries: parity.data.secretaries_held_by_women,
          })}
        </p>
      )}
      <ErrorBox error={list.error || words.error || overdue.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : (
        <>
          <p role="status">{t('cmt_count', { n: shown.length })}</p>
          {shown.length === 0 ? <p>{t('cmt_none')}</p> : (
            <div class="table-wrap">
              <table class="cmt-register">
                <thead>
                  <tr>
                    <th scope="col">{t('cmt_col_name')}</th>
                    <th scope="col">{t('cmt_col_kind')}</th>
                    <th scope="col">{t('cmt_col_state')}</th>
                    <th scope="col">{t('cmt_col_works')}</th>
                    <th scope="col">{t('cmt_col_members')}</th>
                    <th scope="col">{t('cmt_col_parity')}</th>
                    <th scope="col">{t('cmt_col_overdue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((item) => {
                    const late = overdueBy.get(item.id) || 0;
                    return (
                      <tr data-state={item.state}>
                        <th scope="row"><Link href={`/mesa/comites/${item.id}`}>{item.name}</Link>
                          {item.registration_number && <div class="muted">{item.registration_number}</div>}</th>
                        <td>{word(w, 'kinds', item.kind)}{item.program && <div class="muted">{item.program}</div>}</td>
                        <td><span class={`badge state-${item.state}`}>{word(w, 'states', item.state)}</span></td>
                        <td>{item.works.length ? item.works.map((x) => <div title={x.title}>{x.identifier}</div>) : <span class="muted">{t('cmt_no_works')}</span>}</td>
                        <td>{item.members}</td>
                        <td>{parityCell(item)}</td>
                        <td>{late ? <span class="badge overdue">{t('cmt_overdue_n', { n: late })}</span> : <span class="muted">{t('cmt_overdue_none')}</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <RegisterDialog desk={desk} words={w} open={registering} onClose={() => setRegistering(false)} />
    </section>
  );
}
