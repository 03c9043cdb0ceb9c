/**
 * `kubectl apply -f FILE|DIR|-`: client-side apply, as kubectl 1.30 does it.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go (Run, applyOneObject) and patcher.go:
 *  1. read every object first (resource.Builder, filenames.ts): a syntax or schema error stops
 *     reading that file, but the objects read before it are still applied;
 *  2. for each object: record `kubernetes.io/change-cause` if `--record`; compute the
 *     last-applied-configuration (the object as written, as Go's JSON encoder writes it);
 *     create it if absent (`created`), else send the three-way strategic merge patch
 *     (strategic-merge.ts): `unchanged` when the patch is `{}`, `configured` otherwise;
 *  3. errors are collected and printed after everything else, as cmdutil.CheckErr does; the exit
 *     status is 1 if anything failed.
 * API errors carry kubectl's context: `Error from server (AlreadyExists): error when creating
 * "x.yml": ...`, or the `error when applying patch:` block with the patch for updates.
 *
 * `-o yaml|json` prints the objects at the end (one object, or a List), `-o name` their names.
 *
 * Also here, shared with create and delete: `--validate` parsing, the server-side dry run
 * (decode, default, validate; nothing stored), the last-applied annotation, and the `--help`
 * layout of kubectl 1.30.
 *
 * Left out: `--server-side`, `--prune`, `-k`, `-R`, `--force`. A server-side dry run skips IP
 * and port allocation.
 */
import { prepareForCreate, prepareForUpdate, validateUpdate } from '../../api/api-strategies';
import { ApiError, alreadyExists, invalid, isApiError, notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import { kindInfo } from '../../api/kinds';
import { parseFieldPath } from '../../api/manifest';
import { parseSelector, SelectorParseError } from '../../api/selectors';
import type { Selector } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { deepClone } from '../../api/types';
import { unknownFields, validateObject } from '../../api/validation';
import type { CommandResult } from '../../shell/types';
import type { CliError, ResourceInfo } from '../filenames';
import {
  addSourceToErr,
  aggregate,
  checkErr,
  goQuote,
  plainError,
  readFilenames,
  REQUIRE_FILENAME,
  statusError,
} from '../filenames';
import { CHANGE_CAUSE_ANNOTATION, changeCauseFor, RECORD_FLAG } from '../change-cause';
import { toJson } from '../printers/json';
import { toYaml } from '../printers/yaml';
import { kindDotGroup } from '../resources';
import { applyStrategicPatch, goJSON, schemaForKind, threeWayMergePatch } from '../strategic-merge';
import { commandHelp } from '../help';
import type { CommandContext, FlagSpec, KubectlCommand, KubectlEnv, ParsedFlags } from '../types';
import { KubectlError, usageError } from '../types';
import type { DryRun } from './label';
import { checkOutputFormat, dryRunStrategy, withDryRun } from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG, SELECTOR_FLAG } from '../flag-specs';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// ---------------------------------------------------------------------------------- shared

export type Validation = 'strict' | 'warn' | 'ignore';

/** cmdutil.GetValidationDirective. */
export function parseValidation(flags: ParsedFlags): Validation {
  const v = flags.string('validate');
  if (['1', 't', 'T', 'TRUE', 'true', 'True', 'strict'].includes(v)) return 'strict';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', 'ignore'].includes(v)) return 'ignore';
  if (v === 'warn') return 'warn';
  throw new KubectlError(
    `invalid - validate option ${goQuote(v)}; must be one of: strict (or true), warn, ignore (or false)`,
  );
}

/** The `--validate` flag (cmdutil.AddValidateFlags; its usage text has tabbed lines upstream). */
export const VALIDATE_FLAG: FlagSpec = {
  name: 'validate',
  type: 'string',
  default: 'strict',
  usage: [
    'Must be one of: strict (or true), warn, ignore (or false).',
    '\t\t"true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not.',
    '\t\t"warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise.',
    '\t\t"false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.',
  ].join('\n'),
};

/**
 * The printers of `-o`: the name printer by default (`deployment.apps/x created`), `-o name`
 * (`deployment.apps/x`), or the objects themselves with `-o yaml|json` (several YAML documents
 * are separated by `---`, as the YAML printer does when it prints more than once).
 */
export function printObjects(output: string, objects: readonly KObject[]): string {
  if (output === 'json') return objects.map(toJson).join('');
  return objects.map((o, i) => (i > 0 ? '---\n' : '') + toYaml(o)).join('');
}

