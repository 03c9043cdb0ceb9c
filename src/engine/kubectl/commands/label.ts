/**
 * `kubectl label` and, through `runMetadataUpdate`, `kubectl annotate`; also the small pieces of
 * cli-runtime that scale, annotate, run, expose and create deployment share (the resource
 * builder's TYPE NAME / TYPE/NAME / -l / --all visiting, `--dry-run`, the name printer and `-o`).
 *
 * Models kubectl pkg/cmd/label/label.go (Complete, Validate, RunLabel, parseLabels, labelFunc,
 * updateDataChangeMsg) and pkg/cmd/annotate/annotate.go (v1.30, after the AnnotateFlags
 * refactor): client-side edit of the object, a merge patch to the server, then
 * `pod/x labeled` / `pod/x annotated`. Quirks kept on purpose, because a learner sees them on a
 * real cluster:
 *  - `label` prints `label "k" not found.` for each removed key the object lacks;
 *  - `label` says `not labeled` when nothing changed, and `unlabeled` when keys were only
 *    removed without --overwrite (it compares the JSON sizes before and after);
 *  - removing a key from an object with no labels at all still says `labeled` (kubectl sets an
 *    empty map, which makes the JSON longer);
 *  - `--list` prints `Listing labels for Pod./x:` (Kind.group, even for the core group).
 * `--record` (deprecated, hidden from --help) writes the command line into
 * `kubernetes.io/change-cause`, as scale, run and expose do too (`recordedCause`).
 * Left out: `-f`, `--local`, `--field-selector`, `-o`.
 */
