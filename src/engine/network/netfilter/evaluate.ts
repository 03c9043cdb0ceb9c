/**
 * The netfilter evaluator: walks a packet through one node's iptables rules (the Tables that
 * kube-proxy programmed, network/model.ts) the way the kernel's ipt_do_table does, and records
 * every rule that matched — the trace the UI shows hop by hop.
 *
 * Two levels:
 *  - traverse(): one table at one hook (`nat PREROUTING`): rules in order, every match must hold,
 *    jumps into user chains, RETURN, policies, targets, counters. Pure apart from the side effects
 *    the kernel has too: rule counters and the `-m recent` lists.
 *  - natPass(): one packet through one node, every hook in kernel order, with conntrack: the first
 *    packet of a connection meets the nat table and creates the entry; later packets and replies
 *    skip the nat table and are translated as the entry says (nf_nat_inet_fn only consults the
 *    table for connections not yet NATed in that direction).
 *
 * Models net/ipv4/netfilter/ip_tables.c ipt_do_table, the xt_* matches and targets kube-proxy
 * uses (addrtype, comment, conntrack, state, mark, statistic, recent, set, physdev --physdev-is-in,
 * tcp/udp; MARK, DNAT, REDIRECT, MASQUERADE, REJECT) and net/netfilter/nf_nat_core.c. Left out,
 * and why: interfaces (`-i`/`-o`, the other physdev options: kube-proxy's rules do not use them;
 * the caller says whether a packet came in over a bridge port), IPv6, fragments, LOG/NFLOG/CONNMARK
 * and the raw table's NOTRACK (kube-proxy writes none), chain policies other than ACCEPT (the
 * model has no policy field; every built-in chain a kubeadm node has is ACCEPT), port ranges in
 * DNAT (kube-proxy always writes one ip:port; the first of a range is taken).
 */
import type { Dataplane } from '../dataplane';
import type {
  Chain,
  Counters,
  IpSet,
  L4Protocol,
  MatchModule,
  Rule,
  TableName,
  Tables,
  Target,
} from '../model';
import { BUILTIN_CHAINS } from '../model';
import type { ConntrackEntry, CtState, Direction, Tuple } from './conntrack';
import { Conntrack } from './conntrack';
import type { Packet } from './packet';
import { cidrContains, ipToNumber, parseCidr } from './packet';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

// ---------------------------------------------------------------------------------------------
// -m recent

/** One address of an xt_recent list: the times it was `--set` (newest last, at most 20). */
export interface RecentEntry {
  addr: string;
  stamps: number[];
}

/**
 * The `-m recent` lists of one network namespace (/proc/net/xt_recent/<name>), which is how
 * kube-proxy's iptables mode implements sessionAffinity: ClientIP. Models
 * net/netfilter/xt_recent.c: lists are keyed by source address (`--rsource`, mask /32), each
 * entry keeps its last ip_pkt_list_tot=20 timestamps, a list holds at most ip_list_tot=100
 * addresses and evicts the least recently set one. Times are virtual ms.
 */
export class RecentLists {
  static readonly ipListTot = 100;
  static readonly ipPktListTot = 20;
  /** Map iteration order is the LRU order: the head is the entry set longest ago. */
  private readonly lists = new Map<string, Map<string, number[]>>();

  /** `--set`: record the address now (always matches). */
  set(name: string, addr: string, now: number): void {
    let list = this.lists.get(name);
    if (!list) {
      list = new Map();
      this.lists.set(name, list);
    }
    let stamps = list.get(addr);
    if (stamps) {
      list.delete(addr); // recent_entry_update moves it to the LRU tail
    } else {
      if (list.size >= RecentLists.ipListTot) {
        const oldest = list.keys().next();
        if (!oldest.done) list.delete(oldest.value);
      }
      stamps = [];
    }
    stamps.push(now);
    if (stamps.length > RecentLists.ipPktListTot) stamps.shift();
    list.set(addr, stamps);
  }

  /**
   * `--rcheck --seconds S [--reap]`: whether the address was set within the last S seconds
   * (a stamp exactly S seconds old still counts, as time_after() is strict). With --reap the
   * list's least recently set entry, if not this one, is removed when it has expired.
   */
  check(name: string, addr: string, now: number, seconds: number, reap: boolean): boolean {
    const list = this.lists.get(name);
    const stamps = list?.get(addr);
    if (!list || !stamps) return false;
    const since = now - seconds * 1000;
    const hit = seconds === 0 || stamps.some((t) => t >= since);
    if (reap && seconds > 0) {
      const head = list.entries().next();
      if (!head.done && head.value[0] !== addr) {
        const last = head.value[1][head.value[1].length - 1] ?? 0;
        if (last < since) list.delete(head.value[0]);
      }
    }
    return hit;
  }

