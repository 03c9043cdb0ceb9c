/**
 * What the deployment controller's sync functions share: the API store, the clock, the event
 * recorder and the work queue (for the progress-deadline requeue), and the few API writes they
 * make, each with the controller's actor name.
 *
 * Our informer cache is the store itself, so it is never stale; the sync functions re-read a
 * ReplicaSet after they write it instead of carrying a stale copy into a conflict the way an
 * upstream controller sometimes does.
 */
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { deepEqual, statusBody } from '../../api/types';
import type { EventRecorder } from '../events';
import type { Controller } from '../runner';
import type { DeploymentObj, ReplicaSetObj } from './util';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';

export interface DeploymentControllerContext {
  store: ApiStore;
  now(): number;
  recorder: EventRecorder;
  controller: Controller;
}

const opts = { actor: DEPLOYMENT_CONTROLLER };
const transferOpts = { actor: DEPLOYMENT_CONTROLLER, transfer: true };

/** The stored version of an object (fresh from the store), or the given one if it is gone. */
export function fresh<T extends KObject>(dc: DeploymentControllerContext, obj: T): T {
  return dc.store.get<T>(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '') ?? obj;
}

export function updateReplicaSet(
  dc: DeploymentControllerContext,
  rs: ReplicaSetObj,
): ReplicaSetObj {
  return dc.store.update(rs, opts);
}

/** Create a ReplicaSet built for the call (nothing in it shared): handed over, not copied. */
export function createReplicaSet(
  dc: DeploymentControllerContext,
  rs: ReplicaSetObj,
): ReplicaSetObj {
  return dc.store.create(rs, transferOpts);
}

/**
 * UpdateStatus of the working copy `d`: its status, and — because upstream's status strategy for
 * Deployments lets annotations through — its annotations (the revision) when they changed.
 * The store's status subresource keeps metadata, so those go through a metadata update first.
 */
export function updateDeploymentStatus(dc: DeploymentControllerContext, d: DeploymentObj): void {
  let cur = dc.store.get<DeploymentObj>('Deployment', d.metadata.namespace, d.metadata.name ?? '');
  if (!cur) return;
  if (!deepEqual(cur.metadata.annotations ?? {}, d.metadata.annotations ?? {})) {
    // The stored object with the new annotations: a copy of its top level and metadata only,
    // handed over, so the update shares the stored (frozen) spec and status instead of copying
    // and freezing the whole template again. A metadata-only update leaves those untouched (the
    // body is the stored one, so neither defaulting nor validation edits it).
    const copy: DeploymentObj = {
      ...cur,
      metadata: { ...cur.metadata, annotations: { ...d.metadata.annotations } },
    };
    cur = dc.store.update(copy, transferOpts);
  }
  if (deepEqual(cur.status, d.status)) return;
  dc.store.updateStatus(statusBody(cur, d.status), opts);
}
