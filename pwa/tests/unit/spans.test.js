// lib/spans.js: offsets between the server's code points and the browser's UTF-16 units, and the text cut into
// segments by spans — with characters outside the Basic Multilingual Plane (emoji, some CJK), where the two differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsets, segments } from '../../src/lib/spans.js';

const TEXT = 'Año 𝟚𝟘𝟚𝟝: la jueza 👩‍⚖️ resolvió «𠀀 fundada».';

test('code points and UTF-16 units agree before the first astral character and differ by one per pair after', () => {
  const map = offsets(TEXT);
  const points = Array.from(TEXT);
  for (let p = 0; p <= points.length; p++) {
    const units = points.slice(0, p).join('').length;
    assert.equal(map.toUnits(p), units, `toUnits(${p})`);
    assert.equal(map.toPoints(units), p, `toPoints(${units})`);
  }
  assert.equal(map.toUnits(4), 4); // 'Año ' is all BMP (ñ is one unit)
  assert.equal(map.toUnits(5), 6); // after 𝟚, a surrogate pair
});

test('a span given in code points slices the same words in UTF-16', () => {
  const points = Array.from(TEXT);
  const quote = 'resolvió «𠀀 fundada»';
  const start = points.join('').indexOf(quote) === -1 ? -1 : Array.from(TEXT.slice(0, TEXT.indexOf(quote))).length;
  const end = start + Array.from(quote).length;
  const map = offsets(TEXT);
  assert.equal(TEXT.slice(map.toUnits(start), map.toUnits(end)), quote);
});

test('segments cut at every span edge and give the text back when joined', () => {
  const points = Array.from(TEXT);
  const at = (s) => Array.from(TEXT.slice(0, TEXT.indexOf(s))).length;
  const spans = [
    { id: 'a', start: at('𝟚𝟘'), end: at('𝟚𝟘') + 4 },
    { id: 'b', start: at('jueza'), end: at('resolvió') + 8 },
    { id: 'c', start: at('👩'), end: points.length },
  ];
  const parts = segments(TEXT, spans);
  assert.equal(parts.map((p) => p.text).join(''), TEXT);
  assert.equal(parts.find((p) => p.spans.some((s) => s.id === 'a')).text, '𝟚𝟘𝟚𝟝');
  const both = parts.filter((p) => p.spans.length === 2);
  assert.ok(both.length > 0 && both.every((p) => p.spans.map((s) => s.id).sort().join() === 'b,c'));
  assert.ok(parts.every((p) => p.text.length > 0));
  // never a lone surrogate at a cut
  for (const p of parts) assert.doesNotMatch(p.text, /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
});

test('a text without astral characters: offsets are the identity', () => {
  const map = offsets('Resolución sin emoji');
  assert.equal(map.toUnits(10), 10);
  assert.equal(map.toPoints(10), 10);
});
