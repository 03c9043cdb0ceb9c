/**
 * The shape of a kubectl command: its flags, its help text and what it does. Commands live one
 * per file under `commands/`; `kubectl.ts` finds the command (and sub-command) named on the line,
 * parses its flags with `flags.ts` the way cobra/pflag do, and runs it.
 */
import type { ApiStore } from '../api/store';
import type { KObject } from '../api/types';
import type { ApplyOutcome } from '../cluster';
import type { ClusterContext } from '../context';
import type { VirtualClock } from '../sim/clock';
import type { CommandResult, Workspace } from '../shell/types';

/** pflag's value types; `duration` is a Go time.Duration (`30s`, `1m30s`), kept as typed. */
export type FlagType = 'bool' | 'string' | 'int' | 'duration' | 'stringArray' | 'stringToString';
export type FlagValue = string | number | boolean | string[] | Record<string, string>;

export interface FlagSpec {
  /** Long name without dashes: `replicas`. */
  name: string;
  /** One-letter shorthand: `o` for `-o`. */
  short?: string;
  type: FlagType;
  /** Default as pflag shows it in help (`''`, `false`, `-1`, `[]`). */
  default?: FlagValue;
  /** The help line. */
  usage: string;
  /** Deprecated flags still work; kubectl prints `Flag --record has been deprecated, ...` on stderr. */
  deprecated?: string;
}

export interface ParsedFlags {
  /** Whether the flag was given on the command line (pflag's `Changed`). */
  has(name: string): boolean;
  string(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  /** A `duration` flag's value in milliseconds. */
  duration(name: string): number;
  strings(name: string): string[];
  map(name: string): Record<string, string>;
}

/** What a command can reach: the cluster, the workspace, stdin. */
export interface KubectlEnv {
  readonly store: ApiStore;
  readonly clock: VirtualClock;
  readonly context: ClusterContext;
  /** Create-or-update through the same path `kubectl apply` uses (last-applied annotation merge). */
  applyObjects(objects: readonly KObject[], actor?: string): ApplyOutcome[];
  /** Let virtual time pass while controllers run (`rollout status` waits this way). */
  advance(ms: number): void;
  readonly workspace: Workspace;
  /** The shell's working directory; the workspace is `/root/test`. */
  readonly cwd: string;
  /** Text piped into kubectl (`cat x.yml | kubectl apply -f -`), if any. */
  readonly stdin: string | undefined;
  /** The whole kubectl command line as typed, for `--record` (kubernetes.io/change-cause). */
  readonly commandLine: string;
}

export interface CommandContext {
  env: KubectlEnv;
  /**
   * Positional arguments. For a command with `argsLenAtDash`, only those before `--`; for every
   * other command the words after `--` follow them, as cobra passes them (`kubectl get -- pods`).
   */
  args: string[];
  /**
   * Arguments after `--` (`kubectl exec POD -- sh`, `kubectl run x --image=y -- sleep 10`), for a
   * command with `argsLenAtDash`; always empty for the others.
   */
  dashArgs: string[];
  flags: ParsedFlags;
  /** `-n/--namespace`, or `default`. */
  namespace: string;
  /** Whether -n was given. */
  namespaceExplicit: boolean;
}

export interface KubectlCommand {
  /** `get`, `rollout`, `status` (as a sub-command of rollout), ... */
  name: string;
  aliases?: string[];
  /** One line for `kubectl --help`'s command list. */
  short: string;
  /** The whole `kubectl <cmd> --help` text, as kubectl prints it (ends with a newline). */
  help: string;
  /** Command-local flags (global ones such as -n, -h are added by kubectl.ts). */
  flags: FlagSpec[];
  /**
   * The command reads cobra's `ArgsLenAtDash` (exec, run, create deployment): the words after
   * `--` arrive apart, in `dashArgs`. Other commands get them appended to `args`.
   */
  argsLenAtDash?: boolean;
  /** Sub-commands: `rollout status`, `set image`, `config view`, `create deployment`. */
  subcommands?: KubectlCommand[];
  /** Absent for pure groups (`kubectl rollout` alone prints its help). */
  run?(ctx: CommandContext): CommandResult;
}

/**
 * A client-side error: printed as `error: <message>`, exit 1. For API errors throw the ApiError
 * itself: kubectl.ts prints it as `Error from server (Reason): ...`.
 */
export class KubectlError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * cmdutil.UsageErrorf: the message, then a pointer to the command's help:
 * `See 'kubectl logs -h' for help and examples`. `command` is the path after `kubectl`.
 */
export function usageError(command: string, message: string): KubectlError {
  return new KubectlError(`${message}\nSee 'kubectl ${command} -h' for help and examples`);
}
