/**
 * The virtual clock. Time in the engine is a number of milliseconds since EPOCH_MS and only moves
 * when the event loop moves it; there is no wall clock. Timers fire in (due time, sequence) order,
 * so two timers due at the same millisecond fire in the order they were scheduled.
 *
 * A timer may be marked `background`: periodic housekeeping (steady-state probe ticks, resyncs)
 * that runs as time passes but does not keep `settle()` going.
 */

/** 2024-06-03T08:00:00Z: the moment the simulated cluster's clock starts (a Monday morning). */
export const EPOCH_MS = utcMs(2024, 6, 3, 8, 0, 0);

export interface TimerHandle {
  readonly id: number;
}

interface Timer extends TimerHandle {
  due: number;
  seq: number;
  owner: string;
  fn: () => void;
  background: boolean;
  cancelled: boolean;
}

export interface ScheduleOptions {
  /** Periodic housekeeping that should not keep settle() busy. */
  background?: boolean;
}

export class VirtualClock {
  private nowMs: number;
  private seq = 0;
  private heap: Timer[] = [];
  private live = 0; // non-cancelled, non-background timers pending

  constructor(startMs = EPOCH_MS) {
    this.nowMs = startMs;
  }

  /** Milliseconds since the Unix epoch, virtual. */
  now(): number {
    return this.nowMs;
  }

  /** Schedule fn to run delayMs from now (0 = as soon as the loop looks at timers). */
  schedule(
    delayMs: number,
    owner: string,
    fn: () => void,
    opts: ScheduleOptions = {},
  ): TimerHandle {
    const t: Timer = {
      id: ++this.seq,
      seq: this.seq,
      due: this.nowMs + Math.max(0, Math.floor(delayMs)),
      owner,
      fn,
      background: opts.background ?? false,
      cancelled: false,
    };
    if (!t.background) this.live++;
    this.push(t);
    return t;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = handle as Timer;
    if (t.cancelled) return;
    t.cancelled = true;
    if (!t.background) this.live--;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /** True while any non-background timer is pending. */
  hasForegroundTimers(): boolean {
    return this.live > 0;
  }

  pendingCount(): number {
    this.dropCancelled();
    return this.heap.filter((t) => !t.cancelled).length;
  }

  /**
   * Remove the earliest timer if it is due at or before `limit`, move the clock to its due time
   * (never backwards) and return it so the loop can run it.
   */
  popDue(limit: number): { owner: string; fn: () => void; background: boolean } | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top || top.due > limit) return undefined;
    this.pop();
    if (!top.background) this.live--;
    top.cancelled = true; // a fired timer can no longer be cancelled
    if (top.due > this.nowMs) this.nowMs = top.due;
    return top;
  }

  /** Move the clock forward to `ms` (never backwards). Timers are the loop's business. */
  moveTo(ms: number): void {
    if (ms > this.nowMs) this.nowMs = ms;
  }

  // --- binary heap on (due, seq) ---
  // The timers, with their due times and sequence numbers kept beside them in plain number
  // arrays: sifting compares only those, which sit together in memory, instead of reading two
  // timer objects scattered over the heap for every comparison.
  private dues: number[] = [];
  private seqs: number[] = [];
  private less(i: number, j: number): boolean {
    const a = this.dues[i]!;
    const b = this.dues[j]!;
    return a < b || (a === b && this.seqs[i]! < this.seqs[j]!);
  }
  private swap(i: number, j: number): void {
    const h = this.heap;
    const d = this.dues;
    const q = this.seqs;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
    const dd = d[i]!;
    d[i] = d[j]!;
    d[j] = dd;
    const qq = q[i]!;
    q[i] = q[j]!;
    q[j] = qq;
  }
  private push(t: Timer): void {
    this.heap.push(t);
    this.dues.push(t.due);
    this.seqs.push(t.seq);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    const lastDue = this.dues.pop()!;
    const lastSeq = this.seqs.pop()!;
    const n = h.length;
    if (n > 0 && last) {
      h[0] = last;
      this.dues[0] = lastDue;
      this.seqs[0] = lastSeq;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && this.less(l, m)) m = l;
        if (r < n && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).cancelled) this.pop();
  }
}

// ---- calendar arithmetic without Date (the engine may not use the wall-clock API) ----

/** Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

/** Milliseconds since the Unix epoch for a UTC date (month 1-12). */
export function utcMs(y: number, month: number, d: number, hh = 0, mm = 0, ss = 0): number {
  return ((daysFromCivil(y, month, d) * 24 + hh) * 60 + mm) * 60_000 + ss * 1000;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Recently formatted seconds, direct-mapped by second: a busy cluster stamps thousands of
 * objects and conditions with the same few seconds (the current one, pods' start times).
 */
const STAMP_SLOTS = 64;
const stampSecs = new Float64Array(STAMP_SLOTS).fill(NaN);
const stampTexts: string[] = new Array<string>(STAMP_SLOTS).fill('');

/** RFC 3339 in UTC with second precision, as metadata.creationTimestamp is written: `2024-06-03T08:00:00Z`. */
export function formatTimestamp(ms: number): string {
  const secs = Math.floor(ms / 1000);
  if (!Number.isFinite(secs)) return formatSeconds(secs);
  const slot = ((secs % STAMP_SLOTS) + STAMP_SLOTS) % STAMP_SLOTS;
  if (stampSecs[slot] === secs) return stampTexts[slot]!;
  const text = formatSeconds(secs);
  stampSecs[slot] = secs;
  stampTexts[slot] = text;
  return text;
}

function formatSeconds(secs: number): string {
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  const [y, m, d] = civilFromDays(days);
  return `${y}-${pad(m)}-${pad(d)}T${pad(Math.floor(rem / 3600))}:${pad(Math.floor((rem % 3600) / 60))}:${pad(rem % 60)}Z`;
}

/** RFC 3339 with microseconds (`2024-06-03T08:00:00.000000Z`), as Events' eventTime / managedFields use. */
export function formatMicroTimestamp(ms: number): string {
  const base = formatTimestamp(ms);
  const frac = pad(Math.floor(ms % 1000) * 1000, 6);
  return `${base.slice(0, -1)}.${frac}Z`;
}

/**
 * Recently parsed timestamps. Controllers parse the same few condition and creation times over
 * and over (a Deployment's Progressing condition on every sync), and the text usually is the
 * very string formatTimestamp handed out, so the lookup is cheap. Forgotten wholesale when full.
 */
const PARSED_LIMIT = 4096;
const parsed = new Map<string, number>();

/** Parse the RFC 3339 forms we write (and fractional seconds); NaN when it is not one. */
export function parseTimestamp(s: string): number {
  let ms = parsed.get(s);
  if (ms === undefined) {
    ms = parseTimestampText(s);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(s, ms);
  }
  return ms;
}

function parseTimestampText(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/.exec(s);
  if (!m) return NaN;
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return utcMs(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Math.floor(frac);
}
