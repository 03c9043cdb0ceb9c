/**
 * The node commands that show what kube-proxy programmed: `iptables-save` and `iptables`
 * (iptables 1.8.7, legacy backend, as on an Ubuntu 22.04 kubeadm node), reading the node's data
 * plane (`dataplaneOf(cluster.context).nodes.get(node)`).
 *
 * Models iptables/iptables-save.c (options b c d t: M: f: V) and iptables/iptables.c do_command4
 * with xshared.c's option checks, for the read-only commands:
 *   iptables [-t TABLE] -L [CHAIN [N]] [-n] [-v] [-x] [--line-numbers]
 *   iptables [-t TABLE] -S [CHAIN [N]] [-v]
 *   iptables -V | -h
 * Short options combine (`-nvL`), long ones may be abbreviated (`--line`), as getopt_long allows.
 * Errors are the real ones: `unknown option "--foo"`, `option "-t" requires an argument`,
 * `Cannot use -S with -L`, `Illegal option `-n' with this command`, each followed by the
 * `Try `iptables -h' …` line (exit 2); a bare `Bad argument `x'` for a stray word — the chain
 * must follow -L at once, so `iptables -L -n INPUT` is refused, as on a real node;
 * `iptables: No chain/target/match by that name.` (exit 1); `can't initialize iptables table
 * `foo': Table does not exist …` (exit 3).
 *
 * Writing (-A -C -D -I -R -F -Z -N -X -E -P) is refused: the shell is root, so a real iptables
 * would change the rules, but here kube-proxy alone programs them (the evaluator, the graph and
 * every proxy mode read them). The answer, exit 1:
 *   iptables v1.8.7 (legacy): changing rules (-A) is not supported in this playground
 */
import type { CommandResult } from '../../shell/types';
import type { HostToolContext } from '../../shell/shell';
import { registerHostTool } from '../../shell/shell';
import { resolvePath } from '../../shell/fs';
import type { ToolIO } from '../../shell/interpreter';
import { dataplaneOf } from '../dataplane';
import type { NodeDataplane } from '../dataplane';
import type { TableName, Tables } from '../model';
import { kubeletBaseTables, TABLE_NAMES } from './tables';
import {
  ctime,
  IPTABLES_VERSION,
  iptablesList,
  iptablesRules,
  iptablesSave,
} from './iptables-save';

const PROG = 'iptables';
const VERSION_LINE = `${IPTABLES_VERSION} (legacy)`;
const TRY_HELP = "Try `iptables -h' or 'iptables --help' for more information.\n";

function ok(stdout: string): CommandResult {
  return { stdout, stderr: '', exitCode: 0 };
}

function fail(stderr: string, exitCode: number): CommandResult {
  return { stdout: '', stderr, exitCode };
}

/** xtables_error(PARAMETER_PROBLEM, …): the message, then the "Try" line; exit 2. */
function parameterProblem(msg: string): CommandResult {
  return fail(`${PROG} ${VERSION_LINE}: ${msg}\n${TRY_HELP}`, 2);
}

/** do_parse's non-option case: printed bare (no program prefix), then the "Try" line; exit 2. */
function badArgument(arg: string): CommandResult {
  return fail(`Bad argument \`${arg}'\n${TRY_HELP}`, 2);
}

/** What the node has: its kube-proxy's tables, or the kubelet's alone before kube-proxy ran. */
function nodePlane(
  ctx: HostToolContext,
): Pick<NodeDataplane, 'tables' | 'counters' | 'policyCounters'> {
  const plane = dataplaneOf(ctx.cluster.context).nodes.get(ctx.node);
  return (
    plane ?? { tables: kubeletBaseTables(), counters: new WeakMap(), policyCounters: new Map() }
  );
}

function isTableName(t: string): t is TableName {
  return (TABLE_NAMES as readonly string[]).includes(t);
}

