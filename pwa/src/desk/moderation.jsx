// Moderation (/mesa/moderacion): everything that waits for review before the public may see it (docs/privacy.md),
// oldest first. A complaint: its text (publish, publish a version without personal data, keep private) and each
// photo; a photo that is no complaint's (a visit's, a committee's) on its own. Photos: the staff copy (without the
// black boxes) to draw on, a preview of the public copy made by the server, publish or keep private, with a reason.
import { useEffect, useState } from 'preact/hooks';
import { addTexts, formatDate, formatDay, t } from '../lib/i18n.js';
import { BlackoutEditor } from './blackout.jsx';
import { ErrorBox, Loading, StaleComparison, useLoad } from './ui.jsx';
import texts from './texts/moderation.js';

addTexts(texts);

const PAGE = 20;
const DECISIONS = ['approve', 'approve_with_blackout', 'keep_private'];

function publicationWords(state) {
  return t('moderation_state_' + (state || 'pending'));
}

function photoPath(photo) {
  return `/photos/${photo.id}`;
}

/** Ask for the photo until its public copies are made (after a redaction the server makes them in the background). */
async function whenReady(desk, photo, tries = 40) {
  let current = photo;
  for (let i = 0; i < tries && current.variants_status === 'pending'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    current = await desk.muniApi('GET', photoPath(photo));
  }
  return current;
}

function PhotoReview({ desk, photo, choice, onChoice, index, owner }) {
  const boxes = choice.rectangles;
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (patch) => onChoice({ ...choice, ...patch });
  const draw = (next) => {
    setPreview(null);
    set({ rectangles: next, decision: next.length ? 'approve_with_blackout' : (choice.decision === 'approve_with_blackout' ? 'approve' : choice.decision) });
  };
  const showPreview = async () => {
    setBusy(true); setError(null); setPreview(null);
    try {
      const redacted = await desk.muniApi('POST', photoPath(photo) + '/redactions',
        { body: { rectangles: boxes, public_version: choice.public_version } });
      const ready = await whenReady(desk, redacted);
      set({ public_version: ready.public_version });
      if (ready.variants_status !== 'ready') throw Object.assign(new Error(t('moderation_preview_failed')), { code: 'preview' });
      setPreview(ready.variants['1280'] || Object.values(ready.variants).pop());
    } catch (failure) {
      setError(failure.code === 'stale_version'
        ? Object.assign(new Error(t('moderation_photo_stale')), { code: 'stale' }) : failure);
    } finally { setBusy(false); }
  };
  const name = `${owner}-photo-${index}`;
  return (
    <fieldset class="moderation-photo">
      <legend>{t('moderation_photo_n', { n: index + 1 })} · {publicationWords(photo.publication)}
        {photo.redacted ? ` · ${t('moderation_photo_redacted')}` : ''}</legend>
      <BlackoutEditor src={`/api/v1/municipalities/${desk.muni}${photoPath(photo)}/staff`} width={photo.width}
                      height={photo.height} boxes={boxes} onChange={draw} label={name}
                      alt={t('moderation_staff_copy_alt', { n: index + 1 })} />
      <div class="toolbar">
        <button type="button" onClick={showPreview} disabled={busy}>{t('moderation_preview')}</button>
        {busy && <span class="muted" role="status">{t('moderation_preview_making')}</span>}
      </div>
      <ErrorBox error={error} />
      {preview && (
        <figure class="moderation-preview">
          <img src={preview.url} alt={t('moderation_preview_alt', { n: index + 1 })} width={preview.width} height={preview.height} />
          <figcaption>{t('moderation_preview_caption', { n: boxes.length })}</figcaption>
        </figure>
      )}
      <div role="radiogroup" aria-label={t('moderation_photo_decision', { n: index + 1 })} class="choices">
        {DECISIONS.map((decision) => (
          <label>
            <input type="radio" name={name} value={decision} checked={choice.decision === decision}
                   onChange={() => set({ decision })} />
            {' '}{t('moderation_photo_' + decision)}
          </label>
        ))}
      </div>
      {choice.decision === 'approve_with_blackout' && !boxes.length && <p class="problem">{t('moderation_boxes_needed')}</p>}
    </fieldset>
  );
}

function Reason({ id, value, onInput }) {
  return (
    <label for={id}>
      {t('moderation_reason')} <span class="muted">{t('desk_required')}</span>
      <textarea id={id} required minLength={3} rows={2} value={value} onInput={(e) => onInput(e.target.value)} />
      <span class="muted">{t('moderation_reason_help')}</span>
    </label>
  );
}

