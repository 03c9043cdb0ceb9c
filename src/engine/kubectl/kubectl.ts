/**
 * kubectl's entry: find the command (and sub-command) named on the line, parse its flags as
 * cobra/pflag do, run it, and print errors in kubectl's words.
 *
 *  - `kubectl` alone or `kubectl --help`: the top-level help;
 *  - `kubectl CMD --help` / `-h`: the command's help (even with other, bad, flags on the line);
 *  - a command group without a sub-command (`kubectl rollout`): its help;
 *  - unknown command: `error: unknown command "gett" for "kubectl"` and cobra's "Did you mean
 *    this?" suggestions (Levenshtein distance ≤ 2, or a prefix) among kubectl 1.30's commands;
 *    a real command the playground lacks (`edit`, `port-forward`) says it is not available;
 *  - `kubectl help [COMMAND...]`: that command's help, as cobra's help command prints it;
 *  - flag errors: `error: unknown flag: --foo` + `See 'kubectl get --help' for usage.`;
 *  - a thrown ApiError: `Error from server (NotFound): ...` (api/errors.ts kubectlMessage);
 *  - a thrown KubectlError: `error: ...`.
 * Global flags (-n/--namespace, --context, --kubeconfig, -v, --request-timeout) are accepted
 * anywhere on the line, also before the command name. Nothing here throws to the caller.
 */
import { isApiError, kubectlMessage } from '../api/errors';
import type { CommandResult } from '../shell/types';
import { COMMANDS } from './commands/index';
import { FlagError, parseFlags } from './flags';
import { KUBECTL_COMMAND_NAMES, rootHelp } from './help';
import type { FlagSpec, KubectlCommand, KubectlEnv } from './types';
import { KubectlError } from './types';

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'namespace',
    short: 'n',
    type: 'string',
    usage: 'If present, the namespace scope for this CLI request',
  },
  { name: 'help', short: 'h', type: 'bool', usage: 'help for this command' },
  {
    name: 'context',
    type: 'string',
    usage: 'The name of the kubeconfig context to use',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    usage: 'Path to the kubeconfig file to use for CLI requests.',
  },
  { name: 'v', short: 'v', type: 'int', usage: 'number for the log level verbosity' },
  {
    name: 'request-timeout',
    type: 'string',
    default: '0',
    usage:
      "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
  },
];

const CONTEXT_NAME = 'kubernetes-admin@kubernetes';

const out = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const err = (stderr: string, exitCode = 1): CommandResult => ({ stdout: '', stderr, exitCode });

