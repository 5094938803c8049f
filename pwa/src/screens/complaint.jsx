// File a complaint, signed in or anonymous. Saved at once to the outbox ("Guardado en el teléfono"); the sync
// engine sends it when it can. GPS never blocks saving; photos are downscaled on the phone; the draft is kept in
// IndexedDB while typing (it survives closing the app and an app update).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatBytes } from '../lib/i18n.js';
import { preparePhoto } from '../lib/photo.js';
import { ANON, uuid } from '../sync/engine.js';
import { currentPosition, loadPlace, categories } from './near.jsx';
import { Link } from '../shell/hooks.jsx';

const KINDS = ['complaint', 'report', 'information_request', 'suggestion'];
const STEP = 0.0001; // about 11 m: one press of "move the point"
const EMPTY = { kind: 'complaint', category: '', description: '', work_id: '', lon: '', lat: '', accuracy: null, anonymous: true, photos: [] };

export function ComplaintNew({ ctx }) {
  const [form, setForm] = useState(null);
  const [place, setPlace] = useState(null);
  const [cats, setCats] = useState([]);
  const [works, setWorks] = useState([]);
  const [session, setSession] = useState(null);
  const [note, setNote] = useState(null);
  const [problem, setProblem] = useState(null);
  const [saved, setSaved] = useState(null);
  const [processing, setProcessing] = useState(false);
  const [locating, setLocating] = useState(false);
  const [suggested, setSuggested] = useState(null);
  const [supported, setSupported] = useState(null);
  const status = useRef(null);

  // Online only: works within 100 m and likely duplicates, so the person can support instead of filing again.
  const category = form?.category;
  const lon = form?.lon;
  const lat = form?.lat;
  useEffect(() => {
    if (!place || !navigator.onLine || !Number.isFinite(parseFloat(lon)) || !Number.isFinite(parseFloat(lat))) {
      setSuggested(null);
      return undefined;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const q = new URLSearchParams({ lon: parseFloat(lon), lat: parseFloat(lat) });
      if (category) q.set('category', category);
      try {
        const { data } = await ctx.api('GET', `/api/v1/municipalities/${place.code}/complaints/suggestions?${q}`);
        if (live) setSuggested(data);
      } catch {
        if (live) setSuggested(null);
      }
    }, 400);
    return () => { live = false; clearTimeout(timer); };
  }, [place, category, lon, lat]);

  const support = async (complaint) => {
    await ctx.engine.enqueue({ intent: 'complaint.support', municipality: place.code, payload: { complaint_id: complaint.id },
      owner: session.user.id, label: `${t('support_label')}: ${complaint.folio}` });
    setSupported(complaint.id);
  };

  const locate = async (current) => {
    setLocating(true);
    try {
      const at = await currentPosition(20000);
      setForm((f) => {
        const next = { ...(f || current), lon: at.lon.toFixed(6), lat: at.lat.toFixed(6), accuracy: at.accuracy };
        ctx.db.put('drafts', next, 'complaint');
        return next;
      });
    } catch {
      // no fix: the person saves anyway, with the place's point or a typed one
    } finally {
      setLocating(false);
    }
  };

  useEffect(() => {
    (async () => {
      const [held, draft, user] = await Promise.all([loadPlace(ctx), ctx.db.get('drafts', 'complaint'), ctx.engine.userSession()]);
      setPlace(held);
      setSession(user);
      const work = new URLSearchParams(location.search).get('obra') || '';
      let start;
      if (draft) {
        start = { ...EMPTY, ...draft, work_id: work || draft.work_id };
        setNote(t('draft_restored'));
      } else {
        start = { ...EMPTY, work_id: work, anonymous: !user, lon: held?.lon != null ? held.lon.toFixed(6) : '', lat: held?.lat != null ? held.lat.toFixed(6) : '', accuracy: held?.accuracy ?? null };
      }
      setForm(start);
      if (held) {
        categories(ctx, held.code).then((r) => setCats(r.value || [])).catch(() => setCats(null));
        const near = await ctx.db.get('cache', `near:${held.code}`);
        setWorks(near?.value || []);
      }
      if (!draft) locate(start);
    })();
    return () => ctx.setFormOpen(false);
  }, []);

  const change = (patch) => {
    setForm((f) => {
      const next = { ...f, ...patch };
      ctx.setFormOpen(true);
      ctx.db.put('drafts', next, 'complaint');
      return next;
    });
  };

  const addPhotos = async (event) => {
    const files = Array.from(event.currentTarget.files || []);
    event.currentTarget.value = '';
    setProcessing(true);
    try {
      for (const file of files) {
        try {
          const photo = await preparePhoto(file);
          setForm((f) => {
            const next = { ...f, photos: [...f.photos, photo] };
            ctx.setFormOpen(true);
            ctx.db.put('drafts', next, 'complaint');
            return next;
          });
        } catch {
          setProblem(t('photo_error'));
        }
      }
    } finally {
      setProcessing(false);
    }
  };

  const nudge = (dlon, dlat) => {
    const lon = Number(form.lon || place?.lon || 0) + dlon;
    const lat = Number(form.lat || place?.lat || 0) + dlat;
    change({ lon: lon.toFixed(6), lat: lat.toFixed(6) });
  };

  const save = async (event) => {
    event.preventDefault();
    setProblem(null);
    if (!place) return setProblem(t('need_municipality'));
    if (!form.category) return setProblem(t('need_category'));
    if (form.description.trim().length < 10) return setProblem(t('need_description'));
    const anonymous = !session || form.anonymous;
    const payload = { id: uuid(), kind: form.kind, category: form.category, description: form.description.trim(), anonymous };
    const lon = parseFloat(form.lon);
    const lat = parseFloat(form.lat);
    if (Number.isFinite(lon) && Number.isFinite(lat)) {
      payload.location = { type: 'Point', coordinates: [lon, lat] };
      if (form.accuracy > 0 && form.accuracy <= 5000) payload.accuracy_m = Math.round(form.accuracy * 10) / 10;
    }
    if (form.work_id) payload.work_id = form.work_id;
    payload.attachments = form.photos.map((p) => ({ id: p.id, sha256: p.sha256, original_sha256: p.original_sha256 }));
    const category = (cats || []).find((c) => c.service_code === form.category);
    await ctx.engine.enqueue({
      intent: 'complaint.file',
      municipality: place.code,
      payload,
      photos: form.photos,
      owner: session ? session.user.id : ANON,
      label: `${category?.name || form.category}: ${payload.description.slice(0, 60)}`,
    });
    await ctx.db.delete('drafts', 'complaint');
    ctx.setFormOpen(false);
    setForm({ ...EMPTY, anonymous: !session, lon: form.lon, lat: form.lat, accuracy: form.accuracy });
    setNote(null);
    setSaved(true);
    setTimeout(() => status.current?.focus(), 0);
  };

  if (!form) return <p aria-busy="true">…</p>;
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title" tabIndex={-1}>{t('new_title')}</h1>
      {saved && (
        <div class="saved" role="status" tabIndex={-1} ref={status}>
          <strong>{t('saved_on_phone')}</strong>
          <p>{t('saved_detail')} <Link href="/bandeja">{t('nav_outbox')}</Link></p>
        </div>
      )}
      {note && <p class="muted" role="status">{note}</p>}
      {!place && <p class="problem">{t('need_municipality')} <Link href="/">{t('nav_near')}</Link></p>}
      <form onSubmit={save} novalidate>
        <label for="kind">{t('kind')}</label>
        <select id="kind" value={form.kind} onChange={(e) => change({ kind: e.currentTarget.value })}>
          {KINDS.map((k) => <option value={k}>{t('kind_' + k)}</option>)}
        </select>

        <label for="category">{t('category')}</label>
        <select id="category" value={form.category} onChange={(e) => change({ category: e.currentTarget.value })} required>
          <option value="">{t('category_placeholder')}</option>
          {(cats || []).map((c) => <option value={c.service_code}>{c.name}</option>)}
        </select>
        {cats === null && <p class="muted">{t('categories_missing')}</p>}

        <label for="description">{t('description')}</label>
        <textarea id="description" rows="5" value={form.description} aria-describedby="description-help"
                  onInput={(e) => change({ description: e.currentTarget.value })} required minLength={10} maxLength={10000} />
        <p id="description-help" class="help">{t('description_help')}</p>

        {works.length > 0 && (
          <>
            <label for="work">{t('work')}</label>
            <select id="work" value={form.work_id} onChange={(e) => change({ work_id: e.currentTarget.value })}>
              <option value="">{t('work_none')}</option>
              {works.slice(0, 20).map((w) => <option value={w.id}>{w.title}</option>)}
            </select>
          </>
        )}

        <fieldset>
          <legend>{t('point')}</legend>
          <p class="help" role="status">
            {locating ? t('locating') : form.accuracy ? t('point_gps', { n: Math.round(form.accuracy) }) : t('point_none')}
          </p>
          <div class="pair">
            <span><label for="lat">{t('latitude')}</label>
              <input id="lat" inputMode="decimal" value={form.lat} onInput={(e) => change({ lat: e.currentTarget.value, accuracy: null })} /></span>
            <span><label for="lon">{t('longitude')}</label>
              <input id="lon" inputMode="decimal" value={form.lon} onInput={(e) => change({ lon: e.currentTarget.value, accuracy: null })} /></span>
          </div>
          <div class="nudge" role="group" aria-label={t('nudge')}>
            <button type="button" onClick={() => nudge(0, STEP)}>{t('north')}</button>
            <button type="button" onClick={() => nudge(0, -STEP)}>{t('south')}</button>
            <button type="button" onClick={() => nudge(STEP, 0)}>{t('east')}</button>
            <button type="button" onClick={() => nudge(-STEP, 0)}>{t('west')}</button>
          </div>
          <button type="button" class="link" onClick={() => locate(form)}>{t('point_refresh')}</button>
        </fieldset>

        {suggested && (suggested.duplicates.length > 0 || suggested.works.length > 0) && (
          <section class="suggestions" aria-labelledby="suggest-title">
            <h2 id="suggest-title">{t('suggest_title')}</h2>
            {suggested.duplicates.length > 0 && <p class="help">{t('suggest_duplicates')}</p>}
            <ul class="outbox">
              {suggested.duplicates.map((c) => (
                <li class="card duplicate">
                  <p class="label"><span class="folio">{c.folio}</span> · {c.category_name}</p>
                  <p>{c.state_label} · {t('supports', { n: c.support_count })}</p>
                  {c.description && <p>{c.description}</p>}
                  {session && (supported === c.id
                    ? <p role="status">{t('support_saved')}</p>
                    : <button type="button" onClick={() => support(c)}>{t('support_instead')}</button>)}
                </li>
              ))}
            </ul>
            {suggested.works.length > 0 && (
              <ul class="outbox">
                {suggested.works.map((w) => (
                  <li class="card">
                    <p class="label">{w.title}</p>
                    {form.work_id === w.id ? <p class="help">{t('work_linked')}</p>
                      : <button type="button" onClick={() => change({ work_id: w.id })}>{t('link_work')}</button>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}

        <fieldset>
          <legend>{t('photos')}</legend>
          <label class="button" for="photo">{t('photo_add')}</label>
          <input id="photo" class="visually-hidden" type="file" accept="image/*" multiple onChange={addPhotos} />
          {processing && <p role="status">{t('photo_processing')}</p>}
          <ul class="photos">
            {form.photos.map((p, i) => (
              <li>
                {t('photo_size', { n: i + 1, size: formatBytes(p.blob.size) })}
                <button type="button" class="link" onClick={() => change({ photos: form.photos.filter((x) => x.id !== p.id) })}>
                  {t('photo_remove', { n: i + 1 })}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>

        {session ? (
          <label class="check"><input type="checkbox" checked={form.anonymous} onChange={(e) => change({ anonymous: e.currentTarget.checked })} /> {t('anonymous')}</label>
        ) : <p class="help">{t('anonymous_help')}</p>}

        {problem && <p class="problem" role="alert">{problem}</p>}
        <button type="submit" class="primary" disabled={processing}>{t('save')}</button>
      </form>
    </section>
  );
}
