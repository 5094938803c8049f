// Redaction review (/mesa/auditoria/resoluciones/:id/anonimizacion): the latest original of a ruling with every
// possible personal datum the detector found (docs/rulings.md, "Redaction"), highlighted by category; the
// reviewer confirms or dismisses each (version-checked), corrects its category, marks what was missed by selecting
// it in the text, previews the public version and publishes it. The text a finding covers is read here, from the
// original, and never sent anywhere: the server keeps spans only.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { addTexts, formatDate, formatDay, t } from '../../lib/i18n.js';
import { offsets } from '../../lib/spans.js';
import { Link } from '../../shell/hooks.jsx';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { RulingText, focusSpan, markStyle, selectionOffsets, spanText } from './common.jsx';
import texts from '../texts/audit_redaction.js';

addTexts(texts);

export const CATEGORIES = ['person_name', 'dni', 'ruc', 'curp', 'rfc', 'ine_key', 'cedula_ec', 'cedula_co', 'phone',
  'email', 'address', 'case_number', 'other'];
// one colour per category (tinted in the text, darker in the underline); the state is the underline's pattern
const COLORS = {
  person_name: '#1f77b4', dni: '#d62728', ruc: '#d62728', curp: '#d62728', rfc: '#d62728', ine_key: '#d62728',
  cedula_ec: '#d62728', cedula_co: '#d62728', phone: '#9467bd', email: '#8c564b', address: '#2ca02c',
  case_number: '#ff7f0e', other: '#7f7f7f',
};
const PATTERN = { pending: 'dashed', confirmed: 'double', dismissed: 'struck' };

export const categoryWords = (code) => t('audit_category_' + code);
const stateWords = (state) => t('audit_finding_' + state);
const look = (finding) => ({ color: COLORS[finding.category] || COLORS.other, pattern: PATTERN[finding.state] || 'solid' });
const byStart = (a, b) => a.start - b.start || a.end - b.end;
const short = (quote) => (quote.length > 80 ? quote.slice(0, 77) + '…' : quote);

/** A finding's entry in the list: its category's colour and its state's pattern down its left edge. */
function entryStyle(finding) {
  const line = finding.state === 'dismissed' ? 'dotted' : PATTERN[finding.state];
  return { borderLeft: `6px ${line} ${COLORS[finding.category] || COLORS.other}`, padding: '0.4rem 0.75rem', margin: '0.5rem 0', background: '#fff' };
}

function Finding({ finding, n, quote, onDecide, onShow, busy, stale, onKeep }) {
  const [category, setCategory] = useState(finding.category);
  useEffect(() => setCategory(finding.category), [finding.category, finding.version]);
  const head = `finding-${finding.id}-head`;
  const detector = finding.detector === 'person' ? t('audit_redaction_by_person')
    : t('audit_redaction_by_detector', { detector: t('audit_detector_' + finding.detector) });
  return (
    <li id={`finding-${finding.id}`} class={`audit-finding audit-finding-${finding.state}`} tabIndex={-1}
        aria-labelledby={head} style={entryStyle(finding)}>
      <p id={head}><strong>{t('audit_redaction_finding', { n, category: categoryWords(finding.category), state: stateWords(finding.state) })}</strong></p>
      <p><mark style={markStyle(look(finding))}>{quote}</mark></p>
      <p class="muted small">{detector}{finding.decided_at ? ' · ' + t('audit_redaction_decided', { when: formatDate(finding.decided_at) }) : ''}</p>
      {stale && (
        <div class="stale" role="alert">
          <p>{t('audit_redaction_stale')}</p>
          <table>
            <thead><tr><th scope="col"></th><th scope="col">{t('desk_stale_yours')}</th><th scope="col">{t('desk_stale_theirs')}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{t('audit_redaction_stale_state')}</th><td>{stateWords(stale.state)}</td><td>{stateWords(finding.state)}</td></tr>
              <tr><th scope="row">{t('audit_redaction_stale_category')}</th><td>{categoryWords(stale.category)}</td><td>{categoryWords(finding.category)}</td></tr>
            </tbody>
          </table>
          <button type="button" onClick={onKeep}>{t('audit_redaction_stale_keep')}</button>
        </div>
      )}
      <div class="toolbar">
        <label>
          {t('audit_redaction_category')}
          <select value={category} onChange={(e) => setCategory(e.target.value)} aria-describedby={`finding-${finding.id}-cathelp`}>
            {CATEGORIES.map((code) => <option value={code}>{categoryWords(code)}</option>)}
          </select>
        </label>
        <span class="visually-hidden" id={`finding-${finding.id}-cathelp`}>{t('audit_redaction_category_help')}</span>
        <button type="button" disabled={busy} aria-describedby={head}
                onClick={() => onDecide(finding, 'confirmed', category)}>{t('audit_redaction_confirm')}</button>
        <button type="button" disabled={busy} aria-describedby={head}
                onClick={() => onDecide(finding, 'dismissed', category)}>{t('audit_redaction_dismiss')}</button>
        <button type="button" class="link" aria-describedby={head} onClick={() => onShow(finding)}>{t('audit_redaction_show')}</button>
      </div>
    </li>
  );
}

