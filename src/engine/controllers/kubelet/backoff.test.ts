import { describe, expect, it } from 'vitest';
import { Backoff, formatGoDuration } from './backoff';

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [5, '5ms'],
    [812, '812ms'],
    [1000, '1s'],
    [2345, '2.345s'],
    [2300, '2.3s'],
    [1050, '1.05s'],
    [1007, '1.007s'],
    [3010, '3.01s'],
    [10_000, '10s'],
    [60_000, '1m0s'],
    [80_000, '1m20s'],
    [62_500, '1m2.5s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('Backoff (client-go flowcontrol)', () => {
  it('starts at 10 s, doubles, and caps at 300 s', () => {
    const b = new Backoff();
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next('c', i * 1000);
      seen.push(b.get('c'));
    }
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('judges back-off since an event and since the last update', () => {
    const b = new Backoff();
    expect(b.isInBackOffSince('c', 0, 0)).toBe(false);
    b.next('c', 1000);
    expect(b.isInBackOffSince('c', 1000, 10_999)).toBe(true);
    expect(b.isInBackOffSince('c', 1000, 11_000)).toBe(false);
    expect(b.isInBackOffSinceUpdate('c', 5000)).toBe(true);
    expect(b.isInBackOffSinceUpdate('c', 11_000)).toBe(false);
  });

  it('forgives an item quiet for more than twice the maximum', () => {
    const b = new Backoff();
    b.next('c', 0);
    b.next('c', 1000);
    expect(b.get('c')).toBe(20_000);
    b.next('c', 1000 + 600_001);
    expect(b.get('c')).toBe(10_000);
  });
});