function photoChoice(photo) {
  return { photo_id: photo.id, decision: photo.publication === 'withheld' ? 'keep_private' : '', rectangles: [], public_version: photo.public_version };
}

function photoBody(choice) {
  const body = { photo_id: choice.photo_id, decision: choice.decision };
  if (choice.decision === 'approve_with_blackout') {
    body.rectangles = choice.rectangles;
    body.public_version = choice.public_version;
  }
  return body;
}

function ComplaintReview({ desk, item, onDone }) {
  const complaint = item.complaint;
  const [text, setText] = useState(item.text_pending ? '' : (complaint.text_publication === 'withheld' ? 'keep_private' : ''));
  const [publicText, setPublicText] = useState(complaint.public_description || complaint.description);
  const [photos, setPhotos] = useState(complaint.photos.map(photoChoice));
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [stale, setStale] = useState(null);
  const [busy, setBusy] = useState(false);
  const decided = photos.filter((p) => p.decision);
  const submit = async (event) => {
    event.preventDefault();
    setError(null); setStale(null);
    if (!text && !decided.length) { setError({ message: t('moderation_nothing_chosen') }); return; }
    const body = { version: complaint.version, reason, photos: decided.map(photoBody) };
    if (text) body.text = text;
    if (text === 'approve_with_blackout') body.public_text = publicText;
    setBusy(true);
    try {
      await desk.muniApi('POST', `/complaints/${complaint.id}/moderation`, { body });
      onDone(t('moderation_done_complaint', { folio: complaint.folio }));
    } catch (failure) {
      if (failure.code === 'stale_version') {
        const saved = await desk.muniApi('GET', `/complaints/${complaint.id}`).catch(() => null);
        setStale(saved);
      } else setError(failure);
    } finally { setBusy(false); }
  };
  const staleRows = (saved) => [
    [t('moderation_text'), text ? t('moderation_text_' + text) : '—', publicationWords(saved.text_publication)],
    [t('moderation_public_text'), text === 'approve_with_blackout' ? publicText : '—', saved.public_description || '—'],
    ...photos.map((choice, i) => [t('moderation_photo_n', { n: i + 1 }),
      choice.decision ? t('moderation_photo_' + choice.decision) : '—',
      publicationWords((saved.photo_publication || {})[choice.photo_id])]),
  ];
  return (
    <form class="moderation-detail" onSubmit={submit} aria-labelledby="moderation-detail-title">
      <h2 id="moderation-detail-title" tabIndex={-1}>{t('moderation_complaint_title', { folio: complaint.folio })}</h2>
      <p>{complaint.kind_label} · {complaint.category_name} · {complaint.zone || t('moderation_no_zone')} ·{' '}
        {t('moderation_received_on', { day: formatDay(complaint.received_on) })} · {complaint.state_label}</p>
      <fieldset>
        <legend>{t('moderation_text')} · {publicationWords(complaint.text_publication)}</legend>
        <blockquote class="moderation-text">{complaint.description}</blockquote>
        <div role="radiogroup" aria-label={t('moderation_text_decision')} class="choices">
          {DECISIONS.map((decision) => (
            <label>
              <input type="radio" name="text" value={decision} checked={text === decision} onChange={() => setText(decision)} />
              {' '}{t('moderation_text_' + decision)}
            </label>
          ))}
        </div>
        {text === 'approve_with_blackout' && (
          <label for="moderation-public-text">{t('moderation_public_text')}
            <textarea id="moderation-public-text" rows={4} value={publicText} minLength={10}
                      onInput={(e) => setPublicText(e.target.value)} />
            <span class="muted">{t('moderation_public_text_help')}</span>
          </label>
        )}
      </fieldset>
      {complaint.photos.map((photo, index) => (
        <PhotoReview desk={desk} photo={photo} index={index} owner={complaint.id} choice={photos[index]}
                     onChoice={(next) => setPhotos(photos.map((p, i) => (i === index ? next : p)))} />
      ))}
      <Reason id="moderation-reason" value={reason} onInput={setReason} />
      {stale && <StaleComparison rows={staleRows(stale)} onReload={() => onDone(null)} />}
      <ErrorBox error={error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t('moderation_save')}</button>
      </div>
    </form>
  );
}

