// Follow an anonymous complaint with its folio and code (POST …/complaints/follow-up). The bookmarkable link
// carries them in the fragment (/seguimiento#municipio=…&folio=…&codigo=…), which browsers never send to a server.
import { useEffect, useState } from 'preact/hooks';
import { t, formatDay, formatDate, formatBytes } from '../lib/i18n.js';
import { preparePhoto } from '../lib/photo.js';
import { useRefresh } from '../shell/hooks.jsx';
import { PublicLink } from './near.jsx';

/** A short text sent as an action (information for the comptroller, the reason to withdraw). */
function TextAction({ id, title, label, button, onSend, initial = '', min = 3 }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const send = async (event) => {
    event.preventDefault();
    if (text.trim().length < min) return;
    setBusy(true);
    try {
      if (await onSend(text.trim())) setText(initial);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="action">
      <summary>{title}</summary>
      <form onSubmit={send}>
        <label for={id}>{label}</label>
        <textarea id={id} rows="3" value={text} minLength={min} maxLength={4000} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{button}</button>
      </form>
    </details>
  );
}

/** Information for the comptroller (the answer to a request for clarification) with photos, downscaled on the phone
 * as when filing; saved to the outbox as complaint.add_information with the photos declared by hash. */
function InfoAction({ id, button, onSend }) {
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const add = async (event) => {
    const files = Array.from(event.currentTarget.files || []);
    event.currentTarget.value = '';
    setBusy(true);
    try {
      for (const file of files) {
        try {
          const photo = await preparePhoto(file);
          setPhotos((held) => [...held, photo]);
        } catch {
          setProblem(t('photo_error'));
        }
      }
    } finally {
      setBusy(false);
    }
  };
  const send = async (event) => {
    event.preventDefault();
    if (text.trim().length < 3) return;
    setBusy(true);
    try {
      if (await onSend(text.trim(), photos)) { setText(''); setPhotos([]); }
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="action">
      <summary>{t('add_info')}</summary>
      <form onSubmit={send}>
        <label for={id}>{t('add_info_label')}</label>
        <textarea id={id} rows="3" value={text} minLength={3} maxLength={4000} onInput={(e) => setText(e.currentTarget.value)} />
        <label class="button" for={`${id}-photo`}>{t('info_photo_add')}</label>
        <input id={`${id}-photo`} class="visually-hidden" type="file" accept="image/*" multiple onChange={add} />
        {photos.length > 0 && (
          <ul class="photos">
            {photos.map((p, i) => (
              <li>
                {t('photo_size', { n: i + 1, size: formatBytes(p.blob.size) })}
                <button type="button" class="link" onClick={() => setPhotos((held) => held.filter((x) => x.id !== p.id))}>
                  {t('photo_remove', { n: i + 1 })}
                </button>
              </li>
            ))}
          </ul>
        )}
        {problem && <p class="problem" role="alert">{problem}</p>}
        <button type="submit" disabled={busy}>{button}</button>
      </form>
    </details>
  );
}

/** The photos of an add_information as the payload declares them and as the outbox keeps them. */
function declared(photos) {
  return photos.map((p) => ({ id: p.id, sha256: p.sha256, original_sha256: p.original_sha256 }));
}

/** The complaint's public page (server-rendered, what anyone may read of it): /publico/{municipality}/quejas/{folio}. */
export function complaintPage(folio, municipality = null) {
  return `/publico/${encodeURIComponent(municipality || folio.split('-')[0])}/quejas/${encodeURIComponent(folio)}`;
}

export function Follow({ ctx }) {
  const [folio, setFolio] = useState('');
  const [code, setCode] = useState('');
  const [result, setResult] = useState(null);
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  const [acted, setActed] = useState(null);
  const [where, setWhere] = useState(null);
  // online, with folio and code: add information (answers a clarification) or withdraw
  const act = async (kind, body) => {
    setProblem(null);
    setActed(null);
    try {
      const { data } = await ctx.api('POST', `/api/v1/municipalities/${encodeURIComponent(where)}/complaints/${kind}`,
        { body: { folio: folio.trim(), code: code.trim(), ...body } });
      setResult(data);
      setActed(kind === 'withdraw' ? t('withdrawn_done') : t('info_done'));
      return true;
    } catch (error) {
      setProblem(error.code === 'network' ? t('follow_offline') : error.message);
      return error.code === 'network' ? 'network' : false;
    }
  };

  // information with photos on the follow-up: a complaint of this phone (its anonymous receipt, or signed in, one of
  // "mis quejas") goes through the outbox with its photos; another one (folio and code typed) is sent now, text only
  const inform = async (text, photos) => {
    const receipt = receipts.find((r) => r.folio === result.folio);
    const own = mine.find((c) => c.folio === result.folio);
    const complaint_id = receipt?.complaint_id || own?.id;
    // text only and online: sent now, as with a typed folio and code (the answer shows at once)
    if (!photos.length && (!complaint_id || navigator.onLine)) {
      const sent = await act('information', { text });
      if (sent === true) return true;
      if (!complaint_id || sent !== 'network') return false; // refused: the server's message is shown
    }
    if (complaint_id) {
      setProblem(null);
      await queue({ folio: result.folio }, 'complaint.add_information', { complaint_id, text, attachments: declared(photos) },
        t('add_info'), photos, receipt ? (receipt.owner || 'anon') : null);
      setActed(t('saved_on_phone'));
      return true;
    }
    setProblem(t('info_photos_need_phone'));
    return false;
  };

  const look = async (f = folio, c = code, municipality = null) => {
    setProblem(null);
    setResult(null);
    const where = municipality || f.trim().split('-')[0];
    setWhere(where);
    setActed(null);
    setBusy(true);
    try {
      const { data } = await ctx.api('POST', `/api/v1/municipalities/${encodeURIComponent(where)}/complaints/follow-up`,
        { body: { folio: f.trim(), code: c.trim() } });
      setResult(data);
    } catch (error) {
      setProblem(error.code === 'network' ? t('follow_offline') : error.message);
    } finally {
      setBusy(false);
    }
  };

  const [receipts, setReceipts] = useState([]);
  const [queued, setQueued] = useState(null);
  // signed in: through the outbox (works offline), as sync mutations
  const queue = async (complaint, intent, payload, what, photos = [], owner = null) => {
    const session = owner ? null : await ctx.engine.userSession();
    await ctx.engine.enqueue({ intent, municipality: complaint.folio.split('-')[0], payload, photos,
      owner: owner || session.user.id, label: `${what}: ${complaint.folio}` });
    setQueued(t('saved_on_phone'));
    return true;
  };
  const [mine, setMine] = useState([]);
  const [pending, setPending] = useState([]); // this person's outbox items on their complaints, with their answers
  const version = useRefresh(ctx, (what) => 'records' in what || 'session' in what || 'outbox' in what);
  useEffect(() => {
    ctx.db.getAll('receipts').then((all) => setReceipts(all.sort((a, b) => (a.filed_at < b.filed_at ? 1 : -1))));
    ctx.engine.userSession().then(async (session) => {
      if (!session) { setMine([]); return; }
      const records = await ctx.db.getAllFromIndex('records', 'owner_scope', [session.user.id, 'mine']);
      setMine(records.filter((r) => r.type === 'complaint').map((r) => r.data));
      setPending((await ctx.engine.list()).filter((item) => item.owner === session.user.id && item.payload?.complaint_id));
    });
  }, [version]);

  useEffect(() => {
    const params = new URLSearchParams(location.hash.slice(1));
    const f = params.get('folio');
    const c = params.get('codigo');
    if (f && c) {
      setFolio(f);
      setCode(c);
      look(f, c, params.get('municipio'));
    }
  }, []);

  return (
    <section aria-labelledby="follow-title">
      <h1 id="follow-title" tabIndex={-1}>{t('follow_title')}</h1>
      <p class="help">{t('follow_help')}</p>
      <form onSubmit={(e) => { e.preventDefault(); look(); }}>
        <label for="folio">{t('folio')}</label>
        <input id="folio" value={folio} onInput={(e) => setFolio(e.currentTarget.value)} autoComplete="off" required />
        <label for="code">{t('code')}</label>
        <input id="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} autoComplete="off" autoCapitalize="characters" required />
        <button type="submit" class="primary" disabled={busy}>{t('follow_go')}</button>
      </form>
      {problem && <p class="problem" role="alert">{problem}</p>}
      {receipts.length > 0 && (
        <>
          <h2>{t('my_receipts')}</h2>
          <ul class="outbox">
            {receipts.map((r) => (
              <li class="card">
                <p class="label">{r.label}</p>
                <button type="button" onClick={() => { setFolio(r.folio); setCode(r.code); look(r.folio, r.code, r.municipality); }}>
                  {t('follow_go')} {r.folio}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {mine.length > 0 && (
        <>
          <h2>{t('my_complaints')}</h2>
          {queued && <p class="saved" role="status">{queued}</p>}
          <ul class="outbox">
            {mine.map((c) => (
              <li class="card mine">
                <p class="label"><span class="folio">{c.folio}</span> · {c.category_name || c.category}</p>
                <p>{t('follow_state')}: {c.state_label || c.state}{c.due_on && ` · ${t('follow_due')}: ${formatDay(c.due_on)}`}</p>
                {c.public_answer && <p>{c.public_answer}</p>}
                <PublicLink path={complaintPage(c.folio)} title={c.folio} />
                {pending.filter((item) => item.payload.complaint_id === c.id && item.state !== 'sent').map((item) => (
                  <p class="pending" data-state={item.state}>
                    <span class={`state ${item.state}`}>{t('state_' + item.state)}</span> {item.label.split(':')[0]}
                    {item.message && <span class={item.state === 'rejected' ? 'problem' : 'note'}> — {item.message}</span>}
                  </p>
                ))}
                {c.state !== 'withdrawn' && (
                  <>
                    <InfoAction id={`info-${c.id}`} button={t('save')}
                      onSend={(text, photos) => queue(c, 'complaint.add_information',
                        { complaint_id: c.id, text, attachments: declared(photos) }, t('add_info'), photos)} />
                    {c.state === 'received' && c.version && c.description && (
                      <TextAction id={`edit-${c.id}`} title={t('edit_description')} label={t('edit_description_label')}
                        button={t('save')} initial={c.description} min={10}
                        onSend={(description) => queue(c, 'complaint.edit_description',
                          { complaint_id: c.id, description, base_version: c.version }, t('edit_description'))} />
                    )}
                    <TextAction id={`withdraw-${c.id}`} title={t('withdraw')} label={t('withdraw_reason')} button={t('withdraw')}
                      onSend={(reason) => queue(c, 'complaint.withdraw', { complaint_id: c.id, reason }, t('withdraw'))} />
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {result && (
        <article class="card follow-result" aria-live="polite">
          <h2>{result.folio} · {result.category_name}</h2>
          <dl>
            <dt>{t('follow_state')}</dt><dd class="state-label">{result.state_label}</dd>
            <dt>{t('follow_received')}</dt><dd>{formatDay(result.received_on)}</dd>
            <dt>{t('follow_due')}</dt><dd>{formatDay(result.due_on)}</dd>
            <dt>{t('follow_answer')}</dt><dd>{result.public_answer || t('follow_no_answer')}</dd>
          </dl>
          {result.state !== 'withdrawn' && (
            <>
              <InfoAction id="info-text" button={t('send')} onSend={(text, photos) => inform(text, photos)} />
              <TextAction id="withdraw-reason" title={t('withdraw')} label={t('withdraw_reason')} button={t('withdraw')}
                onSend={async (reason) => (await act('withdraw', { reason })) === true} />
            </>
          )}
          <PublicLink path={complaintPage(result.folio, where)} title={result.folio} />
          {acted && <p role="status">{acted}</p>}
          {result.updates?.length > 0 && (
            <>
              <h3>{t('follow_timeline')}</h3>
              <ol>{result.updates.map((u) => <li>{formatDate(u.at)}: {u.to_state || u.kind}{u.text ? ` — ${u.text}` : ''}</li>)}</ol>
            </>
          )}
        </article>
      )}
    </section>
  );
}
