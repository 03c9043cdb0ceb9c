/**
 * The bridge from the engine to React: one zustand store holding a snapshot of every object the
 * cluster has, by kind, and the virtual time. The host's change feed becomes one store update per
 * frame (or per command); objects are the engine's own frozen objects, shared, never copied.
 *
 * Components select what they need (`useClusterStore((s) => s.objects.get('Pod'))`); derived
 * views (graph nodes and edges, inspector panels) are pure functions of this snapshot, unit-tested
 * without React.
 */
import { create } from 'zustand';
import { KINDS } from '../../engine';
import type { ChangeSet, KObject } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';

/** `namespace/name` (or `name` for cluster-scoped kinds). */
export type ObjectKey = string;
export type ObjectsByKind = ReadonlyMap<string, ReadonlyMap<ObjectKey, KObject>>;

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface ClusterSnapshot {
  /** Bumped on every change. */
  version: number;
  /** Virtual time (ms since the Unix epoch). */
  now: number;
  objects: ObjectsByKind;
}

export interface ClusterStore extends ClusterSnapshot {
  /** The object the inspector shows and the graph highlights. */
  selected: ObjectRef | undefined;
  select(ref: ObjectRef | undefined): void;
}

export const keyOf = (o: { metadata: { namespace?: string; name?: string } }): ObjectKey =>
  o.metadata.namespace
    ? `${o.metadata.namespace}/${o.metadata.name ?? ''}`
    : (o.metadata.name ?? '');

export const refKey = (r: ObjectRef): ObjectKey =>
  r.namespace ? `${r.namespace}/${r.name}` : r.name;

export const useClusterStore = create<ClusterStore>()((set) => ({
  version: 0,
  now: 0,
  objects: new Map(),
  selected: undefined,
  select: (selected) => set({ selected }),
}));

/** All objects of the cluster, by kind, read from the engine store. */
export function fullSnapshot(host: PlaygroundHost): ObjectsByKind {
  const out = new Map<string, Map<ObjectKey, KObject>>();
  const store = host.cluster.store;
  for (const { kind } of KINDS) {
    const m = new Map<ObjectKey, KObject>();
    for (const o of store.list(kind)) m.set(keyOf(o), o);
    out.set(kind, m);
  }
  return out;
}

/**
 * A new snapshot with change sets applied in order: only the kinds that changed get new maps,
 * each copied once however many sets touch it (a busy frame brings several).
 */
export function applyChanges(
  prev: ObjectsByKind,
  changeSets: ChangeSet | readonly ChangeSet[],
): ObjectsByKind {
  const next = new Map(prev) as Map<string, ReadonlyMap<ObjectKey, KObject>>;
  const touched = new Map<string, Map<ObjectKey, KObject>>();
  const mapFor = (kind: string): Map<ObjectKey, KObject> => {
    let m = touched.get(kind);
    if (!m) {
      m = new Map(prev.get(kind) ?? []);
      touched.set(kind, m);
      next.set(kind, m);
    }
    return m;
  };
  for (const changes of Array.isArray(changeSets) ? changeSets : [changeSets]) {
    for (const o of changes.added) mapFor(o.kind).set(keyOf(o), o);
    for (const [, to] of changes.updated) mapFor(to.kind).set(keyOf(to), to);
    for (const o of changes.removed) mapFor(o.kind).delete(keyOf(o));
  }
  return next;
}

/** Keep the store in step with the host. Returns the unsubscribe function. */
export function bindStore(host: PlaygroundHost): () => void {
  useClusterStore.setState((s) => ({
    objects: fullSnapshot(host),
    now: host.cluster.now(),
    version: s.version + 1,
  }));
  const offChanges = host.subscribe((changes) => {
    useClusterStore.setState((s) => ({
      objects: changes ? applyChanges(s.objects, changes) : fullSnapshot(host),
      now: host.cluster.now(),
      version: s.version + 1,
      ...(changes ? {} : { selected: undefined }),
    }));
  });
  // Time passes without changes too (AGE columns): publish it once per virtual second.
  const offTime = host.onTime((now) => {
    if (Math.floor(now / 1000) !== Math.floor(useClusterStore.getState().now / 1000))
      useClusterStore.setState({ now });
  });
  return () => {
    offChanges();
    offTime();
  };
}
