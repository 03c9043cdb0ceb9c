/**
 * The API store: kube-apiserver and etcd in one small object.
 *
 * Models the generic registry (k8s.io/apiserver pkg/registry/generic/registry/store.go): objects
 * keyed by kind/namespace/name; one global resourceVersion counter (etcd's revision); uid,
 * generation and creationTimestamp stamped by the server; per-kind strategies for defaulting,
 * validation, allocation and graceful deletion; synchronous watches with ADDED/MODIFIED/DELETED.
 * Of the subresources, status (`updateStatus`) and the pods' binding (`bindPod`).
 *
 * Beside watches it keeps a change feed (`takeChanges()`: what was added, updated, removed since
 * the last call, collapsed) for the UI, and emits the inspection stream (who wrote what).
 *
 * Simplifications: no field managers or server-side apply; finalizers other than the namespace
 * controller's are not modelled (cascading deletion is the garbage collector's background mode).
 * Objects handed out are deep-frozen: copy with deepClone() before editing. Being immutable,
 * they share structure: a new version keeps the parts of the old one it did not change (a status
 * write keeps the spec and labels objects), which is what keeps 10,000-pod clusters cheap.
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
import type { KObject, ObjectMeta, WatchEvent } from './types';
import {
  deepClone,
  deepEqual,
  deepFreeze,
  flatString,
  frozenCopy,
  keyOf,
  objectKey,
} from './types';

/** Who is writing: `kubectl`, `deployment-controller`, `kubelet/node1`, ... */
export interface WriteOptions {
  actor: string;
  /**
   * The caller hands `input` over: it built the object for this call and will never touch it
   * again, so create/update store it without their defensive deep copy (and freeze it). Saves a
   * full copy of every pod a ReplicaSet creates and of every Event. Frozen parts of `input` must
   * not be ones the strategies edit (defaulting fills a fresh spec; stored objects are complete).
   */
  transfer?: boolean;
}

export interface BindOptions extends WriteOptions {
  /**
   * Also clear status.nominatedNodeName, for the scheduler, which clears it once it places a pod
   * (the API server's binding does that itself only from v1.34, KEP-5278). Folding it into the
   * binding saves a second write per pod.
   */
  clearNominatedNodeName?: boolean;
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

/** One object's change since the last takeChanges(). */
interface FeedEntry {
  change: 'added' | 'updated' | 'removed';
  /** The object before the first change (updated, removed). */
  from: KObject | undefined;
  /** The object now (added, updated). */
  to: KObject | undefined;
  /** The feed generation it belongs to; entries of earlier ones were taken already. */
  epoch: number;
}

/** Where the store keeps an object: the object and its change-feed entry, found together. */
interface Slot {
  obj: KObject;
  feed: FeedEntry | undefined;
  /** When the object was last written (the store's write counter): see IndexEntries. */
  written: number;
  /**
   * An unfrozen copy of obj.metadata (same keys, same values), kept by the writes that copy the
   * metadata to change a field or two (status writes, binding, marking for deletion): copying
   * this one takes V8's fast path, copying the frozen original does not. Undefined until the
   * first such write, and again after any other write.
   */
  meta: ObjectMeta | undefined;
  /** Whether obj has the usual layout (see copyWith): 1 with status, 2 without, 0 unknown, -1 other. */
  layout: number;
}

/**
 * The members of one owner-index or secondary-index entry.
 *
 * dependentsOf and byIndex answer in the order in which the members were last written (a write
 * moves an object to the end of every entry it is in), and callers rely on that order. Keeping
 * it eagerly cost two set operations per entry on every write — most of them status writes
 * that change no entry at all. The entries hold slots instead (the same for every version of
 * an object), so such a write touches no entry: it only stamps its slot. A member's place is its
 * last write (slot.written) — or, for a member that joined when addIndex filled a new index
 * (after the writes so far, in list order), that join if it is later — and answers sort by it,
 * which puts them in the very order the eager updates kept.
 */
type IndexEntries = Set<Slot>;

/**
 * The change feed: what changed since the last take, collapsed per object, in the order objects
 * first changed (as a Map keyed by `Kind/ns/name` would keep them). An object's entry hangs off
 * its slot in the store, so recording a write needs no lookup of its own; only the entries of
 * removed objects, whose slots are gone, are kept by key (`tombstones`), should the name come
 * back before the next take.
 */
class ChangeFeed {
  private order: FeedEntry[] = [];
  private tombstones = new Map<string, FeedEntry>();
  private live = 0;
  private epoch = 0;

