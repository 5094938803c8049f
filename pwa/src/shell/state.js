// Boot: open the phone's database, choose the language, make the sync engine, start its triggers, register the
// service worker. Screens get this context; they call the engine and never IndexedDB or the network directly.
import { openStore } from '../sync/store.js';
import { createEngine } from '../sync/engine.js';
import { request } from '../sync/api.js';
import { setLanguage, language } from '../lib/i18n.js';

function emitter() {
  const listeners = new Set();
  return {
    on(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    emit(value) { listeners.forEach((listener) => listener(value)); },
  };
}

export async function boot() {
  const db = await openStore();
  setLanguage((await db.get('meta', 'language')) || 'es');
  const engine = createEngine({ db, language, deviceName: navigator.userAgentData?.platform || 'Teléfono' });
  const ctx = {
    db,
    engine,
    events: emitter(), // {language}, {update}, {form}, {online}
    update: null, // the service worker waiting to take over
    formOpen: false,
    api: (method, path, options) => request(engine.env, method, path, options),
    async setLanguage(lang) {
      setLanguage(lang);
      await db.put('meta', lang, 'language');
      ctx.events.emit({ language: lang });
    },
    setFormOpen(open) {
      if (ctx.formOpen !== open) { ctx.formOpen = open; ctx.events.emit({ form: open }); }
    },
    applyUpdate() {
      if (!ctx.update || ctx.formOpen) return false; // never reload a form mid-edit
      navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
      ctx.update.postMessage('skip-waiting');
      return true;
    },
    async cached(key, fetcher) {
      // public answers kept for offline: fresh from the network when it answers, else the last one kept
      try {
        const value = await fetcher();
        await db.put('cache', { at: new Date().toISOString(), value }, key);
        return { value, at: null };
      } catch (error) {
        const held = await db.get('cache', key);
        if (held) return { value: held.value, at: held.at };
        throw error;
      }
    },
  };
  startTriggers(ctx);
  registerWorker(ctx);
  keepStorage();
  return ctx;
}

function startTriggers(ctx) {
  const { engine } = ctx;
  let delay = 30_000;
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  };
  const tick = async () => {
    const result = await engine.run();
    if (result && result.ok === false && !result.busy) delay = Math.min(delay * 2, 10 * 60_000); // back off
    else delay = 30_000;
    schedule();
  };
  ctx.syncNow = () => tick();
  window.addEventListener('online', () => { ctx.events.emit({ online: true }); tick(); });
  window.addEventListener('offline', () => ctx.events.emit({ online: false }));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') tick(); });
  // A save sends soon, not at once: the person's next tap (and the screen drawing what was saved) comes first,
  // and saves made in a row travel in one push.
  let soon = null;
  engine.onChange((what) => {
    if (!what.enqueued) return;
    clearTimeout(soon);
    soon = setTimeout(tick, 800);
  });
  setTimeout(tick, 500);
}

function registerWorker(ctx) {
  if (!('serviceWorker' in navigator)) return;
  const offer = (worker) => {
    ctx.update = worker;
    ctx.events.emit({ update: true });
  };
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((registration) => {
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
      });
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') registration.update().catch(() => {});
    });
  }).catch(() => {});
}

async function keepStorage() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch {
    // the browser may refuse; the outbox screen says so
  }
}

export async function storageInfo() {
  const info = { persisted: null, quota: null, usage: null };
  try {
    info.persisted = await navigator.storage?.persisted?.();
    const estimate = await navigator.storage?.estimate?.();
    if (estimate) { info.quota = estimate.quota; info.usage = estimate.usage; }
  } catch {
    // unknown
  }
  return info;
}
