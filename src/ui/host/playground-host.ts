/**
 * The playground's engine host: one simulated cluster on the main thread, driven by the page.
 *
 * Virtual time runs at `speed` × real time (1 s per second by default) from requestAnimationFrame.
 * Each frame lets the frame's share of virtual time pass, in slices of at most SLICE_UNITS units of
 * engine work, and stops after FRAME_BUDGET_MS of real time (asked after every unit): a burst (a
 * 1,000-pod apply) spreads over several frames instead of freezing the page, and virtual time
 * simply lags behind until it has caught up. A command's own reaction time (Shell.run) gets the
 * same budget. Why the main thread and not a Web Worker: the engine's API is synchronous — the
 * shell, `window.playground`, the editor's Apply — and with the budget a frame's engine work is
 * bounded by its longest unit; `npm run bench:ui` measures the frame times (README, "The page").
 *
 * The session persists (session-log.ts): every command and every workspace edit made outside the
 * shell is logged with its virtual time and saved to localStorage; a reload replays the log against
 * a fresh cluster with the same seed, which rebuilds the same cluster. `reset()` starts over.
 *
 * Listeners hear about every change once per frame (or after a command), as the engine's change
 * sets since the last time (a frame runs the engine in several slices, each with its own set):
 * the zustand bridge (state/cluster-store.ts) turns them into one store update.
 */
import { createCluster } from '../../engine';
import type { ChangeSet, Cluster, ClusterRequest, CommandResult, Shell, Trace } from '../../engine';
import { LESSON_FILES } from './lesson-files';
import type { LogEntry, SavedSession } from './session-log';
import { appendEntry, parseSession, SESSION_KEY } from './session-log';

export interface HostOptions {
  seed?: number;
  /** The workspace a new session starts with (default: the classic lesson's manifests). */
  files?: Record<string, string>;
  /** Where the session is saved (default: none). The page passes localStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

/** Most engine units per slice (the budget is checked after every unit, too). */
const SLICE_UNITS = 200;
/** Real milliseconds a frame may spend running the engine. */
const FRAME_BUDGET_MS = 6;
/** A tab in the background (or a long pause) does not make the cluster jump by more than this. */
const MAX_FRAME_VIRTUAL_MS = 1_000;
/** Real time a `sleep N` typed at the terminal takes to play, whatever N (engine permitting). */
const FAST_FORWARD_MS = 1_500;
/** The longest a Settle may run, in virtual time. */
const SETTLE_LIMIT_MS = 10 * 60_000;
/** How often (real ms) the session's virtual time is saved while nothing else happens. */
const SAVE_EVERY_MS = 5_000;

/** The change sets since the last call, in order; undefined when the cluster was replaced. */
type Listener = (changes: readonly ChangeSet[] | undefined) => void;

export class PlaygroundHost {
  cluster!: Cluster;
  /** Virtual seconds per real second. */
  speed = 1;
  paused = false;