function Preview({ desk, rulingId, generation }) {
  const [state, setState] = useState({ loading: true });
  const asked = useRef(0); // only the latest question's answer is shown (decisions in a row ask again and again)
  const load = () => {
    const mine = ++asked.current;
    setState((old) => ({ ...old, loading: true }));
    desk.muniApi('GET', `/rulings/${rulingId}/public-version/preview`).then(
      (data) => { if (mine === asked.current) setState({ data }); },
      (error) => { if (mine === asked.current) setState({ error }); },
    );
  };
  useEffect(load, [generation]);
  const { data, error, loading } = state;
  const missing = error && (error.code === 'route_not_found' || error.status === 405);
  const spans = useMemo(() => (data && data.spans ? data.spans.map((s, i) => ({ ...s, id: `p${i}` })) : []), [data]);
  return (
    <section aria-labelledby="audit-preview-title">
      <h2 id="audit-preview-title">{t('audit_redaction_preview')}</h2>
      <p class="muted">{t('audit_redaction_preview_help')}</p>
      {missing ? <p class="note" role="note">{t('audit_redaction_preview_missing')}</p>
        : error ? <ErrorBox error={error} onRetry={load} />
          : !data ? <Loading />
            : (
              <>
                {data.pending > 0 && <p>{t('audit_redaction_preview_pending', { n: data.pending })}</p>}
                {data.changed === false && <p>{t('audit_redaction_preview_unchanged')}</p>}
                <RulingText text={data.text || ''} spans={spans} label={t('audit_redaction_preview_label')} idPrefix="preview"
                            describe={(span) => t('audit_redaction_placeholder', { text: span.placeholder || (span.category ? categoryWords(span.category) : '') })}
                            look={() => ({ color: '#555555', pattern: 'solid' })} />
              </>
            )}
      {!missing && <p><button type="button" onClick={load} disabled={loading}>{t('audit_redaction_preview_refresh')}</button></p>}
    </section>
  );
}

