/**
 * The API store: kube-apiserver and etcd in one small object.
 *
 * Models the generic registry (k8s.io/apiserver pkg/registry/generic/registry/store.go): objects
 * keyed by kind/namespace/name; one global resourceVersion counter (etcd's revision); uid,
 * generation and creationTimestamp stamped by the server; per-kind strategies for defaulting,
 * validation, allocation and graceful deletion; synchronous watches with ADDED/MODIFIED/DELETED.
 *
 * Beside watches it keeps a change feed (`takeChanges()`: what was added, updated, removed since
 * the last call, collapsed) for the UI, and emits the inspection stream (who wrote what).
 *
 * Simplifications: no field managers or server-side apply; finalizers other than the namespace
 * controller's are not modelled (cascading deletion is the garbage collector's background mode).
 * Objects handed out are deep-frozen: copy with deepClone() before editing.
 */
import type { VirtualClock } from '../sim/clock';
import { formatTimestamp } from '../sim/clock';
import type { IdSource } from '../sim/ids';
import type { Inspector } from '../sim/inspector';
import type { Rng } from '../sim/rng';
import type { FieldError } from './errors';
import {
  alreadyExists,
  conflict,
  forbidden,
  invalid,
  notFound,
  noKindMatch,
  ApiError,
} from './errors';
import type { KindInfo } from './kinds';
import { apiVersionOf, kindInfo } from './kinds';
import type { Selector } from './selectors';
import type { KObject, WatchEvent } from './types';
import { deepClone, deepEqual, deepFreeze, keyOf, objectKey } from './types';

/** Who is writing: `kubectl`, `deployment-controller`, `kubelet/node1`, ... */
export interface WriteOptions {
  actor: string;
}

export interface DeleteOptions extends WriteOptions {
  /** Seconds of graceful termination; undefined = the object's default. */
  gracePeriodSeconds?: number;
  /** Background (default) or Orphan. Foreground is treated as Background. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface StrategyContext {
  store: ApiStore;
  now: number;
  rng: Rng;
}

/**
 * Per-kind behaviour, as the API server's registry strategies (pkg/registry/<group>/<kind>/strategy.go).
 * Each hook is optional.
 */
export interface Strategy {
  /** Defaulting and allocation on create (mutates the fresh copy it is given). */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  validate?(obj: KObject, ctx: StrategyContext): FieldError[];
  /**
   * After validation and the existence check, just before storing: allocate what the object asks
   * for (ClusterIP, NodePort). Throws ApiError (Invalid) when a requested value is taken.
   */
  allocate?(obj: KObject, ctx: StrategyContext): void;
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  validateUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): FieldError[];
  /**
   * After update validation, just before storing: allocate what the new object asks for and
   * release what it no longer holds (the update half of `allocate`). Throws ApiError to refuse.
   */
  allocateUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  /**
   * Graceful deletion: seconds to keep the object marked with deletionTimestamp before it goes,
   * or undefined to remove it at once. `requested` is the caller's gracePeriodSeconds.
   */
  gracefulDeleteSeconds?(obj: KObject, requested: number | undefined): number | undefined;
  /** After removal: release what the object held (ClusterIP, NodePort, ...). */
  afterDelete?(obj: KObject, ctx: StrategyContext): void;
}

export type WatchHandler = (ev: WatchEvent) => void;

/** The change feed: what changed since the last takeChanges(), collapsed per object. */
export interface ChangeSet {
  added: KObject[];
  updated: Array<[from: KObject, to: KObject]>;
  removed: KObject[];
}

type Pending =
  | { kind: 'added'; to: KObject }
  | { kind: 'updated'; from: KObject; to: KObject }
  | { kind: 'removed'; from: KObject };

export interface ListOptions {
  namespace?: string;
  selector?: Selector;
}

/** Kinds whose metadata.generation tracks spec changes. */
const GENERATION_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'Ingress',
  'Pod',
  'Service',
]);
/** Kinds whose `status` is only written through updateStatus (the status subresource). */
const STATUS_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'Pod',
  'Service',
  'Node',
  'Namespace',
  'Ingress',
]);

