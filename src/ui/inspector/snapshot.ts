/**
 * Lookups over the store snapshot the inspector needs: an object by reference, its controller,
 * the pods a controller owns or a node runs, a Service's EndpointSlices. Each is one pass over one
 * kind's map (a few milliseconds at 10,000 pods), memoised by the map's identity where the same
 * answer is asked for twice in a render.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { KObject } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';
import { refKey } from '../state/cluster-store';

export function getObject(objects: ObjectsByKind, ref: ObjectRef): KObject | undefined {
  return objects.get(ref.kind)?.get(refKey(ref));
}

export function listKind(objects: ObjectsByKind, kind: string): Iterable<KObject> {
  return objects.get(kind)?.values() ?? [];
}

export function controllerRef(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The object's controller (a pod's ReplicaSet, a ReplicaSet's Deployment), if it still exists. */
export function controllerOf(objects: ObjectsByKind, obj: KObject): KObject | undefined {
  const ref = controllerRef(obj);
  if (!ref) return undefined;
  const namespace = obj.metadata.namespace;
  const owner = getObject(
    objects,
    namespace ? { kind: ref.kind, namespace, name: ref.name } : { kind: ref.kind, name: ref.name },
  );
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

/** Objects of `kind` in `namespace` whose controller is one of `ownerUids`. */
export function controlledBy(
  objects: ObjectsByKind,
  kind: string,
  namespace: string | undefined,
  ownerUids: ReadonlySet<string>,
): KObject[] {
  const out: KObject[] = [];
  for (const o of listKind(objects, kind)) {
    if (o.metadata.namespace !== namespace) continue;
    const ref = controllerRef(o);
    if (ref && ownerUids.has(ref.uid)) out.push(o);
  }
  return out;
}

const podsByNodeCache = new WeakMap<ReadonlyMap<string, KObject>, Map<string, KObject[]>>();

/** The pods bound to a node (spec.nodeName), grouped once per Pod map. */
export function podsOnNode(objects: ObjectsByKind, nodeName: string): KObject[] {
  const pods = objects.get('Pod');
  if (!pods) return [];
  let byNode = podsByNodeCache.get(pods);
  if (!byNode) {
    byNode = new Map();
    for (const p of pods.values()) {
      const n = (p.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!n) continue;
      let list = byNode.get(n);
      if (!list) byNode.set(n, (list = []));
      list.push(p);
    }
    podsByNodeCache.set(pods, byNode);
  }
  return byNode.get(nodeName) ?? [];
}

/** `namespace/name` order, as kubectl sorts (compared in parts: no strings built per compare). */
export function byNamespaceName(a: KObject, b: KObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  const ma = a.metadata.name ?? '';
  const mb = b.metadata.name ?? '';
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

/** The first `n` of `items` in `compare` order, without sorting them all. */
export function smallest<T>(items: Iterable<T>, n: number, compare: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length === n && compare(item, out[n - 1]!) >= 0) continue;
    let i = out.length;
    while (i > 0 && compare(item, out[i - 1]!) < 0) i--;
    out.splice(i, 0, item);
    if (out.length > n) out.pop();
  }
  return out;
}
