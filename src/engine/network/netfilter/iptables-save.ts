/**
 * How iptables 1.8.7 (legacy) prints rules: `iptables-save`, `iptables -S` and `iptables -L`.
 *
 * Models iptables/iptables-save.c (do_output), iptables/iptables.c (print_rule4, list_entries,
 * list_rules, print_firewall), iptables/xshared.c (print_header, print_rule_details),
 * libxtables (xtables_print_num, xtables_save_string, xtables_ipmask_to_numeric) and the save/print
 * functions of the extensions kube-proxy uses: libxt_comment, libxt_tcp/udp/sctp, libxt_addrtype,
 * libxt_mark, libxt_MARK, libxt_conntrack (and its `state` alias), libxt_statistic, libxt_recent,
 * libxt_set, libxt_physdev, libipt_REJECT, libxt_MASQUERADE, libxt_DNAT, libxt_REDIRECT.
 *
 * What the kernel normalises before these print it (so rules kept as kube-proxy wrote them come
 * out the way students see them on a node, k8s-reference §1.5):
 *  - addresses are masked and get their prefix, `/32` for a host (`-d 10.96.0.1/32`);
 *  - `-s`, `-d` and `-p` come first (they live in the rule's IP header part), then the matches
 *    in the order they were given, then `-j` with the target's options;
 *  - `--or-mark M` is stored as `--set-xmark M/M`, `--xor-mark M` as `--set-xmark M/0x0`;
 *  - `--probability p` is stored as lround(2^31·p) and printed as that / 2^31 with `%.11f`
 *    (kube-proxy writes p with `%0.10f`, so 1/3 comes back as 0.33333333349, §1.4);
 *  - REJECT gets its default `--reject-with icmp-port-unreachable`; recent its default
 *    `--mask 255.255.255.255 --rsource`.
 *
 * Order of chains: built-in chains first (in hook order), then user-defined chains sorted by name
 * (byte order): libiptc keeps them sorted (iptc_insert_chain), which is what iptables-legacy
 * prints. (iptables-nft would list them in creation order.)
 *
 * Order of tables in a full `iptables-save`: that of /proc/net/ip_tables_names, where the kernel
 * lists the most recently instantiated table first (xt_register_table: list_add). Tables are
 * instantiated on first use; on a kubeadm node the kubelet touches mangle (KUBE-IPTABLES-HINT),
 * then filter (KUBE-FIREWALL), then nat (its canary), so a dump reads nat, filter, mangle.
 * Tables nothing ever used (raw) are not listed; naming one with `-t` loads it.
 */
import type { Counters, MatchModule, Rule, Table, TableName, Tables, Target } from '../model';
import { BUILTIN_CHAINS } from '../model';
import { formatTimestamp } from '../../sim/clock';
import { isBuiltinChain, isTableLoaded } from './tables';

export const IPTABLES_VERSION = 'v1.8.7';

/** The tables a full dump lists, in /proc/net/ip_tables_names order (see the module comment). */
export const SAVE_TABLE_ORDER: readonly TableName[] = ['nat', 'filter', 'mangle', 'raw'];

/** Per-rule packet counters (NodeDataplane.counters: a WeakMap by rule object). */
export interface CounterSource {
  get(rule: Rule): Counters | undefined;
}

const ZERO: Counters = { packets: 0, bytes: 0 };

