/**
 * Helpers for the inspector's unit tests: a snapshot from a list of objects, timestamps relative
 * to the engine's epoch, and a scheduling log stub.
 */
import type { KObject, SchedulingDecision } from '../../engine';
import { EPOCH_MS, formatTimestamp } from '../../engine';
import type { ObjectsByKind } from '../state/cluster-store';
import { keyOf } from '../state/cluster-store';
import type { SchedulingLookup, SectionInput } from './model';

/** `EPOCH + s` seconds as an RFC 3339 timestamp. */
export const at = (s: number): string => formatTimestamp(EPOCH_MS + s * 1000);

/** Virtual time `s` seconds after the epoch. */
export const t = (s: number): number => EPOCH_MS + s * 1000;

export function snapshotOf(objects: readonly KObject[]): ObjectsByKind {
  const out = new Map<string, Map<string, KObject>>();
  for (const o of objects) {
    let m = out.get(o.kind);
    if (!m) out.set(o.kind, (m = new Map()));
    m.set(keyOf(o), o);
  }
  return out;
}

export function schedulingOf(decisions: readonly SchedulingDecision[] = []): SchedulingLookup {
  const byUid = new Map(decisions.map((d) => [d.podUid, d]));
  return { getSchedulingDecision: (uid) => byUid.get(uid) };
}

export function inputFor(
  obj: KObject,
  objects: readonly KObject[],
  nowSeconds: number,
  decisions: readonly SchedulingDecision[] = [],
): SectionInput {
  return {
    obj,
    objects: snapshotOf([obj, ...objects]),
    now: t(nowSeconds),
    scheduling: schedulingOf(decisions),
  };
}
