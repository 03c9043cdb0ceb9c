/**
 * `kubectl get`: list or fetch objects and print them as tables, YAML, JSON, names, JSONPath or
 * custom columns.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/get/get.go (Complete, Validate, Run, printGeneric)
 * with the resource builder's behaviour (cli-runtime resource.Builder, ContinueOnError):
 *  - arguments: `TYPE`, `TYPE NAME...`, `TYPE/NAME...`, `TYPE1,TYPE2`, `all` (pods, services,
 *    daemonsets, deployments, replicasets: the kinds we store of the `all` category, in
 *    discovery order);
 *  - human output: one table per run of the same resource, blank lines between tables, names
 *    prefixed `kind.group/` when several kinds were requested, NAMESPACE first with `-A`;
 *    `No resources found in <ns> namespace.` on stderr when nothing was printed;
 *  - other output: a single named object prints as itself, anything else as a `kind: List`;
 *  - missing names: `Error from server (NotFound): ...` after whatever was found, exit 1.
 * Left out: --watch, --raw, -f/-k, --subresource, go-template printers, --chunk-size paging.
 */
import { ApiError, isApiError, kubectlMessage, notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import { kindForResourceArg } from '../../api/kinds';
import type { Selector } from '../../api/selectors';
import { parseSelector, SelectorParseError } from '../../api/selectors';
import type { KObject } from '../../api/types';
import type { CommandResult } from '../../shell/types';
import type { JsonPath } from '../jsonpath';
import {
  executeJsonPath,
  findValues,
  JsonPathError,
  parseJsonPath,
  relaxedJsonPath,
} from '../jsonpath';
import { toJson } from '../printers/json';
import type { FieldRequirement } from '../printers/selection';
import {
  FieldSelectorError,
  gvrString,
  matchesFields,
  parseFieldSelector,
  serverOrder,
  SortError,
  sortObjects,
  unsupportedField,
} from '../printers/selection';
import { tableRows } from '../printers/table';
import { tabulate } from '../printers/tabwriter';
import { toYaml } from '../printers/yaml';
import { kindDotGroup, kindSlashName, parseTypeNameArgs } from '../resources';
import type { ResourceRef } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG } from '../flag-specs';

/** The kinds of the `all` category we store, in the order discovery lists them. */
const ALL_CATEGORY = [
  'pods',
  'services',
  'daemonsets.apps',
  'deployments.apps',
  'replicasets.apps',
] as const;

/** Every output format kubectl get knows (PrintFlags.AllowedFormats), sorted as its error shows. */
const ALLOWED_FORMATS = [
  'custom-columns',
  'custom-columns-file',
  'go-template',
  'go-template-file',
  'json',
  'jsonpath',
  'jsonpath-as-json',
  'jsonpath-file',
  'name',
  'template',
  'templatefile',
  'wide',
  'yaml',
];

type Output =
  | { t: 'table'; wide: boolean }
  | { t: 'yaml' }
  | { t: 'json' }
  | { t: 'name' }
  | { t: 'jsonpath'; path: JsonPath }
  | { t: 'custom-columns'; columns: Array<{ header: string; path: JsonPath }> };

/** One answer of the builder: a list of a type, or one named object. */
interface Info {
  info: KindInfo;
  objects: KObject[];
}

const FLAGS: FlagSpec[] = [
  ALL_NAMESPACES_FLAG,
  {
    name: 'allow-missing-template-keys',
    type: 'bool',
    default: true,
    usage:
      'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.',
  },
  {
    name: 'field-selector',
    type: 'string',
    usage:
      "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.",
  },
  {
    name: 'ignore-not-found',
    type: 'bool',
    usage: 'If the requested object does not exist the command will return exit code 0.',
  },
  {
    name: 'label-columns',
    short: 'L',
    type: 'stringArray',
    usage:
      'Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...',
  },
  {
    name: 'no-headers',
    type: 'bool',
    usage:
      "When using the default or custom-column output format, don't print headers (default print headers).",
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    usage:
      'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).',
  },
  SELECTOR_FLAG,
  {
    name: 'show-kind',
    type: 'bool',
    usage: 'If present, list the resource type for the requested object(s).',
  },
  {
    name: 'show-labels',
    type: 'bool',
    usage: 'When printing, show all labels as the last column (default hide labels column)',
  },
  {
    name: 'sort-by',
    type: 'string',
    usage:
      "If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string.",
  },
];

