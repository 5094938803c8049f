// The map (Leaflet 1.9), loaded only when a map is opened: this module and Leaflet are one chunk of their own,
// imported dynamically by near.jsx (works near me) and complaint.jsx (moving the pin). It draws the municipality's
// own colonias and works as vectors from the API's GeoJSON, kept on the phone for offline; tiles only when the
// server names a tile URL (VIGIA_MAP_TILE_URL, learnt from /app-config.json). Leaflet's stylesheet and ours are
// one hashed file the build writes (__MAP_CSS__), linked here on first use: no inline style, nothing elsewhere.
/* global __MAP_CSS__ */
import { useEffect, useRef } from 'preact/hooks';
import * as L from 'leaflet';
import { t } from '../lib/i18n.js';

let styles = null;
/** Link the map's stylesheet once; resolves when it applies (Leaflet measures the map's box when it starts). */
export function mapStyles() {
  styles ||= new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = __MAP_CSS__;
    link.onload = resolve;
    link.onerror = resolve; // offline without it in the cache: the map still draws, less pretty
    document.head.appendChild(link);
  });
  return styles;
}

/** The server's public settings (the tile URL), kept for offline; null tiles when unknown. */
export async function mapConfig(ctx) {
  await mapStyles();
  try {
    return (await ctx.cached('app-config', async () => (await ctx.api('GET', '/app-config.json')).data)).value || {};
  } catch {
    return {};
  }
}

function baseMap(element, config) {
  const map = L.map(element, { zoomControl: false, attributionControl: false, keyboard: true, zoomSnap: 0.5 });
  L.control.zoom({ zoomInTitle: t('map_zoom_in'), zoomOutTitle: t('map_zoom_out') }).addTo(map);
  if (config?.map_tile_url) {
    let host = '';
    try { host = new URL(config.map_tile_url.replace(/[{}]/g, '')).host; } catch { /* shown without a source */ }
    L.tileLayer(config.map_tile_url, { maxZoom: 19, crossOrigin: false }).addTo(map);
    L.control.attribution({ prefix: false }).addAttribution(host).addTo(map);
  }
  map.getContainer().setAttribute('aria-label', t('map_label'));
  return map;
}

const ZONE_STYLE = { className: 'zone', color: '#6b6b63', weight: 1, fillColor: '#d9d9cf', fillOpacity: 0.25, interactive: false };
const WORK_STYLE = { className: 'work', color: '#0b5d3b', weight: 4, fillColor: '#0b5d3b', fillOpacity: 0.35 };
const RISKY_STYLE = { ...WORK_STYLE, color: '#8a1c1c', fillColor: '#8a1c1c' };

/**
 * Works near me on a map: colonias (not interactive), works (tap or Enter on one calls onSelect(id)), the
 * person's position. Fits the works near the position when known, else all works.
 */
