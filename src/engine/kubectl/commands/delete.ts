/**
 * `kubectl delete`: by `TYPE NAME...`, `TYPE/NAME...`, `-f FILE|DIR|-`, `-l SELECTOR` or `--all`.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go (Complete, Validate, DeleteResult,
 * PrintObj) and delete_flags.go, with the resource builder's rules for arguments:
 *  - each object is deleted as it is visited and printed `pod "x" deleted` (`force deleted` with
 *    a grace period of 0, ` (dry run)` / ` (server dry run)` suffixes, `pod/x` with -o name);
 *    no ` from default namespace` suffix (that arrived after 1.30);
 *  - `--grace-period=0` without `--force` becomes 1; `--force` alone means 0 and prints the
 *    immediate-deletion warning; `--now` is 1;
 *  - objects that do not exist: `Error from server (NotFound): pods "x" not found` (with
 *    `error when deleting "x.yml": ` for files), after the others; ignored with
 *    `--ignore-not-found`, which `-l` and `--all` turn on;
 *  - nothing matched: `No resources found` (on stdout);
 *  - `--wait` (the default): kubectl returns once every deleted object is really gone, so virtual
 *    time passes (the kubelet stops a pod's containers, the namespace controller empties a
 *    namespace) until then. kubectl's own limit is a week; ours is 5 minutes, after which it
 *    reports `timed out waiting for the condition`, as with `--timeout=5m`.
 * Deleting a Deployment removes it at once; the garbage collector then removes its ReplicaSets
 * and their pods in the background (`--cascade=orphan` leaves them).
 *
 * Left out: `--field-selector`, `--raw`, `-k`, `-R`, `--interactive`.
 */
