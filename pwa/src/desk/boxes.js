// The geometry of black boxes on a photo (pixels of the photo as shown), kept apart from the editor so that Node
// tests it (pwa/tests/unit/desk_boxes.test.js).

/** A box kept inside the photo, with whole pixels and at least 1 px wide and high. */
export function clampBox(box, width, height) {
  const w = Math.max(1, Math.min(Math.round(box.width), width));
  const h = Math.max(1, Math.min(Math.round(box.height), height));
  const x = Math.max(0, Math.min(Math.round(box.x), width - w));
  const y = Math.max(0, Math.min(Math.round(box.y), height - h));
  return { x, y, width: w, height: h };
}

/** The box two corners make (in any order). */
export function boxFrom(a, b) {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** What an arrow key does to a box: move it, or with Shift resize it (right/down grow, left/up shrink). */
export function nudge(box, key, shift, step, width, height) {
  const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[key];
  if (!d) return null;
  const next = shift
    ? { ...box, width: box.width + d[0] * step, height: box.height + d[1] * step }
    : { ...box, x: box.x + d[0] * step, y: box.y + d[1] * step };
  return clampBox(next, width, height);
}
