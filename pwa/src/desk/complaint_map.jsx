// The complaint's exact point on a small map, for staff. Loaded on demand by complaint.jsx (this module pulls
// Leaflet, shared with the field app's map chunk); Leaflet's stylesheet comes from the field app's map module.
// Tiles only when the server names a tile URL (VIGIA_MAP_TILE_URL in /app-config.json): else a plain background
// with the point and its GPS accuracy circle, which is still the evidence that matters.
import { useEffect, useRef } from 'preact/hooks';
import * as L from 'leaflet';
import { mapStyles } from '../screens/map.jsx';
import { t } from '../lib/i18n.js';

let config = null;
function tileConfig() {
  config ||= fetch('/app-config.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}), () => ({}))
    .catch(() => ({}));
  return config;
}

export function PointMap({ lon, lat, accuracy }) {
  const box = useRef(null);
  useEffect(() => {
    let map = null;
    let live = true;
    Promise.all([mapStyles(), tileConfig()]).then(([, settings]) => {
      if (!live || !box.current) return;
      map = L.map(box.current, { zoomControl: false, attributionControl: false, keyboard: true });
      L.control.zoom({ zoomInTitle: t('map_zoom_in'), zoomOutTitle: t('map_zoom_out') }).addTo(map);
      if (settings && settings.map_tile_url) {
        L.tileLayer(settings.map_tile_url, { maxZoom: 19 }).addTo(map);
        let host = '';
        try { host = new URL(settings.map_tile_url.replace(/[{}]/g, '')).host; } catch { /* no source shown */ }
        L.control.attribution({ prefix: false }).addAttribution(host).addTo(map);
      }
      const at = L.latLng(lat, lon);
      map.setView(at, 17);
      if (accuracy) L.circle(at, { radius: accuracy, className: 'accuracy', color: '#1f5fbf', weight: 1, fillOpacity: 0.1, interactive: false }).addTo(map);
      L.circleMarker(at, { className: 'exact-point', radius: 8, color: '#8a1c1c', weight: 3, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(map);
      map.getContainer().setAttribute('aria-label', t('complaint_map_label'));
    });
    return () => { live = false; if (map) map.remove(); };
  }, [lon, lat, accuracy]);
  return <div class="map complaint-map" ref={box} role="region" aria-label={t('complaint_map_label')} />;
}