// ---------------------------------------------------------------------------------------------
// Dates

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() in UTC without the newline: `Mon Jun  3 08:10:00 2024` (the header's date). */
export function ctime(ms: number): string {
  const iso = formatTimestamp(ms); // 2024-06-03T08:10:00Z
  const days = Math.floor(ms / 86_400_000);
  const wd = DAYS[(((days + 4) % 7) + 7) % 7]!;
  const mon = MONTHS[Number(iso.slice(5, 7)) - 1]!;
  const day = String(Number(iso.slice(8, 10))).padStart(2, ' ');
  return `${wd} ${mon} ${day} ${iso.slice(11, 19)} ${iso.slice(0, 4)}`;
}

// ---------------------------------------------------------------------------------------------
// Numbers and addresses

/** What `--probability p` reads back as (§1.4): `%.11f` of lround(2^31 · %0.10f(p)) / 2^31. */
export function savedProbability(p: number): string {
  const written = Number(p.toFixed(10));
  const stored = Math.round(written * 0x80000000);
  return (stored / 0x80000000).toFixed(11);
}

interface ParsedCidr {
  addr: number;
  bits: number;
}

function parseCidr(text: string): ParsedCidr | undefined {
  const [ip, bitsText] = text.split('/');
  const parts = (ip ?? '').split('.');
  if (parts.length !== 4) return undefined;
  let addr = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) return undefined;
    addr = addr * 256 + n;
  }
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { addr: (addr & mask) >>> 0, bits };
}

function dotted(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** `-s`/`-d` as iptables-save prints it (print_ip): masked, with `/N` always. */
function saveAddress(flag: '-s' | '-d', m: { cidr: string; negate?: boolean } | undefined): string {
  if (!m) return '';
  const p = parseCidr(m.cidr);
  if (!p) return `${m.negate ? ' !' : ''} ${flag} ${m.cidr}`;
  if (p.bits === 0 && p.addr === 0 && !m.negate) return '';
  return `${m.negate ? ' !' : ''} ${flag} ${dotted(p.addr)}/${p.bits}`;
}

/** An address column of `iptables -L` (print_firewall): `anywhere`, a name, or `10.0.0.0/8`. */
function listAddress(
  m: { cidr: string; negate?: boolean } | undefined,
  numeric: boolean,
  resolve: ((ip: string) => string | undefined) | undefined,
): string {
  const p = (m && parseCidr(m.cidr)) ?? { addr: 0, bits: 0 };
  const inv = m?.negate ? '!' : ' ';
  if (p.bits === 0 && !numeric) return inv + 'anywhere';
  const ip = dotted(p.addr);
  const name = numeric ? ip : (resolve?.(ip) ?? ip);
  return inv + name + (p.bits === 32 ? '' : `/${p.bits}`);
}

/** libxtables xtables_save_string: bare when only [A-Za-z0-9_-], else quoted with \-escapes. */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => '\\' + c)}"`;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Well-known ports as /etc/services names them (what `iptables -L` without -n shows). */
const SERVICES: Record<string, Record<number, string>> = {
  tcp: {
    22: 'ssh',
    53: 'domain',
    80: 'http',
    443: 'https',
    3306: 'mysql',
    5432: 'postgresql',
    8080: 'http-alt',
  },
  udp: { 53: 'domain', 123: 'ntp' },
  sctp: {},
};

// ---------------------------------------------------------------------------------------------
// Matches and targets

/** A match as iptables-save prints it: ` -m tcp --dport 80`. */
function saveMatch(m: MatchModule): string {
  switch (m.m) {
    case 'comment':
      return ` -m comment --comment ${saveString(m.comment)}`;
    case 'tcp':
    case 'udp':
    case 'sctp':
      return ` -m ${m.m}` + (m.dport !== undefined ? ` --dport ${m.dport}` : '');
    case 'addrtype': {
      let s = ' -m addrtype';
      if (m.srcType) s += `${m.negate ? ' !' : ''} --src-type ${m.srcType}`;
      if (m.dstType) s += `${m.negate ? ' !' : ''} --dst-type ${m.dstType}`;
      return s;
    }
    case 'mark':
      return ` -m mark${m.negate ? ' !' : ''} --mark ${markText(m.value, m.mask)}`;
    case 'conntrack':
      return ` -m conntrack${m.negate ? ' !' : ''} --ctstate ${ctstates(m.ctstate)}`;
    case 'state':
      return ` -m state --state ${ctstates(m.state)}`;
    case 'statistic':
      return ` -m statistic --mode random --probability ${savedProbability(m.probability)}`;
    case 'recent':
      return m.op === 'set'
        ? ` -m recent --set --name ${m.name} --mask 255.255.255.255 --rsource`
        : ` -m recent --rcheck --seconds ${m.seconds}${m.reap ? ' --reap' : ''} --name ${m.name} --mask 255.255.255.255 --rsource`;
    case 'set':
      return ` -m set${m.negate ? ' !' : ''} --match-set ${m.set} ${m.flags.join(',')}`;
    case 'physdev':
      // physdev_save: the `!` before the option it negates.
      return ` -m physdev${m.negate ? ' !' : ''} --physdev-is-in`;
  }
}

