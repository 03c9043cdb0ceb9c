/**
 * The RollingUpdate strategy, as upstream's pkg/controller/deployment/rolling.go. Each sync does
 * one step: scale the new ReplicaSet up within `replicas + maxSurge` total, or else scale old
 * ReplicaSets down while keeping `replicas − maxUnavailable` pods available. Progress is driven
 * by the ReplicaSets' availableReplicas, so nothing moves until new pods are Ready (for
 * minReadySeconds).
 */
import type { DeploymentControllerContext } from './context';
import { syncRolloutStatus } from './progress';
import type { FoundReplicaSets } from './sync';
import {
  cleanupDeployment,
  getAllReplicaSetsAndSyncRevision,
  scaleReplicaSetAndRecordEvent,
} from './sync';
import type { DeploymentObj, ReplicaSetObj } from './util';
import {
  byCreationTimestamp,
  deploymentComplete,
  desiredReplicas,
  filterActiveReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
  rsReplicas,
} from './util';

/** Models rolling.go rolloutRolling: scale up if we can, else scale down if we can, then status. */
export function rolloutRolling(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
  found?: FoundReplicaSets,
): void {
  const { newRS, oldRSs } = found ?? getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  if (!newRS) return; // not reached: creation either succeeds or throws
  const allRSs = [...oldRSs, newRS];

  if (reconcileNewReplicaSet(dc, allRSs, newRS, d)) {
    syncRolloutStatus(dc, allRSs, newRS, d);
    return;
  }
  if (reconcileOldReplicaSets(dc, allRSs, filterActiveReplicaSets(oldRSs), newRS, d)) {
    syncRolloutStatus(dc, allRSs, newRS, d);
    return;
  }
  if (deploymentComplete(d, d.status ?? {})) cleanupDeployment(dc, oldRSs, d);
  syncRolloutStatus(dc, allRSs, newRS, d);
}

/** Models rolling.go reconcileNewReplicaSet: grow (or trim) the new ReplicaSet. */
export function reconcileNewReplicaSet(
  dc: DeploymentControllerContext,
  allRSs: readonly ReplicaSetObj[],
  newRS: ReplicaSetObj,
  d: DeploymentObj,
): boolean {
  const replicas = desiredReplicas(d);
  if (rsReplicas(newRS) === replicas) return false;
  if (rsReplicas(newRS) > replicas) return scaleReplicaSetAndRecordEvent(dc, newRS, replicas, d)[0];
  const count = newRSNewReplicas(d, allRSs, newRS);
  return scaleReplicaSetAndRecordEvent(dc, newRS, count, d)[0];
}

/**
 * Models rolling.go reconcileOldReplicaSets. At most
 * `maxScaledDown = allPods − minAvailable − newRSUnavailable` old replicas may go: first the
 * unhealthy ones (they hold no availability), then available ones down to minAvailable.
 */
export function reconcileOldReplicaSets(
  dc: DeploymentControllerContext,
  allRSs: readonly ReplicaSetObj[],
  oldRSs: readonly ReplicaSetObj[],
  newRS: ReplicaSetObj,
  d: DeploymentObj,
): boolean {
  if (getReplicaCountForReplicaSets(oldRSs) === 0) return false;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;

  // Unhealthy replicas first; otherwise they could block the rollout until it times out
  // (kubernetes/kubernetes#16737).
  const { oldRSs: cleaned, scaledDown: cleanupCount } = cleanupUnhealthyReplicas(
    dc,
    oldRSs,
    d,
    maxScaledDown,
  );
  const scaledDownCount = scaleDownOldReplicaSetsForRollingUpdate(
    dc,
    [...cleaned, newRS],
    cleaned,
    d,
  );
  return cleanupCount + scaledDownCount > 0;
}

/**
 * Models rolling.go cleanupUnhealthyReplicas: scale old ReplicaSets (oldest first) down by their
 * unavailable replicas, up to maxCleanupCount in total. The ReplicaSet controller then deletes
 * not-ready pods first, so availability does not drop.
 */
export function cleanupUnhealthyReplicas(
  dc: DeploymentControllerContext,
  oldRSsIn: readonly ReplicaSetObj[],
  d: DeploymentObj,
  maxCleanupCount: number,
): { oldRSs: ReplicaSetObj[]; scaledDown: number } {
  const oldRSs = oldRSsIn.slice().sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < oldRSs.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = oldRSs[i]!;
    const replicas = rsReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    const newCount = replicas - count;
    if (newCount > replicas) {
      throw new Error(
        `when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace ?? ''}/${rs.metadata.name ?? ''} ${replicas} -> ${newCount}`,
      );
    }
    const [, updated] = scaleReplicaSetAndRecordEvent(dc, rs, newCount, d);
    total += count;
    oldRSs[i] = updated;
  }
  return { oldRSs, scaledDown: total };
}

/**
 * Models rolling.go scaleDownOldReplicaSetsForRollingUpdate: remove
 * `available − minAvailable` replicas from old ReplicaSets, oldest creationTimestamp first.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  dc: DeploymentControllerContext,
  allRSs: readonly ReplicaSetObj[],
  oldRSsIn: readonly ReplicaSetObj[],
  d: DeploymentObj,
): number {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  if (available <= minAvailable) return 0;
  const oldRSs = oldRSsIn.slice().sort(byCreationTimestamp);
  const totalScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= totalScaleDown) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, totalScaleDown - total);
    scaleReplicaSetAndRecordEvent(dc, rs, replicas - count, d);
    total += count;
  }
  return total;
}
