/**
 * The garbage collector: objects whose owners are gone are deleted. Deleting a Deployment
 * removes its ReplicaSets, which removes their Pods (these terminate gracefully, so a learner
 * sees them `Terminating` first); deleting a Service removes its EndpointSlices.
 *
 * Models pkg/controller/garbagecollector (garbagecollector.go attemptToDeleteItem,
 * classifyReferences; graph_builder.go's reaction to an owner disappearing or to a dependent
 * that names an absent owner) in background propagation.
 *
 * How: a watch on every kind. When an object is removed, its dependents (`store.dependentsOf`)
 * are queued; when an object appears (or its ownerReferences change) naming an owner that does
 * not exist, it is queued. Each queued item is classified: if some owners still exist, only the
 * dangling references are removed (as upstream patches them away); if none exist, the item is
 * deleted with its own default grace period.
 *
 * Left out: the dependency graph and its virtual nodes (the store's owner index answers the same
 * questions), foreground deletion (the store treats it as background) and the `foregroundDeletion`
 * / `orphan` finalizers (`propagationPolicy: Orphan` is handled by the store). An owner whose kind
 * this API server does not serve is treated as existing: upstream cannot resolve it either and
 * leaves the dependent alone.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { isApiError } from '../api/errors';
import { kindInfo } from '../api/kinds';
import type { ApiStore } from '../api/store';
import type { KObject } from '../api/types';
import { deepClone, deepEqual, keyOf } from '../api/types';
import type { ClusterContext } from '../context';

/** Whether the owner a reference names exists (same uid). Unknown kinds count as existing. */
export function ownerExists(store: ApiStore, dependent: KObject, ref: OwnerReference): boolean {
  const info = kindInfo(ref.kind);
  if (!info) return true;
  const ns = info.namespaced ? dependent.metadata.namespace : undefined;
  // A namespaced dependent can only be owned by objects in its own namespace; a cluster-scoped
  // dependent naming a namespaced owner is dangling (the GC reports it as such upstream too).
  if (info.namespaced && !ns) return false;
  const owner = store.get(ref.kind, ns, ref.name);
  return owner !== undefined && owner.metadata.uid === ref.uid;
}

export function startGarbageCollector(ctx: ClusterContext): void {
  const { store } = ctx;
  const actor = 'generic-garbage-collector';
  const c = ctx.newController('garbage-collector-controller');

  c.watch('*', (ev) => {
    const o = ev.object;
    if (ev.type === 'DELETED') {
      const uid = o.metadata.uid;
      return uid ? store.dependentsOf(uid).map(keyOf) : undefined;
    }
    const refs = o.metadata.ownerReferences;
    if (!refs || refs.length === 0) return undefined;
    if (ev.type === 'MODIFIED' && deepEqual(ev.old?.metadata.ownerReferences, refs))
      return undefined;
    for (const r of refs) if (!ownerExists(store, o, r)) return keyOf(o);
    return undefined;
  });

  // Models garbagecollector.go attemptToDeleteItem (background propagation).
  c.onReconcile((key) => {
    const item = store.getByKey(key);
    if (!item || item.metadata.deletionTimestamp) return;
    const refs = item.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    // classifyReferences: solid owners exist, dangling ones do not.
    const dangling = refs.filter((r) => !ownerExists(store, item, r));
    if (dangling.length === 0) return;
    const ns = item.metadata.namespace;
    const name = item.metadata.name ?? '';
    try {
      if (dangling.length < refs.length) {
        // Some owner still exists: drop only the references to the absent ones.
        const copy = deepClone(item);
        copy.metadata.ownerReferences = refs.filter((r) => !dangling.includes(r));
        store.update(copy, { actor });
        return;
      }
      store.delete(item.kind, ns, name, { actor, propagationPolicy: 'Background' });
    } catch (e) {
      if (isApiError(e) && e.reason === 'NotFound') return;
      throw e;
    }
  });
}
