/**
 * The event loop that drives the simulated cluster.
 *
 * Two kinds of pending work exist:
 *  - ready work: items in the controllers' work queues (a WorkSource each), runnable now;
 *  - timers on the virtual clock (image pull finished, back-off expired, requeueAfter, ...).
 *
 * `step()` runs exactly one unit: one ready work item (sources are served round-robin so no
 * controller starves another) or, when nothing is ready, the earliest timer (moving the clock).
 * `advance(ms)` lets ms of virtual time pass, running everything that becomes due on the way.
 * `settle()` runs until nothing is ready and no foreground timer is pending, within caps; when a
 * cap is hit it reports which owner (controller) kept the loop busy instead of hanging.
 */
import type { VirtualClock } from './clock';

/** Something with a queue of ready work: a controller's work queue. */
export interface WorkSource {
  readonly name: string;
  hasWork(): boolean;
  /** Run one queued item. Must not throw (the runner catches reconcile errors). */
  runOne(): void;
  /**
   * Optional. The loop hands over a callback, and the source promises to call it whenever
   * hasWork() may have turned true (its queue gained an item). Such a source is only asked
   * hasWork() after it said so; one without this hook is asked at every turn.
   */
  setReadyListener?(listener: () => void): void;
}

export type StepInfo = { kind: 'work' | 'timer'; owner: string; at: number };

export interface SettleOptions {
  /** Most virtual time settle() may let pass (default 15 minutes). */
  maxVirtualMs?: number;
  /** Most units of work (default 5,000,000). */
  maxSteps?: number;
}

export interface SettleResult {
  settled: boolean;
  steps: number;
  elapsedMs: number;
  /** When not settled: why, and the owner that ran most units during the call. */
  reason?: 'step-cap' | 'time-cap';
  busiest?: { owner: string; units: number };
  message?: string;
}

export class EventLoop {
  private readonly sources: WorkSource[] = [];
  private cursor = 0;
  /**
   * Which sources may have work, one bit per index in `sources`: a superset of those whose
   * hasWork() is true. A source with a ready listener sets its bit when it gains work, and the
   * bit is cleared when a scan finds it without; a source without one keeps its bit. A scan for
   * the next source with work then only asks the flagged ones, in the same round-robin order as
   * asking every source, and so picks the same one. (A busy cluster has ~110 sources, of which
   * a few have work at any moment.)
   */
  private flags: number[] = [];
  /** Called after each unit; the facade uses it to count steps and flush per-step feeds. */
  onUnit: ((info: StepInfo) => void) | undefined;

  constructor(readonly clock: VirtualClock) {}

  register(source: WorkSource): void {
    this.sources.push(source);
    this.reflag();
  }

  unregister(source: WorkSource): void {
    const i = this.sources.indexOf(source);
    if (i >= 0) this.sources.splice(i, 1);
    if (this.cursor >= this.sources.length) this.cursor = 0;
    this.reflag();
  }

  /** Index every source afresh (after a registration): every bit set, listeners re-armed. */
  private reflag(): void {
    const n = this.sources.length;
    this.flags = new Array<number>((n + 31) >>> 5).fill(0);
    for (let i = 0; i < n; i++) {
      this.flag(i);
      const bit = i;
      this.sources[i]!.setReadyListener?.(() => this.flag(bit));
    }
  }

  private flag(i: number): void {
    this.flags[i >>> 5]! |= 1 << (i & 31);
  }

  /** The first flagged index in [from, end), or -1. */
  private nextFlagged(from: number, end: number): number {
    const flags = this.flags;
    for (let w = from >>> 5; w << 5 < end; w++) {
      let bits = flags[w]!;
      if (w === from >>> 5) bits &= -1 << (from & 31);
      if (bits !== 0) {
        const i = (w << 5) + 31 - Math.clz32(bits & -bits);
        return i < end ? i : -1;
      }
    }
    return -1;
  }

  /**
   * The first source with work at or after index `from` (up to `end`), asking only flagged
   * ones; a listening source found without work loses its flag. -1 if none.
   */
  private nextWithWork(from: number, end: number): number {
    for (let i = this.nextFlagged(from, end); i >= 0; i = this.nextFlagged(i + 1, end)) {
      const s = this.sources[i]!;
      if (s.hasWork()) return i;
      if (s.setReadyListener) this.flags[i >>> 5]! &= ~(1 << (i & 31));
    }
    return -1;
  }

  hasReadyWork(): boolean {
    return this.nextWithWork(0, this.sources.length) >= 0;
  }

