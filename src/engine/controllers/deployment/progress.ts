/**
 * Rollout progress, as upstream's pkg/controller/deployment/progress.go: the Progressing
 * condition (`ReplicaSetUpdated` while it moves, `NewReplicaSetAvailable` when done,
 * `ProgressDeadlineExceeded` after progressDeadlineSeconds without progress), ReplicaFailure
 * copied up from the ReplicaSets, and the delayed re-check that notices a stuck rollout.
 */
import type { DeploymentCondition } from 'kubernetes-types/apps/v1';
import type { ReplicaSetCondition } from 'kubernetes-types/apps/v1';
import { deepEqual } from '../../api/types';
import { parseTimestamp } from '../../sim/clock';
import { keyFor } from '../runner';
import type { DeploymentControllerContext } from './context';
import { fresh, updateDeploymentStatus } from './context';
import { calculateStatus } from './sync';
import type { DeploymentObj, ReplicaSetObj } from './util';
import {
  REASON,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getDeploymentCondition,
  hasProgressDeadline,
  newDeploymentCondition,
  progressDeadlineSeconds,
  removeDeploymentCondition,
  setDeploymentCondition,
} from './util';

/**
 * Models progress.go syncRolloutStatus: the status of a rolling-out Deployment, with the
 * Progressing condition. Writes it if it changed; otherwise makes sure a stuck rollout is
 * looked at again when its deadline passes.
 */
export function syncRolloutStatus(
  dc: DeploymentControllerContext,
  allRSs: ReadonlyArray<ReplicaSetObj | undefined>,
  newRSIn: ReplicaSetObj | undefined,
  d: DeploymentObj,
): void {
  const now = dc.now();
  const current = allRSs.map((rs) => (rs ? fresh(dc, rs) : rs));
  const newRS = newRSIn ? fresh(dc, newRSIn) : undefined;
  const newStatus = calculateStatus(current, newRS, d, now);

  if (!hasProgressDeadline(d)) removeDeploymentCondition(newStatus, 'Progressing');

  // Only one ReplicaSet and the rollout already reported complete: nothing to estimate.
  const currentCond = getDeploymentCondition(d.status, 'Progressing');
  const isCompleteDeployment =
    (newStatus.replicas ?? 0) === (newStatus.updatedReplicas ?? 0) &&
    currentCond?.reason === REASON.NewRSAvailable;
  const rsName = newRS?.metadata.name;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    if (deploymentComplete(d, newStatus)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${d.metadata.name ?? ''}" has successfully progressed.`;
      setDeploymentCondition(
        newStatus,
        newDeploymentCondition('Progressing', 'True', REASON.NewRSAvailable, msg, now),
      );
    } else if (deploymentProgressing(d, newStatus)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" is progressing.`
        : `Deployment "${d.metadata.name ?? ''}" is progressing.`;
      const cond = newDeploymentCondition(
        'Progressing',
        'True',
        REASON.ReplicaSetUpdated,
        msg,
        now,
      );
      // Progress refreshes lastUpdateTime even when the reason stays ReplicaSetUpdated (which
      // SetDeploymentCondition alone would not do); lastTransitionTime stays while it is True.
      if (currentCond) {
        if (currentCond.status === 'True' && currentCond.lastTransitionTime !== undefined)
          cond.lastTransitionTime = currentCond.lastTransitionTime;
        removeDeploymentCondition(newStatus, 'Progressing');
      }
      setDeploymentCondition(newStatus, cond);
    } else if (deploymentTimedOut(d, newStatus, now)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${d.metadata.name ?? ''}" has timed out progressing.`;
      setDeploymentCondition(
        newStatus,
        newDeploymentCondition('Progressing', 'False', REASON.TimedOut, msg, now),
      );
    }
  }

  const failure = firstReplicaFailure(current, newRS);
  if (failure) setDeploymentCondition(newStatus, failure);
  else removeDeploymentCondition(newStatus, 'ReplicaFailure');

  if (deepEqual(d.status ?? {}, newStatus)) {
    requeueStuckDeployment(dc, d, newStatus);
    return;
  }
  const wasComplete = deploymentComplete(d, d.status ?? {});
  d.status = newStatus;
  updateDeploymentStatus(dc, d);
  // Upstream's status write triggers another sync through the informer, which then finds the
  // status unchanged and schedules the progress check, or (rollout just completed) cleans up
  // old ReplicaSets. Our watch skips status-only writes, so do both here.
  requeueStuckDeployment(dc, d, newStatus);
  if (!wasComplete && deploymentComplete(d, newStatus)) dc.controller.enqueue(keyFor(d));
}

/** util.ReplicaSetToDeploymentCondition. */
function replicaSetToDeploymentCondition(c: ReplicaSetCondition): DeploymentCondition {
  const out: DeploymentCondition = { type: c.type, status: c.status };
  if (c.lastTransitionTime !== undefined) {
    out.lastUpdateTime = c.lastTransitionTime;
    out.lastTransitionTime = c.lastTransitionTime;
  }
  if (c.reason !== undefined) out.reason = c.reason;
  if (c.message !== undefined) out.message = c.message;
  return out;
}

/**
 * progress.go getReplicaFailures(...)[0], which is all syncRolloutStatus uses: the new
 * ReplicaSet's ReplicaFailure condition, else the first old one's, as a Deployment condition.
 */
function firstReplicaFailure(
  allRSs: ReadonlyArray<ReplicaSetObj | undefined>,
  newRS: ReplicaSetObj | undefined,
): DeploymentCondition | undefined {
  const failureOf = (rs: ReplicaSetObj | undefined): ReplicaSetCondition | undefined => {
    const conds = rs?.status?.conditions;
    if (conds) for (const c of conds) if (c.type === 'ReplicaFailure') return c;
    return undefined;
  };
  let found = failureOf(newRS);
  for (let i = 0; !found && i < allRSs.length; i++) found = failureOf(allRSs[i]);
  return found && replicaSetToDeploymentCondition(found);
}

/**
 * Models progress.go requeueStuckDeployment: a rollout with no progress is looked at again one
 * second after its deadline would pass (lastUpdateTime + progressDeadlineSeconds), so the
 * ProgressDeadlineExceeded condition appears on time. The timer is background housekeeping, as a
 * resync is: it fires while time passes but does not keep `settle()` running for ten minutes.
 */
export function requeueStuckDeployment(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  newStatus: DeploymentObj['status'] & object,
): void {
  const cond = getDeploymentCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, newStatus) || cond.reason === REASON.TimedOut) return;
  const last = parseTimestamp(cond.lastUpdateTime ?? '');
  if (Number.isNaN(last)) return;
  const after = last + progressDeadlineSeconds(d) * 1000 - dc.now();
  dc.controller.enqueueAfter(keyFor(d), Math.max(0, after) + 1000, { background: true });
}
