/**
 * The ReplicaSet controller (kube-controller-manager's `replicaset` controller).
 *
 * Models pkg/controller/replicaset/replica_set.go: each sync counts the active pods the
 * ReplicaSet controls (not Succeeded/Failed, not Terminating), creates pods from the template
 * when there are too few (`generateName: <rs>-`, the API server adds 5 random characters) and
 * deletes the best victims when there are too many (controller_utils' ActivePodsWithRanks order:
 * unscheduled, pending, not-ready, cheap, doubled-up, recently ready, restarting, newest first),
 * then writes status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 * observedGeneration). It adopts orphan pods its selector matches and releases pods whose labels
 * no longer match — which is how relabelling a pod takes it out of a ReplicaSet.
 *
 * Simplified, and why:
 *  - no expectations cache: our informer is the store itself and never stale, so a sync always
 *    sees the pods the previous one created or deleted;
 *  - pods are created in one pass instead of upstream's slow-start batches of 1, 2, 4, …, which
 *    only matter when creates fail half-way; and a sync creates (or deletes) at most
 *    PODS_PER_SYNC = 50 pods where upstream allows burstReplicas = 500: its own creations
 *    requeue it at once, at the same virtual instant, for the rest. The event loop runs one unit
 *    at a time, and 500 creations in one unit held the page for 150 ms and more; a real
 *    controller is slower still (its API client allows 20 requests a second);
 *  - availability with minReadySeconds is re-checked at the exact moment the next pod becomes
 *    available, instead of minReadySeconds after the sync once every pod is ready.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { isApiError } from '../api/errors';
import type { ApiStore } from '../api/store';
import type { KObject, OwnerReference, WatchEvent } from '../api/types';
import {
  controllerOf,
  deepClone,
  deepEqual,
  deepFreeze,
  newControllerRef,
  nsKey,
  splitNsName,
  statusBody,
} from '../api/types';
import type { Selector } from '../api/selectors';
import { fromLabelSelector } from '../api/selectors';
import type { ClusterContext } from '../context';
import { formatTimestamp } from '../sim/clock';
import type { EventRecorder } from './events';
import type { ReconcileResult } from './runner';
import {
  getPodsToDelete,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podAvailableAt,
} from './pod-util';
import type { ReplicaSetObj } from './deployment/util';
import { minReadySeconds, rsReplicas } from './deployment/util';

export const REPLICASET_CONTROLLER = 'replicaset-controller';

/** replicaset.BurstReplicas: the most pods created or deleted in one sync. */
export const BURST_REPLICAS = 500;
/** Pods one sync creates or deletes at most here (see the header: the loop's unit of work). */
export const PODS_PER_SYNC = 50;

/** Store index: orphan pods (no controller owner) by namespace, the candidates for adoption. */
const ORPHAN_PODS_INDEX = 'replicaset-controller/orphans';

type PodObj = Pod & KObject;

interface ReplicaSetControllerContext {
  store: ApiStore;
  now(): number;
  recorder: EventRecorder;
}

/** Compiled selectors, keyed by the (frozen, replaced-on-write) selector object itself. */
const selectorCache = new WeakMap<LabelSelector, Selector>();

function selectorOf(rs: ReplicaSetObj): Selector {
  const sel = rs.spec?.selector;
  if (!sel) return fromLabelSelector(undefined);
  let s = selectorCache.get(sel);
  if (!s) selectorCache.set(sel, (s = fromLabelSelector(sel)));
  return s;
}

/** Start the ReplicaSet controller on a cluster. */
export function startReplicaSetController(ctx: ClusterContext): void {
  const { store } = ctx;
  const rsc: ReplicaSetControllerContext = {
    store,
    now: () => ctx.clock.now(),
    recorder: ctx.events.newRecorder({ component: REPLICASET_CONTROLLER }),
  };
  store.addIndex('Pod', ORPHAN_PODS_INDEX, (p) =>
    controllerOf(p) ? [] : [p.metadata.namespace ?? ''],
  );
  ctx
    .newController(REPLICASET_CONTROLLER)
    .watch('ReplicaSet', (ev) => {
      // Our own status writes need no new sync: only spec (generation) and deletion changes do.
      if (
        ev.type === 'MODIFIED' &&
        ev.old &&
        ev.old.metadata.generation === ev.object.metadata.generation &&
        ev.old.metadata.deletionTimestamp === ev.object.metadata.deletionTimestamp
      ) {
        return undefined;
      }
      return rsKey(ev.object.metadata.namespace, ev.object.metadata.name ?? '');
    })
    .watch('Pod', (ev) => podEventKeys(store, ev))
    .onReconcile((key) => syncReplicaSet(rsc, key));
}