  /** Run one ready work item, round-robin across sources. Returns its owner, or undefined. */
  private runOneReady(): string | undefined {
    const n = this.sources.length;
    // From the cursor to the end, then from the start up to the cursor.
    let idx = this.nextWithWork(this.cursor, n);
    if (idx < 0) idx = this.nextWithWork(0, this.cursor);
    if (idx < 0) return undefined;
    const s = this.sources[idx]!;
    this.cursor = (idx + 1) % n;
    s.runOne();
    return s.name;
  }

  /** Fire the earliest timer due at or before `limit`. */
  private fireTimer(limit: number): string | undefined {
    const t = this.clock.popDue(limit);
    if (!t) return undefined;
    t.fn();
    return t.owner;
  }

  private unit(limit: number): StepInfo | undefined {
    // Timers already due (at or before now) fire before more queue work, so that "now" stays honest.
    let owner = this.fireTimer(this.clock.now());
    let kind: StepInfo['kind'] = 'timer';
    if (owner === undefined) {
      owner = this.runOneReady();
      kind = 'work';
    }
    if (owner === undefined) {
      owner = this.fireTimer(limit);
      kind = 'timer';
    }
    if (owner === undefined) return undefined;
    const info: StepInfo = { kind, owner, at: this.clock.now() };
    this.onUnit?.(info);
    return info;
  }

  /** Exactly one unit of work: ready work first, else the next timer (the clock jumps to it). */
  step(): StepInfo | undefined {
    return this.unit(Number.POSITIVE_INFINITY);
  }

  /**
   * Let `ms` of virtual time pass; everything due on the way runs, in order. Stops early (the
   * clock stays where the work got to) after `maxSteps` units, or when `yieldNow` — asked after
   * every unit, and supplied by a host with a clock of its own, such as the page's frame budget
   * — says so. The engine itself never reads a clock.
   */
  advance(ms: number, maxSteps = 5_000_000, yieldNow?: () => boolean): SettleResult {
    const start = this.clock.now();
    const target = start + Math.max(0, ms);
    const counts: UnitCounts = new Map();
    let steps = 0;
    for (;;) {
      const info = this.unit(target);
      if (!info) break;
      steps++;
      countUnit(counts, info.owner);
      if (steps >= maxSteps || yieldNow?.()) return this.capped('step-cap', steps, start, counts);
    }
    this.clock.moveTo(target);
    return { settled: true, steps, elapsedMs: this.clock.now() - start };
  }

  /** Run until nothing is ready and no foreground timer is pending (bounded; never hangs). */
  settle(opts: SettleOptions = {}): SettleResult {
    const maxMs = opts.maxVirtualMs ?? 15 * 60_000;
    const maxSteps = opts.maxSteps ?? 5_000_000;
    const start = this.clock.now();
    const counts: UnitCounts = new Map();
    let steps = 0;
    for (;;) {
      const dueNow = (this.clock.nextDue() ?? Infinity) <= this.clock.now();
      // The cheap test first: while foreground timers are pending (most of a busy run) there is
      // no need to ask every work source whether it has work.
      if (!dueNow && !this.clock.hasForegroundTimers() && !this.hasReadyWork()) break;
      const info = this.unit(start + maxMs);
      // Nothing runnable inside the horizon, yet foreground timers remain beyond it.
      if (!info) return this.capped('time-cap', steps, start, counts);
      steps++;
      countUnit(counts, info.owner);
      if (steps >= maxSteps) return this.capped('step-cap', steps, start, counts);
    }
    return { settled: true, steps, elapsedMs: this.clock.now() - start };
  }

  private capped(
    reason: 'step-cap' | 'time-cap',
    steps: number,
    start: number,
    counts: UnitCounts,
  ): SettleResult {
    let busiest: { owner: string; units: number } = { owner: 'nothing', units: 0 };
    for (const [owner, c] of counts) if (c.n > busiest.units) busiest = { owner, units: c.n };
    const elapsedMs = this.clock.now() - start;
    const what =
      reason === 'step-cap' ? `${steps} steps` : `${Math.round(elapsedMs / 1000)}s of virtual time`;
    return {
      settled: false,
      steps,
      elapsedMs,
      reason,
      busiest,
      message: `cluster did not settle after ${what}: ${busiest.owner} kept the loop busy (${busiest.units} units)`,
    };
  }
}

/** Units run per owner, as counters (one map lookup per unit rather than a get and a set). */
type UnitCounts = Map<string, { n: number }>;

function countUnit(counts: UnitCounts, owner: string): void {
  const c = counts.get(owner);
  if (c) c.n++;
  else counts.set(owner, { n: 1 });
}
