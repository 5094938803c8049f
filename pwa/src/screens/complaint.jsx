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
const SUGGEST_AFTER_MS = 600; // wait for the person to stop moving the point before asking the server
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
  const [supportedOne, setSupportedOne] = useState(false);
  const [processing, setProcessing] = useState(false);
  const [locating, setLocating] = useState(false);
  const status = useRef(null);

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

  // after supporting a duplicate the draft is not needed: the person may drop it (it is kept until then)
  const discard = async () => {
    await ctx.db.delete('drafts', 'complaint');
    ctx.setFormOpen(false);
    setForm({ ...EMPTY, anonymous: !session, lon: form.lon, lat: form.lat, accuracy: form.accuracy });
    setNote(t('draft_discarded'));
    setSupportedOne(false);
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
      {supportedOne && !saved && (
        <div class="saved" role="status" tabIndex={-1} ref={status}>
          <strong>{t('saved_on_phone')}</strong>
          <p>{t('support_saved_detail')} <Link href="/bandeja">{t('nav_outbox')}</Link></p>
          <button type="button" onClick={discard}>{t('draft_discard')}</button>
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
          <PinPicker ctx={ctx} place={place} form={form}
                     onMove={(at) => change({ lon: at.lon.toFixed(6), lat: at.lat.toFixed(6), accuracy: null })} />
        </fieldset>

        <Suggestions ctx={ctx} place={place} form={form} session={session}
                     onWork={(w) => { setWorks((ws) => (ws.some((x) => x.id === w.id) ? ws : [w, ...ws])); change({ work_id: w.id }); }}
                     onSupported={() => { setSupportedOne(true); setTimeout(() => status.current?.focus(), 0); }} />

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

/** "Mover el punto en el mapa": the map chunk (Leaflet) loads only when asked; typing and the buttons still work. */
function PinPicker({ ctx, place, form, onMove }) {
  const [open, setOpen] = useState(false);
  const [map, setMap] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!open || map) return;
    let live = true;
    import('./map.jsx').then(async (m) => {
      // the layers kept on the phone (no download while filing: the pin matters, not the map)
      const kept = async (key) => (await ctx.db.get('cache', key))?.value || null;
      const layers = place ? { zones: await kept(`map:zones:${place.code}`), works: await kept(`map:works:${place.code}`) } : {};
      const config = await m.mapConfig(ctx);
      if (live) setMap({ PinMap: m.PinMap, layers, config });
    }).catch(() => live && setFailed(true));
    return () => { live = false; };
  }, [open]);
  const lon = parseFloat(form.lon);
  const lat = parseFloat(form.lat);
  const known = Number.isFinite(lon) && Number.isFinite(lat);
  const point = known ? { lon, lat } : place?.lon != null ? { lon: place.lon, lat: place.lat } : null; // null: the pin starts in the map's centre
  return (
    <>
      <button type="button" aria-expanded={open ? 'true' : 'false'} aria-controls="pin-map" onClick={() => setOpen(!open)}>
        {open ? t('pin_map_hide') : t('pin_map_show')}
      </button>
      {open && (
        <div id="pin-map">
          <p class="help">{t('pin_map_help')}</p>
          {failed && <p class="problem">{t('map_failed')}</p>}
          {!map && !failed && <p class="muted" aria-busy="true">{t('map_loading')}</p>}
          {map && <map.PinMap point={point} layers={map.layers} config={map.config} onMove={onMove} />}
        </div>
      )}
    </>
  );
}

/**
 * Before filing, when online: the works within 100 m and likely duplicates (same category, within 250 m, last
 * 30 days) from GET …/complaints/suggestions. A duplicate can be supported instead: a complaint.support mutation
 * in the outbox (signed in only: a support needs an account, docs/sync.md).
 */
function Suggestions({ ctx, place, form, session, onWork, onSupported }) {
  const [found, setFound] = useState(null);
  const [supported, setSupported] = useState({});
  const lon = parseFloat(form.lon);
  const lat = parseFloat(form.lat);
  useEffect(() => {
    if (!place || !Number.isFinite(lon) || !Number.isFinite(lat) || !navigator.onLine) { setFound(null); return undefined; }
    let live = true;
    const timer = setTimeout(async () => {
      const q = new URLSearchParams({ lon: String(lon), lat: String(lat) });
      if (form.category) q.set('category', form.category);
      try {
        const { data } = await ctx.api('GET', `/api/v1/municipalities/${place.code}/complaints/suggestions?${q}`);
        if (live) setFound(data);
      } catch {
        if (live) setFound(null); // offline or a point outside the municipality: no suggestions, filing goes on
      }
    }, SUGGEST_AFTER_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [place?.code, lon, lat, form.category]);
  if (!found || (!found.works?.length && !found.duplicates?.length)) return null;
  const support = async (complaint) => {
    await ctx.engine.enqueue({
      intent: 'complaint.support',
      municipality: place.code,
      payload: { complaint_id: complaint.id },
      owner: session.user.id,
      label: t('support_label', { folio: complaint.folio }),
    });
    setSupported((s) => ({ ...s, [complaint.id]: true }));
    onSupported(complaint);
  };
  return (
    <section class="suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">{t('suggestions_title')}</h2>
      {found.works?.length > 0 && (
        <>
          <h3>{t('suggestions_works')}</h3>
          <ul class="suggested-works">
            {found.works.map((w) => (
              <li>
                {w.title} <span class="muted">({t('distance_m', { n: Math.round(w.distance_m ?? 0) })})</span>
                {form.work_id !== w.id && <button type="button" class="link" onClick={() => onWork(w)}>{t('suggestion_use_work')}</button>}
              </li>
            ))}
          </ul>
        </>
      )}
      {found.duplicates?.length > 0 && (
        <>
          <h3>{t('suggestions_duplicates')}</h3>
          <p class="help">{t('suggestions_duplicates_help')}</p>
          <ul class="duplicates">
            {found.duplicates.map((c) => (
              <li class="card duplicate" data-complaint={c.id}>
                <strong>{c.category_name}</strong> · {c.folio} · {c.state_label}
                {c.description && <p>{c.description}</p>}
                <p class="muted">{t('supports', { n: c.support_count })} · {c.received_on}</p>
                {supported[c.id] ? <p role="status" class="saved">{t('support_saved')}</p>
                  : session ? <button type="button" onClick={() => support(c)}>{t('support_instead')}</button>
                    : <p class="help">{t('support_needs_account')}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
