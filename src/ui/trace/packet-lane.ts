/**
 * A node's **packet path** lane (issue 7): the stages one visit of the packet to a node goes
 * through — the built-in hook it entered by (PREROUTING for a packet arriving, OUTPUT for one the
 * node or a hostNetwork process sends), kube-proxy's chains (KUBE-SERVICES, KUBE-NODEPORTS,
 * KUBE-EXT-…, KUBE-SVC-…, KUBE-SEP-… with its DNAT), the filter hooks, the routing decision
 * (cni0, flannel.1, eth0, local), POSTROUTING / KUBE-POSTROUTING (MASQUERADE); in userspace mode
 * KUBE-PORTALS-CONTAINER/HOST's REDIRECT → kube-proxy; in ipvs mode the KUBE-SERVICES ipset match
 * → the IPVS virtual server → its real server.
 *
 * Nothing is hard-coded: the stages are read from the trace's own consecutive hops on the node,
 * in the order the engine recorded them (its order: the nat hook, the filter hook, POSTROUTING,
 * then the route it took). Pure functions; PacketLane.tsx draws the result on the graph.
 */
import type { Hop, Trace } from '../../engine';

/** Hops that happen inside a node (the lane opens for them). */
const INSIDE = new Set<Hop['kind']>(['chain', 'route', 'kube-proxy']);

export interface LaneStage {
  /** `PREROUTING`, `KUBE-SVC-LZXBVPTZSVTMWR5Z`, `routing`, `kube-proxy`, `IPVS`, `conntrack`. */
  name: string;
  /**
   * What the stage did, when it did something beyond jumping on: `DNAT → 10.244.1.4:80`,
   * `MASQUERADE`, `REDIRECT → :48280`, `ipset KUBE-CLUSTER-IP`, `flannel.1`, `rr → 10.244.1.3:80`.
   */
  detail?: string;
  /** The indexes (into `trace.hops`) of the hops this stage covers, ascending. */
  hops: number[];
}

export interface NodeVisit {
  node: string;
  /** First and last hop index of the visit (inclusive). */
  from: number;
  to: number;
  stages: LaneStage[];
}

/** The target of an iptables-save rule: `-j KUBE-SVC-…`, `-j DNAT`. */
function targetOf(rule: string): string | undefined {
  return /(?:^|\s)-j (\S+)/.exec(rule)?.[1];
}

/** What a rule did, for its stage's detail (none when it only jumped to another chain). */
function ruleDetail(rule: string): string | undefined {
  const target = targetOf(rule);
  if (target === 'DNAT') {
    const to = /--to-destination (\S+)/.exec(rule)?.[1];
    return to ? `DNAT → ${to}` : 'DNAT';
  }
  if (target === 'REDIRECT') {
    const to = /--to-ports (\S+)/.exec(rule)?.[1];
    return to ? `REDIRECT → :${to}` : 'REDIRECT';
  }
  if (target === 'SNAT') {
    const to = /--to-source (\S+)/.exec(rule)?.[1];
    return to ? `SNAT → ${to}` : 'SNAT';
  }
  const set = /--match-set (\S+)/.exec(rule)?.[1];
  if (set && (target === 'ACCEPT' || target === 'RETURN')) return `ipset ${set}`;
  if (target === 'MASQUERADE' || target === 'ACCEPT' || target === 'REJECT' || target === 'DROP')
    return target;
  return undefined;
}

/** The device (or `local`) of a routing hop: `… dev flannel.1 (…)`, `bound to kube-ipvs0`. */
function routeDetail(what: string): string | undefined {
  const dev = /\bdev (\S+)/.exec(what)?.[1];
  if (dev) return dev;
  const bound = /\bbound to (\S+?):/.exec(what)?.[1];
  if (bound) return `${bound}, local`;
  if (/local delivery/.test(what)) return 'local';
  return undefined;
}