/** A match as `iptables -L` prints it: ` tcp dpt:80`, ` /* comment *\/`. */
function listMatch(m: MatchModule, numeric: boolean): string {
  switch (m.m) {
    case 'comment':
      return ` /* ${m.comment} */`;
    case 'tcp':
    case 'udp':
    case 'sctp': {
      if (m.dport === undefined) return ` ${m.m}`;
      const name = numeric ? undefined : SERVICES[m.m]?.[m.dport];
      return ` ${m.m} dpt:${name ?? m.dport}`;
    }
    case 'addrtype': {
      let s = ' ADDRTYPE match';
      if (m.srcType) s += ` src-type ${m.negate ? '!' : ''}${m.srcType}`;
      if (m.dstType) s += ` dst-type ${m.negate ? '!' : ''}${m.dstType}`;
      return s;
    }
    case 'mark':
      return ` mark match${m.negate ? ' !' : ''} ${markText(m.value, m.mask)}`;
    case 'conntrack':
      return `${m.negate ? ' !' : ''} ctstate ${ctstates(m.ctstate)}`;
    case 'state':
      return ` state ${ctstates(m.state)}`;
    case 'statistic':
      return ` statistic mode random probability ${savedProbability(m.probability)}`;
    case 'recent':
      return m.op === 'set'
        ? ` recent: SET name: ${m.name} side: source mask: 255.255.255.255`
        : ` recent: CHECK seconds: ${m.seconds}${m.reap ? ' reap' : ''} name: ${m.name} side: source mask: 255.255.255.255`;
    case 'set':
      return `${m.negate ? ' !' : ''} match-set ${m.set} ${m.flags.join(',')}`;
    case 'physdev':
      // physdev_print: `PHYSDEV match`, then the options as the save form writes them.
      return ` PHYSDEV match${m.negate ? ' !' : ''} --physdev-is-in`;
  }
}

function markText(value: number, mask: number): string {
  return mask === 0xffffffff ? hex(value) : `${hex(value)}/${hex(mask)}`;
}

const CT_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

/** print_state: the states in the kernel's bit order, whatever order they were given in. */
function ctstates(states: readonly string[]): string {
  return CT_ORDER.filter((s) => states.includes(s)).join(',');
}

/** The `-j` name: a chain, a target, or nothing (a rule that only counts or comments). */
function targetName(t: Target | undefined): string {
  if (!t) return '';
  return t.j === 'chain' ? t.chain : t.j;
}

