/**
 * Pod helpers shared by the workload controllers, as upstream keeps them in
 * `pkg/api/v1/pod/util.go` (readiness, availability) and `pkg/controller/controller_utils.go`
 * (which pods count as active, and which pod a ReplicaSet deletes first when it scales down).
 *
 * Time is the virtual clock's milliseconds since the epoch; timestamps on objects are RFC 3339
 * strings with second precision, exactly as the API server stores metav1.Time.
 */
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';
import { parseTimestamp } from '../sim/clock';

/** The annotation that lets users rank pods for scale-down (lower cost goes first). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** The pod's Ready condition, if the kubelet has reported one. */
export function getPodReadyCondition(pod: Pod): PodCondition | undefined {
  // A plain loop (no callback): the ReplicaSet controller asks this of every pod on every sync.
  const conds = pod.status?.conditions;
  if (conds) for (let i = 0; i < conds.length; i++) if (conds[i]!.type === 'Ready') return conds[i];
  return undefined;
}

/** Models pkg/api/v1/pod/util.go IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return getPodReadyCondition(pod)?.status === 'True';
}

/**
 * Models pkg/api/v1/pod/util.go IsPodAvailable: ready, and (when minReadySeconds > 0) ready for
 * strictly longer than minReadySeconds, measured from the Ready condition's lastTransitionTime.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTimestamp(getPodReadyCondition(pod)?.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return false;
  return since + minReadySeconds * 1000 < now;
}

/**
 * When a ready pod that is not yet available becomes available (the first millisecond at which
 * isPodAvailable turns true), or undefined if it is not ready or has no transition time.
 */
export function podAvailableAt(pod: Pod, minReadySeconds: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const since = parseTimestamp(getPodReadyCondition(pod)?.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return undefined;
  return since + Math.max(0, minReadySeconds) * 1000 + 1;
}

/**
 * Models pkg/controller/controller_utils.go IsPodActive: not Succeeded, not Failed and not being
 * deleted. Controllers count only active pods towards their replicas, so a Terminating pod is
 * already replaced while its grace period runs.
 */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

// ---------------------------------------------------------------- scale-down victim order

/** Pending (or no phase yet) < Unknown < Running, as controller_utils' podPhaseToOrdinal. */
function phaseOrdinal(pod: Pod): number {
  switch (pod.status?.phase) {
    case 'Unknown':
      return 1;
    case 'Running':
      return 2;
    default:
      return 0;
  }
}

/** helper.GetDeletionCostFromPodAnnotations: an int32, 0 when absent or malformed. */
function deletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** The max restart count of regular containers, then of restartable (sidecar) init containers. */
function maxContainerRestarts(pod: Pod): [regular: number, sidecar: number] {
  let regular = 0;
  for (const s of pod.status?.containerStatuses ?? [])
    regular = Math.max(regular, s.restartCount ?? 0);
  const sidecars = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
  );
  let sidecar = 0;
  for (const s of pod.status?.initContainerStatuses ?? [])
    if (sidecars.has(s.name)) sidecar = Math.max(sidecar, s.restartCount ?? 0);
  return [regular, sidecar];
}

/** A timestamp in ms, or undefined for the zero time (absent or unparsable). */
function timeOf(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = parseTimestamp(s);
  return Number.isNaN(t) ? undefined : t;
}

/** afterOrZero: the zero time sorts first; otherwise the later time sorts first. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/**
 * logarithmicRankDiff: compare the ages on a log2 scale of nanoseconds, so pods of roughly the
 * same age (same power of two) tie and the tie is broken by UID — upstream's LogarithmicScaleDown
 * (on by default since v1.22), which spreads deletions instead of always hitting the newest pod.
 */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number): number => {
    const d = (now - t) * 1e6; // ms → ns, as Go's time.Duration
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

function uidLess(a: Pod, b: Pod): boolean {
  return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
}

/**
 * Models pkg/controller/controller_utils.go ActivePodsWithRanks.Less: true when pod a should be
 * deleted before pod b. `rankA`/`rankB` count the active related pods on each pod's node.
 *  1. unassigned < assigned; 2. Pending < Unknown < Running; 3. not ready < ready;
 *  4. lower pod-deletion-cost first; 5. higher rank (doubled-up) first;
 *  6. both ready: ready for the shorter time first (log2 buckets, then UID);
 *  7. more container restarts first; 8. newer creationTimestamp first (log2 buckets, then UID).
 */
export function activePodsWithRanksLess(
  a: Pod,
  rankA: number,
  b: Pod,
  rankB: number,
  now: number,
): boolean {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '';
  const pa = phaseOrdinal(a);
  const pb = phaseOrdinal(b);
  if (pa !== pb) return pa < pb;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return !readyA;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA < costB;
  if (rankA !== rankB) return rankA > rankB;
  if (readyA && readyB) {
    const t1 = timeOf(getPodReadyCondition(a)?.lastTransitionTime);
    const t2 = timeOf(getPodReadyCondition(b)?.lastTransitionTime);
    if (t1 !== t2) {
      if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2);
      const diff = logarithmicRankDiff(t1, t2, now);
      return diff === 0 ? uidLess(a, b) : diff < 0;
    }
  }
  const [regA, sideA] = maxContainerRestarts(a);
  const [regB, sideB] = maxContainerRestarts(b);
  if (regA !== regB) return regA > regB;
  if (sideA !== sideB) return sideA > sideB;
  const c1 = timeOf(a.metadata?.creationTimestamp);
  const c2 = timeOf(b.metadata?.creationTimestamp);
  if (c1 !== c2) {
    if (c1 === undefined || c2 === undefined) return afterOrZero(c1, c2);
    const diff = logarithmicRankDiff(c1, c2, now);
    return diff === 0 ? uidLess(a, b) : diff < 0;
  }
  return false;
}

/**
 * Models pkg/controller/replicaset/replica_set.go getPodsToDelete +
 * getPodsRankedByRelatedPodsOnSameNode: the `count` pods to delete first. `related` are the
 * active pods of the same owner family (the Deployment's other ReplicaSets), used to rank pods
 * that are doubled up on a node.
 */
export function getPodsToDelete<P extends Pod>(
  pods: readonly P[],
  related: readonly Pod[],
  count: number,
  now: number,
): P[] {
  if (count >= pods.length) return pods.slice();
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => {
    if (activePodsWithRanksLess(x.pod, x.rank, y.pod, y.rank, now)) return -1;
    if (activePodsWithRanksLess(y.pod, y.rank, x.pod, x.rank, now)) return 1;
    return 0;
  });
  return ranked.slice(0, count).map((r) => r.pod);
}
