// The auditors' workspace's data, without DOM: an assignment as pulled (scope `assignments`, docs/sync.md) with what
// this phone saved and has not yet seen come back from the server laid over it, so the screen shows the local state
// at once. Offsets are code points (the server's), as in the W3C TextPositionSelector.

export const INTENTS = ['annotation.save', 'annotation.delete', 'assignment.answers', 'assignment.finish'];

const urnId = (value) => String(value || '').replace(/^urn:uuid:/, '').split('/').pop().toLowerCase();

/** A W3C annotation (as the server answers it) in the short form the screen uses. */
export function fromW3C(annotation) {
  const target = Array.isArray(annotation.target) ? annotation.target[0] : annotation.target || {};
  const selectors = Array.isArray(target.selector) ? target.selector : [target.selector].filter(Boolean);
  const quote = selectors.find((s) => s.type === 'TextQuoteSelector') || {};
  const position = selectors.find((s) => s.type === 'TextPositionSelector') || {};
  const bodies = Array.isArray(annotation.body) ? annotation.body : [annotation.body].filter(Boolean);
  const comment = bodies.find((b) => b.purpose === 'commenting');
  const classifying = bodies.find((b) => b.purpose === 'classifying' || b.purpose === 'tagging');
  const vigia = annotation.vigia || {};
  return {
    id: urnId(annotation.id),
    start: position.start ?? null,
    end: position.end ?? null,
    exact: quote.exact ?? '',
    prefix: quote.prefix ?? '',
    suffix: quote.suffix ?? '',
    label: vigia.label || String(classifying?.source || classifying?.value || '').split('#').pop(),
    attributes: vigia.attributes || {},
    comment: comment?.value ?? null,
    version: vigia.version ?? 1,
    anchorState: vigia.anchorState || 'anchored',
    textId: urnId(target.source),
    creator: urnId(annotation.creator?.id || annotation.creator),
    assignment: vigia.assignment ? urnId(vigia.assignment) : null,
    kind: vigia.kind || null,
  };
}

/** Whether an outbox item is still to be laid over the pulled record: not yet answered, or answered after the last
 * complete sync run (whose pull brought the record as the server has it now). Rejected ones never are. */
export function stillLocal(item, lastRun) {
  if (item.state === 'waiting' || item.state === 'sending') return true;
  if (item.state === 'sent' || item.state === 'noted') return !(lastRun?.ok && lastRun.at >= item.updated_at);
  return false;
}

/** The outbox items that belong to this assignment (its annotations' deletions included), oldest first. */
export function itemsOf(outbox, assignmentId, annotationIds) {
  return outbox.filter((item) => INTENTS.includes(item.intent) && (
    item.payload?.assignment_id === assignmentId || (item.intent === 'annotation.delete' && annotationIds.has(item.payload?.annotation_id))
  )).sort((a, b) => a.seq - b.seq);
}

/**
 * The assignment as the screen shows it: {assignment, ruling, scheme, project, text, annotations, answers, state,
 * rejected, local} from the pulled record's data and the outbox (all of this user's items).
 */
export function view(data, outbox = [], lastRun = null) {
  const textId = data.text ? urnId(data.text.id) : null;
  const annotations = new Map();
  for (const w3c of data.annotations || []) {
    const a = fromW3C(w3c);
    if (!a.textId || !textId || a.textId !== textId) a.anchorState = 'orphaned'; // on an older text
    annotations.set(a.id, { ...a, local: null, pendingSaves: 0 });
  }
  const answers = { ...(data.answers || {}) };
  let state = data.assignment?.state || 'assigned';
  const rejected = [];
  const mine = itemsOf(outbox, data.assignment?.id, new Set([...annotations.keys(), ...outbox
    .filter((i) => i.intent === 'annotation.save' && i.payload?.assignment_id === data.assignment?.id).map((i) => i.payload.id)]));
  let local = 0;
  for (const item of mine) {
    if (item.state === 'rejected') { rejected.push(item); continue; }
    if (!stillLocal(item, lastRun)) continue;
    local += 1;
    const p = item.payload;
    const pending = item.state === 'waiting' || item.state === 'sending' ? 'waiting' : 'sent';
    if (item.intent === 'annotation.save') {
      const held = annotations.get(p.id);
      annotations.set(p.id, {
        ...(held || { version: 0, prefix: '', suffix: '', creator: null }),
        id: p.id, start: p.start, end: p.end, exact: p.exact, label: p.label, attributes: p.attributes || {},
        comment: p.comment ?? null, anchorState: 'anchored', textId, local: pending,
        pendingSaves: (held?.pendingSaves || 0) + 1,
      });
      if (state === 'assigned') state = 'in_progress';
    } else if (item.intent === 'annotation.delete') {
      annotations.delete(p.annotation_id);
      if (state === 'assigned') state = 'in_progress';
    } else if (item.intent === 'assignment.answers') {
      Object.assign(answers, p.answers);
      if (state === 'assigned') state = 'in_progress';
    } else if (item.intent === 'assignment.finish') {
      state = 'done';
    }
  }
  const list = [...annotations.values()].sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || (a.end ?? 0) - (b.end ?? 0));
  return {
    ...data,
    state,
    finishedHere: state === 'done' && data.assignment?.state !== 'done',
    annotations: list.filter((a) => a.anchorState !== 'orphaned'),
    orphans: list.filter((a) => a.anchorState === 'orphaned'),
    answers,
    rejected,
    local,
  };
}

/** The version to send as `base_version` when changing an annotation: the version pulled plus the saves of it this
 * phone made since (each one, once applied, is one version more); none for a new one. */
export function baseVersion(annotation) {
  if (!annotation) return undefined;
  const base = (annotation.version || 0) + (annotation.pendingSaves || 0);
  return base > 0 ? base : undefined;
}

/** The 32 code points each side of a span, as the server keeps them (TextQuoteSelector's prefix and suffix). */
export function context(points, start, end, size = 32) {
  return { prefix: points.slice(Math.max(0, start - size), start).join(''), suffix: points.slice(end, end + size).join('') };
}

/** Labels of a scheme version by code. */
export function labelsOf(scheme) {
  return new Map((scheme?.definition?.labels || []).map((label) => [label.code, label]));
}

export function words(value, lang = 'es') {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return value[lang] || value.es || Object.values(value)[0] || '';
}

const emptyAnswer = (value) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** The required questions not answered yet (their words). */
export function missingAnswers(scheme, answers, lang = 'es') {
  return (scheme?.definition?.questions || []).filter((q) => q.required && emptyAnswer(answers[q.code])).map((q) => words(q.text, lang));
}

/** Assignments grouped as the list shows them. */
export function groups(views) {
  const out = { assigned: [], in_progress: [], done: [] };
  for (const v of views) (out[v.state] || out.assigned).push(v);
  return out;
}

const same = (a, b) => {
  for (const key of Object.keys(a)) {
    if (a[key] === b[key]) continue;
    if (typeof a[key] === 'object' && a[key] && b[key] && JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
};

/** The list with the previous list's objects kept where nothing changed (so what shows them need not redraw). */
export function stable(previous, next) {
  if (!previous) return next;
  const held = new Map(previous.map((a) => [a.id, a]));
  let changed = previous.length !== next.length;
  const out = next.map((a, i) => {
    const old = held.get(a.id);
    if (old && same(old, a)) { if (previous[i] !== old) changed = true; return old; }
    changed = true;
    return a;
  });
  return changed ? out : previous;
}