export class ApiStore {
  private readonly objects = new Map<string, Map<string, Map<string, KObject>>>(); // kind → ns → name → obj
  private readonly dependents = new Map<string, Set<string>>(); // owner uid → object keys
  private readonly indexes = new Map<
    string,
    { fn: (o: KObject) => string[]; map: Map<string, Set<string>> }
  >();
  private readonly watchers: Array<{ kind: string; name: string; handler: WatchHandler }> = [];
  private readonly strategies = new Map<string, Strategy>();
  private pending = new Map<string, Pending>();
  private rv = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: IdSource,
    private readonly rng: Rng,
    readonly inspector: Inspector,
  ) {}

  // ------------------------------------------------------------------ configuration

  setStrategy(kind: string, strategy: Strategy): void {
    const prev = this.strategies.get(kind);
    // Strategies compose: several concerns (validation, service IP allocation) may register hooks.
    this.strategies.set(kind, prev ? composeStrategies(prev, strategy) : strategy);
  }

  /** A secondary index, as client-go's Indexers: `byIndex(kind, name, value)` finds objects fast. */
  addIndex(kind: string, indexName: string, fn: (o: KObject) => string[]): void {
    const id = `${kind}|${indexName}`;
    const map = new Map<string, Set<string>>();
    this.indexes.set(id, { fn, map });
    for (const o of this.list(kind)) for (const v of fn(o)) addTo(map, v, keyOf(o));
  }

  /** Register a watch. Handlers run synchronously, in registration order, after each write. */
  watch(kind: string | '*', watcherName: string, handler: WatchHandler): () => void {
    const w = { kind, name: watcherName, handler };
    this.watchers.push(w);
    return () => {
      const i = this.watchers.indexOf(w);
      if (i >= 0) this.watchers.splice(i, 1);
    };
  }

  // ------------------------------------------------------------------ reads

  get<T extends KObject = KObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.objects
      .get(kind)
      ?.get(namespace ?? '')
      ?.get(name) as T | undefined;
  }

  getByKey<T extends KObject = KObject>(key: string): T | undefined {
    const [kind, ns, ...rest] = key.split('/');
    return this.get<T>(kind ?? '', ns, rest.join('/'));
  }

  /** Objects of a kind, optionally in one namespace and matching a selector. Insertion order. */
  list<T extends KObject = KObject>(kind: string, opts: ListOptions = {}): T[] {
    const byNs = this.objects.get(kind);
    if (!byNs) return [];
    const out: T[] = [];
    const push = (m: Map<string, KObject> | undefined): void => {
      if (!m) return;
      for (const o of m.values())
        if (!opts.selector || opts.selector.matches(o.metadata.labels)) out.push(o as T);
    };
    if (opts.namespace !== undefined) push(byNs.get(opts.namespace));
    else for (const m of byNs.values()) push(m);
    return out;
  }

  count(kind: string): number {
    let n = 0;
    for (const m of this.objects.get(kind)?.values() ?? []) n += m.size;
    return n;
  }

  /** Objects whose ownerReferences name this uid (any kind, or one kind). */
  dependentsOf<T extends KObject = KObject>(ownerUid: string, kind?: string): T[] {
    const keys = this.dependents.get(ownerUid);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.getByKey<T>(k);
      if (o && (!kind || o.kind === kind)) out.push(o);
    }
    return out;
  }

  byIndex<T extends KObject = KObject>(kind: string, indexName: string, value: string): T[] {
    const idx = this.indexes.get(`${kind}|${indexName}`);
    if (!idx) throw new Error(`no index ${indexName} on ${kind}`);
    const out: T[] = [];
    for (const k of idx.map.get(value) ?? []) {
      const o = this.getByKey<T>(k);
      if (o) out.push(o);
    }
    return out;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  // ------------------------------------------------------------------ writes

  /** Create an object. Throws ApiError (AlreadyExists, Invalid, NotFound namespace, ...). */
  create<T extends KObject>(input: T, opts: WriteOptions): T {
    const info = this.infoFor(input);
    const obj = deepClone(input) as KObject;
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (info.namespaced) meta.namespace = meta.namespace || 'default';
    else delete meta.namespace;
    if (!meta.name && meta.generateName)
      meta.name = this.generateName(info, meta.namespace, meta.generateName);
    const name = meta.name ?? '';
    this.checkNamespace(info, meta.namespace, name);

    const ctx = this.ctx();
    const strategy = this.strategies.get(info.kind);
    strategy?.prepareForCreate?.(obj, ctx);
    const errs = strategy?.validate?.(obj, ctx) ?? [];
    if (errs.length > 0) throw invalid(info, name, errs);
    if (this.get(info.kind, meta.namespace, name)) throw alreadyExists(info, name);
    strategy?.allocate?.(obj, ctx);

    meta.uid = this.ids.nextUid();
    meta.resourceVersion = String(++this.rv);
    meta.creationTimestamp = formatTimestamp(this.clock.now());
    if (GENERATION_KINDS.has(info.kind)) meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;

    deepFreeze(obj);
    this.put(obj, undefined);
    this.emitWrite(opts.actor, 'create', obj);
    this.notify({ type: 'ADDED', object: obj });
    return obj as T;
  }

  /**
   * Replace an object's spec and metadata (labels, annotations, ownerReferences). The status is
   * kept for kinds with a status subresource. If metadata.resourceVersion is set it must match
   * (optimistic concurrency); otherwise the write is unconditional, as a PUT without it would be.
   * Returns the stored object (the same object if nothing changed: no new resourceVersion).
   */
  update<T extends KObject>(input: T, opts: WriteOptions): T {
    return this.write(input, opts, 'update');
  }

  /** Replace only `status` (the status subresource). */
  updateStatus<T extends KObject>(input: T, opts: WriteOptions): T {
    return this.write(input, opts, 'updateStatus');
  }

  /**
   * Delete. Objects whose strategy asks for graceful deletion are marked (deletionTimestamp) and
   * stay until deleted again with gracePeriodSeconds 0 (the kubelet does that when the pod's
   * containers are gone). Returns the marked object, or the removed object.
   */
  delete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions): KObject {
    const info = kindInfo(kind);
    if (!info) throw noKindMatch(kind, 'v1');
    const ns = info.namespaced ? namespace || 'default' : undefined;
    const cur = this.get(kind, ns, name);
    if (!cur) throw notFound(info, name);
    const strategy = this.strategies.get(kind);
    const now = this.clock.now();

    if (cur.metadata.deletionTimestamp) {
      // Already terminating: grace 0 removes it; a shorter grace shortens the wait.
      if (opts.gracePeriodSeconds === 0) return this.remove(cur, opts);
      const current = cur.metadata.deletionGracePeriodSeconds ?? 0;
      if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < current) {
        return this.markDeleted(cur, opts.gracePeriodSeconds, now, opts);
      }
      return cur;
    }
    const grace = strategy?.gracefulDeleteSeconds?.(cur, opts.gracePeriodSeconds);
    if (grace === undefined) return this.remove(cur, opts);
    const marked = this.markDeleted(cur, grace, now, opts);
    if (opts.propagationPolicy === 'Orphan') this.orphanDependents(marked, opts);
    return marked;
  }

  // ------------------------------------------------------------------ change feed

  /** What changed since the last call, collapsed per object; resets the feed. */
  takeChanges(): ChangeSet {
    const out: ChangeSet = { added: [], updated: [], removed: [] };
    for (const p of this.pending.values()) {
      if (p.kind === 'added') out.added.push(p.to);
      else if (p.kind === 'updated') out.updated.push([p.from, p.to]);
      else out.removed.push(p.from);
    }
    this.pending = new Map();
    return out;
  }

  hasChanges(): boolean {
    return this.pending.size > 0;
  }

  // ------------------------------------------------------------------ internals

  private infoFor(obj: KObject): KindInfo {
    const info = kindInfo(obj.kind);
    if (!info || apiVersionOf(info) !== obj.apiVersion)
      throw noKindMatch(String(obj.kind), String(obj.apiVersion));
    return info;
  }

  private ctx(): StrategyContext {
    return { store: this, now: this.clock.now(), rng: this.rng };
  }

  private checkNamespace(info: KindInfo, namespace: string | undefined, name: string): void {
    if (!info.namespaced || namespace === undefined) return;
    const ns = this.get('Namespace', undefined, namespace);
    const nsInfo = kindInfo('Namespace')!;
    if (!ns) throw notFound(nsInfo, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        info,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** apiserver pkg/storage/names: generateName + 5 random chars, retried on collision. */
  private generateName(info: KindInfo, namespace: string | undefined, base: string): string {
    const prefix = base.length > 58 ? base.slice(0, 58) : base;
    for (;;) {
      const name = prefix + this.rng.string(NAME_ALPHABET, 5);
      if (!this.get(info.kind, namespace, name)) return name;
    }
  }

  private write<T extends KObject>(
    input: T,
    opts: WriteOptions,
    verb: 'update' | 'updateStatus',
  ): T {
    const info = this.infoFor(input);
    const ns = info.namespaced ? input.metadata?.namespace || 'default' : undefined;
    const name = input.metadata?.name ?? '';
    const old = this.get(info.kind, ns, name);
    if (!old) throw notFound(info, name);
    const rvIn = input.metadata?.resourceVersion;
    if (rvIn && rvIn !== old.metadata.resourceVersion) throw conflict(info, name);

    let obj: KObject;
    if (verb === 'updateStatus') {
      obj = { ...old, status: deepClone(input.status) };
      if (input.status === undefined) delete obj.status;
      obj.metadata = deepClone(old.metadata);
    } else {
      obj = deepClone(input) as KObject;
      if (STATUS_KINDS.has(info.kind)) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
      // Immutable and server-owned metadata come from the stored object.
      const m = obj.metadata;
      m.uid = old.metadata.uid!;
      m.creationTimestamp = old.metadata.creationTimestamp!;
      m.name = old.metadata.name!;
      if (ns !== undefined) m.namespace = ns;
      else delete m.namespace;
      copyOrDelete(m, old.metadata, 'deletionTimestamp');
      copyOrDelete(m, old.metadata, 'deletionGracePeriodSeconds');
      copyOrDelete(m, old.metadata, 'generation');
      const ctx = this.ctx();
      const strategy = this.strategies.get(info.kind);
      strategy?.prepareForUpdate?.(obj, old, ctx);
      const errs = strategy?.validateUpdate?.(obj, old, ctx) ?? [];
      if (errs.length > 0) throw invalid(info, name, errs);
      strategy?.allocateUpdate?.(obj, old, ctx);
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion!;
    if (deepEqual(obj, old)) return old as T; // no-op writes do not bump resourceVersion
    if (verb === 'update' && GENERATION_KINDS.has(info.kind) && !sameSpec(obj, old)) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.put(obj, old);
    this.emitWrite(opts.actor, verb, obj);
    this.notify({ type: 'MODIFIED', object: obj, old });
    return obj as T;
  }

  private markDeleted(cur: KObject, grace: number, now: number, opts: WriteOptions): KObject {
    const obj = { ...cur, metadata: deepClone(cur.metadata) };
    obj.metadata.deletionTimestamp = formatTimestamp(now + grace * 1000);
    obj.metadata.deletionGracePeriodSeconds = grace;
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.put(obj, cur);
    this.emitWrite(opts.actor, 'delete', obj);
    this.notify({ type: 'MODIFIED', object: obj, old: cur });
    return obj;
  }

  private remove(cur: KObject, opts: DeleteOptions): KObject {
    const meta = cur.metadata;
    const info = kindInfo(cur.kind)!;
    this.objects
      .get(cur.kind)
      ?.get(meta.namespace ?? '')
      ?.delete(meta.name ?? '');
    this.unindex(cur);
    const key = keyOf(cur);
    const prev = this.pending.get(key);
    if (prev?.kind === 'added') this.pending.delete(key);
    else
      this.pending.set(key, { kind: 'removed', from: prev?.kind === 'updated' ? prev.from : cur });
    // The deleted object carries a fresh resourceVersion in its DELETED event, as etcd's revision moves.
    const gone = { ...cur, metadata: { ...meta, resourceVersion: String(++this.rv) } };
    deepFreeze(gone);
    this.emitWrite(opts.actor, 'remove', gone);
    this.strategies.get(info.kind)?.afterDelete?.(gone, this.ctx());
    if (opts.propagationPolicy === 'Orphan') this.orphanDependents(gone, opts);
    this.notify({ type: 'DELETED', object: gone });
    return gone;
  }

  /** Orphan propagation: strip the owner reference from every dependent. */
  private orphanDependents(owner: KObject, opts: WriteOptions): void {
    const uid = owner.metadata.uid ?? '';
    for (const d of this.dependentsOf(uid)) {
      const copy = deepClone(d);
      copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter(
        (r) => r.uid !== uid,
      );
      if (copy.metadata.ownerReferences.length === 0) delete copy.metadata.ownerReferences;
      this.update(copy, { actor: `${opts.actor}` });
    }
  }

  private put(obj: KObject, old: KObject | undefined): void {
    const meta = obj.metadata;
    let byNs = this.objects.get(obj.kind);
    if (!byNs) this.objects.set(obj.kind, (byNs = new Map()));
    let byName = byNs.get(meta.namespace ?? '');
    if (!byName) byNs.set(meta.namespace ?? '', (byName = new Map()));
    byName.set(meta.name ?? '', obj);
    if (old) this.unindex(old);
    this.index(obj);
    const key = keyOf(obj);
    const prev = this.pending.get(key);
    if (!old) this.pending.set(key, { kind: 'added', to: obj });
    else if (prev?.kind === 'added') this.pending.set(key, { kind: 'added', to: obj });
    else
      this.pending.set(key, {
        kind: 'updated',
        from: prev?.kind === 'updated' ? prev.from : old,
        to: obj,
      });
  }

  private index(obj: KObject): void {
    const key = keyOf(obj);
    for (const r of obj.metadata.ownerReferences ?? []) addTo(this.dependents, r.uid, key);
    for (const [id, idx] of this.indexes) {
      if (!id.startsWith(obj.kind + '|')) continue;
      for (const v of idx.fn(obj)) addTo(idx.map, v, key);
    }
  }

  private unindex(obj: KObject): void {
    const key = keyOf(obj);
    for (const r of obj.metadata.ownerReferences ?? []) removeFrom(this.dependents, r.uid, key);
    for (const [id, idx] of this.indexes) {
      if (!id.startsWith(obj.kind + '|')) continue;
      for (const v of idx.fn(obj)) removeFrom(idx.map, v, key);
    }
  }

  private emitWrite(
    actor: string,
    verb: 'create' | 'update' | 'updateStatus' | 'delete' | 'remove',
    obj: KObject,
  ): void {
    if (!this.inspector.active) return;
    this.inspector.emit({
      type: 'write',
      actor,
      verb,
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      resourceVersion: obj.metadata.resourceVersion ?? '',
    });
  }

  private notify(ev: WatchEvent): void {
    const inspecting = this.inspector.active;
    // Copy: a handler may add or remove watches.
    for (const w of this.watchers.slice()) {
      if (w.kind !== '*' && w.kind !== ev.object.kind) continue;
      if (inspecting) {
        this.inspector.emit({
          type: 'watch',
          watcher: w.name,
          event: ev.type,
          kind: ev.object.kind,
          namespace: ev.object.metadata.namespace ?? '',
          name: ev.object.metadata.name ?? '',
          resourceVersion: ev.object.metadata.resourceVersion ?? '',
        });
      }
      w.handler(ev);
    }
  }
}

/** apimachinery pkg/util/rand: the alphabet of generated name suffixes (no vowels, no 0/1/3). */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function sameSpec(a: KObject, b: KObject): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === 'metadata' || k === 'status') continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  return true;
}

