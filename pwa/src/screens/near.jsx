// "Where am I" and "works near me": the position gives the municipality (GET /municipalities/at) and the works
// nearest first (GET …/works/near); both are kept on the phone for offline. A manual choice when there is no fix.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDate, formatDay } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';

export function currentPosition(timeout = 15000) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('no geolocation')); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      reject,
      { enableHighAccuracy: true, timeout, maximumAge: 60_000 },
    );
  });
}

export async function loadPlace(ctx) {
  return (await ctx.db.get('meta', 'place')) || null;
}

/** Categories of the municipality, fetched now and kept for filing offline. */
export function categories(ctx, code) {
  return ctx.cached(`categories:${code}:${t('lang')}`, async () =>
    (await ctx.api('GET', `/api/v1/municipalities/${code}/complaints/categories`)).data);
}

/** The municipality's colonias and works as GeoJSON (the map's layers): fresh when online, else what was kept. */
export async function mapLayers(ctx, code) {
  const get = (key, path) => ctx.cached(key, async () => (await ctx.api('GET', path)).data).catch(() => ({ value: null, at: null }));
  const [zones, works] = await Promise.all([
    get(`map:zones:${code}`, `/api/v1/municipalities/${code}/zones`),
    get(`map:works:${code}`, `/api/v1/municipalities/${code}/works/map`),
  ]);
  return { zones: zones.value, works: works.value, at: works.at || zones.at };
}

/**
 * Keep the map's layers for offline once a day, after the list has arrived, unless the connection is 2G or the
 * person asked to save data: then the map keeps what it fetched the last time it was opened online.
 */
async function keepMapLayers(ctx, code) {
  const link = navigator.connection;
  if (!navigator.onLine || link?.saveData || /2g/.test(link?.effectiveType || '')) return;
  const held = await ctx.db.get('cache', `map:works:${code}`);
  if (held && Date.now() - Date.parse(held.at) < 24 * 3600 * 1000) return;
  await mapLayers(ctx, code);
}

function distance(m) {
  return m < 1000 ? t('distance_m', { n: Math.round(m) }) : t('distance_km', { n: (m / 1000).toFixed(1) });
}

function statusLabel(code) {
  const key = 'status_' + code;
  const label = t(key);
  return label === key ? code : label;
}

function pct(value) {
  return value == null ? t('no_data') : `${Math.round(value)} %`;
}

function money(amount, currency) {
  if (amount == null) return t('no_data');
  return new Intl.NumberFormat(t('lang') === 'es' ? 'es-MX' : 'en', { style: 'currency', currency: currency || 'MXN', maximumFractionDigits: 0 })
    .format(Number(amount));
}

/**
 * Who watches a work and what neighbours said about it: its committees (GET …/committees?work_id=) and its
 * complaints as the public sees them (GET …/complaints/public?work_id=), asked when the card is opened and kept
 * on the phone, so an opened card shows them offline too (with the date they were kept).
 */
function WorkPeople({ ctx, code, work }) {
  const [found, setFound] = useState(undefined);
  useEffect(() => {
    if (!ctx || !code) return undefined;
    let live = true;
    const get = (what, path) => ctx.cached(`work:${what}:${code}:${work.id}:${t('lang')}`,
      async () => (await ctx.api('GET', path)).data).catch(() => ({ value: null, at: null }));
    Promise.all([
      get('committees', `/api/v1/municipalities/${code}/committees?work_id=${work.id}`),
      get('complaints', `/api/v1/municipalities/${code}/complaints/public?work_id=${work.id}&limit=20`),
    ]).then(([committees, complaints]) => live && setFound({ committees, complaints }));
    return () => { live = false; };
  }, [code, work.id]);
  if (!ctx || !code) return null;
  if (found === undefined) return <p class="muted" aria-busy="true">{t('work_people_loading')}</p>;
  const committees = found.committees.value;
  const complaints = found.complaints.value;
  const kept = found.committees.at || found.complaints.at;
  const byState = {};
  for (const c of complaints || []) byState[c.state_label] = (byState[c.state_label] || 0) + 1;
  return (
    <div class="work-people">
      <h4>{t('work_committee')}</h4>
      {committees == null ? <p class="muted">{t('work_people_offline')}</p>
        : committees.length ? <ul>{committees.map((c) => (
          <li data-committee={c.id}>{c.name} · {t(`committee_state_${c.state}`)} · {t('work_committee_members', { n: c.members })}</li>))}</ul>
          : <p>{t('work_no_committee')}</p>}
      <h4>{t('work_complaints')}</h4>
      {complaints == null ? <p class="muted">{t('work_people_offline')}</p>
        : complaints.length ? (
          <>
            <p class="work-complaint-states">{Object.entries(byState).map(([label, n]) => `${label}: ${n}`).join(' · ')}</p>
            <ul>{complaints.slice(0, 5).map((c) => (
              <li data-folio={c.folio}><span class="folio">{c.folio}</span> · {c.category_name} · {c.state_label}</li>))}</ul>
          </>
        ) : <p>{t('work_no_complaints')}</p>}
      {kept && <p class="muted">{t('work_people_cached', { when: formatDate(kept) })}</p>}
    </div>
  );
}

