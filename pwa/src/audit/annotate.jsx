// Annotate one assignment (/auditoria/<id>): the ruling's public text, selection and highlighting with
// @recogito/text-annotator (imported only here: this module is its own chunk, loaded on demand and precached), the
// label panel, my annotations (edit, delete, moved, orphaned ones placed again), the document questions and finish.
// Every save is an outbox mutation (annotation.save / annotation.delete / assignment.answers / assignment.finish):
// the screen shows the local state at once and the server's refusals in words. Blind: the others' annotations only
// show once every annotator has finished (the server answers only mine before that).
//
// Offsets: the text is rendered as plain text nodes (in chunks cut after a line break) so the container's text
// content is exactly the canonical text; DOM offsets are UTF-16 units, the server's are code points (lib/spans.js).
import { Component } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useCallback } from 'preact/hooks';
import { createTextAnnotator, createRenderer } from '@recogito/text-annotator';
import { t, language } from '../lib/i18n.js';
import { offsets } from '../lib/spans.js';
import { uuid } from '../sync/engine.js';
import { Link, useOnline, useRefresh } from '../shell/hooks.jsx';
import { courtOf, schemeLine } from './workspace.jsx';
import { view, stable, labelsOf, words, missingAnswers, baseVersion, context } from './model.js';

const CHUNK = 2000; // UTF-16 units per rendered block, cut after a line break

/** The text cut into blocks after line breaks: [{start, text}] whose texts joined give the text back. */
export function chunksOf(text, size = CHUNK) {
  const out = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl === -1 ? text.length : nl + 1;
      while (end < text.length && text[end] === '\n') end++;
    }
    out.push({ start, text: text.slice(start, end) });
    start = end;
  }
  return out;
}

/** The ruling's text: one text node per block, never re-rendered while the text is the same. */
class RulingText extends Component {
  shouldComponentUpdate(next) { return next.text !== this.props.text; }
  render({ text, setNode }) {
    return (
      <div class="ruling-text" ref={setNode} lang="es">
        {chunksOf(text).map((b) => <div class="block" data-start={b.start} key={b.start}>{b.text}</div>)}
      </div>
    );
  }
}

// ------------------------------------------------------------------ selecting with the keyboard (WCAG 2.1.1)

const EDITABLE = { contenteditable: 'true', inputmode: 'none', role: 'textbox', 'aria-multiline': 'true',
  'aria-readonly': 'true', 'aria-labelledby': 'text-title', 'aria-describedby': 'keys-help', spellcheck: 'false',
  tabindex: '0' };

/** Make the text a caret-navigable, read-only area (arrows move the caret, Shift+arrows select, natively, without
 * the browser's caret browsing): contenteditable with every edit refused. Enter labels the selection, Escape leaves.
 * Returns the undo, which puts back every attribute as it was (the DOM is then what it was before). If an edit
 * slips through anyway (an IME composition cannot be cancelled), `broken` is called: the text must be drawn again. */
export function keyboardSelecting(container, { enter, leave, broken }) {
  const before = Object.fromEntries(Object.keys(EDITABLE).map((name) => [name, container.getAttribute(name)]));
  for (const [name, value] of Object.entries(EDITABLE)) container.setAttribute(name, value);
  const text = container.textContent;
  const refuse = (e) => e.preventDefault();
  const onKey = (e) => {
    if (e.key === 'Enter') { e.preventDefault(); enter(); } else if (e.key === 'Escape') { e.preventDefault(); leave(); } else if (e.key === 'Backspace' || e.key === 'Delete') e.preventDefault();
  };
  const onInput = () => { if (container.textContent !== text) broken(); };
  const refused = ['beforeinput', 'paste', 'drop', 'cut', 'dragover'];
  refused.forEach((type) => container.addEventListener(type, refuse));
  container.addEventListener('keydown', onKey);
  container.addEventListener('input', onInput);
  // the caret at the start of the part of the text on the screen (the text's start when none of it is)
  const selection = window.getSelection();
  const inside = selection.rangeCount && !selection.isCollapsed && container.contains(selection.getRangeAt(0).commonAncestorContainer);
  container.focus({ preventScroll: true });
  if (!inside) {
    const box = container.getBoundingClientRect();
    let at = null; // below a fixed header, if any: the first point down the screen that falls in the text
    for (let y = Math.max(box.top, 0) + 8; !at && document.caretRangeFromPoint && y < Math.min(box.bottom, window.innerHeight); y += 16) {
      const found = document.caretRangeFromPoint(box.left + 4, y);
      if (found && found.startContainer.nodeType === Node.TEXT_NODE && container.contains(found.startContainer)) at = found;
    }
    if (at) selection.collapse(at.startContainer, at.startOffset);
    else if (container.firstElementChild?.firstChild) selection.collapse(container.firstElementChild.firstChild, 0);
  }
  return () => {
    refused.forEach((type) => container.removeEventListener(type, refuse));
    container.removeEventListener('keydown', onKey);
    container.removeEventListener('input', onInput);
    for (const [name, value] of Object.entries(before)) {
      if (value === null) container.removeAttribute(name); else container.setAttribute(name, value);
    }
  };
}

/** UTF-16 offsets of a DOM range inside the container (clipped to it), or null. */
export function rangeOffsets(container, range) {
  if (!range || !container.contains(range.commonAncestorContainer) && !range.intersectsNode(container)) return null;
  const at = (node, offset) => {
    if (node.nodeType === Node.TEXT_NODE && node.parentElement?.dataset.start !== undefined && container.contains(node)) {
      return Number(node.parentElement.dataset.start) + offset;
    }
    const pre = document.createRange();
    pre.setStart(container, 0);
    if (!container.contains(node)) {
      // outside: before the container counts as 0, after it as the end
      return (container.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING) ? 0 : container.textContent.length;
    }
    pre.setEnd(node, offset);
    return pre.toString().length;
  };
  const start = at(range.startContainer, range.startOffset);
  const end = at(range.endContainer, range.endOffset);
  return end > start ? { start, end } : null;
}