export default function Redaction({ desk, params }) {
  const rulingId = params.id;
  const { data: ruling, error, loading, reload } = useLoad(() => desk.muniApi('GET', `/rulings/${rulingId}`), [rulingId]);
  const originalId = ruling && ruling.original ? ruling.original.id : null;
  const [original, setOriginal] = useState(null);
  const [findings, setFindings] = useState(null);
  const [failure, setFailure] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState({}); // finding id → what this reviewer tried ({state, category})
  const [active, setActive] = useState(undefined);
  const [selection, setSelection] = useState(null);
  const [newCategory, setNewCategory] = useState('person_name');
  const [markProblem, setMarkProblem] = useState('');
  const [publishProblem, setPublishProblem] = useState('');
  const [generation, setGeneration] = useState(0);
  const textRef = useRef(null);

  const loadFindings = () => desk.muniApi('GET', `/rulings/${rulingId}/findings`).then((list) => { setFindings(list.sort(byStart)); return list; });
  useEffect(() => {
    if (!originalId) return;
    setFailure(null);
    Promise.all([desk.muniApi('GET', `/rulings/${rulingId}/texts/${originalId}`), loadFindings()])
      .then(([text]) => setOriginal(text), setFailure);
  }, [originalId]);

  const text = original ? original.text : '';
  const map = useMemo(() => offsets(text), [text]);
  const quoteOf = (finding) => spanText(text, finding.start, finding.end, map);

  // the selection in the original, kept while the person moves to the category and the button
  useEffect(() => {
    const track = () => {
      const found = selectionOffsets(textRef.current, text);
      if (found) { setSelection(found); setMarkProblem(''); }
    };
    document.addEventListener('selectionchange', track);
    return () => document.removeEventListener('selectionchange', track);
  }, [text]);

  if (loading && !ruling) return <Loading />;
  if (error) return <><h1 tabIndex="-1">{t('desk_not_found')}</h1><ErrorBox error={error} onRetry={reload} /></>;

  const counts = { pending: 0, confirmed: 0, dismissed: 0 };
  for (const f of findings || []) counts[f.state] += 1;
  const changed = () => setGeneration((g) => g + 1);

  const decide = async (finding, state, category) => {
    setBusy(true); setFailure(null); setNotice('');
    const body = { state, version: finding.version };
    if (category && category !== finding.category) body.category = category;
    try {
      const saved = await desk.muniApi('POST', `/rulings/${rulingId}/findings/${finding.id}/decision`, { body });
      setFindings((list) => list.map((f) => (f.id === saved.id ? saved : f)));
      setStale((old) => { const next = { ...old }; delete next[finding.id]; return next; });
      setNotice(state === 'confirmed'
        ? t('audit_redaction_confirmed_ok', { category: categoryWords(saved.category), quote: short(quoteOf(saved)) })
        : t('audit_redaction_dismissed_ok', { quote: short(quoteOf(saved)) }));
      setPublishProblem('');
      changed();
    } catch (problem) {
      if (problem.code === 'stale_version') {
        setStale((old) => ({ ...old, [finding.id]: { state, category: category || finding.category } }));
        // the finding as saved now comes with the refusal (error.details[0].current); else it is read again
        const current = problem.details && problem.details[0] && problem.details[0].current;
        if (current && current.id === finding.id) setFindings((list) => list.map((f) => (f.id === current.id ? current : f)));
        else await loadFindings().catch(setFailure);
        requestAnimationFrame(() => document.getElementById(`finding-${finding.id}`)?.focus());
      } else if (problem.code === 'finding_superseded') {
        setNotice(t('audit_redaction_superseded'));
        reload();
      } else setFailure(problem);
    } finally { setBusy(false); }
  };

  const mark = async () => {
    const chosen = selectionOffsets(textRef.current, text) || selection;
    if (!chosen) { setMarkProblem(t('audit_redaction_mark_nothing')); return; }
    setBusy(true); setFailure(null); setNotice('');
    try {
      const saved = await desk.muniApi('POST', `/rulings/${rulingId}/findings`,
        { body: { text_id: originalId, start: chosen.start, end: chosen.end, category: newCategory } });
      setFindings((list) => [...list.filter((f) => f.id !== saved.id), saved].sort(byStart));
      setNotice(t('audit_redaction_marked', { category: categoryWords(saved.category), quote: short(quoteOf(saved)) }));
      setSelection(null);
      window.getSelection()?.removeAllRanges();
      changed();
    } catch (problem) { setFailure(problem); } finally { setBusy(false); }
  };

  const publish = async () => {
    setPublishProblem(''); setNotice('');
    if (counts.pending > 0) { setPublishProblem(t('audit_redaction_publish_blocked', { n: counts.pending })); return; }
    setBusy(true);
    try {
      const before = ruling.public_text ? ruling.public_text.id : null;
      const after = await desk.muniApi('POST', `/rulings/${rulingId}/public-version`);
      setNotice(after.public_text && after.public_text.id === before ? t('audit_redaction_published_same')
        : t('audit_redaction_published', { n: after.public_text ? after.public_text.number : '', case: ruling.case_number }));
      reload();
      changed();
    } catch (problem) {
      if (problem.code === 'redaction_unreviewed') { setPublishProblem(problem.message); loadFindings().catch(() => {}); }
      else setFailure(problem);
    } finally { setBusy(false); }
  };

  const showInText = (finding) => { setActive(finding.id); focusSpan(textRef.current, finding.id); };
  const showInList = (finding) => {
    setActive(finding.id);
    const item = document.getElementById(`finding-${finding.id}`);
    if (item) { item.scrollIntoView({ block: 'center' }); item.focus({ preventScroll: true }); }
  };

  return (
    <>
      <p><Link href={`/mesa/auditoria/proyectos/${ruling.project_id}`}>{t('audit_redaction_back')}</Link></p>
      <h1 tabIndex="-1">{t('audit_redaction_title', { case: ruling.case_number })}</h1>
      <p class="muted">{t('audit_redaction_meta', {
        court: ruling.court_name, kind: t('audit_kind_' + ruling.kind), date: formatDay(ruling.ruled_on),
        state: t('audit_ruling_' + ruling.state),
      })}</p>
      <p>{t('audit_redaction_intro')}</p>
      {/* a time ending in "p.m." and the sentence's own period read "p.m..": one period */}
      {ruling.public_text && <p>{t('audit_redaction_current_public', { n: ruling.public_text.number, when: formatDate(ruling.public_text.created_at).replace(/\.$/, '') })}{' '}
        <Link href={`/mesa/auditoria/proyectos/${ruling.project_id}`}>{t('audit_redaction_to_project')}</Link></p>}
      <p role="status" class={notice ? 'saved' : 'visually-hidden'}>{notice}</p>
      <ErrorBox error={failure} />
      {!originalId ? <p role="alert">{t('audit_redaction_no_text')}</p> : !original || !findings ? <Loading /> : (
        <>
          <p class="moderation-counts">{t('audit_redaction_counts', counts)}</p>
          <div class="audit-redaction" style={{ display: 'grid', gap: '1rem', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 22rem), 1fr))', alignItems: 'start' }}>
            <section aria-labelledby="audit-original-title">
              <h2 id="audit-original-title">{t('audit_redaction_original', { n: original.number })}</h2>
              <p class="muted small" id="audit-text-help">{t('audit_redaction_text_help')}</p>
              <details>
                <summary>{t('audit_redaction_legend')}</summary>
                <ul class="small">
                  {Object.entries(PATTERN).map(([state, pattern]) => (
                    <li><mark style={markStyle({ color: COLORS.person_name, pattern })}>{stateWords(state)}</mark>
                      : {t('audit_redaction_legend_' + state)}</li>
                  ))}
                </ul>
              </details>
              <RulingText text={text} spans={findings} label={t('audit_redaction_text_label')} idPrefix="finding-span"
                          describe={(f) => t('audit_redaction_span', { category: categoryWords(f.category), state: stateWords(f.state) })}
                          look={look} onActivate={showInList} activeId={active} containerRef={textRef} />
              <section aria-labelledby="audit-mark-title" style={{ marginTop: '1rem' }}>
                <h3 id="audit-mark-title">{t('audit_redaction_mark_title')}</h3>
                <p class="muted small">{t('audit_redaction_mark_help')}</p>
                <p aria-live="polite" class="small">
                  {selection ? t('audit_redaction_selection', { quote: short(selection.quote) }) : t('audit_redaction_selection_none')}
                </p>
                <div class="toolbar">
                  <label>
                    {t('audit_redaction_mark_category')}
                    <select value={newCategory} onChange={(e) => setNewCategory(e.target.value)}>
                      {CATEGORIES.map((code) => <option value={code}>{categoryWords(code)}</option>)}
                    </select>
                  </label>
                  <button type="button" disabled={busy} onMouseDown={(e) => e.preventDefault()} onClick={mark}>{t('audit_redaction_mark')}</button>
                </div>
                {markProblem && <p role="alert">{markProblem}</p>}
              </section>
            </section>
            <section aria-labelledby="audit-findings-title">
              <h2 id="audit-findings-title">{t('audit_redaction_findings')}</h2>
              {findings.length === 0 ? <p>{t('audit_redaction_findings_none')}</p> : (
                <ol style={{ position: 'relative', listStyle: 'none', padding: '0 0.25rem', margin: 0, maxHeight: 'calc(70vh + 12rem)', overflowY: 'auto' }}>
                  {findings.map((finding, index) => (
                    <Finding finding={finding} n={index + 1} quote={quoteOf(finding)} busy={busy} stale={stale[finding.id]}
                             onDecide={decide} onShow={showInText}
                             onKeep={() => setStale((old) => { const next = { ...old }; delete next[finding.id]; return next; })} />
                  ))}
                </ol>
              )}
            </section>
          </div>
          <Preview desk={desk} rulingId={rulingId} generation={generation} />
          <section aria-labelledby="audit-publish-title">
            <h2 id="audit-publish-title">{t('audit_redaction_publish_title')}</h2>
            <p class="muted" id="audit-publish-help">{t('audit_redaction_publish_help')}</p>
            {counts.pending > 0 && <p id="audit-publish-pending">{t('audit_redaction_publish_blocked', { n: counts.pending })}</p>}
            <button type="button" class="primary" disabled={busy} aria-describedby={counts.pending > 0 ? 'audit-publish-pending' : 'audit-publish-help'}
                    onClick={publish}>{t('audit_redaction_publish')}</button>
            {publishProblem && <p role="alert" class="problem">{publishProblem}</p>}
          </section>
        </>
      )}
    </>
  );
}
