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
  /** Called after each unit; the facade uses it to count steps and flush per-step feeds. */
  onUnit: ((info: StepInfo) => void) | undefined;

  constructor(readonly clock: VirtualClock) {}

  register(source: WorkSource): void {
    this.sources.push(source);
  }

  unregister(source: WorkSource): void {
    const i = this.sources.indexOf(source);
    if (i >= 0) this.sources.splice(i, 1);
    if (this.cursor >= this.sources.length) this.cursor = 0;
  }

  hasReadyWork(): boolean {
    return this.sources.some((s) => s.hasWork());
  }

  /** Run one ready work item, round-robin across sources. Returns its owner, or undefined. */
  private runOneReady(): string | undefined {
    const n = this.sources.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const s = this.sources[idx] as WorkSource;
      if (s.hasWork()) {
        this.cursor = (idx + 1) % n;
        s.runOne();
        return s.name;
      }
    }
    return undefined;
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

  /** Let `ms` of virtual time pass; everything due on the way runs, in order. */
  advance(ms: number, maxSteps = 5_000_000): SettleResult {
    const start = this.clock.now();
    const target = start + Math.max(0, ms);
    const counts = new Map<string, number>();
    let steps = 0;
    for (;;) {
      const info = this.unit(target);
      if (!info) break;
      steps++;
      counts.set(info.owner, (counts.get(info.owner) ?? 0) + 1);
      if (steps >= maxSteps) return this.capped('step-cap', steps, start, counts);
    }
    this.clock.moveTo(target);
    return { settled: true, steps, elapsedMs: this.clock.now() - start };
  }

  /** Run until nothing is ready and no foreground timer is pending (bounded; never hangs). */
  settle(opts: SettleOptions = {}): SettleResult {
    const maxMs = opts.maxVirtualMs ?? 15 * 60_000;
    const maxSteps = opts.maxSteps ?? 5_000_000;
    const start = this.clock.now();
    const counts = new Map<string, number>();
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
      counts.set(info.owner, (counts.get(info.owner) ?? 0) + 1);
      if (steps >= maxSteps) return this.capped('step-cap', steps, start, counts);
    }
    return { settled: true, steps, elapsedMs: this.clock.now() - start };
  }

  private capped(
    reason: 'step-cap' | 'time-cap',
    steps: number,
    start: number,
    counts: Map<string, number>,
  ): SettleResult {
    let busiest: { owner: string; units: number } = { owner: 'nothing', units: 0 };
    for (const [owner, units] of counts) if (units > busiest.units) busiest = { owner, units };
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