  get size(): number {
    return this.live;
  }

  /** The object in `slot` was stored: created (no `old`, a new slot) or replaced. */
  written(slot: Slot, obj: KObject, old: KObject | undefined): void {
    if (!old && this.tombstones.size > 0) {
      const key = keyOf(obj);
      const e = this.tombstones.get(key);
      if (e) {
        this.tombstones.delete(key);
        slot.feed = e;
      }
    }
    const prev = this.entry(slot);
    if (!old) this.set(slot, prev, 'added', undefined, obj);
    else if (prev && prev.change !== 'removed')
      prev.to = obj; // still added, or updated from prev.from
    else this.set(slot, prev, 'updated', old, obj);
  }

  /** The object in `slot` is gone (and so is the slot). */
  removed(slot: Slot, cur: KObject): void {
    const prev = this.entry(slot);
    if (prev?.change === 'added') {
      // Added and removed since the last take: nothing to report. As with Map#delete, a later
      // change of this name is reported in the position of its new first change.
      prev.to = undefined;
      prev.epoch = -1;
      this.live--;
      return;
    }
    const from = prev?.change === 'updated' ? prev.from : cur;
    const e = this.set(slot, prev, 'removed', from, undefined);
    this.tombstones.set(keyOf(cur), e);
  }

  take(): ChangeSet {
    const out: ChangeSet = { added: [], updated: [], removed: [] };
    for (const e of this.order) {
      if (e.epoch !== this.epoch) continue;
      if (e.change === 'added') out.added.push(e.to!);
      else if (e.change === 'updated') out.updated.push([e.from!, e.to!]);
      else out.removed.push(e.from!);
    }
    this.epoch++;
    this.order = [];
    this.tombstones = new Map();
    this.live = 0;
    return out;
  }

  private entry(slot: Slot): FeedEntry | undefined {
    const e = slot.feed;
    return e && e.epoch === this.epoch ? e : undefined;
  }

  /** Map#set: an object already in the feed keeps its position; a new one goes last. */
  private set(
    slot: Slot,
    prev: FeedEntry | undefined,
    change: FeedEntry['change'],
    from: KObject | undefined,
    to: KObject | undefined,
  ): FeedEntry {
    if (prev) {
      prev.change = change;
      prev.from = from;
      prev.to = to;
      return prev;
    }
    const e: FeedEntry = { change, from, to, epoch: this.epoch };
    slot.feed = e;
    this.order.push(e);
    this.live++;
    return e;
  }
}

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

interface Index {
  name: string;
  fn: (o: KObject) => string[];
  map: Map<string, IndexEntries>;
  /** When addIndex found each object already stored: its place until it is written again. */
  joined: Map<Slot, number>;
}

interface Watcher {
  kind: string;
  name: string;
  handler: WatchHandler;
}

export class ApiStore {
  private readonly objects = new Map<string, Map<string, Map<string, Slot>>>(); // kind → ns → name → slot
  /**
   * owner uid → the slots of the objects whose ownerReferences name it. This owner index and the
   * secondary indexes hold slots, which always hold the current object (see IndexEntries).
   */
  private readonly dependents = new Map<string, IndexEntries>();
  /** The write counter that orders index entries (slot.written, Index.joined). */
  private writes = 0;
  /** kind → its secondary indexes, in the order they were added. */
  private readonly indexes = new Map<string, Index[]>();
  private readonly watchers: Watcher[] = [];
  /**
   * kind → the watchers that see it (that kind's and '*'), in registration order. Built on first
   * use and dropped whenever a watch is added or removed; a list is never edited in place, so a
   * notification keeps going over the list it started with (as the copy it used to take did).
   */
  private readonly watchersByKind = new Map<string, Watcher[]>();
  private readonly strategies = new Map<string, Strategy>();
  private readonly feed = new ChangeFeed();
  private rv = 0;
  /** formatTimestamp of the current second: thousands of writes share each virtual second. */
  private stampSecond = NaN;
  private stampText = '';

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
    const map = new Map<string, IndexEntries>();
    const joined = new Map<Slot, number>();
    const list = this.indexes.get(kind) ?? [];
    const index: Index = { name: indexName, fn, map, joined };
    const i = list.findIndex((x) => x.name === indexName);
    if (i >= 0)
      list[i] = index; // re-adding an index replaces it
    else list.push(index);
    this.indexes.set(kind, list);
    // In list order, each joining after every write so far (and after the one before it).
    for (const m of this.objects.get(kind)?.values() ?? []) {
      for (const slot of m.values()) {
        joined.set(slot, ++this.writes);
        for (const v of fn(slot.obj)) addTo(map, v, slot);
      }
    }
  }

