// Axis scales of the desk's charts (charts.jsx), testable in Node (pwa/tests/unit/desk_boxes.test.js).

/** A round top for an axis: 1, 2, 5 × 10^k at or above `max` (at least 1). */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Tick values from 0 to `top` (a niceMax), a round step (1, 2, 5 × 10^k) giving at most `count` + 1 of them. */
export function ticks(top, count = 5) {
  let step = 1;
  for (let power = 1; top / step > count; power *= 10) {
    step = [1, 2, 5, 10].map((m) => m * power).find((s) => top / s <= count) || 10 * power;
  }
  const found = [];
  for (let value = 0; value <= top; value += step) found.push(value);
  return found;
}
