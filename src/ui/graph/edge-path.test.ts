import { describe, expect, it } from 'vitest';
import { laneRoute, roundedPath } from './edge-path';

describe('laneRoute', () => {
  it('drops into the corridor, runs to the lane beside the target, turns into its left side', () => {
    expect(laneRoute(100, 0, 300, 200, 'left', 0)).toEqual([
      { x: 100, y: 0 },
      { x: 100, y: 14 },
      { x: 288, y: 14 },
      { x: 288, y: 200 },
      { x: 300, y: 200 },
    ]);
  });

  it('offsets corridor and lane per source, cycling through four', () => {
    const [, corridor, lane] = laneRoute(100, 0, 300, 200, 'left', 2);
    expect(corridor).toEqual({ x: 100, y: 32 });
    expect(lane).toEqual({ x: 276, y: 32 });
    expect(laneRoute(100, 0, 300, 200, 'left', 6)).toEqual(laneRoute(100, 0, 300, 200, 'left', 2));
  });

  it('enters from the right through the lane after the target (owner edges)', () => {
    expect(laneRoute(100, 0, 300, 200, 'right', 1).slice(2)).toEqual([
      { x: 318, y: 23 },
      { x: 318, y: 200 },
      { x: 300, y: 200 },
    ]);
  });

  it('drops straight onto a box top', () => {
    expect(laneRoute(100, 0, 40, 80, 'top', 1)).toEqual([
      { x: 100, y: 0 },
      { x: 100, y: 23 },
      { x: 40, y: 23 },
      { x: 40, y: 80 },
    ]);
  });

  it('never routes the corridor below a target that is close', () => {
    expect(laneRoute(0, 0, 0, 10, 'top', 3)[1]).toEqual({ x: 0, y: 10 });
  });
});

describe('roundedPath', () => {
  const cases: Array<[string, Array<{ x: number; y: number }>, string]> = [
    [
      'a straight line',
      [
        { x: 0, y: 0 },
        { x: 0, y: 50 },
      ],
      'M0,0 L0,50',
    ],
    [
      'one rounded corner',
      [
        { x: 0, y: 0 },
        { x: 0, y: 50 },
        { x: 40, y: 50 },
      ],
      'M0,0 L0,44 Q0,50 6,50 L40,50',
    ],
    [
      'a short leg limits the radius',
      [
        { x: 0, y: 0 },
        { x: 0, y: 4 },
        { x: 40, y: 4 },
      ],
      'M0,0 L0,2 Q0,4 2,4 L40,4',
    ],
    [
      'repeated points are dropped',
      [
        { x: 0, y: 0 },
        { x: 0, y: 0 },
        { x: 0, y: 9 },
      ],
      'M0,0 L0,9',
    ],
  ];
  it.each(cases)('%s', (_, points, d) => {
    expect(roundedPath(points)).toBe(d);
  });
});
