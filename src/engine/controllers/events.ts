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
import { deepClone, deepFreeze, flatString } from '../api/types';
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
  /**
   * What was recorded about each object (by uid), for aggregation: each Event as first created,
   * which carries its correlation key and name (see `correlates`). Kept per object and compared
   * field by field, rather than one map keyed by the joined key, which had to build and hash a
   * long string for every event. An object with many Events (a ReplicaSet's `Created pod: …`
   * for 1,000 pods) gets its list indexed by message instead, or each new Event would compare
   * against all before it.
   */
  private readonly seen = new Map<string, Recorded>();
  /** The uid of the last object an Event was recorded about, and its entry in `seen`. */
  private lastUid: string | undefined;
  private lastRecorded: Recorded | undefined;
  /** The involvedObject of the last Event built, with what it was built from. */
  private lastRef: LastRef | undefined;
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
    // Events come in runs about one object: its list is looked up once per run.
    let recorded = uid === this.lastUid ? this.lastRecorded : this.seen.get(uid);
    // The list the match is in (the object's list, or its Events with this message).
    const candidates = recorded instanceof Map ? recorded.get(message) : recorded;
    let matchAt = -1;
    if (candidates) {
      const path = fieldPath ?? '';
      for (let i = 0; i < candidates.length; i++) {
        if (correlates(candidates[i]!, source, type, reason, message, path)) {
          matchAt = i;
          break;
        }
      }
    }
    if (matchAt >= 0) {
      const name = candidates![matchAt]!.metadata.name ?? '';
      const ev = this.store.get<Event & KObject>('Event', namespace, name);
      if (ev) {
        const copy = deepClone(ev);
        copy.count = (ev.count ?? 1) + 1;
        copy.lastTimestamp = formatTimestamp(now);
        this.store.update(copy, { actor, transfer: true });
        return;
      }
    }
    // In the order kubectl shows the fields (namespace and fieldPath optional). Written as whole
    // literals rather than added to field by field: an object that grows after it is built keeps
    // the extra fields in a second allocation, and 60,000 Events are kept.
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    const objName = meta.name ?? '';
    const objNs = meta.namespace;
    const rv = meta.resourceVersion ?? '';
    // Events come in runs about one object (a ReplicaSet's ten SuccessfulCreate, a container's
    // Created and Started): the reference built for the last one is shared by the next when all
    // it is made of is the same (the store freezes it with the first Event).
    let ref: ObjectReference;
    const last = this.lastRef;
    if (
      last &&
      last.uid === uid &&
      last.rv === rv &&
      last.name === objName &&
      last.ns === objNs &&
      last.kind === kind &&
      last.apiVersion === apiVersion &&
      last.fieldPath === fieldPath
    ) {
      ref = last.ref;
    } else {
      if (objNs) {
        ref = fieldPath
          ? {
              apiVersion,
              kind,
              name: objName,
              namespace: objNs,
              uid,
              resourceVersion: rv,
              fieldPath,
            }
          : { apiVersion, kind, name: objName, namespace: objNs, uid, resourceVersion: rv };
      } else {
        ref = fieldPath
          ? { apiVersion, kind, name: objName, uid, resourceVersion: rv, fieldPath }
          : { apiVersion, kind, name: objName, uid, resourceVersion: rv };
      }
      this.lastRef = { apiVersion, kind, name: objName, ns: objNs, uid, rv, fieldPath, ref };
    }
    if (now !== this.stampMs) {
      this.stampMs = now;
      this.stamp = formatTimestamp(now);
      this.microStamp = formatMicroTimestamp(now);
    }
    const name = eventName(meta.name ?? 'unknown', ++this.counter, now);
    const ev: Event & KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      // uid, resourceVersion and creationTimestamp are the store's to set (it overwrites them);
      // present from the start, they too are stored inside the metadata object.
      metadata: { name, namespace, uid: '', resourceVersion: '', creationTimestamp: '' },
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
      const created = this.store.create(ev, { actor, transfer: true });
      // (An Event that was deleted meanwhile is replaced by this one.)
      if (matchAt >= 0) candidates![matchAt] = created;
      else if (recorded instanceof Map) {
        if (candidates) candidates.push(created);
        else recorded.set(message, [created]);
      } else if (recorded) {
        recorded.push(created);
        if (recorded.length > INDEX_RECORDED_AT) {
          recorded = indexByMessage(recorded);
          this.seen.set(uid, recorded);
        }
      } else {
        recorded = [created];
        this.seen.set(uid, recorded);
      }
      this.lastUid = uid;
      this.lastRecorded = recorded;
    } catch {
      // Events are best-effort, as in client-go: a failed event never fails the controller.
    }
  }
}

