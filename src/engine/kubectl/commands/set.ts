/**
 * `kubectl set image (TYPE NAME | TYPE/NAME | TYPE --all | TYPE -l SEL) NAME=IMAGE ...`.
 *
 * Models kubectl pkg/cmd/set/set_image.go (+ cmdutil.GetResourcesAndPairs / ParsePairs and
 * polymorphichelpers.UpdatePodSpecForObject):
 *  - the arguments are resources first, then `container=image` pairs (`*=image` sets every
 *    container); a resource after a pair is an error;
 *  - each object's pod spec (a Pod's own, a workload's template) gets the new images, init
 *    containers included; a name matching no container is an error for that name
 *    (`error: unable to find container named "foo"`), the others still apply;
 *  - an object whose spec does not change is not written and not printed (kubectl skips the
 *    empty patch); a changed one prints `deployment.apps/x image updated`;
 *  - `--record` (deprecated: pflag warns on stderr) writes the whole command line into
 *    `kubernetes.io/change-cause` on the object (see change-cause.ts).
 * For a Deployment the new template starts a rollout; the deployment controller copies the
 * change-cause to the new ReplicaSet, where `kubectl rollout history` reads it.
 *
 * Simplified: the errors of several containers print in the order given (upstream iterates a Go
 * map, so its order varies); `-f`, `--local`, `--dry-run` and `-o` are not offered.
 */
import type { PodSpec } from 'kubernetes-types/core/v1';
import { kindInfo } from '../../api/kinds';
import { notFound } from '../../api/errors';
import type { KObject } from '../../api/types';
import { deepClone, deepEqual } from '../../api/types';
import type { CommandResult } from '../../shell/types';
import {
  CHANGE_CAUSE_ANNOTATION,
  RECORD_DEPRECATION,
  RECORD_FLAG,
  changeCauseFor,
} from '../change-cause';
import { compileSelector, parseTypeNameArgs } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import { MISSING_RESOURCE } from './label';
import { namePrinterLine } from './rollout/common';
import { SELECTOR_FLAG } from '../flag-specs';
import { commandHelp, OPTIONS_TIP } from '../help';

const ACTOR = 'kubectl-set';

/** Models cmdutil.GetResourcesAndPairs: resources first, then `key=value` (or `key-`) pairs. */
export function getResourcesAndPairs(
  args: readonly string[],
  pairType: string,
): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  let foundPair = false;
  for (const s of args) {
    const nonResource = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (nonResource) {
      foundPair = true;
      pairs.push(s);
    } else if (!foundPair) resources.push(s);
    else throw new KubectlError(`all resources must be specified before ${pairType} changes: ${s}`);
  }
  return { resources, pairs };
}

/** Models cmdutil.ParsePairs without removal (`key-`): container → image, in the order given. */
export function parseImagePairs(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const invalid: string[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq > 0) out.set(p.slice(0, eq), p.slice(eq + 1));
    else invalid.push(p);
  }
  if (invalid.length > 0) throw new KubectlError(`invalid image format: ${invalid.join(', ')}`);
  return out;
}

/** polymorphichelpers.UpdatePodSpecForObject: where an object keeps its pod spec. */
function podSpecOf(obj: KObject): PodSpec | undefined {
  if (obj.kind === 'Pod') return obj.spec as PodSpec | undefined;
  if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet' || obj.kind === 'DaemonSet')
    return (obj.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
  return undefined;
}

/** set_image.go setImage: true if some container had that name (or the name was `*`). */
function setImage(containers: PodSpec['containers'] | undefined, name: string, image: string) {
  let found = false;
  for (const c of containers ?? []) {
    if (c.name === name || name === '*') {
      found = true;
      c.image = image;
    }
  }
  return found;
}

/** The objects the resource arguments name (resource.Builder with --all / -l). */
function findObjects(ctx: CommandContext, resources: readonly string[]): KObject[] {
  if (resources.length === 0) throw new KubectlError(MISSING_RESOURCE);
  const refs = parseTypeNameArgs(resources);
  const all = ctx.flags.bool('all');
  const hasSelector = ctx.flags.has('selector');
  const selector = hasSelector ? compileSelector(ctx.flags.string('selector')) : undefined;
  const { store } = ctx.env;
  const out: KObject[] = [];
  for (const ref of refs) {
    const ns = ref.info.namespaced ? ctx.namespace : undefined;
    if (ref.name !== undefined) {
      if (hasSelector)
        throw new KubectlError('name cannot be provided when a selector is specified');
      const obj = store.get(ref.info.kind, ns, ref.name);
      if (!obj) throw notFound(ref.info, ref.name);
      out.push(obj);
      continue;
    }
    if (!all && !hasSelector)
      throw new KubectlError('resource(s) were provided, but no name was specified');
    const list = store.list(ref.info.kind, {
      ...(ns !== undefined ? { namespace: ns } : {}),
      ...(selector ? { selector } : {}),
    });
    out.push(
      ...list.slice().sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)),
    );
  }
  return out;
}

