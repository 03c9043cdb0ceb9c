/**
 * Load: send the same request N times and count who answered — one bar per answering pod, one
 * for the failures (by kind: refused, timeout…). What makes iptables' random pick, userspace's and
 * ipvs' round-robin and session affinity plain to see.
 *
 * The requests go out in batches, one batch per animation frame (`runLoad` takes the scheduler),
 * so that 1,000 requests do not freeze the page. Given a clock, a batch is sized to a frame's
 * budget from what the previous one cost (a request with a DNS lookup costs ~1 ms in the page).
 * The tally is pure and immutable per batch.
 */
import type { Trace } from '../../engine';

/** The counts the form offers. */
export const LOAD_COUNTS = [10, 100, 1000] as const;

/** Requests sent per animation frame, at most. */
export const BATCH_PER_FRAME = 50;
/** The first batch when batches are timed (to learn what a request costs). */
export const FIRST_TIMED_BATCH = 5;
/** The script time a frame's batch may take (of ~16.7 ms: the page draws too). */
export const FRAME_BUDGET_MS = 8;

export type FailureKind = Extract<Trace['outcome'], { ok: false }>['error'];

export interface LoadTally {
  /** Requests asked for. */
  total: number;
  /** Requests sent so far. */
  sent: number;
  /** Answers per endpoint: `namespace/name` of the pod, or `ip:port` of a node that answered. */
  answered: Readonly<Record<string, number>>;
  /** Failures per kind (the engine's TraceError: `refused`, `timeout`, …). */
  failed: Readonly<Record<string, number>>;
}

export function emptyTally(total: number): LoadTally {
  return { total, sent: 0, answered: {}, failed: {} };
}

/** Who answered a trace: the pod (`ns/name`), else the server's `ip:port`; undefined if it failed. */
export function answeredBy(trace: Trace): string | undefined {
  if (!trace.outcome.ok) return undefined;
  const s = trace.server;
  if (!s) return 'unknown';
  return s.pod ?? `${s.ip}:${s.port}`;
}

/** The tally with a batch of traces added (a new object: the old one is left as it was). */
export function tallyTraces(tally: LoadTally, traces: readonly Trace[]): LoadTally {
  const answered = { ...tally.answered };
  const failed = { ...tally.failed };
  for (const t of traces) {
    if (t.outcome.ok) {
      const who = answeredBy(t) ?? 'unknown';
      answered[who] = (answered[who] ?? 0) + 1;
    } else {
      failed[t.outcome.error] = (failed[t.outcome.error] ?? 0) + 1;
    }
  }
  return { total: tally.total, sent: tally.sent + traces.length, answered, failed };
}

export const failedCount = (tally: LoadTally): number =>
  Object.values(tally.failed).reduce((a, b) => a + b, 0);

export interface LoadBar {
  key: string;
  /** The pod's name (its namespace left out when `default`), or `failed`. */
  label: string;
  count: number;
  /** Of the requests sent so far, 0–1. */
  share: number;
  failed: boolean;
  /** The failed bar's kinds: `refused 31 · timeout 2`. */
  detail?: string;
}

const shortName = (who: string): string =>
  who.startsWith('default/') ? who.slice('default/'.length) : who;

/** One bar per endpoint (by name, so bars keep their place as they fill), then the failures. */
export function loadBars(tally: LoadTally): LoadBar[] {
  const of = (n: number) => (tally.sent === 0 ? 0 : n / tally.sent);
  const bars: LoadBar[] = Object.entries(tally.answered)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([who, count]) => ({
      key: `pod:${who}`,
      label: shortName(who),
      count,
      share: of(count),
      failed: false,
    }));
  const failures = Object.entries(tally.failed).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  const failed = failedCount(tally);
  const bar: LoadBar = {
    key: 'failed',
    label: 'failed',
    count: failed,
    share: of(failed),
    failed: true,
  };
  if (failures.length > 0) bar.detail = failures.map(([kind, n]) => `${kind} ${n}`).join(' · ');
  bars.push(bar);
  return bars;
}

/** How many requests each frame sends: `[50, 50, 10]` for 110. */
export function batchSizes(count: number, perBatch = BATCH_PER_FRAME): number[] {
  const out: number[] = [];
  for (let left = Math.max(0, Math.floor(count)); left > 0; left -= perBatch)
    out.push(Math.min(perBatch, left));
  return out;
}

/**
 * The next batch when batches are timed: as many requests as fit the budget at the cost
 * measured so far (at least 1, at most `perBatch` and what is left).
 */
export function timedBatchSize(
  msPerRequest: number | undefined,
  left: number,
  perBatch = BATCH_PER_FRAME,
  budgetMs = FRAME_BUDGET_MS,
): number {
  const fit =
    msPerRequest === undefined
      ? FIRST_TIMED_BATCH
      : msPerRequest <= 0
        ? perBatch
        : Math.floor(budgetMs / msPerRequest);
  return Math.max(1, Math.min(fit, perBatch, left));
}

export interface LoadRun {
  count: number;
  /** Send `n` requests now; their traces, in order. */
  sendBatch(n: number): readonly Trace[];
  /** The tally after each batch; `last` is the batch's last trace. */
  onProgress(tally: LoadTally, last: Trace | undefined): void;
  onDone(tally: LoadTally, last: Trace | undefined): void;
  /** Run `fn` on the next frame (requestAnimationFrame); returns the cancel function. */
  schedule(fn: () => void): () => void;
  perBatch?: number;
  /** A clock (performance.now): batches are then sized to FRAME_BUDGET_MS (timedBatchSize). */
  now?: () => number;
}

/**
 * Send `count` requests, one batch per scheduled frame (the first batch on the first frame).
 * Returns the stop function: the batches not sent yet are dropped, and onDone reports the tally
 * (unless `silent`: the cluster the load ran against is gone).
 */
export function runLoad(run: LoadRun): (silent?: boolean) => void {
  const batches = batchSizes(run.count, run.perBatch);
  const timed = run.now;
  let msPerRequest: number | undefined;
  let tally = emptyTally(run.count);
  let last: Trace | undefined;
  let next = 0;
  let finished = false;
  let cancel: () => void = () => undefined;
  const finish = (silent = false) => {
    if (finished) return;
    finished = true;
    cancel();
    if (!silent) run.onDone(tally, last);
  };
  const step = () => {
    const left = run.count - tally.sent;
    const n = timed ? timedBatchSize(msPerRequest, left, run.perBatch) : batches[next++];
    if (n === undefined || n <= 0 || left <= 0) return finish();
    const t0 = timed?.() ?? 0;
    const traces = run.sendBatch(n);
    if (traces.length === 0) return finish();
    if (timed) msPerRequest = (timed() - t0) / traces.length;
    tally = tallyTraces(tally, traces);
    last = traces.at(-1) ?? last;
    run.onProgress(tally, last);
    if (tally.sent >= run.count || (!timed && next >= batches.length)) finish();
    else cancel = run.schedule(step);
  };
  cancel = run.schedule(step);
  return (silent) => finish(silent === true);
}
