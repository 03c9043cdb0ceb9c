import { describe, expect, test } from 'vitest';
import {
  DOT_TIMING,
  badgeKey,
  countsAt,
  dotSpacing,
  inFlightAt,
  planDots,
  pointAlong,
} from './load-dots';

const drawnIndexes = (n: number) =>
  planDots(n)
    .map((s, i) => (s.drawn ? i : -1))
    .filter((i) => i >= 0);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('planDots', () => {
  test.each([
    [10, 60],
    [100, 20],
    [1000, 2],
    [0, 0],
  ])('%i requests leave %i ms apart', (count, spacing) => {
    expect(dotSpacing(count)).toBe(spacing);
  });

  test('Load 10: every request gets a dot, 60 ms apart, 800 ms each', () => {
    const slots = planDots(10);
    expect(slots.map((s) => s.startMs)).toEqual(range(0, 10).map((i) => i * 60));
    expect(slots.every((s) => s.drawn && s.landMs === s.startMs + 800)).toBe(true);
  });

  test('Load 100: 24 dots at most; a slot frees when a dot lands; the rest are counted', () => {
    expect(drawnIndexes(100)).toEqual([...range(0, 24), ...range(40, 64), ...range(80, 100)]);
    const slots = planDots(100);
    const peak = Math.max(...range(0, 2800).map((ms) => inFlightAt(slots, ms)));
    expect(peak).toBe(DOT_TIMING.cap);
    expect(slots[99]!.landMs).toBe(2780);
  });

  test('Load 1,000 plays in the same 2.8 s with 72 dots', () => {
    const slots = planDots(1000);
    expect(drawnIndexes(1000)).toEqual([...range(0, 24), ...range(400, 424), ...range(800, 824)]);
    expect(slots[999]!.landMs).toBe(2798);
  });

  test('reduced motion: no dot, counts only', () => {
    expect(planDots(100, DOT_TIMING, true).filter((s) => s.drawn)).toEqual([]);
  });
});

describe('countsAt', () => {
  test('counts by destination and outcome as requests land; in the end they sum to the Load', () => {
    const slots = planDots(4, { cap: 1, travelMs: 100, maxSpacingMs: 10, windowMs: 1000 });
    const landings = [
      { id: 'Pod/default/a', failed: false },
      { id: 'Pod/default/b', failed: false },
      { id: 'Service/default/x', failed: true },
      { id: 'Pod/default/a', failed: false },
    ];
    expect([...countsAt(slots, landings, 99)]).toEqual([]);
    expect([...countsAt(slots, landings, 115)]).toEqual([
      ['ok Pod/default/a', 1],
      ['ok Pod/default/b', 1],
    ]);
    expect([...countsAt(slots, landings, 1000)]).toEqual([
      ['ok Pod/default/a', 2],
      ['ok Pod/default/b', 1],
      ['fail Service/default/x', 1],
    ]);
    expect(badgeKey('Pod/default/a', true)).toBe('fail Pod/default/a');
  });
});

describe('pointAlong', () => {
  const pts = [
    { x: 0, y: 0 },
    { x: 30, y: 0 },
    { x: 30, y: 10 },
  ];
  test.each([
    [0, { x: 0, y: 0 }],
    [0.5, { x: 20, y: 0 }],
    [0.875, { x: 30, y: 5 }],
    [1, { x: 30, y: 10 }],
    [2, { x: 30, y: 10 }],
  ])('at %f of the way', (f, p) => {
    expect(pointAlong(pts, f)).toEqual(p);
  });
  test('one point or none', () => {
    expect(pointAlong([{ x: 3, y: 4 }], 0.5)).toEqual({ x: 3, y: 4 });
    expect(pointAlong([], 0.5)).toEqual({ x: 0, y: 0 });
  });
});
