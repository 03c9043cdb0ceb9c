/**
 * Tab completion for the terminal, as bash with kubectl's completion script installed offers it:
 *
 *  - the first word of a command (also after `|`, `;`, `&&`, `||`, `$(`): the shell's commands;
 *  - `kubectl`: its commands and sub-commands (from the engine's command table), `--flags` of the
 *    command (and kubectl's global ones), resource kinds (plurals and short names), object names
 *    of the kind typed (in the namespace given with -n, or all with -A; also `kind/name`),
 *    namespaces after -n, workspace manifests after -f, output formats after -o;
 *  - anything else: workspace file names (bash's default), node names after `ssh`.
 *
 * `completionsAt` finds the word under the cursor and what may replace it; `applyCompletion` does
 * what readline does with that: one match completes (with a space), several extend to their
 * common prefix, and a second Tab in a row lists them.
 *
 * Simplified: quotes and backslashes are only understood enough to split words (a quoted word is
 * not completed inside its quotes); file completion knows the workspace directory only.
 */
import type { KindInfo } from '../../engine';
import { KINDS } from '../../engine';
// The engine's public entry does not re-export kubectl's command table; completion reads it as the
// engine's own dispatcher does, so a new command or flag completes without touching this file.
import { COMMANDS } from '../../engine/kubectl/commands/index';
import { GLOBAL_FLAGS } from '../../engine/kubectl/kubectl';
import type { FlagSpec, KubectlCommand } from '../../engine/kubectl/types';
import type { LineState } from './line-editor';

/**
 * The shell's commands: its builtins and tools (src/engine/shell: shell.ts, interpreter.ts,
 * tools/files.ts, tools/text.ts). `completion.test.ts` checks the shell knows every one.
 */
export const SHELL_COMMANDS: readonly string[] = [
  'awk',
  'cat',
  'cd',
  'clear',
  'cp',
  'cut',
  'date',
  'echo',
  'env',
  'exit',
  'export',
  'false',
  'grep',
  'head',
  'history',
  'hostname',
  'id',
  'kubectl',
  'ls',
  'mkdir',
  'mv',
  'printenv',
  'printf',
  'pwd',
  'rm',
  'seq',
  'sleep',
  'sort',
  'ssh',
  'tail',
  'tee',
  'test',
  'touch',
  'tr',
  'true',
  'uname',
  'uniq',
  'unset',
  'wc',
  'whoami',
];

/** What completion may offer, read from the cluster and the workspace when Tab is pressed. */
export interface CompletionSource {
  commands: readonly string[];
  /** Names of the files in the shell's working directory. */
  files(): string[];
  /** Names of the objects of a kind; `namespace` undefined = every namespace. */
  objectNames(kind: KindInfo, namespace: string | undefined): string[];
}

export interface Completion {
  /** Where the word being completed starts; the candidates replace line[from, cursor). */
  from: number;
  /** The word as typed so far. */
  word: string;
  /** Every candidate starting with `word`, sorted, without duplicates. */
  candidates: string[];
}

interface Word {
  text: string;
  start: number;
}

/** Words of the simple command the cursor is in (the last one before the cursor is the current). */
export function currentCommandWords(line: string, cursor: number): Word[] {
  const text = line.slice(0, cursor);
  let words: Word[] = [];
  let cur: Word | undefined;
  let quote: string | undefined;
  const end = (): void => {
    if (cur) words.push(cur);
    cur = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      if (cur) cur.text += c;
      continue;
    }
    if (c === '\\') {
      cur ??= { text: '', start: i };
      cur.text += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      cur ??= { text: '', start: i };
      cur.text += c;
      continue;
    }
    if (/\s/.test(c)) {
      end();
      continue;
    }
    if ('|;&()`'.includes(c)) {
      // A new command starts after a control operator or inside `$(` … and back-quotes.
      if (c === '(' && cur?.text === '$') cur = undefined;
      end();
      words = [];
      continue;
    }
    if (c === '<' || c === '>') {
      end();
      words.push({ text: c, start: i });
      continue;
    }
    cur ??= { text: '', start: i };
    cur.text += c;
  }
  if (cur) words.push(cur);
  else words.push({ text: '', start: text.length });
  return words;
}

const uniqSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

const matching = (word: string, xs: Iterable<string>): string[] =>
  uniqSorted([...xs].filter((x) => x.startsWith(word)));

/** Resolve a kind as kubectl accepts it (pods, pod, po, deployments.apps, ...). */
export function kindOf(arg: string): KindInfo | undefined {
  const a = arg.toLowerCase();
  return KINDS.find(
    (k) =>
      a === k.resource ||
      a === k.kind.toLowerCase() ||
      k.shortNames.includes(a) ||
      (k.group !== '' &&
        (a === `${k.resource}.${k.group}` || a === `${k.kind.toLowerCase()}.${k.group}`)),
  );
}

/** What one kind argument may be: plurals and short names (what a learner types). */
function kindWords(kinds: readonly KindInfo[]): string[] {
  return kinds.flatMap((k) => [k.resource, ...k.shortNames]);
}