function rsKey(namespace: string | undefined, name: string): string {
  return nsKey(namespace ?? 'default', name);
}

/**
 * Models replica_set.go addPod/updatePod/deletePod: a pod event wakes the ReplicaSet that
 * controls it (and the previous one if the owner changed); an orphan pod that was added or
 * relabelled wakes every ReplicaSet in its namespace whose selector matches, for adoption.
 */
function podEventKeys(store: ApiStore, ev: WatchEvent): string[] | string | undefined {
  const pod = ev.object;
  const ns = pod.metadata.namespace;
  const ref = controllerOf(pod);
  const oldRef = ev.old && controllerOf(ev.old);
  const movedFrom =
    oldRef && oldRef.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid ? oldRef : undefined;
  // The usual event (a pod of one ReplicaSet, which it still belongs to): one key, no array.
  if (!movedFrom && ref) return ref.kind === 'ReplicaSet' ? rsKey(ns, ref.name) : undefined;
  const keys: string[] = [];
  if (movedFrom) keys.push(rsKey(ns, movedFrom.name));
  if (ref) {
    if (ref.kind === 'ReplicaSet') keys.push(rsKey(ns, ref.name));
    return keys;
  }
  if (ev.type === 'DELETED' || pod.metadata.deletionTimestamp) return keys;
  const relabelled =
    ev.type === 'ADDED' ||
    !ev.old ||
    !deepEqual(ev.old.metadata.labels, pod.metadata.labels) ||
    oldRef !== undefined;
  if (!relabelled || !pod.metadata.labels) return keys;
  for (const rs of store.list<ReplicaSetObj>('ReplicaSet', { namespace: ns ?? 'default' })) {
    const sel = selectorOf(rs);
    if (!sel.empty && sel.matches(pod.metadata.labels))
      keys.push(rsKey(ns, rs.metadata.name ?? ''));
  }
  return keys;
}

/**
 * Models controller_ref_manager.go ClaimPods: keep the owned pods that still match the selector,
 * release (drop our owner reference from) those that no longer do, and adopt matching orphans —
 * unless the ReplicaSet is being deleted. Takes and returns active pods only.
 */
function claimPods(
  rsc: ReplicaSetControllerContext,
  rs: ReplicaSetObj,
  owned: readonly PodObj[],
): PodObj[] {
  const { store } = rsc;
  const uid = rs.metadata.uid ?? '';
  const sel = selectorOf(rs);
  const out: PodObj[] = [];
  for (const pod of owned) {
    if (sel.matches(pod.metadata.labels)) {
      out.push(pod);
      continue;
    }
    const copy = deepClone(pod);
    const refs = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
    if (refs.length > 0) copy.metadata.ownerReferences = refs;
    else delete copy.metadata.ownerReferences;
    store.update(copy, { actor: REPLICASET_CONTROLLER });
  }
  if (rs.metadata.deletionTimestamp || sel.empty) return out;
  const ns = rs.metadata.namespace ?? 'default';
  for (const pod of store.byIndex<PodObj>('Pod', ORPHAN_PODS_INDEX, ns)) {
    if (!isPodActive(pod) || !sel.matches(pod.metadata.labels)) continue;
    const copy = deepClone(pod);
    copy.metadata.ownerReferences = [
      ...(copy.metadata.ownerReferences ?? []),
      newControllerRef(rs),
    ];
    out.push(store.update(copy, { actor: REPLICASET_CONTROLLER }));
  }
  return out;
}

/**
 * Models replica_set.go syncReplicaSet: claim pods, manageReplicas, then status; requeue when a
 * ready pod will become available (minReadySeconds).
 */