/** The stage a hop belongs to (its name and what it did), before grouping. */
function stageOf(hop: Hop): { name: string; detail?: string } {
  if (hop.kind === 'route') {
    const d = routeDetail(hop.what);
    return d ? { name: 'routing', detail: d } : { name: 'routing' };
  }
  if (hop.kind === 'kube-proxy') {
    // ipvs: `IPVS TCP 10.96.12.7:80 (rr) → 10.244.1.3:80 Masq` — the virtual server → real server.
    const ipvs = /^IPVS (\S+) (\S+) \((\w+)\) → (\S+)/.exec(hop.what);
    if (ipvs) return { name: `IPVS ${ipvs[2]}`, detail: `${ipvs[3]} → ${ipvs[4]}` };
    const dial = /\bdials (\S+)/.exec(hop.what)?.[1];
    return dial ? { name: 'kube-proxy', detail: `dials ${dial}` } : { name: 'kube-proxy' };
  }
  if (hop.kind === 'deliver') {
    // Only kube-proxy's own socket (userspace mode) is part of a visit: see `visitEnd`.
    const on = /\baccepts on (\S+)/.exec(hop.what)?.[1];
    return on ? { name: 'kube-proxy', detail: `accepts on ${on}` } : { name: 'kube-proxy' };
  }
  if (hop.kind === 'chain' && hop.chain) {
    const d = ruleDetail(hop.chain.rule);
    return d ? { name: hop.chain.chain, detail: d } : { name: hop.chain.chain };
  }
  // A chain hop without a rule: conntrack translating a packet of a known connection.
  const undo = hop.what.match(/un-[DS]NAT/g);
  return undo ? { name: 'conntrack', detail: undo.join(', ') } : { name: 'conntrack' };
}

/** Does hop `i` belong to a visit to `node`? */
function inVisit(hops: readonly Hop[], i: number, node: string): boolean {
  const hop = hops[i];
  if (!hop || hop.node !== node) return false;
  if (INSIDE.has(hop.kind)) return true;
  // kube-proxy's socket accepting (userspace mode), then the proxy dialling: still the node.
  const next = hops[i + 1];
  return hop.kind === 'deliver' && next?.node === node && next.kind === 'kube-proxy';
}

/**
 * Hop `i` is a marking chain's only rule (KUBE-MARK-MASQ: `-j MARK`), jumped to by the hop before
 * and left right after: it stays in the stage that jumped there. (KUBE-POSTROUTING also clears
 * the mark with a MARK rule, but the packet goes on in that chain: a stage of its own.)
 */
function marksAside(hops: readonly Hop[], i: number): boolean {
  const hop = hops[i]!;
  const prev = hops[i - 1];
  if (hop.kind !== 'chain' || !hop.chain || targetOf(hop.chain.rule) !== 'MARK') return false;
  if (prev?.kind !== 'chain' || !prev.chain || targetOf(prev.chain.rule) !== hop.chain.chain)
    return false;
  return hops[i + 1]?.chain?.chain !== hop.chain.chain;
}

/** The stages of hops `from..to` (one visit), grouped. */
function stagesOf(hops: readonly Hop[], from: number, to: number): LaneStage[] {
  const stages: LaneStage[] = [];
  for (let i = from; i <= to; i++) {
    const hop = hops[i]!;
    const { name, detail } = stageOf(hop);
    const last = stages[stages.length - 1];
    if (last && marksAside(hops, i)) {
      // A marking chain's rule (KUBE-MARK-MASQ) belongs to the stage that jumped there.
      last.hops.push(i);
    } else if (last?.name === name) {
      // Consecutive rules of one chain (or back in it after a mark): one stage.
      last.hops.push(i);
      if (detail !== undefined) last.detail = detail;
    } else {
      stages.push(detail !== undefined ? { name, detail, hops: [i] } : { name, hops: [i] });
    }
  }
  return stages;
}

/** Every visit of the packet to a node: maximal runs of consecutive inside-node hops. */
export function nodeVisits(trace: Trace): NodeVisit[] {
  const hops = trace.hops;
  const visits: NodeVisit[] = [];
  let i = 0;
  while (i < hops.length) {
    const node = hops[i]!.node;
    if (node === undefined || !inVisit(hops, i, node)) {
      i++;
      continue;
    }
    let to = i;
    while (inVisit(hops, to + 1, node)) to++;
    visits.push({ node, from: i, to, stages: stagesOf(hops, i, to) });
    i = to + 1;
  }
  return visits;
}

/** The visit hop `index` belongs to, if that hop is inside a node. */
export function visitAt(visits: readonly NodeVisit[], index: number): NodeVisit | undefined {
  return visits.find((v) => index >= v.from && index <= v.to);
}

/** The index (into `visit.stages`) of the stage covering hop `index`, or -1. */
export function stageAt(visit: NodeVisit, index: number): number {
  return visit.stages.findIndex((s) => s.hops.includes(index));
}

/** A stage as text: `KUBE-SEP-JASPLU7IO447DDUW (DNAT → 10.244.1.4:80)`. */
export function stageText(s: LaneStage): string {
  return s.detail ? `${s.name} (${s.detail})` : s.name;
}
