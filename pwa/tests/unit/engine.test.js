// The sync engine without a browser: Node's test runner, fake-indexeddb for IndexedDB, and a small stand-in for
// the server's push and pull answers (the real server is exercised by the browser tests in tests/pwa/).
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/sync/store.js';
import { createEngine, acknowledged, ANON } from '../../src/sync/engine.js';

let counter = 0;
async function fresh(server) {
  const db = await openStore(`vigia-test-${++counter}`);
  const calls = [];
  const fetch = async (url, init) => {
    const path = url.replace('http://vigia.test', '');
    const body = init.body ? JSON.parse(init.body) : null;
    calls.push({ method: init.method, path, body, headers: init.headers });
    const answer = await server({ method: init.method, path, body, headers: init.headers });
    if (answer instanceof Error) throw answer;
    return new Response(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
      { status: answer.status || 200, headers: { 'Content-Type': 'application/json' } });
  };
  const engine = createEngine({ db, fetch, base: 'http://vigia.test', locks: null, loadTus: async () => ({}) });
  return { db, engine, calls };
}

function enrol(path) {
  if (path === '/api/v1/auth/anonymous-device') {
    return { status: 201, body: { token: 'tok', device_id: 'dev', expires_at: '2999-01-01T00:00:00Z' } };
  }
  return null;
}

const complaint = (n) => ({
  intent: 'complaint.file', municipality: '10005', owner: ANON,
  payload: { id: `c${n}`, kind: 'complaint', category: 'x', description: 'descripción larga', anonymous: true, attachments: [] },
});

test('an acknowledgement is exactly one result per mutation, same ids, same order, from the protocol', () => {
  const batch = [{ id: 'a' }, { id: 'b' }];
  const ok = { status: 200, data: { protocol: 'vigia-sync/1', ok: true, results: [{ id: 'a' }, { id: 'b' }] } };
  assert.equal(acknowledged(ok, batch), true);
  assert.equal(acknowledged({ ...ok, data: { ...ok.data, results: [{ id: 'b' }, { id: 'a' }] } }, batch), false);
  assert.equal(acknowledged({ ...ok, data: { ...ok.data, results: [{ id: 'a' }] } }, batch), false);
  assert.equal(acknowledged({ ...ok, data: { ...ok.data, protocol: 'x' } }, batch), false);
  assert.equal(acknowledged({ status: 200, data: null }, batch), false);
});

test('a captive portal answering 200 with HTML keeps every mutation waiting', async () => {
  const { engine } = await fresh(({ path }) => enrol(path) || { status: 200, body: '<html>Bienvenido al WiFi</html>' });
  await engine.enqueue(complaint(1));
  const result = await engine.run();
  assert.equal(result.ok, false);
  const [item] = await engine.list();
  assert.equal(item.state, 'waiting');
});

test('applied, noted, rejected and retry each land in their state; a rejection keeps the server message', async () => {
  const { engine, calls } = await fresh(({ path, body }) => enrol(path) || {
    body: {
      protocol: 'vigia-sync/1', ok: true,
      results: body.mutations.map((m, i) => [
        { id: m.id, status: 'applied', data: { folio: '10005-2026-000001', follow_up_code: 'K7Q-M4P-X9D', missing_attachments: [] } },
        { id: m.id, status: 'noted', message: 'Se guardó como información.' },
        { id: m.id, status: 'rejected', error: { code: 'category_unknown', message: 'La categoría no existe.', details: [] } },
        { id: m.id, status: 'retry' },
      ][i]),
    },
  });
  for (const n of [1, 2, 3, 4]) await engine.enqueue(complaint(n));
  await engine.run();
  const byPayload = Object.fromEntries((await engine.list()).map((item) => [item.payload.id, item]));
  assert.equal(byPayload.c1.state, 'sent');
  assert.equal(byPayload.c2.state, 'noted');
  assert.equal(byPayload.c2.message, 'Se guardó como información.');
  assert.equal(byPayload.c3.state, 'rejected');
  assert.equal(byPayload.c3.message, 'La categoría no existe.');
  assert.equal(byPayload.c4.state, 'waiting');
  const push = calls.find((c) => c.path === '/api/v1/sync/push');
  assert.deepEqual(push.body.mutations.map((m) => m.payload.id), ['c1', 'c2', 'c3', 'c4']); // in the order saved
  assert.equal(push.headers.Authorization, 'Bearer tok');
  assert.equal(push.headers['Vigia-Device'], 'dev');
});

