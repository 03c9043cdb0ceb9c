/**
 * The `Events:` table at the end of a description, and the lookup of an object's events.
 *
 * Models kubectl pkg/describe/describe.go searchEvents / DescribeEvents and
 * pkg/util/event/sorted_event_list.go. searchEvents asks the API server for the events whose
 * involvedObject has the object's name, namespace, kind and uid (a field selector); the pod
 * describer leaves the kind out, and uses the mirror-pod annotation as the uid of a static pod;
 * the node describer asks twice, by the node's uid and by its name used as a uid (the kubelet
 * records node events that way).
 *
 * The API server lists events in name order, and real event names end in the creation time in
 * nanoseconds, so that is creation order; the store keeps creation order too. The table is then
 * sorted by the last time each event was seen (a stable sort, as Go's for short lists).
 */
import type { Event } from 'kubernetes-types/core/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { parseTimestamp } from '../../sim/clock';
import { humanDuration } from '../printers/duration';
import type { PrefixWriter } from './prefix-writer';
import { LEVEL_0, LEVEL_1 } from './prefix-writer';

export type StoredEvent = Event & KObject;

/** What searchEvents matches on: involvedObject name, namespace, kind (unless omitted), uid. */
export interface EventQuery {
  name: string;
  namespace: string;
  kind?: string;
  uids: readonly string[];
}

/**
 * The events of a describe run, grouped by involvedObject uid once: describing 10,000 pods must
 * not scan every event 10,000 times.
 */
export class EventIndex {
  private byUid: Map<string, StoredEvent[]> | undefined;

  constructor(private readonly store: ApiStore) {}

  search(q: EventQuery): StoredEvent[] {
    if (!this.byUid) {
      this.byUid = new Map();
      for (const e of this.store.list<StoredEvent>('Event')) {
        const uid = e.involvedObject?.uid ?? '';
        let list = this.byUid.get(uid);
        if (!list) this.byUid.set(uid, (list = []));
        list.push(e);
      }
    }
    const out: StoredEvent[] = [];
    for (const uid of q.uids) {
      for (const e of this.byUid.get(uid) ?? []) {
        const io = e.involvedObject;
        if (io.name !== q.name || (io.namespace ?? '') !== q.namespace) continue;
        if (q.kind !== undefined && io.kind !== q.kind) continue;
        out.push(e);
      }
    }
    return out;
  }
}

/** SortableEvents' key: the series' last observation, else lastTimestamp, else eventTime. */
function eventTime(e: Event): number {
  if (e.series?.lastObservedTime) return parseTimestamp(e.series.lastObservedTime);
  if (e.lastTimestamp) return parseTimestamp(e.lastTimestamp);
  return e.eventTime ? parseTimestamp(e.eventTime) : 0;
}

function sinceTime(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const t = parseTimestamp(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/**
 * DescribeEvents: `Events:  <none>`, or a table (Type, Reason, Age, From, Message) after a
 * flush, so its columns are aligned on their own. A repeated event shows its last age, its count
 * and its first age: `2m (x3 over 5m)`.
 */
export function describeEvents(events: readonly Event[], w: PrefixWriter, now: number): void {
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = events
    .map((e, i) => ({ e, i, t: eventTime(e) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? sinceTime(e.eventTime, now) : sinceTime(e.firstTimestamp, now);
    let interval: string;
    if (e.series) {
      interval = `${sinceTime(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    } else if ((e.count ?? 0) > 1) {
      interval = `${sinceTime(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    } else {
      interval = first;
    }
    const source = e.source?.component || e.reportingComponent || '';
    w.write(
      LEVEL_1,
      `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`,
    );
  }
}

/** searchEvents for an object: its name, namespace, kind and uid. */
export function eventsFor(obj: KObject, ctx: { events: EventIndex }): StoredEvent[] {
  return ctx.events.search({
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
    kind: obj.kind,
    uids: [obj.metadata.uid ?? ''],
  });
}
