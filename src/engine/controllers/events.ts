/**
 * The event recorder (client-go tools/record): controllers report what they did as core/v1 Event
 * objects — `Scheduled`, `Pulling`, `ScalingReplicaSet`, `BackOff` ... — which `kubectl get events`
 * and `kubectl describe` show. Repeats of the same (object, reason, message, source) are
 * aggregated into one Event with a growing count, as the real recorder's correlator does.
 *
 * Names follow the real form `<object-name>.<16 hex digits>`; the hex is a counter mixed with the
 * clock, not the wall-clock nanoseconds the real recorder uses.
 */
import type { Event, EventSource, ObjectReference } from 'kubernetes-types/core/v1';
import type { ApiStore } from '../api/store';
import type { KObject } from '../api/types';
import { deepClone, deepFreeze } from '../api/types';
import { formatMicroTimestamp, formatTimestamp } from '../sim/clock';
import type { VirtualClock } from '../sim/clock';
import { hex8, mix32 } from '../sim/ids';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Record an event about `obj` (which must be stored, so it has a uid). */
  event(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

export class EventBroadcaster {
  private counter = 0;
  /**
   * What was recorded about each object (by uid), for aggregation: the correlation key of each
   * Event and its name. Kept per object and compared field by field, rather than one map keyed
   * by the joined key, which had to build and hash a long string for every event.
   */
  private readonly seen = new Map<string, Correlated[]>();
  /** The timestamps of the last `now` an event was recorded at: events come in bursts. */
  private stampMs = NaN;
  private stamp = '';
  private microStamp = '';

  constructor(
    private readonly store: ApiStore,
    private readonly clock: VirtualClock,
  ) {}

  /** A recorder for one component, e.g. `newRecorder({component: 'kubelet', host: 'node1'})`. */
  newRecorder(source: EventSource): EventRecorder {
    const actor = source.host
      ? `${source.component}/${source.host}`
      : (source.component ?? 'unknown');
    // One frozen copy, shared by all this recorder's events (the store shares frozen parts).
    const frozenSource = deepFreeze({ ...source });
    return {
      event: (obj, type, reason, message, fieldPath) =>
        this.record(actor, frozenSource, obj, type, reason, message, fieldPath),
    };
  }

  private record(
    actor: string,
    source: EventSource,
    obj: KObject,
    type: EventType,
    reason: string,
    message: string,
    fieldPath: string | undefined,
  ): void {
    const meta = obj.metadata;
    const namespace = meta.namespace || 'default';
    const now = this.clock.now();
    const uid = meta.uid ?? '';
    const path = fieldPath ?? '';
    const component = source.component ?? '';
    const host = source.host ?? '';
    let recorded = this.seen.get(uid);
    const match = recorded?.find(
      (c) =>
        c.reason === reason &&
        c.message === message &&
        c.fieldPath === path &&
        c.type === type &&
        c.component === component &&
        c.host === host,
    );
    if (match) {
      const ev = this.store.get<Event & KObject>('Event', namespace, match.name);
      if (ev) {
        const copy = deepClone(ev);
        copy.count = (ev.count ?? 1) + 1;
        copy.lastTimestamp = formatTimestamp(now);
        this.store.update(copy, { actor, transfer: true });
        return;
      }
    }
    // Built field by field in the order kubectl shows them (namespace and fieldPath optional).
    const ref: ObjectReference = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: meta.name ?? '',
    };
    if (meta.namespace) ref.namespace = meta.namespace;
    ref.uid = meta.uid ?? '';
    ref.resourceVersion = meta.resourceVersion ?? '';
    if (fieldPath) ref.fieldPath = fieldPath;
    if (now !== this.stampMs) {
      this.stampMs = now;
      this.stamp = formatTimestamp(now);
      this.microStamp = formatMicroTimestamp(now);
    }
    const name = `${meta.name ?? 'unknown'}.${eventNameSuffix(++this.counter, now)}`;
    const ev: Event & KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      source,
      firstTimestamp: this.stamp,
      lastTimestamp: this.stamp,
      eventTime: this.microStamp,
      count: 1,
      type,
      reportingComponent: source.component ?? '',
      reportingInstance: source.host ?? '',
    };
    try {
      // A fresh object nobody else holds: the store may keep it without copying.
      this.store.create(ev, { actor, transfer: true });
      // (An Event that was deleted meanwhile is replaced by this one.)
      if (match) match.name = name;
      else {
        if (!recorded) this.seen.set(uid, (recorded = []));
        recorded.push({ fieldPath: path, type, reason, message, component, host, name });
      }
    } catch {
      // Events are best-effort, as in client-go: a failed event never fails the controller.
    }
  }
}

/** The correlation key of a recorded Event (client-go's aggregation key, less the object). */
interface Correlated {
  fieldPath: string;
  type: EventType;
  reason: string;
  message: string;
  component: string;
  host: string;
  /** The Event it was recorded as. */
  name: string;
}

/**
 * The 16 hex digits after the dot: `mix32(n) * 2^20 + now mod 2^20`, zero-padded. That number
 * has at most 52 bits: 3 zero digits, 5 digits of its top 20 bits, 8 of its low 32. Formatting
 * the parts is much cheaper than Number#toString(16) of the whole, which needs a float-to-text
 * conversion. (The clock counts whole milliseconds; anything else takes the general formula.)
 */
function eventNameSuffix(n: number, now: number): string {
  const m = mix32(n);
  if (!Number.isInteger(now) || now < 0) {
    return (m * 0x100000 + (now % 0x100000)).toString(16).padStart(16, '0').slice(-16);
  }
  const high20 = m >>> 12;
  const low32 = (((m & 0xfff) << 20) | (now % 0x100000)) >>> 0;
  return '000' + hex8(high20).slice(3) + hex8(low32);
}