  /** A list's entries, least recently set first (what /proc/net/xt_recent/<name> lists). */
  entries(name: string): RecentEntry[] {
    return [...(this.lists.get(name) ?? new Map<string, number[]>())].map(([addr, stamps]) => ({
      addr,
      stamps: [...stamps],
    }));
  }

  names(): string[] {
    return [...this.lists.keys()];
  }
}

// ---------------------------------------------------------------------------------------------
// -m statistic

/**
 * What the kernel keeps of `--probability p`: libxt_statistic parses it as
 * lround(p · 2^31), and xt_statistic matches when (prandom_u32() & 0x7fffffff) < that.
 * kube-proxy writes p with `%0.10f` first, so p is rounded to 10 decimals before.
 */
export function statisticThreshold(p: number): number {
  let t = thresholds.get(p);
  if (t === undefined) {
    t = Math.round(Number(p.toFixed(10)) * 0x80000000);
    thresholds.set(p, t);
  }
  return t;
}

/** Per probability: a cascade uses a handful of values, a packet meets them on every service. */
const thresholds = new Map<number, number>();

/** The probability the kernel applies (what iptables-save prints with `%.11f`). */
export function kernelProbability(p: number): number {
  return statisticThreshold(p) / 0x80000000;
}

// ---------------------------------------------------------------------------------------------
// -m set

/**
 * Membership test of `-m set --match-set NAME flags`. The flags pick each dimension of the set
 * from the packet, in order: `ip` from the first flag (src or dst address), `port` from the
 * second flag, or from the first for a one-dimension port set (bitmap:port `dst` = dport), `ip2`
 * from the third (hash:ip,port,ip / hash:ip,port,net). A set type uses the dimensions it has.
 */
export type IpsetTest = (
  name: string,
  ip: string,
  port: number,
  proto: L4Protocol,
  ip2?: string,
) => boolean;

interface CompiledSet {
  exact: Set<string>;
  /** hash:net and the net part of hash:ip,port,net: [prefix, cidr] pairs. */
  nets: Array<{ prefix: string; cidr: string }>;
}

const compiledSets = new WeakMap<IpSet, CompiledSet>();

function compileSet(set: IpSet): CompiledSet {
  const hit = compiledSets.get(set);
  if (hit) return hit;
  const c: CompiledSet = { exact: new Set(), nets: [] };
  for (const raw of set.entries) {
    const entry = raw.toLowerCase();
    if (set.type === 'hash:ip,port,net' || set.type === 'hash:net') {
      const comma = entry.lastIndexOf(',');
      c.nets.push(
        set.type === 'hash:net'
          ? { prefix: '', cidr: entry }
          : { prefix: entry.slice(0, comma), cidr: entry.slice(comma + 1) },
      );
    } else {
      c.exact.add(entry);
    }
  }
  compiledSets.set(set, c);
  return c;
}

/**
 * An IpsetTest over a node's ipsets (NodeDataplane.ipsets), reading entries as kube-proxy's ipvs
 * mode writes them: `10.96.0.1,tcp:443` (hash:ip,port), `10.244.1.3,tcp:80,10.244.1.3`
 * (hash:ip,port,ip), `5.6.7.8,tcp:80,203.0.113.0/25` (hash:ip,port,net), `30080` (bitmap:port),
 * `10.0.0.1` (hash:ip). A set that does not exist throws: iptables refuses such a rule.
 */