/** The name printer: `deployment.apps/httpd2 created`, or `deployment.apps/httpd2` with -o name. */
export function nameLine(info: KindInfo, name: string, operation: string, output: string): string {
  const id = `${kindDotGroup(info)}/${name}`;
  return output === 'name' ? `${id}\n` : `${id} ${operation}\n`;
}

/** pflag's notice on stderr for each deprecated flag given (`--record`). */
export function deprecationWarnings(flags: ParsedFlags, specs: readonly FlagSpec[]): string {
  return specs
    .filter((s) => s.deprecated && flags.has(s.name))
    .map((s) => `Flag --${s.name} has been deprecated, ${s.deprecated}\n`)
    .join('');
}

/** `-l` for file sources (the builder refuses a selector it cannot parse). */
export function fileSelector(flags: ParsedFlags): Selector | undefined {
  const text = flags.string('selector');
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorParseError)
      throw new KubectlError(`the provided selector ${goQuote(text)} is not valid: ${e.message}`);
    throw e;
  }
}

/** StringSlice flags (`-f a.yml,b.yml`): every occurrence, split at commas. */
export function stringSlice(flags: ParsedFlags, name: string): string[] {
  return flags.strings(name).flatMap((v) => (v === '' ? [] : v.split(',')));
}

/** ChangeCauseRecorder.Record. */
export function recordChangeCause(obj: KObject, cause: string): void {
  obj.metadata = {
    ...obj.metadata,
    annotations: { ...obj.metadata.annotations, [CHANGE_CAUSE_ANNOTATION]: cause },
  };
}

/**
 * The server's field validation (fieldValidation=Warn|Ignore): unknown fields are dropped
 * instead of refused; with Warn the API server returns a warning for each, which kubectl prints.
 */
export function dropUnknownFields(obj: KObject, validation: Validation): string[] {
  if (validation === 'strict') return [];
  const paths = unknownFields(obj);
  for (const p of paths) deletePath(obj, p);
  return validation === 'warn' ? paths.map((p) => `Warning: unknown field ${goQuote(p)}\n`) : [];
}

function deletePath(obj: unknown, path: string): void {
  const segs = parseFieldPath(path);
  if (!segs || segs.length === 0) return;
  let node: unknown = obj;
  for (const s of segs.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[s];
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node))
    delete (node as Record<string, unknown>)[String(segs[segs.length - 1])];
}

/** Anything a store call throws, as the API error kubectl would get. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  return new ApiError(
    'InternalError',
    500,
    `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`,
  );
}

/**
 * A create with dryRun=All: the request path of a create (namespace check, decode, defaulting,
 * admission, validation, the existence check), nothing stored. Throws the ApiError a real
 * create would. IP and port allocation are not rehearsed.
 */
export function dryRunCreate(env: KubectlEnv, input: KObject): KObject {
  const info = kindInfo(input.kind)!;
  const obj = deepClone(input);
  const name = obj.metadata.name ?? '';
  if (info.namespaced) {
    const ns = obj.metadata.namespace || 'default';
    if (!env.store.get('Namespace', undefined, ns)) throw notFound(kindInfo('Namespace')!, ns);
  }
  prepareForCreate(obj, undefined);
  const errs = validateObject(obj);
  if (errs.length > 0) throw invalid(info, name, errs);
  if (env.store.get(info.kind, obj.metadata.namespace, name)) throw alreadyExists(info, name);
  return obj;
}

/** An update with dryRun=All. */
export function dryRunUpdate(input: KObject, old: KObject): KObject {
  const info = kindInfo(input.kind)!;
  const obj = deepClone(input);
  prepareForUpdate(obj, old);
  const errs = validateUpdate(obj, old);
  if (errs.length > 0) throw invalid(info, obj.metadata.name ?? '', errs);
  return obj;
}

/**
 * util.GetModifiedConfiguration: the object without its last-applied annotation (an empty
 * annotations map stays, as kubectl leaves it), as Go's JSON encoder writes it, newline ended.
 */
export function lastAppliedConfiguration(obj: KObject): string {
  const copy = { ...obj, metadata: { ...obj.metadata } };
  const annotations = { ...obj.metadata.annotations };
  delete annotations[LAST_APPLIED];
  copy.metadata.annotations = annotations;
  return goJSON(copy) + '\n';
}

/** `obj` with its last-applied annotation set (util.CreateApplyAnnotation). */
export function withLastApplied(obj: KObject): KObject {
  const applied = lastAppliedConfiguration(obj);
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata.annotations, [LAST_APPLIED]: applied },
    },
  };
}