test('the folio and follow-up code of an anonymous filing are kept on the phone', async () => {
  const { engine, db } = await fresh(({ path, body }) => enrol(path) || {
    body: { protocol: 'vigia-sync/1', ok: true, results: body.mutations.map((m) => ({ id: m.id, status: 'applied',
      data: { folio: '10005-2026-000009', follow_up_code: 'ABC-DEF-GHJ', missing_attachments: [] } })) },
  });
  await engine.enqueue(complaint(7));
  await engine.run();
  const receipts = await db.getAll('receipts');
  assert.deepEqual(receipts.map((r) => [r.complaint_id, r.folio, r.code]), [['c7', '10005-2026-000009', 'ABC-DEF-GHJ']]);
});

test('a network failure leaves the mutations waiting, to be sent again', async () => {
  const { engine } = await fresh(({ path }) => enrol(path) || new TypeError('Failed to fetch'));
  await engine.enqueue(complaint(1));
  await engine.run();
  assert.equal((await engine.list())[0].state, 'waiting');
});

test('a lost enrolment answer (device_taken) takes a fresh anonymous device id', async () => {
  let first = true;
  const { engine, calls } = await fresh(({ path, body }) => {
    if (path === '/api/v1/auth/anonymous-device') {
      if (first) { first = false; return { status: 409, body: { error: { code: 'device_taken', message: 'x', details: [] } } }; }
      return { status: 201, body: { token: 'tok2', device_id: body.device_id } };
    }
    return { body: { protocol: 'vigia-sync/1', ok: true, results: body.mutations.map((m) => ({ id: m.id, status: 'applied', data: {} })) } };
  });
  await engine.enqueue(complaint(1));
  await engine.run();
  const enrolments = calls.filter((c) => c.path === '/api/v1/auth/anonymous-device');
  assert.equal(enrolments.length, 2);
  assert.notEqual(enrolments[0].body.device_id, enrolments[1].body.device_id);
  assert.equal((await engine.list())[0].state, 'sent');
});

test('pull stores by scope, honours deletions, removed scopes and reset, and keeps the cursor with its page', async () => {
  const pages = [
    { items: [
      { type: 'work', id: 'w1', scope: 'works:10005', op: 'upsert', data: { title: 'A' } },
      { type: 'visit', id: 'v1', scope: 'committee:9', op: 'upsert', data: {} },
      { type: 'complaint', id: 'q1', scope: 'mine', op: 'upsert', data: {} },
    ], removed_scopes: [], has_more: true, cursor: 'c1', reset: false },
    { items: [{ type: 'complaint', id: 'q1', scope: 'mine', op: 'delete' }], removed_scopes: ['committee:9'], has_more: false, cursor: 'c2', reset: false },
  ];
  const seen = [];
  const { engine, db } = await fresh(({ path }) => {
    if (path === '/api/v1/auth/login') {
      return { body: { token: 't', expires_at: '2999-01-01T00:00:00Z', user: { id: 'u1', email: 'a@b.c' }, device: { id: 'd1' } } };
    }
    seen.push(path);
    return { body: { protocol: 'vigia-sync/1', ok: true, ...pages.shift() } };
  });
  await engine.signIn({ email: 'a@b.c', password: 'x' });
  await engine.run();
  assert.deepEqual((await db.getAll('records')).map((r) => r.key), ['u1|work:w1']);
  assert.equal(await db.get('meta', 'cursor:u1'), 'c2');
  assert.match(seen[1], /cursor=c1/);

  pages.push({ items: [], removed_scopes: [], has_more: false, cursor: null, reset: true },
    { items: [{ type: 'work', id: 'w2', scope: 'works:10005', op: 'upsert', data: {} }], removed_scopes: [], has_more: false, cursor: 'c9', reset: false });
  await engine.run();
  assert.deepEqual((await db.getAll('records')).map((r) => r.key), ['u1|work:w2']);
  assert.doesNotMatch(seen.at(-1), /cursor=/); // after a reset, from the beginning

  await db.put('drafts', { description: 'borrador de la voluntaria' }, 'complaint');
  await engine.signOut();
  assert.deepEqual(await db.getAll('records'), []);
  assert.deepEqual(await db.getAll('drafts'), []);
  assert.equal(await db.get('meta', 'session:user'), undefined);
  assert.equal(await db.get('meta', 'cursor:u1'), undefined);
});

