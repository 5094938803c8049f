// A ruling's text with highlighted spans, shared by the judicial audit's desk screens (redaction, adjudication).
// Spans come in code points, as the server counts them (`{id, start, end, …}`); lib/spans.js `segments` cuts the
// text at their edges, and each covered piece is a <mark> whose category or label is said in words (a hidden
// description, also shown as a tooltip), never by its colour alone: each span's `pattern` (solid, dashed, dotted,
// struck) is drawn as its underline. The reverse way: `selectionOffsets` reads the DOM selection inside the text
// as code-point offsets of that text, for "mark the selection" buttons (a keyboard selection works the same).
import { useMemo } from 'preact/hooks';
import { offsets, segments } from '../../lib/spans.js';

/** '#1f77b4' → 'rgba(31, 119, 180, 0.22)': a light tint of a scheme's colour, so dark text on it stays readable. */
export function tint(color, alpha = 0.22) {
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color || '').trim());
  if (!hex) return `rgba(255, 214, 0, ${alpha * 2})`;
  let digits = hex[1];
  if (digits.length === 3) digits = digits.split('').map((d) => d + d).join('');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** A darker shade of a colour for the underline (readable border on white). */
function shade(color) {
  const hex = /^#?([0-9a-f]{6})$/i.exec(String(color || '').trim());
  if (!hex) return '#5a4a00';
  const [r, g, b] = [0, 2, 4].map((i) => Math.round(parseInt(hex[1].slice(i, i + 2), 16) * 0.6));
  return `rgb(${r}, ${g}, ${b})`;
}

const PATTERNS = { solid: 'solid', dashed: 'dashed', dotted: 'dotted', double: 'double', struck: 'solid' };

/** The inline style of a span's <mark>: tinted background, an underline whose pattern says its state. */
export function markStyle({ color, pattern = 'solid', active = false } = {}) {
  return {
    backgroundColor: pattern === 'struck' ? 'transparent' : tint(color),
    color: '#111',
    borderBottom: `3px ${PATTERNS[pattern] || 'solid'} ${shade(color)}`,
    textDecoration: pattern === 'struck' ? 'line-through' : 'none',
    outline: active ? '3px solid #0b57d0' : undefined,
    outlineOffset: active ? '1px' : undefined,
    padding: '0 1px',
  };
}

/** A span's text, given in code points of `text` (what the span covers, read in the browser only). */
export function spanText(text, start, end, map = offsets(text)) {
  return text.slice(map.toUnits(start), map.toUnits(end));
}

/**
 * The current DOM selection inside `container` (the element RulingText renders the text into) as offsets of
 * `text` in code points: {start, end, quote} or null when nothing is selected there. With trim (the default),
 * spaces and line breaks at either end of the selection are left out (a double click takes the next space too).
 */
export function selectionOffsets(container, text, { trim = true } = {}) {
  if (!container || typeof window === 'undefined') return null;
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const within = (node) => node === container || container.contains(node);
  if (!within(range.startContainer) || !within(range.endContainer)) {
    // a selection running past the text: keep the part inside it
    if (!range.intersectsNode(container)) return null;
  }
  const unitsAt = (node, offset, fallback) => {
    if (!within(node)) return fallback;
    const before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(node, offset);
    return before.toString().length;
  };
  let start = unitsAt(range.startContainer, range.startOffset, 0);
  let end = unitsAt(range.endContainer, range.endOffset, text.length);
  start = Math.max(0, Math.min(text.length, start));
  end = Math.max(start, Math.min(text.length, end));
  if (trim) {
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
  }
  if (end <= start) return null;
  const map = offsets(text);
  return { start: map.toPoints(start), end: map.toPoints(end), quote: text.slice(start, end) };
}

// the text keeps its line breaks and scrolls in its own box (focusable, so a keyboard scrolls it too)
const TEXT_BOX = {
  whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', lineHeight: 1.7, maxHeight: '70vh', overflowY: 'auto',
  padding: '0.75rem', border: '1px solid #767676', borderRadius: '4px', background: '#fff', color: '#111',
};

/**
 * <RulingText text={…} spans={[{id, start, end, …}]} label="Texto de la resolución" describe={(span) => 'DNI,
 * pendiente'} look={(span) => ({color, pattern})} onActivate={(span) => …} activeId={id} containerRef={ref}
 * idPrefix="redaction" />
 *
 * - The text sits in a role=region named `label` (focusable, it scrolls), with line breaks kept; the element that
 *   holds only the text (for selectionOffsets) is given to `containerRef` (a useRef).
 * - Each covered piece is a <mark data-span-id={top span's id}> described (aria-describedby + title) by
 *   `describe` of every span over it. Where spans overlap, the last one given is drawn on top.
 * - With onActivate, marks are focusable buttons in the text's order (Tab; Enter or Space activates).
 */
export function RulingText({ text, spans, label, describe, look, onActivate, activeId, containerRef, idPrefix = 'span', className }) {
  const pieces = useMemo(() => segments(text || '', spans || []), [text, spans]);
  const descriptions = new Map();
  const descriptionId = (span) => `${idPrefix}-desc-${span.id}`;
  const first = new Set();
  const marks = pieces.map((piece) => {
    if (piece.spans.length === 0) return piece.text;
    const top = piece.spans[piece.spans.length - 1];
    for (const span of piece.spans) if (!descriptions.has(span.id)) descriptions.set(span.id, describe ? describe(span) : String(span.category || span.label || ''));
    const words = piece.spans.map((span) => descriptions.get(span.id)).join('; ');
    const style = markStyle({ ...(look ? look(top) : { color: top.color }), active: activeId !== undefined && piece.spans.some((s) => s.id === activeId) });
    // only the first piece of a span takes part in the Tab order: one stop per span, in reading order
    const stop = onActivate && !first.has(top.id);
    if (stop) first.add(top.id);
    const props = onActivate ? {
      role: 'button',
      tabIndex: stop ? 0 : -1,
      onClick: () => onActivate(top),
      onKeyDown: (event) => {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); onActivate(top); }
      },
    } : {};
    return (
      <mark data-span-id={top.id} data-start={piece.start} aria-describedby={piece.spans.map(descriptionId).join(' ')}
            title={words} style={style} {...props}>{piece.text}</mark>
    );
  });
  return (
    <div class={'ruling-text' + (className ? ' ' + className : '')}>
      <div role="region" aria-label={label} tabIndex={0} style={TEXT_BOX}>
        <div ref={containerRef} data-ruling-text="">{marks}</div>
      </div>
      <div hidden>
        {[...descriptions.entries()].map(([id, words]) => <span id={`${idPrefix}-desc-${id}`}>{words}</span>)}
      </div>
    </div>
  );
}

/** Move the keyboard focus to a span's first mark (after choosing it in a list, say). */
export function focusSpan(container, id) {
  const node = container && container.querySelector(`mark[data-span-id="${CSS.escape(String(id))}"]`);
  if (node) {
    if (!node.hasAttribute('tabindex')) node.setAttribute('tabindex', '-1');
    node.scrollIntoView({ block: 'center' });
    node.focus({ preventScroll: true });
  }
  return node;
}
