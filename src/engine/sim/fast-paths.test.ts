/**
 * The faster uid and timestamp formatting produce exactly what the plain versions did: uids are
 * part of every object (and of every determinism comparison), timestamps of most.
 */
import { describe, expect, it } from 'vitest';
import { EPOCH_MS, formatMicroTimestamp, formatTimestamp, parseTimestamp } from './clock';
import { IdSource } from './ids';

describe('IdSource.nextUid', () => {
  // Golden values from the first implementation (hex strings sliced together).
  it.each([
    {
      seed: 1,
      uids: [
        'e3a720ee-2eca-4a85-80d5-65b59641e981',
        '32c12cf5-5927-4508-a67a-2e61f3a36128',
        '8889ec87-20ad-4169-8d2a-5818a37cfdd7',
      ],
    },
    {
      seed: 42,
      uids: [
        'c7812f04-590c-492d-9188-98f7e22db7ef',
        '7e0c1ade-564a-4027-bb6b-48f45cd53271',
        '364e5f0d-626e-4409-971f-fd6f66d7da6a',
      ],
    },
  ])('is stable for seed $seed', ({ seed, uids }) => {
    const ids = new IdSource(seed);
    expect([ids.nextUid(), ids.nextUid(), ids.nextUid()]).toEqual(uids);
  });

  it('always has the v4 version and variant nibbles', () => {
    const ids = new IdSource(7);
    for (let i = 0; i < 2000; i++) {
      expect(ids.nextUid()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});

describe('formatTimestamp (remembers recent seconds)', () => {
  it.each([
    [EPOCH_MS, '2024-06-03T08:00:00Z'],
    [EPOCH_MS + 999, '2024-06-03T08:00:00Z'],
    [EPOCH_MS + 1000, '2024-06-03T08:00:01Z'],
    [EPOCH_MS + 64_000, '2024-06-03T08:01:04Z'], // same slot as EPOCH_MS
    [0, '1970-01-01T00:00:00Z'],
    [-1, '1969-12-31T23:59:59Z'],
    [951_782_400_000, '2000-02-29T00:00:00Z'],
  ])('formats %d as %s, also when asked again', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
    expect(formatTimestamp(ms)).toBe(text);
    expect(parseTimestamp(text)).toBe(Math.floor(ms / 1000) * 1000);
  });

  it('does not confuse seconds that share a cache slot', () => {
    const seen = new Map<number, string>();
    for (let s = 0; s < 500; s++) seen.set(s, formatTimestamp(EPOCH_MS + ((s * 37) % 500) * 1000));
    for (let s = 0; s < 500; s++) {
      const ms = EPOCH_MS + ((s * 37) % 500) * 1000;
      expect(formatTimestamp(ms)).toBe(seen.get(s));
      expect(parseTimestamp(formatTimestamp(ms))).toBe(ms);
    }
  });

  it('keeps the micro form consistent with it', () => {
    expect(formatMicroTimestamp(EPOCH_MS + 1234)).toBe('2024-06-03T08:00:01.234000Z');
  });
});
