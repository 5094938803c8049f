// One complaint for staff (/mesa/quejas/:id): header with the term, description, timeline, the exact point on a
// map, photos as evidence, who filed it (only to the comptroller handling it), linked work, likely duplicates,
// a button per move allowed now (each a dialog with the reason and, where the reporter is answered, a template
// picker), private notes, and assignment / priority / category / work. Every write sends the version read; a
// 409 shows both versions field by field. docs/pwa.md, "A complaint".
import { useEffect, useRef, useState } from 'preact/hooks';
import { addTexts, formatBytes, formatDate, formatDay, t } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, StaleComparison, useLoad } from './ui.jsx';
import texts from './texts/complaint.js';
import { attributeRows, editRows, kindLabel, priorityLabel, termText } from './complaint_words.js';

addTexts(texts);

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const OUTCOMES = ['upheld', 'not_upheld'];

const isStale = (error) => error && error.status === 409 && error.code === 'stale_version';
const savedRecord = (error) => (error && error.details && error.details[0] && error.details[0].current) || null;

function useShortcuts(handlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (document.querySelector('dialog[open]')) return;
      const handler = ref.current[event.key];
      if (handler) { event.preventDefault(); handler(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export default function ComplaintScreen({ desk, params }) {
  const id = params.id;
  const main = useLoad(() => desk.muniApi('GET', `/complaints/${id}`), [id, desk.muni]);
  const [complaint, setComplaint] = useState(null);
  // a fresh read keeps the linked work's title already fetched (LinkedWork fetches it again only when it changes)
  const keepWork = (next) => (old) => ({ ...next, _work: old && old._work && old._work.id === next.work_id ? old._work : null });
  useEffect(() => { if (main.data) setComplaint(keepWork(main.data)); }, [main.data]);
  const users = useLoad(() => desk.muniApi('GET', '/users').catch(() => []), [desk.muni]);
  const categories = useLoad(() => desk.muniApi('GET', '/complaints/categories'), [desk.muni]);
  const [status, setStatus] = useState('');
  const [stale, setStale] = useState(null); // {rows}
  const [moving, setMoving] = useState(null); // a move of complaint.moves
  const noteBox = useRef(null);
  const editBox = useRef(null);

  const staffUsers = (users.data || []).filter((u) => u.is_national_admin || (u.roles || []).some((g) => g.role === 'comptroller' || g.role === 'admin'));
  const userName = (uid) => {
    if (uid && desk.me && uid === desk.me.id) return desk.me.full_name;
    const found = (users.data || []).find((u) => u.id === uid);
    return found ? found.full_name : t('complaint_someone');
  };
  const categoryName = (code) => {
    const found = (categories.data || []).find((c) => c.service_code === code);
    return found ? found.name : code;
  };

  const reload = () => { setStale(null); return main.reload(); };
  const updated = (next, message) => { setComplaint(keepWork(next)); setStale(null); setStatus(message); };

  const assignMe = () => editBox.current && editBox.current.assignMe();
  useShortcuts({
    a: assignMe,
    n: () => noteBox.current && noteBox.current.focus(),
    e: () => editBox.current && editBox.current.focus(),
    u: () => desk.navigate('/mesa/quejas'),
    '?': () => { const help = document.querySelector('details.shortcuts'); if (help) { help.open = !help.open; help.querySelector('summary').focus(); } },
    ...Object.fromEntries((complaint ? complaint.moves : []).slice(0, 9).map((move, i) => [String(i + 1), () => setMoving(move)])),
  });

  if (main.error && !complaint) return <><h1 tabIndex={-1}>{t('desk_nav_queue')}</h1><ErrorBox error={main.error} onRetry={main.reload} /></>;
  if (!complaint) return <Loading />;
  const c = complaint;
  const names = { user: userName, category: categoryName, work: (wid) => (wid === c.work_id && c._work ? c._work.title : wid) };

  return (
    <div class="complaint-screen">
      <p class="crumbs"><Link href="/mesa/quejas">← {t('complaint_back')}</Link></p>
      <header class="complaint-head">
        <h1 tabIndex={-1}>{t('complaint_title', { folio: c.folio })}</h1>
        <dl class="facts">
          <div><dt>{t('complaint_state')}</dt><dd><span class={'badge state-' + c.state}>{c.state_label}</span></dd></div>
          <div><dt>{t('complaint_kind')}</dt><dd>{kindLabel(c.kind)}</dd></div>
          <div><dt>{t('complaint_category')}</dt><dd>{c.category_name}</dd></div>
          <div><dt>{t('complaint_received_on')}</dt><dd>{formatDay(c.received_on)}</dd></div>
          <div><dt>{t('complaint_due_on')}</dt><dd>{formatDay(c.due_on)} · <span class={'badge' + (c.overdue ? ' overdue' : c.business_days_left !== null && c.business_days_left <= 3 ? ' soon' : '')}>{termText(c)}</span></dd></div>
          <div><dt>{t('complaint_priority')}</dt><dd>{priorityLabel(c.priority)}</dd></div>
          <div><dt>{t('complaint_assignee')}</dt><dd>{c.assignee_id ? userName(c.assignee_id) : t('complaint_unassigned')}</dd></div>
          {c.zone && <div><dt>{t('complaint_zone')}</dt><dd>{c.zone}</dd></div>}
        </dl>
        {c.support_count > 0 && <p>{t('complaint_supports', { n: c.support_count })}</p>}
        {c.restricted && <p class="muted">{t('complaint_confidential')}</p>}
      </header>
      <p role="status" class="saved-status">{status}</p>
      {stale && <StaleComparison rows={stale.rows} onReload={reload} />}

      <div class="complaint-grid">
        <div class="complaint-main">
          <Moves c={c} onMove={setMoving} />
          <section aria-labelledby="c-description">
            <h2 id="c-description">{t('complaint_description')}</h2>
            <p class="complaint-text">{c.description}</p>
            {c.public_description && <><h3>{t('complaint_public_version')}</h3><p class="complaint-text">{c.public_description}</p></>}
            {c.attributes && Object.keys(c.attributes).length > 0 && (
              <><h3>{t('complaint_attributes')}</h3>
                <dl class="facts">{attributeRows(c, categories.data || []).map(([k, v]) => <div><dt>{k}</dt><dd>{v}</dd></div>)}</dl></>
            )}
            {c.public_answer && (
              <><h3>{t('complaint_public_answer')}</h3>
                <p class="complaint-text">{c.outcome && <strong>{t('complaint_outcome_' + c.outcome)}. </strong>}{c.public_answer}</p></>
            )}
          </section>
          <Timeline c={c} />
          <Photos desk={desk} c={c} />
          <Duplicates desk={desk} c={c} onMerged={(folio) => { reload(); setStatus(t('complaint_merged', { folio })); }} />
        </div>
        <div class="complaint-side">
          <Place c={c} />
          <Reporter c={c} />
          <LinkedWork desk={desk} c={c} onWork={(work) => setComplaint((old) => ({ ...old, _work: work }))} />
          <Handling handle={editBox} desk={desk} c={c} staffUsers={staffUsers} categories={categories.data || []} names={names}
                    onSaved={(next) => updated(next, t('complaint_saved'))}
                    onStale={(rows) => setStale({ rows })} />
          <Notes desk={desk} c={c} userName={userName} inputRef={noteBox} onAdded={() => setStatus(t('complaint_note_added'))} />
          <details class="shortcuts">
            <summary>{t('complaint_shortcuts')}</summary>
            <ul>
              <li>{t('complaint_shortcut_moves')}</li><li>{t('complaint_shortcut_assign')}</li>
              <li>{t('complaint_shortcut_note')}</li><li>{t('complaint_shortcut_edit')}</li><li>{t('complaint_shortcut_back')}</li>
              <li>{t('complaint_shortcut_help')}</li>
            </ul>
          </details>
        </div>
      </div>
      {moving && (
        <MoveDialog desk={desk} c={c} move={moving} onClose={() => setMoving(null)}
                    onDone={(next) => { setMoving(null); updated(next, t('complaint_moved', { state: next.state_label })); }}
                    onStale={(saved) => {
                      setMoving(null);
                      setStale({ rows: [[t('complaint_state'), moving.to_label, saved.state_label], ...editRows(c, saved, names).slice(0, 4),
                        [t('complaint_version'), c.version, saved.version]] });
                    }} />
      )}
    </div>
  );
}

function Moves({ c, onMove }) {
  return (
    <section aria-labelledby="c-moves" class="moves">
      <h2 id="c-moves">{t('complaint_moves')}</h2>
      {c.moves.length === 0 ? <p class="muted">{t('complaint_moves_none')}</p> : (
        <ul class="move-list">
          {c.moves.map((move, i) => (
            <li>
              <button type="button" onClick={() => onMove(move)} aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}>
                {i < 9 && <span class="key" aria-hidden="true">{i + 1}</span>}{move.label}
              </button>
              <span class="muted"> {t('complaint_move_to', { state: move.to_label })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MoveDialog({ desk, c, move, onClose, onDone, onStale }) {
  const [reason, setReason] = useState('');
  const [answer, setAnswer] = useState('');
  const [template, setTemplate] = useState('');
  const [outcome, setOutcome] = useState('');
  const [referredTo, setReferredTo] = useState('');
  const [days, setDays] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const templates = useLoad(() => desk.muniApi('GET', '/complaints/templates', { query: { state: move.to_state } }), [move.to_state]);
  const required = move.public_answer === 'required';
  const pick = (event) => {
    const chosen = (templates.data || []).find((tpl) => tpl.id === event.target.value);
    setTemplate(event.target.value);
    if (chosen) setAnswer(chosen.body);
  };
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = { to: move.to_state, reason, version: c.version };
    if (answer.trim()) body.public_answer = answer;
    if (move.fields.includes('outcome') && outcome) body.outcome = outcome;
    if (move.fields.includes('referred_to') && referredTo.trim()) body.referred_to = referredTo;
    if (move.fields.includes('extension_days') && days) body.extension_days = Number(days);
    try {
      onDone(await desk.muniApi('POST', `/complaints/${c.id}/transitions`, { body }));
    } catch (failure) {
      if (isStale(failure) && savedRecord(failure)) onStale(savedRecord(failure));
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open title={t('complaint_move_title', { move: move.label, folio: c.folio })} onClose={onClose}>
      <form onSubmit={submit} class="move-form">
        <p class="muted">{t('complaint_move_to', { state: move.to_label })}</p>
        <label>{t('desk_reason')} {t('desk_required')}
          <textarea required minLength={3} maxLength={4000} rows={3} value={reason} onInput={(e) => setReason(e.target.value)} />
        </label>
        <p class="muted small">{t('complaint_reason_help')}</p>
        {move.fields.includes('outcome') && (
          <fieldset>
            <legend>{t('complaint_outcome')} {t('desk_required')}</legend>
            {OUTCOMES.map((value) => (
              <label class="inline"><input type="radio" name="outcome" value={value} required checked={outcome === value}
                                           onChange={() => setOutcome(value)} /> {t('complaint_outcome_' + value)}</label>
            ))}
          </fieldset>
        )}
        {move.fields.includes('referred_to') && (
          <label>{t('complaint_referred_to')} {t('desk_required')}
            <input required maxLength={300} value={referredTo} onInput={(e) => setReferredTo(e.target.value)} />
          </label>
        )}
        {move.fields.includes('extension_days') && (
          <label>{t('complaint_extension_days')}
            <input type="number" min={1} max={60} value={days} onInput={(e) => setDays(e.target.value)} />
          </label>
        )}
        {(templates.data || []).length > 0 && (
          <label>{t('complaint_template')}
            <select value={template} onChange={pick}>
              <option value="">{t('complaint_template_none')}</option>
              {templates.data.map((tpl) => <option value={tpl.id}>{tpl.title}</option>)}
            </select>
          </label>
        )}
        <label>{required ? t('complaint_answer_required') : t('complaint_answer_optional')}
          <textarea required={required} maxLength={10000} rows={5} value={answer} onInput={(e) => setAnswer(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        <div class="toolbar">
          <button type="submit" disabled={busy}>{t('complaint_confirm_move')}: {move.label}</button>
          <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
        </div>
      </form>
    </Dialog>
  );
}

function Timeline({ c }) {
  return (
    <section aria-labelledby="c-timeline">
      <h2 id="c-timeline">{t('complaint_timeline')}</h2>
      {c.updates.length === 0 ? <p class="muted">{t('complaint_no_updates')}</p> : (
        <ol class="timeline">
          {c.updates.map((u) => (
            <li>
              <p><strong>{u.label}</strong>{u.from_label && u.to_label && u.from_label !== u.to_label && <span class="muted"> ({u.from_label} → {u.to_label})</span>}
                {' · '}<time datetime={u.at}>{formatDate(u.at)}</time>{u.by_reporter && <span class="muted"> · {t('complaint_by_reporter')}</span>}</p>
              {u.text && <p class="complaint-text">{u.text}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Place({ c }) {
  const [MapView, setMapView] = useState(null);
  const coords = c.location && c.location.coordinates;
  useEffect(() => {
    let live = true;
    if (coords) import('./complaint_map.jsx').then((m) => live && setMapView(() => m.PointMap));
    return () => { live = false; };
  }, [!!coords]);
  return (
    <section aria-labelledby="c-map">
      <h2 id="c-map">{t('complaint_map')}</h2>
      {!coords ? <p class="muted">{t('complaint_no_point')}</p> : (
        <>
          {MapView ? <MapView lon={coords[0]} lat={coords[1]} accuracy={c.accuracy_m} /> : <div class="map complaint-map" />}
          <p class="small">{t('complaint_point', { lat: coords[1].toFixed(6), lon: coords[0].toFixed(6) })}
            {c.accuracy_m != null && <> · {t('complaint_accuracy', { m: c.accuracy_m })}</>}</p>
          {c.address && <p class="small">{c.address}</p>}
        </>
      )}
    </section>
  );
}

function Photos({ desk, c }) {
  const [broken, setBroken] = useState({});
  const photos = useLoad(() => (c.photos.length ? desk.muniApi('GET', `/complaints/${c.id}/photos`) : Promise.resolve([])), [c.id, c.photos.join()]);
  return (
    <section aria-labelledby="c-photos">
      <h2 id="c-photos">{t('complaint_photos')}</h2>
      {photos.loading && <Loading />}
      <ErrorBox error={photos.error} onRetry={photos.reload} />
      {photos.data && photos.data.length === 0 && <p class="muted">{t('complaint_no_photos')}</p>}
      <ul class="evidence-list">
        {(photos.data || []).map((item, i) => {
          const { photo, evidence } = item;
          const copy = photo.variants && (photo.variants['320'] || Object.values(photo.variants)[0]);
          return (
            <li class="evidence">
              {copy && !broken[photo.id] ? <img src={copy.url} width={copy.width} height={copy.height} alt={t('complaint_photo_alt', { n: i + 1 })} loading="lazy"
                                                onError={() => setBroken((old) => ({ ...old, [photo.id]: true }))} />
                : <p class="muted">{t('complaint_photo_pending_copy')}</p>}
              <dl class="facts">
                <div><dt>{t('complaint_sha256')}</dt><dd><code class="hash">{evidence.sha256}</code></dd></div>
                {evidence.original_sha256 && <div><dt>{t('complaint_original_sha256')}</dt><dd><code class="hash">{evidence.original_sha256}</code></dd></div>}
                <div><dt>{t('complaint_camera')}</dt><dd>{evidence.camera || t('complaint_unknown')}</dd></div>
                <div><dt>{t('complaint_taken_at')}</dt><dd>{evidence.taken_at ? formatDate(evidence.taken_at) : t('complaint_unknown')}</dd></div>
                <div><dt>{t('complaint_place')}</dt><dd>{evidence.gps ? `${evidence.gps.lat.toFixed(6)}, ${evidence.gps.lon.toFixed(6)}` : t('complaint_unknown')}</dd></div>
                <div><dt>{t('complaint_received_at')}</dt><dd>{formatDate(evidence.received_at)}</dd></div>
                <div><dt>{t('complaint_size')}</dt><dd>{evidence.width} × {evidence.height} · {formatBytes(evidence.size_bytes)}</dd></div>
                <div><dt>{t('complaint_publication')}</dt><dd>{t('complaint_publication_' + photo.publication)}{evidence.redactions.length > 0 && ` · ${t('complaint_boxes', { n: evidence.redactions.length })}`}</dd></div>
              </dl>
              <a href={item.original_url} download>{t('complaint_original')} ({t('complaint_photo_alt', { n: i + 1 })})</a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Reporter({ c }) {
  return (
    <section aria-labelledby="c-reporter">
      <h2 id="c-reporter">{t('complaint_reporter')}</h2>
      {c.reporter_visible ? (
        <dl class="facts">
          {c.reporter && <div><dt>{t('complaint_reporter_account')}</dt><dd>{c.reporter.full_name} · <a href={'mailto:' + c.reporter.email}>{c.reporter.email}</a></dd></div>}
          {c.contact && c.contact.name && <div><dt>{t('complaint_contact_name')}</dt><dd>{c.contact.name}</dd></div>}
          {c.contact && c.contact.email && <div><dt>{t('complaint_contact_email')}</dt><dd><a href={'mailto:' + c.contact.email}>{c.contact.email}</a></dd></div>}
          {c.contact && c.contact.phone && <div><dt>{t('complaint_contact_phone')}</dt><dd><a href={'tel:' + c.contact.phone.replace(/[^0-9+]/g, '')}>{c.contact.phone}</a></dd></div>}
          {!c.reporter && !c.contact && <p>{t('complaint_reporter_anonymous')}</p>}
        </dl>
      ) : <p>{c.contact_given ? t('complaint_reporter_withheld') : t('complaint_reporter_anonymous')}</p>}
      {c.anonymous && <p class="muted small">{t('complaint_anonymous_note')}</p>}
    </section>
  );
}

function LinkedWork({ desk, c, onWork }) {
  const work = useLoad(() => (c.work_id ? desk.muniApi('GET', `/works/${c.work_id}`) : Promise.resolve(null)), [c.work_id]);
  useEffect(() => { if (work.data) onWork(work.data); }, [work.data]);
  return (
    <section aria-labelledby="c-work">
      <h2 id="c-work">{t('complaint_work')}</h2>
      {!c.work_id ? <p class="muted">{t('complaint_no_work')}</p> : (
        <p>{work.data ? <>{work.data.title} <span class="muted">({work.data.identifier})</span></> : c.work_id}
          <br /><a href={`/publico/${desk.muni}/obras/${c.work_id}`}>{t('complaint_work_public')}</a></p>
      )}
    </section>
  );
}

function Duplicates({ desk, c, onMerged }) {
  const found = useLoad(() => desk.muniApi('GET', `/complaints/${c.id}/duplicates`), [c.id, c.version]);
  const [merging, setMerging] = useState(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const merge = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      await desk.muniApi('POST', `/complaints/${merging.id}/merge`, { body: { duplicate_of: c.id, reason, version: merging.version } });
      const folio = merging.folio;
      setMerging(null);
      setReason('');
      found.reload();
      onMerged(folio);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-labelledby="c-duplicates">
      <h2 id="c-duplicates">{t('complaint_duplicates')}</h2>
      <p class="muted small">{t('complaint_duplicates_help')}</p>
      <ErrorBox error={found.error} onRetry={found.reload} />
      {found.data && found.data.length === 0 && <p class="muted">{t('complaint_no_duplicates')}</p>}
      <ul class="duplicates">
        {(found.data || []).map(({ complaint: d, distance_m }) => (
          <li>
            <p><Link href={`/mesa/quejas/${d.id}`}>{d.folio}</Link> · <span class="badge">{d.state_label}</span> · {t('complaint_distance', { m: Math.round(distance_m) })} · {formatDay(d.received_on)}</p>
            <p class="small">{(d.description || '').slice(0, 160)}</p>
            {!d.duplicate_of && d.open311_status === 'open' && (
              <button type="button" class="secondary" aria-label={`${t('complaint_merge_here')}: ${d.folio}`} onClick={() => { setError(null); setMerging(d); }}>{t('complaint_merge_here')}</button>
            )}
          </li>
        ))}
      </ul>
      {merging && (
        <Dialog open title={t('complaint_merge_title', { folio: merging.folio })} onClose={() => setMerging(null)}>
          <form onSubmit={merge}>
            <p>{t('complaint_merge_help', { folio: merging.folio, into: c.folio })}</p>
            <label>{t('desk_reason')} {t('desk_required')}
              <textarea required minLength={3} maxLength={4000} rows={3} value={reason} onInput={(e) => setReason(e.target.value)} />
            </label>
            <ErrorBox error={error} />
            <div class="toolbar">
              <button type="submit">{t('complaint_merge_here')}</button>
              <button type="button" class="secondary" onClick={() => setMerging(null)}>{t('desk_cancel')}</button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}

function Notes({ desk, c, userName, inputRef, onAdded }) {
  const notes = useLoad(() => desk.muniApi('GET', `/complaints/${c.id}/notes`), [c.id]);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false); // a double click must not add the note twice (state updates land too late)
  const add = async (event) => {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      await desk.muniApi('POST', `/complaints/${c.id}/notes`, { body: { text } });
      setText('');
      await notes.reload();
      onAdded();
    } catch (failure) {
      setError(failure);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="c-notes">
      <h2 id="c-notes">{t('complaint_notes')}</h2>
      <p class="muted small">{t('complaint_notes_help')}</p>
      <ErrorBox error={notes.error} onRetry={notes.reload} />
      {notes.data && notes.data.length === 0 && <p class="muted">{t('complaint_no_notes')}</p>}
      <ul class="notes">
        {(notes.data || []).map((note) => (
          <li><p class="small"><strong>{userName(note.author_id)}</strong> · <time datetime={note.at}>{formatDate(note.at)}</time></p>
            <p class="complaint-text">{note.text}</p></li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label>{t('complaint_note_new')}
          <textarea ref={inputRef} required maxLength={10000} rows={3} value={text} onInput={(e) => setText(e.target.value)} aria-keyshortcuts="n" />
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>{t('complaint_note_add')}</button>
      </form>
    </section>
  );
}

function Handling({ handle, desk, c, staffUsers, categories, names, onSaved, onStale }) {
  const initial = () => ({ assignee_id: c.assignee_id || '', priority: c.priority, category: c.category, work_id: c.work_id || '' });
  const [form, setForm] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  useEffect(() => { setForm(initial()); }, [c.version, c.id]);
  const point = c.location && c.location.coordinates;
  const near = useLoad(() => (point ? desk.muniApi('GET', '/works/near', { query: { lon: point[0], lat: point[1], radius_m: 1000, limit: 10 } }) : Promise.resolve([])), [c.id]);
  const set = (key) => (event) => setForm((old) => ({ ...old, [key]: event.target.value }));

  const save = async (values) => {
    const body = { version: c.version };
    if ((values.assignee_id || null) !== (c.assignee_id || null)) {
      if (values.assignee_id) body.assignee_id = values.assignee_id; else body.unassign = true;
    }
    if (values.priority !== c.priority) body.priority = values.priority;
    if (values.category !== c.category) body.category = values.category;
    if ((values.work_id || null) !== (c.work_id || null)) {
      if (values.work_id) body.work_id = values.work_id; else body.unlink_work = true;
    }
    if (Object.keys(body).length === 1) { setError({ message: t('complaint_nothing_changed') }); return; }
    setBusy(true);
    setError(null);
    try {
      onSaved(await desk.muniApi('PATCH', `/complaints/${c.id}`, { body }));
    } catch (failure) {
      if (isStale(failure) && savedRecord(failure)) {
        onStale(editRows({ ...values, assignee_id: values.assignee_id || null, work_id: values.work_id || null, state_label: c.state_label, version: c.version }, savedRecord(failure), names));
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };
  if (handle) handle.current = { focus: () => first.current && first.current.focus(), assignMe: () => desk.me && save({ ...form, assignee_id: desk.me.id }) };
  const works = [...(near.data || [])];
  const mine = desk.me && staffUsers.some((u) => u.id === desk.me.id);
  return (
    <section aria-labelledby="c-handling">
      <h2 id="c-handling">{t('complaint_handling')}</h2>
      <form onSubmit={(e) => { e.preventDefault(); save(form); }} class="handling">
        <label>{t('complaint_assignee')}
          <select ref={first} value={form.assignee_id} onChange={set('assignee_id')} aria-keyshortcuts="e">
            <option value="">{t('complaint_unassigned')}</option>
            {staffUsers.map((u) => <option value={u.id}>{u.full_name}</option>)}
            {c.assignee_id && !staffUsers.some((u) => u.id === c.assignee_id) && <option value={c.assignee_id}>{names.user(c.assignee_id)}</option>}
          </select>
        </label>
        {(mine || desk.me) && c.assignee_id !== (desk.me && desk.me.id) && (
          <button type="button" class="secondary" aria-keyshortcuts="a" disabled={busy}
                  onClick={() => save({ ...form, assignee_id: desk.me.id })}>{t('complaint_assign_me')}</button>
        )}
        <label>{t('complaint_priority')}
          <select value={form.priority} onChange={set('priority')}>
            {PRIORITIES.map((p) => <option value={p}>{priorityLabel(p)}</option>)}
          </select>
        </label>
        <label>{t('complaint_category')}
          <select value={form.category} onChange={set('category')}>
            {!categories.some((cat) => cat.service_code === c.category) && <option value={c.category}>{c.category_name}</option>}
            {categories.map((cat) => <option value={cat.service_code}>{cat.name}</option>)}
          </select>
        </label>
        <label>{t('complaint_work')}
          <select value={form.work_id} onChange={set('work_id')}>
            <option value="">{t('complaint_work_none')}</option>
            {c.work_id && !works.some((w) => w.id === c.work_id) && <option value={c.work_id}>{names.work(c.work_id)}</option>}
            {works.map((w) => <option value={w.id}>{t('complaint_work_near', { title: `${w.title} (${w.identifier})`, m: Math.round(w.distance_m) })}</option>)}
          </select>
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>{t('complaint_save')}</button>
      </form>
    </section>
  );
}
