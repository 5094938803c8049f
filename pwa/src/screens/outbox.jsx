// The outbox: every mutation with its state, photos k of n, the server's message; the folio and follow-up code of
// anonymous filings (kept on the phone); the sync button; the phone's storage.
import { useEffect, useState } from 'preact/hooks';
import { t, formatBytes, formatDate } from '../lib/i18n.js';
import { useRefresh, Link, navigate } from '../shell/hooks.jsx';
import { storageInfo } from '../shell/state.js';

const LOW = 50 * 1024 * 1024;

export function followLink(municipality, folio, code) {
  return `/seguimiento#municipio=${encodeURIComponent(municipality)}&folio=${encodeURIComponent(folio)}&codigo=${encodeURIComponent(code)}`;
}

/** The folio and code drawn on a picture the person can keep in the phone's gallery. */
async function saveImage(folio, code) {
  const canvas = document.createElement('canvas');
  canvas.width = 720;
  canvas.height = 400;
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 720, 400);
  g.fillStyle = '#0b5d3b';
  g.fillRect(0, 0, 720, 72);
  g.fillStyle = '#ffffff';
  g.font = 'bold 36px sans-serif';
  g.fillText('Vigía', 28, 50);
  g.fillStyle = '#1a1a1a';
  g.font = '24px sans-serif';
  g.fillText(t('folio'), 28, 130);
  g.fillText(t('code'), 28, 230);
  g.font = 'bold 40px monospace';
  g.fillText(folio, 28, 178);
  g.fillText(code, 28, 278);
  g.font = '20px sans-serif';
  g.fillText(t('keep_code_short'), 28, 350);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `vigia-${folio}.png`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Receipt({ municipality, folio, code }) {
  const [copied, setCopied] = useState(false);
  const text = `${t('folio')}: ${folio}\n${t('code')}: ${code}`;
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setCopied(true); } catch { setCopied(false); }
  };
  const share = () => navigator.share?.({ title: t('app_name'), text }).catch(() => {});
  return (
    <div class="receipt">
      <dl>
        <dt>{t('folio')}</dt><dd class="folio">{folio}</dd>
        <dt>{t('code')}</dt><dd class="code">{code}</dd>
      </dl>
      <p class="help">{t('keep_code')}</p>
      <button type="button" onClick={copy}>{copied ? t('copied') : t('copy')}</button>
      {navigator.share && <button type="button" onClick={share}>{t('share')}</button>}
      <button type="button" onClick={() => saveImage(folio, code)}>{t('save_image')}</button>
      <Link href={followLink(municipality, folio, code)}>{t('follow_this')}</Link>
    </div>
  );
}

function Item({ ctx, item }) {
  const photos = item.photos || [];
  const sent = photos.filter((p) => p.done).length;
  const failed = photos.find((p) => p.error);
  const fix = async () => {
    // a rejected mutation is never sent again: its content becomes a new draft, saved later as a new mutation
    const p = item.payload;
    await ctx.db.put('drafts', {
      kind: p.kind || 'complaint', category: p.category || '', description: p.description || '', work_id: p.work_id || '',
      lon: p.location ? String(p.location.coordinates[0]) : '', lat: p.location ? String(p.location.coordinates[1]) : '',
      accuracy: p.accuracy_m || null, anonymous: p.anonymous !== false,
      photos: photos.filter((x) => x.blob).map((x) => ({ id: crypto.randomUUID(), blob: x.blob, sha256: x.sha256, original_sha256: x.original_sha256 })),
    }, 'complaint');
    await ctx.engine.remove(item.id);
    navigate('/quejas/nueva');
  };
  return (
    <li class={`card item ${item.state}`} data-state={item.state}>
      <p class="label">{item.label || item.intent}</p>
      <p><span class={`state ${item.state}`}>{t('state_' + item.state)}</span> <span class="muted">{formatDate(item.created_at)}</span></p>
      {photos.length > 0 && ['sent', 'noted'].includes(item.state) && (
        <p class="photos-progress">{t('photos_progress', { k: sent, n: photos.length })}
          <progress max={photos.length} value={sent} /></p>
      )}
      {item.message && <p class={item.state === 'rejected' ? 'problem' : 'note'}>{item.message}</p>}
      {item.details?.length > 0 && <ul class="details">{item.details.map((d) => <li>{d}</li>)}</ul>}
      {failed && <p class="problem">{t('photo_failed', { message: failed.error })}</p>}
      {item.data?.follow_up_code && <Receipt municipality={item.municipality} folio={item.data.folio} code={item.data.follow_up_code} />}
      {!item.data?.follow_up_code && item.data?.folio && <p>{t('folio')}: <span class="folio">{item.data.folio}</span></p>}
      {item.state === 'rejected' && item.intent === 'complaint.file' && <button type="button" onClick={fix}>{t('fix_resend')}</button>}
      {['rejected', 'sent', 'noted'].includes(item.state) && !ctx.engine.pendingPhotos(item).length && (
        <button type="button" class="link" onClick={() => ctx.engine.remove(item.id)}>{t('remove')}</button>
      )}
    </li>
  );
}

function Storage() {
  const [info, setInfo] = useState(null);
  useEffect(() => { storageInfo().then(setInfo); }, []);
  if (!info) return null;
  const free = info.quota != null ? info.quota - info.usage : null;
  return (
    <section class="storage" aria-labelledby="storage-title">
      <h2 id="storage-title">{t('storage_title')}</h2>
      {free != null ? <p>{t('storage_free', { free: formatBytes(free), used: formatBytes(info.usage) })}</p> : <p>{t('storage_unknown')}</p>}
      {free != null && free < LOW && <p class="problem" role="alert">{t('storage_low')}</p>}
      <p class="muted">{info.persisted ? t('storage_persisted') : t('storage_not_persisted')}</p>
    </section>
  );
}

export function Outbox({ ctx }) {
  const version = useRefresh(ctx, (what) => 'outbox' in what || 'run' in what || 'language' in what);
  const [items, setItems] = useState(null);
  const [receipts, setReceipts] = useState([]);
  const [last, setLast] = useState(null);
  useEffect(() => {
    ctx.engine.list().then(setItems);
    ctx.db.getAll('receipts').then(setReceipts);
    ctx.db.get('meta', 'sync:last').then(setLast);
  }, [version]);
  const running = ctx.engine.isRunning();
  const shown = new Set((items || []).map((item) => item.payload?.id));
  const older = receipts.filter((r) => !shown.has(r.complaint_id));
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title" tabIndex={-1}>{t('outbox_title')}</h1>
      <button type="button" class="primary" onClick={() => ctx.syncNow()} aria-busy={running}>{t('sync_now')}</button>
      {running && <p class="muted" role="status">{t('syncing')}</p>}
      {last && (last.ok ? <p class="muted">{t('last_sync', { when: formatDate(last.at) })}</p>
        : <p class="muted" role="status">{t('sync_failed', { error: last.error?.code === 'network' ? t('network_error') : last.error?.message })}</p>)}
      {items && !items.length && <p>{t('outbox_empty')}</p>}
      <ul class="outbox">{(items || []).map((item) => <Item ctx={ctx} item={item} key={item.id} />)}</ul>
      {older.length > 0 && (
        <>
          <h2>{t('my_receipts')}</h2>
          <ul class="outbox">{older.map((r) => <li class="card"><p class="label">{r.label}</p><Receipt {...r} /></li>)}</ul>
        </>
      )}
      <Storage />
    </section>
  );
}
