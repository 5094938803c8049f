// The sync engine: outbox, sessions, push, tus uploads, pull. No DOM; `fetch`, the database, the tus client and
// the lock are handed in, so Node's test runner drives it against fake-indexeddb (tests/unit/).
//
// One run = push every waiting mutation (in order, in batches), record each answer, upload the photos of the
// mutations the server applied (tus, resuming from the server's offset), then pull from the stored cursor.
// docs/sync.md is the protocol; docs/pwa.md says what the person sees.
import { request, ApiError, NetworkError } from './api.js';

export const PROTOCOL = 'vigia-sync/1';
export const BATCH = 50;
export const CHUNK = 256 * 1024; // tus chunk: ≥ 128 KB so a cheap phone makes few requests
export const ANON = 'anon';
const UPLOADS = '/api/v1/sync/uploads/';

export function uuid() {
  return crypto.randomUUID();
}

export function createEngine({
  db,
  fetch: fetchImpl = (...args) => globalThis.fetch(...args),
  base = '',
  language = () => 'es',
  loadTus = () => import('tus-js-client'),
  locks = globalThis.navigator?.locks,
  deviceName = 'Vigía',
}) {
  const env = { fetch: fetchImpl, base, language };
  const listeners = new Set();
  let running = null; // the run in progress in this tab (the Web Lock covers other tabs)
  let again = false;
  let seq = 0;

  const changed = (what = {}) => listeners.forEach((listener) => listener(what));

  // ------------------------------------------------------------------ identity

  async function deviceId(kind) {
    const key = `device:${kind}`;
    let id = await db.get('meta', key);
    if (!id) {
      id = uuid();
      await db.put('meta', id, key);
    }
    return id;
  }

  async function userSession() {
    return (await db.get('meta', 'session:user')) || null;
  }

  /** A token for filing anonymously: an anonymous device of its own, holding nothing about the person. */
  async function anonSession() {
    const held = await db.get('meta', 'session:anon');
    if (held && (!held.expires_at || Date.parse(held.expires_at) > Date.now() + 60_000)) return held;
    let device_id = await deviceId(ANON);
    let data;
    try {
      ({ data } = await request(env, 'POST', '/api/v1/auth/anonymous-device', { body: { device_id } }));
    } catch (error) {
      // the server enrolled this id but its answer was lost (or the token expired): a device id is enrolled once,
      // so take a fresh one. Nothing was pushed with the old one without its token, so no follow-up code is lost.
      if (!(error instanceof ApiError && error.code === 'device_taken')) throw error;
      device_id = uuid();
      await db.put('meta', device_id, `device:${ANON}`);
      ({ data } = await request(env, 'POST', '/api/v1/auth/anonymous-device', { body: { device_id } }));
    }
    const session = { token: data.token, device_id: data.device_id || device_id, expires_at: data.expires_at || null };
    await db.put('meta', session, 'session:anon');
    return session;
  }

  async function signIn({ email, password, device_name }) {
    const device_id = await deviceId('user');
    const { data } = await request(env, 'POST', '/api/v1/auth/login', {
      body: { email, password, device_name: device_name || deviceName, device_id },
    });
    const session = { token: data.token, device_id: data.device?.id || device_id, expires_at: data.expires_at, user: data.user };
    await db.put('meta', session, 'session:user');
    changed({ session: true });
    return session;
  }

  /** Mutations of this user not yet acknowledged (warn before signing out). */
  async function unsentCount(owner) {
    const items = await db.getAllFromIndex('outbox', 'owner', owner);
    return items.filter((item) => item.state === 'waiting' || item.state === 'sending' || pendingPhotos(item).length).length;
  }

  /** Sign out: revoke the token (when online) and delete everything of this user on the phone. */
  async function signOut() {
    const session = await userSession();
    if (!session) return;
    try {
      await request(env, 'POST', '/api/v1/auth/logout', { session });
    } catch {
      // offline or already revoked: the data on the phone goes anyway
    }
    const owner = session.user.id;
    const tx = db.transaction(['outbox', 'records', 'meta', 'receipts', 'drafts'], 'readwrite');
    for (const key of await tx.objectStore('outbox').index('owner').getAllKeys(owner)) tx.objectStore('outbox').delete(key);
    for (const key of await tx.objectStore('records').index('owner').getAllKeys(owner)) tx.objectStore('records').delete(key);
    const receipts = await tx.objectStore('receipts').getAll();
    for (const receipt of receipts) if (receipt.owner === owner) tx.objectStore('receipts').delete(receipt.complaint_id);
    tx.objectStore('drafts').delete('complaint'); // what this person was writing goes with them
    tx.objectStore('drafts').delete('visit');
    tx.objectStore('meta').delete('session:user');
    tx.objectStore('meta').delete(`cursor:${owner}`);
    await tx.done;
    changed({ session: true });
  }

  // ------------------------------------------------------------------ outbox

  /**
   * Save a mutation at once (the person pressed save): it is on the phone before anything is sent.
   * photos: [{id, sha256, original_sha256, blob}] already declared in the payload's attachments.
   */
  async function enqueue({ intent, municipality, payload, photos = [], owner, label }) {
    const now = new Date().toISOString();
    const item = {
      id: uuid(),
      intent,
      municipality,
      payload,
      owner,
      label: label || '',
      state: 'waiting',
      message: null,
      data: null,
      created_at: now,
      updated_at: now,
      seq: Date.now() * 1000 + (seq++ % 1000),
      photos: photos.map((photo) => ({
        id: photo.id,
        sha256: photo.sha256,
        original_sha256: photo.original_sha256 || null,
        blob: photo.blob,
        size: photo.blob?.size ?? 0,
        upload_url: null,
        offset: 0,
        done: false,
        error: null,
      })),
    };
    await db.put('outbox', item);
    changed({ outbox: true, enqueued: true });
    return item;
  }

  async function list() {
    const items = await db.getAll('outbox');
    return items.sort((a, b) => b.seq - a.seq);
  }

  async function remove(id) {
    await db.delete('outbox', id);
    changed({ outbox: true });
  }

  /** Change an outbox item if it is still there (sign-out may have deleted it); `receipt` is stored with it, in the
   * same transaction, so an answer arriving after sign-out cannot leave the account's receipt behind. */
  async function update(id, change, receipt = null) {
    const tx = db.transaction(receipt ? ['outbox', 'receipts'] : 'outbox', 'readwrite');
    const outbox = tx.objectStore('outbox');
    const item = await outbox.get(id);
    if (!item) {
      await tx.done;
      return null;
    }
    const next = { ...item, ...change(item), updated_at: new Date().toISOString() };
    await outbox.put(next);
    if (receipt) await tx.objectStore('receipts').put(receipt);
    await tx.done;
    return next;
  }

  function pendingPhotos(item) {
    if (!['sent', 'noted'].includes(item.state)) return [];
    return item.photos.filter((photo) => !photo.done && !photo.error);
  }

  // ------------------------------------------------------------------ one run

  /** Run once; a run already going (this tab or another) is not doubled. Returns {ok, busy, error}. */
  async function run() {
    if (running) {
      again = true; // asked during a run that may have passed its push already: run once more after it
      return running;
    }
    const go = async () => {
      try {
        const result = await runLocked();
        await db.put('meta', { at: new Date().toISOString(), ok: true }, 'sync:last');
        return result;
      } catch (error) {
        await db.put('meta', { at: new Date().toISOString(), ok: false, error: describe(error) }, 'sync:last');
        return { ok: false, error };
      } finally {
        changed({ run: false });
      }
    };
    running = (async () => {
      changed({ run: true });
      if (locks?.request) {
        return locks.request('vigia-sync', { ifAvailable: true }, (lock) => (lock ? go() : { ok: false, busy: true }));
      }
      return go();
    })();
    let result;
    try {
      result = await running;
    } finally {
      running = null;
    }
    if (again) {
      again = false;
      return run();
    }
    return result;
  }

  async function runLocked() {
    const user = await userSession();
    const items = await db.getAll('outbox');
    const owners = new Set(items.filter((item) => item.state === 'waiting' || item.state === 'sending' || pendingPhotos(item).length)
      .map((item) => item.owner));
    for (const owner of owners) {
      let session;
      if (owner === ANON) session = await anonSession();
      else if (user && user.user.id === owner) session = user;
      else continue; // another account's leftovers: sign-out deletes them; never send them with this token
      try {
        await push(owner, session);
        await uploads(owner, session);
      } catch (error) {
        if (owner === ANON && error instanceof ApiError && error.status === 401) {
          await db.delete('meta', 'session:anon'); // expired or revoked: enrol again on the next run
        }
        throw error;
      }
    }
    if (user) await pull(user.user.id, user);
    return { ok: true };
  }

  async function push(owner, session) {
    const all = (await db.getAllFromIndex('outbox', 'owner', owner))
      .filter((item) => item.state === 'waiting' || item.state === 'sending')
      .sort((a, b) => a.seq - b.seq);
    for (let start = 0; start < all.length; start += BATCH) {
      const batch = all.slice(start, start + BATCH);
      for (const item of batch) await update(item.id, () => ({ state: 'sending' }));
      changed({ outbox: true });
      let answer;
      try {
        answer = await request(env, 'POST', '/api/v1/sync/push', {
          session,
          body: { mutations: batch.map(({ id, intent, municipality, payload }) => ({ id, intent, municipality, payload })) },
        });
      } catch (error) {
        for (const item of batch) await update(item.id, () => ({ state: 'waiting' }));
        changed({ outbox: true });
        throw error;
      }
      if (!acknowledged(answer, batch)) {
        // a portal's page, a half-read body: not an answer; everything stays to be sent again (safe: dedup by id)
        for (const item of batch) await update(item.id, () => ({ state: 'waiting' }));
        changed({ outbox: true });
        throw new ApiError(answer.status, 'not_acknowledged', 'not acknowledged');
      }
      for (const [i, result] of answer.data.results.entries()) await record(batch[i], result, owner);
      changed({ outbox: true });
    }
  }

  async function record(item, result) {
    const data = result.data || null;
    if (result.status === 'retry') {
      await update(item.id, () => ({ state: 'waiting' }));
      return;
    }
    if (result.status === 'rejected') {
      await update(item.id, () => ({
        state: 'rejected',
        message: result.error?.message || result.error?.code,
        code: result.error?.code,
        details: (result.error?.details || []).map((d) => d.message || d.msg || d.code).filter(Boolean),
        data,
      }));
      return;
    }
    const state = result.status === 'noted' ? 'noted' : 'sent';
    const missing = data?.missing_attachments;
    const receipt = item.intent === 'complaint.file' && data?.follow_up_code ? {
      complaint_id: item.payload.id,
      folio: data.folio,
      code: data.follow_up_code,
      follow_up_url: data.follow_up_url || null,
      municipality: item.municipality,
      filed_at: item.created_at,
      owner: item.owner,
      label: item.label,
    } : null;
    await update(item.id, (held) => ({
      state,
      // a visit far from its work is applied with warnings: show them as the item's message
      message: result.message || result.error?.message || (data?.warnings || []).map((w) => w.message).join(' ') || null,
      data,
      record: result.record || null,
      // photos the server already holds (a replay, the same file sent before) need no upload
      photos: held.photos.map((photo) => (Array.isArray(missing) && !missing.includes(photo.id) ? { ...photo, done: true, blob: null } : photo)),
    }), receipt);
  }

  async function uploads(owner, session) {
    const items = (await db.getAllFromIndex('outbox', 'owner', owner)).filter((item) => pendingPhotos(item).length);
    if (!items.length) return;
    const tus = await loadTus();
    for (const item of items) {
      const target = recordOf(item);
      for (const photo of pendingPhotos(item)) await uploadOne(tus, item.id, target, photo, session);
      changed({ outbox: true });
    }
  }

  function recordOf(item) {
    if (item.intent === 'complaint.file') return `complaint:${item.payload.id}`;
    if (item.intent === 'visit.submit') return `visit:${item.payload.id}`;
    return `complaint:${item.payload.complaint_id}`;
  }

  function uploadOne(tus, itemId, target, photo, session) {
    const Upload = tus.Upload || tus.default?.Upload;
    return new Promise((resolve, reject) => {
      let lastSaved = 0;
      const upload = new Upload(photo.blob, {
        endpoint: env.base + UPLOADS,
        uploadUrl: photo.upload_url || null, // resume: tus asks the server its offset (HEAD) before sending more
        chunkSize: CHUNK,
        retryDelays: null, // the engine's own triggers retry; a run never hangs on a dead network
        storeFingerprintForResuming: false,
        removeFingerprintOnSuccess: false,
        metadata: { record: target, attachment: photo.id, sha256: photo.sha256, filetype: 'image/jpeg' },
        headers: { Authorization: `Bearer ${session.token}`, 'Vigia-Device': session.device_id, 'Accept-Language': env.language() },
        onUploadUrlAvailable: async () => {
          await update(itemId, (held) => ({ photos: held.photos.map((p) => (p.id === photo.id ? { ...p, upload_url: upload.url } : p)) }));
        },
        onProgress: (sent) => {
          if (sent - lastSaved >= CHUNK || sent === photo.size) {
            lastSaved = sent;
            update(itemId, (held) => ({ photos: held.photos.map((p) => (p.id === photo.id ? { ...p, offset: sent } : p)) }))
              .then(() => changed({ outbox: true }));
          }
        },
        onSuccess: async () => {
          await update(itemId, (held) => ({ photos: held.photos.map((p) => (p.id === photo.id ? { ...p, offset: p.size, done: true, blob: null } : p)) }));
          resolve();
        },
        onError: async (error) => {
          const status = error?.originalResponse?.getStatus?.();
          let body = null;
          try { body = JSON.parse(error?.originalResponse?.getBody?.() || 'null'); } catch { body = null; }
          if ([400, 409, 413, 415, 460].includes(status) && body?.error?.code && body.error.code !== 'upload_offset_mismatch') {
            // refused for good (not an image, hash differs, not declared): show it, don't retry forever
            await update(itemId, (held) => ({ photos: held.photos.map((p) => (p.id === photo.id ? { ...p, error: body.error.message || body.error.code } : p)) }));
            resolve();
            return;
          }
          if (status === 404 || status === 410) {
            // the server forgot this upload (expired): start a new one next run
            await update(itemId, (held) => ({ photos: held.photos.map((p) => (p.id === photo.id ? { ...p, upload_url: null, offset: 0 } : p)) }));
          }
          reject(status ? new ApiError(status, body?.error?.code || 'upload_failed', body?.error?.message || 'upload failed') : new NetworkError(error));
        },
      });
      upload.start();
    });
  }

  async function pull(owner, session) {
    let cursor = (await db.get('meta', `cursor:${owner}`)) || null;
    for (let page = 0; page < 1000; page++) {
      const query = new URLSearchParams({ limit: '200' });
      if (cursor) query.set('cursor', cursor);
      const { data } = await request(env, 'GET', `/api/v1/sync/pull?${query}`, { session });
      if (!data || data.protocol !== PROTOCOL || data.ok !== true) throw new ApiError(200, 'not_acknowledged', 'not a pull answer');
      const tx = db.transaction(['records', 'meta'], 'readwrite');
      const records = tx.objectStore('records');
      const held = await tx.objectStore('meta').get('session:user');
      if (!held || held.token !== session.token) {
        // signed out (or in as someone else) while this page was on its way: keep nothing of it
        tx.abort();
        await tx.done.catch(() => {});
        return;
      }
      if (data.reset) {
        for (const key of await records.index('owner').getAllKeys(owner)) records.delete(key);
        tx.objectStore('meta').delete(`cursor:${owner}`);
        await tx.done;
        cursor = null;
        continue;
      }
      for (const scope of data.removed_scopes || []) {
        for (const key of await records.index('owner_scope').getAllKeys([owner, scope])) records.delete(key);
      }
      for (const item of data.items || []) {
        const key = `${owner}|${item.type}:${item.id}`;
        if (item.op === 'delete') records.delete(key);
        else records.put({ key, owner, type: item.type, id: item.id, scope: item.scope, data: item.data });
      }
      if (data.cursor) tx.objectStore('meta').put(data.cursor, `cursor:${owner}`); // kept only with its page
      await tx.done;
      cursor = data.cursor;
      if (!data.has_more) break;
    }
    changed({ records: true });
  }

  return {
    env,
    db,
    onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    deviceId,
    userSession,
    anonSession,
    signIn,
    signOut,
    unsentCount,
    enqueue,
    list,
    remove,
    run,
    pendingPhotos,
    isRunning: () => Boolean(running),
  };
}

/** The push answer is an acknowledgement only when it says so, for exactly the mutations sent, in order. */
export function acknowledged(answer, batch) {
  const data = answer?.data;
  return Boolean(
    answer && answer.status === 200 && data && data.protocol === PROTOCOL && data.ok === true
      && Array.isArray(data.results) && data.results.length === batch.length
      && data.results.every((result, i) => result && result.id === batch[i].id),
  );
}

export function describe(error) {
  if (error instanceof NetworkError) return { code: 'network', message: null };
  return { code: error?.code || 'error', message: error?.message || String(error) };
}
