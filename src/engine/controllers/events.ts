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
import { deepClone } from '../api/types';
import { formatMicroTimestamp, formatTimestamp } from '../sim/clock';
import type { VirtualClock } from '../sim/clock';
import { mix32 } from '../sim/ids';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Record an event about `obj` (which must be stored, so it has a uid). */
  event(obj: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

export class EventBroadcaster {
  private counter = 0;
  private readonly seen = new Map<string, string>(); // correlation key → event name

  constructor(
    private readonly store: ApiStore,
    private readonly clock: VirtualClock,
  ) {}

  /** A recorder for one component, e.g. `newRecorder({component: 'kubelet', host: 'node1'})`. */
  newRecorder(source: EventSource): EventRecorder {
    const actor = source.host
      ? `${source.component}/${source.host}`
      : (source.component ?? 'unknown');
    return {
      event: (obj, type, reason, message, fieldPath) =>
        this.record(actor, source, obj, type, reason, message, fieldPath),
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
    const namespace = obj.metadata.namespace || 'default';
    const now = this.clock.now();
    const ref: ObjectReference = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      uid: obj.metadata.uid ?? '',
      resourceVersion: obj.metadata.resourceVersion ?? '',
      ...(fieldPath ? { fieldPath } : {}),
    };
    const corrKey = [
      ref.uid,
      fieldPath ?? '',
      type,
      reason,
      message,
      source.component,
      source.host ?? '',
    ].join('\u0000');
    const existingName = this.seen.get(corrKey);
    if (existingName) {
      const ev = this.store.get<Event & KObject>('Event', namespace, existingName);
      if (ev) {
        const copy = deepClone(ev);
        copy.count = (ev.count ?? 1) + 1;
        copy.lastTimestamp = formatTimestamp(now);
        this.store.update(copy, { actor });
        return;
      }
    }
    const n = ++this.counter;
    const hex = (mix32(n) * 0x100000 + (now % 0x100000)).toString(16).padStart(16, '0').slice(-16);
    const name = `${obj.metadata.name ?? 'unknown'}.${hex}`;
    const ev: Event & KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      source,
      firstTimestamp: formatTimestamp(now),
      lastTimestamp: formatTimestamp(now),
      eventTime: formatMicroTimestamp(now),
      count: 1,
      type,
      reportingComponent: source.component ?? '',
      reportingInstance: source.host ?? '',
    };
    try {
      this.store.create(ev, { actor });
      this.seen.set(corrKey, name);
    } catch {
      // Events are best-effort, as in client-go: a failed event never fails the controller.
    }
  }
}
