/**
 * `kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)`.
 *
 * Models kubectl 1.30 pkg/cmd/describe/describe.go (DescribeFlags.ToOptions, Run,
 * DescribeMatchingResources) with cli-runtime's resource.Builder as describe drives it
 * (ContinueOnError, ResourceTypeOrNameArgs with an empty selector allowed, AllNamespaces,
 * LabelSelectorParam, FilenameParam):
 *  - `describe TYPE` describes every object of the type in the namespace (`-A`: in all), sorted
 *    as the API server lists them (namespace, then name);
 *  - `describe TYPE NAME`, when NAME does not exist, falls back to every object of TYPE in the
 *    namespace whose name starts with NAME (`describe pod httpd2`), each followed by a blank
 *    line; if none does, the original NotFound error is printed;
 *  - several descriptions are separated by two blank lines (`"\n\n%s"` before all but the first);
 *  - objects that cannot be found are reported after the others, one line each;
 *  - nothing found and no error: `No resources found in <ns> namespace.` on stderr.
 * The descriptions themselves are in ../describe/.
 *
 * Left out: `-k` (kustomize); `-R` is accepted but the workspace has no sub-directories;
 * `--chunk-size` is accepted and changes nothing.
 */
import type { ApiError } from '../../api/errors';
import { notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import type { KObject } from '../../api/types';
import type { CommandResult } from '../../shell/types';
import { describeContext, describeObject } from '../describe/index';
import type { DescribeContext } from '../describe/index';
import type { CliError } from '../filenames';
import { aggregate, checkErr, readFilenames, statusError } from '../filenames';
import { compileSelector, parseTypeNameArgs } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { commandHelp } from '../help';
import { KubectlError } from '../types';
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  ALL_NAMESPACES_FLAG,
  {
    name: 'chunk-size',
    type: 'int',
    default: 500,
    usage:
      'Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.',
  },
  {
    name: 'filename',
    short: 'f',
    type: 'stringArray',
    usage: 'Filename, directory, or URL to files containing the resource to describe',
  },
  {
    name: 'recursive',
    short: 'R',
    type: 'bool',
    usage:
      'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.',
  },
  SELECTOR_FLAG,
  {
    name: 'show-events',
    type: 'bool',
    default: true,
    usage: 'If true, display events related to the described object.',
  },
];

/** kubectl describe --help (1.30), as printed when stdout is not a terminal (no wrapping). */
const HELP = commandHelp({
  long:
    'Show details of a specific resource or group of resources.\n' +
    '\n' +
    ' Print a detailed description of the selected resources, including related resources such as events or controllers. You may select a single object by name, all objects of that type, provide a name prefix, or label selector. For example:\n' +
    '\n' +
    '        $ kubectl describe TYPE NAME_PREFIX\n' +
    '        \n' +
    ' will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it will output details for every resource that has a name prefixed with NAME_PREFIX.\n' +
    '\n' +
    'Use "kubectl api-resources" for a complete list of supported resources.',
  examples: `# Describe a node
kubectl describe nodes kubernetes-node-emt8.c.myproject.internal

# Describe a pod
kubectl describe pods/nginx

# Describe a pod identified by type and name in "pod.json"
kubectl describe -f pod.json

# Describe all pods
kubectl describe pods

# Describe pods by label name=myLabel
kubectl describe pods -l name=myLabel

# Describe all pods managed by the 'frontend' replication controller
# (rc-created pods get the name of the rc as a prefix in the pod name)
kubectl describe pods frontend`,
  flags: FLAGS,
  usage: 'describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]',
});

/** cmdutil.SuggestAPIResources, in ToOptions' error for a describe without arguments. */
const NO_TYPE =
  'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.';

