/**
 * Per-item exponential back-off, as the kubelet uses it for image pulls and container restarts.
 *
 * Models k8s.io/client-go/util/flowcontrol/backoff.go (Backoff.Next, IsInBackOffSince,
 * IsInBackOffSinceUpdate, hasExpired): each id starts at `initial` (10 s in the kubelet), doubles
 * on every Next up to `max` (300 s, MaxContainerBackOff), and starts over when the item has been
 * quiet for more than 2 × max (so a container that ran for ten minutes is forgiven). Times are
 * virtual milliseconds.
 */
export class Backoff {
  /** Made on the first failure: most pods never back off, and every pod has two of these. */
  private entries: Map<string, { backoffMs: number; lastUpdate: number }> | undefined;

  constructor(
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  /** The current back-off of an id, or 0 when it has none. */
  get(id: string): number {
    return this.entries?.get(id)?.backoffMs ?? 0;
  }

  /** Record a failure at eventTime: start at initial, else double (capped). */
  next(id: string, eventTime: number): void {
    const e = this.entries?.get(id);
    if (!e || this.hasExpired(eventTime, e.lastUpdate)) {
      (this.entries ??= new Map()).set(id, { backoffMs: this.initialMs, lastUpdate: eventTime });
    } else {
      e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
      e.lastUpdate = eventTime;
    }
  }

  /** Still backing off for an event (a container exit) that happened at eventTime? */
  isInBackOffSince(id: string, eventTime: number, now: number): boolean {
    const e = this.entries?.get(id);
    if (!e || this.hasExpired(eventTime, e.lastUpdate)) return false;
    return now - eventTime < e.backoffMs;
  }

  /** Still backing off since the last Next? */
  isInBackOffSinceUpdate(id: string, now: number): boolean {
    const e = this.entries?.get(id);
    if (!e || this.hasExpired(now, e.lastUpdate)) return false;
    return now - e.lastUpdate < e.backoffMs;
  }

  reset(id: string): void {
    this.entries?.delete(id);
  }

  private hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }
}

/**
 * Go's time.Duration.String for whole milliseconds: `812ms`, `2.345s`, `10s`, `1m20s`, `5m0s`,
 * `1h0m0s` — the form kubelet messages print (`back-off 5m0s restarting failed container`).
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = rest % 1000;
  let secs = `${s}s`;
  if (frac) {
    // Milliseconds as a decimal fraction without trailing zeros: 308 → .308, 50 → .05, 300 → .3.
    let digits = frac;
    let width = 3;
    while (digits % 10 === 0) {
      digits /= 10;
      width--;
    }
    secs = `${s}.${String(digits).padStart(width, '0')}s`;
  }
  let out = secs;
  if (h > 0) out = `${h}h${m}m${secs}`;
  else if (m > 0) out = `${m}m${secs}`;
  return (neg ? '-' : '') + out;
}
