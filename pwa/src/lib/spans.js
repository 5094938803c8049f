// Offsets on a ruling's canonical text. The server counts Unicode code points (Python string indices); the
// browser's strings and DOM ranges count UTF-16 code units. The two differ only after a character outside the
// Basic Multilingual Plane (an emoji, some CJK), so every offset crosses this boundary through these functions.

/** A converter for one text: toUnits(codePointOffset) and toPoints(utf16Offset), O(log n) after O(n) set-up. */
export function offsets(text) {
  const astral = []; // UTF-16 index of each surrogate pair's first unit
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { astral.push(i); i++; }
  }
  const before = (units) => { // pairs wholly before this UTF-16 index
    let lo = 0; let hi = astral.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (astral[mid] + 1 < units) lo = mid + 1; else hi = mid; }
    return lo;
  };
  return {
    toUnits(points) {
      let units = points;
      for (const at of astral) { if (at < units) units++; else break; }
      return units;
    },
    toPoints(units) { return units - before(units); },
  };
}

/** The text cut into consecutive segments at every span's start and end: [{start, end, spans: [span…]}], in
 * UTF-16 units of `text` (spans given in code points, `{start, end, …}`). Segments with no span are included, so
 * joining every segment's text gives the text back: render each as a text node or a <mark>. */
export function segments(text, spans) {
  const map = offsets(text);
  const cuts = new Set([0, text.length]);
  const placed = spans.map((span) => ({ span, start: map.toUnits(span.start), end: map.toUnits(span.end) }));
  for (const p of placed) { cuts.add(Math.max(0, Math.min(text.length, p.start))); cuts.add(Math.max(0, Math.min(text.length, p.end))); }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i]; const end = sorted[i + 1];
    out.push({ start, end, text: text.slice(start, end), spans: placed.filter((p) => p.start < end && p.end > start).map((p) => p.span) });
  }
  return out;
}
