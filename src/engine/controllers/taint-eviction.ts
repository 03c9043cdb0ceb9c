/**
 * The taint eviction controller (kube-controller-manager's `taint-eviction-controller`, split out
 * of the node lifecycle controller's "taint manager" in v1.29, SeparateTaintEvictionController).
 *
 * Models pkg/controller/tainteviction/taint_eviction.go (v1.30) with timed_workers.go: it keeps
 * the NoExecute taints of every node (handleNodeUpdate) and, for each pod on a tainted node
 * (processPodOnNode):
 *  - a pod that does not tolerate every NoExecute taint is deleted at once;
 *  - a pod that tolerates them all is deleted once the shortest tolerationSeconds of the
 *    tolerations used has passed since the controller saw the taint (the DefaultTolerationSeconds
 *    admission gives every pod 300 s for `not-ready` and `unreachable`);
 *  - a pod whose tolerations have no tolerationSeconds (DaemonSet pods) stays;
 *  - when the taints go, or the pod goes, before then, the deletion is cancelled:
 *    `TaintManagerEviction` "Cancelling deletion of Pod default/x".
 * The deletion (deletePodHandler, addConditionAndDeletePod) records `TaintManagerEviction`
 * "Marking for deletion Pod default/x", adds the pod condition `DisruptionTarget` (True,
 * `DeletionByTaintManager`), then deletes the pod gracefully. On a node that is down the kubelet
 * is not there to finish the job, so the pod stays Terminating until the node comes back, as on a
 * real cluster; its ReplicaSet has already replaced it.
 *
 * The events are about a reference without a uid, as upstream's (so `kubectl get events` shows
 * them, and `kubectl describe pod`, which selects events by uid, does not).
 *
 * Timers: a deletion due within a minute keeps settle() waiting (like the kubelet's converging
 * steps); the usual 300 s wait is a background timer that fires as time passes.
 *
 * Simplified: no worker sharding or node-update priority (one queue); a pod that gets a second,
 * shorter toleration while its deletion is scheduled keeps its first schedule (as upstream does,
 * whose re-scheduling branch needs two updates in the same nanosecond).
 */
import type { Node, Pod, PodCondition, Taint, Toleration } from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import { deepEqual, nsKey, splitNsName } from '../api/types';
import type { ClusterContext } from '../context';
import { formatTimestamp } from '../sim/clock';
import { ensurePodNodeIndex } from './kubelet/kubelet';
import { toleratesTaint } from './scheduler/cache';

const ACTOR = 'taint-eviction-controller';
/** Deletions due within this horizon are foreground timers (as the kubelet's FOREGROUND_HORIZON_MS). */
const FOREGROUND_HORIZON_MS = 60_000;

/** Work-queue keys: a node update, a pod update, a scheduled deletion coming due. */
const NODE = 'node:';
const POD = 'pod:';
const EVICT = 'evict:';

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;

/** timed_workers.go TimedWorker: when the deletion was scheduled, and when it fires. */
interface TimedWorker {
  createdAt: number;
  fireAt: number;
}

/** getNoExecuteTaints. */
function noExecuteTaints(node: Node | undefined): Taint[] {
  const out: Taint[] = [];
  for (const t of node?.spec?.taints ?? []) if (t.effect === 'NoExecute') out.push(t);
  return out;
}

/**
 * v1helper.GetMatchingTolerations: whether every taint is tolerated, and the toleration used for
 * each (the first that tolerates it).
 */
export function getMatchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const tol = tolerations.find((t) => toleratesTaint(t, taint));
    if (!tol) return { allTolerated: false, used: [] };
    used.push(tol);
  }
  return { allTolerated: true, used };
}

/** getMinTolerationTime in ms: the shortest tolerationSeconds (≤ 0 counts as 0); -1 = forever. */
export function getMinTolerationTime(tolerations: readonly Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    const s = t.tolerationSeconds;
    if (s === undefined || s === null) continue;
    if (s <= 0) return 0;
    if (s < min) min = s;
  }
  return min === Infinity ? -1 : min * 1000;
}