export function syncReplicaSet(
  rsc: ReplicaSetControllerContext,
  key: string,
): ReconcileResult | void {
  const { namespace, name } = splitNsName(key);
  const rs = rsc.store.get<ReplicaSetObj>('ReplicaSet', namespace, name);
  if (!rs) return;
  const uid = rs.metadata.uid ?? '';
  const owned = rsc.store
    .dependentsOf<PodObj>(uid, 'Pod')
    .filter((p) => controllerOf(p)?.uid === uid && isPodActive(p));
  const active = claimPods(rsc, rs, owned);

  let manageErr: Error | undefined;
  if (!rs.metadata.deletionTimestamp) manageErr = manageReplicas(rsc, active, rs);

  const now = rsc.now();
  const newStatus = calculateStatus(rs, active, manageErr, now);
  updateReplicaSetStatus(rsc, rs, newStatus);

  if (manageErr) {
    // A terminating namespace fails every create: nothing to retry (as upstream).
    if (isApiError(manageErr) && manageErr.reason === 'Forbidden') return;
    throw manageErr;
  }
  const minReady = minReadySeconds(rs);
  if (minReady > 0) {
    let next = Infinity;
    for (const pod of active) {
      if (isPodAvailable(pod, minReady, now)) continue;
      const at = podAvailableAt(pod, minReady);
      if (at !== undefined && at < next) next = at;
    }
    if (next !== Infinity) return { requeueAfter: Math.max(1, next - now) };
  }
}

/**
 * Models replica_set.go manageReplicas: create the missing pods or delete the surplus ones
 * (at most PODS_PER_SYNC per sync). Returns the first error, after recording it as an Event.
 */
