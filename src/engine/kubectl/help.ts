/**
 * kubectl's `--help` texts, as kubectl 1.30 renders them (pkg/util/templates/templater.go and
 * help_flags_printer.go):
 *  - `rootHelp()`: what `kubectl` alone and `kubectl --help` print, command groups and all
 *    (cmd.go NewKubectlCommand's groups). It lists every command real kubectl 1.30 has, including
 *    those the simulation does not implement, so the learner sees the real map of the tool; the
 *    empty "Subcommands provided by plugins:" group is kubectl's own (no plugins installed);
 *  - `commandHelp(spec)`: a command's help from its description, examples and flags.
 */
import type { FlagSpec, KubectlCommand } from './types';

/** The help's closing line for every command. */
export const OPTIONS_TIP =
  'Use "kubectl options" for a list of global command-line options (applies to all commands).\n';

/** The root help text, ending with a newline. */
export function rootHelp(): string {
  return ROOT_HELP;
}

const ROOT_HELP = `kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** Every command kubectl 1.30 has (the root help's lists, and cobra's own), for suggestions. */
export const KUBECTL_COMMAND_NAMES: readonly string[] = [
  ...[...ROOT_HELP.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1] as string),
  'help',
  'options',
];

/** go-wordwrap WrapString: greedy, lines of at most `lim` characters, breaking at whitespace. */
export function wordWrap(s: string, lim: number): string {
  let out = '';
  let current = 0;
  let word = '';
  let space = '';
  for (const ch of s) {
    if (ch === '\n') {
      // Trailing blanks that would overflow the line are dropped.
      if (word.length > 0 || current + space.length <= lim) out += space + word;
      space = '';
      word = '';
      out += ch;
      current = 0;
    } else if (/\s/.test(ch) && ch !== '\u00a0') {
      if (space.length === 0 || word.length > 0) {
        current += space.length + word.length;
        out += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      if (current + space.length + word.length > lim && word.length < lim) {
        out += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word.length === 0) {
    if (current + space.length <= lim) out += space;
  } else out += space + word;
  return out;
}

export interface HelpSpec {
  /**
   * The long description: its paragraphs, each as one line (templates.LongDesc indents all but
   * the first by a space), or the text as kubectl prints it before wrapping, when it has
   * preformatted lines (`kubectl describe`'s `$ kubectl describe TYPE NAME_PREFIX`).
   */
  long: string[] | string;
  /** The examples, one per line (blank lines between examples). */
  examples: string;
  /** The flags to list (deprecated ones are hidden, as pflag hides them). */
  flags: readonly FlagSpec[];
  /** How a default prints when not as its type suggests (`--timeout=0s`, a Duration). */
  defaults?: Record<string, string>;
  /** The usage line after `kubectl `. */
  usage: string;
  /** Sub-commands (`Available Commands:`) and the command path for the `--help` hint. */
  subcommands?: readonly KubectlCommand[];
  path?: string;
  /**
   * The length of the longest sub-command name of the real command: kubectl pads the names to
   * it (at least 11, cobra's minNamePadding) plus two, and the list here is trimmed to what the
   * simulation implements (`create` has `poddisruptionbudget`, 19).
   */
  namePadding?: number;
}

/**
 * A command's `--help` as kubectl 1.30 prints it in a terminal 120 columns or wider
 * (templates.LongDesc/Examples, the usage template, HelpFlagPrinter with its 110-column flag
 * text, term.NewResponsiveWriter wrapping at 120).
 */
export function commandHelp(spec: HelpSpec): string {
  const long =
    typeof spec.long === 'string'
      ? spec.long
      : spec.long.map((p, i) => (i === 0 ? p : ` ${p}`)).join('\n\n');
  const examples = spec.examples
    .split('\n')
    .map((l) => `  ${l.trim()}`)
    .join('\n');
  const flags = [...spec.flags]
    .filter((f) => !f.deprecated)
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((f) => {
      const shown =
        spec.defaults?.[f.name] ??
        (f.type === 'string'
          ? `'${String(f.default ?? '')}'`
          : f.type === 'stringArray'
            ? '[]'
            : String(f.default ?? (f.type === 'bool' ? false : 0)));
      const head = `    ${f.short ? `-${f.short}, ` : ''}--${f.name}=${shown}:`;
      const usage = wordWrap(f.usage.split('\n').join(' '), 110);
      return `${head}\n\t${usage.replaceAll('\n', '\n\t')}`;
    })
    .join('\n\n');
  let subs = '';
  if (spec.subcommands && spec.subcommands.length > 0) {
    const longest = Math.max(spec.namePadding ?? 0, ...spec.subcommands.map((c) => c.name.length));
    const width = Math.max(11, longest) + 2;
    const lines = spec.subcommands.map((c) => `  ${c.name.padEnd(width)} ${c.short}`);
    subs = `Available Commands:\n${lines.join('\n')}\n\n`;
  }
  const hint =
    subs && spec.path
      ? `Use "${spec.path} <command> --help" for more information about a given command.\n`
      : '';
  const text =
    `${long}\n\nExamples:\n${examples}\n\n${subs}Options:\n${flags}\n\n` +
    `Usage:\n  kubectl ${spec.usage}\n\n${hint}` +
    OPTIONS_TIP;
  return wordWrap(text, 120);
}
