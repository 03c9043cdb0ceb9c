/**
 * The Recreate strategy, as upstream's pkg/controller/deployment/recreate.go: scale every old
 * ReplicaSet to zero, wait until none of their pods is left running (Terminating pods count —
 * the point of Recreate is that old and new never run together), then create the new
 * ReplicaSet at full size.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { DeploymentControllerContext } from './context';
import { syncRolloutStatus } from './progress';
import {
  cleanupDeployment,
  getAllReplicaSetsAndSyncRevision,
  scaleReplicaSetAndRecordEvent,
} from './sync';
import type { DeploymentObj, ReplicaSetObj } from './util';
import {
  deploymentComplete,
  desiredReplicas,
  filterActiveReplicaSets,
  getActualReplicaCountForReplicaSets,
  rsReplicas,
} from './util';

/** Pods of the Deployment grouped by the uid of the ReplicaSet that controls them. */
export type PodMap = ReadonlyMap<string, readonly Pod[]>;

/** Models recreate.go rolloutRecreate. */
export function rolloutRecreate(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
  podMap: PodMap,
): void {
  // Do not create the new ReplicaSet yet: scaling up must wait for the old pods to be gone.
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  let allRSs = [...oldRSs, newRS];

  if (scaleDownOldReplicaSetsForRecreate(dc, filterActiveReplicaSets(oldRSs), d)) {
    syncRolloutStatus(dc, allRSs, newRS, d);
    return;
  }
  if (oldPodsRunning(newRS, oldRSs, podMap)) {
    syncRolloutStatus(dc, allRSs, newRS, d);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(dc, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) scaleReplicaSetAndRecordEvent(dc, newRS, desiredReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) cleanupDeployment(dc, oldRSs, d);
  syncRolloutStatus(dc, allRSs, newRS, d);
}

/** recreate.go scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to zero. */
function scaleDownOldReplicaSetsForRecreate(
  dc: DeploymentControllerContext,
  oldRSs: readonly ReplicaSetObj[],
  d: DeploymentObj,
): boolean {
  let scaled = false;
  for (const rs of oldRSs) {
    if (rsReplicas(rs) === 0) continue;
    if (scaleReplicaSetAndRecordEvent(dc, rs, 0, d)[0]) scaled = true;
  }
  return scaled;
}

/**
 * recreate.go oldPodsRunning: an old ReplicaSet still reports pods, or some pod of an old
 * ReplicaSet is not in a terminal phase (Succeeded/Failed) — including Terminating ones.
 */
export function oldPodsRunning(
  newRS: ReplicaSetObj | undefined,
  oldRSs: readonly ReplicaSetObj[],
  podMap: PodMap,
): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [rsUid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === rsUid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
