/**
 * The shared controller machinery: informer → work queue → reconcile, as client-go and
 * kubernetes/sample-controller build every controller.
 *
 *  - An informer here is a store watch whose handler maps each event to work-queue keys
 *    (usually `namespace/name` of the object, or of its owner).
 *  - The work queue dedups keys: a key queued twice before it is processed is reconciled once.
 *    A key that is re-added while being processed runs again afterwards (client-go's "dirty" set).
 *  - reconcile(key) reads the current state from the store and writes towards the desired state.
 *    It may ask to be requeued after a delay; a thrown error requeues the key with exponential
 *    back-off (client-go's ItemExponentialFailureRateLimiter: 5 ms doubling, capped at 1000 s).
 *
 * Each Controller is a WorkSource of the event loop, so `settle()` can say which controller kept
 * the loop busy. Reconciles are reported on the inspection stream.
 */
import type { ApiStore } from '../api/store';
import type { KObject, OwnerReference, WatchEvent } from '../api/types';
import { nsKey } from '../api/types';
import type { TimerHandle, VirtualClock } from '../sim/clock';
import type { WorkSource } from '../sim/loop';

export interface ReconcileResult {
  /** Reconcile this key again after this many virtual milliseconds. */
  requeueAfter?: number;
}

export type Reconcile = (key: string) => ReconcileResult | void;

/** Map a watch event to the keys it should queue (none to ignore it). */
export type EventToKeys = (ev: WatchEvent) => Iterable<string> | string | undefined;

export interface ControllerContext {
  store: ApiStore;
  clock: VirtualClock;
}

export class Controller implements WorkSource {
  /**
   * The work queue: keys in arrival order, each at most once (`queued` says which are in it).
   * A FIFO array with a read position, rather than taking the first key of an insertion-ordered
   * Set, which needed an iterator for every item. The same order either way.
   */
  private queue: string[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  /** The key being reconciled (one at a time), and whether it was queued again meanwhile. */
  private processing: string | undefined;
  private dirty = false;
  private readonly delayed = new Map<string, TimerHandle>();
  private readonly failures = new Map<string, number>();
  private readonly unwatch: Array<() => void> = [];
  private reconcileFn: Reconcile = () => undefined;
  /** The event loop's "this source has work" callback (see WorkSource.setReadyListener). */
  private readyListener: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly ctx: ControllerContext,
  ) {}

  /** Set the reconcile function (kept separate so a controller can be built before it is wired). */
  onReconcile(fn: Reconcile): this {
    this.reconcileFn = fn;
    return this;
  }

  /** Informer: watch a kind and queue the keys the mapper returns. */
  watch(kind: string, toKeys: EventToKeys = (ev) => keyFor(ev.object)): this {
    this.unwatch.push(
      this.ctx.store.watch(kind, this.name, (ev) => {
        const keys = toKeys(ev);
        if (keys === undefined) return;
        if (typeof keys === 'string') this.enqueue(keys);
        else for (const k of keys) this.enqueue(k);
      }),
    );
    return this;
  }

  /** Stop watching (a kubelet whose node is deleted, for instance). */
  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    for (const h of this.delayed.values()) this.ctx.clock.cancel(h);
    this.delayed.clear();
    this.queue = [];
    this.head = 0;
    this.queued.clear();
  }

  enqueue(key: string): void {
    if (this.processing === key) {
      this.dirty = true;
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    // From no work to some: tell the event loop, which only looks at sources that said so.
    if (this.queued.size === 1) this.readyListener?.();
  }

  setReadyListener(listener: () => void): void {
    this.readyListener = listener;
  }

  /** Queue the key after a delay (replacing an earlier pending delay only if this one is sooner). */
  enqueueAfter(key: string, ms: number, opts: { background?: boolean } = {}): void {
    if (ms <= 0) {
      this.enqueue(key);
      return;
    }
    const existing = this.delayed.get(key) as (TimerHandle & { due?: number }) | undefined;
    const due = this.ctx.clock.now() + ms;
    if (existing && existing.due !== undefined && existing.due <= due) return;
    if (existing) this.ctx.clock.cancel(existing);
    const h = this.ctx.clock.schedule(
      ms,
      this.name,
      () => {
        this.delayed.delete(key);
        this.enqueue(key);
      },
      opts,
    );
    this.delayed.set(key, h);
  }

  queueLength(): number {
    return this.queued.size;
  }

  hasWork(): boolean {
    return this.queued.size > 0;
  }

  runOne(): void {
    if (this.queued.size === 0) return;
    const key = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      // Drop the consumed front now and then, so a long-busy queue does not keep growing.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queued.delete(key);
    this.processing = key;
    this.dirty = false;
    const inspector = this.ctx.store.inspector;
    try {
      const res = this.reconcileFn(key);
      if (this.failures.size > 0) this.failures.delete(key);
      if (res?.requeueAfter !== undefined) this.enqueueAfter(key, res.requeueAfter);
      if (inspector.active) {
        inspector.emit({
          type: 'reconcile',
          controller: this.name,
          key,
          outcome: res?.requeueAfter !== undefined ? 'requeue' : 'ok',
        });
      }
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const delay = Math.min(5 * 2 ** (n - 1), 1_000_000);
      this.enqueueAfter(key, delay);
      if (inspector.active) {
        inspector.emit({
          type: 'reconcile',
          controller: this.name,
          key,
          outcome: 'error',
          message: err instanceof Error ? err.message : String(err),
        });
      }
    } finally {
      this.processing = undefined;
      if (this.dirty) this.enqueue(key);
    }
  }
}

/** `namespace/name` (or `name` for cluster-scoped objects): client-go's MetaNamespaceKeyFunc. */
export function keyFor(obj: KObject): string {
  const ns = obj.metadata.namespace;
  return ns ? nsKey(ns, obj.metadata.name ?? '') : (obj.metadata.name ?? '');
}

/** The key of the object's controller owner of the given kind, if any. */
export function ownerKey(obj: KObject, ownerKind: string): string | undefined {
  const refs = obj.metadata.ownerReferences;
  if (!refs) return undefined;
  let ref: OwnerReference | undefined;
  for (let i = 0; i < refs.length && !ref; i++) {
    const r = refs[i]!;
    if (r.controller === true && r.kind === ownerKind) ref = r;
  }
  if (!ref) return undefined;
  const ns = obj.metadata.namespace;
  return ns ? nsKey(ns, ref.name) : ref.name;
}