/** The node's address names (its /etc/hosts; 127.0.0.0/8 is localhost), for -L without -n. */
function resolverFor(ctx: HostToolContext): (ip: string) => string | undefined {
  const names = new Map<string, string>();
  for (const line of (ctx.fs.read('/etc/hosts') ?? '').split('\n')) {
    const [ip, name] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (ip && name && !names.has(ip)) names.set(ip, name);
  }
  return (ip) => names.get(ip) ?? (ip.startsWith('127.') ? 'localhost' : undefined);
}

// ---------------------------------------------------------------------------------------------
// iptables-save

/** `iptables-save [-c] [-t TABLE] [-f FILE]`. */
export function iptablesSaveTool(argv: string[], _io: ToolIO, ctx: HostToolContext): CommandResult {
  const prog = 'iptables-save';
  let table: string | undefined;
  let counters = false;
  let file: string | undefined;
  const usage = (msg: string): CommandResult =>
    fail(`${msg}\nLook at manual page \`${prog}.8' for more information.\n`, 1);
  const long: Record<string, { val: string; arg: boolean }> = {
    binary: { val: 'b', arg: false },
    counters: { val: 'c', arg: false },
    dump: { val: 'd', arg: false },
    table: { val: 't', arg: true },
    modprobe: { val: 'M', arg: true },
    file: { val: 'f', arg: true },
    version: { val: 'V', arg: false },
  };
  const positional: string[] = [];
  const opts: Array<{ val: string; arg?: string }> = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = splitLong(a.slice(2));
      const match = matchLong(name, Object.keys(long));
      if (match === undefined) return usage(`${prog}: unrecognized option '${a}'`);
      if (match === null) return usage(`${prog}: option '${a}' is ambiguous`);
      const o = long[match]!;
      if (o.arg) {
        const v = inline ?? argv[++i];
        if (v === undefined) return usage(`${prog}: option '--${match}' requires an argument`);
        opts.push({ val: o.val, arg: v });
      } else {
        if (inline !== undefined)
          return usage(`${prog}: option '--${match}' doesn't allow an argument`);
        opts.push({ val: o.val });
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if ('bcdV'.includes(ch)) opts.push({ val: ch });
        else if ('tMf'.includes(ch)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) return usage(`${prog}: option requires an argument -- '${ch}'`);
          opts.push({ val: ch, arg: v });
          break;
        } else return usage(`${prog}: invalid option -- '${ch}'`);
      }
      continue;
    }
    positional.push(a);
  }
  for (const o of opts) {
    if (o.val === 'c') counters = true;
    else if (o.val === 't') table = o.arg;
    else if (o.val === 'f') file = o.arg;
    else if (o.val === 'V') return ok(`${prog} ${VERSION_LINE}\n`);
  }
  if (positional.length > 0) return fail('Unknown arguments found on commandline\n', 1);
  if (table !== undefined && !isTableName(table)) {
    return fail(
      `${prog} ${VERSION_LINE}: Cannot initialize: Table does not exist (do you need to insmod?)\n\n`,
      1,
    );
  }
  const plane = nodePlane(ctx);
  const text = iptablesSave(plane.tables, plane.counters, {
    ...(table !== undefined ? { table } : {}),
    counters,
    date: ctime(ctx.cluster.now()),
    policyCounters: plane.policyCounters,
  });
  if (file !== undefined) {
    const err = ctx.fs.write(resolvePath(ctx.cwd(), file), text);
    if (err)
      return fail(
        `Failed to open file, error: ${err === 'isdir' ? 'Is a directory' : 'No such file or directory'}\n`,
        1,
      );
    return ok('');
  }
  return ok(text);
}

// ---------------------------------------------------------------------------------------------
// iptables

