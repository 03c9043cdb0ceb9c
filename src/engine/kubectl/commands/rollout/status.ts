/**
 * `kubectl rollout status (TYPE NAME | TYPE/NAME) [--watch] [--timeout] [--revision]`.
 *
 * Models kubectl pkg/cmd/rollout/rollout_status.go (a list-then-watch of the one object,
 * watchtools.UntilWithSync) and pkg/polymorphichelpers/rollout_status.go (the Deployment and
 * DaemonSet status viewers). The status is printed for the object as first read, then for every
 * change the watch delivers, until the viewer says the rollout is done, reports an error
 * (`deployment "x" exceeded its progress deadline`), the object is deleted, or the timeout
 * passes (`error: timed out waiting for the condition`).
 *
 * In the playground the waiting is virtual: the command lets the cluster's time pass in small
 * steps (env.advance) while a store watch on the object feeds the viewer, so the controllers
 * roll the Deployment out "while kubectl watches". Before the first read it lets the controllers
 * handle what is already queued at the current instant (a real controller reacts within
 * milliseconds of `kubectl set image`, long before a person types the next command).
 *
 * Simplified, and why:
 *  - a line is printed when the message changes: the real watch prints one per MODIFIED event,
 *    so a real terminal repeats lines as often as the controllers happen to write the object;
 *  - `--timeout=0` ("never") is capped at 15 minutes of virtual time (or the Deployment's
 *    progress deadline plus a minute, if longer), so a rollout that never finishes still ends,
 *    with kubectl's timeout error;
 *  - the viewer's pod warnings (`(Warning: ImagePullBackOff - ...)`, added in newer kubectl) are
 *    not printed: kubectl 1.30 does not have them.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { KObject } from '../../../api/types';
import type { DeploymentObj } from '../../../controllers/deployment/util';
import {
  REASON,
  getDeploymentCondition,
  getRevision,
  hasProgressDeadline,
  progressDeadlineSeconds,
} from '../../../controllers/deployment/util';
import type { CommandResult } from '../../../shell/types';
import { commandHelp } from '../../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../../types';
import { KubectlError } from '../../types';
import { groupKindString, requireResources, resolveTargets } from './common';
import { SELECTOR_FLAG } from '../../flag-specs';

/** How much virtual time passes between two looks at the watch (ms). */
const STEP_MS = 100;
/** The cap on `--timeout=0` (ms of virtual time). */
const DEFAULT_WAIT_MS = 15 * 60_000;

export interface RolloutStatus {
  message: string;
  done: boolean;
}

