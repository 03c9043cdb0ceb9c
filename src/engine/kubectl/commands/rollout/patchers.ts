/**
 * `kubectl rollout restart | pause | resume RESOURCE`: three commands that compute a patch per
 * object and apply it.
 *
 * Models kubectl pkg/cmd/rollout/rollout_{restart,pause,resume}.go with
 * pkg/polymorphichelpers/object{restarter,pauser,resumer}.go:
 *  - restart sets `spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]` to
 *    the current time (RFC 3339; the playground's clock is UTC), which changes the template and
 *    so starts a rollout; a paused Deployment is refused;
 *  - pause / resume set `spec.paused`; pausing a paused Deployment (or resuming a running one)
 *    is an error, as is any kind but Deployment;
 *  - errors are collected per object (`error: deployments.apps "x" is already paused`) and
 *    printed after the objects that did change, one per line (cmdutil.MultipleErrors).
 */
import { deepClone } from '../../../api/types';
import type { KObject } from '../../../api/types';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { formatTimestamp } from '../../../sim/clock';
import type { CommandResult } from '../../../shell/types';
import { commandHelp } from '../../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../../types';
import { namePrinterLine, requireResources, resolveTargets, resourceQuoted } from './common';
import { SELECTOR_FLAG } from '../../flag-specs';

const ACTOR = 'kubectl-rollout';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

type Spec = { paused?: boolean; template?: PodTemplateSpec };

/**
 * What a patch function does with one object: the edited copy, or the reason it cannot (the
 * helpers' error text, without the resource prefix).
 */
type PatchResult = { obj: KObject } | { error: string };

function restarter(obj: KObject, now: number): PatchResult {
  if (obj.kind !== 'Deployment' && obj.kind !== 'DaemonSet')
    return { error: 'restarting is not supported' };
  const copy = deepClone(obj);
  const spec = (copy.spec ?? {}) as Spec;
  if (obj.kind === 'Deployment' && spec.paused)
    return { error: "can't restart paused deployment (run rollout resume first)" };
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  meta.annotations = { ...meta.annotations, [RESTARTED_AT_ANNOTATION]: formatTimestamp(now) };
  copy.spec = spec;
  return { obj: copy };
}

function pauser(obj: KObject): PatchResult {
  if (obj.kind !== 'Deployment') return { error: 'pausing is not supported' };
  const copy = deepClone(obj);
  const spec = (copy.spec ?? {}) as Spec;
  if (spec.paused) return { error: 'is already paused' };
  spec.paused = true;
  copy.spec = spec;
  return { obj: copy };
}

function resumer(obj: KObject): PatchResult {
  if (obj.kind !== 'Deployment') return { error: 'resuming is not supported' };
  const copy = deepClone(obj);
  const spec = (copy.spec ?? {}) as Spec;
  if (!spec.paused) return { error: 'is not paused' };
  // The strategic merge patch sets `paused: false`; the API server drops a false bool.
  delete spec.paused;
  copy.spec = spec;
  return { obj: copy };
}

/**
 * The shared Run of the three commands: patch each object, print `<kind>/<name> <done>`,
 * collect errors. `emptyPatch` is restart's quirk: a restart in the same second as the last one
 * changes nothing, which upstream reports as an error yet still "patches" and prints.
 */
function runPatches(
  ctx: CommandContext,
  patch: (obj: KObject) => PatchResult,
  done: string,
  emptyPatch: 'error' | 'unchanged',
): CommandResult {
  requireResources(ctx);
  let stdout = '';
  const errors: string[] = [];
  for (const { obj } of resolveTargets(ctx)) {
    const r = patch(obj);
    if ('error' in r) {
      errors.push(`error: ${resourceQuoted(obj)} ${r.error}`);
      continue;
    }
    const stored = ctx.env.store.update(r.obj, { actor: ACTOR });
    if (stored === obj && emptyPatch === 'error')
      errors.push(`failed to create patch for ${obj.metadata.name ?? ''}: empty patch`);
    stdout += namePrinterLine(stored, done);
  }
  const stderr = errors.map((e) => (e.startsWith('error: ') ? e : `error: ${e}`) + '\n').join('');
  return { stdout, stderr, exitCode: errors.length > 0 ? 1 : 0 };
}

/** The flags of restart, pause and resume. */
const PATCH_FLAGS: FlagSpec[] = [
  SELECTOR_FLAG,
  {
    name: 'field-manager',
    type: 'string',
    default: 'kubectl-rollout',
    usage: 'Name of the manager used to track field ownership.',
  },
];

export const restartCommand: KubectlCommand = {
  name: 'restart',
  short: 'Restart a resource',
  flags: PATCH_FLAGS,
  help: commandHelp({
    // Upstream's source indents the second paragraph, and templates.LongDesc keeps it.
    long: ['Restart a resource.', '       Resource rollout will be restarted.'],
    examples: `# Restart all deployments in the test-namespace namespace
kubectl rollout restart deployment -n test-namespace

# Restart a deployment
kubectl rollout restart deployment/nginx

# Restart a daemon set
kubectl rollout restart daemonset/abc

# Restart deployments with the app=nginx label
kubectl rollout restart deployment --selector=app=nginx`,
    flags: PATCH_FLAGS,
    usage: 'rollout restart RESOURCE [options]',
  }),
  run: (ctx) => runPatches(ctx, (obj) => restarter(obj, ctx.env.clock.now()), 'restarted', 'error'),
};

export const pauseCommand: KubectlCommand = {
  name: 'pause',
  short: 'Mark the provided resource as paused',
  flags: PATCH_FLAGS,
  help: commandHelp({
    long: [
      'Mark the provided resource as paused.',
      'Paused resources will not be reconciled by a controller. Use "kubectl rollout resume" to resume a paused resource. Currently only deployments support being paused.',
    ],
    examples: `# Mark the nginx deployment as paused
# Any current state of the deployment will continue its function; new updates
# to the deployment will not have an effect as long as the deployment is paused
kubectl rollout pause deployment/nginx`,
    flags: PATCH_FLAGS,
    usage: 'rollout pause RESOURCE [options]',
  }),
  run: (ctx) => runPatches(ctx, pauser, 'paused', 'unchanged'),
};

export const resumeCommand: KubectlCommand = {
  name: 'resume',
  short: 'Resume a paused resource',
  flags: PATCH_FLAGS,
  help: commandHelp({
    long: [
      'Resume a paused resource.',
      'Paused resources will not be reconciled by a controller. By resuming a resource, we allow it to be reconciled again. Currently only deployments support being resumed.',
    ],
    examples: `# Resume an already paused deployment
kubectl rollout resume deployment/nginx`,
    flags: PATCH_FLAGS,
    usage: 'rollout resume RESOURCE [options]',
  }),
  run: (ctx) => runPatches(ctx, resumer, 'resumed', 'unchanged'),
};
