// /mesa/auditoria/resoluciones/:id/adjudicacion[?version=<scheme version id>]: the reviewer turns two finished
// annotations of a ruling into its gold. The ruling's public text twice, side by side (stacked on a phone), with
// each annotator's spans; the items they did not agree on, each decided in one click (Tomar A / Tomar B / Ambas /
// Ninguna) and saved at once; the agreed ones accepted in bulk; the document answers decided the same way; and
// "Terminar la adjudicación" finishes the gold assignment (what the notebooks read).
// API: GET …/rulings/{id}, …/audit-projects/{p}/assignments?ruling_id, …/team, /annotation-schemes; GET/POST
// …/rulings/{id}/adjudication, POST …/adjudication/decisions (version-checked: a stale version reloads and says
// so), POST …/annotation-assignments/{gold}/finish. docs/annotations.md, "Adjudication into gold"; docs/pwa.md.
import { useRef, useState } from 'preact/hooks';
import { addTexts, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { ErrorBox, Loading, useLoad } from '../ui.jsx';
import { RulingText, focusSpan } from './common.jsx';
import { publishedVersions, words } from './agreement.jsx';
import texts from '../texts/audit_review.js';

addTexts(texts);

const SIDES = ['a', 'b'];
const TAKES = [['a', 'adj_take_a'], ['b', 'adj_take_b'], ['both', 'adj_take_both'], ['neither', 'adj_take_neither']];

/** An answer to a document question, in words (an option's name, yes/no, a list, or "sin respuesta"). */
function answerText(question, value) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return t('adj_no_answer');
  const option = (code) => {
    const found = (question && question.options || []).find((o) => o.code === code);
    return found ? words(found.name) : String(code);
  };
  if (Array.isArray(value)) return value.map(option).join('; ');
  if (value === true) return t('adj_yes');
  if (value === false) return t('adj_no');
  return option(value);
}

/** Load everything the screen needs; the scheme version comes from ?version= or the ruling's finished assignments. */
async function loadCase(desk, rulingId, wanted) {
  const ruling = await desk.muniApi('GET', `/rulings/${rulingId}`);
  const [assignments, team, versions] = await Promise.all([
    desk.muniApi('GET', `/audit-projects/${ruling.project_id}/assignments`, { query: { ruling_id: rulingId } }),
    desk.muniApi('GET', `/audit-projects/${ruling.project_id}/team`).catch(() => []),
    publishedVersions(desk),
  ]);
  let versionId = wanted;
  if (!versionId) {
    const done = {};
    for (const row of assignments) if (row.kind === 'annotator' && row.state === 'done') done[row.scheme_version_id] = (done[row.scheme_version_id] || 0) + 1;
    const ready = Object.keys(done).filter((id) => done[id] >= 2);
    const gold = assignments.find((row) => row.kind === 'gold' && ready.includes(row.scheme_version_id) && row.state !== 'done');
    versionId = gold ? gold.scheme_version_id : ready[0] || (assignments.find((row) => row.kind === 'annotator') || {}).scheme_version_id;
  }
  const version = versions.find((v) => v.id === versionId) || null;
  const names = {};
  for (const person of team) names[person.user_id] = person.full_name;
  return { ruling, version, versionId, names };
}

function SideText({ side, name, text, items, labels, idPrefix }) {
  const ref = useRef(null);
  const spans = [];
  for (const item of items) {
    for (const span of item.sides[side] || []) {
      spans.push({ id: span.id, start: span.start, end: span.end, label: item.label, agreed: item.agreed });
    }
  }
  const label = (code) => labels.find((l) => l.code === code) || { name: { es: code }, color: '#888888' };
  return (
    <section aria-labelledby={`${idPrefix}-h`} class="adj-side" id={`${idPrefix}-text`}>
      <h2 id={`${idPrefix}-h`}>{t(side === 'a' ? 'adj_annotator_a' : 'adj_annotator_b')}</h2>
      <p class="muted">{name || t('adj_annotator_unknown')} · {t('adj_side_count', { n: spans.length })}</p>
      <RulingText text={text} spans={spans} idPrefix={idPrefix} containerRef={ref}
        label={t('adj_text_of', { side: t(side === 'a' ? 'adj_annotator_a' : 'adj_annotator_b') })}
        describe={(span) => `${words(label(span.label).name)}${span.agreed ? ' · ' + t('adj_agreed_short') : ''}`}
        look={(span) => ({ color: label(span.label).color, pattern: span.agreed ? 'solid' : 'dashed' })} />
    </section>
  );
}

