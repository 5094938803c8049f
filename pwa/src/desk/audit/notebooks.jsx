// /mesa/auditoria/proyectos/:id/cuadernos: the project's judges' notebooks. "Calcular cuaderno" (a judge and a
// period, the project's by default) computes or recomputes one; each notebook shows its state, the adjudicated
// rulings it rests on and whether the public will see its figures (and why not), and the steps its state allows:
// "Marcar revisado", "Publicar", "Retirar" (with the reason the public reads), "Invitar a responder" (the one-time
// key and the reply page's address, shown once, with copy buttons), and a link to its public page.
// API: POST …/audit-projects/{id}/notebooks, GET …/notebooks?project_id, POST …/notebooks/{id}/review|publish|
// withdraw|reply-invitations (each with the version seen: a stale one reloads and says so). docs/notebooks.md.
import { useState } from 'preact/hooks';
import { addTexts, formatDate, formatDay, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, useLoad } from '../ui.jsx';
import texts from '../texts/audit_review.js';

addTexts(texts);

const STATE_CLASS = { draft: 'state-draft', reviewed: 'state-reviewed', published: 'state-active', withdrawn: 'state-dissolved' };

function Copy({ text, label }) {
  const [copied, setCopied] = useState(null);
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setCopied(true); } catch { setCopied(false); }
  };
  return (
    <>
      <button type="button" onClick={copy}>{label}</button>
      {copied !== null && <span role="status" class="small"> {copied ? t('nb_copied') : t('nb_copy_failed')}</span>}
    </>
  );
}

/** The one-time key and the reply page, shown once after an invitation: the server keeps only the key's hash. */
function Invitation({ invitation, notebook, code }) {
  const address = `${location.origin}/publico/${code}/cuadernos/${notebook.id}/responder`;
  return (
    <div class="verify verify-ok" role="region" aria-label={t('nb_invitation_title')}>
      <h4>{t('nb_invitation_title')}</h4>
      <p><strong>{t('nb_invitation_once')}</strong></p>
      <dl>
        <dt>{t('nb_reply_key')}</dt>
        <dd><code data-reply-key="" style={{ overflowWrap: 'anywhere' }}>{invitation.secret}</code>{' '}
          <Copy text={invitation.secret} label={t('nb_copy_key')} /></dd>
        <dt>{t('nb_reply_address')}</dt>
        <dd><a href={address} data-reply-address="">{address}</a>{' '}<Copy text={address} label={t('nb_copy_address')} /></dd>
        <dt>{t('nb_invitation_expires')}</dt>
        <dd>{formatDate(invitation.expires_at)}</dd>
      </dl>
      <p class="small">{t('nb_invitation_help', { judge: notebook.judge.full_name })}</p>
    </div>
  );
}

