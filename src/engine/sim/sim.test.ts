import { describe, expect, it } from 'vitest';
import { EPOCH_MS, VirtualClock, formatTimestamp, parseTimestamp, utcMs } from './clock';
import { IdSource } from './ids';
import { EventLoop } from './loop';
import type { WorkSource } from './loop';
import { Rng, rngFor } from './rng';

describe('VirtualClock', () => {
  it('fires timers in (due, sequence) order and moves time only when told', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    const fired: string[] = [];
    clock.schedule(100, 'a', () => fired.push(`a@${clock.now() - EPOCH_MS}`));
    clock.schedule(50, 'b', () => fired.push(`b@${clock.now() - EPOCH_MS}`));
    clock.schedule(100, 'c', () => fired.push(`c@${clock.now() - EPOCH_MS}`));
    expect(clock.now()).toBe(EPOCH_MS);
    loop.advance(99);
    expect(fired).toEqual(['b@50']);
    expect(clock.now() - EPOCH_MS).toBe(99);
    loop.advance(1);
    expect(fired).toEqual(['b@50', 'a@100', 'c@100']);
  });

  it('does not fire cancelled timers', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    let n = 0;
    const h = clock.schedule(10, 'x', () => n++);
    clock.cancel(h);
    loop.advance(20);
    expect(n).toBe(0);
    expect(clock.hasForegroundTimers()).toBe(false);
  });

  it('formats and parses RFC 3339 timestamps without Date', () => {
    expect(formatTimestamp(EPOCH_MS)).toBe('2024-06-03T08:00:00Z');
    expect(formatTimestamp(utcMs(2000, 2, 29, 23, 59, 59))).toBe('2000-02-29T23:59:59Z');
    expect(formatTimestamp(utcMs(1999, 12, 31))).toBe('1999-12-31T00:00:00Z');
    expect(parseTimestamp('2024-06-03T08:00:05Z')).toBe(EPOCH_MS + 5000);
    expect(parseTimestamp('2024-06-03T08:00:05.250000Z')).toBe(EPOCH_MS + 5250);
    expect(parseTimestamp('yesterday')).toBeNaN();
    // Cross-check against the platform's calendar (allowed in tests, not in the engine).
    for (const ms of [0, 951868799000, 1717401600000, 4102444800000]) {
      expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    }
  });
});

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('keeps draws in range and roughly uniform', () => {
    const r = rngFor(7, 'test');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]!++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(400);
    const s = r.string('abc', 1000);
    expect(s).toMatch(/^[abc]{1000}$/);
  });

  it('derives independent streams per label', () => {
    expect(rngFor(1, 'scheduler').nextUint32()).not.toBe(rngFor(1, 'kubelet').nextUint32());
    expect(rngFor(1, 'scheduler').nextUint32()).toBe(rngFor(1, 'scheduler').nextUint32());
  });
});

describe('IdSource', () => {
  it('gives unique UUID-shaped uids, stable per seed', () => {
    const ids = new IdSource(1);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const u = ids.nextUid();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    expect(seen.size).toBe(5000);
    expect(new IdSource(1).nextUid()).toBe(new IdSource(1).nextUid());
    expect(new IdSource(2).nextUid()).not.toBe(new IdSource(1).nextUid());
  });
});

class Counter implements WorkSource {
  runs = 0;
  constructor(
    readonly name: string,
    public remaining: number,
    private readonly onRun: () => void = () => undefined,
  ) {}
  hasWork(): boolean {
    return this.remaining > 0;
  }
  runOne(): void {
    this.remaining--;
    this.runs++;
    this.onRun();
  }
}

describe('EventLoop', () => {
  it('step() runs ready work round-robin, then jumps to the next timer', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    const a = new Counter('a', 2);
    const b = new Counter('b', 1);
    loop.register(a);
    loop.register(b);
    clock.schedule(5000, 'timer', () => undefined);
    expect(loop.step()?.owner).toBe('a');
    expect(loop.step()?.owner).toBe('b');
    expect(loop.step()?.owner).toBe('a');
    const t = loop.step();
    expect(t).toMatchObject({ kind: 'timer', owner: 'timer', at: EPOCH_MS + 5000 });
    expect(loop.step()).toBeUndefined();
  });

  it('settle() runs work and foreground timers, ignoring background ones', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    const w = new Counter('ctl', 3);
    loop.register(w);
    clock.schedule(2000, 'pull', () => (w.remaining += 1));
    const tick = (): void => void clock.schedule(10_000, 'probe', tick, { background: true });
    tick();
    const r = loop.settle();
    expect(r.settled).toBe(true);
    expect(w.runs).toBe(4);
    expect(clock.now() - EPOCH_MS).toBe(2000);
  });

  it('settle() stops at a step cap and names the controller that kept it busy', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    const busy = new Counter('deployment-controller', 1);
    busy.remaining = Infinity;
    loop.register(new Counter('quiet', 1));
    loop.register(busy);
    const r = loop.settle({ maxSteps: 1000 });
    expect(r.settled).toBe(false);
    expect(r.reason).toBe('step-cap');
    expect(r.busiest?.owner).toBe('deployment-controller');
    expect(r.message).toContain('deployment-controller kept the loop busy');
  });

  it('settle() stops at a virtual-time cap for a timer that keeps rescheduling', () => {
    const clock = new VirtualClock();
    const loop = new EventLoop(clock);
    const again = (): void => void clock.schedule(10_000, 'kubelet/node1', again);
    again();
    const r = loop.settle({ maxVirtualMs: 60_000 });
    expect(r.settled).toBe(false);
    expect(r.reason).toBe('time-cap');
    expect(r.busiest?.owner).toBe('kubelet/node1');
  });
});
