import { describe, expect, it } from 'vitest';
import { fromLabelSelector, fromMap, labelsToString, parseSelector } from './selectors';

describe('parseSelector (kubectl -l)', () => {
  const labels = { app: 'web', tier: 'frontend', env: 'prod' };
  const table: Array<[string, boolean]> = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
    ['env in (prod,staging)', true],
    ['env in (dev)', false],
    ['env notin (dev, staging)', true],
    ['app', true],
    ['!app', false],
    ['!canary', true],
    ['canary', false],
    ['missing!=x', true],
    ['', true],
  ];
  for (const [sel, want] of table) {
    it(`${JSON.stringify(sel)} → ${want}`, () => {
      expect(parseSelector(sel).matches(labels)).toBe(want);
    });
  }

  it('rejects malformed requirements in apimachinery words', () => {
    expect(() => parseSelector('app=(x')).toThrow(/unable to parse requirement/);
    expect(() => parseSelector('a b c')).toThrow(/unable to parse requirement/);
  });

  it('prints canonically, sorted by key', () => {
    expect(parseSelector('tier=web,app in (b,a)').toString()).toBe('app in (a,b),tier=web');
  });
});

describe('LabelSelector objects', () => {
  it('combines matchLabels and matchExpressions', () => {
    const s = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.matches({ app: 'web', tier: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'c' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'a', canary: '1' })).toBe(false);
    expect(s.toString()).toBe('app=web,!canary,tier in (a,b)');
  });

  it('an absent selector matches nothing, an empty one everything', () => {
    expect(fromLabelSelector(undefined).matches({ a: 'b' })).toBe(false);
    expect(fromLabelSelector({}).matches({ a: 'b' })).toBe(true);
    expect(fromMap(undefined).matches({ a: 'b' })).toBe(false);
    expect(fromMap({ a: 'b' }).matches({ a: 'b', c: 'd' })).toBe(true);
  });

  it('prints labels sorted', () => {
    expect(labelsToString({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(labelsToString({})).toBe('<none>');
  });
});
