/**
 * AGE and every other "how long ago" kubectl prints.
 *
 * Models apimachinery pkg/util/duration/duration.go HumanDuration, and pkg/printers/internalversion
 * printers.go translateTimestampSince (`<unknown>` for a zero timestamp). The thresholds keep two
 * units only while the larger one is small: 90 seconds is `90s`, 179 minutes `179m`, 47 hours `47h`.
 */
import { parseTimestamp } from '../../sim/clock';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(x) conversion of a float: truncation toward zero. */
const trunc = (x: number): number => Math.trunc(x);

/** A duration in milliseconds as kubectl prints it: `16s`, `2m5s`, `11m`, `3h5m`, `2d5h`, `400d`. */
export function humanDuration(ms: number): string {
  // Up to two seconds in the future counts as now, tolerating clock skew between machines.
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    const y = trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/**
 * The age of an RFC 3339 timestamp at `nowMs` (translateTimestampSince): `<unknown>` when the
 * timestamp is missing or unreadable, as a zero metav1.Time prints.
 */
export function ageOf(timestamp: string | undefined | null, nowMs: number): string {
  if (!timestamp) return '<unknown>';
  const t = parseTimestamp(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(nowMs - t);
}