  /** Register a watch. Handlers run synchronously, in registration order, after each write. */
  watch(kind: string | '*', watcherName: string, handler: WatchHandler): () => void {
    const w: Watcher = { kind, name: watcherName, handler };
    this.watchers.push(w);
    this.watchersByKind.clear();
    return () => {
      const i = this.watchers.indexOf(w);
      if (i >= 0) this.watchers.splice(i, 1);
      this.watchersByKind.clear();
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
      ?.get(name)?.obj as T | undefined;
  }

  getByKey<T extends KObject = KObject>(key: string): T | undefined {
    // `Kind/namespace/name`; names never contain '/', but keep whatever follows as the name.
    const i = key.indexOf('/');
    if (i < 0) return this.get<T>(key, undefined, '');
    const j = key.indexOf('/', i + 1);
    if (j < 0) return this.get<T>(key.slice(0, i), key.slice(i + 1), '');
    return this.get<T>(key.slice(0, i), key.slice(i + 1, j), key.slice(j + 1));
  }

  /** Objects of a kind, optionally in one namespace and matching a selector. Insertion order. */
  list<T extends KObject = KObject>(kind: string, opts: ListOptions = {}): T[] {
    const byNs = this.objects.get(kind);
    if (!byNs) return [];
    const out: T[] = [];
    const push = (m: Map<string, Slot> | undefined): void => {
      if (!m) return;
      for (const { obj } of m.values())
        if (!opts.selector || opts.selector.matches(obj.metadata.labels)) out.push(obj as T);
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
    const entries = this.dependents.get(ownerUid);
    return entries ? (inWriteOrder(entries, kind, undefined) as T[]) : [];
  }

  byIndex<T extends KObject = KObject>(kind: string, indexName: string, value: string): T[] {
    const idx = this.indexes.get(kind)?.find((x) => x.name === indexName);
    if (!idx) throw new Error(`no index ${indexName} on ${kind}`);
    const entries = idx.map.get(value);
    return entries ? (inWriteOrder(entries, undefined, idx.joined) as T[]) : [];
  }

  get resourceVersion(): number {
    return this.rv;
  }

  // ------------------------------------------------------------------ writes

  /** Create an object. Throws ApiError (AlreadyExists, Invalid, NotFound namespace, ...). */
  create<T extends KObject>(input: T, opts: WriteOptions): T {
    const info = this.infoFor(input);
    const obj = opts.transfer ? (input as KObject) : (deepClone(input) as KObject);
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (info.namespaced) meta.namespace = meta.namespace || 'default';
    else delete meta.namespace;
    if (!meta.name && meta.generateName)
      meta.name = this.generateName(info, meta.namespace, meta.generateName);
    const name = meta.name ?? '';
    this.checkNamespace(info, meta.namespace, name);

    const strategy = this.strategies.get(info.kind);
    // (Events have no strategy, and 60,000 of them need no strategy context either.)
    const ctx = strategy ? this.ctx() : undefined;
    if (strategy && ctx) {
      strategy.prepareForCreate?.(obj, ctx);
      const errs = strategy.validate?.(obj, ctx) ?? [];
      if (errs.length > 0) throw invalid(info, name, errs);
    }
    if (this.get(info.kind, meta.namespace, name)) throw alreadyExists(info, name);
    if (strategy && ctx) strategy.allocate?.(obj, ctx);

    meta.uid = this.ids.nextUid();
    meta.resourceVersion = String(++this.rv);
    meta.creationTimestamp = this.timestamp(this.clock.now());
    if (GENERATION_KINDS.has(info.kind)) meta.generation = 1;
    // (`delete` of an absent property is a slow runtime call; most objects have neither.)
    if ('deletionTimestamp' in meta) delete meta.deletionTimestamp;
    if ('deletionGracePeriodSeconds' in meta) delete meta.deletionGracePeriodSeconds;

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
   * The pods/binding subresource, as the scheduler uses it: one write sets spec.nodeName and the
   * PodScheduled=True condition. Models pkg/registry/core/pod/storage/storage.go BindingREST
   * (assignPod → setPodHostAndAnnotations): a pod being deleted, already on a node, or still
   * carrying scheduling gates is refused with Conflict. Like every spec change in this store it
   * bumps metadata.generation. Reported on the inspection stream as an `update` of the pod.
   */
  bindPod(namespace: string, name: string, nodeName: string, opts: BindOptions): KObject {
    const info = kindInfo('Pod')!;
    const slot = this.slotOf('Pod', namespace, name);
    const old = slot?.obj;
    if (!slot || !old) throw notFound(info, name);
    if (!nodeName) {
      throw invalid(info, name, [{ type: 'Required', field: 'target.name', detail: '' }]);
    }
    const spec = (old.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
    const refuse = (why: string): ApiError =>
      new ApiError(
        'Conflict',
        409,
        `Operation cannot be fulfilled on pods/binding "${name}": ${why}`,
        [],
        { kind: 'Pod', name },
      );
    if (old.metadata.deletionTimestamp)
      throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw refuse(`pod ${name} is already assigned to node "${spec.nodeName}"`);
    if (spec.schedulingGates && spec.schedulingGates.length > 0)
      throw refuse(`pod ${name} has non-empty .spec.schedulingGates`);

    const status = { ...(old.status as PodStatusLike | undefined) };
    updatePodCondition(status, 'PodScheduled', 'True', this.timestamp(this.clock.now()));
    if (opts.clearNominatedNodeName && 'nominatedNodeName' in status)
      delete status.nominatedNodeName;
    // {...old, metadata: {...old.metadata, generation, resourceVersion}, spec: {...spec, nodeName},
    // status}, with the object and metadata copied the fast way (see copyWith, thawMeta).
    const metadata = this.thawMeta(slot);
    metadata.generation = (old.metadata.generation ?? 0) + 1;
    metadata.resourceVersion = String(++this.rv);
    const twin = { ...metadata };
    const obj = this.copyWith(slot, metadata, status, { ...spec, nodeName });
    // New here: the object, its metadata and spec (shallow copies of frozen ones, plus strings)
    // and the status (with a new conditions list): freezing those is deepFreeze(obj), without
    // walking into the parts that are the stored object's and frozen already.
    Object.freeze(metadata);
    Object.freeze(obj.spec);
    deepFreeze(status);
    Object.freeze(obj);
    this.replace(slot, obj, old, twin, slot.layout === 2 ? 1 : slot.layout);
    this.emitWrite(opts.actor, 'update', obj);
    this.notify({ type: 'MODIFIED', object: obj, old });
    return obj;
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
    return this.feed.take();
  }

  hasChanges(): boolean {
    return this.feed.size > 0;
  }

  // ------------------------------------------------------------------ internals

  private slotOf(kind: string, namespace: string | undefined, name: string): Slot | undefined {
    return this.objects
      .get(kind)
      ?.get(namespace ?? '')
      ?.get(name);
  }

  /** A fresh, unfrozen copy of a stored object's metadata ({...metadata}), from its twin. */
  private thawMeta(slot: Slot): ObjectMeta {
    return { ...(slot.meta ?? slot.obj.metadata) };
  }

  /**
   * {...slot.obj, metadata} with status (and spec, if given) replaced; an undefined status is
   * left out, as `delete` would. Spreading a frozen (stored) object takes a slow path in V8;
   * an object with the usual layout — apiVersion, kind, metadata, spec[, status], which a spread
   * keeps, with a status added last — is written as a literal instead. Any other layout is
   * spread.
   */
  private copyWith(slot: Slot, metadata: ObjectMeta, status: unknown, spec?: unknown): KObject {
    const old = slot.obj;
    if (slot.layout === 0) slot.layout = layoutOf(old);
    if (slot.layout > 0) {
      // Whole literals (properties added afterwards would live in a second allocation).
      const apiVersion = old.apiVersion;
      const kind = old.kind;
      const newSpec = spec === undefined ? old.spec : spec;
      return status === undefined
        ? { apiVersion, kind, metadata, spec: newSpec }
        : { apiVersion, kind, metadata, spec: newSpec, status };
    }
    const obj: KObject = { ...old, metadata };
    if (spec !== undefined) obj.spec = spec;
    if (status === undefined) delete obj.status;
    else obj.status = status;
    return obj;
  }

  private infoFor(obj: KObject): KindInfo {
    const info = kindInfo(obj.kind);
    if (!info || apiVersionOf(info) !== obj.apiVersion)
      throw noKindMatch(String(obj.kind), String(obj.apiVersion));
    return info;
  }

  private ctx(): StrategyContext {
    return { store: this, now: this.clock.now(), rng: this.rng };
  }

  /** formatTimestamp(ms), remembered for the current second. */
  private timestamp(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stampText = formatTimestamp(ms);
    }
    return this.stampText;
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
      // Flat: the name is a Map key that is looked up for as long as the object lives.
      const name = flatString(prefix + this.rng.string(NAME_ALPHABET, 5));
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
    const slot = this.slotOf(info.kind, ns, name);
    const old = slot?.obj;
    if (!slot || !old) throw notFound(info, name);
    const rvIn = input.metadata?.resourceVersion;
    if (rvIn && rvIn !== old.metadata.resourceVersion) throw conflict(info, name);

    let obj: KObject;
    if (verb === 'updateStatus') {
      // Only status changes, and no strategy hook edits it: the new object shares everything
      // else with the stored one, and the new status shares whatever frozen parts it reuses.
      const status =
        input.status === undefined
          ? undefined
          : opts.transfer
            ? input.status
            : frozenCopy(input.status);
      // Nothing but status can differ: compare that alone (before copying anything).
      if (deepEqual(status, old.status)) return old as T;
      // {...old, metadata: {...old.metadata}} with the status set (or removed), the fast way.
      const metadata = this.thawMeta(slot);
      metadata.resourceVersion = String(++this.rv);
      const twin = { ...metadata };
      obj = this.copyWith(slot, metadata, status);
      Object.freeze(metadata);
      deepFreeze(obj.status);
      Object.freeze(obj);
      // The usual layout stays usual, with or without a status now; any other stays other.
      const layout = slot.layout > 0 ? (status === undefined ? 2 : 1) : slot.layout;
      this.replace(slot, obj, old, twin, layout);
      this.emitWrite(opts.actor, verb, obj);
      this.notify({ type: 'MODIFIED', object: obj, old });
      return obj as T;
    } else {
      obj = opts.transfer ? (input as KObject) : (deepClone(input) as KObject);
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
    if (verb === 'update') {
      obj.metadata.resourceVersion = old.metadata.resourceVersion!;
      if (deepEqual(obj, old)) return old as T; // no-op writes do not bump resourceVersion
      if (GENERATION_KINDS.has(info.kind) && !sameSpec(obj, old)) {
        obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.put(obj, old);
    this.emitWrite(opts.actor, verb, obj);
    this.notify({ type: 'MODIFIED', object: obj, old });
    return obj as T;
  }

  private markDeleted(cur: KObject, grace: number, now: number, opts: WriteOptions): KObject {
    const slot = this.slotOf(cur.kind, cur.metadata.namespace, cur.metadata.name ?? '')!;
    const metadata = this.thawMeta(slot);
    metadata.deletionTimestamp = formatTimestamp(now + grace * 1000);
    metadata.deletionGracePeriodSeconds = grace;
    metadata.resourceVersion = String(++this.rv);
    const twin = { ...metadata };
    const obj = this.copyWith(slot, metadata, cur.status);
    // Shallow copies of frozen objects, plus strings and a number: deepFreeze(obj), shortened.
    Object.freeze(metadata);
    Object.freeze(obj);
    this.replace(slot, obj, cur, twin, slot.layout);
    this.emitWrite(opts.actor, 'delete', obj);
    this.notify({ type: 'MODIFIED', object: obj, old: cur });
    return obj;
  }

  private remove(cur: KObject, opts: DeleteOptions): KObject {
    const meta = cur.metadata;
    const info = kindInfo(cur.kind)!;
    const byName = this.objects.get(cur.kind)?.get(meta.namespace ?? '');
    const slot = byName?.get(meta.name ?? '');
    if (slot) {
      byName!.delete(meta.name ?? '');
      this.feed.removed(slot, cur);
      this.unindex(cur, slot);
    }
    // The deleted object carries a fresh resourceVersion in its DELETED event, as etcd's revision moves.
    const gone = { ...cur, metadata: { ...meta, resourceVersion: String(++this.rv) } };
    Object.freeze(gone.metadata); // as in markDeleted: all else is the frozen stored object's
    Object.freeze(gone);
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
    const name = meta.name ?? '';
    const slot = old ? byName.get(name) : undefined;
    if (slot && old) {
      this.replace(slot, obj, old, undefined, 0);
      return;
    }
    const created: Slot = {
      obj,
      feed: undefined,
      written: ++this.writes,
      meta: undefined,
      layout: 0,
    };
    byName.set(name, created);
    if (old)
      this.reindex(old, obj, created); // (an update always finds its slot)
    else this.index(obj, created);
    this.feed.written(created, obj, old);
  }

  /**
   * Store a new version of the object in `slot` (which the caller found already), with its
   * metadata twin and layout (see Slot) when the caller built them.
   */
  private replace(
    slot: Slot,
    obj: KObject,
    old: KObject,
    twin: ObjectMeta | undefined,
    layout: number,
  ): void {
    slot.obj = obj;
    slot.written = ++this.writes;
    slot.meta = twin;
    slot.layout = layout;
    this.reindex(old, obj, slot);
    this.feed.written(slot, obj, old);
  }

  // (The `if (refs)` tests rather than `?? []`: an empty array allocated for each of 60,000
  // Events adds up.)
  private index(obj: KObject, slot: Slot): void {
    const refs = obj.metadata.ownerReferences;
    if (refs) for (const r of refs) addTo(this.dependents, r.uid, slot);
    const indexes = this.indexes.get(obj.kind);
    if (indexes) for (const idx of indexes) for (const v of idx.fn(obj)) addTo(idx.map, v, slot);
  }

  private unindex(obj: KObject, slot: Slot): void {
    const refs = obj.metadata.ownerReferences;
    if (refs) for (const r of refs) removeFrom(this.dependents, r.uid, slot);
    const indexes = this.indexes.get(obj.kind);
    if (!indexes) return;
    for (const idx of indexes) {
      for (const v of idx.fn(obj)) removeFrom(idx.map, v, slot);
      if (idx.joined.size > 0) idx.joined.delete(slot);
    }
  }

  /**
   * unindex(old) then index(obj), with the same result but no work for the entries that do not
   * change (most writes are status writes): the slot already carries the write's time, which is
   * what moves it to the end of those entries.
   */
  private reindex(old: KObject, obj: KObject, slot: Slot): void {
    const oldRefs = old.metadata.ownerReferences;
    const refs = obj.metadata.ownerReferences;
    if (oldRefs !== refs && !sameOwnerUids(oldRefs, refs)) {
      if (oldRefs) for (const r of oldRefs) removeFrom(this.dependents, r.uid, slot);
      if (refs) for (const r of refs) addTo(this.dependents, r.uid, slot);
    }
    const indexes = this.indexes.get(obj.kind);
    if (!indexes) return;
    for (const idx of indexes) {
      const before = idx.fn(old);
      const after = idx.fn(obj);
      if (before !== after && !sameStrings(before, after)) {
        for (const v of before) removeFrom(idx.map, v, slot);
        for (const v of after) addTo(idx.map, v, slot);
      }
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
    const kind = ev.object.kind;
    let list = this.watchersByKind.get(kind);
    if (!list) {
      list = this.watchers.filter((w) => w.kind === '*' || w.kind === kind);
      this.watchersByKind.set(kind, list);
    }
    // A handler may add or remove watches: that replaces the cached list, not this one.
    for (const w of list) {
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

/** Slot.layout of an object: 1 = apiVersion, kind, metadata, spec, status; 2 = without status. */
function layoutOf(o: KObject): number {
  const keys = Object.keys(o);
  if (keys.length < 4 || keys.length > 5) return -1;
  if (keys[0] !== 'apiVersion' || keys[1] !== 'kind' || keys[2] !== 'metadata') return -1;
  if (keys[3] !== 'spec') return -1;
  // (A status key holding undefined is left to the spread, which keeps such a key.)
  if (keys.length === 5) return keys[4] === 'status' && o.status !== undefined ? 1 : -1;
  return 2;
}

function sameSpec(a: KObject, b: KObject): boolean {
  for (const k in a) {
    if (k === 'metadata' || k === 'status') continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  for (const k in b) {
    if (k === 'metadata' || k === 'status' || k in a) continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  return true;
}

/** The parts of a PodStatus bindPod touches. */
interface PodStatusLike {
  conditions?: Array<Record<string, unknown>>;
  nominatedNodeName?: string;
  [field: string]: unknown;
}

/**
 * podutil.UpdatePodCondition for a condition without reason or message: replace the condition of
 * that type (keeping lastTransitionTime while its status does not change) or append it.
 * Key order as the scheduler writes conditions: type, status, lastProbeTime, lastTransitionTime.
 */
function updatePodCondition(
  status: PodStatusLike,
  type: string,
  value: 'True' | 'False',
  now: string,
): void {
  const conds = status.conditions ? [...status.conditions] : [];
  const i = conds.findIndex((c) => c.type === type);
  const old = i >= 0 ? conds[i] : undefined;
  if (old && old.status === value && old.reason === undefined && old.message === undefined) return;
  const next = {
    type,
    status: value,
    // metav1.Time's zero value, which the API serialises as `lastProbeTime: null`.
    lastProbeTime: null,
    lastTransitionTime:
      old && old.status === value && old.lastTransitionTime ? old.lastTransitionTime : now,
  };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  status.conditions = conds;
}

function sameOwnerUids(
  a: readonly { uid: string }[] | undefined,
  b: readonly { uid: string }[] | undefined,
): boolean {
  const n = a?.length ?? 0;
  if (n !== (b?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) if (a![i]!.uid !== b![i]!.uid) return false;
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function copyOrDelete<T extends object>(to: T, from: T, field: keyof T): void {
  if (from[field] === undefined) delete to[field];
  else to[field] = from[field];
}

function addTo(map: Map<string, IndexEntries>, k: string, slot: Slot): void {
  let entries = map.get(k);
  if (!entries) map.set(k, (entries = new Set()));
  entries.add(slot);
}

function removeFrom(map: Map<string, IndexEntries>, k: string, slot: Slot): void {
  const entries = map.get(k);
  if (!entries) return;
  entries.delete(slot);
  if (entries.size === 0) map.delete(k);
}

/** A member's place in its index entries (see IndexEntries). */
function placeOf(slot: Slot, joined: Map<Slot, number> | undefined): number {
  if (!joined || joined.size === 0) return slot.written;
  const at = joined.get(slot);
  return at !== undefined && at > slot.written ? at : slot.written;
}

/**
 * The current objects of an index entry (of one kind, if given), in the order of their places
 * (see IndexEntries). Small entries (most: a ReplicaSet's few pods) are insertion-sorted as they
 * are read, allocating only the answer. A large entry whose own order is not that any more
 * (members were written since) is sorted and rewritten in that order, so the next answer finds
 * it sorted but for the members written in between: the sort (TimSort, linear on such nearly
 * sorted input) stays cheap even for one ReplicaSet's 1,000 pods read on every sync, where an
 * insertion sort went quadratic. Places are distinct (each write and each join takes a new
 * number), so the order is total.
 */
function inWriteOrder(
  entries: IndexEntries,
  kind: string | undefined,
  joined: Map<Slot, number> | undefined,
): KObject[] {
  if (entries.size > SMALL_ENTRIES) {
    let last = -Infinity;
    for (const slot of entries) {
      const place = placeOf(slot, joined);
      if (place < last) {
        const sorted = [...entries].sort((a, b) => placeOf(a, joined) - placeOf(b, joined));
        entries.clear();
        for (const s of sorted) entries.add(s);
        break;
      }
      last = place;
    }
    const all: KObject[] = [];
    for (const slot of entries) if (!kind || slot.obj.kind === kind) all.push(slot.obj);
    return all;
  }
  const out = new Array<KObject>(entries.size);
  const places = placeScratch;
  let n = 0;
  for (const slot of entries) {
    const obj = slot.obj;
    if (kind && obj.kind !== kind) continue;
    const place = placeOf(slot, joined);
    let j = n - 1;
    for (; j >= 0 && places[j]! > place; j--) {
      places[j + 1] = places[j]!;
      out[j + 1] = out[j]!;
    }
    places[j + 1] = place;
    out[j + 1] = obj;
    n++;
  }
  out.length = n;
  return out;
}

/** Entries up to this size are insertion-sorted on read (see inWriteOrder). */
const SMALL_ENTRIES = 32;
/** Scratch for inWriteOrder: the places of a small entry's objects being sorted. */
const placeScratch = new Float64Array(SMALL_ENTRIES);

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