import type { ApiError } from '../../api/errors';
import { ApiError as ApiErrorClass, notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import type { Selector } from '../../api/selectors';
import { EVERYTHING, parseSelector, SelectorParseError } from '../../api/selectors';
import type { DeleteOptions } from '../../api/store';
import type { KObject } from '../../api/types';
import type { CommandResult } from '../../shell/types';
import type { CliError } from '../filenames';
import {
  addSourceToErr,
  aggregate,
  checkErr,
  goQuote,
  plainError,
  readFilenames,
  statusError,
} from '../filenames';
import { kindDotGroup, parseTypeNameArgs } from '../resources';
import type { ResourceRef } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import { commandHelp } from '../help';
import { fileSelector, flushChanges, stringSlice, toApiError } from './apply';
import type { DryRun } from './label';
import { dryRunStrategy, MISSING_RESOURCE } from './label';
import { ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, SELECTOR_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  {
    name: 'all',
    type: 'bool',
    usage: 'Delete all resources, in the namespace of the specified resource types.',
  },
  ALL_NAMESPACES_FLAG,
  {
    name: 'cascade',
    type: 'string',
    default: 'background',
    usage:
      'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.',
  },
  DRY_RUN_FLAG,
  {
    name: 'filename',
    short: 'f',
    type: 'stringArray',
    usage: 'containing the resource to delete.',
  },
  {
    name: 'force',
    type: 'bool',
    usage:
      'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.',
  },
  {
    name: 'grace-period',
    type: 'int',
    default: -1,
    usage:
      'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).',
  },
  {
    name: 'ignore-not-found',
    type: 'bool',
    usage:
      'Treat "resource not found" as a successful delete. Defaults to "true" when --all is specified.',
  },
  {
    name: 'now',
    type: 'bool',
    usage: 'If true, resources are signaled for immediate shutdown (same as --grace-period=1).',
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    usage: 'Output mode. Use "-o name" for shorter output (resource/name).',
  },
  SELECTOR_FLAG,
  {
    name: 'timeout',
    type: 'duration',
    default: '0s',
    usage:
      'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object',
  },
  {
    name: 'wait',
    type: 'bool',
    default: true,
    usage: 'If true, wait for resources to be gone before returning. This waits for finalizers.',
  },
];

// kubectl 1.30 `kubectl delete --help` (options: the ones the playground implements).
const HELP = commandHelp({
  long: [
    'Delete resources by file names, stdin, resources and names, or by resources and label selector.',
    'JSON and YAML formats are accepted. Only one type of argument may be specified: file names, resources and names, or resources and label selector.',
    'Some resources, such as pods, support graceful deletion. These resources define a default period before they are forcibly terminated (the grace period) but you may override that value with the --grace-period flag, or pass --now to set a grace-period of 1. Because these resources often represent entities in the cluster, deletion may not be acknowledged immediately. If the node hosting a pod is down or cannot reach the API server, termination may take significantly longer than the grace period. To force delete a resource, you must specify the --force flag. Note: only a subset of resources support graceful deletion. In absence of the support, the --grace-period flag is ignored.',
    "IMPORTANT: Force deleting pods does not wait for confirmation that the pod's processes have been terminated, which can leave those processes running until the node detects the deletion and completes graceful deletion. If your processes use shared storage or talk to a remote API and depend on the name of the pod to identify themselves, force deleting those pods may result in multiple processes running on different machines using the same identification which may lead to data corruption or inconsistency. Only force delete pods when you are sure the pod is terminated, or if your application can tolerate multiple copies of the same pod running at once. Also, if you force delete pods, the scheduler may place new pods on those nodes before the node has released those resources and causing those pods to be evicted immediately.",
    'Note that the delete command does NOT do resource version checks, so if someone submits an update to a resource right when you submit a delete, their update will be lost along with the rest of the resource.',
    'After a CustomResourceDefinition is deleted, invalidation of discovery cache may take up to 6 hours. If you don\'t want to wait, you might want to run "kubectl api-resources" to refresh the discovery cache.',
  ],
  examples: `# Delete a pod using the type and name specified in pod.json
kubectl delete -f ./pod.json

# Delete resources from all files that end with '.json' - i.e. expand wildcard characters in file names
kubectl delete -f '*.json'

# Delete a pod based on the type and name in the JSON passed into stdin
cat pod.json | kubectl delete -f -

# Delete pods and services with same names "baz" and "foo"
kubectl delete pod,service baz foo

# Delete pods and services with label name=myLabel
kubectl delete pods,services -l name=myLabel

# Delete a pod with minimal delay
kubectl delete pod foo --now

# Force delete a pod on a dead node
kubectl delete pod foo --force

# Delete all pods
kubectl delete pods --all`,
  flags: FLAGS,
  usage: 'delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]',
});

/** What kubectl waits at most for deleted objects to go (its own default is a week). */
const WAIT_CAP_MS = 5 * 60_000;
/** How finely virtual time passes while waiting (kubectl watches; we look this often). */
const WAIT_STEP_MS = 100;

/** The `all` category, in discovery order, for the kinds the playground serves. */
const ALL_CATEGORY = [
  'pods',
  'services',
  'daemonsets.apps',
  'deployments.apps',
  'replicasets.apps',
];

/** One object to delete (resource.Info without the object). */
interface Target {
  kind: KindInfo;
  name: string;
  namespace: string | undefined;
  /** The file it came from; '' for arguments. */
  source: string;
}

/** A visit over the targets, with kubectl's error nesting (see filenames.ts readFilenames). */
type Visit = (fn: (t: Target) => CliError | undefined) => CliError | undefined;

/** parseCascadingFlag. */
function parseCascade(value: string, warnings: string[]): DeleteOptions['propagationPolicy'] {
  switch (value) {
    case 'background':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
      return 'Orphan';
  }
  const b = ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)
    ? true
    : ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)
      ? false
      : undefined;
  if (b === undefined)
    throw new KubectlError(
      `invalid cascade value (${value}). Must be "background", "foreground", or "orphan"`,
    );
  warnings.push(
    `warning: --cascade=${value} is deprecated (boolean value) and can be replaced with --cascade=${b ? 'background' : 'orphan'}.\n`,
  );
  return b ? 'Background' : 'Orphan';
}

/** The delete printer (DeleteOptions.PrintObj). */
function deleteLine(t: Target, grace: number, dryRun: DryRun, output: string): string {
  const kind = kindDotGroup(t.kind);
  if (output === 'name') return `${kind}/${t.name}\n`;
  let operation = grace === 0 ? 'force deleted' : 'deleted';
  if (dryRun === 'client') operation += ' (dry run)';
  else if (dryRun === 'server') operation += ' (server dry run)';
  return `${kind} "${t.name}" ${operation}\n`;
}

/** utilerrors.FilterOut for NotFound API errors (Result.IgnoreErrors(errors.IsNotFound)). */
function dropNotFound(e: CliError | undefined): CliError | undefined {
  if (!e) return undefined;
  if (e.kind === 'status') return e.status.reason === 'NotFound' ? undefined : e;
  if (e.kind === 'plain') return e;
  const kept = e.errors.map(dropNotFound).filter((x): x is CliError => x !== undefined);
  return aggregate(kept);
}