function Notebook({ desk, notebook, onChanged, onStale, invitation, onInvited, reloading }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('30');
  const [note, setNote] = useState('');
  const code = desk.muni;
  const step = async (action, body, after) => {
    if (busy || reloading) return null;
    setBusy(true);
    setFailure(null);
    try {
      const answer = await desk.muniApi('POST', `/notebooks/${notebook.id}/${action}`, { body });
      if (after) after(answer);
      else onChanged(answer, action);
      return answer;
    } catch (error) {
      if (error.status === 409 && error.code === 'notebook_version_stale') onStale();
      else setFailure(error);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async (event) => {
    event.preventDefault();
    const done = await step('withdraw', { version: notebook.version, reason: reason.trim() });
    if (done) { setWithdrawing(false); setReason(''); }
  };
  // an empty field is the default 30 days; anything else goes as typed, so 0 or 400 are refused in the server's
  // words (1 to 180) instead of quietly becoming 30
  const invite = () => step('reply-invitations', { days: String(days).trim() === '' ? 30 : Number(days) },
    (answer) => onInvited(notebook.id, answer));
  const headId = `nb-${notebook.id}`;
  const visible = notebook.state === 'published' || notebook.state === 'withdrawn'; // the public page exists
  return (
    <li class="stat" aria-labelledby={headId} data-notebook={notebook.id}>
      <h3 id={headId}>{notebook.judge.full_name}</h3>
      <p>
        <span class={`badge ${STATE_CLASS[notebook.state] || ''}`}>{notebook.state_label}</span>{' '}
        {notebook.period.text}
      </p>
      <p data-figure="n_rulings">{t('nb_n_rulings', { n: notebook.n_rulings })}</p>
      {notebook.figures && notebook.figures.rulings_without_adjudication > 0 && (
        <p class="small">{t('nb_without_gold', { n: notebook.figures.rulings_without_adjudication, total: notebook.figures.rulings_in_period })}</p>
      )}
      <p>{notebook.withheld
        ? <><strong>{t('nb_withheld')}</strong> {notebook.withheld_reason}</>
        : notebook.state === 'withdrawn' ? t('nb_shown_withdrawn')
          : t(visible ? 'nb_shown_now' : 'nb_shown', { min: notebook.min_rulings })}</p>
      <p class="small muted">
        {t('nb_computed', { when: formatDate(notebook.computed_at) })}
        {notebook.reviewed_at ? ' · ' + t('nb_reviewed', { when: formatDate(notebook.reviewed_at) }) : ''}
        {notebook.published_at ? ' · ' + t('nb_published', { when: formatDate(notebook.published_at) }) : ''}
        {notebook.withdrawn_at ? ' · ' + t('nb_withdrawn', { when: formatDate(notebook.withdrawn_at) }) : ''}
      </p>
      {notebook.review_note && <p class="small">{t('nb_review_note_saved')}: {notebook.review_note}</p>}
      {notebook.withdrawn_reason && <p>{t('nb_withdrawn_reason')}: {notebook.withdrawn_reason}</p>}
      {notebook.replies && notebook.replies.length > 0 && <p>{t('nb_replies', { n: notebook.replies.length })}</p>}
      <p>
        {visible
          ? <a href={`/publico/${code}/cuadernos/${notebook.id}`}>{t('nb_public_page', { judge: notebook.judge.full_name })}</a>
          : <span class="muted">{t('nb_public_page_later')}</span>}
      </p>
      <ErrorBox error={failure} labels={{ days: t('nb_days') }} />
      <div class="toolbar">
        {notebook.state === 'draft' && (
          <>
            <label>{t('nb_review_note')}{' '}
              <input type="text" maxLength={4000} value={note} onInput={(e) => setNote(e.target.value)} />
            </label>
            <button type="button" disabled={busy} onClick={() => step('review', { version: notebook.version, note: note.trim() || null })}>{t('nb_review')}</button>
          </>
        )}
        {notebook.state === 'reviewed' && (
          <button type="button" disabled={busy} onClick={() => step('publish', { version: notebook.version })}>{t('nb_publish')}</button>
        )}
        {notebook.state === 'published' && (
          <button type="button" disabled={busy} onClick={() => setWithdrawing(true)}>{t('nb_withdraw')}</button>
        )}
        {(notebook.state === 'reviewed' || notebook.state === 'published') && (
          <>
            <label>{t('nb_days')}{' '}
              <input type="number" min="1" max="180" value={days} onInput={(e) => setDays(e.target.value)} style={{ minWidth: '5rem', width: '5rem' }} />
            </label>
            <button type="button" disabled={busy} onClick={invite}>{t('nb_invite')}</button>
          </>
        )}
      </div>
      {invitation && <Invitation invitation={invitation} notebook={notebook} code={code} />}
      <Dialog title={t('nb_withdraw_title', { judge: notebook.judge.full_name })} open={withdrawing} onClose={() => setWithdrawing(false)}>
        <form onSubmit={withdraw}>
          <label>{t('nb_withdraw_reason')}
            <textarea required minLength={3} maxLength={4000} value={reason} onInput={(e) => setReason(e.target.value)} />
          </label>
          <p class="small">{t('nb_withdraw_help')}</p>
          <ErrorBox error={failure} />
          <div class="toolbar">
            <button type="submit" disabled={busy}>{t('nb_withdraw_confirm')}</button>
            <button type="button" onClick={() => setWithdrawing(false)}>{t('nb_cancel')}</button>
          </div>
        </form>
      </Dialog>
    </li>
  );
}

export default function Notebooks({ desk, params }) {
  const projectId = params.id;
  const base = useLoad(async () => {
    const [project, judges] = await Promise.all([
      desk.muniApi('GET', `/audit-projects/${projectId}`),
      desk.muniApi('GET', '/judges'),
    ]);
    return { project, judges };
  }, [desk.muni, projectId]);
  const list = useLoad(() => desk.muniApi('GET', '/notebooks', { query: { project_id: projectId } }), [desk.muni, projectId]);
  const [judge, setJudge] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [notice, setNotice] = useState('');
  // each step answers the notebook as it is now: shown at once, without waiting for the list (a click right after
  // "Publicar" acts on the published notebook); an invitation's key lives here, so a newer list keeps it on screen
  const [fresh, setFresh] = useState({});
  const [invitations, setInvitations] = useState({});

  const project = base.data && base.data.project;
  const judges = base.data ? base.data.judges : [];
  const compute = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setNotice('');
    try {
      const body = { judge_id: judge || judges[0].id };
      if (since) body.period_starts_on = since;
      if (until) body.period_ends_on = until;
      const made = await desk.muniApi('POST', `/audit-projects/${projectId}/notebooks`, { body });
      await list.reload();
      setNotice(t('nb_computed_notice', { judge: made.judge.full_name, n: made.n_rulings }));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const changed = (notebook, action) => {
    setFresh((old) => ({ ...old, [notebook.id]: notebook }));
    setNotice(t(`nb_done_${action}`, { judge: notebook.judge.full_name }));
  };
  const invited = (id, invitation) => setInvitations((old) => ({ ...old, [id]: invitation }));
  const stale = async () => {
    await list.reload();
    setNotice(t('nb_stale'));
  };
  const notebooks = (list.data || []).map((n) => (fresh[n.id] && fresh[n.id].version >= n.version ? fresh[n.id] : n));
  return (
    <section class="audit-notebooks">
      <h1 tabIndex={-1}>{t('nb_title')}</h1>
      <ErrorBox error={base.error} onRetry={base.reload} />
      {base.loading && !base.data ? <Loading /> : project && (
        <>
          <p>
            <Link href={`/mesa/auditoria/proyectos/${projectId}`}>{project.name}</Link>
            {' · '}<Link href={`/mesa/auditoria/proyectos/${projectId}/concordancia`}>{t('agr_title')}</Link>
          </p>
          <p class="stat-definition">{t('nb_intro')}</p>
          <form class="toolbar" aria-labelledby="nb-compute" onSubmit={compute}>
            <h2 id="nb-compute" style={{ flexBasis: '100%' }}>{t('nb_compute')}</h2>
            <label>{t('nb_judge')}{' '}
              <select value={judge} onChange={(e) => setJudge(e.target.value)} required>
                {judges.map((j) => <option value={j.id}>{j.full_name}{j.title ? ` — ${j.title}` : ''}</option>)}
              </select>
            </label>
            <label>{t('nb_since')}{' '}
              <input type="date" value={since} min={project.period_starts_on} max={project.period_ends_on}
                     placeholder={project.period_starts_on} onInput={(e) => setSince(e.target.value)} />
            </label>
            <label>{t('nb_until')}{' '}
              <input type="date" value={until} min={project.period_starts_on} max={project.period_ends_on}
                     onInput={(e) => setUntil(e.target.value)} />
            </label>
            <button type="submit" disabled={busy || judges.length === 0}>{t('nb_compute')}</button>
            <p class="small" style={{ flexBasis: '100%' }}>
              {t('nb_period_default', { since: formatDay(project.period_starts_on), until: formatDay(project.period_ends_on) })}
            </p>
          </form>
          <ErrorBox error={failure} labels={{ period_starts_on: t('nb_since'), period_ends_on: t('nb_until'), judge_id: t('nb_judge') }} />
        </>
      )}
      <p role="status" aria-live="polite" class={notice ? 'saved-status' : 'visually-hidden'}>{notice}</p>
      {/* no project (an unknown or mistyped id): its error alone, not also "no notebooks yet" or a list's 422 */}
      {!base.error && (
        <>
          <h2 id="nb-list">{t('nb_list')}</h2>
          <ErrorBox error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? <Loading /> : notebooks.length === 0 ? <p>{t('nb_none')}</p> : (
            <ul aria-labelledby="nb-list" style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '.75rem' }}>
              {notebooks.map((notebook) => (
                <Notebook key={notebook.id} desk={desk} notebook={notebook} onChanged={changed} onStale={stale}
                          invitation={invitations[notebook.id]} onInvited={invited} reloading={list.loading} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
