/**
 * The deployment controller's shared steps, as upstream's pkg/controller/deployment/sync.go:
 * finding or creating the new ReplicaSet and keeping revision numbers right, scaling (with
 * proportional scaling mid-rollout), cleaning up old ReplicaSets past revisionHistoryLimit, and
 * computing the Deployment's status.
 */
import type { DeploymentStatus } from 'kubernetes-types/apps/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { isApiError } from '../../api/errors';
import { controllerOf, deepClone, newControllerRef } from '../../api/types';
import { POD_TEMPLATE_HASH_LABEL, computeHash } from '../pod-template-hash';
import type { DeploymentControllerContext } from './context';
import { createReplicaSet, fresh, updateDeploymentStatus, updateReplicaSet } from './context';
import type { DeploymentObj, ReplicaSetObj } from './util';
import {
  REASON,
  REVISION_ANNOTATION,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  desiredReplicas,
  equalIgnoreHash,
  filterActiveReplicaSets,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getDeploymentCondition,
  getDesiredReplicasAnnotation,
  getProportion,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  minReadySeconds,
  newDeploymentCondition,
  newRSNewReplicas,
  replicasAnnotationsNeedUpdate,
  revisionHistoryLimit,
  rsReplicas,
  setDeploymentCondition,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './util';

/**
 * The working status of `d`, to edit: created if absent (upstream's status is a value, never
 * nil), copied first if it is still the stored (frozen) one. A shallow copy is enough: the sync
 * functions set status fields and replace the conditions array, never edit a condition in place.
 */
export function statusOf(d: DeploymentObj): DeploymentStatus {
  if (!d.status) d.status = {};
  else if (Object.isFrozen(d.status)) d.status = { ...d.status };
  return d.status;
}

/**
 * Models sync.go getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when
 * `createIfNotExisted`, with its revision raised to max(old)+1) and all the old ones.
 */
/** What getAllReplicaSetsAndSyncRevision found. */
export interface FoundReplicaSets {
  newRS: ReplicaSetObj | undefined;
  oldRSs: ReplicaSetObj[];
}

export function getAllReplicaSetsAndSyncRevision(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
  createIfNotExisted: boolean,
): FoundReplicaSets {
  const current = rsList.map((rs) => fresh(dc, rs));
  const { all: oldRSs } = findOldReplicaSets(d, current);
  const newRS = getNewReplicaSet(dc, d, current, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

/** labelsutil.CloneSelectorAndAddLabel: the selector with key=value added to matchLabels. */
function cloneSelectorAndAddLabel(
  sel: LabelSelector | undefined,
  key: string,
  value: string,
): LabelSelector {
  const out: LabelSelector = { matchLabels: { ...sel?.matchLabels, [key]: value } };
  if (sel?.matchExpressions) out.matchExpressions = deepClone(sel.matchExpressions);
  return out;
}

/**
 * ReplicaSet annotation maps for which setNewReplicaSetAnnotations found nothing to change,
 * with the Deployment's annotation map and the revision it was asked for. All frozen: the same
 * inputs give the same answer.
 */
const unchangedAnnotations = new WeakMap<
  Record<string, string>,
  { from: Record<string, string>; revision: string }
>();

/**
 * Models sync.go getNewReplicaSet.
 *  - An existing ReplicaSet with the Deployment's template is the new one: its annotations are
 *    synced (a reused one — a rollback — gets revision max+1 and keeps its old number in
 *    revision-history) and the Deployment's revision annotation follows it.
 *  - Otherwise (when asked) a new one is created: `<deployment>-<pod-template-hash>`, the hash in
 *    its selector and template labels, sized by NewRSNewReplicas, with a `Scaled up replica set`
 *    event and the Progressing condition `NewReplicaSetCreated`.
 *  - A name taken by a ReplicaSet with another template is a hash collision: status.collisionCount
 *    is bumped and the sync fails, so the next one hashes differently.
 */
export function getNewReplicaSet(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
  oldRSs: readonly ReplicaSetObj[],
  createIfNotExisted: boolean,
): ReplicaSetObj | undefined {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  const now = dc.now();

  if (existing) {
    // setNewReplicaSetAnnotations edits only the annotations: it is run on a copy of them alone
    // (in a stand-in object), and the ReplicaSet itself is copied only when it must be updated.
    // This runs twice in every sync, and copying the frozen stored object is the slow part.
    // When it found nothing to change for these very (frozen) annotation maps and revision, it
    // will again: that answer is remembered.
    const rsAnnotations = existing.metadata.annotations;
    const dAnnotations = d.metadata.annotations;
    const known = rsAnnotations ? unchangedAnnotations.get(rsAnnotations) : undefined;
    let annotationsUpdated = false;
    let annotations = rsAnnotations;
    if (!known || known.from !== dAnnotations || known.revision !== newRevision) {
      const probe = {
        metadata: rsAnnotations ? { annotations: { ...rsAnnotations } } : {},
      } as ReplicaSetObj;
      annotationsUpdated = setNewReplicaSetAnnotations(d, probe, newRevision, true);
      annotations = probe.metadata.annotations;
      if (
        !annotationsUpdated &&
        rsAnnotations &&
        dAnnotations &&
        Object.isFrozen(rsAnnotations) &&
        Object.isFrozen(dAnnotations)
      )
        unchangedAnnotations.set(rsAnnotations, { from: dAnnotations, revision: newRevision });
    }
    const minReadyNeedsUpdate = minReadySeconds(existing) !== minReadySeconds(d);
    if (annotationsUpdated || minReadyNeedsUpdate) {
      // The same copy as always: the annotations just edited, the spec's top level (the template
      // stays as stored). The store copies whatever it is given.
      const rsCopy: ReplicaSetObj = {
        ...existing,
        metadata: { ...existing.metadata, ...(annotations ? { annotations } : {}) },
      };
      if (existing.spec) rsCopy.spec = { ...existing.spec };
      if (rsCopy.spec) {
        if (minReadySeconds(d) > 0) rsCopy.spec.minReadySeconds = minReadySeconds(d);
        else delete rsCopy.spec.minReadySeconds;
      }
      // The Deployment's revision follows on the next sync, which this update triggers.
      return updateReplicaSet(dc, rsCopy);
    }
    let needsUpdate = setDeploymentRevision(d, annotations?.[REVISION_ANNOTATION] ?? '');
    // A Deployment without a Progressing condition (e.g. one that had no deadline) starts being
    // tracked from the moment its new ReplicaSet is first noticed.
    if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, 'Progressing')) {
      const msg = `Found new replica set "${existing.metadata.name ?? ''}"`;
      setDeploymentCondition(
        statusOf(d),
        newDeploymentCondition('Progressing', 'True', REASON.FoundNewRS, msg, now),
      );
      needsUpdate = true;
    }
    if (needsUpdate) updateDeploymentStatus(dc, d);
    return existing;
  }

  if (!createIfNotExisted) return undefined;

  const template = deepClone(d.spec?.template ?? {});
  const hash = computeHash(d.spec?.template ?? {}, d.status?.collisionCount);
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const newRS: ReplicaSetObj = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      // Deterministic, so a repeated create is idempotent (AlreadyExists is detected below).
      name: `${d.metadata.name ?? ''}-${hash}`,
      namespace: d.metadata.namespace ?? 'default',
      ownerReferences: [newControllerRef(d)],
      labels: { ...labels },
    },
    spec: {
      replicas: 0,
      ...(minReadySeconds(d) > 0 ? { minReadySeconds: minReadySeconds(d) } : {}),
      selector: cloneSelectorAndAddLabel(d.spec?.selector, POD_TEMPLATE_HASH_LABEL, hash),
      template,
    },
  };
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec!.replicas = newReplicasCount;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSetObj;
  let alreadyExists = false;
  try {
    created = createReplicaSet(dc, newRS);
  } catch (e) {
    if (isApiError(e) && e.reason === 'AlreadyExists') {
      alreadyExists = true;
      const rs = dc.store.get<ReplicaSetObj>(
        'ReplicaSet',
        newRS.metadata.namespace,
        newRS.metadata.name ?? '',
      );
      if (!rs) throw e;
      const ref = controllerOf(rs);
      if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
        created = rs;
      } else {
        statusOf(d).collisionCount = (d.status?.collisionCount ?? 0) + 1;
        updateDeploymentStatus(dc, d);
        throw e;
      }
    } else if (isApiError(e) && e.reason === 'Forbidden') {
      // The namespace is terminating: every create will fail, nothing worth reporting.
      throw e;
    } else {
      const why = e instanceof Error ? e.message : String(e);
      const msg = `Failed to create new replica set "${newRS.metadata.name ?? ''}": ${why}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition(
          statusOf(d),
          newDeploymentCondition('Progressing', 'False', REASON.FailedRSCreate, msg, now),
        );
        updateDeploymentStatus(dc, d);
      }
      dc.recorder.event(d, 'Warning', REASON.FailedRSCreate, msg);
      throw e;
    }
  }
  if (!alreadyExists && newReplicasCount > 0) {
    // v1.30 prints the creation without " from 0"; later scalings go through scaleReplicaSet.
    dc.recorder.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${created.metadata.name ?? ''} to ${newReplicasCount}`,
    );
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    const msg = `Created new replica set "${created.metadata.name ?? ''}"`;
    setDeploymentCondition(
      statusOf(d),
      newDeploymentCondition('Progressing', 'True', REASON.NewReplicaSet, msg, now),
    );
    needsUpdate = true;
  }
  if (needsUpdate) updateDeploymentStatus(dc, d);
  return created;
}