function byNamespaceAndName(a: KObject, b: KObject): number {
  const x = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const y = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What the builder found: the objects in order, and the errors met on the way. */
interface Found {
  objects: KObject[];
  errors: CliError[];
  /** The lone NotFound of a `TYPE NAME` lookup, which triggers the name-prefix search. */
  notFound?: { info: KindInfo; name: string; error: ApiError };
}

/** The objects the positional arguments name (ResourceTypeOrNameArgs + ContinueOnError). */
function findByArgs(
  ctx: CommandContext,
  args: readonly string[],
  selectorText: string,
  allNamespaces: boolean,
): Found {
  const refs = parseTypeNameArgs(args);
  const slashed = args.some((a) => a.includes('/'));
  const named = refs.filter((r) => r.name !== undefined);
  const store = ctx.env.store;
  const found: Found = { objects: [], errors: [] };
  if (named.length > 0) {
    if (selectorText !== '') {
      throw new KubectlError(
        slashed
          ? 'selectors and the all flag cannot be used when passing resource/name arguments'
          : 'name cannot be provided when a selector is specified',
      );
    }
    for (const ref of named) {
      if (ref.info.namespaced && allNamespaces)
        throw new KubectlError('a resource cannot be retrieved by name across all namespaces');
      const obj = store.get(
        ref.info.kind,
        ref.info.namespaced ? ctx.namespace : undefined,
        ref.name!,
      );
      if (obj) {
        found.objects.push(obj);
        continue;
      }
      const error = notFound(ref.info, ref.name!);
      found.errors.push(statusError(error));
      found.notFound = { info: ref.info, name: ref.name!, error };
    }
    // Only a lone NotFound sends describe to the name-prefix search.
    if (found.errors.length !== 1) delete found.notFound;
    return found;
  }
  const selector = compileSelector(selectorText);
  for (const ref of refs) {
    const everywhere = allNamespaces || !ref.info.namespaced;
    const list = store.list(ref.info.kind, {
      ...(everywhere ? {} : { namespace: ctx.namespace }),
      selector,
    });
    found.objects.push(...list.slice().sort(byNamespaceAndName));
  }
  return found;
}

/** The objects `-f` names, fetched live (describe reads the server's copy of each). */
function findByFiles(
  ctx: CommandContext,
  filenames: readonly string[],
  selectorText: string,
): Found {
  const selector = selectorText !== '' ? compileSelector(selectorText) : undefined;
  const read = readFilenames(ctx.env, filenames, {
    namespace: ctx.namespace,
    enforceNamespace: ctx.namespaceExplicit,
    ...(selector ? { selector } : {}),
  });
  if (read.error) return { objects: [], errors: [read.error] };
  const found: Found = { objects: [], errors: [] };
  const { infos, error } = read.infos();
  for (const info of infos) {
    const obj = ctx.env.store.get(info.kind.kind, info.namespace, info.name);
    if (obj) found.objects.push(obj);
    else found.errors.push(statusError(notFound(info.kind, info.name)));
  }
  if (error) found.errors.push(error);
  return found;
}

/** DescribeMatchingResources: every object of the type whose name starts with the prefix. */
function describeMatching(
  ctx: CommandContext,
  dctx: DescribeContext,
  info: KindInfo,
  prefix: string,
): string | undefined {
  const list = ctx.env.store
    .list(info.kind, info.namespaced ? { namespace: ctx.namespace } : {})
    .filter((o) => (o.metadata.name ?? '').startsWith(prefix))
    .sort(byNamespaceAndName);
  if (list.length === 0) return undefined;
  return list.map((o) => describeObject(o, dctx) + '\n').join('');
}

// Models pkg/cmd/describe/describe.go DescribeOptions.Run.
function runDescribe(ctx: CommandContext): CommandResult {
  const filenames = ctx.flags.strings('filename');
  const args = ctx.args;
  if (args.length === 0 && filenames.length === 0) throw new KubectlError(NO_TYPE);
  if (args.length > 0 && filenames.length > 0) {
    throw new KubectlError(
      'when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well',
    );
  }
  const allNamespaces = ctx.flags.bool('all-namespaces');
  const selectorText = ctx.flags.string('selector');
  const dctx = describeContext(ctx.env.store, ctx.env.clock.now(), ctx.flags.bool('show-events'));

  const found =
    filenames.length > 0
      ? findByFiles(ctx, filenames, selectorText)
      : findByArgs(ctx, args, selectorText, allNamespaces);

  // `describe TYPE NAME` with no such object: try NAME as a prefix.
  if (found.notFound && args.length === 2 && found.errors.length === 1) {
    // The search is for one type (SingleResourceType): `describe deploy,svc x` cannot do it.
    if (args[0]!.includes(','))
      throw new KubectlError('you may only specify a single resource type');
    const out = describeMatching(ctx, dctx, found.notFound.info, found.notFound.name);
    if (out === undefined) return { stdout: '', stderr: checkErr(found.errors[0]!), exitCode: 1 };
    return { stdout: out, stderr: '', exitCode: 0 };
  }

  const stdout = found.objects.map((o) => describeObject(o, dctx)).join('\n\n');
  let stderr = '';
  if (found.objects.length === 0 && found.errors.length === 0) {
    stderr = allNamespaces
      ? 'No resources found\n'
      : `No resources found in ${ctx.namespace} namespace.\n`;
  }
  const error = aggregate(found.errors);
  if (error) stderr += checkErr(error);
  return { stdout, stderr, exitCode: error ? 1 : 0 };
}

export const describeCommand: KubectlCommand = {
  name: 'describe',
  short: 'Show details of a specific resource or group of resources',
  help: HELP,
  flags: FLAGS,
  run: runDescribe,
};