/** The public page's address and a button that shares it (the phone's share sheet, else the clipboard). */
export function PublicLink({ path, title, label = t('public_page') }) {
  const [said, setSaid] = useState(null);
  const share = async () => {
    const url = new URL(path, location.origin).href;
    try {
      if (navigator.share) { await navigator.share({ title, url }); return; }
      await navigator.clipboard.writeText(url);
      setSaid(t('public_share_copied'));
    } catch (error) {
      if (error?.name !== 'AbortError') setSaid(t('public_share_failed', { url }));
    }
  };
  return (
    <p class="public-link">
      <a href={path}>{label}</a>
      <button type="button" class="link" onClick={share}>{t('public_share')}</button>
      {said && <span role="status" class="muted">{said}</span>}
    </p>
  );
}

export function WorkCard({ work, open = false, onMap, ctx = null, code = null }) {
  const p = work.progress || {};
  const [opened, setOpened] = useState(open);
  return (
    <li class="card" data-work={work.id}>
      <h3 tabIndex={open ? -1 : undefined}>{work.title}</h3>
      <p class="meta">
        {work.distance_m != null && <span>{distance(work.distance_m)}</span>}
        <span>{t('status')}: {statusLabel(work.status)}</span>
        {work.zones?.[0] && <span>{work.zones[0].name}</span>}
      </p>
      <label class="bar">
        {t('progress_official')}: {pct(p.physical_official_pct)}
        {p.physical_official_pct != null && <progress max="100" value={p.physical_official_pct} />}
      </label>
      {work.risks?.length > 0 && <p class="risk-count">{t('risks')}: {work.risks.length}</p>}
      {onMap && <button type="button" class="link" onClick={() => onMap(work.id)}>{t('map_show_work')}</button>}
      <details open={open} onToggle={(event) => event.currentTarget.open && setOpened(true)}>
        <summary>{work.identifier}</summary>
        <dl>
          <dt>{t('progress_financial')}</dt><dd>{pct(p.financial_official_pct)}</dd>
          {p.physical_observed_pct != null && <><dt>{t('progress_observed', { source: p.physical_observed_source })}</dt><dd>{pct(p.physical_observed_pct)}</dd></>}
          {p.last_progress_on && <><dt>{t('last_progress', { date: '' })}</dt><dd>{formatDay(p.last_progress_on)}</dd></>}
          <dt>{t('budget')}</dt><dd>{money(work.budget_amount, work.currency)}</dd>
          {work.contractor && <><dt>{t('contractor')}</dt><dd>{work.contractor}</dd></>}
          {work.funding_source && <><dt>{t('funding')}</dt><dd>{work.funding_source}</dd></>}
        </dl>
        <h4>{t('risks')}</h4>
        {work.risks?.length ? <ul>{work.risks.map((risk) => <li class={`risk ${risk.severity}`}>{risk.message}</li>)}</ul>
          : <p>{t('no_risks')}</p>}
        {opened && <WorkPeople ctx={ctx} code={code} work={work} />}
        {code && <PublicLink path={`/publico/${encodeURIComponent(code)}/obras/${work.id}`} title={work.title} />}
        <Link class="button" href={`/quejas/nueva?obra=${work.id}`}>{t('complain_about')}</Link>
      </details>
    </li>
  );
}

/** A work tapped on the map that is not in the list near me: what the map layer knows of it. */
function fromFeature(feature) {
  const p = feature.properties || {};
  return { id: feature.id, identifier: p.identifier, title: p.title, status: p.status,
    progress: { physical_official_pct: p.physical_official_pct }, risks: null, zones: [] };
}

/** The map, a toggle under the list's title: Leaflet and the map module load only when it is first opened. */
function MapToggle({ ctx, place, list }) {
  const [open, setOpen] = useState(false);
  const [map, setMap] = useState(null); // {WorksMap, layers, config}
  const [selected, setSelected] = useState(null);
  const [failed, setFailed] = useState(false);
  const card = useRef(null);
  useEffect(() => {
    if (!open || map) return undefined;
    let live = true;
    import('./map.jsx').then(async (m) => {
      const [layers, config] = await Promise.all([mapLayers(ctx, place.code), m.mapConfig(ctx)]);
      if (live) setMap({ WorksMap: m.WorksMap, layers, config });
    }).catch(() => live && setFailed(true));
    return () => { live = false; };
  }, [open, map === null, place?.code]);
  useEffect(() => { setMap(null); setSelected(null); }, [place?.code]);
  const choose = (id) => {
    setSelected(id);
    setTimeout(() => card.current?.querySelector('h3')?.focus(), 0);
  };
  ctx.showOnMap = (id) => {
    setOpen(true);
    setSelected(id);
    setTimeout(() => document.getElementById('works-map')?.scrollIntoView({ block: 'start' }), 0);
  };
  const feature = map?.layers.works?.features?.find((f) => f.id === selected);
  const work = selected && ((list || []).find((w) => w.id === selected) || (feature && fromFeature(feature)));
  const count = map?.layers.works?.features?.length;
  return (
    <>
      <button type="button" class="map-toggle" aria-expanded={open ? 'true' : 'false'} aria-controls="works-map"
              onClick={() => setOpen(!open)}>{open ? t('map_hide') : t('map_show')}</button>
      {open && (
        <div id="works-map">
          {failed && <p class="problem">{t('map_failed')}</p>}
          {!map && !failed && <p class="muted" aria-busy="true">{t('map_loading')}</p>}
          {map && (
            <>
              <p class="muted" role="status">
                {map.layers.works ? t('map_count', { n: count }) : t('map_none_kept')}
                {map.layers.at && <> {t('works_cached', { when: formatDate(map.layers.at) })}</>}
              </p>
              <map.WorksMap ctx={ctx} place={place} layers={map.layers} config={map.config} selected={selected} onSelect={choose} />
              {work && <ul class="chosen-work" ref={card} aria-live="polite"><WorkCard work={work} open ctx={ctx} code={place?.code} /></ul>}
            </>
          )}
        </div>
      )}
    </>
  );
}

