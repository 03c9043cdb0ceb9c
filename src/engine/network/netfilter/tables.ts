/**
 * Netfilter tables as data: empty tables, and what a v1.30 kubeadm node has before kube-proxy
 * writes anything — the kubelet's own chains.
 *
 * Models pkg/kubelet/kubelet_network_linux.go (v1.28+, after IPTablesOwnershipCleanup):
 *  - `KUBE-IPTABLES-HINT` in mangle (empty; tells other components iptables-legacy is in use);
 *  - `KUBE-FIREWALL` in filter with one rule dropping connections to 127.0.0.0/8 that did not
 *    come from there and are not part of a DNATed/known connection (the route_localnet hole,
 *    issue 90259), jumped to from INPUT and OUTPUT (`EnsureRule(Prepend, …)`);
 *  - `KUBE-KUBELET-CANARY` in mangle, nat and filter (its iptables.Monitor watches it).
 * Left out: the CNI's chains (flannel's FLANNEL-POSTRTG / FLANNEL-FWD, the portmap plugin's
 * CNI-HOSTPORT-*), which the playground's CNI does not model.
 */
import type { Chain, Table, TableName, Tables } from '../model';
import { BUILTIN_CHAINS } from '../model';

export const TABLE_NAMES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter'];

/** Tables with only their built-in chains, each empty (policy ACCEPT). */
export function emptyTables(): Tables {
  const make = (name: TableName): Table => {
    const chains = new Map<string, Chain>();
    for (const c of BUILTIN_CHAINS[name]) chains.set(c, { name: c, rules: [] });
    return { name, chains };
  };
  return { raw: make('raw'), mangle: make('mangle'), nat: make('nat'), filter: make('filter') };
}

export function isBuiltinChain(table: TableName, chain: string): boolean {
  return BUILTIN_CHAINS[table].includes(chain);
}

/**
 * Whether the kernel has instantiated this table (it is listed in /proc/net/ip_tables_names):
 * something created a chain or a rule in it. An untouched table (raw, here) is absent from a
 * full `iptables-save`, though naming it (`-t raw`) loads it.
 */
export function isTableLoaded(table: Table): boolean {
  for (const [name, chain] of table.chains) {
    if (!isBuiltinChain(table.name, name) || chain.rules.length > 0) return true;
  }
  return false;
}

/** Add an empty user chain if it does not exist (iptables -N, EnsureChain). */
export function ensureChain(table: Table, name: string): void {
  if (!table.chains.has(name)) table.chains.set(name, { name, rules: [] });
}

const KUBELET_CANARY = 'KUBE-KUBELET-CANARY';
const KUBE_IPTABLES_HINT = 'KUBE-IPTABLES-HINT';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

/**
 * The tables of a node whose kubelet has started (see the module comment), in the order the
 * kubelet creates things: the hint chain, KUBE-FIREWALL and its jumps, then the canaries.
 */
export function kubeletBaseTables(): Tables {
  const t = emptyTables();
  ensureChain(t.mangle, KUBE_IPTABLES_HINT);
  ensureChain(t.filter, KUBE_FIREWALL);
  t.filter.chains.set(KUBE_FIREWALL, {
    name: KUBE_FIREWALL,
    rules: [
      {
        src: { cidr: '127.0.0.0/8', negate: true },
        dst: { cidr: '127.0.0.0/8' },
        matches: [
          { m: 'comment', comment: 'block incoming localnet connections' },
          { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
        ],
        target: { j: 'DROP' },
      },
    ],
  });
  // EnsureRule(Prepend, …) into the empty OUTPUT and INPUT chains.
  for (const c of ['OUTPUT', 'INPUT']) {
    t.filter.chains.set(c, {
      name: c,
      rules: [{ matches: [], target: { j: 'chain', chain: KUBE_FIREWALL } }],
    });
  }
  for (const table of [t.mangle, t.nat, t.filter]) ensureChain(table, KUBELET_CANARY);
  return t;
}