/** The target's options as iptables-save prints them. */
function saveTargetOptions(t: Target): string {
  switch (t.j) {
    case 'REJECT':
      return ' --reject-with icmp-port-unreachable';
    case 'MASQUERADE':
      return t.randomFully ? ' --random-fully' : '';
    case 'MARK':
      return ` --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case 'DNAT':
      return ` --to-destination ${t.to}`;
    case 'REDIRECT':
      return ` --to-ports ${t.toPorts}`;
    default:
      return '';
  }
}

/** The target's options as `iptables -L` prints them (after the matches). */
function listTargetOptions(t: Target): string {
  switch (t.j) {
    case 'REJECT':
      return ' reject-with icmp-port-unreachable';
    case 'MASQUERADE':
      return t.randomFully ? ' random-fully' : '';
    case 'MARK':
      // libxt_MARK mark_tg_print (revision 2)
      if (t.value === 0) return ` MARK and ${hex(~t.mask)}`;
      if (t.value === t.mask) return ` MARK or ${hex(t.value)}`;
      if (t.mask === 0) return ` MARK xor ${hex(t.value)}`;
      if (t.mask >>> 0 === 0xffffffff) return ` MARK set ${hex(t.value)}`;
      return ` MARK xset ${hex(t.value)}/${hex(t.mask)}`;
    case 'DNAT':
      return ` to:${t.to}`;
    case 'REDIRECT':
      return ` redir ports ${t.toPorts}`;
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * One rule as iptables-save prints it (print_rule4), without the newline:
 * `-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "…" -m tcp --dport 443 -j KUBE-MARK-MASQ`.
 * `counters` adds `[pkts:bytes] ` in front (iptables-save -c); `inline` adds ` -c pkts bytes`
 * before the target (iptables -S -v).
 */
export function saveRule(
  chain: string,
  rule: Rule,
  counters?: { prefix?: Counters; inline?: Counters },
): string {
  const parts = savedParts(rule);
  let s = counters?.prefix ? `[${counters.prefix.packets}:${counters.prefix.bytes}] ` : '';
  s += `-A ${chain}${parts.spec}`;
  if (counters?.inline) s += ` -c ${counters.inline.packets} ${counters.inline.bytes}`;
  return s + parts.target;
}

/**
 * A rule's printed parts, remembered by rule object: rules are data that no one edits (a sync
 * that changes a chain makes new rule objects), and a big node prints tens of thousands of them
 * per dump.
 */
const savedCache = new WeakMap<Rule, { spec: string; target: string }>();

function savedParts(rule: Rule): { spec: string; target: string } {
  let parts = savedCache.get(rule);
  if (!parts) {
    let spec = saveAddress('-s', rule.src) + saveAddress('-d', rule.dst);
    if (rule.proto) spec += ` -p ${rule.proto}`;
    for (const m of rule.matches) spec += saveMatch(m);
    const t = rule.target;
    parts = { spec, target: t ? ` -j ${targetName(t)}${saveTargetOptions(t)}` : '' };
    savedCache.set(rule, parts);
  }
  return parts;
}

/** The chains of a table in libiptc order: built-ins (hook order), then the rest by name. */
export function chainOrder(table: Table): string[] {
  const builtins = BUILTIN_CHAINS[table.name].filter((c) => table.chains.has(c));
  const user: string[] = [];
  for (const name of table.chains.keys()) if (!isBuiltinChain(table.name, name)) user.push(name);
  user.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...builtins, ...user];
}

function policyCountersOf(
  policies: ReadonlyMap<string, Counters> | undefined,
  table: TableName,
  chain: string,
): Counters {
  return policies?.get(`${table}/${chain}`) ?? ZERO;
}

export interface SaveOptions {
  /** `-t TABLE`: only this table (printed even if nothing used it yet). */
  table?: TableName;
  /** `-c`: each rule's counters as `[pkts:bytes]`. */
  counters?: boolean;
  /** The date in the header and trailer lines: ctime() of the virtual clock. */
  date: string;
  /** The built-in chains' policy counters, by `table/chain`. */
  policyCounters?: ReadonlyMap<string, Counters>;
}

/**
 * `iptables-save [-t TABLE] [-c]` (iptables-save.c do_output): per table, the header, `*table`,
 * a `:CHAIN POLICY [pkts:bytes]` line per chain (`-` and `[0:0]` for user chains), the rules,
 * `COMMIT` and the trailer.
 */
export function iptablesSave(
  tables: Tables,
  counters: CounterSource | undefined,
  opts: SaveOptions,
): string {
  const names = opts.table
    ? [opts.table]
    : SAVE_TABLE_ORDER.filter((t) => isTableLoaded(tables[t]));
  let out = '';
  for (const name of names) {
    const table = tables[name];
    out += `# Generated by iptables-save ${IPTABLES_VERSION} on ${opts.date}\n*${name}\n`;
    const order = chainOrder(table);
    for (const c of order) {
      if (isBuiltinChain(name, c)) {
        const pc = policyCountersOf(opts.policyCounters, name, c);
        out += `:${c} ACCEPT [${pc.packets}:${pc.bytes}]\n`;
      } else {
        out += `:${c} - [0:0]\n`;
      }
    }
    for (const c of order) {
      for (const rule of table.chains.get(c)!.rules) {
        const prefix = opts.counters ? (counters?.get(rule) ?? ZERO) : undefined;
        out += saveRule(c, rule, prefix ? { prefix } : undefined) + '\n';
      }
    }
    out += `COMMIT\n# Completed on ${opts.date}\n`;
  }
  return out;
}