const kindsNamed = (...names: string[]): KindInfo[] => KINDS.filter((k) => names.includes(k.kind));

const MANIFEST = /\.(ya?ml|json)$/i;

const OUTPUT_FORMATS = ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'custom-columns='];

/** How a command's positional arguments complete. */
type ArgRule =
  | { type: 'resources'; kinds: KindInfo[]; names: boolean }
  | { type: 'names'; kind: KindInfo | undefined }
  | { type: 'values'; values: string[] }
  | { type: 'none' };

/** Which kinds each command's first argument takes (kubectl's ValidArgsFunction, simplified). */
function argRule(path: readonly string[]): ArgRule {
  const [cmd, sub] = path;
  const all: ArgRule = { type: 'resources', kinds: [...KINDS], names: true };
  switch (cmd) {
    case 'get':
    case 'describe':
    case 'delete':
    case 'label':
    case 'annotate':
      return all;
    case 'explain':
      return { type: 'resources', kinds: [...KINDS], names: false };
    case 'scale':
      return {
        type: 'resources',
        kinds: kindsNamed('Deployment', 'ReplicaSet', 'StatefulSet'),
        names: true,
      };
    case 'rollout':
      return sub
        ? {
            type: 'resources',
            kinds: kindsNamed('Deployment', 'DaemonSet', 'StatefulSet'),
            names: true,
          }
        : { type: 'none' };
    case 'set':
      return sub === 'image'
        ? {
            type: 'resources',
            kinds: kindsNamed('Pod', 'Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job'),
            names: true,
          }
        : { type: 'none' };
    case 'expose':
      return {
        type: 'resources',
        kinds: kindsNamed('Pod', 'Service', 'Deployment', 'ReplicaSet'),
        names: true,
      };
    case 'logs':
    case 'exec':
      return { type: 'names', kind: kindOf('pods') };
    case 'cordon':
    case 'uncordon':
    case 'drain':
      return { type: 'names', kind: kindOf('nodes') };
    case 'config':
      return sub === 'use-context'
        ? { type: 'values', values: ['kubernetes-admin@kubernetes'] }
        : { type: 'none' };
    default:
      return { type: 'none' };
  }
}

interface KubectlLine {
  /** Command path: `['rollout', 'status']`. */
  path: string[];
  command: KubectlCommand | undefined;
  /** Positional arguments after the command path, before the current word. */
  args: string[];
  /** -n / --namespace, if given. */
  namespace: string | undefined;
  allNamespaces: boolean;
  /** The flag whose value the current word is, if any. */
  valueOf: FlagSpec | undefined;
  /** After `--` (exec's command): nothing to complete. */
  afterDashes: boolean;
}

const findCommand = (list: readonly KubectlCommand[], w: string): KubectlCommand | undefined =>
  list.find((c) => c.name === w || (c.aliases ?? []).includes(w));

function flagsOf(command: KubectlCommand | undefined): FlagSpec[] {
  return [...(command?.flags ?? []), ...GLOBAL_FLAGS];
}

function findFlag(flags: readonly FlagSpec[], token: string): FlagSpec | undefined {
  if (token.startsWith('--')) return flags.find((f) => f.name === token.slice(2).split('=')[0]);
  return flags.find((f) => f.short !== undefined && f.short === token.slice(1, 2));
}

/** Walk the words after `kubectl` the way cobra and pflag would. */
function parseKubectl(words: readonly string[]): KubectlLine {
  const line: KubectlLine = {
    path: [],
    command: undefined,
    args: [],
    namespace: undefined,
    allNamespaces: false,
    valueOf: undefined,
    afterDashes: false,
  };
  let list: readonly KubectlCommand[] = COMMANDS;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (line.afterDashes) continue;
    if (w === '--') {
      line.afterDashes = true;
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      const flag = findFlag(flagsOf(line.command), w);
      const inline = w.startsWith('--') ? w.includes('=') : w.length > 2;
      const value = inline ? w.slice(w.startsWith('--') ? w.indexOf('=') + 1 : 2) : words[i + 1];
      if (flag?.name === 'all-namespaces') line.allNamespaces = true;
      if (flag && flag.type !== 'bool' && !inline) {
        if (i === words.length - 1) line.valueOf = flag;
        i++;
      }
      if (flag?.name === 'namespace' && value !== undefined) line.namespace = value;
      continue;
    }
    const sub = list.length > 0 && line.args.length === 0 ? findCommand(list, w) : undefined;
    if (sub) {
      line.command = sub;
      line.path.push(sub.name);
      list = sub.subcommands ?? [];
      continue;
    }
    line.args.push(w);
  }
  return line;
}