  setSpeed(speed: number): void {
    this.speed = speed;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** The header's "Step 1 s": let this much virtual time pass (paused or not) in the next frames. */
  stepTime(ms: number): void {
    this.owedMs += ms;
  }

  /**
   * The header's "Settle": let virtual time run as fast as the frames allow until the cluster has
   * nothing left to do (no ready work, no foreground timer), at most 10 virtual minutes.
   */
  settleSoon(): void {
    this.settleUntil = this.cluster.now() + SETTLE_LIMIT_MS;
  }

  /** True while a Settle runs. */
  get settling(): boolean {
    return this.settleUntil !== undefined;
  }
  private settleUntil: number | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly timeListeners = new Set<(now: number) => void>();
  private readonly commandListeners = new Set<(input: string) => void>();
  private readonly beforeCommandListeners = new Set<(input: string) => void>();
  private unsubscribe: () => void = () => undefined;
  private frame: number | undefined;
  private lastFrameAt: number | undefined;
  private lastSavedAt = 0;
  /** Virtual time still owed to the cluster (it lags during bursts). */
  private owedMs = 0;
  private seed: number;
  private baseFiles: Record<string, string>;
  private log: LogEntry[] = [];
  /** Set while the shell runs: its own file writes are replayed by replaying the command. */
  private inShell = false;
  private replaying = false;
  /** Change sets held back while a frame runs the engine, emitted together at its end. */
  private held: ChangeSet[] | undefined;
  /** The log entry of the last deferred `sleep`, and when its time began to pass. */
  private sleepEntry: { entry: LogEntry & { op: 'run' }; from: number } | undefined;
  /** A `sleep` being played: until when, how fast (virtual ms per real ms), who waits. */
  private forward: { until: number; rate: number; done: () => void } | undefined;

  constructor(private readonly options: HostOptions = {}) {
    this.seed = options.seed ?? 1;
    this.baseFiles = { ...(options.files ?? LESSON_FILES) };
    const saved = parseSession(options.storage?.getItem(SESSION_KEY) ?? null);
    if (saved) this.restore(saved);
    else this.begin();
  }

  /** A fresh cluster with the base workspace, wired to the listeners and the log. */
  private begin(): void {
    this.unsubscribe();
    this.cluster = createCluster({ seed: this.seed, files: { ...this.baseFiles } });
    this.log = [];
    const offChanges = this.cluster.subscribe((c) => {
      if (this.held) this.held.push(c);
      else this.emit([c]);
    });
    const offFiles = this.cluster.workspace.subscribe((name) => this.recordFile(name));
    this.unsubscribe = () => {
      offChanges();
      offFiles();
    };
  }

  /** Rebuild a saved session by replaying its log at the virtual times it happened. */
  private restore(saved: SavedSession): void {
    this.seed = saved.seed;
    this.baseFiles = { ...saved.files };
    this.begin();
    this.replaying = true;
    try {
      for (const e of saved.log) {
        this.advanceTo(e.at);
        this.applyEntry(e);
        this.log.push(e);
      }
      this.advanceTo(saved.now);
    } finally {
      this.replaying = false;
    }
  }

  private advanceTo(at: number): void {
    const d = at - this.cluster.now();
    if (d > 0) this.cluster.advance(d);
  }

  private applyEntry(e: LogEntry): void {
    const ws = this.cluster.workspace;
    if (e.op === 'run') this.cluster.shell.run(e.input);
    else if (e.op === 'run-on-master') this.cluster.shell.runOnMaster(e.input);
    else if (e.op === 'request') this.cluster.request(e.request);
    else if (e.op === 'load') for (let i = 0; i < e.count; i++) this.cluster.request(e.request);
    else if (e.op === 'write') ws.write(e.name, e.text);
    else if (e.op === 'remove') ws.remove(e.name);
    else ws.rename(e.from, e.to);
  }

  private recordFile(name: string): void {
    if (this.inShell || this.replaying) return;
    const text = this.cluster.workspace.read(name);
    const at = this.cluster.now();
    appendEntry(
      this.log,
      text === undefined ? { at, op: 'remove', name } : { at, op: 'write', name, text },
    );
    this.save();
  }

  /** Save the session now. */
  save(): void {
    const storage = this.options.storage;
    if (!storage) return;
    const session: SavedSession = {
      version: 1,
      seed: this.seed,
      files: this.baseFiles,
      log: this.log,
      now: this.cluster.now(),
    };
    try {
      storage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch {
      // Storage full or unavailable: the session simply does not survive a reload.
    }
  }

  /** Start driving virtual time from animation frames. */
  start(): void {
    if (this.frame !== undefined) return;
    const tick = (t: number): void => {
      this.frame = requestAnimationFrame(tick);
      const dt = this.lastFrameAt === undefined ? 0 : t - this.lastFrameAt;
      this.lastFrameAt = t;
      const ff = this.forward;
      if (ff) {
        // Fast-forward (paused or not): never past the sleep's end.
        const left = ff.until - this.cluster.now();
        this.owedMs = Math.min(this.owedMs + dt * Math.max(ff.rate, this.speed), left);
      } else if (!this.paused) {
        this.owedMs = Math.min(this.owedMs + dt * this.speed, MAX_FRAME_VIRTUAL_MS);
      }
      if (this.settleUntil !== undefined) this.settleFor(FRAME_BUDGET_MS);
      else this.runFor(FRAME_BUDGET_MS);
      if (ff && this.cluster.now() >= ff.until) this.finishFastForward();
      const now = this.cluster.now();
      for (const l of this.timeListeners) l(now);
      if (t - this.lastSavedAt > SAVE_EVERY_MS) {
        this.lastSavedAt = t;
        this.save();
      }
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
    this.held = [];
    try {
      while (this.owedMs >= 1 && performance.now() < deadline) {
        const before = this.cluster.now();
        const r = this.cluster.advance(Math.floor(this.owedMs), SLICE_UNITS, () => {
          return performance.now() >= deadline;
        });
        this.owedMs -= this.cluster.now() - before;
        if (r.settled) {
          this.owedMs = this.owedMs % 1;
          break;
        }
      }
    } finally {
      const held = this.held;
      this.held = undefined;
      if (held.length > 0) this.emit(held);
    }
  }

  /** One frame of a Settle: the loop's own settle, in slices, within `budgetMs` of real time. */
  private settleFor(budgetMs: number): void {
    const until = this.settleUntil;
    if (until === undefined) return;
    const deadline = performance.now() + budgetMs;
    this.held = [];
    try {
      while (performance.now() < deadline) {
        const left = until - this.cluster.now();
        const r = this.cluster.settle({ maxVirtualMs: Math.max(0, left), maxSteps: SLICE_UNITS });
        if (r.settled || r.reason === 'time-cap' || left <= 0) {
          this.settleUntil = undefined;
          this.owedMs = 0;
          break;
        }
      }
    } finally {
      const held = this.held;
      this.held = undefined;
      if (held.length > 0) this.emit(held);
    }
  }

  /**
   * Run one input (a line, or several lines of a heredoc) at the terminal's prompt. A lone
   * `sleep N` comes back with `sleepMs`: pass it to fastForward, which plays the time.
   */
  run(input: string): CommandResult {
    const entry: LogEntry = { at: this.cluster.now(), op: 'run', input };
    const r = this.logged(entry, (shell) => {
      shell.deferSleep = true;
      try {
        return shell.run(input);
      } finally {
        shell.deferSleep = false;
      }
    });
    if (r.sleepMs) this.sleepEntry = { entry, from: this.cluster.now() };
    return r;
  }

  /**
   * Let `ms` of virtual time pass as a visible fast-forward, in about FAST_FORWARD_MS of real
   * time (longer if the engine cannot keep up): the page's `sleep N`. Resolves when the time
   * has passed, or at once when the frames are not running (then the time passes at once).
   * (A reload replays the `sleep` command, which lets the whole time pass.)
   */
  fastForward(ms: number): Promise<void> {
    this.finishFastForward();
    const until = this.cluster.now() + ms;
    if (this.frame === undefined) {
      this.cluster.advance(ms);
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.forward = { until, rate: ms / FAST_FORWARD_MS, done };
    });
  }

  /**
   * Stop a fast-forward where it is (Ctrl+C during `sleep`). The logged `sleep` becomes the time
   * that did pass, so that a reload replays the session as it happened.
   */
  interruptFastForward(): void {
    const s = this.sleepEntry;
    if (this.forward && s) {
      const passed = (this.cluster.now() - s.from) / 1000;
      s.entry.input = `sleep ${Number(passed.toFixed(3))}`;
      this.save();
    }
    this.sleepEntry = undefined;
    this.finishFastForward();
  }

  private finishFastForward(): void {
    const ff = this.forward;
    if (!ff) return;
    this.forward = undefined;
    this.owedMs = 0;
    ff.done();
  }

  /**
   * Run one input on the master in the workspace directory, whatever the terminal is in (a
   * container, another node): what the editor's Apply does (Shell.runOnMaster).
   */
  runOnMaster(input: string): CommandResult {
    return this.logged({ at: this.cluster.now(), op: 'run-on-master', input }, (shell) =>
      shell.runOnMaster(input),
    );
  }

  /**
   * Send a request from the page (not from the terminal) and log it, so that a reload sends it
   * again at the same virtual instant and the cluster's random draws stay the same.
   */
  request(r: ClusterRequest): Trace {
    appendEntry(this.log, { at: this.cluster.now(), op: 'request', request: r });
    const trace = this.cluster.request(r);
    this.save();
    return trace;
  }

  /**
   * Send the same request `count` times in a row (a batch of the Trace panel's Load), logged as
   * one entry: a 1,000-request load is twenty entries, not a thousand.
   */
  requestMany(r: ClusterRequest, count: number): Trace[] {
    appendEntry(this.log, { at: this.cluster.now(), op: 'load', request: r, count });
    const traces: Trace[] = [];
    for (let i = 0; i < count; i++) traces.push(this.cluster.request(r));
    this.save();
    return traces;
  }

  private logged(entry: LogEntry, run: (shell: Shell) => CommandResult): CommandResult {
    appendEntry(this.log, entry);
    for (const l of this.beforeCommandListeners) l('input' in entry ? entry.input : '');
    this.inShell = true;
    // The controllers' reaction around a command runs within a frame's budget; the rest runs in
    // the frames after. (A reload's replay runs it up to the shell's cap, as scripted runs do.)
    const shell = this.cluster.shell;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    shell.yieldNow = () => performance.now() >= deadline;
    try {
      return run(shell);
    } finally {
      shell.yieldNow = undefined;
      this.inShell = false;
      this.save();
      const input = 'input' in entry ? entry.input : '';
      for (const l of this.commandListeners) l(input);
    }
  }

  prompt(): string {
    return this.cluster.shell.prompt();
  }

  needsMoreInput(input: string): boolean {
    return this.cluster.shell.needsMoreInput(input);
  }

  /** Throw the session away and start again from the default workspace and a fresh cluster. */
  reset(): void {
    this.options.storage?.removeItem(SESSION_KEY);
    this.seed = this.options.seed ?? 1;
    this.baseFiles = { ...(this.options.files ?? LESSON_FILES) };
    this.finishFastForward();
    this.begin();
    this.owedMs = 0;
    this.emit(undefined);
  }

  /** Hear about changes: a ChangeSet, or undefined when the whole cluster was replaced. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hear that a command has run (at the terminal, or the editor's Apply): the trace panel looks
   * for the requests it sent (`lastTraces(cluster)`).
   */
  onCommand(listener: (input: string) => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }

  /**
   * Hear that a command is about to run (terminal or the editor's Apply), before it touches the
   * cluster: the control-plane story starts listening to the inspection stream here.
   */
  onBeforeCommand(listener: (input: string) => void): () => void {
    this.beforeCommandListeners.add(listener);
    return () => this.beforeCommandListeners.delete(listener);
  }

  /** Hear the virtual time after every frame. */
  onTime(listener: (now: number) => void): () => void {
    this.timeListeners.add(listener);
    return () => this.timeListeners.delete(listener);
  }

  private emit(changes: readonly ChangeSet[] | undefined): void {
    for (const l of this.listeners) l(changes);
  }
}