const HELP = `Display one or many resources.

 Prints a table of the most important information about the specified resources. You can filter the list using a label
selector and the --selector flag. If the desired resource type is namespaced you will only see results in your current
namespace unless you pass --all-namespaces.

 By specifying the output as 'template' and providing a Go template as the value of the --template flag, you can filter
the attributes of the fetched resources.

Use "kubectl api-resources" for a complete list of supported resources.

Examples:
  # List all pods in ps output format
  kubectl get pods
  
  # List all pods in ps output format with more information (such as node name)
  kubectl get pods -o wide
  
  # List a single deployment with specified NAME in ps output format
  kubectl get deployment web
  
  # List deployments in JSON output format, in the "v1" version of the "apps" API group
  kubectl get deployments.v1.apps -o json
  
  # List a single pod in JSON output format
  kubectl get -o json pod web-pod-13je7
  
  # Return only the phase value of the specified pod
  kubectl get -o jsonpath='{.status.phase}' pod/web-pod-13je7
  
  # List resource information in custom columns
  kubectl get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,IMAGE:.spec.containers[0].image
  
  # List all deployments and services together in ps output format
  kubectl get deployments,services
  
  # List one or more resources by their type and names
  kubectl get deployment/web service/frontend pods/web-pod-13je7

Options:
    -A, --all-namespaces=false:
	If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even
	if specified with --namespace.

    --allow-missing-template-keys=true:
	If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to
	golang and jsonpath output formats.

    --field-selector='':
	Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector
	key1=value1,key2=value2). The server only supports a limited number of field queries per type.

    --ignore-not-found=false:
	If the requested object does not exist the command will return exit code 0.

    -L, --label-columns=[]:
	Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive.
	You can also use multiple flag options like -L label1 -L label2...

    --no-headers=false:
	When using the default or custom-column output format, don't print headers (default print headers).

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath,
	jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide). See custom columns
	[https://kubernetes.io/docs/reference/kubectl/#custom-columns], golang template
	[http://golang.org/pkg/text/template/#pkg-overview] and jsonpath template
	[https://kubernetes.io/docs/reference/kubectl/jsonpath/].

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching
	objects must satisfy all of the specified label constraints.

    --show-kind=false:
	If present, list the resource type for the requested object(s).

    --show-labels=false:
	When printing, show all labels as the last column (default hide labels column)

    --sort-by='':
	If non-empty, sort list types using this field specification.  The field specification is expressed as a
	JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath
	expression must be an integer or a string.

Usage:
  kubectl get
[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide]
(TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const NO_TYPE = `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.

error: Required resource not specified.
Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
See 'kubectl get -h' for help and examples
`;

/**
 * `TYPE.VERSION.GROUP` (`deployments.v1.apps`) as `TYPE.GROUP`: every kind we serve has one
 * version, so naming it only has to match.
 */
function dropVersion(type: string): string {
  const m = /^([^.]+)\.(v\d+(?:(?:alpha|beta)\d+)?)\.(.+)$/.exec(type);
  if (!m) return type;
  const info = kindForResourceArg(`${m[1]}.${m[3]}`);
  return info && info.version === m[2] ? `${m[1]}.${m[3]}` : type;
}

/**
 * Expand `all` in the type argument (`all`, `all,cm`) into the kinds of its category, and drop
 * versions from fully qualified types.
 */
function expandAll(args: readonly string[]): string[] {
  const first = args[0];
  if (first === undefined) return [];
  if (first.includes('/')) {
    return args.map((a) => {
      const i = a.indexOf('/');
      return i < 0 ? a : dropVersion(a.slice(0, i)) + a.slice(i);
    });
  }
  const types = first
    .split(',')
    .flatMap((t) => (t === 'all' ? [...ALL_CATEGORY] : [dropVersion(t)]));
  return [types.join(','), ...args.slice(1)];
}

/** Parse `-o` (PrintFlags.ToPrinter). Throws KubectlError with kubectl's messages. */
function parseOutput(format: string): Output {
  if (format === '' || format === 'wide') return { t: 'table', wide: format === 'wide' };
  if (format === 'yaml') return { t: 'yaml' };
  if (format === 'json') return { t: 'json' };
  if (format === 'name') return { t: 'name' };
  const eq = format.indexOf('=');
  const kind = eq >= 0 ? format.slice(0, eq) : format;
  const arg = eq >= 0 ? format.slice(eq + 1) : '';
  if (kind === 'jsonpath') {
    if (arg === '') throw new KubectlError('template format specified but no template given');
    try {
      return { t: 'jsonpath', path: parseJsonPath(arg) };
    } catch (e) {
      if (e instanceof JsonPathError)
        throw new KubectlError(`error parsing jsonpath ${arg}, ${e.message}`);
      throw e;
    }
  }
  if (kind === 'custom-columns') {
    if (arg === '')
      throw new KubectlError('custom-columns format specified but no custom columns given');
    const columns = arg.split(',').map((spec) => {
      const i = spec.indexOf(':');
      if (i < 0)
        throw new KubectlError(
          `unexpected custom-columns spec: ${spec}, expected <header>:<json-path-expr>`,
        );
      let expr: string;
      try {
        expr = relaxedJsonPath(spec.slice(i + 1));
        return { header: spec.slice(0, i), path: parseJsonPath(expr) };
      } catch (e) {
        if (e instanceof JsonPathError) throw new KubectlError(e.message);
        throw e;
      }
    });
    return { t: 'custom-columns', columns };
  }
  if (ALLOWED_FORMATS.includes(kind)) {
    // A real kubectl format the simulator does not implement (Go templates, files).
    throw new KubectlError(`output format "${kind}" is not supported by this playground's kubectl`);
  }
  throw new KubectlError(
    `unable to match a printer suitable for the output format "${format}", allowed formats are: ${ALLOWED_FORMATS.join(',')}`,
  );
}

