/**
 * `kubectl rollout undo (TYPE NAME | TYPE/NAME) [--to-revision=N]`.
 *
 * Models kubectl pkg/polymorphichelpers/rollback.go DeploymentRollbacker.Rollback: modern kubectl
 * rolls a Deployment back on the client side —
 *  1. find the ReplicaSet of the wanted revision (`--to-revision=0`, the default, means the
 *     second-highest revision: deploymentRevision);
 *  2. refuse a paused Deployment; skip when its template already equals that ReplicaSet's
 *     (ignoring the pod-template-hash label): `skipped rollback (current template already matches
 *     revision N)`, N as given on the command line;
 *  3. otherwise JSON-patch `spec.template` with the ReplicaSet's template (hash label removed)
 *     and `metadata.annotations` with the Deployment's skip-listed annotations (last-applied,
 *     revision, ...) plus every other annotation of the ReplicaSet (change-cause among them).
 * The deployment controller then finds that ReplicaSet by its template and renumbers it
 * max+1 (its old number moves to `deployment.kubernetes.io/revision-history`).
 *
 * Simplified: DaemonSets keep their history in ControllerRevisions, which this API server does
 * not serve, so there is never a DaemonSet revision to go back to; `--dry-run` is not offered.
 */
import { deepClone } from '../../../api/types';
import type { DeploymentObj, ReplicaSetObj } from '../../../controllers/deployment/util';
import {
  ANNOTATIONS_TO_SKIP,
  equalIgnoreHash,
  getRevision,
} from '../../../controllers/deployment/util';
import { POD_TEMPLATE_HASH_LABEL } from '../../../controllers/pod-template-hash';
import type { CommandResult } from '../../../shell/types';
import { commandHelp } from '../../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../../types';
import { KubectlError } from '../../types';
import {
  namePrinterLine,
  polymorphicKindError,
  replicaSetsOf,
  requireResources,
  resolveTargets,
} from './common';
import { SELECTOR_FLAG } from '../../flag-specs';

const ACTOR = 'kubectl-rollout';

function revisionNotFound(r: number): KubectlError {
  return new KubectlError(`unable to find specified revision ${r} in history`);
}

/** Models rollback.go deploymentRevision: the ReplicaSet to roll back to. */
export function deploymentRevision(
  d: DeploymentObj,
  all: readonly ReplicaSetObj[],
  toRevision: number,
): ReplicaSetObj {
  let latest: ReplicaSetObj | undefined;
  let latestRevision = -1;
  let previous: ReplicaSetObj | undefined;
  let previousRevision = -1;
  for (const rs of all) {
    const v = getRevision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        previousRevision = latestRevision;
        previous = latest;
        latestRevision = v;
        latest = rs;
      } else if (previousRevision < v) {
        previousRevision = v;
        previous = rs;
      }
    } else if (toRevision === v) {
      return rs;
    }
  }
  if (toRevision > 0) throw revisionNotFound(toRevision);
  if (!previous)
    throw new KubectlError(`no rollout history found for deployment "${d.metadata.name ?? ''}"`);
  return previous;
}

/** Models DeploymentRollbacker.Rollback; returns the name printer's operation. */
function rollbackDeployment(ctx: CommandContext, d: DeploymentObj, toRevision: number): string {
  if (toRevision < 0) throw revisionNotFound(toRevision);
  const rs = deploymentRevision(d, replicaSetsOf(ctx, d).all, toRevision);
  const name = d.metadata.name ?? '';
  if (d.spec?.paused)
    throw new KubectlError(
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`,
    );
  if (equalIgnoreHash(rs.spec?.template, d.spec?.template))
    return `skipped rollback (current template already matches revision ${toRevision})`;

  const template = deepClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) {
    const labels = { ...template.metadata.labels };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    template.metadata = { ...template.metadata, labels };
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;

  const patched = deepClone(d);
  if (patched.spec) patched.spec.template = template;
  if (Object.keys(annotations).length > 0) patched.metadata.annotations = annotations;
  else delete patched.metadata.annotations;
  ctx.env.store.update(patched, { actor: ACTOR });
  return 'rolled back';
}

function runUndo(ctx: CommandContext): CommandResult {
  requireResources(ctx);
  const toRevision = ctx.flags.int('to-revision');
  // The controllers finish what is queued at this instant (renumbering after an earlier undo)
  // before kubectl reads the ReplicaSets, as they would long before a person types this.
  ctx.env.advance(0);
  let stdout = '';
  for (const { info, obj } of resolveTargets(ctx)) {
    let operation: string;
    try {
      if (info.kind === 'Deployment')
        operation = rollbackDeployment(ctx, obj as DeploymentObj, toRevision);
      else if (info.kind === 'DaemonSet') {
        if (toRevision < 0) throw revisionNotFound(toRevision);
        if (toRevision === 0) throw new KubectlError('no last revision to roll back to');
        throw revisionNotFound(toRevision);
      } else throw polymorphicKindError(info, 'rollbacker', 'rollbacker');
    } catch (e) {
      // r.Visit stops at the first error; what was printed before stays printed.
      if (e instanceof KubectlError)
        return { stdout, stderr: `error: ${e.message}\n`, exitCode: 1 };
      throw e;
    }
    stdout += namePrinterLine(obj, operation);
  }
  return { stdout, stderr: '', exitCode: 0 };
}

const UNDO_FLAGS: FlagSpec[] = [
  SELECTOR_FLAG,
  {
    name: 'to-revision',
    type: 'int',
    default: 0,
    usage: 'The revision to rollback to. Default to 0 (last revision).',
  },
];

export const undoCommand: KubectlCommand = {
  name: 'undo',
  short: 'Undo a previous rollout',
  flags: UNDO_FLAGS,
  help: commandHelp({
    long: ['Roll back to a previous rollout.'],
    examples: `# Roll back to the previous deployment
kubectl rollout undo deployment/abc

# Roll back to daemonset revision 3
kubectl rollout undo daemonset/abc --to-revision=3

# Roll back to the previous deployment with dry-run
kubectl rollout undo --dry-run=server deployment/abc`,
    flags: UNDO_FLAGS,
    usage: 'rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]',
  }),
  run: runUndo,
};
