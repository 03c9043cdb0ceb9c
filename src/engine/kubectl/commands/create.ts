/**
 * `kubectl create -f FILE|DIR|-`: create every object, refusing those that exist.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/create/create.go (RunCreate): objects are created as
 * they are read (a visitor, unlike apply, which reads everything first), errors are collected
 * and printed at the end: `Error from server (AlreadyExists): error when creating "x.yml":
 * deployments.apps "httpd2" already exists`. `--save-config` stores the last-applied
 * annotation so that a later `kubectl apply` merges cleanly; `--record` the change-cause.
 *
 * The sub-commands that build an object from flags (`kubectl create deployment`, ...) live in
 * their own files and are listed in SUBCOMMANDS.
 *
 * Left out: `--edit`, `--raw`, `-k`, `-R`, `-o yaml|json`, templates.
 */
import type { CommandResult } from '../../shell/types';
import type { KObject } from '../../api/types';
import { changeCauseFor, RECORD_FLAG } from '../change-cause';
import type { CliError, ResourceInfo } from '../filenames';
import { addSourceToErr, checkErr, plainError, readFilenames, statusError } from '../filenames';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError, usageError } from '../types';
import type { Validation } from './apply';
import { createDeploymentCommand } from './create-deployment';
import { createServiceCommand } from './create-service';
import {
  deprecationWarnings,
  dropUnknownFields,
  dryRunCreate,
  fileSelector,
  flushChanges,
  nameLine,
  parseValidation,
  printObjects,
  recordChangeCause,
  stringSlice,
  toApiError,
  VALIDATE_FLAG,
  withLastApplied,
} from './apply';
import { commandHelp } from '../help';
import type { DryRun } from './label';
import { checkOutputFormat, dryRunStrategy, withDryRun } from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG, SELECTOR_FLAG } from '../flag-specs';

/** `kubectl create <sub-command>`: the generators, one import each. */
const SUBCOMMANDS: KubectlCommand[] = [createDeploymentCommand, createServiceCommand];

const FLAGS: FlagSpec[] = [
  DRY_RUN_FLAG,
  {
    name: 'field-manager',
    type: 'string',
    default: 'kubectl-create',
    usage: 'Name of the manager used to track field ownership.',
  },
  {
    name: 'filename',
    short: 'f',
    type: 'stringArray',
    usage: 'Filename, directory, or URL to files to use to create the resource',
  },
  OUTPUT_FLAG,
  RECORD_FLAG,
  {
    name: 'save-config',
    type: 'bool',
    usage:
      'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.',
  },
  SELECTOR_FLAG,
  VALIDATE_FLAG,
];

// kubectl 1.30 `kubectl create --help`; the sub-command list shows the generators we model.
const HELP = commandHelp({
  long: ['Create a resource from a file or from stdin.', 'JSON and YAML formats are accepted.'],
  examples: `# Create a pod using the data in pod.json
kubectl create -f ./pod.json

# Create a pod based on the JSON passed into stdin
cat pod.json | kubectl create -f -`,
  flags: FLAGS,
  usage: 'create -f FILENAME [options]',
  subcommands: SUBCOMMANDS,
  path: 'kubectl create',
  namePadding: 'poddisruptionbudget'.length,
});

/** Models create.go NewCmdCreate's Run and RunCreate. */
function runCreate(ctx: CommandContext): CommandResult {
  const { env, flags } = ctx;
  const deprecation = deprecationWarnings(flags, FLAGS);
  const filenames = stringSlice(flags, 'filename');
  if (filenames.length === 0) {
    // create.go: no -f prints this, then cmdutil.DefaultSubCommandRun (no arguments allowed,
    // the help on stderr, exit 1).
    const stderr = 'Error: must specify one of -f and -k\n\n';
    if (ctx.args.length > 0) {
      return {
        stdout: '',
        stderr: `${deprecation}${stderr}error: unknown command "${ctx.args.join(' ')}"\nSee 'kubectl create -h' for help and examples\n`,
        exitCode: 1,
      };
    }
    return { stdout: '', stderr: deprecation + stderr + HELP, exitCode: 1 };
  }
  const fail = (err: CliError): CommandResult => ({
    stdout: '',
    stderr: deprecation + checkErr(err),
    exitCode: 1,
  });
  let dryRun: DryRun;
  let validation: Validation;
  let selector;
  try {
    // CreateOptions.Complete, ValidateArgs.
    dryRun = dryRunStrategy(ctx);
    validation = parseValidation(flags);
    checkOutputFormat(ctx);
    if (ctx.args.length > 0) throw usageError('create', `Unexpected args: [${ctx.args.join(' ')}]`);
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

  const output = flags.string('output');
  const cause = flags.bool('record') ? changeCauseFor(env.commandLine, FLAGS) : undefined;
  const saveConfig = flags.bool('save-config');
  const stdout: string[] = [];
  const printed: KObject[] = [];
  const warnings: string[] = [];
  let count = 0;
  let wrote = false;
  const createOne = (info: ResourceInfo): CliError | undefined => {
    let obj = info.object;
    if (saveConfig) obj = withLastApplied(obj);
    if (cause !== undefined) recordChangeCause(obj, cause);
    warnings.push(...dropUnknownFields(obj, validation));
    let created = obj;
    if (dryRun !== 'client') {
      try {
        if (dryRun === 'server') created = dryRunCreate(env, obj);
        else {
          created = env.store.create(obj, { actor: 'kubectl' });
          wrote = true;
        }
      } catch (e) {
        return addSourceToErr('creating', info.source, statusError(toApiError(e)));
      }
    }
    count++;
    if (output === 'yaml' || output === 'json') {
      // The YAML printer separates the objects it prints with `---`.
      if (printed.length > 0 && output === 'yaml') stdout.push('---\n');
      stdout.push(printObjects(output, [created]));
      printed.push(created);
    } else stdout.push(nameLine(info.kind, info.name, withDryRun('created', dryRun), output));
    return undefined;
  };
  let err = result.visit(createOne);
  if (wrote) flushChanges(env);
  if (!err && count === 0) err = plainError('no objects passed to create');
  return {
    stdout: stdout.join(''),
    stderr: deprecation + warnings.join('') + (err ? checkErr(err) : ''),
    exitCode: err ? 1 : 0,
  };
}

export const createCommand: KubectlCommand = {
  name: 'create',
  short: 'Create a resource from a file or from stdin',
  help: HELP,
  flags: FLAGS,
  subcommands: SUBCOMMANDS,
  run: runCreate,
};
