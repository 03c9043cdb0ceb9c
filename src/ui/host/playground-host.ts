/**
 * The playground's engine host: one simulated cluster on the main thread, driven by the page.
 *
 * Virtual time runs at `speed` × real time (1 s per second by default) from requestAnimationFrame.
 * Each frame lets the frame's share of virtual time pass, in slices of at most SLICE_UNITS units of
 * engine work, and stops slicing after FRAME_BUDGET_MS of real time: a burst (a 1,000-pod apply)
 * spreads over several frames instead of freezing the page, and virtual time simply lags behind
 * until it has caught up. (Why the main thread and not a Web Worker: the engine's API is
 * synchronous — the shell, `window.playground`, the editor's Apply — and one frame's slice is
 * bounded; `npm run bench:ui` measures the frame times.)
 *
 * Listeners hear about every change once per frame (or after a command), as the engine's change
 * feed: the zustand bridge (state/cluster-store.ts) turns it into one store update.
 */
import { createCluster } from '../../engine';
import type { ChangeSet, Cluster } from '../../engine';
import { LESSON_FILES } from './lesson-files';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface HostOptions {
  seed?: number;
  files?: Record<string, string>;
}

/** Most engine units per slice; the budget is checked between slices. */
const SLICE_UNITS = 200;
/** Real milliseconds a frame may spend running the engine. */
const FRAME_BUDGET_MS = 10;
/** A tab in the background (or a long pause) does not make the cluster jump by more than this. */
const MAX_FRAME_VIRTUAL_MS = 1_000;

type Listener = (changes: ChangeSet | undefined) => void;

export class PlaygroundHost {
  cluster: Cluster;
  /** Virtual seconds per real second. */
  speed = 1;
  paused = false;
  private readonly listeners = new Set<Listener>();
  private readonly timeListeners = new Set<(now: number) => void>();
  private unsubscribe: () => void;
  private frame: number | undefined;
  private lastFrameAt: number | undefined;
  /** Virtual time still owed to the cluster (it lags during bursts). */
  private owedMs = 0;

  constructor(private readonly options: HostOptions = {}) {
    this.cluster = this.create();
    this.unsubscribe = this.cluster.subscribe((c) => this.emit(c));
  }

  private create(): Cluster {
    return createCluster({
      seed: this.options.seed ?? 1,
      files: { ...(this.options.files ?? LESSON_FILES) },
    });
  }

  /** Start driving virtual time from animation frames. */
  start(): void {
    if (this.frame !== undefined) return;
    const tick = (t: number): void => {
      this.frame = requestAnimationFrame(tick);
      const dt = this.lastFrameAt === undefined ? 0 : t - this.lastFrameAt;
      this.lastFrameAt = t;
      if (!this.paused) this.owedMs = Math.min(this.owedMs + dt * this.speed, MAX_FRAME_VIRTUAL_MS);
      this.runFor(FRAME_BUDGET_MS);
      const now = this.cluster.now();
      for (const l of this.timeListeners) l(now);
    };
    this.frame = requestAnimationFrame(tick);
  }

  stop(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.lastFrameAt = undefined;
  }

  /** Let owed virtual time pass, within `budgetMs` of real time. */
  private runFor(budgetMs: number): void {
    const deadline = performance.now() + budgetMs;
    while (this.owedMs >= 1 && performance.now() < deadline) {
      const before = this.cluster.now();
      const r = this.cluster.advance(Math.floor(this.owedMs), SLICE_UNITS);
      this.owedMs -= this.cluster.now() - before;
      if (r.settled) {
        this.owedMs = this.owedMs % 1;
        break;
      }
    }
  }

  /** Run one line (or a multi-line input) at the terminal's prompt. */
  run(input: string): CommandOutput {
    return this.cluster.shell.run(input);
  }

  prompt(): string {
    return this.cluster.shell.prompt();
  }

  needsMoreInput(input: string): boolean {
    return this.cluster.shell.needsMoreInput(input);
  }

  /** Throw the cluster away and start again from the default (the workspace too). */
  reset(files?: Record<string, string>): void {
    this.unsubscribe();
    if (files) this.options.files = files;
    else delete this.options.files;
    this.cluster = this.create();
    this.unsubscribe = this.cluster.subscribe((c) => this.emit(c));
    this.owedMs = 0;
    this.emit(undefined);
  }

  /** Hear about changes: a ChangeSet, or undefined when the whole cluster was replaced. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hear the virtual time after every frame. */
  onTime(listener: (now: number) => void): () => void {
    this.timeListeners.add(listener);
    return () => this.timeListeners.delete(listener);
  }

  private emit(changes: ChangeSet | undefined): void {
    for (const l of this.listeners) l(changes);
  }
}
