/**
 * `kubectl api-resources`: the resource types the simulated API server serves (api/kinds.ts),
 * as kubectl 1.30 lists them from discovery.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/apiresources/apiresources.go RunAPIResources: the
 * rows are sorted by API group (the core group, "", first), then by name (sortableResource);
 * `--sort-by=name|kind` sorts by that column instead. `--namespaced` and `--api-group` filter
 * only when given. `-o wide` adds VERBS and CATEGORIES printed with Go's `%v` (`[get list]`,
 * `[]`); `-o name` prints `resource.group`. The table goes through the usual tabwriter (padding 3).
 *
 * The verbs and categories are those a v1.30 API server reports for these resources (services
 * had no deletecollection before v1.31; namespaces never had it). Left out: `--verbs`,
 * `--categories`, `--cached`.
 */
import { apiVersionOf, KINDS } from '../../api/kinds';
import type { KindInfo } from '../../api/kinds';
import { ok } from '../../shell/types';
import type { CommandResult } from '../../shell/types';
import { tabulate } from '../printers/tabwriter';
import type { CommandContext, KubectlCommand } from '../types';
import { KubectlError, usageError } from '../types';

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const NO_COLLECTION = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** Discovery's verbs per resource, where they differ from the full set. */
const VERBS: Readonly<Record<string, readonly string[]>> = {
  namespaces: NO_COLLECTION,
  services: NO_COLLECTION,
};

/** Discovery's categories (`kubectl get all` uses the `all` category). */
const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  pods: ['all'],
  services: ['all'],
  deployments: ['all'],
  replicasets: ['all'],
  daemonsets: ['all'],
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The rows `kubectl api-resources` would print for these options, in its order. */
export function apiResources(opts: {
  namespaced?: boolean;
  apiGroup?: string;
  sortBy?: string;
}): KindInfo[] {
  const rows = KINDS.filter(
    (k) =>
      (opts.namespaced === undefined || k.namespaced === opts.namespaced) &&
      (opts.apiGroup === undefined || k.group === opts.apiGroup),
  );
  const key = (k: KindInfo): string =>
    opts.sortBy === 'name' ? k.resource : opts.sortBy === 'kind' ? k.kind : k.group;
  return [...rows].sort((a, b) => compare(key(a), key(b)) || compare(a.resource, b.resource));
}

function runApiResources(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  if (ctx.args.length > 0)
    throw usageError('api-resources', `unexpected arguments: [${ctx.args.join(' ')}]`);
  const output = flags.string('output');
  if (!['', 'wide', 'name'].includes(output))
    throw new KubectlError(`--output ${output} is not available`);
  const sortBy = flags.string('sort-by');
  if (!['', 'name', 'kind'].includes(sortBy))
    throw new KubectlError('--sort-by accepts only name or kind');

  const rows = apiResources({
    ...(flags.has('namespaced') ? { namespaced: flags.bool('namespaced') } : {}),
    ...(flags.has('api-group') ? { apiGroup: flags.string('api-group') } : {}),
    sortBy,
  });
  if (output === 'name')
    return ok(
      rows.map((k) => (k.group ? `${k.resource}.${k.group}\n` : `${k.resource}\n`)).join(''),
    );

  const wide = output === 'wide';
  const table: string[][] = [];
  if (!flags.bool('no-headers')) {
    const header = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'];
    table.push(wide ? [...header, 'VERBS', 'CATEGORIES'] : header);
  }
  for (const k of rows) {
    const row = [k.resource, k.shortNames.join(','), apiVersionOf(k), String(k.namespaced), k.kind];
    if (wide) {
      row.push(`[${(VERBS[k.resource] ?? ALL_VERBS).join(' ')}]`);
      row.push(`[${(CATEGORIES[k.resource] ?? []).join(' ')}]`);
    }
    table.push(row);
  }
  return ok(tabulate(table));
}

/** `kubectl api-resources --help` (v1.30, flags limited to the ones implemented). */
const HELP = `Print the supported API resources on the server.

Examples:
  # Print the supported API resources
  kubectl api-resources
  
  # Print the supported API resources with more information
  kubectl api-resources -o wide
  
  # Print the supported API resources sorted by a column
  kubectl api-resources --sort-by=name
  
  # Print the supported namespaced resources
  kubectl api-resources --namespaced=true
  
  # Print the supported non-namespaced resources
  kubectl api-resources --namespaced=false
  
  # Print the supported API resources with a specific APIGroup
  kubectl api-resources --api-group=rbac.authorization.k8s.io

Options:
    --api-group='':
\tLimit to resources in the specified API group.

    --namespaced=true:
\tIf false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.

    --no-headers=false:
\tWhen using the default or custom-column output format, don't print headers (default print headers).

    -o, --output='':
\tOutput format. One of: (wide, name).

    --sort-by='':
\tIf non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.

Usage:
  kubectl api-resources [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const apiResourcesCommand: KubectlCommand = {
  name: 'api-resources',
  short: 'Print the supported API resources on the server',
  help: HELP,
  flags: [
    { name: 'api-group', type: 'string', usage: 'Limit to resources in the specified API group.' },
    {
      name: 'namespaced',
      type: 'bool',
      default: true,
      usage:
        'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.',
    },
    {
      name: 'no-headers',
      type: 'bool',
      usage:
        "When using the default or custom-column output format, don't print headers (default print headers).",
    },
    { name: 'output', short: 'o', type: 'string', usage: 'Output format. One of: (wide, name).' },
    {
      name: 'sort-by',
      type: 'string',
      usage:
        "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.",
    },
  ],
  run: runApiResources,
};