/** Models rollout_status.go DeploymentStatusViewer.Status (kubectl 1.30). Throws KubectlError. */
export function deploymentStatus(d: DeploymentObj, revision: number): RolloutStatus {
  const name = d.metadata.name ?? '';
  if (revision > 0) {
    const current = getRevision(d);
    if (current === undefined)
      throw new KubectlError(
        `cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "${d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? ''}": invalid syntax`,
      );
    if (revision !== current)
      throw new KubectlError(
        `desired revision (${revision}) is different from the running revision (${current})`,
      );
  }
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const cond = getDeploymentCondition(s, 'Progressing');
    if (cond?.reason === REASON.TimedOut)
      throw new KubectlError(`deployment "${name}" exceeded its progress deadline`);
    const replicas = d.spec?.replicas;
    const updated = s.updatedReplicas ?? 0;
    if (replicas !== undefined && updated < replicas)
      return {
        message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`,
        done: false,
      };
    if ((s.replicas ?? 0) > updated)
      return {
        message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`,
        done: false,
      };
    if ((s.availableReplicas ?? 0) < updated)
      return {
        message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`,
        done: false,
      };
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
}

/** Models rollout_status.go DaemonSetStatusViewer.Status. Throws KubectlError. */
export function daemonSetStatus(ds: DaemonSet & KObject): RolloutStatus {
  const name = ds.metadata.name ?? '';
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate')
    throw new KubectlError('rollout status is only available for RollingUpdate strategy type');
  const s = ds.status;
  if ((ds.metadata.generation ?? 0) <= (s?.observedGeneration ?? 0)) {
    const desired = s?.desiredNumberScheduled ?? 0;
    const updated = s?.updatedNumberScheduled ?? 0;
    if (updated < desired)
      return {
        message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`,
        done: false,
      };
    const available = s?.numberAvailable ?? 0;
    if (available < desired)
      return {
        message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...\n`,
        done: false,
      };
    return { message: `daemon set "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
}

type Viewer = (obj: KObject) => RolloutStatus;

function viewerFor(kind: string, revision: number): Viewer | undefined {
  if (kind === 'Deployment') return (o) => deploymentStatus(o as DeploymentObj, revision);
  if (kind === 'DaemonSet') return (o) => daemonSetStatus(o as DaemonSet & KObject);
  return undefined;
}

function runStatus(ctx: CommandContext): CommandResult {
  requireResources(ctx);
  const revision = ctx.flags.int('revision');
  if (revision < 0) throw new KubectlError(`revision must be a positive integer: ${revision}`);
  const timeoutMs = Math.max(0, ctx.flags.duration('timeout'));

  // The controllers react to what was just written before kubectl's first look.
  ctx.env.advance(0);
  const targets = resolveTargets(ctx);
  const kinds = new Set(targets.map((t) => t.info.kind));
  if (kinds.size > 1) throw new KubectlError('you may only specify a single resource type');
  if (targets.length !== 1)
    throw new KubectlError(
      `rollout status is only supported on individual resources and resource collections - ${targets.length} resources were found`,
    );
  const { info, obj } = targets[0]!;
  const viewer = viewerFor(info.kind, revision);
  if (!viewer)
    throw new KubectlError(`no status viewer has been implemented for ${groupKindString(info)}`);

  let stdout = '';
  let last = '';
  let finished = false;
  let failure: string | undefined;
  const handle = (o: KObject): void => {
    if (finished) return;
    try {
      const st = viewer(o);
      if (st.message !== last) stdout += st.message;
      last = st.message;
      if (st.done || !ctx.flags.bool('watch')) finished = true;
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      failure = e.message;
      finished = true;
    }
  };
  const result = (): CommandResult =>
    failure === undefined
      ? { stdout, stderr: '', exitCode: 0 }
      : { stdout, stderr: `error: ${failure}\n`, exitCode: 1 };

  handle(obj);
  if (finished) return result();

  let limit = timeoutMs;
  if (limit === 0) {
    limit = DEFAULT_WAIT_MS;
    const d = obj as DeploymentObj;
    if (info.kind === 'Deployment' && hasProgressDeadline(d))
      limit = Math.max(limit, (progressDeadlineSeconds(d) + 60) * 1000);
  }
  const { namespace, name } = obj.metadata;
  const unwatch = ctx.env.store.watch(info.kind, 'kubectl rollout status', (ev) => {
    if (ev.object.metadata.name !== name || ev.object.metadata.namespace !== namespace) return;
    if (ev.type === 'DELETED') {
      if (!finished) failure = 'object has been deleted';
      finished = true;
      return;
    }
    handle(ev.object);
  });
  try {
    for (let waited = 0; !finished && waited < limit; waited += STEP_MS)
      ctx.env.advance(Math.min(STEP_MS, limit - waited));
  } finally {
    unwatch();
  }
  if (!finished) failure = 'timed out waiting for the condition';
  return result();
}

const STATUS_FLAGS: FlagSpec[] = [
  {
    name: 'revision',
    type: 'int',
    default: 0,
    usage: 'Pin to a specific revision for showing its status. Defaults to 0 (last revision).',
  },
  SELECTOR_FLAG,
  {
    name: 'timeout',
    type: 'duration',
    default: '0s',
    usage:
      'The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).',
  },
  {
    name: 'watch',
    short: 'w',
    type: 'bool',
    default: true,
    usage: "Watch the status of the rollout until it's done.",
  },
];

export const statusCommand: KubectlCommand = {
  name: 'status',
  short: 'Show the status of the rollout',
  flags: STATUS_FLAGS,
  help: commandHelp({
    long: [
      'Show the status of the rollout.',
      "By default 'rollout status' will watch the status of the latest rollout until it's done. If you don't want to wait for the rollout to finish then you can use --watch=false. Note that if a new rollout starts in-between, then 'rollout status' will continue watching the latest revision. If you want to pin to a specific revision and abort if it is rolled over by another revision, use --revision=N where N is the revision you need to watch for.",
    ],
    examples: `# Watch the rollout status of a deployment
kubectl rollout status deployment/nginx`,
    flags: STATUS_FLAGS,
    usage: 'rollout status (TYPE NAME | TYPE/NAME) [flags] [options]',
  }),
  run: runStatus,
};