/** iptables' long options (iptables.c original_opts): name → short letter, argument kind. */
const LONG_OPTIONS: Record<string, { val: string; arg: 0 | 1 | 2 }> = {
  append: { val: 'A', arg: 1 },
  delete: { val: 'D', arg: 1 },
  check: { val: 'C', arg: 1 },
  insert: { val: 'I', arg: 1 },
  replace: { val: 'R', arg: 1 },
  list: { val: 'L', arg: 2 },
  'list-rules': { val: 'S', arg: 2 },
  flush: { val: 'F', arg: 2 },
  zero: { val: 'Z', arg: 2 },
  'new-chain': { val: 'N', arg: 1 },
  'delete-chain': { val: 'X', arg: 2 },
  'rename-chain': { val: 'E', arg: 1 },
  policy: { val: 'P', arg: 1 },
  source: { val: 's', arg: 1 },
  destination: { val: 'd', arg: 1 },
  src: { val: 's', arg: 1 },
  dst: { val: 'd', arg: 1 },
  protocol: { val: 'p', arg: 1 },
  'in-interface': { val: 'i', arg: 1 },
  jump: { val: 'j', arg: 1 },
  table: { val: 't', arg: 1 },
  match: { val: 'm', arg: 1 },
  numeric: { val: 'n', arg: 0 },
  'out-interface': { val: 'o', arg: 1 },
  verbose: { val: 'v', arg: 0 },
  wait: { val: 'w', arg: 2 },
  'wait-interval': { val: 'W', arg: 2 },
  exact: { val: 'x', arg: 0 },
  fragments: { val: 'f', arg: 0 },
  version: { val: 'V', arg: 0 },
  help: { val: 'h', arg: 2 },
  'line-numbers': { val: '0', arg: 0 },
  modprobe: { val: 'M', arg: 1 },
  'set-counters': { val: 'c', arg: 1 },
  goto: { val: 'g', arg: 1 },
  ipv4: { val: '4', arg: 0 },
  ipv6: { val: '6', arg: 0 },
};

/** The short options: letter → argument kind (0 none, 1 required, 2 optional and attached). */
const SHORT_OPTIONS: Record<string, 0 | 1 | 2> = {
  A: 1,
  C: 1,
  D: 1,
  R: 1,
  I: 1,
  L: 2,
  S: 2,
  M: 1,
  F: 2,
  Z: 2,
  N: 1,
  X: 2,
  E: 1,
  P: 1,
  V: 0,
  h: 2,
  o: 1,
  p: 1,
  s: 1,
  d: 1,
  j: 1,
  i: 1,
  f: 0,
  b: 0,
  v: 0,
  w: 2,
  W: 2,
  n: 0,
  t: 1,
  m: 1,
  x: 0,
  c: 1,
  g: 1,
  '4': 0,
  '6': 0,
};

const COMMANDS = 'ACDRILSFZNXEP';
/** The commands that take an optional chain (and rule number) as the next word. */
const OPTIONAL_CHAIN = 'LSFZX';

/** xshared.c's optflags and the options each list command allows (commands_v_options). */
const OPT_FLAGS = ['n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'];
const ILLEGAL_WITH: Record<'L' | 'S', string> = {
  L: 'sdpjiocf',
  S: 'nsdpjxio0cf',
};

interface Parsed {
  command?: string;
  chain?: string;
  rulenum?: number;
  table: string;
  flags: Set<string>;
}