/** A DOM range for UTF-16 offsets in the container (blocks found by their start). */
export function rangeAt(container, start, end) {
  const blocks = container.children;
  const find = (units, isEnd) => {
    let lo = 0; let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (Number(blocks[mid].dataset.start) < units || (!isEnd && Number(blocks[mid].dataset.start) === units)) lo = mid; else hi = mid - 1;
    }
    const block = blocks[lo];
    const node = block.firstChild;
    return [node, Math.min(units - Number(block.dataset.start), node ? node.length : 0)];
  };
  const range = document.createRange();
  const [sNode, sOff] = find(start, false);
  const [eNode, eOff] = find(end, true);
  if (!sNode || !eNode) return null;
  range.setStart(sNode, sOff);
  range.setEnd(eNode, eOff);
  return range;
}

/** Leading and trailing white space left out of a selected span (as INCEpTION does). */
function trimmed(text, start, end) {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

// ------------------------------------------------------------------ highlights (CSS Custom Highlight API)

let sheet = null;
/** One ::highlight rule per label, in the scheme's colours (a constructed style sheet: the app's CSP allows no
 * inline <style>). */
function labelStyles(labels) {
  if (typeof CSSStyleSheet === 'undefined' || !document.adoptedStyleSheets) return;
  const rules = labels.map((label, i) => {
    const color = /^#[0-9a-f]{6}$/i.test(label.color || '') ? label.color : null;
    return color ? `::highlight(vigia-l${i}) { background-color: ${color}40; text-decoration: underline ${color}; text-decoration-thickness: 2px; }` : '';
  }).join('\n');
  if (!sheet) { sheet = new CSSStyleSheet(); document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }
  sheet.replaceSync(rules);
}

/** The library's renderer with our painter: one named highlight per label, one for the passage being labelled. */
function painterFactory(nameOf) {
  return (container, state, viewport) => {
    let names = new Set();
    const painter = {
      destroy() { names.forEach((n) => CSS.highlights.delete(n)); names = new Set(); },
      setVisible() {},
      redraw(highlights) {
        if (typeof CSS === 'undefined' || !CSS.highlights) return;
        const groups = new Map();
        const ids = [];
        for (const h of highlights) {
          const name = h.state?.selected ? 'vigia-focus' : nameOf(h.annotation.id);
          ids.push(h.annotation.id);
          const ranges = h.annotation.target.selector.map((s) => s.range).filter(Boolean);
          if (!groups.has(name)) groups.set(name, []);
          groups.get(name).push(...ranges);
        }
        for (const n of names) if (!groups.has(n)) CSS.highlights.delete(n);
        for (const [n, ranges] of groups) CSS.highlights.set(n, new Highlight(...ranges));
        names = new Set(groups.keys());
        container.dispatchEvent(new CustomEvent('vigia:painted', { detail: ids }));
      },
    };
    return createRenderer(painter, container, state, viewport);
  };
}

/** Highlight a just-saved span at once (the library's renderer redraws everything on its next frame). */
function paintNow(container, id, name, range) {
  if (typeof CSS === 'undefined' || !CSS.highlights || !range) return;
  const held = CSS.highlights.get(name);
  if (held) held.add(range); else CSS.highlights.set(name, new Highlight(range));
  container.dispatchEvent(new CustomEvent('vigia:painted', { detail: [id] }));
}

// ------------------------------------------------------------------ pieces

function Quote({ text }) {
  const short = text.length > 240 ? `${text.slice(0, 160)} … ${text.slice(-60)}` : text;
  return <q class="quote">{short}</q>;
}

function Attribute({ attr, value, set, idp }) {
  const name = words(attr.name, language());
  const id = `${idp}-${attr.code}`;
  if (attr.kind === 'boolean') {
    return <label class="check" for={id}><input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} /> {name}</label>;
  }
  if (attr.kind === 'choice') {
    return (
      <div class="question">
        <label for={id}>{name}</label>
        <select id={id} value={value ?? ''} onChange={(e) => set(e.currentTarget.value || null)}>
          <option value="">—</option>
          {(attr.options || []).map((o) => <option value={o.code}>{words(o.name, language())}</option>)}
        </select>
      </div>
    );
  }
  return (
    <div class="question">
      <label for={id}>{name}</label>
      <input id={id} type="text" maxLength={500} value={value ?? ''} onInput={(e) => set(e.currentTarget.value)} />
    </div>
  );
}