test('a run asked for while one is going runs again after it (a mutation saved mid-run is not left waiting)', async () => {
  let release;
  let arrived;
  const gate = new Promise((resolve) => { release = resolve; });
  const firstPushArrived = new Promise((resolve) => { arrived = resolve; });
  let pushes = 0;
  const { engine } = await fresh(async ({ path, body }) => {
    if (path === '/api/v1/auth/anonymous-device') return enrol(path);
    pushes += 1;
    if (pushes === 1) { arrived(); await gate; }
    return { body: { protocol: 'vigia-sync/1', ok: true, results: body.mutations.map((m) => ({ id: m.id, status: 'applied', data: {} })) } };
  });
  await engine.enqueue(complaint(1));
  const first = engine.run();
  await firstPushArrived;
  await engine.enqueue(complaint(2)); // saved while the first push is on the wire
  const second = engine.run();
  release();
  await Promise.all([first, second]);
  assert.deepEqual((await engine.list()).map((item) => item.state), ['sent', 'sent']);
  assert.equal(pushes, 2);
});

test('answers arriving after sign-out (a push with its receipt, a pull page) keep nothing of the account', async () => {
  let release;
  let arrived;
  const gate = new Promise((resolve) => { release = resolve; });
  const pushArrived = new Promise((resolve) => { arrived = resolve; });
  const { engine, db } = await fresh(async ({ path, body }) => {
    if (path === '/api/v1/auth/login') {
      return { body: { token: 't', expires_at: '2999-01-01T00:00:00Z', user: { id: 'u1', email: 'a@b.c' }, device: { id: 'd1' } } };
    }
    if (path === '/api/v1/auth/logout') return { status: 204, body: '' };
    if (path === '/api/v1/sync/push') {
      arrived();
      await gate; // answered by the server, slow to reach the phone
      return { body: { protocol: 'vigia-sync/1', ok: true, results: body.mutations.map((m) => ({ id: m.id, status: 'applied',
        data: { folio: '10005-2026-000010', follow_up_code: 'KLM-NPQ-RST', missing_attachments: [] } })) } };
    }
    return { body: { protocol: 'vigia-sync/1', ok: true, items: [{ type: 'work', id: 'w1', scope: 'works:10005', op: 'upsert', data: {} }],
      removed_scopes: [], has_more: false, cursor: 'c1', reset: false } };
  });
  await engine.signIn({ email: 'a@b.c', password: 'x' });
  await engine.enqueue({ ...complaint(8), owner: 'u1', payload: { ...complaint(8).payload, anonymous: false } });
  const running = engine.run();
  await pushArrived;
  await engine.signOut();
  release();
  await running;
  assert.deepEqual(await db.getAll('receipts'), []);
  assert.deepEqual(await db.getAll('outbox'), []);
  assert.deepEqual(await db.getAll('records'), []);
  assert.equal(await db.get('meta', 'cursor:u1'), undefined);
});