function LoosePhotoReview({ desk, item, onDone }) {
  const photo = item.photo;
  const [choice, setChoice] = useState(photoChoice(photo));
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    if (!choice.decision) { setError({ message: t('moderation_nothing_chosen') }); return; }
    const { photo_id, ...body } = photoBody(choice);
    setBusy(true);
    try {
      await desk.muniApi('POST', photoPath(photo) + '/moderation', { body: { ...body, reason } });
      onDone(t('moderation_done_photo'));
    } catch (failure) {
      setError(failure.code === 'stale_version' ? { message: t('moderation_photo_stale') } : failure);
    } finally { setBusy(false); }
  };
  return (
    <form class="moderation-detail" onSubmit={submit} aria-labelledby="moderation-detail-title">
      <h2 id="moderation-detail-title" tabIndex={-1}>{t('moderation_photo_title')}</h2>
      <p>{t('moderation_photo_since', { when: formatDate(item.waiting_since) })}</p>
      <PhotoReview desk={desk} photo={photo} index={0} owner={photo.id} choice={choice} onChoice={setChoice} />
      <Reason id="moderation-reason" value={reason} onInput={setReason} />
      <ErrorBox error={error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t('moderation_save')}</button>
      </div>
    </form>
  );
}

function summary(item) {
  if (item.type === 'photo') return t('moderation_item_photo');
  const c = item.complaint;
  const waits = [item.text_pending && t('moderation_waits_text'),
    item.pending_photos.length && t('moderation_waits_photos', { n: item.pending_photos.length })].filter(Boolean);
  return `${c.folio} · ${c.category_name} · ${t('moderation_waits', { what: waits.join(t('moderation_and')) })}`;
}

export default function Moderation({ desk }) {
  const [type, setType] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState(null);
  const [done, setDone] = useState('');
  const { data, error, loading, reload } = useLoad(
    () => desk.muniApi('GET', '/moderation', { query: { type: type || undefined, limit: PAGE, offset } }),
    [desk.muni, type, offset]);
  useEffect(() => { if (open) document.getElementById('moderation-detail-title')?.focus(); }, [open]);
  const finish = (message) => {
    setOpen(null);
    setDone(message || '');
    reload();
  };
  const counts = data && data.counts;
  const key = (item) => (item.type === 'photo' ? item.photo.id : item.complaint.id);
  const chosen = open && data && data.items.find((item) => key(item) === open);
  return (
    <section class="moderation">
      <h1 tabIndex={-1}>{t('moderation_title')}</h1>
      <p>{t('moderation_intro')}</p>
      {counts && (
        <p class="moderation-counts" role="status">
          {counts.total === 0 ? t('moderation_empty')
            : t('moderation_counts', { total: counts.total, complaints: counts.complaints, texts: counts.texts,
              complaint_photos: counts.complaint_photos, photos: counts.photos })}
        </p>
      )}
      {done && <p class="ok" role="status">{done}</p>}
      <div class="toolbar" role="group" aria-label={t('moderation_filter')}>
        {[['', 'moderation_filter_all'], ['complaint', 'moderation_filter_complaints'], ['photo', 'moderation_filter_photos']].map(([value, label]) => (
          <button type="button" aria-pressed={type === value ? 'true' : 'false'}
                  onClick={() => { setType(value); setOffset(0); setOpen(null); }}>{t(label)}</button>
        ))}
      </div>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? <Loading /> : data && (
        <div class="moderation-layout">
          <div class="moderation-queue">
          <ol class="moderation-list" start={offset + 1} aria-label={t('moderation_list')}>
            {data.items.map((item) => (
              <li class={open === key(item) ? 'current' : undefined}>
                <button type="button" class="link" aria-expanded={open === key(item) ? 'true' : 'false'}
                        onClick={() => { setDone(''); setOpen(open === key(item) ? null : key(item)); }}>
                  {summary(item)}
                </button>
                <span class="muted"> · {t('moderation_waiting_since', { when: formatDate(item.waiting_since) })}</span>
              </li>
            ))}
          </ol>
          {data.total > PAGE && (
            <div class="toolbar">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('moderation_older')}</button>
              <span>{t('moderation_page', { from: offset + 1, to: Math.min(offset + PAGE, data.total), total: data.total })}</span>
              <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>{t('moderation_newer')}</button>
            </div>
          )}
          </div>
          {chosen && (chosen.type === 'photo'
            ? <LoosePhotoReview desk={desk} item={chosen} onDone={finish} key={open} />
            : <ComplaintReview desk={desk} item={chosen} onDone={finish} key={open} />)}
        </div>
      )}
    </section>
  );
}