function findCommand(list: readonly KubectlCommand[], word: string): KubectlCommand | undefined {
  return list.find((c) => c.name === word || (c.aliases ?? []).includes(word));
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min(
        (d[j] as number) + 1,
        (d[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

/** cobra's unknown-command error with its "Did you mean this?" suggestions. */
function unknownCommand(word: string, path: string, names: readonly string[]): string {
  const suggestions = names
    .filter(
      (n) =>
        levenshtein(word.toLowerCase(), n) <= 2 ||
        (word.length > 0 && n.startsWith(word.toLowerCase())),
    )
    .sort(); // cobra sorts commands by name (EnableCommandSorting)
  let msg = `error: unknown command "${word}" for "${path}"`;
  if (suggestions.length > 0)
    msg += `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}`;
  else msg += '\n';
  return msg;
}

/** Take the global flags that precede the command name (`kubectl -n x get pods`). */
function splitLeadingGlobals(argv: readonly string[]): { leading: string[]; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const w = argv[i] as string;
    if (!w.startsWith('-') || w === '-' || w === '--') break;
    leading.push(w);
    i++;
    const long = w.startsWith('--') ? w.slice(2) : undefined;
    const spec = long
      ? GLOBAL_FLAGS.find((f) => f.name === long)
      : GLOBAL_FLAGS.find((f) => f.short === w.slice(1));
    if (spec && spec.type !== 'bool' && i < argv.length) leading.push(argv[i++] as string);
  }
  return { leading, rest: argv.slice(i) };
}

/** Run one kubectl invocation (argv without the leading `kubectl`). Never throws. */
export function runKubectl(argv: readonly string[], env: KubectlEnv): CommandResult {
  try {
    return dispatch(argv, env);
  } catch (e) {
    if (isApiError(e)) return err(kubectlMessage(e) + '\n');
    if (e instanceof KubectlError) return err(`error: ${e.message}\n`, e.exitCode);
    const message = e instanceof Error ? e.message : String(e);
    return err(`error: ${message}\n`);
  }
}

function dispatch(argv: readonly string[], env: KubectlEnv): CommandResult {
  const { leading, rest } = splitLeadingGlobals(argv);
  const name = rest[0];
  if (name === undefined) {
    const g = parseGlobal(leading, 'kubectl');
    if ('stderr' in g) return g;
    return out(rootHelp());
  }
  if (name === 'help') return helpCommand(rest.slice(1));
  const top = findCommand(COMMANDS, name);
  if (!top) {
    // A real kubectl 1.30 command the playground does not have: say so, rather than pretend it
    // does not exist (which reads as a typo).
    if (KUBECTL_COMMAND_NAMES.includes(name))
      return err(`error: "kubectl ${name}" is not available in this playground\n`);
    return err(unknownCommand(name, 'kubectl', KUBECTL_COMMAND_NAMES));
  }
  let cmd: KubectlCommand = top;
  let path = `kubectl ${cmd.name}`;
  let words = rest.slice(1);
  // Descend into sub-commands: `rollout status`, `set image`, `config view`, `create deployment`.
  while (cmd.subcommands && cmd.subcommands.length > 0) {
    const i = words.findIndex((w) => !w.startsWith('-'));
    const word = i >= 0 ? (words[i] as string) : undefined;
    // `kubectl create -f x` runs create itself; only a non-flag first word names a sub-command.
    const sub: KubectlCommand | undefined =
      word !== undefined && i === 0 ? findCommand(cmd.subcommands, word) : undefined;
    if (!sub) {
      if (!cmd.run) {
        // cmdutil.DefaultSubCommandRun → RequireNoArguments → UsageErrorf.
        if (word !== undefined && i === 0)
          return err(`error: unknown command "${word}"\nSee '${path} -h' for help and examples\n`);
        // `kubectl rollout --help` asks for it; `kubectl rollout` alone gets it on stderr with
        // exit 1 (DefaultSubCommandRun writes to ErrOut, then exits with ErrExit).
        if (words.some((w) => w === '-h' || w === '--help')) return out(cmd.help);
        if (word === undefined) return err(cmd.help);
      }
      break;
    }
    cmd = sub;
    path = `${path} ${sub.name}`;
    words = words.filter((_, j) => j !== i);
  }

  const specs = [
    ...cmd.flags,
    ...GLOBAL_FLAGS.filter(
      (g) => !cmd.flags.some((f) => f.name === g.name || (g.short && f.short === g.short)),
    ),
  ];
  // `--help` wins over everything else on the line, as cobra checks it first; words after `--`
  // are arguments (`kubectl exec POD -- ls --help` runs `ls --help`).
  const dash = words.indexOf('--');
  const flagWords = [...leading, ...(dash >= 0 ? words.slice(0, dash) : words)];
  if (flagWords.some((w) => w === '-h' || w === '--help')) return out(cmd.help);
  let parsed;
  try {
    parsed = parseFlags([...leading, ...words], specs);
  } catch (e) {
    if (e instanceof FlagError)
      return err(`error: ${e.message}\nSee '${path} --help' for usage.\n`);
    throw e;
  }
  if (parsed.flags.has('context') && parsed.flags.string('context') !== CONTEXT_NAME) {
    return err(
      `error: context was not found for specified context: ${parsed.flags.string('context')}\n`,
    );
  }
  if (!cmd.run) return out(cmd.help);
  const namespaceExplicit = parsed.flags.has('namespace');
  return cmd.run({
    env,
    args: cmd.argsLenAtDash ? parsed.args : [...parsed.args, ...parsed.dashArgs],
    dashArgs: cmd.argsLenAtDash ? parsed.dashArgs : [],
    flags: parsed.flags,
    namespace: namespaceExplicit ? parsed.flags.string('namespace') || 'default' : 'default',
    namespaceExplicit,
  });
}

/** cobra's `help [command]`: the named command's help, or the root's. */
function helpCommand(words: readonly string[]): CommandResult {
  let list: readonly KubectlCommand[] = COMMANDS;
  let cmd: KubectlCommand | undefined;
  for (const w of words) {
    const next = findCommand(list, w);
    if (!next) break;
    cmd = next;
    list = next.subcommands ?? [];
  }
  return out(cmd ? cmd.help : rootHelp());
}

function parseGlobal(words: string[], path: string): CommandResult | { ok: true } {
  try {
    parseFlags(words, GLOBAL_FLAGS);
    return { ok: true };
  } catch (e) {
    if (e instanceof FlagError)
      return err(`error: ${e.message}\nSee '${path} --help' for usage.\n`);
    throw e;
  }
}