export interface RulesOptions {
  table: TableName;
  chain?: string;
  /** `-S CHAIN N`: only rule N, without the -P/-N lines. */
  rulenum?: number;
  /** `-v`: ` -c pkts bytes` in each rule (and on the -P lines). */
  counters?: boolean;
  policyCounters?: ReadonlyMap<string, Counters>;
}

/**
 * `iptables [-t TABLE] -S [CHAIN]` (iptables.c list_rules): `-P CHAIN ACCEPT` for built-ins,
 * `-N CHAIN` for the others, then every rule as iptables-save prints it. Undefined when the
 * chain does not exist.
 */
export function iptablesRules(
  tables: Tables,
  counters: CounterSource | undefined,
  opts: RulesOptions,
): string | undefined {
  const table = tables[opts.table];
  if (opts.chain !== undefined && !table.chains.has(opts.chain)) return undefined;
  const order = chainOrder(table).filter((c) => opts.chain === undefined || c === opts.chain);
  let out = '';
  for (const c of opts.rulenum === undefined ? order : []) {
    if (isBuiltinChain(opts.table, c)) {
      const pc = policyCountersOf(opts.policyCounters, opts.table, c);
      out += `-P ${c} ACCEPT${opts.counters ? ` -c ${pc.packets} ${pc.bytes}` : ''}\n`;
    } else out += `-N ${c}\n`;
  }
  for (const c of order) {
    const rules = table.chains.get(c)!.rules;
    for (let i = 0; i < rules.length; i++) {
      if (opts.rulenum !== undefined && opts.rulenum !== i + 1) continue;
      const rule = rules[i]!;
      const inline = opts.counters ? (counters?.get(rule) ?? ZERO) : undefined;
      out += saveRule(c, rule, inline ? { inline } : undefined) + '\n';
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// iptables -L

export interface ListOptions {
  table: TableName;
  /** One chain (`-L CHAIN`); all chains of the table when absent. */
  chain?: string;
  /** `-L CHAIN N`: only rule N, without the chain header. */
  rulenum?: number;
  /** `-n`: addresses and ports as numbers. */
  numeric?: boolean;
  /** `-v`: counters and interfaces. */
  verbose?: boolean;
  /** `-x`: exact counters instead of 12K, 3M. */
  exact?: boolean;
  /** `--line-numbers`. */
  lineNumbers?: boolean;
  policyCounters?: ReadonlyMap<string, Counters>;
  /** Name lookup for addresses without -n (the node's /etc/hosts, …). */
  resolve?: (ip: string) => string | undefined;
}

/** xtables_print_num: `%8llu ` exact, else `%5llu ` up to 99999, then K/M/G/T with `%4llu`. */
function printNum(n: number, exact: boolean, notable: boolean): string {
  if (exact) return notable ? `${n} ` : `${String(n).padStart(8)} `;
  if (n <= 99999) return notable ? `${n} ` : `${String(n).padStart(5)} `;
  for (const unit of ['K', 'M', 'G']) {
    n = Math.floor((n + 500) / 1000);
    if (n <= 9999) return notable ? `${n}${unit} ` : `${String(n).padStart(4)}${unit} `;
  }
  n = Math.floor((n + 500) / 1000);
  return notable ? `${n}T ` : `${String(n).padStart(4)}T `;
}

/** How many rules of the table jump to the chain (iptc_get_references). */
function references(table: Table, chain: string): number {
  let n = 0;
  for (const c of table.chains.values()) {
    for (const r of c.rules) if (r.target?.j === 'chain' && r.target.chain === chain) n++;
  }
  return n;
}

/**
 * `iptables [-t TABLE] -L [CHAIN [N]] [-n] [-v] [-x] [--line-numbers]` (list_entries): per chain a
 * header (`Chain X (policy ACCEPT)` or `Chain X (N references)`), the column titles, one line per
 * rule; chains apart by a blank line. Undefined when the chain does not exist.
 */
export function iptablesList(
  tables: Tables,
  counters: CounterSource | undefined,
  opts: ListOptions,
): string | undefined {
  const table = tables[opts.table];
  if (opts.chain !== undefined && !table.chains.has(opts.chain)) return undefined;
  const numeric = opts.numeric === true;
  const verbose = opts.verbose === true;
  const exact = opts.exact === true;
  let out = '';
  let first = true;
  for (const name of chainOrder(table)) {
    if (opts.chain !== undefined && name !== opts.chain) continue;
    if (!first) out += '\n';
    first = false;
    const chain = table.chains.get(name)!;
    if (opts.rulenum === undefined) {
      out += `Chain ${name}`;
      if (isBuiltinChain(opts.table, name)) {
        out += ' (policy ACCEPT';
        if (verbose) {
          const pc = policyCountersOf(opts.policyCounters, opts.table, name);
          out += ` ${printNum(pc.packets, exact, true)}packets, ${printNum(pc.bytes, exact, true)}bytes`;
        }
        out += ')\n';
      } else {
        out += ` (${references(table, name)} references)\n`;
      }
      if (opts.lineNumbers) out += 'num  ';
      if (verbose) out += exact ? `${'pkts'.padStart(8)} ${'bytes'.padStart(10)} ` : ' pkts bytes ';
      out += 'target    ';
      out += ' prot opt';
      if (verbose) out += ' in     out    ';
      out += ` ${'source'.padEnd(19)} `;
      out += ` ${'destination'.padEnd(19)} `;
      out += '\n';
    }
    chain.rules.forEach((rule, i) => {
      if (opts.rulenum !== undefined && opts.rulenum !== i + 1) return;
      out += listRule(rule, i + 1, counters, { numeric, verbose, exact, opts });
    });
  }
  return out;
}

/** One line of `iptables -L` (print_firewall). */
function listRule(
  rule: Rule,
  num: number,
  counters: CounterSource | undefined,
  f: { numeric: boolean; verbose: boolean; exact: boolean; opts: ListOptions },
): string {
  let s = '';
  if (f.opts.lineNumbers) s += `${String(num).padEnd(4)} `;
  if (f.verbose) {
    const c = counters?.get(rule) ?? ZERO;
    s += printNum(c.packets, f.exact, false) + printNum(c.bytes, f.exact, false);
  }
  s += `${targetName(rule.target).padEnd(9)} `;
  s += ' ' + (rule.proto ?? 'all').padEnd(5);
  s += '-- ';
  if (f.verbose) {
    const any = f.numeric ? '*' : 'any';
    s += ` ${any.padEnd(6)} ${any.padEnd(6)} `;
  }
  s += `${listAddress(rule.src, f.numeric, f.opts.resolve).padEnd(20)} `;
  s += `${listAddress(rule.dst, f.numeric, f.opts.resolve).padEnd(20)} `;
  for (const m of rule.matches) s += listMatch(m, f.numeric);
  if (rule.target) s += listTargetOptions(rule.target);
  return s + '\n';
}