/**
 * Models sync.go scale: bring the ReplicaSets to the Deployment's new size.
 *  - One active ReplicaSet (or none): it takes the whole size.
 *  - The new ReplicaSet saturated: the old ones go to zero.
 *  - Mid-rollout (RollingUpdate): the difference between (replicas + maxSurge) and the current
 *    total is split across active ReplicaSets in proportion to their size, largest first (newer
 *    first on ties when growing, older first when shrinking); leftovers go to the first one.
 */
export function scale(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  newRS: ReplicaSetObj | undefined,
  oldRSs: readonly ReplicaSetObj[],
): void {
  const replicas = desiredReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (rsReplicas(activeOrLatest) === replicas) return;
    scaleReplicaSetAndRecordEvent(dc, activeOrLatest, replicas, d);
    return;
  }

  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) scaleReplicaSetAndRecordEvent(dc, old, 0, d);
    return;
  }

  if (!isRollingUpdate(d)) return;
  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allRSsReplicas = getReplicaCountForReplicaSets(allRSs);
  const allowedSize = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - allRSsReplicas;

  let scalingOperation = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    scalingOperation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    scalingOperation = 'down';
  }

  let added = 0;
  const nameToSize = new Map<string, number>();
  for (const rs of allRSs) {
    const name = rs.metadata.name ?? '';
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      nameToSize.set(name, rsReplicas(rs) + proportion);
      added += proportion;
    } else {
      nameToSize.set(name, rsReplicas(rs));
    }
  }

  allRSs.forEach((rs, i) => {
    const name = rs.metadata.name ?? '';
    if (i === 0 && toAdd !== 0) {
      const leftover = toAdd - added;
      nameToSize.set(name, Math.max(0, (nameToSize.get(name) ?? 0) + leftover));
    }
    scaleReplicaSet(dc, rs, nameToSize.get(name) ?? 0, d, scalingOperation);
  });
}