/** resource.Info's String(): what `error when applying patch:` prints after `to:`. */
export function infoString(info: KindInfo, name: string, namespace: string | undefined): string {
  return (
    `Resource: "${info.group}/${info.version}, Resource=${info.resource}", ` +
    `GroupVersionKind: "${info.group}/${info.version}, Kind=${info.kind}"\n` +
    `Name: ${goQuote(name)}, Namespace: ${goQuote(namespace ?? '')}`
  );
}

/** Tell the engine's subscribers (the UI) about the writes a command made. */
export function flushChanges(env: KubectlEnv): void {
  env.applyObjects([]);
}

// ---------------------------------------------------------------------------------- apply

const FLAGS: FlagSpec[] = [
  DRY_RUN_FLAG,
  {
    name: 'field-manager',
    type: 'string',
    default: 'kubectl-client-side-apply',
    usage: 'Name of the manager used to track field ownership.',
  },
  {
    name: 'filename',
    short: 'f',
    type: 'stringArray',
    usage: 'The files that contain the configurations to apply.',
  },
  OUTPUT_FLAG,
  {
    name: 'overwrite',
    type: 'bool',
    default: true,
    usage:
      'Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration',
  },
  RECORD_FLAG,
  SELECTOR_FLAG,
  VALIDATE_FLAG,
];

const HELP = commandHelp({
  long: [
    "Apply a configuration to a resource by file name or stdin. The resource name must be specified. This resource will be created if it doesn't exist yet. To use 'apply', always create the resource initially with either 'apply' or 'create --save-config'.",
    'JSON and YAML formats are accepted.',
    'Alpha Disclaimer: the --prune functionality is not yet complete. Do not use unless you are aware of what the current state is. See https://issues.k8s.io/34274.',
  ],
  examples: `# Apply the configuration in pod.json to a pod
kubectl apply -f ./pod.json

# Apply the JSON passed into stdin to a pod
cat pod.json | kubectl apply -f -

# Apply the configuration from all files that end with '.json'
kubectl apply -f '*.json'`,
  flags: FLAGS,
  usage: 'apply (-f FILENAME | -k DIRECTORY) [options]',
});

interface ApplyRun {
  env: KubectlEnv;
  dryRun: DryRun;
  validation: Validation;
  output: string;
  cause: string | undefined;
  stdout: string[];
  stderr: string[];
  /** The objects as the server returned them, for `-o yaml|json`. */
  printed: KObject[];
  wrote: boolean;
}

/** Models apply.go ApplyOptions.Complete, validateArgs and Run. */
function runApply(ctx: CommandContext): CommandResult {
  const { env, flags } = ctx;
  const deprecation = deprecationWarnings(flags, FLAGS);
  const fail = (err: CliError): CommandResult => ({
    stdout: '',
    stderr: deprecation + checkErr(err),
    exitCode: 1,
  });
  let dryRun: DryRun;
  let validation: Validation;
  let selector: Selector | undefined;
  const filenames = stringSlice(flags, 'filename');
  try {
    dryRun = dryRunStrategy(ctx);
    if (filenames.length === 0) throw new KubectlError(REQUIRE_FILENAME);
    validation = parseValidation(flags);
    checkOutputFormat(ctx);
    if (ctx.args.length > 0) throw usageError('apply', `Unexpected args: [${ctx.args.join(' ')}]`);
    selector = fileSelector(flags);
  } catch (e) {
    if (e instanceof KubectlError) return fail(plainError(e.message));
    throw e;
  }

  const result = readFilenames(env, filenames, {
    namespace: ctx.namespace,
    enforceNamespace: ctx.namespaceExplicit,
    ...(selector ? { selector } : {}),
  });
  if (result.error) return fail(result.error);
  const { infos, error } = result.infos();
  const errors: CliError[] = error ? [error] : [];
  if (infos.length === 0 && errors.length === 0)
    return fail(plainError('no objects passed to apply'));

  const run: ApplyRun = {
    env,
    dryRun,
    validation,
    output: flags.string('output'),
    cause: flags.bool('record') ? changeCauseFor(env.commandLine, FLAGS) : undefined,
    stdout: [],
    stderr: [],
    printed: [],
    wrote: false,
  };
  for (const info of infos) {
    const err = applyOneObject(run, info);
    if (err) errors.push(err);
  }
  if (run.wrote) flushChanges(env);
  const final = errors.length === 1 ? errors[0] : aggregate(errors);
  // PrintAndPrunePostProcessor: -o yaml|json prints the objects after a successful run, as one
  // object or a List.
  let stdout = run.stdout.join('');
  if (!final && (run.output === 'yaml' || run.output === 'json')) {
    const objs = run.printed;
    const whole =
      objs.length === 1
        ? objs[0]!
        : ({ apiVersion: 'v1', items: objs, kind: 'List', metadata: {} } as unknown as KObject);
    stdout += printObjects(run.output, [whole]);
  }
  return {
    stdout,
    stderr: deprecation + run.stderr.join('') + (final ? checkErr(final) : ''),
    exitCode: final ? 1 : 0,
  };
}

