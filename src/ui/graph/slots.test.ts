import { describe, expect, it } from 'vitest';
import { assignGroups, assignSlots, slotExtent } from './slots';

const asObject = (m: ReadonlyMap<string, number>) => Object.fromEntries(m);

describe('assignSlots', () => {
  const cases: Array<
    [string, Record<string, number> | undefined, string[], Record<string, number>]
  > = [
    ['first assignment follows the order given', undefined, ['b', 'a', 'c'], { b: 0, a: 1, c: 2 }],
    ['members keep their slots', { a: 0, b: 1 }, ['b', 'a'], { a: 0, b: 1 }],
    ['a newcomer takes the next slot', { a: 0, b: 1 }, ['a', 'b', 'c'], { a: 0, b: 1, c: 2 }],
    ['a leaver frees its slot; others stay', { a: 0, b: 1, c: 2 }, ['a', 'c'], { a: 0, c: 2 }],
    ['a newcomer fills the first hole', { a: 0, c: 2 }, ['a', 'c', 'd'], { a: 0, c: 2, d: 1 }],
    [
      'newcomers fill holes in order, then extend',
      { b: 1, d: 3 },
      ['x', 'b', 'y', 'd', 'z'],
      { b: 1, d: 3, x: 0, y: 2, z: 4 },
    ],
    ['duplicates count once', undefined, ['a', 'a'], { a: 0 }],
  ];
  it.each(cases)('%s', (_, prev, members, expected) => {
    const next = assignSlots(prev ? new Map(Object.entries(prev)) : undefined, members);
    expect(asObject(next)).toEqual(expected);
  });

  it('returns the previous table itself when nothing changed', () => {
    const prev = assignSlots(undefined, ['a', 'b']);
    expect(assignSlots(prev, ['b', 'a'])).toBe(prev);
    expect(assignSlots(prev, ['a'])).not.toBe(prev);
  });

  it('measures the extent by the highest slot, not the count', () => {
    expect(slotExtent(new Map())).toBe(0);
    expect(
      slotExtent(
        new Map([
          ['a', 0],
          ['c', 4],
        ]),
      ),
    ).toBe(5);
  });

  it('keeps the tables of unchanged groups', () => {
    const first = assignGroups(
      undefined,
      new Map([
        ['n1', ['a']],
        ['n2', ['b']],
      ]),
    );
    const second = assignGroups(
      first,
      new Map([
        ['n1', ['a']],
        ['n2', ['b', 'c']],
      ]),
    );
    expect(second.get('n1')).toBe(first.get('n1'));
    expect(asObject(second.get('n2')!)).toEqual({ b: 0, c: 1 });
  });
});