function copyOrDelete<T extends object>(to: T, from: T, field: keyof T): void {
  if (from[field] === undefined) delete to[field];
  else to[field] = from[field];
}

function addTo(map: Map<string, Set<string>>, k: string, v: string): void {
  let s = map.get(k);
  if (!s) map.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom(map: Map<string, Set<string>>, k: string, v: string): void {
  const s = map.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) map.delete(k);
}

function composeStrategies(a: Strategy, b: Strategy): Strategy {
  return {
    prepareForCreate: (o, c) => {
      a.prepareForCreate?.(o, c);
      b.prepareForCreate?.(o, c);
    },
    validate: (o, c) => [...(a.validate?.(o, c) ?? []), ...(b.validate?.(o, c) ?? [])],
    allocate: (o, c) => {
      a.allocate?.(o, c);
      b.allocate?.(o, c);
    },
    prepareForUpdate: (o, old, c) => {
      a.prepareForUpdate?.(o, old, c);
      b.prepareForUpdate?.(o, old, c);
    },
    validateUpdate: (o, old, c) => [
      ...(a.validateUpdate?.(o, old, c) ?? []),
      ...(b.validateUpdate?.(o, old, c) ?? []),
    ],
    allocateUpdate: (o, old, c) => {
      a.allocateUpdate?.(o, old, c);
      b.allocateUpdate?.(o, old, c);
    },
    gracefulDeleteSeconds: (o, r) =>
      b.gracefulDeleteSeconds?.(o, r) ?? a.gracefulDeleteSeconds?.(o, r),
    afterDelete: (o, c) => {
      a.afterDelete?.(o, c);
      b.afterDelete?.(o, c);
    },
  };
}

export { ApiError, objectKey };