export function Near({ ctx }) {
  const [place, setPlace] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const [municipalities, setMunicipalities] = useState([]);
  const [works, setWorks] = useState(null);

  const showWorks = async (where) => {
    if (!where) return;
    const key = `near:${where.code}`;
    try {
      const result = await ctx.cached(key, async () => {
        if (where.lon != null) {
          const q = new URLSearchParams({ lon: where.lon, lat: where.lat, radius_m: '5000', limit: '50' });
          return (await ctx.api('GET', `/api/v1/municipalities/${where.code}/works/near?${q}`)).data;
        }
        return (await ctx.api('GET', `/api/v1/municipalities/${where.code}/works?limit=50`)).data.items;
      });
      setWorks(result);
    } catch {
      setWorks({ value: null, at: null, offline: true });
    }
    categories(ctx, where.code).catch(() => {}); // kept for filing offline
    keepMapLayers(ctx, where.code).catch(() => {}); // and the map's layers, so the map draws offline too
  };

  const choose = async (next) => {
    await ctx.db.put('meta', next, 'place');
    setPlace(next);
    setWorks(null);
    await showWorks(next);
  };

  const locate = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const at = await currentPosition();
      try {
        const q = new URLSearchParams({ lon: at.lon, lat: at.lat });
        const { data } = await ctx.api('GET', `/api/v1/municipalities/at?${q}`);
        await choose({ code: data.code, name: data.name, zone: data.zone?.name || null, ...at });
      } catch (error) {
        if (error.code === 'place_not_served') setProblem(t('place_not_served'));
        else if (place && place.code) await choose({ ...place, ...at }); // offline: keep the municipality, new point
        else setProblem(error.message && error.code !== 'network' ? error.message : t('no_position'));
      }
    } catch {
      setProblem(t('no_position'));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    (async () => {
      const held = await loadPlace(ctx);
      setPlace(held);
      if (held) showWorks(held);
      ctx.cached('municipalities', async () => (await ctx.api('GET', '/api/v1/municipalities')).data)
        .then((r) => setMunicipalities(r.value)).catch(() => {});
      if (!held) {
        const state = await navigator.permissions?.query({ name: 'geolocation' }).catch(() => null);
        if (state?.state === 'granted') locate();
      }
    })();
  }, []);

  const list = works?.value;
  return (
    <section aria-labelledby="near-title">
      <h1 id="near-title" tabIndex={-1}>{t('where_title')}</h1>
      <button type="button" class="primary" onClick={locate} disabled={busy}>{busy ? t('locating') : t('locate')}</button>
      {place && (
        <p class="place" role="status">
          {t('located_in', { municipality: place.name })}
          {place.zone && <><br />{t('zone_in', { zone: place.zone })}</>}
        </p>
      )}
      {problem && <p class="problem" role="alert">{problem}</p>}
      <label for="municipality">{t('choose_municipality')}</label>
      <select id="municipality" value={place?.code || ''} onChange={(e) => {
        const m = municipalities.find((x) => x.code === e.currentTarget.value);
        if (m) choose({ code: m.code, name: m.name, zone: null, lon: null, lat: null, accuracy: null });
      }}>
        <option value="">{t('choose_placeholder')}</option>
        {(municipalities || []).map((m) => <option value={m.code}>{m.name} ({m.state})</option>)}
        {place && !municipalities?.some((m) => m.code === place.code) && <option value={place.code}>{place.name}</option>}
      </select>
      {place && (
        <>
          <h2>{t('works_title')}</h2>
          {works?.at && <p class="muted">{t('works_cached', { when: formatDate(works.at) })}</p>}
          {works?.offline && <p class="muted">{t('works_offline_none')}</p>}
          <MapToggle ctx={ctx} place={place} list={list} />
          {list && !list.length && <p>{t('works_none')}</p>}
          {list && list.length > 0 && <ul class="works">{list.map((work) => <WorkCard work={work} onMap={(id) => ctx.showOnMap?.(id)} ctx={ctx} code={place?.code} />)}</ul>}
        </>
      )}
    </section>
  );
}