/** Models apply.go applyOneObject (client-side apply). */
function applyOneObject(run: ApplyRun, info: ResourceInfo): CliError | undefined {
  const { env } = run;
  const obj = info.object;
  if (run.cause !== undefined) recordChangeCause(obj, run.cause);
  if (!info.name) {
    const generateName = obj.metadata.generateName;
    if (generateName)
      return plainError(`from ${generateName}: cannot use generate name with apply`);
    return addSourceToErr(
      `retrieving current configuration of:\n${infoString(info.kind, '', info.namespace)}\nfrom server for:`,
      info.source,
      plainError('resource name may not be empty'),
    );
  }
  // The annotation records the object as written; unknown fields are dropped from what is sent
  // when validation is relaxed.
  const modified = withLastApplied(obj);
  run.stderr.push(...dropUnknownFields(modified, run.validation));
  const current = env.store.get(info.kind.kind, info.namespace, info.name);
  const print = (operation: string, object: KObject): void => {
    if (run.output === 'yaml' || run.output === 'json') run.printed.push(object);
    else
      run.stdout.push(
        nameLine(info.kind, info.name, withDryRun(operation, run.dryRun), run.output),
      );
  };

  if (!current) {
    let created: KObject = modified;
    if (run.dryRun !== 'client') {
      try {
        if (run.dryRun === 'server') created = dryRunCreate(env, modified);
        else {
          created = env.store.create(modified, { actor: 'kubectl' });
          run.wrote = true;
        }
      } catch (e) {
        return addSourceToErr('creating', info.source, statusError(toApiError(e)));
      }
    }
    print('created', created);
    return undefined;
  }

  if (run.dryRun !== 'client') {
    if (current.metadata.annotations?.[LAST_APPLIED] === undefined) {
      run.stderr.push(
        `Warning: resource ${info.kind.resource}/${info.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
      );
    }
    const schema = schemaForKind(info.kind.kind);
    const patch = threeWayMergePatch(
      originalConfiguration(current),
      modified as unknown as Record<string, unknown>,
      current as unknown as Record<string, unknown>,
      schema,
    );
    const patchText = goJSON(patch);
    let result: KObject = current;
    if (patchText !== '{}') {
      const patched = applyStrategicPatch(
        current as unknown as Record<string, unknown>,
        patch,
        schema,
      ) as unknown as KObject;
      try {
        if (run.dryRun === 'server') result = dryRunUpdate(patched, current);
        else {
          result = env.store.update(patched, { actor: 'kubectl' });
          run.wrote = true;
        }
      } catch (e) {
        const inner = addSourceToErr(
          'patching',
          info.source,
          statusError(patchError(toApiError(e))),
        );
        return addSourceToErr(
          `applying patch:\n${patchText}\nto:\n${infoString(info.kind, info.name, info.namespace)}\nfor:`,
          info.source,
          inner,
        );
      }
    }
    if (result.metadata.deletionTimestamp) {
      run.stderr.push(
        `Warning: Detected changes to resource ${info.name} which is currently being deleted.\n`,
      );
    }
    if (patchText === '{}') {
      print('unchanged', result);
      return undefined;
    }
    print('configured', result);
    return undefined;
  }
  print('configured', modified);
  return undefined;
}

/** The last-applied annotation of the live object, parsed; undefined if absent or unreadable. */
function originalConfiguration(current: KObject): Record<string, unknown> | undefined {
  const raw = current.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A patch that fails strict decoding is refused with the decoder's own words
 * (apiserver patch.go applyPatchToObject: NewBadRequest(strictDecodingError)), without the
 * `X in version "v1" cannot be handled as a X:` prefix a create gets.
 */
function patchError(e: ApiError): ApiError {
  if (e.reason !== 'BadRequest') return e;
  const m =
    /^\w+ in version "[^"]*" cannot be handled as a \w+: (strict decoding error: .*)$/s.exec(
      e.message,
    );
  return m ? new ApiError('BadRequest', 400, m[1]!, e.causes, e.details) : e;
}

export const applyCommand: KubectlCommand = {
  name: 'apply',
  short: 'Apply a configuration to a resource by file name or stdin',
  help: HELP,
  flags: FLAGS,
  run: runApply,
};
