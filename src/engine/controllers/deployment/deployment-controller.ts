/**
 * The deployment controller (kube-controller-manager's `deployment` controller).
 *
 * Models pkg/controller/deployment/deployment_controller.go: a Deployment owns ReplicaSets, one
 * per pod template it has had; each sync finds the ReplicaSet of the current template (creating
 * it as `<name>-<pod-template-hash>`), moves replicas from the old ReplicaSets to it according to
 * the strategy (RollingUpdate: maxSurge/maxUnavailable; Recreate: all down, then all up), keeps
 * revision numbers (a rollback renumbers the reused ReplicaSet), trims history to
 * revisionHistoryLimit and reports status with the Available and Progressing conditions. The
 * ReplicaSet controller creates and deletes the pods; this controller only writes ReplicaSets.
 *
 * Informers: Deployments (own key); ReplicaSets (→ the owning Deployment); Pod deletions (→ the
 * Deployment owning the pod's ReplicaSet, when it uses Recreate, which waits for old pods to go).
 *
 * Left out, and why:
 *  - adoption/orphaning of ReplicaSets by selector (ClaimReplicaSets): a Deployment here only
 *    manages the ReplicaSets it created, found through the owner index, so no sync scans every
 *    ReplicaSet in the namespace. Selectors are immutable in apps/v1, so release never happens.
 *  - spec.rollbackTo (extensions/v1beta1 only): `kubectl rollout undo` is client-side.
 *  - the pod-template-hash relabelling of pre-1.8 ReplicaSets.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { controllerOf, deepEqual, nsKey, splitNsName } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { ReconcileResult } from '../runner';
import { keyFor } from '../runner';
import { isUnset } from '../pod-template-hash';
import type { DeploymentControllerContext } from './context';
import { DEPLOYMENT_CONTROLLER } from './context';
import type { PodMap } from './recreate';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling';
import {
  checkPausedConditions,
  getAllReplicaSetsAndSyncRevision,
  isScalingEvent,
  sync,
  syncStatusOnly,
} from './sync';
import type { DeploymentObj, ReplicaSetObj } from './util';
import { strategyType } from './util';

/** Start the deployment controller on a cluster. */
export function startDeploymentController(ctx: ClusterContext): void {
  const { store } = ctx;
  const controller = ctx.newController(DEPLOYMENT_CONTROLLER);
  const dc: DeploymentControllerContext = {
    store,
    now: () => ctx.clock.now(),
    recorder: ctx.events.newRecorder({ component: DEPLOYMENT_CONTROLLER }),
    controller,
  };

  const deploymentKeyOf = (rs: ReplicaSetObj | undefined): string | undefined => {
    const ref = rs && controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    return nsKey(rs.metadata.namespace ?? 'default', ref.name);
  };

  controller
    .watch('Deployment', (ev) => {
      // A status-only change is our own write: the sync that wrote it already did the follow-up
      // work upstream leaves to the resync it triggers (see syncRolloutStatus).
      const old = ev.old;
      if (
        ev.type === 'MODIFIED' &&
        old &&
        old.metadata.generation === ev.object.metadata.generation &&
        old.metadata.deletionTimestamp === ev.object.metadata.deletionTimestamp &&
        deepEqual(old.metadata.annotations, ev.object.metadata.annotations)
      ) {
        return undefined;
      }
      return keyFor(ev.object);
    })
    .watch('ReplicaSet', (ev) => {
      // An update that moved the ReplicaSet to another owner wakes both (old first).
      const before = deploymentKeyOf(ev.old as ReplicaSetObj | undefined);
      const now = deploymentKeyOf(ev.object as ReplicaSetObj);
      if (before === undefined || before === now) return now;
      return now === undefined ? before : [before, now];
    })
    .watch('Pod', (ev) => {
      // Upstream's deletePod: only Recreate cares about pods, waiting for the old ones to go.
      if (ev.type !== 'DELETED') return undefined;
      const ref = controllerOf(ev.object);
      if (!ref || ref.kind !== 'ReplicaSet') return undefined;
      const rs = store.get<ReplicaSetObj>('ReplicaSet', ev.object.metadata.namespace, ref.name);
      const key = deploymentKeyOf(rs);
      if (!key) return undefined;
      const { namespace, name } = splitNsName(key);
      const d = store.get<DeploymentObj>('Deployment', namespace, name);
      return d && strategyType(d) === 'Recreate' ? key : undefined;
    })
    .onReconcile((key) => syncDeployment(dc, key));
}

