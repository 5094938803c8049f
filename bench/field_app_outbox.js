// Bundled by bench/field_app.py (esbuild, from pwa/node_modules) and evaluated in the field app's page: fills the
// phone's outbox through the app's own code, the sync engine's `enqueue` and the photo pipeline's `preparePhoto`,
// exactly as the "Nueva queja" screen does (pwa/src/screens/complaint.jsx), so that the app's engine drains it.
import { openStore } from './src/sync/store.js';
import { createEngine, uuid, ANON } from './src/sync/engine.js';
import { preparePhoto } from './src/lib/photo.js';

/** A camera-like JPEG (2400 × 1800, gradients, shapes, some noise), different for each `n`. */
async function cameraPhoto(n) {
  const canvas = new OffscreenCanvas(2400, 1800);
  const g = canvas.getContext('2d');
  const gradient = g.createLinearGradient(0, 0, 2400, 1800);
  gradient.addColorStop(0, `hsl(${(n * 37) % 360}, 60%, 55%)`);
  gradient.addColorStop(1, `hsl(${(n * 91 + 120) % 360}, 50%, 35%)`);
  g.fillStyle = gradient;
  g.fillRect(0, 0, 2400, 1800);
  let seed = n * 7919 + 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 400; k++) {
    g.fillStyle = `hsla(${Math.floor(random() * 360)}, 50%, ${Math.floor(random() * 80 + 10)}%, 0.6)`;
    g.fillRect(random() * 2400, random() * 1800, random() * 300, random() * 300);
  }
  const noise = g.getImageData(0, 0, 2400, 1800);
  for (let i = 0; i < noise.data.length; i += 4) {
    const d = (random() - 0.5) * 24;
    noise.data[i] += d; noise.data[i + 1] += d; noise.data[i + 2] += d;
  }
  g.putImageData(noise, 0, 0);
  g.fillStyle = '#fff';
  g.font = '120px sans-serif';
  g.fillText(`foto ${n}`, 100, 200);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
}

/**
 * Queue `count` anonymous complaint.file mutations in municipality `code`, the first `photos` of them with one photo
 * each. Returns what the database must then hold: each complaint's id and description, each photo's hash.
 */
async function fill({ count, photos, code, category, lon, lat, marker }) {
  const db = await openStore();
  const engine = createEngine({ db });
  const queued = [];
  const original_bytes = [];
  let uploadBytes = 0;
  for (let i = 0; i < count; i++) {
    const description = `${marker} queja ${i + 1} de ${count}: bache y banqueta rota frente al número ${100 + i}`;
    const payload = { id: uuid(), kind: 'complaint', category, description, anonymous: true,
      location: { type: 'Point', coordinates: [lon + (i % 20) * 0.0002, lat + Math.floor(i / 20) * 0.0002] },
      accuracy_m: 12 };
    const attached = [];
    if (i < photos) {
      const camera = await cameraPhoto(i);
      original_bytes.push(camera.size);
      const photo = await preparePhoto(camera);
      uploadBytes += photo.blob.size;
      attached.push(photo);
    }
    payload.attachments = attached.map((p) => ({ id: p.id, sha256: p.sha256, original_sha256: p.original_sha256 }));
    await engine.enqueue({ intent: 'complaint.file', municipality: code, payload, photos: attached, owner: ANON,
      label: `bench ${i + 1}` });
    queued.push({ id: payload.id, description, photos: attached.map((p) => ({ id: p.id, sha256: p.sha256, size: p.blob.size })) });
  }
  db.close();
  return { queued, upload_bytes: uploadBytes, original_bytes };
}

globalThis.__vigiaBench = { fill };