/** `iptables …` (iptables.c do_command4 for the read-only commands; see the module comment). */
export function iptablesTool(argv: string[], _io: ToolIO, ctx: HostToolContext): CommandResult {
  const p: Parsed = { table: 'filter', flags: new Set() };
  const args = argv.slice(1);
  let i = 0;
  /** The word after a command that takes an optional chain, as do_command4 picks it up. */
  const takeWord = (): string | undefined => {
    const w = args[i];
    if (w !== undefined && !w.startsWith('-') && !w.startsWith('!')) {
      i++;
      return w;
    }
    return undefined;
  };
  const setCommand = (c: string): CommandResult | undefined => {
    if (p.command !== undefined && p.command !== c) {
      return parameterProblem(`Cannot use -${c} with -${p.command}\n`);
    }
    p.command = c;
    return undefined;
  };
  const apply = (val: string, arg: string | undefined): CommandResult | undefined => {
    if (COMMANDS.includes(val)) {
      const err = setCommand(val);
      if (err) return err;
      if (OPTIONAL_CHAIN.includes(val)) {
        const chain = arg ?? takeWord();
        if (chain !== undefined) p.chain = chain;
        if (val === 'L' || val === 'S' || val === 'Z') {
          const n = chain !== undefined ? takeWord() : undefined;
          if (n !== undefined) {
            if (!/^\d+$/.test(n) || Number(n) < 1)
              return parameterProblem(`Invalid rule number \`${n}'`);
            p.rulenum = Number(n);
          }
        }
      }
      return undefined;
    }
    switch (val) {
      case 't':
        p.table = arg ?? '';
        return undefined;
      case 'V':
      case 'h':
        p.flags.add(val);
        return undefined;
      case 'w':
      case 'W':
      case 'M':
      case 'm':
      case '4':
        return undefined; // the lock wait, modprobe: nothing to do here
      case '6':
        return fail(`This is the IPv4 version of iptables.\n${TRY_HELP}`, 2);
      case 'g':
        p.flags.add('j');
        return undefined;
      default:
        p.flags.add(val);
        return undefined;
    }
  };

  while (i < args.length) {
    const a = args[i++]!;
    if (a === '--') {
      if (i < args.length) return badArgument(args[i]!);
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = splitLong(a.slice(2));
      const match = matchLong(name, Object.keys(LONG_OPTIONS));
      if (match === undefined || match === null) return parameterProblem(`unknown option "${a}"`);
      const o = LONG_OPTIONS[match]!;
      let arg = inline;
      if (o.arg === 1 && arg === undefined) {
        arg = args[i++];
        if (arg === undefined) return parameterProblem(`option "${a}" requires an argument`);
      }
      if (o.arg === 0 && inline !== undefined) return parameterProblem(`unknown option "${a}"`);
      const err = apply(o.val, arg);
      if (err) return err;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const kind = SHORT_OPTIONS[ch];
        const last = j === a.length - 1;
        if (kind === undefined) {
          // getopt reports argv[optind-1]: the cluster when the bad letter ends it.
          const shown = last ? a : (args[i - 2] ?? PROG);
          return parameterProblem(`unknown option "${shown}"`);
        }
        if (kind === 0) {
          const err = apply(ch, undefined);
          if (err) return err;
          continue;
        }
        let arg: string | undefined = last ? undefined : a.slice(j + 1);
        if (kind === 1 && arg === undefined) {
          arg = args[i++];
          if (arg === undefined) return parameterProblem(`option "${a}" requires an argument`);
        }
        const err = apply(ch, arg);
        if (err) return err;
        break;
      }
      continue;
    }
    return badArgument(a);
  }

  if (p.flags.has('h')) return ok(helpText());
  if (p.flags.has('V')) return ok(`${PROG} ${VERSION_LINE}\n`);
  if (p.command === undefined) return parameterProblem('no command specified');
  if (p.command !== 'L' && p.command !== 'S') {
    return fail(
      `${PROG} ${VERSION_LINE}: changing rules (-${p.command}) is not supported in this playground\n`,
      1,
    );
  }
  for (const f of OPT_FLAGS) {
    if (p.flags.has(f) && ILLEGAL_WITH[p.command].includes(f)) {
      return parameterProblem(`Illegal option \`-${f}' with this command\n`);
    }
  }
  if (!isTableName(p.table)) {
    return fail(
      `${PROG} ${VERSION_LINE}: can't initialize iptables table \`${p.table}': Table does not exist (do you need to insmod?)\n` +
        'Perhaps iptables or your kernel needs to be upgraded.\n',
      3,
    );
  }
  const plane = nodePlane(ctx);
  const tables: Tables = plane.tables;
  const text =
    p.command === 'S'
      ? iptablesRules(tables, plane.counters, {
          table: p.table,
          ...(p.chain !== undefined ? { chain: p.chain } : {}),
          ...(p.rulenum !== undefined ? { rulenum: p.rulenum } : {}),
          counters: p.flags.has('v'),
          policyCounters: plane.policyCounters,
        })
      : iptablesList(tables, plane.counters, {
          table: p.table,
          ...(p.chain !== undefined ? { chain: p.chain } : {}),
          ...(p.rulenum !== undefined ? { rulenum: p.rulenum } : {}),
          numeric: p.flags.has('n'),
          verbose: p.flags.has('v'),
          exact: p.flags.has('x'),
          lineNumbers: p.flags.has('0'),
          policyCounters: plane.policyCounters,
          resolve: resolverFor(ctx),
        });
  if (text === undefined) return fail('iptables: No chain/target/match by that name.\n', 1);
  return ok(text);
}

