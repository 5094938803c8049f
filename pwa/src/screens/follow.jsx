// Follow an anonymous complaint with its folio and code (POST …/complaints/follow-up). The bookmarkable link
// carries them in the fragment (/seguimiento#municipio=…&folio=…&codigo=…), which browsers never send to a server.
import { useEffect, useState } from 'preact/hooks';
import { t, formatDay, formatDate } from '../lib/i18n.js';

export function Follow({ ctx }) {
  const [folio, setFolio] = useState('');
  const [code, setCode] = useState('');
  const [result, setResult] = useState(null);
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  const look = async (f = folio, c = code, municipality = null) => {
    setProblem(null);
    setResult(null);
    const where = municipality || f.trim().split('-')[0];
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
  const [mine, setMine] = useState([]);
  useEffect(() => {
    ctx.db.getAll('receipts').then((all) => setReceipts(all.sort((a, b) => (a.filed_at < b.filed_at ? 1 : -1))));
    ctx.engine.userSession().then(async (session) => {
      if (!session) return;
      const records = await ctx.db.getAllFromIndex('records', 'owner_scope', [session.user.id, 'mine']);
      setMine(records.filter((r) => r.type === 'complaint').map((r) => r.data));
    });
  }, []);

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
          <ul class="outbox">
            {mine.map((c) => (
              <li class="card mine">
                <p class="label"><span class="folio">{c.folio}</span> · {c.category_name || c.category}</p>
                <p>{t('follow_state')}: {c.state_label || c.state}{c.due_on && ` · ${t('follow_due')}: ${formatDay(c.due_on)}`}</p>
                {c.public_answer && <p>{c.public_answer}</p>}
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