const FLAGS: FlagSpec[] = [
  {
    name: 'all',
    type: 'bool',
    usage: 'Select all resources, in the namespace of the specified resource types',
  },
  RECORD_FLAG,
  SELECTOR_FLAG,
];

function runSetImage(ctx: CommandContext): CommandResult {
  const warning = ctx.flags.has('record') ? RECORD_DEPRECATION : '';
  const fail = (messages: string[]): CommandResult => ({
    stdout: '',
    stderr: warning + messages.map((m) => m + '\n').join(''),
    exitCode: 1,
  });
  // Complete: split the arguments, find the objects.
  let resources: string[];
  let images: Map<string, string>;
  let objects: KObject[];
  try {
    const split = getResourcesAndPairs(ctx.args, 'image');
    resources = split.resources;
    images = parseImagePairs(split.pairs);
    objects = findObjects(ctx, resources);
  } catch (e) {
    if (e instanceof KubectlError) return fail([`error: ${e.message}`]);
    throw e;
  }
  // Validate: every problem at once (an aggregate prints one per line, without "error: ").
  const problems: string[] = [];
  if (ctx.flags.bool('all') && ctx.flags.has('selector'))
    problems.push('cannot set --all and --selector at the same time');
  if (images.size < 1) problems.push('at least one image update is required');
  else if (images.size > 1 && images.has('*'))
    problems.push(
      'all containers are already specified by *, but saw more than one container_name=container_image pairs',
    );
  if (problems.length === 1) return fail([`error: ${problems[0]}`]);
  if (problems.length > 1) return fail(problems);

  // Run.
  const record = ctx.flags.bool('record');
  const cause = record ? changeCauseFor(ctx.env.commandLine, FLAGS) : '';
  let stdout = '';
  const errors: string[] = [];
  for (const obj of objects) {
    const copy = deepClone(obj);
    const spec = podSpecOf(copy);
    if (!spec) {
      const resource = kindInfo(obj.kind)?.resource ?? obj.kind.toLowerCase();
      errors.push(
        `error: ${resource}/${obj.metadata.name ?? ''} the object is not a pod or does not have a pod template: *v1.${obj.kind}\n`,
      );
      continue;
    }
    for (const [name, image] of images) {
      const inInit = setImage(spec.initContainers, name, image);
      const inMain = setImage(spec.containers, name, image);
      if (!inInit && !inMain) errors.push(`error: unable to find container named "${name}"`);
    }
    if (record)
      copy.metadata.annotations = {
        ...copy.metadata.annotations,
        [CHANGE_CAUSE_ANNOTATION]: cause,
      };
    if (deepEqual(copy, obj)) continue; // no changes: an empty patch is not sent
    const stored = ctx.env.store.update(copy, { actor: ACTOR });
    stdout += namePrinterLine(stored, 'image updated');
  }
  const stderr = warning + errors.map((e) => (e.endsWith('\n') ? e : e + '\n')).join('');
  return { stdout, stderr, exitCode: errors.length > 0 ? 1 : 0 };
}

export const setImageCommand: KubectlCommand = {
  name: 'image',
  short: 'Update the image of a pod template',
  flags: FLAGS,
  help: commandHelp({
    long: [
      'Update existing container image(s) of resources.',
      'Possible resources include (case insensitive):',
      // Upstream's source indents this paragraph, and templates.LongDesc keeps it.
      '       pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj), replicaset (rs)',
    ],
    examples: `# Set a deployment's nginx container image to 'nginx:1.9.1', and its busybox container image to 'busybox'
kubectl set image deployment/nginx busybox=busybox nginx=nginx:1.9.1

# Update all deployments' and rc's nginx container's image to 'nginx:1.9.1'
kubectl set image deployments,rc nginx=nginx:1.9.1 --all

# Update image of all containers of daemonset abc to 'nginx:1.9.1'
kubectl set image daemonset abc *=nginx:1.9.1

# Print result (in yaml format) of updating nginx container image from local file, without hitting the server
kubectl set image -f path/to/file.yaml nginx=nginx:1.9.1 --local -o yaml`,
    flags: FLAGS,
    usage:
      'set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]',
  }),
  run: runSetImage,
};

/** `kubectl set`: only `image` is implemented; the group prints its help. */
export const setCommand: KubectlCommand = {
  name: 'set',
  short: 'Set specific features on objects',
  flags: [],
  help:
    'Configure application resources.\n' +
    '\n' +
    ' These commands help you make changes to existing application resources.\n' +
    '\n' +
    'Available Commands:\n' +
    // Padded for the real list, whose longest name is `serviceaccount`.
    '  image            Update the image of a pod template\n' +
    '\n' +
    'Usage:\n' +
    '  kubectl set SUBCOMMAND [options]\n' +
    '\n' +
    'Use "kubectl <command> --help" for more information about a given command.\n' +
    OPTIONS_TIP,
  subcommands: [setImageCommand],
};