export function WorksMap({ ctx, place, layers, config, selected, onSelect }) {
  const box = useRef(null);
  const state = useRef({});
  useEffect(() => {
    const map = baseMap(box.current, config);
    state.current.map = map;
    const zones = layers.zones?.features?.length ? L.geoJSON(layers.zones, { ...ZONE_STYLE, style: () => ZONE_STYLE }) : null;
    const byId = {};
    const works = L.geoJSON(layers.works || { type: 'FeatureCollection', features: [] }, {
      className: 'work', // given to lines and polygons when they are made (a style set later cannot add a class)
      style: (f) => (f.properties?.risks?.length ? RISKY_STYLE : WORK_STYLE),
      pointToLayer: (f, at) => L.circleMarker(at, { radius: 9, ...(f.properties?.risks?.length ? RISKY_STYLE : WORK_STYLE) }),
      onEachFeature: (feature, layer) => {
        byId[feature.id] = layer;
        layer.on('click', () => onSelect(feature.id));
        // a Multi geometry is a group of paths: each carries the work's id, the first one takes the keyboard
        const parts = layer.getLayers ? layer.getLayers() : [layer];
        parts.forEach((part, index) => part.on('add', () => {
          const el = part.getElement?.();
          if (!el) return;
          el.dataset.work = feature.id;
          if (index > 0) return;
          // reachable by keyboard too (the list stays the primary way): Tab to a work, Enter opens its card
          el.setAttribute('tabindex', '0');
          el.setAttribute('role', 'button');
          el.setAttribute('aria-label', feature.properties?.title || feature.id);
          el.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); onSelect(feature.id); }
          });
        }));
      },
    });
    state.current.byId = byId;
    const me = place?.lon != null && place?.lat != null ? L.latLng(place.lat, place.lon) : null;
    const bounds = works.getBounds();
    // the view first: Leaflet draws vectors only on a map that has one
    if (me) map.setView(me, 15);
    else if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
    else map.setView([23.6, -102.5], 5); // Mexico, when nothing is known
    zones?.addTo(map);
    works.addTo(map);
    if (me) L.circleMarker(me, { className: 'me', radius: 7, color: '#1f5fbf', weight: 3, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(map);
    return () => map.remove();
  }, [layers, config]);
  useEffect(() => {
    const layer = state.current.byId?.[selected];
    if (!layer) return;
    const paths = (l) => (l.getLayers ? l.getLayers() : [l]).map((part) => part.getElement?.()).filter(Boolean);
    for (const other of Object.values(state.current.byId)) paths(other).forEach((el) => el.classList.remove('chosen'));
    paths(layer).forEach((el) => el.classList.add('chosen'));
    layer.bringToFront?.();
    const { map } = state.current;
    if (layer.getLatLng) map.panTo(layer.getLatLng());
    else if (layer.getBounds && !layer.getBounds().isValid()) return;
    else if (layer.getBounds && !map.getBounds().contains(layer.getBounds())) map.fitBounds(layer.getBounds(), { maxZoom: 17 });
  }, [selected, layers]);
  return <div class="map" ref={box} role="region" aria-label={t('map_label')} />;
}

/**
 * Moving the pin when filing: a draggable pin, and a tap on the map puts it there. onMove({lon, lat}) with six
 * decimals (about 11 cm). The colonias and works kept on the phone are drawn beneath, when there are any.
 */
export function PinMap({ point, layers, config, onMove }) {
  const box = useRef(null);
  const state = useRef({});
  useEffect(() => {
    const map = baseMap(box.current, config);
    const zones = layers?.zones?.features?.length ? L.geoJSON(layers.zones, { ...ZONE_STYLE, style: () => ZONE_STYLE }) : null;
    const works = layers?.works?.features?.length ? L.geoJSON(layers.works, {
      className: 'work', interactive: false,
      style: () => ({ ...WORK_STYLE, interactive: false }),
      pointToLayer: (f, at) => L.circleMarker(at, { radius: 7, ...WORK_STYLE, interactive: false }),
    }) : null;
    // the view first (Leaflet draws vectors only on a map that has one): the point, else the municipality's
    // colonias or works, else Mexico; without a point the pin starts in the centre and counts once moved
    const known = point && Number.isFinite(point.lat) && Number.isFinite(point.lon);
    const around = zones?.getBounds() || works?.getBounds();
    if (known) map.setView([point.lat, point.lon], 17);
    else if (around?.isValid()) map.fitBounds(around);
    else map.setView([23.6, -102.5], 5);
    const start = known ? L.latLng(point.lat, point.lon) : map.getCenter();
    zones?.addTo(map);
    works?.addTo(map);
    const icon = L.divIcon({ className: 'pin', iconSize: [28, 28], iconAnchor: [14, 14], html: '' });
    const pin = L.marker(start, { icon, draggable: true, keyboard: true, title: t('pin_label'), alt: t('pin_label') }).addTo(map);
    const report = (at) => onMove({ lon: Number(at.lng.toFixed(6)), lat: Number(at.lat.toFixed(6)) });
    pin.on('dragend', () => report(pin.getLatLng()));
    map.on('click', (event) => { pin.setLatLng(event.latlng); report(event.latlng); });
    state.current = { map, pin };
    return () => map.remove();
  }, [layers, config]);
  useEffect(() => {
    // typed or nudged coordinates move the pin too
    const { pin, map } = state.current;
    if (!pin || !point || !Number.isFinite(point.lat) || !Number.isFinite(point.lon)) return;
    const at = L.latLng(point.lat, point.lon);
    if (!pin.getLatLng().equals(at, 1e-7)) {
      pin.setLatLng(at);
      if (!map.getBounds().contains(at)) map.panTo(at);
    }
  }, [point?.lat, point?.lon]);
  return <div class="map pin-map" ref={box} role="region" aria-label={t('pin_map_label')} />;
}