/**
 * Models deployment_controller.go getReplicaSetsForDeployment: the ReplicaSets this Deployment
 * controls, from the owner index (no adoption; see the module header).
 */
export function getReplicaSetsForDeployment(
  dc: DeploymentControllerContext,
  d: DeploymentObj,
): ReplicaSetObj[] {
  const uid = d.metadata.uid ?? '';
  return dc.store
    .dependentsOf<ReplicaSetObj>(uid, 'ReplicaSet')
    .filter((rs) => controllerOf(rs)?.uid === uid);
}

/** Models deployment_controller.go getPodMapForDeployment: pods grouped by ReplicaSet uid. */
export function getPodMapForDeployment(
  dc: DeploymentControllerContext,
  rsList: readonly ReplicaSetObj[],
): PodMap {
  const map = new Map<string, Pod[]>();
  for (const rs of rsList) {
    const uid = rs.metadata.uid ?? '';
    map.set(
      uid,
      dc.store.dependentsOf<Pod & KObject>(uid, 'Pod').filter((p) => controllerOf(p)?.uid === uid),
    );
  }
  return map;
}

/**
 * Models deployment_controller.go syncDeployment: the order of concerns is deletion (status only)
 * → pause bookkeeping → paused (scale only) → resize (scale only) → rollout by strategy.
 */
export function syncDeployment(
  dc: DeploymentControllerContext,
  key: string,
): ReconcileResult | void {
  const { namespace, name } = splitNsName(key);
  const stored = dc.store.get<DeploymentObj>('Deployment', namespace, name);
  if (!stored) return;
  // The working copy, as upstream's `d`: the sync functions replace its status and edit it, and
  // edit its revision annotation. It starts out sharing the stored (frozen) metadata and status;
  // the first edit of either copies it (statusOf in sync.ts, setDeploymentRevision in util.ts),
  // so a sync that changes nothing copies nothing. (Copying a frozen object is slow in V8, and
  // most syncs only read.) Nothing looks at the working copy's own key order.
  const d = {
    apiVersion: stored.apiVersion,
    kind: stored.kind,
    metadata: stored.metadata,
  } as DeploymentObj;
  if (stored.spec) d.spec = stored.spec;
  if (stored.status) d.status = stored.status;

  if (isUnset(d.spec?.selector)) {
    dc.recorder.event(
      d,
      'Warning',
      'SelectingAll',
      'This deployment is selecting all pods. A non-empty selector is required.',
    );
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      const { resourceVersion: _rv, ...meta } = stored.metadata;
      dc.store.updateStatus(
        {
          ...stored,
          metadata: meta,
          status: { ...d.status, observedGeneration: d.metadata.generation },
        },
        { actor: DEPLOYMENT_CONTROLLER },
      );
    }
    return;
  }

  const rsList = getReplicaSetsForDeployment(dc, d);

  if (d.metadata.deletionTimestamp) {
    syncStatusOnly(dc, d, rsList);
    return;
  }

  checkPausedConditions(dc, d);
  if (d.spec?.paused) {
    sync(dc, d, rsList);
    return;
  }

  const writesBefore = dc.store.resourceVersion;
  const found = getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  if (isScalingEvent(dc, d, rsList, found)) {
    sync(dc, d, rsList);
    return;
  }

  if (strategyType(d) === 'Recreate') {
    rolloutRecreate(dc, d, rsList, getPodMapForDeployment(dc, rsList));
    return;
  }
  // rolloutRolling starts with getAllReplicaSetsAndSyncRevision again (creating the new
  // ReplicaSet if need be). When the call just made found it and wrote nothing, nor changed `d`
  // (it writes whenever it changes `d`), the repeat would compute the same from the same state
  // and find nothing to do: its answer is reused.
  const unchanged = found.newRS !== undefined && dc.store.resourceVersion === writesBefore;
  rolloutRolling(dc, d, rsList, unchanged ? found : undefined);
}