export function ipsetTester(sets: ReadonlyMap<string, IpSet>): IpsetTest {
  return (name, ip, port, proto, ip2) => {
    const set = sets.get(name);
    if (!set) throw new Error(`Set ${name} doesn't exist.`);
    const c = compileSet(set);
    switch (set.type) {
      case 'hash:ip':
        return c.exact.has(ip);
      case 'bitmap:port':
        return c.exact.has(String(port));
      case 'hash:ip,port':
        return c.exact.has(`${ip},${proto}:${port}`);
      case 'hash:ip,port,ip':
        return c.exact.has(`${ip},${proto}:${port},${ip2 ?? ''}`);
      case 'hash:ip,port,net': {
        const prefix = `${ip},${proto}:${port}`;
        return c.nets.some((n) => n.prefix === prefix && cidrContains(n.cidr, ip2 ?? ''));
      }
      case 'hash:net':
        return c.nets.some((n) => cidrContains(n.cidr, ip));
      default:
        throw new Error(`ipset type ${set.type} is not simulated`);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// traverse

/** What a traversal needs to know beyond the rules and the packet. */
export interface EvalEnv {
  /** Virtual time, ms (`-m recent`). */
  now: number;
  /** A draw in [0, 1) for `-m statistic` (from a seeded Rng). */
  random(): number;
  /** `-m addrtype --src-type/--dst-type LOCAL`: an address of this node (the routing table's local type). */
  isLocalAddress(ip: string): boolean;
  /** The packet's conntrack state bits (`-m conntrack --ctstate`, `-m state --state`). */
  ctstate: readonly CtState[];
  /** This node's `-m recent` lists. */
  recent: RecentLists;
  /** `-m set` (ipvs mode); a rule with a set match throws without it. */
  ipset?: IpsetTest | undefined;
  /** REDIRECT at PREROUTING: the primary address of the interface the packet came in on. */
  redirectAddress?: string | undefined;
  /**
   * `-m physdev --physdev-is-in`: the packet came in through a bridge port — sent by a pod, over
   * its veth into cni0 (br_netfilter runs PREROUTING with the bridge port noted). Not for one
   * that arrived on eth0 or flannel.1, nor for the node's own (OUTPUT). Absent: false.
   */
  physdevIsIn?: boolean | undefined;
  /** MASQUERADE: the address of the interface the packet leaves by (from the routing decision). */
  outgoingAddress?: string | undefined;
  /** Rule counters (NodeDataplane.counters); none are kept without it. */
  counters?: WeakMap<Rule, Counters> | undefined;
  /** Built-in chain policy counters by `table/chain` (NodeDataplane.policyCounters). */
  policyCounters?: Map<string, Counters> | undefined;
}

/** What a matched rule did. */
export type StepEffect =
  /** No target: the rule only counts (the comment-only last rule of a KUBE-FW chain). */
  | { kind: 'none' }
  | { kind: 'jump'; chain: string }
  /** RETURN, back to the calling chain (or to the policy, from a built-in chain). */
  | { kind: 'return' }
  /** MARK: the packet mark after the rule. */
  | { kind: 'mark'; mark: number }
  | { kind: 'dnat'; ip: string; port: number }
  | { kind: 'redirect'; ip: string; port: number }
  | { kind: 'masquerade'; address: string }
  | { kind: 'verdict'; verdict: Verdict }
  /** The built-in chain's policy decided (its end was reached, or RETURN was matched in it). */
  | { kind: 'policy'; verdict: 'ACCEPT' };

export interface Step {
  table: TableName;
  chain: string;
  /** Position in the chain from 1, as `iptables -L --line-numbers` counts; 0 for the policy. */
  index: number;
  /** The rule that matched; null for the policy. */
  rule: Rule | null;
  effect: StepEffect;
}

export interface Traversal {
  verdict: Verdict;
  /** The packet as the table left it: its mark, and its destination after DNAT/REDIRECT. */
  packet: Packet;
  mark: number;
  /** Every rule that matched, in order, then the policy if it applied. */
  steps: Step[];
  /** DNAT or REDIRECT rewrote the destination to this. */
  dnat?: { ip: string; port: number };
  /** MASQUERADE matched: the source must become this address (natPass applies it). */
  masquerade?: { address: string; randomFully: boolean };
}

/**
 * The kernel refuses rulesets with jump loops when they are loaded (mark_source_chains); tables
 * built by hand are not checked, so a depth limit stops a loop from spinning.
 */
const MAX_JUMP_DEPTH = 64;

/** Where each target may be used (xt_target .table/.hooks); iptables-restore rejects the rest. */
const TARGET_PLACES: Partial<Record<Target['j'], { table: TableName; hooks: readonly Hook[] }>> = {
  DNAT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  REDIRECT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  MASQUERADE: { table: 'nat', hooks: ['POSTROUTING'] },
  REJECT: { table: 'filter', hooks: ['INPUT', 'FORWARD', 'OUTPUT'] },
};

/**
 * Walk `packet` through the built-in chain `hook` of `table` and the user chains it jumps to, as
 * ipt_do_table does: rules in order; a rule matches when -s/-d/-p and then each -m module, in
 * order, hold (so a statistic match draws only when the matches before it held); a matched rule
 * counts its packet and bytes; jumps push, RETURN and the end of a user chain pop, the end of (or
 * a RETURN in) the built-in chain applies its policy. MARK and rules without a target continue;
 * ACCEPT, DROP, REJECT, DNAT, REDIRECT and MASQUERADE end the table for this hook.
 */
export function traverse(
  tables: Tables,
  table: TableName,
  hook: Hook,
  packet: Packet,
  env: EvalEnv,
): Traversal {
  if (!BUILTIN_CHAINS[table].includes(hook)) {
    throw new Error(`iptables: table ${table} has no built-in chain ${hook}`);
  }
  const chains = tables[table].chains;
  const steps: Step[] = [];
  const pkt: Packet = copyPacket(packet);
  // The destination only changes by DNAT/REDIRECT, which end the traversal.
  const dst = ipToNumber(pkt.dst);
  const stack: Array<{ chain: Chain; positions: readonly number[] | null; next: number }> = [];
  let chain: Chain = chains.get(hook) ?? { name: hook, rules: [] };
  // The rule positions worth testing in a long chain (see chainIndexOf); null: every rule.
  let positions = positionsFor(chain.rules, dst);
  let i = 0;
  const done = (verdict: Verdict, extra?: Partial<Traversal>): Traversal => {
    const t: Traversal = { verdict, packet: pkt, mark: pkt.mark, steps };
    return extra ? Object.assign(t, extra) : t;
  };

  for (;;) {
    const at0 = positions ? positions[i] : i;
    const rule = at0 === undefined ? undefined : chain.rules[at0];
    if (!rule || at0 === undefined) {
      // The end of a user chain is an implicit RETURN; the end of the built-in one, the policy.
      const caller = stack.pop();
      if (caller) {
        chain = caller.chain;
        positions = caller.positions;
        i = caller.next;
        continue;
      }
      break;
    }
    i++;
    if (!ruleMatches(rule, pkt, env)) continue;
    addCounter(env.counters, rule, pkt.bytes);
    // No closures or object spreads here: this loop runs for every rule a packet meets.
    const index = at0 + 1;
    const target = rule.target;
    if (!target) {
      steps.push(step(table, chain.name, index, rule, { kind: 'none' }));
      continue;
    }
    const place = TARGET_PLACES[target.j];
    if (place && (place.table !== table || !place.hooks.includes(hook))) {
      throw new Error(
        `x_tables: ip_tables: ${target.j} target: used from ${table} ${hook}, ` +
          `but only usable from ${place.table} ${place.hooks.join('/')}`,
      );
    }
    switch (target.j) {
      case 'chain': {
        const next = chains.get(target.chain);
        if (!next) throw new Error(`iptables: chain ${target.chain} does not exist in ${table}`);
        if (stack.length >= MAX_JUMP_DEPTH) {
          throw new Error(`iptables: too many levels of jumps (loop at ${target.chain}?)`);
        }
        steps.push(step(table, chain.name, index, rule, { kind: 'jump', chain: target.chain }));
        stack.push({ chain, positions, next: i });
        chain = next;
        positions = positionsFor(chain.rules, dst);
        i = 0;
        continue;
      }
      case 'RETURN': {
        steps.push(step(table, chain.name, index, rule, { kind: 'return' }));
        const caller = stack.pop();
        if (caller) {
          chain = caller.chain;
          positions = caller.positions;
          i = caller.next;
          continue;
        }
        break;
      }
      case 'MARK':
        // --set-xmark value/mask: zero the mask bits, then XOR the value in.
        pkt.mark = ((pkt.mark & ~target.mask) ^ target.value) >>> 0;
        steps.push(step(table, chain.name, index, rule, { kind: 'mark', mark: pkt.mark }));
        continue;
      case 'ACCEPT':
      case 'DROP':
      case 'REJECT':
        steps.push(step(table, chain.name, index, rule, { kind: 'verdict', verdict: target.j }));
        return done(target.j);
      case 'DNAT': {
        const to = parseNatDestination(target.to, pkt.dport);
        pkt.dst = to.ip;
        pkt.dport = to.port;
        steps.push(
          step(table, chain.name, index, rule, { kind: 'dnat', ip: to.ip, port: to.port }),
        );
        return done('ACCEPT', { dnat: to });
      }
      case 'REDIRECT': {
        // Locally generated packets go to 127.0.0.1; arriving ones to the primary address of the
        // incoming interface, and are dropped if it has none (nf_nat_redirect_ipv4).
        const ip = hook === 'OUTPUT' ? '127.0.0.1' : env.redirectAddress;
        if (ip === undefined) {
          steps.push(step(table, chain.name, index, rule, { kind: 'verdict', verdict: 'DROP' }));
          return done('DROP');
        }
        pkt.dst = ip;
        pkt.dport = target.toPorts;
        steps.push(
          step(table, chain.name, index, rule, { kind: 'redirect', ip, port: target.toPorts }),
        );
        return done('ACCEPT', { dnat: { ip, port: target.toPorts } });
      }
      case 'MASQUERADE': {
        // masquerade_tg: no address on the outgoing interface → NF_DROP.
        const address = env.outgoingAddress;
        if (address === undefined) {
          steps.push(step(table, chain.name, index, rule, { kind: 'verdict', verdict: 'DROP' }));
          return done('DROP');
        }
        steps.push(step(table, chain.name, index, rule, { kind: 'masquerade', address }));
        return done('ACCEPT', {
          masquerade: { address, randomFully: target.randomFully === true },
        });
      }
    }
    break; // RETURN from the built-in chain
  }
  addCounter(env.policyCounters, policyKey(table, hook), pkt.bytes);
  steps.push({
    table,
    chain: hook,
    index: 0,
    rule: null,
    effect: { kind: 'policy', verdict: 'ACCEPT' },
  });
  return done('ACCEPT');
}

/**
 * A long chain's rules by exact destination. KUBE-SERVICES holds one `-d <cluster IP>/32` rule
 * per service port (and KUBE-EXTERNAL-SERVICES, the filter KUBE-SERVICES, one per external
 * address): with a thousand services a packet would test a thousand rules to match one. The
 * kernel does walk them all; the result is the same if the rules whose `-d` cannot match are
 * skipped, since a rule that does not match has no effect (no counter, no statistic draw: -d is
 * tested before any match module). So each long chain gets, per /32 destination, the ascending
 * positions of the rules that name it merged with the positions of the rules that name no single
 * destination; a traversal walks those. Rules arrays are never modified after they are built
 * (model.ts: readonly), so the index lives as long as the array.
 */
interface ChainIndex {
  /** Positions to test for a packet to this destination (a /32 some rule names). */
  byDst: Map<number, readonly number[]>;
  /** Positions to test for any other destination. */
  generic: readonly number[];
}

/** Shorter chains are walked rule by rule: an index would cost more than it saves. */
const INDEX_MIN_RULES = 16;
const chainIndexes = new WeakMap<readonly Rule[], ChainIndex | null>();

function positionsFor(rules: readonly Rule[], dst: number | undefined): readonly number[] | null {
  if (rules.length < INDEX_MIN_RULES) return null;
  let index = chainIndexes.get(rules);
  if (index === undefined) {
    index = chainIndexOf(rules);
    chainIndexes.set(rules, index);
  }
  if (!index) return null;
  return (dst !== undefined ? index.byDst.get(dst) : undefined) ?? index.generic;
}

function chainIndexOf(rules: readonly Rule[]): ChainIndex | null {
  const specific = new Map<number, number[]>();
  const generic: number[] = [];
  for (let i = 0; i < rules.length; i++) {
    const d = (rules[i] as Rule).dst;
    const c = d && d.negate !== true ? parseCidr(d.cidr) : undefined;
    if (c && c.prefix === 32) {
      const list = specific.get(c.base);
      if (list) list.push(i);
      else specific.set(c.base, [i]);
    } else generic.push(i);
  }
  // Mostly rules for any destination (a KUBE-SVC chain's statistic cascade): nothing to skip.
  if (generic.length * 2 > rules.length) return null;
  const byDst = new Map<number, readonly number[]>();
  for (const [addr, own] of specific) {
    const merged: number[] = [];
    let a = 0;
    let b = 0;
    while (a < own.length || b < generic.length) {
      const x = own[a];
      const y = generic[b];
      if (y === undefined || (x !== undefined && x < y)) {
        merged.push(x as number);
        a++;
      } else {
        merged.push(y);
        b++;
      }
    }
    byDst.set(addr, merged);
  }
  return { byDst, generic };
}

/** `nat/PREROUTING`: the policy counters' keys, built once (a fresh string is hashed anew). */
const POLICY_KEYS = Object.fromEntries(
  (['raw', 'mangle', 'nat', 'filter'] as const).map((t) => [
    t,
    Object.fromEntries(BUILTIN_CHAINS[t].map((h) => [h, `${t}/${h}`])),
  ]),
) as Record<TableName, Partial<Record<Hook, string>>>;
function policyKey(table: TableName, hook: Hook): string {
  return POLICY_KEYS[table][hook] ?? `${table}/${hook}`;
}

/** Spread-free: object spread costs several times a literal on this path. */
function step(
  table: TableName,
  chain: string,
  index: number,
  rule: Rule | null,
  effect: StepEffect,
): Step {
  return { table, chain, index, rule, effect };
}

export function copyPacket(p: Packet): Packet {
  return {
    proto: p.proto,
    src: p.src,
    sport: p.sport,
    dst: p.dst,
    dport: p.dport,
    bytes: p.bytes,
    mark: p.mark,
  };
}

function addCounter<K extends object | string>(
  counters: { get(k: K): Counters | undefined; set(k: K, v: Counters): unknown } | undefined,
  key: K,
  bytes: number,
): void {
  if (!counters) return;
  const c = counters.get(key);
  if (c) {
    c.packets += 1;
    c.bytes += bytes;
  } else {
    counters.set(key, { packets: 1, bytes });
  }
}

/** `--to-destination ip[:port]`, or a range `ip1-ip2:p1-p2` (its first address and port). */
function parseNatDestination(to: string, dport: number): { ip: string; port: number } {
  const colon = to.indexOf(':');
  const ipPart = colon < 0 ? to : to.slice(0, colon);
  const portPart = colon < 0 ? '' : to.slice(colon + 1);
  const ip = ipPart.split('-')[0] ?? ipPart;
  const port = portPart === '' ? dport : Number(portPart.split('-')[0]);
  return { ip, port };
}

function ruleMatches(rule: Rule, p: Packet, env: EvalEnv): boolean {
  // ip_packet_match first (-s, -d, -p), then the match modules in the order the rule lists them.
  if (rule.src && cidrContains(rule.src.cidr, p.src) === (rule.src.negate === true)) return false;
  if (rule.dst && cidrContains(rule.dst.cidr, p.dst) === (rule.dst.negate === true)) return false;
  if (rule.proto && rule.proto !== p.proto) return false;
  const matches = rule.matches;
  for (let i = 0; i < matches.length; i++) {
    if (!moduleMatches(matches[i] as MatchModule, p, env)) return false;
  }
  return true;
}

function moduleMatches(m: MatchModule, p: Packet, env: EvalEnv): boolean {
  switch (m.m) {
    case 'comment':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      return p.proto === m.m && (m.dport === undefined || m.dport === p.dport);
    case 'addrtype': {
      // One negation flag in the model; xt_addrtype applies it to each type given.
      const neg = m.negate === true;
      if (m.srcType && env.isLocalAddress(p.src) === neg) return false;
      if (m.dstType && env.isLocalAddress(p.dst) === neg) return false;
      return true;
    }
    case 'mark':
      return ((p.mark & m.mask) >>> 0 === m.value >>> 0) !== (m.negate === true);
    case 'conntrack':
      return m.ctstate.some((s) => env.ctstate.includes(s as CtState)) !== (m.negate === true);
    case 'state':
      // xt_state knows no SNAT/DNAT bits.
      return m.state.some(
        (s) => s !== 'SNAT' && s !== 'DNAT' && env.ctstate.includes(s as CtState),
      );
    case 'statistic':
      return Math.floor(env.random() * 0x80000000) < statisticThreshold(m.probability);
    case 'recent':
      if (m.op === 'set') {
        env.recent.set(m.name, p.src, env.now);
        return true;
      }
      return env.recent.check(m.name, p.src, env.now, m.seconds, m.reap);
    case 'set': {
      if (!env.ipset) throw new Error(`-m set --match-set ${m.set}: no ipsets on this node`);
      const addr = (f: 'src' | 'dst' | undefined): string | undefined =>
        f === 'src' ? p.src : f === 'dst' ? p.dst : undefined;
      const portFlag = m.flags[1] ?? m.flags[0];
      const hit = env.ipset(
        m.set,
        addr(m.flags[0]) ?? p.dst,
        portFlag === 'src' ? p.sport : p.dport,
        p.proto,
        addr(m.flags[2]),
      );
      return hit !== (m.negate === true);
    }
    case 'physdev':
      // xt_physdev: no bridge port noted (not bridged) → --physdev-is-in does not hold.
      return (env.physdevIsIn === true) !== (m.negate === true);
  }
}

/** A short text for a step, for traces and logs: `nat KUBE-SERVICES #3 → KUBE-SVC-…`. */
export function describeStep(s: Step): string {
  const where = s.rule ? `${s.table} ${s.chain} #${s.index}` : `${s.table} ${s.chain} policy`;
  const e = s.effect;
  switch (e.kind) {
    case 'none':
      return `${where} (no target)`;
    case 'jump':
      return `${where} → ${e.chain}`;
    case 'return':
      return `${where} RETURN`;
    case 'mark':
      return `${where} MARK → 0x${e.mark.toString(16)}`;
    case 'dnat':
      return `${where} DNAT → ${e.ip}:${e.port}`;
    case 'redirect':
      return `${where} REDIRECT → ${e.ip}:${e.port}`;
    case 'masquerade':
      return `${where} MASQUERADE → ${e.address}`;
    case 'verdict':
    case 'policy':
      return `${where} ${e.verdict}`;
  }
}

// ---------------------------------------------------------------------------------------------
// natPass

/** The caller's routing decision for a packet (after the destination NAT of its hook). */
export interface RouteDecision {
  /** Delivered to this node (INPUT) rather than sent on (FORWARD / out). */
  local: boolean;
  /** The address of the interface it leaves by: what MASQUERADE writes as source. */
  outgoingAddress?: string;
}

export type PassEnv = Omit<EvalEnv, 'ctstate' | 'outgoingAddress'>;

export interface NatPassInput {
  tables: Tables;
  conntrack: Conntrack;
  packet: Packet;
  /** `local`: sent by a process of this node (OUTPUT path); `incoming`: arrived on an interface. */
  origin: 'local' | 'incoming';
  env: PassEnv;
  route(packet: Packet): RouteDecision;
}

export interface PassResult {
  verdict: Verdict;
  /** The packet as it leaves the node or is delivered to it (all NAT applied). */
  packet: Packet;
  /** Every table's steps, in the order the kernel runs them. */
  steps: Step[];
  /** The hooks passed, in order (`OUTPUT`, `POSTROUTING`, …), up to the one that decided. */
  hooks: Hook[];
  /** The routing decision, once the packet got that far. */
  route?: RouteDecision;
  /** How many of `steps` came before the routing decision (where a trace shows it). */
  routeAtStep?: number;
  /** `new` for the first packet of a connection, else the direction it belongs to. */
  connection: 'new' | Direction;
  /** The conntrack entry (created for a new connection the packet established). */
  entry?: ConntrackEntry;
  /** For a known connection: the translation conntrack applied instead of the nat table. */
  conntrackNat?: { dst?: { ip: string; port: number }; src?: { ip: string; port: number } };
}

/** Hook order of the tables (by priority: raw −300, mangle −150, nat −100/100, filter 0). */
const HOOK_TABLES: Record<Hook, readonly TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter'],
  FORWARD: ['mangle', 'filter'],
  INPUT: ['mangle', 'filter', 'nat'],
  POSTROUTING: ['mangle', 'nat'],
};

/**
 * One packet through one node, as the kernel runs the hooks:
 *   local origin:  OUTPUT (raw, mangle, nat, filter) → route → POSTROUTING (mangle, nat);
 *                  looped back when the route is local: PREROUTING (raw, mangle), INPUT (mangle, filter)
 *   incoming:      PREROUTING (raw, mangle, nat) → route → INPUT (mangle, filter, nat)
 *                  or FORWARD (mangle, filter) → POSTROUTING (mangle, nat)
 * raw and mangle are walked only where their built-in chain has rules (kube-proxy writes none; an
 * empty chain's policy is still counted). The nat table is walked for the first packet of a
 * connection only; a known connection's packets get conntrack's translation instead (DNAT and
 * un-SNAT at PREROUTING/OUTPUT, SNAT and un-DNAT at POSTROUTING/INPUT). A MASQUERADE takes the
 * route's outgoing address and keeps the source port unless another connection already leaves
 * with it or the rule says --random-fully (then a random port, as nf_nat_l4proto_unique_tuple).
 * The new connection is confirmed when the packet leaves (POSTROUTING) or is delivered (INPUT);
 * a packet dropped or rejected before creates no entry.
 */
export function natPass(input: NatPassInput): PassResult {
  const { tables, conntrack, env } = input;
  const now = env.now;
  const known = conntrack.lookup(input.packet, now);
  const original: Tuple = tupleOf(input.packet);
  let pkt: Packet = copyPacket(input.packet);
  const ctstate: CtState[] = known ? [...known.ctstate] : ['NEW'];
  const steps: Step[] = [];
  const hooks: Hook[] = [];
  let masquerade: Traversal['masquerade'];
  let route: RouteDecision | undefined;
  let routeAtStep: number | undefined;
  let verdict: Verdict = 'ACCEPT';
  let entry: ConntrackEntry | undefined = known?.entry;
  const result = (): PassResult => {
    const r: PassResult = {
      verdict,
      packet: pkt,
      steps,
      hooks,
      connection: known ? known.direction : 'new',
    };
    if (route) r.route = route;
    if (routeAtStep !== undefined) r.routeAtStep = routeAtStep;
    if (entry) r.entry = entry;
    if (known) {
      const nat: NonNullable<PassResult['conntrackNat']> = {};
      if (known.dst) nat.dst = known.dst;
      if (known.src) nat.src = known.src;
      if (nat.dst || nat.src) r.conntrackNat = nat;
    }
    return r;
  };

  // One environment for every table of the pass, built with all its fields at once (adding a
  // field later costs a hidden-class transition per pass); ctstate is updated in place.
  const evalEnv: EvalEnv = {
    now: env.now,
    random: env.random,
    isLocalAddress: env.isLocalAddress,
    ctstate,
    recent: env.recent,
    ipset: env.ipset,
    redirectAddress: env.redirectAddress,
    physdevIsIn: env.physdevIsIn,
    outgoingAddress: undefined,
    counters: env.counters,
    policyCounters: env.policyCounters,
  };

  /** Run a hook's tables; false when the packet did not survive it. */
  const runHook = (hook: Hook, only?: readonly TableName[]): boolean => {
    hooks.push(hook);
    for (const table of HOOK_TABLES[hook]) {
      if (only && !only.includes(table)) continue;
      if (table === 'nat') {
        if (known) {
          applyConntrackNat(hook);
          continue;
        }
        if (natDoneFor(hook)) continue;
      }
      const builtin = tables[table].chains.get(hook);
      if ((table === 'raw' || table === 'mangle') && (!builtin || builtin.rules.length === 0)) {
        addCounter(env.policyCounters, policyKey(table, hook), pkt.bytes);
        continue;
      }
      if (route?.outgoingAddress !== undefined) evalEnv.outgoingAddress = route.outgoingAddress;
      const t = traverse(tables, table, hook, pkt, evalEnv);
      steps.push(...t.steps);
      pkt = t.packet;
      if (t.dnat && !ctstate.includes('DNAT')) ctstate.push('DNAT');
      if (t.masquerade) masquerade = t.masquerade;
      if (t.verdict !== 'ACCEPT') {
        verdict = t.verdict;
        return false;
      }
    }
    return true;
  };

  // nf_nat_inet_fn walks the nat table once per manip type of a new connection: the destination
  // at PREROUTING/OUTPUT, the source at POSTROUTING/INPUT. A looped-back packet has had both.
  const natDone = new Set<'dst' | 'src'>();
  const natDoneFor = (hook: Hook): boolean => {
    const manip = hook === 'PREROUTING' || hook === 'OUTPUT' ? 'dst' : 'src';
    if (natDone.has(manip)) return true;
    natDone.add(manip);
    return false;
  };

  const applyConntrackNat = (hook: Hook): void => {
    if (!known) return;
    if ((hook === 'PREROUTING' || hook === 'OUTPUT') && known.dst) {
      pkt = copyPacket(pkt);
      pkt.dst = known.dst.ip;
      pkt.dport = known.dst.port;
    }
    if ((hook === 'POSTROUTING' || hook === 'INPUT') && known.src) {
      pkt = copyPacket(pkt);
      pkt.src = known.src.ip;
      pkt.sport = known.src.port;
    }
  };

  /** The source NAT of a new connection, then its conntrack entry. */
  const confirm = (): void => {
    if (known) {
      conntrack.seen(known.entry, known.direction, now);
      return;
    }
    let translated = tupleOf(pkt);
    if (masquerade) {
      translated = { ...translated, src: masquerade.address };
      if (masquerade.randomFully) translated.sport = randomPort(translated.sport, env.random);
    }
    // Even without a rule, a source that clashes with a tracked connection gets another port.
    for (let tries = 0; conntrack.isTaken(translated, now) && tries < 65536; tries++) {
      translated = { ...translated, sport: randomPort(translated.sport, env.random) };
    }
    pkt = copyPacket(pkt);
    pkt.src = translated.src;
    pkt.sport = translated.sport;
    if (translated.src !== original.src || translated.sport !== original.sport) {
      if (!ctstate.includes('SNAT')) ctstate.push('SNAT');
    }
    entry = conntrack.confirm(original, translated, now);
  };

  if (input.origin === 'local') {
    if (!runHook('OUTPUT')) return result();
    routeAtStep = steps.length;
    route = input.route(pkt);
    if (!runHook('POSTROUTING')) return result();
    confirm();
    if (route.local) {
      // Out through lo and back in: conntrack already has the connection, nat is done.
      if (!runHook('PREROUTING', ['raw', 'mangle'])) return result();
      if (!runHook('INPUT', ['mangle', 'filter'])) return result();
    }
    return result();
  }

  if (!runHook('PREROUTING')) return result();
  routeAtStep = steps.length;
  route = input.route(pkt);
  if (route.local) {
    if (!runHook('INPUT')) return result();
  } else {
    if (!runHook('FORWARD')) return result();
    if (!runHook('POSTROUTING')) return result();
  }
  confirm();
  return result();
}

function tupleOf(p: Packet): Tuple {
  return { proto: p.proto, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport };
}

/**
 * A source port picked at random in the range of the old one (nf_nat_l4proto_unique_tuple:
 * ports below 512 stay below 512, below 1024 stay in 600–1023, others go to 1024–65535).
 */
function randomPort(old: number, random: () => number): number {
  if (old < 512) return 1 + Math.floor(random() * 511);
  if (old < 1024) return 600 + Math.floor(random() * 424);
  return 1024 + Math.floor(random() * (65535 - 1024 + 1));
}

// ---------------------------------------------------------------------------------------------
// per-node state

/** The kernel state of one node's network namespace that the rules do not hold. */
export interface NodeNetfilterState {
  conntrack: Conntrack;
  recent: RecentLists;
}

const nodeStates = new WeakMap<Dataplane, Map<string, NodeNetfilterState>>();

/**
 * A node's conntrack table and `-m recent` lists, kept beside the cluster's Dataplane (created on
 * first use). They belong to the node, not to kube-proxy: a proxy-mode switch that rewrites the
 * rules leaves them, as on a real node.
 */
export function nodeNetfilterState(dataplane: Dataplane, node: string): NodeNetfilterState {
  let byNode = nodeStates.get(dataplane);
  if (!byNode) {
    byNode = new Map();
    nodeStates.set(dataplane, byNode);
  }
  let s = byNode.get(node);
  if (!s) {
    s = { conntrack: new Conntrack(), recent: new RecentLists() };
    byNode.set(node, s);
  }
  return s;
}