/** `--name=value` → [name, value]. */
function splitLong(s: string): [string, string | undefined] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
}

/** getopt_long's matching: exact, else a unique prefix (undefined: none; null: ambiguous). */
function matchLong(name: string, names: readonly string[]): string | undefined | null {
  if (names.includes(name)) return name;
  const hits = names.filter((n) => n.startsWith(name));
  if (hits.length === 1) return hits[0];
  return hits.length === 0 || name === '' ? undefined : null;
}

/** iptables.c print_help (1.8.7), the command and option summary. */
function helpText(): string {
  return `${PROG} ${IPTABLES_VERSION}

Usage: iptables -[ACD] chain rule-specification [options]
       iptables -I chain [rulenum] rule-specification [options]
       iptables -R chain rulenum rule-specification [options]
       iptables -D chain rulenum [options]
       iptables -[LS] [chain [rulenum]] [options]
       iptables -[FZ] [chain] [options]
       iptables -[NX] chain
       iptables -E old-chain-name new-chain-name
       iptables -P chain target [options]
       iptables -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain		Append to chain
  --check   -C chain		Check for the existence of a rule
  --delete  -D chain		Delete matching rule from chain
  --delete  -D chain rulenum
				Delete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
				Insert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
				Replace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
				List the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
				Print the rules in a chain or all chains
  --flush   -F [chain]		Delete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
				Zero counters in chain or all chains
  --new     -N chain		Create a new user-defined chain
  --delete-chain
	    -X [chain]		Delete a user-defined chain
  --policy  -P chain target
				Change policy on chain to target
  --rename-chain
	    -E old-chain new-chain
				Change chain name, (moving any references)
Options:
    --ipv4	-4		Nothing (line is ignored by ip6tables-restore)
    --ipv6	-6		Error (line is ignored by iptables-restore)
[!] --protocol	-p proto	protocol: by number or name, eg. \`tcp'
[!] --source	-s address[/mask][...]
				source specification
[!] --destination -d address[/mask][...]
				destination specification
[!] --in-interface -i input name[+]
				network interface name ([+] for wildcard)
 --jump	-j target
				target for rule (may load target extension)
  --goto      -g chain
                              jump to chain with no return
  --match	-m match
				extended match (may load extension)
  --numeric	-n		numeric output of addresses and ports
[!] --out-interface -o output name[+]
				network interface name ([+] for wildcard)
  --table	-t table	table to manipulate (default: \`filter')
  --verbose	-v		verbose mode
  --wait	-w [seconds]	maximum wait to acquire xtables lock before give up
  --wait-interval -W [usecs]	wait time to try to acquire xtables lock
				default is 1 second
  --line-numbers		print line numbers when listing
  --exact	-x		expand numbers (display exact values)
[!] --fragment	-f		match second or further fragments only
  --modprobe=<command>		try to insert modules using this command
  --set-counters PKTS BYTES	set the counter during insert/append
[!] --version	-V		print package version.
`;
}

/** Register the node commands; called once at module load (the engine's index imports this). */
export function registerNetfilterTools(): void {
  registerHostTool('iptables-save', iptablesSaveTool);
  registerHostTool('iptables-legacy-save', iptablesSaveTool);
  registerHostTool('iptables', iptablesTool);
  registerHostTool('iptables-legacy', iptablesTool);
}

registerNetfilterTools();