export default function Adjudication({ desk, params }) {
  const rulingId = params.id;
  const wanted = new URLSearchParams(location.search).get('version') || '';
  const base = useLoad(() => loadCase(desk, rulingId, wanted), [desk.muni, rulingId]);
  const versionId = base.data && base.data.versionId;
  const view = useLoad(
    () => (versionId ? desk.muniApi('GET', `/rulings/${rulingId}/adjudication`, { query: { scheme_version_id: versionId } }) : Promise.resolve(null)),
    [desk.muni, rulingId, versionId]);
  const [current, setCurrent] = useState(null); // the view after a decision (the server answers it)
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const [decided, setDecided] = useState({}); // item key → the choice made here (a "Ninguna" leaves nothing in the gold)
  const [finished, setFinished] = useState(false);

  const data = current || view.data;
  const info = base.data;
  const labels = info && info.version ? info.version.definition.labels : [];
  const questions = info && info.version ? info.version.definition.questions : [];
  const labelName = (code) => words((labels.find((l) => l.code === code) || { name: { es: code } }).name);

  const reload = async () => {
    setCurrent(null);
    const fresh = await view.reload();
    return fresh;
  };

  /** The gold assignment ({id, version}): the adjudication starts first when it has not (POST …/adjudication). */
  const ensureGold = async () => {
    if (data && data.gold) return data.gold;
    const gold = await desk.muniApi('POST', `/rulings/${rulingId}/adjudication`, { body: { scheme_version_id: versionId } });
    // This screen saw no gold, but the server answered one already decided on (version > 1: the same reviewer in
    // another tab or browser): deciding with its version would silently overwrite decisions never shown here.
    if (gold.version > 1) throw Object.assign(new Error('stale'), { status: 409, code: 'assignment_version_stale' });
    return gold;
  };

  /** One change to the gold: busy while it runs; a stale version reloads and says so; other errors shown. */
  const guarded = async (work) => {
    setBusy(true);
    setFailure(null);
    setNotice('');
    try {
      await work();
    } catch (error) {
      if (error.status === 409 && error.code === 'assignment_version_stale') {
        await reload();
        setNotice(t('adj_stale'));
      } else {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const send = (body, said, remember) => guarded(async () => {
    const { version } = await ensureGold();
    const answer = await desk.muniApi('POST', `/rulings/${rulingId}/adjudication/decisions`, {
      body: { scheme_version_id: versionId, version, ...body },
    });
    setCurrent(answer);
    if (remember) setDecided((old) => ({ ...old, ...remember }));
    setNotice(said);
  });

  const take = (item, choice, words_) => send(
    { items: [{ key: item.key, take: choice }] },
    t('adj_saved_item', { label: labelName(item.label), choice: words_ }),
    { [item.key]: choice },
  );
  const acceptAgreed = () => send({ accept_agreed: true }, t('adj_saved_agreed'));
  /** An answer decided: A's or B's; "Ambas" for a list or several options (the items of both, once each);
   * "Ninguna" leaves the gold without an answer (a required question then stops the finish, in words). */
  const takeAnswer = (answer, side) => {
    let decision = { question: answer.question, take: side };
    if (side === 'neither') decision = { question: answer.question, take: 'own', value: null };
    if (side === 'both') {
      const all = [...(answer.values.a || []), ...(answer.values.b || [])];
      const seen = new Set();
      decision = { question: answer.question, take: 'own', value: all.filter((v) => {
        const k = String(v).trim().toLowerCase();
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }) };
    }
    const key = { a: 'adj_take_a', b: 'adj_take_b', both: 'adj_take_both', neither: 'adj_take_neither' }[side];
    return send({ answers: [decision] },
      t('adj_saved_answer', { question: words((questions.find((q) => q.code === answer.question) || {}).text) || answer.question,
        choice: t(key) }));
  };
  const finish = () => guarded(async () => {
    const gold = await ensureGold();
    await desk.muniApi('POST', `/annotation-assignments/${gold.id}/finish`, { body: { version: gold.version } });
    setFinished(true);
    await reload();
    setNotice(t('adj_finished_notice'));
  });

  /** Scroll both texts to the item; the keyboard focus goes to the first side that marked it. */
  const showInText = (item) => {
    let focused = false;
    for (const side of SIDES) {
      const span = (item.sides[side] || [])[0];
      const container = document.querySelector(`#adj-${side}-text [data-ruling-text]`);
      if (!span || !container) continue;
      if (!focused) { focusSpan(container, span.id); focused = true; } else {
        const mark = container.querySelector(`mark[data-span-id="${CSS.escape(span.id)}"]`);
        if (mark) mark.scrollIntoView({ block: 'center' });
      }
    }
  };

  const caseNumber = info ? info.ruling.case_number : '';
  const done = (data && data.gold && data.gold.state === 'done') || finished;
  // another reviewer's gold (a coordinator looking on): readable, but the decisions are theirs (409 adjudication_by_other)
  const othersGold = !!(data && data.gold && desk.me && data.gold.annotator_id !== desk.me.id && !done);
  const locked = done || othersGold;
  const items = data ? data.items : [];
  const disagreements = items.filter((item) => !item.agreed);
  const agreed = items.filter((item) => item.agreed);
  const answers = data ? data.answers : [];
  const inGold = items.filter((item) => item.in_gold).length;
  const name = (side) => {
    const who = data && data.annotators.find((a) => a.side === side);
    return who ? info.names[who.annotator_id] : '';
  };
  const sideSummary = (item, side) => {
    const spans = item.sides[side] || [];
    if (spans.length === 0) return t('adj_side_none');
    const text = info.ruling.public_text ? info.ruling.public_text.text : '';
    const chars = Array.from(text);
    return spans.map((s) => `«${chars.slice(s.start, s.end).join('')}»`).join(' · ');
  };

  return (
    <section class="audit-adjudication">
      <h1 tabIndex={-1}>{info ? t('adj_title', { case: caseNumber }) : t('adj_title_plain')}</h1>
      <ErrorBox error={base.error} onRetry={base.reload} />
      {base.loading && !info ? <Loading /> : info && (
        <>
          <p>
            <Link href={`/mesa/auditoria/proyectos/${info.ruling.project_id}`}>{t('adj_back_project')}</Link>
            {' · '}
            <Link href={`/mesa/auditoria/proyectos/${info.ruling.project_id}/concordancia${versionId ? '?version=' + versionId : ''}`}>{t('agr_title')}</Link>
          </p>
          <p class="muted">
            {[info.ruling.court_name, (info.ruling.judges || []).map((j) => j.full_name).join(', '),
              info.version ? t('adj_scheme', { name: info.version.name, number: info.version.number }) : ''].filter(Boolean).join(' · ')}
          </p>
          {/* no annotator assignment at all (e.g. a ruling still in redaction): say so instead of an empty page */}
          {!versionId && <p class="problem" role="alert">{t('adj_nothing_yet')}</p>}
        </>
      )}
      <ErrorBox error={view.error} onRetry={view.reload} />
      {view.loading && !data && info ? <Loading /> : data && info && (
        <>
          <p role="status" aria-live="polite" class={notice ? 'saved-status' : 'visually-hidden'}>{notice}</p>
          <ErrorBox error={failure} />
          <p data-figure="progress">
            {done ? t('adj_state_done') : othersGold ? t('adj_state_by_other', { name: info.names[data.gold.annotator_id] || t('adj_someone') })
              : data.gold ? t('adj_state_started') : t('adj_state_new')}{' '}
            {t('adj_progress', { in_gold: inGold, items: items.length, open: disagreements.length, agreed: agreed.length })}
          </p>

          {disagreements.length > 0 && !done && (
            <p><a href="#adj-disagreements">{t('adj_skip_to_disagreements', { n: disagreements.length })}</a></p>
          )}
          <div class="adj-sides" style={{ display: 'grid', gap: '1rem', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 24rem), 1fr))', alignItems: 'start' }}>
            {SIDES.map((side) => (
              <SideText side={side} name={name(side)} text={info.ruling.public_text ? info.ruling.public_text.text : ''}
                        items={items} labels={labels} idPrefix={`adj-${side}`} />
            ))}
          </div>
          <p class="stat-definition">{t('adj_marks_explained')}</p>

          <h2 id="adj-disagreements" tabIndex={-1}>{t('adj_disagreements')}</h2>
          {disagreements.length === 0 ? <p>{t('adj_no_disagreements')}</p> : (
            <ul aria-labelledby="adj-disagreements" class="adj-items" style={{ listStyle: 'none', padding: 0 }}>
              {disagreements.map((item) => (
                <li data-key={item.key} style={{ borderTop: '1px solid #ccc', padding: '.5rem 0' }}>
                  <p><strong>{labelName(item.label)}</strong>{' · '}
                    <span class={item.in_gold ? 'badge state-active' : 'badge'}>{item.in_gold ? t('adj_in_gold') : decided[item.key] === 'neither' ? t('adj_left_out') : t('adj_not_in_gold')}</span>
                  </p>
                  <p class="small">{t('adj_quote')}: «{item.exact}»</p>
                  <dl class="small">
                    <dt>{t('adj_annotator_a')}</dt><dd>{sideSummary(item, 'a')}</dd>
                    <dt>{t('adj_annotator_b')}</dt><dd>{sideSummary(item, 'b')}</dd>
                  </dl>
                  <div class="toolbar" role="group" aria-label={t('adj_decide', { label: labelName(item.label) })}>
                    {TAKES.map(([choice, key]) => (
                      <button type="button" disabled={busy || locked} aria-pressed={decided[item.key] === choice ? 'true' : 'false'}
                              onClick={() => take(item, choice, t(key))}>{t(key)}</button>
                    ))}
                    <button type="button" class="link" onClick={() => showInText(item)}>{t('adj_show_in_text')}</button>
                  </div>
                </li>
              ))}
            </ul>
          )}

          <h2>{t('adj_agreements')}</h2>
          <p>{t('adj_agreements_count', { n: agreed.length, in_gold: agreed.filter((i) => i.in_gold).length })}</p>
          {agreed.length > 0 && (
            <ul class="small">
              {agreed.map((item) => (
                <li>{labelName(item.label)}: «{item.exact}» — {item.in_gold ? t('adj_in_gold') : t('adj_not_in_gold')}</li>
              ))}
            </ul>
          )}
          <button type="button" disabled={busy || locked} onClick={acceptAgreed}>{t('adj_accept_agreed')}</button>
          <p class="stat-definition">{t('adj_accept_agreed_help')}</p>

          <h2 id="adj-answers">{t('adj_answers')}</h2>
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="adj-answers">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('adj_col_question')}</th>
                  <th scope="col">{t('adj_annotator_a')}</th>
                  <th scope="col">{t('adj_annotator_b')}</th>
                  <th scope="col">{t('adj_col_gold')}</th>
                  <th scope="col">{t('adj_col_decide')}</th>
                </tr>
              </thead>
              <tbody>
                {answers.map((answer) => {
                  const question = questions.find((q) => q.code === answer.question);
                  const text = question ? words(question.text) : answer.question;
                  return (
                    <tr data-question={answer.question}>
                      <th scope="row">{text}{question && question.required ? ` (${t('adj_required')})` : ''}</th>
                      <td>{answerText(question, answer.values.a)}</td>
                      <td>{answerText(question, answer.values.b)}</td>
                      <td>{answer.gold === null || answer.gold === undefined ? t('adj_not_in_gold') : answerText(question, answer.gold)}</td>
                      <td>
                        {answer.agreed ? <span>{t('adj_answer_agreed')}</span> : (
                          <span role="group" aria-label={t('adj_decide', { label: text })} class="toolbar">
                            <button type="button" disabled={busy || locked} onClick={() => takeAnswer(answer, 'a')}>{t('adj_take_a')}</button>
                            <button type="button" disabled={busy || locked} onClick={() => takeAnswer(answer, 'b')}>{t('adj_take_b')}</button>
                            {question && (question.kind === 'list' || question.kind === 'multi') && (
                              <button type="button" disabled={busy || locked} onClick={() => takeAnswer(answer, 'both')}>{t('adj_take_both')}</button>
                            )}
                            <button type="button" disabled={busy || locked} onClick={() => takeAnswer(answer, 'neither')}>{t('adj_take_neither')}</button>
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>

          <h2>{t('adj_finish_title')}</h2>
          {done ? <p>{t('adj_finished_notice')}</p> : othersGold ? <p>{t('adj_finish_by_other')}</p> : (
            <>
              <p class="stat-definition">{t('adj_finish_help')}</p>
              <button type="button" disabled={busy} onClick={finish}>{t('adj_finish')}</button>
            </>
          )}
        </>
      )}
    </section>
  );
}