import type { ApiError } from '../../api/errors';
import { isApiError, notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import { KINDS } from '../../api/kinds';
import type { Selector } from '../../api/selectors';
import { EVERYTHING } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { deepClone, deepEqual } from '../../api/types';
import { changeCauseFor, RECORD_DEPRECATION, RECORD_FLAG } from '../change-cause';
import type { CliError } from '../filenames';
import { aggregate, checkErr, errorText, plainError, statusError } from '../filenames';
import { goJsonString, toJson } from '../printers/json';
import { toYaml } from '../printers/yaml';
import { compileSelector, kindSlashName, parseTypeNameArgs } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import type { CommandResult } from '../../shell/types';
import { CHECK_ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, SELECTOR_FLAG } from '../flag-specs';

// ------------------------------------------------------------------------------ shared flags

export type DryRun = 'none' | 'client' | 'server';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** cmdutil.GetDryRunStrategy. */
export function dryRunStrategy(ctx: CommandContext): DryRun {
  const v = ctx.flags.string('dry-run');
  if (v === 'none' || v === 'client' || v === 'server') return v;
  throw new KubectlError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** cmdutil.PrintFlagsWithDryRunStrategy: the name printer's operation with its suffix. */
export function withDryRun(operation: string, dryRun: DryRun): string {
  if (dryRun === 'client') return `${operation} (dry run)`;
  if (dryRun === 'server') return `${operation} (server dry run)`;
  return operation;
}

/** pflag's notice on stderr when `--record` is given at all (it is deprecated). */
export function recordNotice(ctx: CommandContext): string {
  return ctx.flags.has('record') ? RECORD_DEPRECATION : '';
}

/**
 * RecordFlags.ToRecorder: with `--record` (true), the change-cause kubectl writes onto the object
 * (the command line as parseCommandArguments rebuilds it); undefined otherwise.
 */
export function recordedCause(ctx: CommandContext, specs: readonly FlagSpec[]): string | undefined {
  return ctx.flags.bool('record') ? changeCauseFor(ctx.env.commandLine, specs) : undefined;
}

/** Recorder.Record: set `kubernetes.io/change-cause` on an object being built or edited. */
export function withChangeCause<T extends KObject>(obj: T, cause: string | undefined): T {
  if (cause === undefined) return obj;
  obj.metadata.annotations = { ...obj.metadata.annotations, [CHANGE_CAUSE]: cause };
  return obj;
}

const PRINTER_FORMATS =
  'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

/** Check `-o` before anything runs (PrintFlags.ToPrinter fails early on an unknown format). */
export function checkOutputFormat(ctx: CommandContext): void {
  if (!ctx.flags.has('output')) return;
  const o = ctx.flags.string('output');
  if (o === '' || o === 'json' || o === 'yaml' || o === 'name') return;
  throw new KubectlError(
    `unable to match a printer suitable for the output format "${o}", allowed formats are: ${PRINTER_FORMATS}`,
  );
}

/**
 * genericclioptions.PrintFlags' printer: `kind.group/name <operation>` by default, `kind/name`
 * with `-o name`, the object with `-o yaml|json`.
 */
export function printObject(
  ctx: CommandContext,
  obj: KObject,
  operation: string,
  dryRun: DryRun = 'none',
): string {
  const o = ctx.flags.has('output') ? ctx.flags.string('output') : '';
  if (o === 'yaml') return toYaml(obj);
  // A typed object kubectl built itself marshals in Go's struct field order; what the server
  // returned is printed as kubectl's JSON printer prints any object.
  if (o === 'json') return dryRun === 'client' ? structJson(obj) : toJson(obj);
  if (o === 'name') return `${kindSlashName(obj)}\n`;
  return `${kindSlashName(obj)} ${withDryRun(operation, dryRun)}\n`;
}

/**
 * json.MarshalIndent of a typed object: keys in the order the object was built (the command
 * builds it in Go's struct field order), 4-space indent, null kept (`creationTimestamp: null`).
 */
export function structJson(v: unknown): string {
  const enc = (x: unknown, indent: string): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return goJsonString(x);
    if (typeof x !== 'object') return String(x);
    const inner = indent + '    ';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[\n${x.map((e) => inner + enc(e, inner)).join(',\n')}\n${indent}]`;
    }
    const keys = Object.keys(x).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 0) return '{}';
    const body = keys
      .map((k) => `${inner}${goJsonString(k)}: ${enc((x as Record<string, unknown>)[k], inner)}`)
      .join(',\n');
    return `{\n${body}\n${indent}}`;
  };
  return enc(v, '') + '\n';
}

// ------------------------------------------------------------------------------ errors

/** What a command that visits several objects prints on stderr for the errors it collected. */
export function renderErrors(errors: readonly unknown[]): string {
  const cli = errors.map(toCliError);
  if (cli.length === 0) return '';
  // ContinueOnErrorVisitor returns a lone error as itself, several as an aggregate.
  return checkErrOnce(cli.length === 1 ? cli[0]! : aggregate(cli)!);
}

/**
 * cmdutil.CheckErr exactly: it unwraps an aggregate of one only once, so an aggregate nested in
 * it (drain's per-node errors) still prints one line per error, without `error: `.
 */
export function checkErrOnce(err: CliError): string {
  const e = err.kind === 'aggregate' && err.errors.length === 1 ? err.errors[0]! : err;
  if (e.kind !== 'aggregate') return checkErr(e);
  return e.errors
    .map((x) =>
      x.kind === 'status'
        ? `Error from server (${x.status.reason}): ${x.message}\n`
        : `${errorText(x)}\n`,
    )
    .join('');
}

export function toCliError(e: unknown): CliError {
  if (isApiError(e)) return statusError(e);
  if (e instanceof AggregateErr) return aggregate(e.errors.map(toCliError)) ?? plainError('');
  return plainError(e instanceof Error ? e.message : String(e));
}

/** utilerrors.Aggregate: printed one error per line, without `error: `, when it has several. */
export class AggregateErr extends Error {
  constructor(readonly errors: readonly unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join(', '));
  }
}

/** A result with what was printed so far and the errors collected (exit 1 if any). */
export function result(stdout: string, errors: readonly unknown[], stderr = ''): CommandResult {
  const err = stderr + renderErrors(errors);
  return { stdout, stderr: err, exitCode: errors.length > 0 ? 1 : 0 };
}

// ------------------------------------------------------------------------------ the builder

/** cli-runtime resource.missingResourceError. */
export const MISSING_RESOURCE =
  'You must provide one or more resources by argument or filename.\n' +
  'Example resource specifications include:\n' +
  "   '-f rsrc.yaml'\n" +
  "   '--filename=rsrc.json'\n" +
  "   '<resource> <name>'\n" +
  "   '<resource>'";

export interface Visited {
  /** The objects found, in the order kubectl visits them. */
  objects: KObject[];
  /** NotFound errors for named objects (ContinueOnError: reported after the others). */
  errors: ApiError[];
  /** IntoSingleItemImplied: exactly one object was named. */
  singleItemImplied: boolean;
}

export interface VisitOptions {
  /** `--all`: a bare type selects everything (ResourceTypeOrNameArgs' allowEmptySelector). */
  all?: boolean;
  /** `-l`, already read from the flags ('' = none). */
  selector?: string;
  /** `-A`. */
  allNamespaces?: boolean;
}

const byNamespaceAndName = (a: KObject, b: KObject): number => {
  const x = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const y = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Models cli-runtime resource.Builder as label, annotate and scale drive it (ContinueOnError,
 * NamespaceParam(ns).DefaultNamespace(), ResourceTypeOrNameArgs, LabelSelectorParam, Flatten):
 * `TYPE NAME...`, `TYPE/NAME...`, or a bare `TYPE` with `-l`/`--all`. Lists come back in the
 * API server's order (namespace, then name).
 */
export function visitResources(
  ctx: CommandContext,
  args: readonly string[],
  opts: VisitOptions = {},
): Visited {
  if (args.length === 0) throw new KubectlError(MISSING_RESOURCE);
  const refs = parseTypeNameArgs(args);
  const slashed = args.some((a) => a.includes('/'));
  const named = refs.filter((r) => r.name !== undefined);
  const selectorText = opts.selector ?? '';
  const store = ctx.env.store;
  const out: Visited = { objects: [], errors: [], singleItemImplied: named.length === 1 };

  if (named.length > 0) {
    if (slashed && selectorText !== '')
      throw new KubectlError(
        'selectors and the all flag cannot be used when passing resource/name arguments',
      );
    if (!slashed) {
      if (selectorText !== '')
        throw new KubectlError('name cannot be provided when a selector is specified');
      const types = new Set(refs.map((r) => r.info.kind));
      if (types.size > 1) throw new KubectlError('you must specify only one resource');
    }
    for (const ref of named) {
      const ns = ref.info.namespaced ? ctx.namespace : undefined;
      const obj = store.get(ref.info.kind, ns, ref.name!);
      if (obj) out.objects.push(obj);
      else out.errors.push(notFound(ref.info, ref.name!));
    }
    return out;
  }

  let selector: Selector | undefined;
  if (selectorText !== '') selector = compileSelector(selectorText);
  else if (opts.all) selector = EVERYTHING;
  if (!selector) throw new KubectlError('resource(s) were provided, but no name was specified');
  for (const ref of refs) {
    const inAll = opts.allNamespaces || !ref.info.namespaced;
    const list = store.list(ref.info.kind, {
      ...(inAll ? {} : { namespace: ctx.namespace }),
      selector,
    });
    out.objects.push(...list.slice().sort(byNamespaceAndName));
  }
  return out;
}

/** The kind table entry for an object (for `--list` headers). */
function infoOf(obj: KObject): KindInfo | undefined {
  return KINDS.find((k) => k.kind === obj.kind);
}

// ------------------------------------------------------------------------------ label / annotate

/**
 * cmdutil.GetResourcesAndPairs: resources come first; `k=v` and `k-` are the changes. A word
 * counts as a change when it holds `=` (not first) or ends in `-` (and is not `-` alone).
 */
export function splitResourcesAndPairs(
  args: readonly string[],
  pairType: string,
): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const pair = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (pair) pairs.push(s);
    else if (pairs.length > 0)
      throw new KubectlError(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, pairs };
}

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** validation.IsValidLabelValue's messages. */
function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE_RE.test(v))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

interface Changes {
  set: Map<string, string>;
  remove: string[];
}

/** label.go parseLabels. */
function parseLabelPairs(pairs: readonly string[]): Changes {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const spec of pairs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) throw new KubectlError(`invalid label spec: ${spec}`);
      const errs = labelValueErrors(parts[1]!);
      if (errs.length > 0)
        throw new KubectlError(`invalid label value: ${JSON.stringify(spec)}: ${errs.join(';')}`);
      set.set(parts[0]!, parts[1]!);
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else throw new KubectlError(`unknown label spec: ${spec}`);
  }
  if (remove.some((k) => set.has(k)))
    throw new KubectlError('can not both modify and remove a label in the same command');
  return { set, remove };
}

/** cmdutil.ParsePairs(args, "annotation", true) and annotate's validateAnnotations. */
function parseAnnotationPairs(pairs: readonly string[]): Changes {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const p of pairs) {
    if (p.includes('=') && p[0] !== '=') {
      const i = p.indexOf('=');
      set.set(p.slice(0, i), p.slice(i + 1));
    } else if (p.endsWith('-') && p !== '-') remove.push(p.slice(0, -1));
    else invalid.push(p);
  }
  if (invalid.length > 0)
    throw new KubectlError(`invalid annotation format: ${invalid.join(', ')}`);
  const both = remove.filter((k) => set.has(k));
  if (both.length > 0)
    throw new KubectlError(
      `can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`,
    );
  return { set, remove };
}

type Field = 'labels' | 'annotations';

/** label.go validateNoOverwrites / annotate.go validateNoAnnotationOverwrites. */
function checkOverwrites(
  field: Field,
  current: Record<string, string> | undefined,
  set: Map<string, string>,
): void {
  if (field === 'labels') {
    const errs: Error[] = [];
    for (const [k] of set) {
      const v = current?.[k];
      if (v !== undefined)
        errs.push(new Error(`'${k}' already has a value (${v}), and --overwrite is false`));
    }
    if (errs.length === 1) throw new KubectlError(errs[0]!.message);
    if (errs.length > 1) throw new AggregateErr(errs);
    return;
  }
  const found: string[] = [];
  for (const [k, value] of set) {
    if (k === CHANGE_CAUSE) continue; // the change-cause can always be overwritten
    const v = current?.[k];
    if (v !== undefined && v !== value) found.push(`'${k}' already has a value (${v})`);
  }
  if (found.length > 0)
    throw new KubectlError(
      `--overwrite is false but found the following declared annotation(s): ${found.join('; ')}`,
    );
}

/** The map after the changes; labelFunc always sets a map, even an empty one. */
function applyChanges(current: Record<string, string> | undefined, c: Changes) {
  const next: Record<string, string> = { ...current };
  for (const [k, v] of c.set) next[k] = v;
  for (const k of c.remove) delete next[k];
  return next;
}

/** Go's json.Marshal size of a map (the keys and values kubectl compares are plain ASCII). */
function jsonSize(m: Record<string, string> | undefined): number {
  return m === undefined ? -1 : JSON.stringify(m).length;
}

/** label.go updateDataChangeMsg. */
function labelMessage(
  old: Record<string, string> | undefined,
  next: Record<string, string>,
  overwrite: boolean,
  resourceVersion: boolean,
): string {
  const changed = resourceVersion || old === undefined || !deepEqual(old, next);
  if (!changed) return 'not labeled';
  if (!overwrite && !resourceVersion && jsonSize(next) < jsonSize(old)) return 'unlabeled';
  return 'labeled';
}

/** `--list` output: `k=v` lines, sorted (Go's map order is random). */
function listing(field: Field, obj: KObject, single: boolean): string {
  const m = obj.metadata[field] ?? {};
  const indent = single ? '' : ' ';
  let out = '';
  if (!single) {
    const group = infoOf(obj)?.group ?? '';
    const what = field === 'labels' ? 'labels' : 'annotations';
    out += `Listing ${what} for ${obj.kind}.${group}/${obj.metadata.name ?? ''}:\n`;
  }
  for (const k of Object.keys(m).sort()) out += `${indent}${k}=${m[k]}\n`;
  return out;
}

/** The whole of `kubectl label` / `kubectl annotate` once the flags are parsed. */
export function runMetadataUpdate(
  ctx: CommandContext,
  field: Field,
  specs: readonly FlagSpec[],
): CommandResult {
  const { flags } = ctx;
  const what = field === 'labels' ? 'label' : 'annotation';
  const dryRun = dryRunStrategy(ctx);
  const { resources, pairs } = splitResourcesAndPairs(ctx.args, what);
  const changes = field === 'labels' ? parseLabelPairs(pairs) : parseAnnotationPairs(pairs);
  const all = flags.bool('all');
  const selector = flags.string('selector');
  const list = flags.bool('list');
  if (all && selector !== '')
    throw new KubectlError('cannot set --all and --selector at the same time');
  if (resources.length === 0)
    throw new KubectlError(
      'one or more resources must be specified as <resource> <name> or <resource>/<name>',
    );
  if (changes.set.size === 0 && changes.remove.length === 0 && !list)
    throw new KubectlError(`at least one ${what} update is required`);

  const visited = visitResources(ctx, resources, {
    all,
    selector,
    allNamespaces: flags.bool('all-namespaces'),
  });
  const resourceVersion = flags.string('resource-version');
  if (!visited.singleItemImplied && resourceVersion !== '')
    throw new KubectlError('--resource-version may only be used with a single resource');

  const overwrite = flags.bool('overwrite');
  const cause = recordedCause(ctx, specs);
  const errors: unknown[] = [];
  let stdout = '';
  for (const obj of visited.objects) {
    try {
      stdout += updateOne(ctx, obj, field, changes, {
        overwrite,
        resourceVersion,
        dryRun,
        list,
        single: visited.singleItemImplied,
        cause,
      });
    } catch (e) {
      if (!(e instanceof KubectlError) && !(e instanceof AggregateErr) && !isApiError(e)) throw e;
      errors.push(e);
    }
  }
  errors.push(...visited.errors);
  return result(stdout, errors, recordNotice(ctx));
}

interface UpdateOptions {
  overwrite: boolean;
  resourceVersion: string;
  dryRun: DryRun;
  list: boolean;
  single: boolean;
  /** `--record`'s change-cause, recorded on the object sent (not for --list / client dry runs). */
  cause: string | undefined;
}

function updateOne(
  ctx: CommandContext,
  obj: KObject,
  field: Field,
  changes: Changes,
  o: UpdateOptions,
): string {
  const old = obj.metadata[field];
  let out = '';
  if (o.dryRun === 'none' && !o.list && field === 'labels') {
    for (const k of changes.remove)
      if (old?.[k] === undefined) out += `label ${JSON.stringify(k)} not found.\n`;
  }
  const sent = o.dryRun === 'none' && !o.list;
  const cause = sent ? o.cause : undefined;
  // annotate records before editing, label after; either way the cause is on the patch.
  const base = field === 'annotations' ? withChangeCause(deepClone(obj), cause) : obj;
  const current = base.metadata[field];
  if (!o.overwrite) checkOverwrites(field, current, changes.set);
  const next = applyChanges(current, changes);
  const recorded = cause !== undefined && obj.metadata.annotations?.[CHANGE_CAUSE] !== cause;
  const message =
    field === 'labels'
      ? labelMessage(old, next, o.overwrite, o.resourceVersion !== '' || recorded)
      : 'annotated';

  const copy = field === 'annotations' ? base : withChangeCause(deepClone(obj), cause);
  if (Object.keys(next).length > 0) copy.metadata[field] = next;
  else delete copy.metadata[field];
  if (o.resourceVersion !== '') copy.metadata.resourceVersion = o.resourceVersion;

  let shown: KObject = copy;
  if (sent) shown = ctx.env.store.update(copy, { actor: 'kubectl' });
  if (o.list) return out + listing(field, shown, o.single);
  return out + `${kindSlashName(shown)} ${withDryRun(message, o.dryRun)}\n`;
}

// ------------------------------------------------------------------------------ the command

export const LABEL_FLAGS: FlagSpec[] = [
  {
    name: 'all',
    type: 'bool',
    usage: 'Select all resources, in the namespace of the specified resource types',
  },
  CHECK_ALL_NAMESPACES_FLAG,
  DRY_RUN_FLAG,
  { name: 'list', type: 'bool', usage: 'If true, display the labels for a given resource.' },
  {
    name: 'overwrite',
    type: 'bool',
    usage:
      'If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.',
  },
  {
    name: 'resource-version',
    type: 'string',
    usage:
      'If non-empty, the labels update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.',
  },
  SELECTOR_FLAG,
  RECORD_FLAG,
];

/** `kubectl label --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Update the labels on a resource.

  *  A label key and value must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and
underscores, up to 63 characters each.
  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.
  *  If --overwrite is true, then existing labels can be overwritten, otherwise attempting to overwrite a label will
result in an error.
  *  If --resource-version is specified, then updates will use this resource version, otherwise the existing
resource-version will be used.

Examples:
  # Update pod 'foo' with the label 'unhealthy' and the value 'true'
  kubectl label pods foo unhealthy=true
  
  # Update pod 'foo' with the label 'status' and the value 'unhealthy', overwriting any existing value
  kubectl label --overwrite pods foo status=unhealthy
  
  # Update all pods in the namespace
  kubectl label pods --all status=unhealthy
  
  # Update a pod identified by the type and name in "pod.json"
  kubectl label -f pod.json status=unhealthy
  
  # Update pod 'foo' only if the resource is unchanged from version 1
  kubectl label pods foo status=unhealthy --resource-version=1
  
  # Update pod 'foo' by removing a label named 'bar' if it exists
  # Does not require the --overwrite flag
  kubectl label pods foo bar-

Options:
    --all=false:
\tSelect all resources, in the namespace of the specified resource types

    -A, --all-namespaces=false:
\tIf true, check the specified action in all namespaces.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --list=false:
\tIf true, display the labels for a given resource.

    --overwrite=false:
\tIf true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.

    --resource-version='':
\tIf non-empty, the labels update will only succeed if this is the current resource-version for the object. Only
\tvalid when specifying a single resource.

    -l, --selector='':
\tSelector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching
\tobjects must satisfy all of the specified label constraints.

Usage:
  kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]
[options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const labelCommand: KubectlCommand = {
  name: 'label',
  short: 'Update the labels on a resource',
  help: HELP,
  flags: LABEL_FLAGS,
  run: (ctx) => runMetadataUpdate(ctx, 'labels', LABEL_FLAGS),
};
