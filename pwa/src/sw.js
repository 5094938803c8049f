// The service worker: precache the built files by their content-hashed names, serve the app shell offline,
// and nothing clever. The API is never cached here (answers may be personal): the page keeps what it needs
// in IndexedDB. The public pages (/publico/…) go to the network too. A new version waits until the page asks it
// to take over ("Actualizar").
/* global __PRECACHE__, __VERSION__ */
const CACHE = `vigia-app-${__VERSION__}`;
const PRECACHE = __PRECACHE__;
const SHELL = '/index.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('vigia-app-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/docs' || url.pathname.startsWith('/docs/')
      || url.pathname === '/openapi.json') return; // network only, never stored
  // the public pages are the server's own HTML (server/pages), never the app shell: network only
  if (url.pathname === '/publico' || url.pathname.startsWith('/publico/') || url.pathname === '/sitemap.xml'
      || url.pathname === '/robots.txt') return;
  if (request.mode === 'navigate') {
    // every app route is the same shell; the shell of this version is in the cache
    event.respondWith(caches.match(SHELL, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((hit) => hit || fetch(request)));
});