/** Sort as the API server lists: namespace, then name. */
function byNamespaceAndName(a: KObject, b: KObject): number {
  const x = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const y = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The builder for arguments (ResourceTypeOrNameArgs, LabelSelectorParam, SelectAllParam,
 * AllNamespaces): the visit, or the error Complete returns before anything is deleted.
 */
function argumentVisit(ctx: CommandContext, all: boolean, allNamespaces: boolean): Visit {
  const args = [...ctx.args];
  const selectorText = ctx.flags.string('selector');
  const useSelector = all || selectorText !== '';
  if (args.length === 0) {
    if (useSelector)
      throw new KubectlError('at least one resource must be specified to use a selector');
    throw new KubectlError(MISSING_RESOURCE);
  }
  if (!args.some((a) => a.includes('/'))) {
    args[0] = args[0]!
      .split(',')
      .flatMap((t) => (t === 'all' ? ALL_CATEGORY : [t]))
      .join(',');
  }
  const refs: ResourceRef[] = parseTypeNameArgs(args);
  const tuples = args.some((a) => a.includes('/'));
  const named = refs.filter((r) => r.name !== undefined);
  const namespace = allNamespaces ? undefined : ctx.namespace;

  if (useSelector) {
    if (named.length > 0 && !tuples)
      throw new KubectlError('name cannot be provided when a selector is specified');
    if (tuples)
      throw new KubectlError(
        'selectors and the all flag cannot be used when passing resource/name arguments',
      );
    return (fn) => {
      const visitErrors: CliError[] = [];
      const listErrors: CliError[] = [];
      for (const ref of refs) {
        let selector: Selector = EVERYTHING;
        if (selectorText !== '') {
          try {
            selector = parseSelector(selectorText);
          } catch (e) {
            if (!(e instanceof SelectorParseError)) throw e;
            // The API server refuses the list; kubectl adds what it asked for (EnhanceListError).
            const gvr = `${ref.info.group}/${ref.info.version}, Resource=${ref.info.resource}`;
            listErrors.push(
              statusError(
                new ApiErrorClass(
                  'BadRequest',
                  400,
                  `Unable to find ${goQuote(gvr)} that match label selector ${goQuote(selectorText)}, field selector "": ${e.message}`,
                ),
              ),
            );
            continue;
          }
        }
        const scope = ref.info.namespaced && namespace !== undefined ? { namespace } : {};
        const objects = ctx.env.store.list(ref.info.kind, { ...scope, selector });
        for (const o of [...objects].sort(byNamespaceAndName)) {
          const err = fn({
            kind: ref.info,
            name: o.metadata.name ?? '',
            namespace: ref.info.namespaced ? o.metadata.namespace : undefined,
            source: '',
          });
          if (err) visitErrors.push(err);
        }
      }
      const eager = aggregate(listErrors);
      if (eager) visitErrors.push(eager);
      return visitErrors.length === 1 ? visitErrors[0] : aggregate(visitErrors);
    };
  }

  if (named.length === 0)
    throw new KubectlError('resource(s) were provided, but no name was specified');
  if (allNamespaces && named.some((r) => r.info.namespaced))
    throw new KubectlError('a resource cannot be retrieved by name across all namespaces');
  return (fn) => {
    const errors: CliError[] = [];
    for (const ref of named) {
      const err = fn({
        kind: ref.info,
        name: ref.name!,
        namespace: ref.info.namespaced ? ctx.namespace : undefined,
        source: '',
      });
      if (err) errors.push(err);
    }
    return errors.length === 1 ? errors[0] : aggregate(errors);
  };
}

/** Models delete.go: DeleteFlags.ToOptions, Complete, Validate, RunDelete / DeleteResult. */
function runDelete(ctx: CommandContext): CommandResult {
  const { env, flags } = ctx;
  const stderr: string[] = [];
  const stdout: string[] = [];
  const done = (err: CliError | undefined): CommandResult => ({
    stdout: stdout.join(''),
    stderr: stderr.join('') + (err ? checkErr(err) : ''),
    exitCode: err ? 1 : 0,
  });

  let visit: Visit;
  let grace: number;
  let dryRun: DryRun;
  let propagation: DeleteOptions['propagationPolicy'];
  let timeoutMs: number;
  const output = flags.string('output');
  const force = flags.bool('force');
  const all = flags.bool('all');
  const selectorText = flags.string('selector');
  try {
    timeoutMs = flags.duration('timeout');
    // DeleteFlags.ToOptions
    propagation = parseCascade(flags.string('cascade'), stderr);
    // Complete
    grace = flags.int('grace-period');
    if (flags.bool('now')) {
      if (grace !== -1)
        throw new KubectlError('--now and --grace-period cannot be specified together');
      grace = 1;
    }
    if (grace === 0 && !force) grace = 1;
    if (force && grace < 0) grace = 0;
    dryRun = dryRunStrategy(ctx);
    const filenames = stringSlice(flags, 'filename');
    if (filenames.length > 0) {
      if (ctx.args.some((a) => a.includes('/')))
        throw new KubectlError(
          'resource/name arguments cannot be provided when a path is specified',
        );
      if (ctx.args.length > 0)
        throw new KubectlError(
          'when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well',
        );
      const selector = fileSelector(flags);
      const result = readFilenames(env, filenames, {
        namespace: ctx.namespace,
        enforceNamespace: ctx.namespaceExplicit,
        ...(selector ? { selector } : {}),
      });
      if (result.error) return done(result.error);
      visit = (fn) =>
        result.visit((info) =>
          fn({ kind: info.kind, name: info.name, namespace: info.namespace, source: info.source }),
        );
    } else {
      visit = argumentVisit(ctx, all, flags.bool('all-namespaces'));
    }
    // Validate
    if (output !== '' && output !== 'name')
      throw new KubectlError(`unexpected -o output mode: ${output}. We only support '-o name'`);
    if (all && selectorText !== '')
      throw new KubectlError('cannot set --all and --selector at the same time');
    if (grace === 0 && force)
      stderr.push(
        'warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
      );
    else if (grace > 0 && force)
      throw new KubectlError(
        '--force and --grace-period greater than 0 cannot be specified together',
      );
  } catch (e) {
    if (e instanceof KubectlError) return done(plainError(e.message));
    throw e;
  }

  // DeleteResult
  const ignoreNotFound =
    flags.bool('ignore-not-found') ||
    (!flags.has('ignore-not-found') && (all || selectorText !== ''));
  let warnClusterScope = ctx.namespaceExplicit && !flags.bool('all-namespaces');
  const deleted: Array<{ target: Target; uid: string }> = [];
  let found = 0;
  const deleteOne = (t: Target): CliError | undefined => {
    found++;
    if (warnClusterScope && !t.kind.namespaced) {
      stderr.push(
        'warning: deleting cluster-scoped resources, not scoped to the provided namespace\n',
      );
      warnClusterScope = false;
    }
    if (dryRun !== 'client') {
      try {
        const cur = env.store.get(t.kind.kind, t.namespace, t.name);
        if (dryRun === 'server') {
          if (!cur) throw notFound(t.kind, t.name);
        } else {
          const opts: DeleteOptions = { actor: 'kubectl' };
          if (grace >= 0) opts.gracePeriodSeconds = grace;
          if (propagation) opts.propagationPolicy = propagation;
          const out = env.store.delete(t.kind.kind, t.namespace, t.name, opts);
          deleted.push({ target: t, uid: out.metadata.uid ?? '' });
        }
      } catch (e) {
        const err: ApiError = toApiError(e);
        return addSourceToErr('deleting', t.source, statusError(err));
      }
    }
    stdout.push(deleteLine(t, grace, dryRun, output));
    return undefined;
  };
  let err = visit(deleteOne);
  if (deleted.length > 0) flushChanges(env);
  if (ignoreNotFound) err = dropNotFound(err);
  if (err) return done(err);
  if (found === 0) {
    stdout.push('No resources found\n');
    return done(undefined);
  }
  if (!flags.bool('wait') || dryRun !== 'none') return done(undefined);
  return done(waitForDeletion(ctx, deleted, timeoutMs > 0 ? timeoutMs : WAIT_CAP_MS));
}

/**
 * cmdwait.IsDeleted for every deleted object: gone, or replaced by another with a new uid.
 * Virtual time passes in small steps, controllers running, until then.
 */
function waitForDeletion(
  ctx: CommandContext,
  deleted: ReadonlyArray<{ target: Target; uid: string }>,
  timeoutMs: number,
): CliError | undefined {
  const { env } = ctx;
  const present = (d: { target: Target; uid: string }): boolean => {
    const o = env.store.get(d.target.kind.kind, d.target.namespace, d.target.name);
    return o !== undefined && (o.metadata.uid ?? '') === d.uid;
  };
  let pending = deleted.filter(present);
  let waited = 0;
  while (pending.length > 0 && waited < timeoutMs) {
    const step = Math.min(WAIT_STEP_MS, timeoutMs - waited);
    env.advance(step);
    waited += step;
    pending = pending.filter(present);
  }
  if (pending.length === 0) return undefined;
  const first = pending[0]!.target;
  return plainError(`timed out waiting for the condition on ${first.kind.resource}/${first.name}`);
}

export const deleteCommand: KubectlCommand = {
  name: 'delete',
  short:
    'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  help: HELP,
  flags: FLAGS,
  run: runDelete,
};