function kubectlCompletions(
  words: readonly string[],
  word: string,
  src: CompletionSource,
): string[] {
  const k = parseKubectl(words);
  if (k.afterDashes) return [];
  // A value of the flag before the current word.
  if (k.valueOf) return flagValues(k.valueOf, word, k, src);
  // --flag=value
  if (word.startsWith('--') && word.includes('=')) {
    const flag = findFlag(flagsOf(k.command), word);
    const prefix = word.slice(0, word.indexOf('=') + 1);
    if (!flag) return [];
    return flagValues(flag, word.slice(prefix.length), k, src).map((v) => prefix + v);
  }
  if (word.startsWith('-')) {
    return matching(
      word,
      flagsOf(k.command)
        .filter((f) => f.deprecated === undefined)
        .map((f) => `--${f.name}`),
    );
  }
  const subs = k.command ? (k.command.subcommands ?? []) : COMMANDS;
  if (subs.length > 0 && k.args.length === 0) {
    const offered = subs.map((c) => c.name).filter((n) => n !== '');
    // `kubectl create -f x.yml` has sub-commands and also runs by itself: offer both.
    if (!k.command || !k.command.run) return matching(word, offered);
    const more = matching(word, offered);
    if (more.length > 0) return more;
  }
  const ns = k.allNamespaces ? undefined : (k.namespace ?? 'default');
  const names = (kind: KindInfo): string[] =>
    src.objectNames(kind, kind.namespaced ? ns : undefined);
  const rule = argRule(k.path);
  switch (rule.type) {
    case 'none':
      return [];
    case 'values':
      return k.args.length === 0 ? matching(word, rule.values) : [];
    case 'names':
      return k.args.length === 0 && rule.kind ? matching(word, names(rule.kind)) : [];
    case 'resources': {
      const slash = word.indexOf('/');
      if (slash > 0) {
        // kind/name
        const kind = kindOf(word.slice(0, slash));
        if (!kind || !rule.names) return [];
        const prefix = word.slice(0, slash + 1);
        return matching(
          word,
          names(kind).map((n) => prefix + n),
        );
      }
      const first = k.args[0];
      if (first === undefined) return matching(word, kindWords(rule.kinds));
      if (!rule.names || first.includes('/')) return [];
      const kind = kindOf(first);
      return kind ? matching(word, names(kind)) : [];
    }
  }
}

function flagValues(flag: FlagSpec, word: string, k: KubectlLine, src: CompletionSource): string[] {
  switch (flag.name) {
    case 'namespace': {
      const nsKind = kindOf('namespaces');
      return nsKind ? matching(word, src.objectNames(nsKind, undefined)) : [];
    }
    case 'filename':
      return matching(
        word,
        src.files().filter((f) => MANIFEST.test(f)),
      );
    case 'output':
      return k.command?.name === 'get' || k.command?.flags.some((f) => f.name === 'output')
        ? matching(word, OUTPUT_FORMATS)
        : [];
    default:
      return [];
  }
}

/** What may replace the word under the cursor. */
export function completionsAt(line: string, cursor: number, src: CompletionSource): Completion {
  const words = currentCommandWords(line, cursor);
  const current = words[words.length - 1] as Word;
  const before = words.slice(0, -1).map((w) => w.text);
  const word = current.text;
  const result = (candidates: string[]): Completion => ({
    from: current.start,
    word,
    candidates,
  });
  const prev = before[before.length - 1];
  if (prev === '<' || prev === '>') return result(matching(word, src.files()));
  const args = before.filter((w) => w !== '<' && w !== '>');
  // Variable assignments before a command (`A=1 kubectl …`) are not the command.
  const cmdIndex = args.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (cmdIndex < 0) return result(matching(word, src.commands));
  const cmd = args[cmdIndex] as string;
  const rest = args.slice(cmdIndex + 1);
  if (cmd === 'kubectl') return result(kubectlCompletions(rest, word, src));
  if (cmd === 'ssh') {
    const nodeKind = kindOf('nodes');
    return result(nodeKind ? matching(word, src.objectNames(nodeKind, undefined)) : []);
  }
  if (word.startsWith('-')) return result([]);
  return result(matching(word, src.files()));
}

/** The longest prefix every string shares. */
export function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0] as string;
  for (const x of xs) {
    let i = 0;
    while (i < p.length && i < x.length && p[i] === x[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}

export interface CompletionStep {
  state: LineState;
  /** Candidates to list under the line (the second Tab); undefined = nothing to list. */
  list?: string[];
  /** Nothing happened: ring the bell. */
  bell: boolean;
}

/**
 * What Tab does to the line. `again` = the previous key was Tab too and changed nothing: list.
 * A single match gets a space after it, unless it ends in `=` or `/` (a value or a name follows).
 */
export function applyCompletion(s: LineState, c: Completion, again: boolean): CompletionStep {
  const replace = (text: string): LineState => {
    const b = s.buffer.slice(0, c.from) + text + s.buffer.slice(s.cursor);
    return { ...s, buffer: b, cursor: c.from + text.length, historyIndex: null };
  };
  if (c.candidates.length === 0) return { state: s, bell: true };
  if (c.candidates.length === 1) {
    const only = c.candidates[0] as string;
    const spaced = /[=/]$/.test(only) || s.buffer[s.cursor] === ' ' ? only : `${only} `;
    return { state: replace(spaced), bell: false };
  }
  const prefix = commonPrefix(c.candidates);
  if (prefix.length > c.word.length) return { state: replace(prefix), bell: false };
  if (again) return { state: s, list: c.candidates, bell: false };
  return { state: s, bell: true };
}
