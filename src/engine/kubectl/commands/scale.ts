/**
 * `kubectl scale`: set spec.replicas through the scale subresource.
 *
 * Models kubectl pkg/cmd/scale/scale.go (Validate, RunScale) and pkg/scale/scale.go
 * (ScaleSimple: with a precondition, GET the scale, check it, then update; without one, a merge
 * patch of spec.replicas). `deployment.apps/x scaled` is printed even when the count does not
 * change. Kinds without a scale subresource (pods, daemon sets, services, ...) get the API
 * server's answer for an unknown subresource: `Error from server (NotFound): the server could
 * not find the requested resource`. Objects named but missing are reported after the others
 * (the builder's ContinueOnError). `--record` (deprecated) also writes the command line into
 * `kubernetes.io/change-cause`. Left out: `-f`, `--timeout` (waiting for the replicas), `-o`.
 */
import { ApiError } from '../../api/errors';
import type { KObject } from '../../api/types';
import { RECORD_FLAG } from '../change-cause';
import { deepClone } from '../../api/types';
import { kindSlashName } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import type { CommandResult } from '../../shell/types';
import {
  dryRunStrategy,
  recordedCause,
  recordNotice,
  result,
  visitResources,
  withChangeCause,
  withDryRun,
} from './label';
import { DRY_RUN_FLAG, SELECTOR_FLAG } from '../flag-specs';

/** The kinds served with a `/scale` subresource (of those the playground has). */
const SCALABLE = new Set(['Deployment', 'ReplicaSet']);

const FLAGS: FlagSpec[] = [
  {
    name: 'all',
    type: 'bool',
    usage: 'Select all resources in the namespace of the specified resource types',
  },
  {
    name: 'current-replicas',
    type: 'int',
    default: -1,
    usage:
      'Precondition for current size. Requires that the current size of the resource match this value in order to scale. -1 (default) for no condition.',
  },
  DRY_RUN_FLAG,
  {
    name: 'replicas',
    type: 'int',
    default: 0,
    usage: 'The new desired number of replicas. Required.',
  },
  {
    name: 'resource-version',
    type: 'string',
    usage:
      'Precondition for resource version. Requires that the current resource version match this value in order to scale.',
  },
  SELECTOR_FLAG,
  RECORD_FLAG,
];

/** pkg/scale PreconditionError. */
function precondition(what: string, expected: string, actual: string): KubectlError {
  return new KubectlError(`Expected ${what} to be ${expected}, was ${actual}`);
}

/** Models pkg/scale/scale.go genericScaler.ScaleSimple for one object. */
function scaleOne(
  ctx: CommandContext,
  obj: KObject,
  replicas: number,
  current: number,
  resourceVersion: string,
  dryRun: 'none' | 'server',
  cause: string | undefined,
): KObject {
  if (!SCALABLE.has(obj.kind))
    throw new ApiError('NotFound', 404, 'the server could not find the requested resource');
  const spec = (obj.spec ?? {}) as { replicas?: number };
  if (current !== -1 && (spec.replicas ?? 0) !== current)
    throw precondition('replicas', String(current), String(spec.replicas ?? 0));
  const rv = obj.metadata.resourceVersion ?? '';
  if (resourceVersion !== '' && rv !== resourceVersion)
    throw precondition('resource version', resourceVersion, rv);
  // The scale subresource, then (with --record) a merge patch of the change-cause: one write here.
  const copy = withChangeCause(deepClone(obj), cause);
  (copy.spec as { replicas?: number }).replicas = replicas;
  if (dryRun === 'server') return copy;
  return ctx.env.store.update(copy, { actor: 'kubectl' });
}

function runScale(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  // cobra checks required flags before the command runs.
  if (!flags.has('replicas')) throw new KubectlError('required flag(s) "replicas" not set');
  const replicas = flags.int('replicas');
  if (replicas < 0)
    throw new KubectlError(
      'The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
    );
  const current = flags.int('current-replicas');
  if (current < -1)
    throw new KubectlError('The --current-replicas must specify an integer of -1 or greater');
  const dryRun = dryRunStrategy(ctx);

  const visited = visitResources(ctx, ctx.args, {
    all: flags.bool('all'),
    selector: flags.string('selector'),
  });
  const resourceVersion = flags.string('resource-version');
  if (resourceVersion !== '' && visited.objects.length > 1)
    throw new KubectlError('cannot use --resource-version with multiple resources');
  if (visited.objects.length === 0) {
    if (visited.errors.length > 0) return result('', visited.errors);
    throw new KubectlError('no objects passed to scale');
  }

  const cause = recordedCause(ctx, FLAGS);
  const notice = recordNotice(ctx);
  let stdout = '';
  for (const obj of visited.objects) {
    if (dryRun !== 'client') {
      try {
        scaleOne(ctx, obj, replicas, current, resourceVersion, dryRun, cause);
      } catch (e) {
        // RunScale stops at the first scaling error.
        return result(stdout, [e], notice);
      }
    }
    stdout += `${kindSlashName(obj)} ${withDryRun('scaled', dryRun)}\n`;
  }
  return result(stdout, visited.errors, notice);
}

/** `kubectl scale --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Set a new size for a deployment, replica set, replication controller, or stateful set.

 Scale also allows users to specify one or more preconditions for the scale action.

 If --current-replicas or --resource-version is specified, it is validated before the scale is attempted, and it is
guaranteed that the precondition holds true when the scale is sent to the server.

Examples:
  # Scale a replica set named 'foo' to 3
  kubectl scale --replicas=3 rs/foo
  
  # Scale a resource identified by type and name specified in "foo.yaml" to 3
  kubectl scale --replicas=3 -f foo.yaml
  
  # If the deployment named mysql's current size is 2, scale mysql to 3
  kubectl scale --current-replicas=2 --replicas=3 deployment/mysql
  
  # Scale multiple replication controllers
  kubectl scale --replicas=5 rc/example1 rc/example2 rc/example3
  
  # Scale stateful set named 'web' to 3
  kubectl scale --replicas=3 statefulset/web

Options:
    --all=false:
\tSelect all resources in the namespace of the specified resource types

    --current-replicas=-1:
\tPrecondition for current size. Requires that the current size of the resource match this value in order to
\tscale. -1 (default) for no condition.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --replicas=0:
\tThe new desired number of replicas. Required.

    --resource-version='':
\tPrecondition for resource version. Requires that the current resource version match this value in order to
\tscale.

    -l, --selector='':
\tSelector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching
\tobjects must satisfy all of the specified label constraints.

Usage:
  kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)
[options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const scaleCommand: KubectlCommand = {
  name: 'scale',
  short: 'Set a new size for a deployment, replica set, or replication controller',
  help: HELP,
  flags: FLAGS,
  run: runScale,
};