/** sync.go scaleReplicaSetAndRecordEvent: scale up or down, with the matching event wording. */
export function scaleReplicaSetAndRecordEvent(
  dc: DeploymentControllerContext,
  rs: ReplicaSetObj,
  newScale: number,
  d: DeploymentObj,
): [scaled: boolean, rs: ReplicaSetObj] {
  if (rsReplicas(rs) === newScale) return [false, rs];
  const op = rsReplicas(rs) < newScale ? 'up' : 'down';
  return scaleReplicaSet(dc, rs, newScale, d, op);
}

/**
 * sync.go scaleReplicaSet: write spec.replicas and the desired/max-replicas annotations; record
 * `Scaled up|down replica set <rs> to N from M` (v1.30 wording) when the size changed.
 */
export function scaleReplicaSet(
  dc: DeploymentControllerContext,
  rs: ReplicaSetObj,
  newScale: number,
  d: DeploymentObj,
  scalingOperation: string,
): [scaled: boolean, rs: ReplicaSetObj] {
  const sizeNeedsUpdate = rsReplicas(rs) !== newScale;
  const desired = desiredReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return [false, rs];
  const oldScale = rsReplicas(rs);
  const copy = deepClone(fresh(dc, rs));
  if (copy.spec) copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const updated = updateReplicaSet(dc, copy);
  if (!sizeNeedsUpdate) return [false, updated];
  dc.recorder.event(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${scalingOperation} replica set ${updated.metadata.name ?? ''} to ${newScale} from ${oldScale}`,
  );
  return [true, updated];
}

/**
 * Models sync.go cleanupDeployment: keep at most revisionHistoryLimit old ReplicaSets. Candidates
 * are taken lowest revision first (= oldest, unless a rollback renumbered one); only those with
 * no replicas (spec and status), whose spec the ReplicaSet controller has observed, are deleted.
 */
export function cleanupDeployment(
  dc: DeploymentControllerContext,
  oldRSs: readonly ReplicaSetObj[],
  d: DeploymentObj,
): void {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs
    .map((rs) => fresh(dc, rs))
    .filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - revisionHistoryLimit(d);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if (
      (rs.status?.replicas ?? 0) !== 0 ||
      rsReplicas(rs) !== 0 ||
      (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) ||
      rs.metadata.deletionTimestamp
    ) {
      continue;
    }
    try {
      dc.store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name ?? '', {
        actor: 'deployment-controller',
      });
    } catch (e) {
      if (!(isApiError(e) && e.reason === 'NotFound')) throw e;
    }
  }
}

/** Models sync.go calculateStatus (counts from the ReplicaSets; the Available condition). */
export function calculateStatus(
  allRSs: ReadonlyArray<ReplicaSetObj | undefined>,
  newRS: ReplicaSetObj | undefined,
  d: DeploymentObj,
  now: number,
): DeploymentStatus {
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const total = getReplicaCountForReplicaSets(allRSs);
  const unavailable = Math.max(0, total - available);
  // Zero counts are omitted, as the API's `omitempty` JSON tags leave them out.
  const status: DeploymentStatus = {};
  const put = (k: keyof DeploymentStatus, v: number | undefined): void => {
    if (v) (status as Record<string, unknown>)[k] = v;
  };
  put('observedGeneration', d.metadata.generation);
  put('replicas', getActualReplicaCountForReplicaSets(allRSs));
  put('updatedReplicas', getActualReplicaCountForReplicaSets([newRS]));
  put('readyReplicas', getReadyReplicaCountForReplicaSets(allRSs));
  put('availableReplicas', available);
  put('unavailableReplicas', unavailable);
  // The conditions themselves are shared, not copied: they are frozen (stored) or fresh, and the
  // status helpers replace a condition rather than edit one (setDeploymentCondition). (A spread:
  // Array#slice of a frozen array takes a slow path in V8, ten times the cost.)
  if (d.status?.conditions) status.conditions = [...d.status.conditions];
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;

  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        'Available',
        'True',
        REASON.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        'Available',
        'False',
        REASON.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** Models sync.go syncDeploymentStatus: write the calculated status if it differs. */
export function syncDeploymentStatus(
  dc: DeploymentControllerContext,
  allRSs: ReadonlyArray<ReplicaSetObj | undefined>,
  newRS: ReplicaSetObj | undefined,
  d: DeploymentObj,
): void {
  d.status = calculateStatus(allRSs, newRS, d, dc.now());
  updateDeploymentStatus(dc, d);
}

/**
 * Models sync.go isScalingEvent: some active ReplicaSet was sized for a different
 * spec.replicas (its desired-replicas annotation), so this sync is a resize, not a rollout.
 */
export function isScalingEvent(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
  found: FoundReplicaSets = getAllReplicaSetsAndSyncRevision(dc, d, rsList, false),
): boolean {
  const { newRS, oldRSs } = found;
  // The active ones among [...oldRSs, newRS], in that order (without building the list).
  for (let i = 0; i <= oldRSs.length; i++) {
    const rs = i < oldRSs.length ? oldRSs[i] : newRS;
    if (!rs || rsReplicas(rs) <= 0) continue;
    const desired = getDesiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== desiredReplicas(d)) return true;
  }
  return false;
}

/**
 * Models sync.go sync: a resize, or any sync of a paused Deployment. Scales (proportionally),
 * cleans up history when paused, and updates the status — but never rolls out.
 */
export function sync(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  scale(dc, d, newRS, oldRSs);
  // No rollback can be in flight: apps/v1 has no spec.rollbackTo (kubectl rolls back client-side).
  if (d.spec?.paused) cleanupDeployment(dc, oldRSs, d);
  const refreshed = [...oldRSs, newRS].map((rs) => (rs ? fresh(dc, rs) : rs));
  syncDeploymentStatus(dc, refreshed, newRS ? fresh(dc, newRS) : undefined, d);
}

/** Models sync.go syncStatusOnly: a Deployment being deleted only gets its status updated. */
export function syncStatusOnly(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/**
 * Models sync.go checkPausedConditions: Progressing becomes Unknown/DeploymentPaused when paused
 * and Unknown/DeploymentResumed when resumed, so the time spent paused never counts against the
 * progress deadline. A timed-out condition is left alone.
 */
export function checkPausedConditions(dc: DeploymentControllerContext, d: DeploymentObj): void {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, 'Progressing');
  if (cond?.reason === REASON.TimedOut) return;
  const pausedCondExists = cond?.reason === REASON.PausedDeploy;
  const now = dc.now();
  if (d.spec?.paused && !pausedCondExists) {
    setDeploymentCondition(
      statusOf(d),
      newDeploymentCondition(
        'Progressing',
        'Unknown',
        REASON.PausedDeploy,
        'Deployment is paused',
        now,
      ),
    );
  } else if (!d.spec?.paused && pausedCondExists) {
    setDeploymentCondition(
      statusOf(d),
      newDeploymentCondition(
        'Progressing',
        'Unknown',
        REASON.ResumedDeploy,
        'Deployment is resumed',
        now,
      ),
    );
  } else {
    return;
  }
  updateDeploymentStatus(dc, d);
}