/** What was recorded about one object: its Events, or (past INDEX_RECORDED_AT) them by message. */
type Recorded = Array<Event & KObject> | Map<string, Array<Event & KObject>>;

/** Events about one object up to which a plain list is searched (see EventBroadcaster.seen). */
const INDEX_RECORDED_AT = 16;

function indexByMessage(list: ReadonlyArray<Event & KObject>): Map<string, Array<Event & KObject>> {
  const byMessage = new Map<string, Array<Event & KObject>>();
  for (const ev of list) {
    const message = ev.message ?? '';
    const same = byMessage.get(message);
    if (same) same.push(ev);
    else byMessage.set(message, [ev]);
  }
  return byMessage;
}

/** What the last involvedObject was built from (see record). */
interface LastRef {
  apiVersion: string;
  kind: string;
  name: string;
  ns: string | undefined;
  uid: string;
  rv: string;
  fieldPath: string | undefined;
  ref: ObjectReference;
}

/**
 * Whether a recorded Event has this correlation key (client-go's aggregation key, less the
 * object): source, type, reason, message and field path. The Event as first created is what is
 * remembered: these fields never change with its count, and keeping the Event itself costs no
 * second object per event.
 */
function correlates(
  ev: Event & KObject,
  source: EventSource,
  type: EventType,
  reason: string,
  message: string,
  path: string,
): boolean {
  if (ev.reason !== reason || ev.type !== type || ev.message !== message) return false;
  if ((ev.involvedObject.fieldPath ?? '') !== path) return false;
  const s = ev.source;
  if (s === source) return true; // the same recorder
  return (
    (s?.component ?? '') === (source.component ?? '') && (s?.host ?? '') === (source.host ?? '')
  );
}

/**
 * `<object-name>.<16 hex digits>`, the digits being `mix32(n) * 2^20 + now mod 2^20`,
 * zero-padded. That number has at most 52 bits: 3 zero digits, 5 digits of its top 20 bits, 8 of
 * its low 32. The name is written as character codes into one buffer and made a string at once:
 * built by concatenation it was a tree of a dozen pieces (and needed flattening before its first
 * lookup), and Number#toString(16) of the whole needs a float-to-text conversion. (The clock
 * counts whole milliseconds; anything else takes the general formula.)
 */
function eventName(objName: string, n: number, now: number): string {
  const m = mix32(n);
  if (!Number.isInteger(now) || now < 0) {
    const suffix = (m * 0x100000 + (now % 0x100000)).toString(16).padStart(16, '0').slice(-16);
    return flatString(`${objName}.${suffix}`);
  }
  const high20 = m >>> 12;
  const low32 = (((m & 0xfff) << 20) | (now % 0x100000)) >>> 0;
  const codes = nameCodes;
  codes.length = 0;
  for (let i = 0; i < objName.length; i++) codes.push(objName.charCodeAt(i));
  codes.push(DOT, ZERO, ZERO, ZERO);
  for (let shift = 16; shift >= 0; shift -= 4) codes.push(HEX_CODES[(high20 >>> shift) & 15]!);
  for (let shift = 28; shift >= 0; shift -= 4) codes.push(HEX_CODES[(low32 >>> shift) & 15]!);
  return String.fromCharCode.apply(null, codes);
}

/** The buffer eventName writes into (one name at a time). */
const nameCodes: number[] = [];
const DOT = 0x2e;
const ZERO = 0x30;
const HEX_CODES = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
