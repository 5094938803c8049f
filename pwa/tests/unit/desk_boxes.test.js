// The black boxes' geometry (moderation) and the charts' axis scales (statistics), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxFrom, clampBox, nudge } from '../../src/desk/boxes.js';
import { niceMax, ticks } from '../../src/desk/scale.js';

test('a box drawn in any direction is the same box, kept inside the photo in whole pixels', () => {
  assert.deepEqual(boxFrom({ x: 300, y: 200 }, { x: 100, y: 50 }), { x: 100, y: 50, width: 200, height: 150 });
  assert.deepEqual(clampBox({ x: 1500.4, y: -20, width: 300, height: 99.6 }, 1600, 1200), { x: 1300, y: 0, width: 300, height: 100 });
  assert.deepEqual(clampBox({ x: 10, y: 10, width: 0, height: 5000 }, 1600, 1200), { x: 10, y: 0, width: 1, height: 1200 });
});

test('arrows move a box, Shift + arrows resize it, never outside the photo', () => {
  const box = { x: 640, y: 480, width: 320, height: 240 };
  assert.deepEqual(nudge(box, 'ArrowRight', false, 16, 1600, 1200), { ...box, x: 656 });
  assert.deepEqual(nudge(box, 'ArrowUp', false, 16, 1600, 1200), { ...box, y: 464 });
  assert.deepEqual(nudge(box, 'ArrowDown', true, 16, 1600, 1200), { ...box, height: 256 });
  assert.deepEqual(nudge(box, 'ArrowLeft', true, 16, 1600, 1200), { ...box, width: 304 });
  assert.deepEqual(nudge({ x: 1590, y: 0, width: 10, height: 10 }, 'ArrowRight', false, 16, 1600, 1200), { x: 1590, y: 0, width: 10, height: 10 });
  assert.deepEqual(nudge({ x: 0, y: 0, width: 1, height: 1 }, 'ArrowLeft', true, 16, 1600, 1200), { x: 0, y: 0, width: 1, height: 1 });
  assert.equal(nudge(box, 'Enter', false, 16, 1600, 1200), null);
});

test('axes end on a round number and tick in whole numbers', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(7), 10);
  assert.equal(niceMax(13), 20);
  assert.equal(niceMax(45), 50);
  assert.equal(niceMax(100), 100);
  assert.deepEqual(ticks(10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(ticks(1), [0, 1]);
  assert.deepEqual(ticks(5), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(ticks(20), [0, 5, 10, 15, 20]);
  assert.deepEqual(ticks(50), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(ticks(200), [0, 50, 100, 150, 200]);
});
