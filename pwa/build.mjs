// Build the field app into dist/: content-hashed JS and CSS (esbuild), index.html, sw.js with the precache list,
// manifest.webmanifest and PNG icons drawn here. Fails when the gzip size budget is exceeded:
//   first screen (index.html + entry JS + its static imports + CSS) ≤ 80 KB, everything cached offline ≤ 250 KB.
//   desk (/mesa: the first screen's files + the desk shell + the queue + the desk CSS) ≤ 120 KB.
//   the auditors' annotate screen (/auditoria/<id>: its chunks beyond the first screen, the annotation library
//   included, + its CSS) ≤ 60 KB, loaded on demand, precached for offline, never in the first screen.
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';

export const BUDGET_FIRST = 80 * 1024;
export const BUDGET_OFFLINE = 250 * 1024;
export const BUDGET_DESK = 120 * 1024; // the desk (/mesa): shell + the queue, with the field app's entry
export const BUDGET_ANNOTATE = 60 * 1024; // the annotate screen's own code (src/audit/ + @recogito/text-annotator)
const THEME = '#0b5d3b';
const here = new URL('.', import.meta.url).pathname;
const dist = join(here, 'dist');

function gz(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

// ---------------------------------------------------------------- icons (PNG, no image library)
const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** An eye on the brand colour (vigía: who keeps watch), full bleed so it also works as a maskable icon. */
export function icon(size) {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  const [r, g, b] = [0x0b, 0x5d, 0x3b];
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const dx = (x - c) / size;
      const dy = (y - c) / size;
      // the eye's outline: two arcs; its pupil: a disc
      const lens = Math.abs(dy) < 0.2 * Math.sqrt(Math.max(0, 1 - (dx / 0.3) ** 2));
      const pupil = dx * dx + dy * dy < 0.09 ** 2;
      const ring = dx * dx + dy * dy < 0.14 ** 2;
      const white = lens && !(ring && !pupil);
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = white || pupil ? 255 : r;
      raw[o + 1] = white || pupil ? 255 : g;
      raw[o + 2] = white || pupil ? 255 : b;
      if (ring && !pupil) { raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; }
    }
  }
  const head = Buffer.alloc(13);
  head.writeUInt32BE(size, 0);
  head.writeUInt32BE(size, 4);
  head[8] = 8; head[9] = 2; head[10] = 0; head[11] = 0; head[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', head),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function hashed(name, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  return name.replace(/\.(\w+)$/, `-${hash}.$1`);
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export async function run() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
  // the map's stylesheet (Leaflet's and ours), one hashed file linked by the map chunk when a map opens: it is
  // not part of the first screen (esbuild would put CSS imported by a lazy chunk into the entry's bundle)
  const mapCss = (await transform(
    readFileSync(join(here, 'node_modules/leaflet/dist/leaflet.css'), 'utf8') + '\n' + readFileSync(join(here, 'src/screens/map.css'), 'utf8'),
    { loader: 'css', minify: true, legalComments: 'none' })).code;
  const mapCssName = hashed('map.css', Buffer.from(mapCss));
  // the desk's stylesheet, linked by the desk's shell when /mesa opens (same reason as the map's)
  const deskCss = (await transform(readFileSync(join(here, 'src/desk/desk.css'), 'utf8'), { loader: 'css', minify: true, legalComments: 'none' })).code;
  const deskCssName = hashed('desk.css', Buffer.from(deskCss));
  // the auditors' workspace's stylesheet, linked by its chunk when /auditoria opens (same reason)
  const auditCss = (await transform(readFileSync(join(here, 'src/audit/audit.css'), 'utf8'), { loader: 'css', minify: true, legalComments: 'none' })).code;
  const auditCssName = hashed('audit.css', Buffer.from(auditCss));
  const result = await build({
    define: { __MAP_CSS__: JSON.stringify(`/assets/${mapCssName}`), __DESK_CSS__: JSON.stringify(`/assets/${deskCssName}`),
      __AUDIT_CSS__: JSON.stringify(`/assets/${auditCssName}`) },
    entryPoints: { app: join(here, 'src/main.jsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['chrome90', 'firefox90', 'safari15'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'c-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(join(dist, 'assets', mapCssName), mapCss);
  writeFileSync(join(dist, 'assets', deskCssName), deskCss);
  writeFileSync(join(dist, 'assets', auditCssName), auditCss);
  const outputs = result.metafile.outputs;
  const url = (path) => '/' + relative(dist, join(here, path)).split('\\').join('/');
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint === 'src/main.jsx' && path.endsWith('.js'));
  const css = outputs[entry].cssBundle;

  // the first screen: the entry and every chunk it imports statically (not the screens loaded on demand)
  const first = new Set();
  const walk = (path) => {
    if (first.has(path)) return;
    first.add(path);
    for (const imp of outputs[path].imports || []) if (imp.kind === 'import-statement' && !imp.external) walk(imp.path);
  };
  walk(entry);

  // the desk (src/desk/, opened at /mesa) is for desks with a network: its own chunks are not precached for the
  // field app's offline use. Its first screen (the queue) has its own budget.
  const deskOnly = (path) => {
    const inputs = Object.keys(outputs[path].inputs || {});
    return inputs.length > 0 && inputs.every((i) => i.startsWith('src/desk/'));
  };
  const moduleOf = (source) => Object.keys(outputs).find((p) => outputs[p].entryPoint === source && p.endsWith('.js'));
  const deskFirst = new Set(first);
  const walkFrom = (path) => {
    if (!path || deskFirst.has(path)) return;
    deskFirst.add(path);
    for (const imp of outputs[path].imports || []) if (imp.kind === 'import-statement' && !imp.external) walkFrom(imp.path);
  };
  walkFrom(moduleOf('src/desk/shell.jsx'));
  walkFrom(moduleOf('src/desk/queue.jsx'));

  // the annotate screen: its module and everything it imports statically that the first screen does not hold
  const annotate = new Set();
  const walkAnnotate = (path) => {
    if (!path || annotate.has(path) || first.has(path)) return;
    annotate.add(path);
    for (const imp of outputs[path].imports || []) if (imp.kind === 'import-statement' && !imp.external) walkAnnotate(imp.path);
  };
  walkAnnotate(moduleOf('src/audit/annotate.jsx'));

  const iconFiles = {};
  for (const size of [192, 512]) {
    const name = hashed(`icon-${size}.png`, icon(size));
    writeFileSync(join(dist, 'assets', name), icon(size));
    iconFiles[size] = `/assets/${name}`;
  }
  const manifest = {
    name: 'Vigía', short_name: 'Vigía', lang: 'es', dir: 'ltr',
    description: 'Contraloría social: obras públicas cerca de usted, quejas y seguimiento, también sin conexión.',
    start_url: '/', scope: '/', display: 'standalone', orientation: 'portrait',
    background_color: '#fafaf7', theme_color: THEME,
    icons: [
      { src: iconFiles[192], sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: iconFiles[512], sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: iconFiles[512], sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
  writeFileSync(join(dist, 'manifest.webmanifest'), JSON.stringify(manifest, null, 1));
  const preloads = [...first].filter((p) => p !== entry && p.endsWith('.js'))
    .map((p) => `<link rel="modulepreload" href="${url(p)}">`).join('\n');
  const html = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigía</title>
<meta name="description" content="Contraloría social: obras públicas, quejas y seguimiento">
<meta name="theme-color" content="${THEME}">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" type="image/png" href="${iconFiles[192]}">
<link rel="apple-touch-icon" href="${iconFiles[192]}">
<link rel="stylesheet" href="${url(css)}">
${preloads}
<script type="module" src="${url(entry)}"></script>
</head>
<body>
<div id="app"><noscript>Vigía necesita JavaScript.</noscript></div>
</body>
</html>
`;
  writeFileSync(join(dist, 'index.html'), html);

  // everything the app needs offline, by hashed name (index.html and the manifest change name with nothing:
  // the service worker's own bytes change with this list, so a new build is a new worker)
  const deskFiles = new Set(Object.keys(outputs).filter(deskOnly).map(url));
  deskFiles.add(`/assets/${deskCssName}`);
  const precache = ['/index.html', '/manifest.webmanifest', ...files(join(dist, 'assets')).map((p) => '/' + relative(dist, p))]
    .filter((p) => !deskFiles.has(p)).sort();
  const version = createHash('sha256').update(precache.join('\n') + html).digest('hex').slice(0, 12);
  await build({
    entryPoints: [join(here, 'src/sw.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome90'],
    outfile: join(dist, 'sw.js'),
    define: { __PRECACHE__: JSON.stringify(precache), __VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });

  // budgets (gzip)
  const size = (p) => gz(readFileSync(join(dist, p)));
  const firstBytes = size('index.html') + [...first, css].reduce((sum, p) => sum + gz(readFileSync(join(here, p))), 0);
  const offlineBytes = [...precache, '/sw.js'].reduce((sum, p) => sum + size(p.slice(1)), 0);
  const deskBytes = size('index.html') + gz(Buffer.from(deskCss)) + [...deskFirst, css].reduce((sum, p) => sum + gz(readFileSync(join(here, p))), 0);
  const annotateBytes = gz(Buffer.from(auditCss)) + [...annotate].reduce((sum, p) => sum + gz(readFileSync(join(here, p))), 0);
  const report = { version, first_screen_gzip: firstBytes, offline_gzip: offlineBytes, desk_first_screen_gzip: deskBytes,
    annotate_gzip: annotateBytes, budget_first: BUDGET_FIRST, budget_offline: BUDGET_OFFLINE, budget_desk: BUDGET_DESK,
    budget_annotate: BUDGET_ANNOTATE, files: precache.length + 1 };
  writeFileSync(join(dist, 'build.json'), JSON.stringify(report, null, 1));
  console.log(`vigía app ${version}: first screen ${(firstBytes / 1024).toFixed(1)} KB gzip (≤ ${BUDGET_FIRST / 1024}), `
    + `offline ${(offlineBytes / 1024).toFixed(1)} KB gzip (≤ ${BUDGET_OFFLINE / 1024}), ${precache.length + 1} files; `
    + `desk first screen ${(deskBytes / 1024).toFixed(1)} KB gzip (≤ ${BUDGET_DESK / 1024}); `
    + `annotate screen ${(annotateBytes / 1024).toFixed(1)} KB gzip (≤ ${BUDGET_ANNOTATE / 1024}, ${annotate.size} chunks)`);
  const over = [];
  // Leaflet is for the map only: it must never be pulled into the first screen by a static import
  const heavy = [...first].filter((p) => Object.keys(outputs[p].inputs || {}).some((i) => i.includes('node_modules/leaflet/')));
  if (heavy.length) over.push(`Leaflet is in the first screen (${heavy.join(', ')}): import src/screens/map.jsx dynamically`);
  // the annotation library is for the annotate screen only (a dynamic import), and that screen works offline
  const lib = (p) => Object.keys(outputs[p].inputs || {}).some((i) => /node_modules\/(@recogito|@annotorious)\//.test(i));
  const libFirst = [...first].filter(lib);
  if (libFirst.length) over.push(`the annotation library is in the first screen (${libFirst.join(', ')}): import src/audit/ dynamically`);
  if (!annotate.size || ![...annotate].some(lib)) over.push('the annotate screen (src/audit/annotate.jsx) is not a chunk of its own with the annotation library');
  const missing = [...annotate].map(url).filter((p) => !precache.includes(p));
  if (missing.length) over.push(`the annotate screen is not precached for offline: ${missing.join(', ')}`);
  if (annotateBytes > BUDGET_ANNOTATE) over.push(`annotate screen ${annotateBytes} B > ${BUDGET_ANNOTATE} B`);
  if (firstBytes > BUDGET_FIRST) over.push(`first screen ${firstBytes} B > ${BUDGET_FIRST} B`);
  if (offlineBytes > BUDGET_OFFLINE) over.push(`offline app ${offlineBytes} B > ${BUDGET_OFFLINE} B`);
  if (deskBytes > BUDGET_DESK) over.push(`desk first screen ${deskBytes} B > ${BUDGET_DESK} B`);
  if (over.length) {
    console.error('size budget exceeded: ' + over.join('; '));
    process.exit(1);
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((error) => { console.error(error); process.exit(1); });
}