export function manageReplicas(
  rsc: ReplicaSetControllerContext,
  active: readonly PodObj[],
  rs: ReplicaSetObj,
): Error | undefined {
  const { store, recorder } = rsc;
  const diff = active.length - rsReplicas(rs);
  if (diff < 0) {
    const n = Math.min(-diff, BURST_REPLICAS, PODS_PER_SYNC);
    for (let i = 0; i < n; i++) {
      const pod = podFromTemplate(rs);
      if (!pod.metadata.labels || Object.keys(pod.metadata.labels).length === 0)
        return new Error('unable to create pods, no labels');
      try {
        // Handed over: the store keeps the template's frozen spec (shared by all these pods).
        const created = store.create(pod, { actor: REPLICASET_CONTROLLER, transfer: true });
        recorder.event(
          rs,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${created.metadata.name ?? ''}`,
        );
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        if (!(isApiError(e) && e.reason === 'Forbidden'))
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
        return err;
      }
    }
  } else if (diff > 0) {
    const n = Math.min(diff, BURST_REPLICAS, PODS_PER_SYNC);
    const related = n < active.length ? getIndirectlyRelatedPods(store, rs) : [];
    for (const pod of getPodsToDelete(active, related, n, rsc.now())) {
      const podName = pod.metadata.name ?? '';
      try {
        // Graceful: the pod turns Terminating and stays for its grace period.
        store.delete('Pod', pod.metadata.namespace, podName, { actor: REPLICASET_CONTROLLER });
        recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`);
      } catch (e) {
        if (isApiError(e) && e.reason === 'NotFound') continue;
        const err = e instanceof Error ? e : new Error(String(e));
        recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${err.message}`);
        return err;
      }
    }
  }
  return undefined;
}

/** What every pod stamped from one stored ReplicaSet version has in common, built once. */
const podMetaMemo = new WeakMap<
  ReplicaSetObj,
  { generateName: string; ownerReferences: OwnerReference[] }
>();

/**
 * `<rs>-` and the pod's owner references ([the controller reference]), the latter frozen: a
 * ReplicaSet creates its pods in one sync, and they can all share one (immutable) list, as the
 * store would freeze each pod's own copy anyway. For a stored (frozen) ReplicaSet only.
 */
function podMetaParts(rs: ReplicaSetObj): {
  generateName: string;
  ownerReferences: OwnerReference[];
} {
  const frozen = Object.isFrozen(rs);
  let parts = frozen ? podMetaMemo.get(rs) : undefined;
  if (!parts) {
    const ownerReferences = [newControllerRef(rs)];
    parts = { generateName: `${rs.metadata.name ?? ''}-`, ownerReferences };
    if (frozen) {
      deepFreeze(ownerReferences);
      podMetaMemo.set(rs, parts);
    }
  }
  return parts;
}

/**
 * Models controller_utils.go GetPodFromTemplate: labels, annotations and finalizers of the
 * template, `generateName: <rs>-`, the controller reference, and the pod spec. Upstream copies
 * the spec; here a stored template's spec is frozen, so the pod takes it as it is and the API
 * store's create path copies it only if it must change it (api-strategies.ts).
 */
export function podFromTemplate(rs: ReplicaSetObj): PodObj {
  const t = rs.spec?.template;
  const shared = podMetaParts(rs);
  const metadata: PodObj['metadata'] = {
    generateName: shared.generateName,
    namespace: rs.metadata.namespace ?? 'default',
    ownerReferences: shared.ownerReferences,
  };
  // A stored template's labels and annotations are frozen: the pods share them as they are
  // (nothing on the create path edits them), as they share its spec. That also lets whatever
  // remembers results per labels object (validation, the label index) reuse them pod after pod.
  const labels = t?.metadata?.labels;
  if (labels) metadata.labels = Object.isFrozen(labels) ? labels : { ...labels };
  const annotations = t?.metadata?.annotations;
  if (annotations)
    metadata.annotations = Object.isFrozen(annotations) ? annotations : { ...annotations };
  if (t?.metadata?.finalizers) metadata.finalizers = [...t.metadata.finalizers];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    // Shared only when frozen (stored): an unfrozen spec is the caller's, and gets copied.
    spec: t?.spec && Object.isFrozen(t.spec) ? t.spec : deepClone(t?.spec ?? { containers: [] }),
  };
}

/**
 * Models replica_set.go getIndirectlyRelatedPods: the pods of every ReplicaSet sharing this
 * one's controller (a Deployment's other revisions), to rank doubled-up pods on a node.
 */
function getIndirectlyRelatedPods(store: ApiStore, rs: ReplicaSetObj): PodObj[] {
  const owner = controllerOf(rs);
  const siblings = owner
    ? store
        .dependentsOf<ReplicaSetObj>(owner.uid, 'ReplicaSet')
        .filter((s) => controllerOf(s)?.uid === owner.uid)
    : [rs];
  const out: PodObj[] = [];
  for (const s of siblings) {
    const uid = s.metadata.uid ?? '';
    for (const p of store.dependentsOf<PodObj>(uid, 'Pod'))
      if (controllerOf(p)?.uid === uid) out.push(p);
  }
  return out;
}

/**
 * Models replica_set_utils.go calculateStatus: counts over the active pods (fully labelled =
 * carries every template label; available = ready for minReadySeconds), and the ReplicaFailure
 * condition while creating or deleting pods fails.
 */
export function calculateStatus(
  rs: ReplicaSetObj,
  pods: readonly PodObj[],
  manageErr: Error | undefined,
  now: number,
): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = minReadySeconds(rs);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (hasAllLabels(pod.metadata.labels ?? {}, templateLabels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      // Without minReadySeconds a ready pod is available (IsPodAvailable's first test).
      if (minReady <= 0 || isPodAvailable(pod, minReady, now)) available++;
    }
  }

  let conditions = rs.status?.conditions?.map((c) => ({ ...c }));
  const failure = conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageErr && !failure) {
    const diff = pods.length - rsReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = {
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: formatTimestamp(now),
      reason,
      message: manageErr.message,
    };
    conditions = [...(conditions ?? []), cond];
  } else if (!manageErr && failure) {
    conditions = conditions?.filter((c) => c.type !== 'ReplicaFailure');
  }

  // `replicas` is always written; the other counts are omitempty in the API's JSON.
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions && conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Whether `labels` carries every key=value of `wanted`. */
function hasAllLabels(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  if (labels === wanted) return true; // a pod that shares its template's labels (podFromTemplate)
  for (const k in wanted) if (labels[k] !== wanted[k]) return false;
  return true;
}

/**
 * Models replica_set_utils.go updateReplicaSetStatus: write the counts and observedGeneration
 * when anything differs from what is stored.
 */
function updateReplicaSetStatus(
  rsc: ReplicaSetControllerContext,
  rs: ReplicaSetObj,
  newStatus: ReplicaSetStatus,
): void {
  const cur = rs.status;
  const generation = rs.metadata.generation ?? 0;
  if (
    (cur?.replicas ?? 0) === newStatus.replicas &&
    (cur?.fullyLabeledReplicas ?? 0) === (newStatus.fullyLabeledReplicas ?? 0) &&
    (cur?.readyReplicas ?? 0) === (newStatus.readyReplicas ?? 0) &&
    (cur?.availableReplicas ?? 0) === (newStatus.availableReplicas ?? 0) &&
    generation === (cur?.observedGeneration ?? 0) &&
    deepEqual(cur?.conditions, newStatus.conditions)
  ) {
    return;
  }
  const status: ReplicaSetStatus = { ...newStatus };
  if (generation) status.observedGeneration = generation;
  rsc.store.updateStatus(statusBody(rs, status), { actor: REPLICASET_CONTROLLER });
}