/** Go's fmt %v of a JSON value, as custom columns print cells. */
function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${goV(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** The CustomColumnsPrinter: a header row, then one row per object; `<none>` for no value. */
function customColumns(
  columns: Array<{ header: string; path: JsonPath }>,
  objects: readonly KObject[],
  noHeaders: boolean,
): string {
  const rows: string[][] = [];
  if (!noHeaders) rows.push(columns.map((c) => c.header));
  for (const o of objects) {
    rows.push(
      columns.map((c) => {
        const values = findValues(c.path, o);
        return values.length === 0 ? '<none>' : values.map(goV).join(',');
      }),
    );
  }
  return tabulate(rows);
}

/** Turn a thrown ApiError into its line; rethrow anything else. */
function errorLine(e: unknown): string {
  if (isApiError(e)) return kubectlMessage(e);
  throw e;
}

function run(ctx: CommandContext): CommandResult {
  const { flags, env } = ctx;
  if (ctx.args.length === 0) return { stdout: '', stderr: NO_TYPE, exitCode: 1 };
  const format = flags.string('output');
  if (flags.bool('show-labels') && format !== '' && format !== 'wide') {
    throw new KubectlError(`--show-labels option cannot be used with ${format} printer`);
  }
  const allNamespaces = flags.bool('all-namespaces');
  const refs: ResourceRef[] = parseTypeNameArgs(expandAll(ctx.args));
  const named = refs.some((r) => r.name !== undefined);
  const labelText = flags.string('selector');
  const fieldText = flags.string('field-selector');
  if (named && (labelText !== '' || fieldText !== '')) {
    throw new KubectlError('name cannot be provided when a selector is specified');
  }
  if (named && allNamespaces) {
    throw new KubectlError('a resource cannot be retrieved by name across all namespaces');
  }
  const output = parseOutput(format);
  let sortPath: JsonPath | undefined;
  const sortBy = flags.string('sort-by');
  if (sortBy !== '') {
    try {
      sortPath = parseJsonPath(relaxedJsonPath(sortBy));
    } catch (e) {
      if (e instanceof JsonPathError) throw new KubectlError(`sorting error: ${e.message}`);
      throw e;
    }
  }

  // Selectors go to the server with every list request; a bad one fails the first request.
  let selector: Selector | undefined;
  let fields: FieldRequirement[] = [];
  const badRequest = (info: KindInfo, why: string): ApiError =>
    new ApiError(
      'BadRequest',
      400,
      `Unable to find "${gvrString(info)}" that match label selector "${labelText}", field selector "${fieldText}": ${why}`,
    );
  const firstList = refs.find((r) => r.name === undefined);
  if (firstList) {
    try {
      selector = labelText === '' ? undefined : parseSelector(labelText);
      fields = parseFieldSelector(fieldText);
    } catch (e) {
      if (e instanceof SelectorParseError || e instanceof FieldSelectorError)
        throw badRequest(firstList.info, e.message);
      throw e;
    }
  }

  const namespace = ctx.namespace;
  const infos: Info[] = [];
  const errors: string[] = [];
  const ignoreNotFound = flags.bool('ignore-not-found');
  for (const ref of refs) {
    const ns = ref.info.namespaced ? namespace : undefined;
    if (ref.name !== undefined) {
      const obj = env.store.get(ref.info.kind, ns, ref.name);
      if (obj) infos.push({ info: ref.info, objects: [obj] });
      else if (!ignoreNotFound) errors.push(errorLine(notFound(ref.info, ref.name)));
      continue;
    }
    const unsupported = unsupportedField(ref.info.kind, fields);
    if (unsupported !== undefined) throw badRequest(ref.info, unsupported);
    const listNs = ref.info.namespaced && !allNamespaces ? namespace : undefined;
    let objects = env.store.list(ref.info.kind, {
      ...(listNs !== undefined ? { namespace: listNs } : {}),
      ...(selector ? { selector } : {}),
    });
    if (fields.length > 0) objects = objects.filter((o) => matchesFields(o, fields));
    infos.push({ info: ref.info, objects: serverOrder(objects) });
  }

  if (sortPath) {
    try {
      for (const i of infos) if (i.objects.length > 1) i.objects = sortObjects(i.objects, sortPath);
    } catch (e) {
      if (e instanceof SortError) throw new KubectlError(e.message);
      throw e;
    }
  }

  const nowMs = env.clock.now();
  const stderr = errors.length > 0 ? errors.join('\n') + '\n' : '';
  const exitCode = errors.length > 0 ? 1 : 0;

  if (output.t !== 'table') {
    return printGeneric(output, refs, infos, flags.bool('no-headers'), stderr, exitCode);
  }

  // Human-readable tables: one per run of infos of the same resource.
  const withKind = flags.bool('show-kind') || new Set(infos.map((i) => i.info.kind)).size > 1;
  const labelColumns = flags
    .strings('label-columns')
    .flatMap((l) => l.split(','))
    .filter(Boolean);
  const noHeaders = flags.bool('no-headers');
  let stdout = '';
  let allResourcesNamespaced = !allNamespaces;
  for (let i = 0; i < infos.length;) {
    const info = infos[i]!.info;
    const objects: KObject[] = [];
    for (; i < infos.length && infos[i]!.info.kind === info.kind; i++) {
      objects.push(...infos[i]!.objects);
      allResourcesNamespaced = allResourcesNamespaced && info.namespaced;
    }
    const text = tabulate(
      tableRows(info.kind, objects, nowMs, {
        wide: output.wide,
        noHeaders,
        withNamespace: allNamespaces && info.namespaced,
        withKind,
        kindPrefix: kindDotGroup(info),
        showLabels: flags.bool('show-labels'),
        labelColumns,
      }),
    );
    if (text === '') continue;
    // A blank line between tables, but not with --no-headers (get.go separatorWriter).
    if (stdout !== '' && !noHeaders) stdout += '\n';
    stdout += text;
  }
  let notice = '';
  if (stdout === '' && !ignoreNotFound && errors.length === 0) {
    notice = allResourcesNamespaced
      ? `No resources found in ${namespace} namespace.\n`
      : 'No resources found\n';
  }
  return { stdout, stderr: notice + stderr, exitCode };
}

/** printGeneric: one object when a single name was asked for, else a List of everything. */
function printGeneric(
  output: Exclude<Output, { t: 'table' }>,
  refs: readonly ResourceRef[],
  infos: readonly Info[],
  noHeaders: boolean,
  stderr: string,
  exitCode: number,
): CommandResult {
  const singleItemImplied = refs.length === 1 && refs[0]!.name !== undefined;
  if (singleItemImplied && infos.length === 0) return { stdout: '', stderr, exitCode };
  const items = infos.flatMap((i) => i.objects);
  const single = singleItemImplied ? items[0] : undefined;
  let stdout: string;
  try {
    stdout = printObjects(output, single, items, noHeaders);
  } catch (e) {
    if (e instanceof JsonPathError && output.t === 'jsonpath') {
      // kubectl goes on with `object given to jsonpath engine was:` and the object as Go's %#v
      // prints it, a screenful no one reads; that part is left out.
      const raw = output.path.source;
      throw new KubectlError(
        `error executing jsonpath ${JSON.stringify(raw)}: Error executing template: ${e.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${raw}`,
      );
    }
    throw e;
  }
  return { stdout, stderr, exitCode };
}

function printObjects(
  output: Exclude<Output, { t: 'table' }>,
  single: KObject | undefined,
  items: readonly KObject[],
  noHeaders: boolean,
): string {
  const list = (): Record<string, unknown> => ({
    apiVersion: 'v1',
    items,
    kind: 'List',
    metadata: { resourceVersion: '' },
  });
  switch (output.t) {
    case 'yaml':
      return toYaml(single ?? list());
    case 'json':
      return toJson(single ?? list());
    case 'name':
      return (single ? [single] : items).map((o) => kindSlashName(o) + '\n').join('');
    case 'jsonpath':
      return executeJsonPath(output.path, single ?? list());
    case 'custom-columns':
      return customColumns(output.columns, single ? [single] : items, noHeaders);
  }
}

export const getCommand: KubectlCommand = {
  name: 'get',
  short: 'Display one or many resources',
  help: HELP,
  flags: FLAGS,
  run,
};