function Panel({ draft, setDraft, labels, save, cancel, problem }) {
  const heading = useRef(null);
  useEffect(() => { heading.current?.focus({ preventScroll: true }); }, [draft.key]);
  // Escape closes it wherever the focus is (the panel is not modal: it may still be on the text or the list)
  const closing = useRef(cancel);
  closing.current = cancel;
  useEffect(() => {
    const onKey = (e) => { if (e.key === 'Escape') closing.current(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const chosen = labels.find((l) => l.code === draft.label);
  return (
    <section class="panel" role="dialog" aria-labelledby="panel-title" aria-modal="false">
      <h2 id="panel-title" tabIndex={-1} ref={heading}>{t('ws_panel')}</h2>
      <p class="selected-quote"><Quote text={draft.exact} /></p>
      <fieldset>
        <legend>{t('ws_label')}</legend>
        {labels.map((label, i) => (
          <div class="label-choice">
            <label class="check" for={`lab-${label.code}`}>
              <input type="radio" id={`lab-${label.code}`} name="label" value={label.code} checked={draft.label === label.code}
                     aria-describedby={`def-${label.code}`} onChange={() => setDraft({ ...draft, label: label.code })} />
              <span class={`swatch l${i}`} aria-hidden="true" />
              {words(label.name, language())}
            </label>
            {/* the chosen label's definition and examples show under it; the others' stay as their radio's description */}
            <p class="help" id={`def-${label.code}`} hidden={draft.label !== label.code}>{words(label.definition, language())}</p>
            {draft.label === label.code && (label.examples || []).length > 0 && (
              <details class="examples" open>
                <summary>{t('ws_examples')}</summary>
                <ul>{label.examples.map((e) => <li>{words(e, language())}</li>)}</ul>
              </details>
            )}
          </div>
        ))}
      </fieldset>
      {chosen && (chosen.attributes || []).length > 0 && (
        <fieldset>
          <legend>{t('ws_attributes')}</legend>
          {chosen.attributes.map((attr) => (
            <Attribute attr={attr} idp="attr" value={draft.attributes[attr.code]}
                       set={(value) => setDraft({ ...draft, attributes: { ...draft.attributes, [attr.code]: value } })} />
          ))}
        </fieldset>
      )}
      <label for="annotation-comment">{t('ws_comment')}</label>
      <textarea id="annotation-comment" rows="3" maxLength={10000} value={draft.comment}
                onInput={(e) => setDraft({ ...draft, comment: e.currentTarget.value })} />
      {problem && <p class="problem" role="alert">{problem}</p>}
      <div class="actions">
        <button type="button" class="primary" onClick={save}>{t('ws_save')}</button>
        <button type="button" onClick={cancel}>{t('ws_cancel')}</button>
      </div>
    </section>
  );
}

function Question({ q, value, set }) {
  const name = words(q.text, language());
  const id = `q-${q.code}`;
  const required = q.required ? <span class="muted"> {t('ws_required')}</span> : null;
  const options = q.kind === 'boolean'
    ? [{ code: true, name: t('ws_yes') }, { code: false, name: t('ws_no') }]
    : (q.options || []).map((o) => ({ code: o.code, name: words(o.name, language()) }));
  if (q.kind === 'choice' || q.kind === 'boolean') {
    return (
      <fieldset class="question">
        <legend>{name}{required}</legend>
        {options.map((o) => (
          <label class="check"><input type="radio" name={id} checked={value === o.code} onChange={() => set(o.code)} /> {o.name}</label>
        ))}
      </fieldset>
    );
  }
  if (q.kind === 'multi') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset class="question">
        <legend>{name}{required}</legend>
        {options.map((o) => (
          <label class="check"><input type="checkbox" checked={chosen.includes(o.code)}
            onChange={(e) => set(e.currentTarget.checked ? [...chosen, o.code] : chosen.filter((c) => c !== o.code))} /> {o.name}</label>
        ))}
      </fieldset>
    );
  }
  if (q.kind === 'list') {
    const lines = Array.isArray(value) ? value.join('\n') : (value ?? '');
    return (
      <div class="question">
        <label for={id}>{name}</label>{required}
        <p class="help" id={`${id}-help`}>{t('ws_list_help')}</p>
        <textarea id={id} rows="3" aria-describedby={`${id}-help`} value={lines}
                  onInput={(e) => set(e.currentTarget.value.split('\n'))} />
      </div>
    );
  }
  const type = q.kind === 'number' ? 'number' : q.kind === 'date' ? 'date' : 'text';
  return (
    <div class="question">
      <label for={id}>{name}</label>{required}
      {q.kind === 'text'
        ? <textarea id={id} rows="3" maxLength={4000} value={value ?? ''} onInput={(e) => set(e.currentTarget.value)} />
        : <input id={id} type={type} min={q.min ?? undefined} max={q.max ?? undefined} inputMode={q.kind === 'number' ? 'decimal' : undefined}
                 value={value ?? ''} onInput={(e) => {
                   const raw = e.currentTarget.value;
                   set(q.kind === 'number' ? (raw === '' ? null : Number(raw)) : (raw || null));
                 }} />}
    </div>
  );
}

/** The numbers out of their question's range, in words (the server refuses them; said before they are saved). */
function outOfRange(questions, answers, lang) {
  const out = [];
  for (const q of questions) {
    const value = answers[q.code];
    if (q.kind !== 'number' || typeof value !== 'number') continue;
    if ((q.min == null || value >= q.min) && (q.max == null || value <= q.max)) continue;
    const key = q.min != null && q.max != null ? 'ws_range_both' : q.min != null ? 'ws_range_min' : 'ws_range_max';
    out.push(t(key, { question: words(q.text, lang), min: q.min, max: q.max }));
  }
  return out;
}

/** Answers as the server takes them: lists without empty lines, empty values as null (clears the answer). */
function cleanAnswers(questions, answers) {
  const out = {};
  for (const q of questions) {
    if (!(q.code in answers)) continue;
    let value = answers[q.code];
    if (q.kind === 'list') value = (Array.isArray(value) ? value : []).map((s) => s.trim()).filter(Boolean);
    if (value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'number' && !Number.isFinite(value))) value = null;
    out[q.code] = value;
  }
  return out;
}

function Others({ ctx, v, session, code }) {
  const online = useOnline();
  const [state, setState] = useState(null);
  const done = v.assignment.state === 'done';
  const peersDone = Boolean(v.peers_done ?? v.assignment.peers_done);
  useEffect(() => {
    if (!done || !online || !code) return;
    let live = true;
    ctx.api('GET', `/api/v1/municipalities/${encodeURIComponent(code)}/rulings/${v.assignment.ruling_id}/annotations`
      + `?scheme_version_id=${v.assignment.scheme_version_id}`, { session })
      .then(({ data }) => live && setState({ items: (data?.items || []) }))
      .catch((error) => live && setState({ error: error.message }));
    return () => { live = false; };
  }, [done, online, code, peersDone]); // asked again when a pull says the others finished
  if (!done) return <p class="muted blind">{t('ws_blind')}</p>;
  if (!online) return peersDone ? <section><h2>{t('ws_others')}</h2><p class="muted">{t('ws_others_offline')}</p></section> : null;
  if (!state) return null;
  if (state.error) return <p class="problem">{t('ws_others_error', { message: state.error })}</p>;
  const me = session.user.id;
  const others = state.items.filter((a) => {
    const creator = String(a.creator?.id || '').replace(/^urn:uuid:/, '');
    return creator !== me && a.vigia?.kind !== 'gold';
  });
  if (!others.length && !peersDone) return <p class="muted blind">{t('ws_blind')}</p>;
  const labels = labelsOf(v.scheme);
  const people = [...new Set(others.map((a) => String(a.creator?.id || '')))];
  return (
    <section aria-labelledby="others-title">
      <h2 id="others-title">{t('ws_others')}</h2>
      {!others.length && <p class="muted">{t('ws_others_none')}</p>}
      {people.map((person, i) => (
        <>
          <h3>{t('ws_annotator', { n: i + 1 })}</h3>
          <ul class="annotations">
            {others.filter((a) => String(a.creator?.id || '') === person).map((a) => {
              const sel = (a.target?.selector || []).find((s) => s.type === 'TextQuoteSelector') || {};
              const label = labels.get(a.vigia?.label);
              return <li class="card"><strong>{label ? words(label.name, language()) : a.vigia?.label}</strong> <Quote text={sel.exact || ''} /></li>;
            })}
          </ul>
        </>
      ))}
    </section>
  );
}

/** One of my annotations in the list: re-rendered only when it changes. */
class AnnotationItem extends Component {
  shouldComponentUpdate(next) { return next.a !== this.props.a || next.done !== this.props.done || next.labels !== this.props.labels; }
  render({ a, done, labels, labelList, act }) {
    const i = labelList.findIndex((l) => l.code === a.label);
    const label = labels.get(a.label);
    return (
      <li class="card annotation" data-id={a.id}>
        <p class="label-line">
          <span class={`swatch l${i}`} aria-hidden="true" />
          <strong>{label ? words(label.name, language()) : a.label}</strong>
          {a.anchorState === 'moved' && <span class="badge moved" title={t('ws_moved_help')}>{t('ws_moved')}</span>}
          {a.local === 'waiting' && <span class="muted"> · {t('ws_pending')}</span>}
        </p>
        <p><Quote text={a.exact} /></p>
        {Object.entries(a.attributes || {}).length > 0 && (
          <p class="muted">{Object.entries(a.attributes).map(([k, value]) => {
            const attr = (label?.attributes || []).find((x) => x.code === k);
            const opt = (attr?.options || []).find((o) => o.code === value);
            const shown = value === true ? t('ws_yes') : value === false ? t('ws_no') : opt ? words(opt.name, language()) : String(value);
            return `${attr ? words(attr.name, language()) : k}: ${shown}`;
          }).join(' · ')}</p>
        )}
        {a.comment && <p class="comment">{a.comment}</p>}
        {!done && (
          <div class="actions">
            <button type="button" onClick={() => act.edit(a)}>{t('ws_edit')}</button>
            <button type="button" onClick={() => act.remove(a)}>{t('ws_delete')}</button>
          </div>
        )}
      </li>
    );
  }
}

/** The document questions: re-rendered only when the answers (or the questions) change. */
class Questions extends Component {
  shouldComponentUpdate(next) { return next.answers !== this.props.answers || next.questions !== this.props.questions || next.done !== this.props.done; }
  render({ questions, answers, done, act }) {
    return (
      <fieldset disabled={done} class="plain">
        {questions.map((q) => <Question q={q} value={answers[q.code]} set={(value) => act.answer(q.code, value)} />)}
      </fieldset>
    );
  }
}

/** The original (unredacted) text, for the audit team only, online, read only: never annotated, never kept. */
function Original({ ctx, v, session, code }) {
  const online = useOnline();
  const [state, setState] = useState(null);
  const open = async () => {
    setState({ loading: true });
    try {
      const base = `/api/v1/municipalities/${encodeURIComponent(code)}/rulings/${v.assignment.ruling_id}/texts`;
      const { data: texts } = await ctx.api('GET', base, { session });
      const latest = (texts || []).filter((x) => x.kind === 'original').sort((a, b) => b.number - a.number)[0];
      if (!latest) throw new Error('—');
      const { data } = await ctx.api('GET', `${base}/${latest.id}`, { session });
      setState({ text: data.text });
    } catch (error) {
      setState({ error: error.message });
    }
  };
  if (!online || !code) return null;
  if (!state) return <p><button type="button" class="link" onClick={open}>{t('ws_original')}</button></p>;
  if (state.loading) return <p aria-busy="true">…</p>;
  if (state.error) return <p class="problem">{t('ws_original_error', { message: state.error })}</p>;
  return (
    <details class="original" open>
      <summary>{t('ws_original_title')}</summary>
      <div class="original-text" lang="es">{state.text}</div>
    </details>
  );
}

// ------------------------------------------------------------------ the screen

/** A counter that grows once the engine's changes passing `filter` have settled for `ms` (a save sets off several:
 * the outbox written, a sync run started, each item sending and back): the screen reads the outbox once for them. */
function useSettled(ctx, filter, ms = 120) {
  const [n, setN] = useState(0);
  useEffect(() => {
    let timer = null;
    const off = ctx.engine.onChange((what) => {
      if (!filter(what)) return;
      clearTimeout(timer);
      timer = setTimeout(() => setN((x) => x + 1), ms);
    });
    return () => { off(); clearTimeout(timer); };
  }, []);
  return n;
}

/** This assignment as pulled (one record), this user's outbox and the last sync run, read again on every change. */
function useAssignment(ctx, id) {
  const [state, setState] = useState({ loading: true });
  const pulled = useRefresh(ctx, (what) => 'records' in what || 'session' in what);
  const local = useSettled(ctx, (what) => 'outbox' in what || 'run' in what);
  const record = useRef({ key: null, data: null });
  useEffect(() => {
    let live = true;
    (async () => {
      const session = await ctx.engine.userSession();
      if (!session) { if (live) setState({ loading: false, session: null }); return; }
      const owner = session.user.id;
      const key = `${owner}|assignment:${id}|${pulled}`;
      // the record (the ruling's whole text) is read again only when a pull or the session changed it
      const [data, outbox, lastRun] = await Promise.all([
        record.current.key === key ? record.current.data : ctx.db.get('records', `${owner}|assignment:${id}`).then((r) => r?.data),
        ctx.db.getAllFromIndex('outbox', 'owner', owner),
        ctx.db.get('meta', 'sync:last'),
      ]);
      record.current = { key, data };
      if (live) setState({ loading: false, session, data, outbox, lastRun });
    })();
    return () => { live = false; };
  }, [pulled, local, id]);
  return state;
}

export function Annotate({ ctx, id }) {
  const { loading, session, data, outbox, lastRun } = useAssignment(ctx, id);
  useEffect(() => {
    const main = document.getElementById('main');
    main?.classList.add('wide');
    return () => main?.classList.remove('wide');
  }, []);
  if (loading) return <p aria-busy="true">…</p>;
  if (!session) return <section><h1 tabIndex={-1}>{t('ws_mine')}</h1><p>{t('ws_signin')} <Link href="/entrar">{t('nav_signin')}</Link></p></section>;
  if (!data?.assignment) return <section><h1 tabIndex={-1}>{t('ws_not_found')}</h1><p><Link href="/auditoria">{t('ws_back')}</Link></p></section>;
  return <Workspace ctx={ctx} data={data} outbox={outbox} lastRun={lastRun} session={session} />;
}

function municipalityOf(v, session) {
  return v.municipality_code || v.assignment.municipality_code || v.municipality?.code
    || (session.user.roles || []).find((g) => ['student_auditor', 'ws_reviewer'].includes(g.role))?.municipality_code
    || session.user.roles?.[0]?.municipality_code;
}

function Workspace({ ctx, data, outbox, lastRun, session }) {
  // what was just saved shows at once, before the phone's database is read again (then the outbox holds it)
  const [extra, setExtra] = useState([]);
  const last = useRef(null);
  const v = useMemo(() => {
    let fresh = extra;
    if (extra.length) {
      const held = new Set(outbox.map((item) => `${item.intent}|${JSON.stringify(item.payload)}`));
      fresh = extra.filter((item) => !held.has(`${item.intent}|${JSON.stringify(item.payload)}`));
    }
    const next = view(data, fresh.length ? [...outbox, ...fresh] : outbox, lastRun);
    // unchanged annotations keep their objects: their list items are not drawn again
    next.annotations = stable(last.current?.annotations, next.annotations);
    next.orphans = stable(last.current?.orphans, next.orphans);
    if (last.current && JSON.stringify(last.current.answers) === JSON.stringify(next.answers)) next.answers = last.current.answers;
    last.current = next;
    return next;
  }, [data, outbox, lastRun, extra]);
  useEffect(() => { // once the outbox holds them, they are no longer extra
    if (!extra.length) return;
    const held = new Set(outbox.map((item) => `${item.intent}|${JSON.stringify(item.payload)}`));
    if (extra.some((item) => held.has(`${item.intent}|${JSON.stringify(item.payload)}`))) {
      setExtra((list) => list.filter((item) => !held.has(`${item.intent}|${JSON.stringify(item.payload)}`)));
    }
  }, [outbox]);
  const text = v.text?.text ?? '';
  const map = useMemo(() => offsets(text), [text]);
  const points = useMemo(() => Array.from(text), [text]);
  const labelList = v.scheme?.definition?.labels || [];
  const labels = useMemo(() => labelsOf(v.scheme), [v.scheme]);
  const questions = v.scheme?.definition?.questions || [];
  const code = municipalityOf(v, session);
  const done = v.state === 'done';
  const [node, setNode] = useState(null);
  const anno = useRef(null);
  const labelOf = useRef(new Map()); // lib annotation id → highlight name
  const shown = useRef(new Map()); // lib annotation id → what it shows (start:end:highlight)
  const temp = useRef(null); // the library's own annotation for a mouse/touch selection being labelled
  const selectButton = useRef(null);
  const keysButton = useRef(null);
  const [keys, setKeys] = useState(false); // selecting with the keyboard (the text caret-navigable, read only)
  const [drawn, setDrawn] = useState(0); // the text drawn again (after an edit slipped through in that mode)
  // the panel closed (saved, Cancelar, Escape): focus goes back where labelling starts, not to the page's top
  const focusBack = () => setTimeout(() => selectButton.current?.focus({ preventScroll: true }), 0);
  const [draft, setDraft] = useState(null);
  const [problem, setProblem] = useState(null);
  const [status, setStatus] = useState(null);
  const [savedId, setSavedId] = useState(null); // the last annotation written to the outbox (the benchmark waits for it)
  const savedAt = useRef(0); // when it was written (performance.now())
  const [answers, setAnswers] = useState(v.answers);
  const [answersDirty, setAnswersDirty] = useState(false);
  const [finishProblem, setFinishProblem] = useState(null);
  const [answersProblem, setAnswersProblem] = useState(null);
  const current = useRef(v);
  current.current = v;
  const owner = session.user.id;

  useEffect(() => { if (!answersDirty) setAnswers(v.answers); }, [v.answers]);
  // answers given and not saved are not lost when she leaves the screen (another screen, or the page hidden):
  // they go to the outbox as "Guardar respuestas" would, as INCEpTION and Hypothesis keep what was typed
  const unsaved = useRef(null);
  unsaved.current = answersDirty && v.state !== 'done' ? answers : null;
  useEffect(() => {
    const keep = () => {
      const held = unsaved.current;
      if (!held) return;
      unsaved.current = null;
      ctx.engine.enqueue({ intent: 'assignment.answers', municipality: code, owner, label: `${current.current.ruling?.case_number || ''}: ${t('ws_questions')}`,
        payload: { assignment_id: current.current.assignment.id, answers: cleanAnswers(questions, held) } }).catch(() => {});
    };
    const hidden = () => { if (document.visibilityState === 'hidden') keep(); };
    document.addEventListener('visibilitychange', hidden);
    return () => { document.removeEventListener('visibilitychange', hidden); keep(); };
  }, []);
  const colours = labelList.map((l) => l.color || '').join();
  useEffect(() => { labelStyles(labelList); }, [colours]); // a new style sheet restyles the whole text: only when they change

  const openDraft = useCallback((units, from = {}) => {
    const span = trimmed(text, units.start, units.end);
    if (!span) { setProblem(null); setStatus(t('ws_select_first')); return; }
    setProblem(null);
    setDraft({ key: uuid(), id: from.id || null, start: map.toPoints(span.start), end: map.toPoints(span.end),
      exact: text.slice(span.start, span.end), label: from.label || null, attributes: { ...(from.attributes || {}) },
      comment: from.comment || '' });
  }, [text, map]);

  // the library: selection (mouse, touch, keyboard) and highlights
  useEffect(() => {
    if (!node) return undefined;
    const annotator = createTextAnnotator(node, {
      renderer: painterFactory((annotationId) => labelOf.current.get(annotationId) || 'vigia-new'),
      annotatingEnabled: !done,
    });
    anno.current = annotator;
    annotator.on('createAnnotation', (created) => {
      const range = created.target?.selector?.[0]?.range;
      const units = range && rangeOffsets(node, range);
      if (!units) return;
      if (temp.current && temp.current !== created.id) annotator.removeAnnotation(temp.current);
      temp.current = created.id;
      openDraft(units);
    });
    annotator.on('clickAnnotation', (clicked) => {
      const a = current.current.annotations.find((x) => x.id === clicked.id);
      if (a && current.current.state !== 'done') edit(a);
    });
    syncHighlights(true);
    return () => { annotator.destroy(); anno.current = null; };
  }, [node]);
  // with the keyboard, the library does not open the panel at every Shift released: Enter or the button does
  useEffect(() => { anno.current?.setAnnotatingEnabled(!done && !keys); }, [done, keys, node]);
  useLayoutEffect(() => { // on and off in the same commit as the button's aria-pressed
    if (!keys || !node || done) return undefined;
    const off = () => { setKeys(false); setTimeout(() => keysButton.current?.focus({ preventScroll: true }), 0); };
    return keyboardSelecting(node, { enter: () => labelSelectionRef.current(), leave: off,
      broken: () => { setKeys(false); setDrawn((n) => n + 1); } });
  }, [keys, node, done]);

  const dropTemp = () => {
    if (temp.current && anno.current) { try { anno.current.removeAnnotation(temp.current); } catch { /* gone */ } }
    temp.current = null;
  };

  function libAnnotation(a) {
    const start = map.toUnits(a.start); const end = map.toUnits(a.end);
    const range = rangeAt(node, start, end);
    return { id: a.id, bodies: [], target: { annotation: a.id, selector: [{ quote: text.slice(start, end), start, end, range }] } };
  }

  /** Bring the library's annotations in line with mine (only what changed). */
  function syncHighlights(all = false) {
    const annotator = anno.current;
    if (!annotator || !node) return;
    const wanted = current.current.annotations.filter((a) => a.start != null && a.end != null && a.end <= points.length);
    const held = shown.current;
    const next = new Map();
    for (const a of wanted) {
      const i = labelList.findIndex((l) => l.code === a.label);
      const name = `vigia-l${i < 0 ? 'x' : i}`;
      const key = `${a.start}:${a.end}:${name}`;
      next.set(a.id, key);
      if (!all && held.get(a.id) === key && annotator.getAnnotationById(a.id)) continue;
      labelOf.current.set(a.id, name);
      if (annotator.getAnnotationById(a.id)) annotator.removeAnnotation(a.id);
      annotator.addAnnotation(libAnnotation(a));
    }
    for (const id of held.keys()) if (!next.has(id) && id !== temp.current && annotator.getAnnotationById(id)) annotator.removeAnnotation(id);
    shown.current = next;
  }
  useEffect(() => { syncHighlights(); }, [v.annotations]);

  const labelSelection = () => {
    const selection = window.getSelection();
    const range = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
    const units = range && node && rangeOffsets(node, range);
    if (!units) { setStatus(t('ws_select_first')); return; }
    openDraft(units);
  };
  const labelSelectionRef = useRef(labelSelection);
  labelSelectionRef.current = labelSelection;

  function edit(a) {
    setProblem(null);
    setDraft({ key: uuid(), id: a.id, start: a.start, end: a.end, exact: a.exact, label: a.label,
      attributes: { ...a.attributes }, comment: a.comment || '' });
  }

  const labelName = (code) => words(labels.get(code)?.name, language()) || code;
  // the handlers the memoised pieces call (a stable object: the pieces re-render only when their data changes)
  const act = useRef({}).current;
  act.edit = (a) => edit(a);
  act.remove = (a) => remove(a);
  act.answer = (code, value) => { setAnswersDirty(true); setAnswers((held) => ({ ...held, [code]: value })); };
  const caseNumber = v.ruling?.case_number || '';

  async function enqueue(intent, payload, what) {
    const item = { intent, payload, state: 'waiting', seq: Number.MAX_SAFE_INTEGER - 1000 + extra.length };
    setExtra((list) => [...list, item]);
    try {
      await ctx.engine.enqueue({ intent, municipality: code, payload, owner, label: `${caseNumber}: ${what}` });
    } catch (error) {
      setExtra((list) => list.filter((x) => x !== item));
      throw error;
    }
  }

  function overlapOf(d) {
    return current.current.annotations.find((a) => a.id !== d.id && a.label === d.label && a.start < d.end && a.end > d.start);
  }

  async function saveDraft() {
    const d = draft;
    if (!d.label) { setProblem(t('ws_choose_label')); return; }
    const other = overlapOf(d);
    if (other) { setProblem(t('ws_overlaps', { label: labelName(d.label) })); return; }
    const label = labels.get(d.label);
    const allowed = new Set((label?.attributes || []).map((x) => x.code));
    const attributes = Object.fromEntries(Object.entries(d.attributes).filter(([k, value]) => allowed.has(k) && value !== null && value !== '' && value !== undefined));
    const existing = [...current.current.annotations, ...current.current.orphans].find((a) => a.id === d.id);
    const id = d.id || uuid();
    const payload = { assignment_id: v.assignment.id, id, start: d.start, end: d.end, exact: d.exact,
      ...context(points, d.start, d.end), label: d.label, attributes, comment: d.comment.trim() || null };
    const base = baseVersion(existing);
    if (base) payload.base_version = base;
    // written to the phone's outbox first (the write goes on while the screen changes), highlighted at once
    const saving = enqueue('annotation.save', payload, labelName(d.label));
    dropTemp();
    if (anno.current && node) {
      const name = `vigia-l${labelList.findIndex((l) => l.code === d.label)}`;
      labelOf.current.set(id, name);
      if (anno.current.getAnnotationById(id)) anno.current.removeAnnotation(id);
      const made = libAnnotation({ id, start: d.start, end: d.end });
      anno.current.addAnnotation(made);
      shown.current.set(id, `${d.start}:${d.end}:${name}`);
      paintNow(node, id, name, made.target.selector[0].range);
    }
    setDraft(null);
    window.getSelection()?.removeAllRanges();
    focusBack();
    await saving;
    savedAt.current = performance.now();
    setStatus(t('ws_saved'));
    setSavedId(id);
  }

  async function remove(a) {
    if (anno.current?.getAnnotationById(a.id)) anno.current.removeAnnotation(a.id);
    if (draft?.id === a.id) setDraft(null);
    await enqueue('annotation.delete', { annotation_id: a.id }, `${t('ws_delete')} ${labelName(a.label)}`);
    setStatus(`${t('ws_deleted')} ${t('ws_saved')}`);
  }

  async function place(a) {
    const selection = window.getSelection();
    const range = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
    const units = range && node && rangeOffsets(node, range);
    const span = units && trimmed(text, units.start, units.end);
    if (!span) { setStatus(t('ws_select_first')); return; }
    const start = map.toPoints(span.start); const end = map.toPoints(span.end);
    const payload = { assignment_id: v.assignment.id, id: a.id, start, end, exact: text.slice(span.start, span.end),
      ...context(points, start, end), label: a.label, attributes: a.attributes || {}, comment: a.comment || null };
    const base = baseVersion(a);
    if (base) payload.base_version = base;
    selection.removeAllRanges();
    await enqueue('annotation.save', payload, `${t('ws_place')}: ${labelName(a.label)}`);
    setStatus(t('ws_saved'));
  }

  async function saveAnswers() {
    const clean = cleanAnswers(questions, answers);
    const wrong = outOfRange(questions, clean, language());
    setAnswersProblem(wrong.length ? wrong.join(' ') : null);
    if (wrong.length) return false;
    await enqueue('assignment.answers', { assignment_id: v.assignment.id, answers: clean }, t('ws_questions'));
    setAnswersDirty(false);
    unsaved.current = null;
    setStatus(t('ws_answers_saved'));
    return true;
  }

  async function finish() {
    // answers given but not saved yet count (and are saved first): a student who answered and pressed "Terminar"
    // is not told to answer what she can see answered
    const given = answersDirty ? cleanAnswers(questions, answers) : v.answers;
    const missing = missingAnswers(v.scheme, { ...v.answers, ...given }, language());
    const problems = [];
    if (missing.length) problems.push(t('ws_finish_missing', { questions: missing.map((m) => `«${m}»`).join(', ') }));
    if (v.orphans.length) problems.push(t('ws_finish_orphans', { n: v.orphans.length }));
    if (problems.length) { setFinishProblem(problems.join(' ')); return; }
    setFinishProblem(null);
    if (answersDirty && !(await saveAnswers())) { setFinishProblem(null); return; }
    await enqueue('assignment.finish', { assignment_id: v.assignment.id }, t('ws_finish'));
    setStatus(t('ws_finished_pending'));
  }

  const r = v.ruling || {};
  const judges = (r.judges || []).map((j) => (typeof j === 'string' ? j : j.full_name || j.name)).filter(Boolean);
  const matter = r.matter_name || (r.matter ? words(r.matter.name ?? r.matter, language()) : '');
  const days = r.days_to_ruling;
  return (
    <div class="annotate">
      <p class="crumbs"><Link href="/auditoria">{t('ws_back')}</Link></p>
      <h1 tabIndex={-1}>{caseNumber}</h1>
      <dl class="facts">
        {courtOf(v) && <><dt>{t('ws_court')}</dt><dd>{courtOf(v)}</dd></>}
        {judges.length > 0 && <><dt>{t('ws_judges')}</dt><dd>{judges.join(', ')}</dd></>}
        {matter && <><dt>{t('ws_matter')}</dt><dd>{matter}</dd></>}
        {v.project?.name && <><dt>{t('ws_project')}</dt><dd>{words(v.project.name, language())}</dd></>}
        <dt>{t('ws_scheme')}</dt><dd>{schemeLine(v)}</dd>
      </dl>
      <Original ctx={ctx} v={v} session={session} code={code} />
      <div class="audit-layout">
        <section class="text-side" aria-labelledby="text-title">
          <h2 id="text-title">{t('ws_text')}</h2>
          {v.text ? <RulingText key={drawn} text={text} setNode={setNode} /> : <p class="muted">{t('ws_no_text')}</p>}
          {!done && v.text && (
            <div class="select-bar">
              <button type="button" class="primary" ref={selectButton} onMouseDown={(e) => e.preventDefault()} onClick={labelSelection}>{t('ws_label_selection')}</button>
              {' '}
              <button type="button" ref={keysButton} aria-pressed={keys ? 'true' : 'false'} onMouseDown={(e) => e.preventDefault()}
                      onClick={() => setKeys((on) => !on)}>{t('ws_keys')}</button>
              <span class="visually-hidden" id="keys-help">{t('ws_keys_help')}</span>
            </div>
          )}
        </section>
        <div class="side">
          <div role="status" class="status" data-saved={savedId || undefined} data-saved-at={savedId ? savedAt.current : undefined}>{status && <p class={status === t('ws_saved') ? 'saved' : 'note'}>{status}{status === t('ws_saved') && v.local === 0 ? ` · ${t('ws_synced')}` : ''}</p>}</div>
          {v.rejected.length > 0 && (
            <ul class="rejected" role="alert">
              {v.rejected.map((item) => (
                <li class="card">
                  <strong>{item.label}</strong>
                  <p class="problem">{t('ws_rejected', { message: item.message || item.code })}</p>
                  <button type="button" onClick={() => ctx.engine.remove(item.id)}>{t('ws_dismiss')}</button>
                </li>
              ))}
            </ul>
          )}
          {draft && !done && <Panel draft={draft} setDraft={setDraft} labels={labelList} problem={problem}
                                    save={saveDraft} cancel={() => { dropTemp(); setDraft(null); focusBack(); }} />}
          {done && <p class="note">{v.finishedHere ? t('ws_finished_pending') : t('ws_readonly')}</p>}
          {v.orphans.length > 0 && (
            <section aria-labelledby="orphans-title" class="orphans">
              <h2 id="orphans-title">{t('ws_orphans')}</h2>
              <p class="help">{t('ws_orphans_help')}</p>
              <ul class="annotations">
                {v.orphans.map((a) => (
                  <li class="card orphan">
                    <strong>{labelName(a.label)}</strong>
                    <p><span class="muted">{t('ws_old_quote')}: </span><Quote text={a.exact} /></p>
                    {a.comment && <p class="comment">{a.comment}</p>}
                    {!done && (
                      <div class="actions">
                        <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => place(a)}>{t('ws_place')}</button>
                        <button type="button" onClick={() => remove(a)}>{t('ws_delete')}</button>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="mine-title">
            <h2 id="mine-title">{t('ws_mine_list')}</h2>
            {v.annotations.length === 0 && <p class="muted">{t('ws_no_annotations')}</p>}
            <ul class="annotations">
              {v.annotations.map((a) => <AnnotationItem key={a.id} a={a} done={done} labels={labels} labelList={labelList} act={act} />)}
            </ul>
          </section>
          {questions.length > 0 && (
            <section aria-labelledby="questions-title" class="questions">
              <h2 id="questions-title">{t('ws_questions')}</h2>
              {days != null && <p class="help">{t('ws_days', { n: days })}</p>}
              <Questions questions={questions} answers={answers} done={done} act={act} />
              {answersProblem && !done && <p class="problem" role="alert">{answersProblem}</p>}
              {!done && <button type="button" onClick={saveAnswers}>{t('ws_save_answers')}</button>}
            </section>
          )}
          {!done && (
            <section class="finish">
              {finishProblem && <p class="problem" role="alert">{finishProblem}</p>}
              <button type="button" class="primary" onClick={finish}>{t('ws_finish')}</button>
            </section>
          )}
          <Others ctx={ctx} v={v} session={session} code={code} />
        </div>
      </div>
    </div>
  );
}
