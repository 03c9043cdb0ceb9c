/**
 * The faster uid and timestamp formatting produce exactly what the plain versions did: uids are
 * part of every object (and of every determinism comparison), timestamps of most. Likewise the
 * random streams (signed state words), the event loop's ready-source bitmap and the timer heap's
 * number arrays: same draws, same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EPOCH_MS,
  VirtualClock,
  formatMicroTimestamp,
  formatTimestamp,
  parseTimestamp,
} from './clock';
import { IdSource } from './ids';
import type { WorkSource } from './loop';
import { EventLoop } from './loop';
import { Rng } from './rng';

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

/** The first Rng implementation: unsigned state words, characters appended one by one. */
class ReferenceRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  string(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++)
      s += alphabet[Math.floor((this.nextUint32() / 4294967296) * alphabet.length)];
    return s;
  }
}

describe('Rng (signed state words, flat strings)', () => {
  it.each([0, 1, 7, 42, 0xffffffff, 123456789])(
    'draws what the first version drew (seed %d)',
    (seed) => {
      const r = new Rng(seed);
      const ref = new ReferenceRng(seed);
      for (let i = 0; i < 2000; i++) expect(r.nextUint32()).toBe(ref.nextUint32());
    },
  );

  it.each([1, 5, 12, 13, 64, 300])('builds the same %d-character strings', (n) => {
    const r = new Rng(9);
    const ref = new ReferenceRng(9);
    for (let i = 0; i < 20; i++) {
      const alphabet = i % 2 ? '0123456789abcdef' : 'bcdfghjklmnpqrstvwxz2456789';
      expect(r.string(alphabet, n)).toBe(ref.string(alphabet, n));
    }
  });
});

/** A work source with a count of items, which the loop must ask at every turn. */
class Counter implements WorkSource {
  runs = 0;
  protected remaining: number;
  constructor(
    readonly name: string,
    work: number,
  ) {
    this.remaining = work;
  }
  hasWork(): boolean {
    return this.remaining > 0;
  }
  runOne(): void {
    this.remaining--;
    this.runs++;
  }
  add(n: number): void {
    this.remaining += n;
  }
}

/** One that tells the loop when it gains work (as controllers do). */
class ListeningCounter extends Counter {
  private listener: (() => void) | undefined;
  override add(n: number): void {
    const had = this.remaining > 0;
    super.add(n);
    if (!had && n > 0) this.listener?.();
  }
  setReadyListener(listener: () => void): void {
    this.listener = listener;
  }
}

const counter = (name: string, work: number, listening: boolean): Counter =>
  listening ? new ListeningCounter(name, work) : new Counter(name, work);

describe('EventLoop ready sources', () => {
  it('serves sources in the same round-robin order as asking every one of them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ listening: fc.boolean(), work: fc.nat(3) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.tuple(fc.nat(39), fc.nat(3)), { maxLength: 30 }),
        (specs, adds) => {
          const loop = new EventLoop(new VirtualClock());
          const sources = specs.map((x, i) => counter(`s${i}`, x.work, x.listening));
          for (const src of sources) loop.register(src);
          // The reference: the first source with work at or after the cursor, cyclically.
          let cursor = 0;
          const expected: string[] = [];
          const actual: string[] = [];
          const remaining = specs.map((x) => x.work);
          let a = 0;
          for (let step = 0; step < 200; step++) {
            if (step % 3 === 0 && a < adds.length) {
              const [i, n] = adds[a++]!;
              if (i < sources.length) {
                sources[i]!.add(n);
                remaining[i]! += n;
              }
            }
            let next = -1;
            for (let k = 0; k < remaining.length; k++) {
              const idx = (cursor + k) % remaining.length;
              if (remaining[idx]! > 0) {
                next = idx;
                break;
              }
            }
            if (next >= 0) {
              remaining[next]!--;
              cursor = (next + 1) % remaining.length;
              expected.push(`s${next}`);
            }
            expect(loop.hasReadyWork()).toBe(next >= 0);
            const info = loop.step();
            if (info) actual.push(info.owner);
          }
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the order when a source is unregistered', () => {
    const loop = new EventLoop(new VirtualClock());
    const [a, b, c] = ['a', 'b', 'c'].map((n) => counter(n, 2, true)) as [
      Counter,
      Counter,
      Counter,
    ];
    for (const s of [a, b, c]) loop.register(s);
    expect(loop.step()?.owner).toBe('a');
    loop.unregister(b);
    b.add(1);
    expect([loop.step()?.owner, loop.step()?.owner, loop.step()?.owner]).toEqual(['c', 'a', 'c']);
    expect(loop.step()).toBeUndefined();
  });
});

describe('VirtualClock timer heap', () => {
  it('fires timers in (due, scheduling) order, skipping cancelled ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.boolean()), { maxLength: 200 }), (timers) => {
        const clock = new VirtualClock();
        const fired: number[] = [];
        const handles = timers.map(([delay], i) => clock.schedule(delay, 't', () => fired.push(i)));
        timers.forEach(([, cancel], i) => {
          if (cancel) clock.cancel(handles[i]);
        });
        for (let t = clock.popDue(Infinity); t; t = clock.popDue(Infinity)) t.fn();
        const expected = timers
          .map(([delay, cancel], i) => ({ delay, cancel, i }))
          .filter((x) => !x.cancel)
          .sort((x, y) => x.delay - y.delay || x.i - y.i)
          .map((x) => x.i);
        expect(fired).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseTimestamp (remembers recent texts)', () => {
  it.each([
    ['2024-06-03T08:00:01Z', EPOCH_MS + 1000],
    ['2024-06-03T08:00:01.5Z', EPOCH_MS + 1500],
    ['not a time', NaN],
    ['', NaN],
  ])('parses %s, also when asked again', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
    expect(parseTimestamp(`${text}`)).toBe(ms);
  });

  it('stays right past the size of its memory', () => {
    for (let i = 0; i < 10_000; i++) {
      const ms = EPOCH_MS + i * 1000;
      expect(parseTimestamp(formatTimestamp(ms))).toBe(ms);
    }
  });
});
