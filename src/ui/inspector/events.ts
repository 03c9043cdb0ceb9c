/**
 * An object's events, as `kubectl describe` lists them at its end (Type, Reason, Age, From,
 * Message), built from the snapshot's Event objects.
 *
 * Follows the engine's describe (src/engine/kubectl/describe/events.ts, which models kubectl's
 * searchEvents / DescribeEvents): events match on the involved object's name, namespace, kind and
 * uid; a pod's search leaves the kind out and uses a mirror pod's static-pod uid; a node's
 * events are found by its uid and by its name used as a uid (the kubelet records them that way). Rows are sorted by when each event was last
 * seen, oldest first (a stable sort), and a repeated event's age reads `2m (x3 over 5m)`.
 */
import type { Event } from 'kubernetes-types/core/v1';
import type { KObject } from '../../engine';
import { humanDuration, parseTimestamp } from '../../engine';
import type { Tone } from './model';

export interface EventRow {
  key: string;
  type: string;
  reason: string;
  /** `16s`, or `2m (x3 over 5m)` for a repeated event. */
  age: string;
  from: string;
  message: string;
  count: number;
  tone: Tone;
}

export interface EventsView {
  rows: EventRow[];
  /** Older events left out to keep the list short. */
  omitted: number;
}

type StoredEvent = Event & KObject;

/** searchEvents for one object, over the snapshot's Event map (`objects.get('Event')`). */
export function findEvents(
  events: ReadonlyMap<string, KObject> | undefined,
  obj: KObject,
): StoredEvent[] {
  if (!events) return [];
  const name = obj.metadata.name ?? '';
  const namespace = obj.metadata.namespace ?? '';
  const isPod = obj.kind === 'Pod';
  const isNode = obj.kind === 'Node';
  // A mirror pod's events are about the static pod, whose uid is in this annotation.
  const mirror = isPod ? obj.metadata.annotations?.['kubernetes.io/config.mirror'] : undefined;
  const uid = mirror ?? obj.metadata.uid ?? '';
  const altUid = isNode ? name : undefined;
  const out: StoredEvent[] = [];
  for (const o of events.values()) {
    const io = (o as StoredEvent).involvedObject;
    if (!io || io.name !== name) continue;
    if (io.uid !== uid && (altUid === undefined || io.uid !== altUid)) continue;
    if ((io.namespace ?? '') !== namespace) continue;
    if (!isPod && io.kind !== obj.kind) continue;
    out.push(o as StoredEvent);
  }
  return out;
}

/** SortableEvents' key: the series' last observation, else lastTimestamp, else eventTime. */
function lastSeen(e: Event): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime;
  return t ? parseTimestamp(t) : 0;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const t = parseTimestamp(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** DescribeEvents' AGE column: the last age, and for a repeat its count and first age. */
export function eventAge(e: Event, now: number): string {
  const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
  if (e.series)
    return `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
  return first;
}

/** The rows, oldest first; at most `limit`, keeping the newest. */
export function buildEvents(events: readonly Event[], now: number, limit = 100): EventsView {
  const sorted = events
    .map((e, i) => ({ e, i, t: lastSeen(e) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
  const omitted = Math.max(0, sorted.length - limit);
  const rows = sorted.slice(omitted).map((e, i): EventRow => ({
    key: (e.metadata?.name ?? '') || String(i),
    type: e.type ?? '',
    reason: e.reason ?? '',
    age: eventAge(e, now),
    from: e.source?.component || e.reportingComponent || '',
    message: (e.message ?? '').trim(),
    count: e.series?.count ?? e.count ?? 1,
    tone: e.type === 'Warning' ? 'warn' : 'muted',
  }));
  return { rows, omitted };
}