export function startTaintEvictionController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  ensurePodNodeIndex(store);
  const recorder = ctx.events.newRecorder({ component: ACTOR });
  const c = ctx.newController(ACTOR);
  /** taintedNodes: the NoExecute taints of each node that has some. */
  const taintedNodes = new Map<string, Taint[]>();
  /**
   * taintEvictionQueue (TimedWorkerQueue), by `namespace/name`: a scheduled deletion, or null
   * once it ran (kept "to prevent subsequent additions") or for one that runs at once.
   */
  const workers = new Map<string, TimedWorker | null>();
  /** Deletions to run at once (upstream starts them in a goroutine: they cannot be cancelled). */
  const immediate = new Set<string>();

  // NodeUpdated: only a change of the node's NoExecute taints matters.
  c.watch('Node', (ev) => {
    const name = ev.object.metadata.name ?? '';
    if (ev.type === 'DELETED') return taintedNodes.has(name) ? NODE + name : undefined;
    const taints = noExecuteTaints(ev.object as StoredNode);
    if (ev.type === 'ADDED') return taints.length > 0 ? NODE + name : undefined;
    if (deepEqual(noExecuteTaints(ev.old as StoredNode | undefined), taints)) return undefined;
    return NODE + name;
  });

  // PodUpdated: a new or deleted pod, or a change of its node or tolerations. handlePodUpdate
  // only acts on pods of tainted nodes (or with a deletion scheduled), so only those are queued.
  c.watch('Pod', (ev) => {
    const pod = ev.object as StoredPod;
    const key = nsKey(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (ev.type === 'DELETED') return workers.has(key) ? POD + key : undefined;
    if (ev.type === 'MODIFIED') {
      const old = ev.old as StoredPod | undefined;
      // (A status write keeps the spec object: the common case costs one comparison.)
      if (old?.spec === pod.spec) return undefined;
      if (
        old?.spec?.nodeName === pod.spec?.nodeName &&
        deepEqual(old?.spec?.tolerations ?? [], pod.spec?.tolerations ?? [])
      ) {
        return undefined;
      }
    }
    const node = pod.spec?.nodeName;
    return node && taintedNodes.has(node) ? POD + key : undefined;
  });

  // The informer's initial list: nodes tainted already.
  for (const n of store.list<StoredNode>('Node')) {
    if (noExecuteTaints(n).length > 0) c.enqueue(NODE + (n.metadata.name ?? ''));
  }

  c.onReconcile((key) => {
    if (key.startsWith(NODE)) handleNodeUpdate(key.slice(NODE.length));
    else if (key.startsWith(POD)) handlePodUpdate(key.slice(POD.length));
    else if (key.startsWith(EVICT)) fire(key.slice(EVICT.length));
  });

  // Models taint_eviction.go handleNodeUpdate.
  function handleNodeUpdate(name: string): void {
    const node = store.get<StoredNode>('Node', undefined, name);
    if (!node) {
      taintedNodes.delete(name);
      return;
    }
    const taints = noExecuteTaints(node);
    if (taints.length === 0) taintedNodes.delete(name);
    else taintedNodes.set(name, taints);
    const pods = store.byIndex<StoredPod>('Pod', 'nodeName', name);
    if (pods.length === 0) return;
    if (taints.length === 0) {
      // All taints were removed from the node: cancel all evictions.
      for (const p of pods)
        cancelWorkWithEvent(nsKey(p.metadata.namespace ?? '', p.metadata.name ?? ''));
      return;
    }
    const now = clock.now();
    for (const p of pods) {
      const podKey = nsKey(p.metadata.namespace ?? '', p.metadata.name ?? '');
      processPodOnNode(podKey, p.spec?.tolerations ?? [], taints, now);
    }
  }

  // Models taint_eviction.go handlePodUpdate.
  function handlePodUpdate(podKey: string): void {
    const { namespace, name } = splitNsName(podKey);
    const pod = store.get<StoredPod>('Pod', namespace, name);
    if (!pod) {
      cancelWorkWithEvent(podKey);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    // The node may have been deleted, or its taints removed, which cancelled what was needed.
    const taints = taintedNodes.get(nodeName);
    if (!taints) return;
    processPodOnNode(podKey, pod.spec?.tolerations ?? [], taints, clock.now());
  }

  // Models taint_eviction.go processPodOnNode.
  function processPodOnNode(
    podKey: string,
    tolerations: readonly Toleration[],
    taints: readonly Taint[],
    now: number,
  ): void {
    if (taints.length === 0) cancelWorkWithEvent(podKey);
    const { allTolerated, used } = getMatchingTolerations(taints, tolerations);
    if (!allTolerated) {
      // Not all taints are tolerated: cancel scheduled work (if any), delete the pod right away.
      cancelWorkWithEvent(podKey);
      addWork(podKey, now, now);
      return;
    }
    const minTolerationTime = getMinTolerationTime(used);
    if (minTolerationTime < 0) {
      // Tolerated forever: cancel any scheduled deletion.
      cancelWorkWithEvent(podKey);
      return;
    }
    // A deletion scheduled already stays as it is: it was created no later than now, so it
    // fires no later than a new one would.
    if (workers.get(podKey)) return;
    addWork(podKey, now, now + minTolerationTime);
  }

  // Models timed_workers.go TimedWorkerQueue.AddWork (+ CreateWorker).
  function addWork(podKey: string, createdAt: number, fireAt: number): void {
    if (workers.has(podKey)) return; // "Trying to add already existing work, skipping"
    const delay = fireAt - createdAt;
    if (delay <= 0) {
      workers.set(podKey, null);
      immediate.add(podKey);
      c.enqueue(EVICT + podKey);
      return;
    }
    workers.set(podKey, { createdAt, fireAt });
    c.enqueueAfter(EVICT + podKey, delay, { background: delay > FOREGROUND_HORIZON_MS });
  }

  // Models taint_eviction.go cancelWorkWithEvent + TimedWorkerQueue.CancelWork.
  function cancelWorkWithEvent(podKey: string): void {
    if (!workers.has(podKey)) return;
    const worker = workers.get(podKey);
    workers.delete(podKey);
    // Only a deletion still waiting is cancelled (and said so); one that ran is just forgotten.
    if (worker) event(podKey, `Cancelling deletion of Pod ${podKey}`);
  }

  /** A scheduled deletion's timer fired (or a deletion is to run at once). */
  function fire(podKey: string): void {
    if (!immediate.delete(podKey)) {
      const worker = workers.get(podKey);
      if (!worker) return; // cancelled meanwhile
      const now = clock.now();
      if (worker.fireAt > now) {
        // An older timer of a cancelled-then-rescheduled deletion: wait for the new time.
        const delay = worker.fireAt - now;
        c.enqueueAfter(EVICT + podKey, delay, { background: delay > FOREGROUND_HORIZON_MS });
        return;
      }
    }
    // getWrappedWorkerFunc: done work stays in the queue (null); failed work leaves it.
    if (deletePodHandler(podKey)) workers.set(podKey, null);
    else workers.delete(podKey);
  }

  /** Models taint_eviction.go deletePodHandler + addConditionAndDeletePod. True on success. */
  function deletePodHandler(podKey: string): boolean {
    event(podKey, `Marking for deletion Pod ${podKey}`);
    const { namespace, name } = splitNsName(podKey);
    try {
      const pod = store.get<StoredPod>('Pod', namespace, name);
      if (!pod) return false;
      const conditions = updateDisruptionTarget(pod.status?.conditions ?? []);
      if (conditions) {
        store.updateStatus(
          {
            apiVersion: pod.apiVersion,
            kind: pod.kind,
            metadata: pod.metadata,
            status: { ...pod.status, conditions },
          },
          { actor: ACTOR, transfer: true },
        );
      }
      store.delete('Pod', namespace, name, { actor: ACTOR });
      return true;
    } catch (e) {
      if (!isApiError(e)) throw e;
      return false; // upstream retries a few times, then gives the work up
    }
  }

  /**
   * apipod.UpdatePodCondition with DisruptionTarget=True (DeletionByTaintManager): the new list,
   * or undefined when the pod has that condition already.
   */
  function updateDisruptionTarget(conditions: readonly PodCondition[]): PodCondition[] | undefined {
    const i = conditions.findIndex((cond) => cond.type === 'DisruptionTarget');
    const old = conditions[i];
    const reason = 'DeletionByTaintManager';
    const message = 'Taint manager: deleting due to NoExecute taint';
    if (old && old.status === 'True' && old.reason === reason && old.message === message) {
      return undefined;
    }
    const cond: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      // metav1.Time's zero value, which the API serialises as `lastProbeTime: null`.
      lastProbeTime: null as unknown as string,
      lastTransitionTime:
        old?.status === 'True' && old.lastTransitionTime
          ? old.lastTransitionTime
          : formatTimestamp(clock.now()),
      reason,
      message,
    };
    const next = [...conditions];
    if (old) next[i] = cond;
    else next.push(cond);
    return next;
  }

  /** emitPodDeletionEvent / emitCancelPodDeletionEvent: about a pod reference without a uid. */
  function event(podKey: string, message: string): void {
    const { namespace, name } = splitNsName(podKey);
    const ref: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
    recorder.event(ref, 'Normal', 'TaintManagerEviction', message);
  }
}
