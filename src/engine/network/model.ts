/**
 * The data plane's shared vocabulary: netfilter rules as data, the per-node network state that
 * kube-proxy programs, and kube-proxy's input (one entry per service port, endpoints resolved).
 *
 * Three parts of the engine meet here, each in its own modules:
 *  - kube-proxy (network/kube-proxy/{iptables,userspace,ipvs}) turns a ProxyInput into the
 *    rules (and, for ipvs, ipsets and virtual servers) of one node: syncProxyRules;
 *  - the printers (network/netfilter/iptables-save.ts, …) show them as `iptables-save`,
 *    `iptables -L`, `ipvsadm -Ln` print them;
 *  - the evaluator (network/netfilter/evaluate.ts) walks a packet through them, with conntrack.
 *
 * Rules are kept as kube-proxy writes them (matches in the order it lists them); the printers
 * apply iptables-save's canonical form (`-s`/`-d`/`-p` first, `/32`, `--set-xmark`, …).
 */

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';

/** The built-in chains of each table, in the order iptables-save lists them. */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** `-s` / `-d`: an address or CIDR as kube-proxy wrote it (`10.96.0.1` or `10.244.0.0/16`). */
export interface AddressMatch {
  cidr: string;
  negate?: boolean;
}

/** `-m <module> …`, in the order the rule lists them. */
export type MatchModule =
  | { m: 'comment'; comment: string }
  /** `-m tcp --dport N` (or udp/sctp); kube-proxy writes `-m tcp -p tcp … --dport N`. */
  | { m: L4Protocol; dport?: number }
  | { m: 'addrtype'; srcType?: 'LOCAL'; dstType?: 'LOCAL'; negate?: boolean }
  | { m: 'mark'; value: number; mask: number; negate?: boolean }
  | { m: 'conntrack'; ctstate: readonly string[]; negate?: boolean }
  /** `-m state --state NEW` (the userspace proxy's form). */
  | { m: 'state'; state: readonly string[] }
  /** `-m statistic --mode random --probability P`: P as kube-proxy computed it (1/(n−i)). */
  | { m: 'statistic'; probability: number }
  | { m: 'recent'; name: string; op: 'set' }
  | { m: 'recent'; name: string; op: 'rcheck'; seconds: number; reap: boolean }
  /** `-m set --match-set NAME dst,dst` (ipvs mode's ipsets). */
  | { m: 'set'; set: string; flags: readonly ('src' | 'dst')[]; negate?: boolean }
  /**
   * `-m physdev [!] --physdev-is-in`: the packet came in through a port of a bridge (a pod's veth
   * on cni0; br_netfilter). The only physdev option kube-proxy writes: the userspace proxy's
   * external-IP portal (`!`, traffic from off the node) and ipvs mode's externalIPRules.
   */
  | { m: 'physdev'; isIn: true; negate?: boolean };

export type Target =
  | { j: 'ACCEPT' | 'DROP' | 'RETURN' | 'REJECT' }
  | { j: 'MASQUERADE'; randomFully?: boolean }
  /** `-j MARK --set-xmark value/mask` (kube-proxy writes `--or-mark` / `--xor-mark`). */
  | { j: 'MARK'; value: number; mask: number }
  | { j: 'DNAT'; to: string }
  | { j: 'REDIRECT'; toPorts: number }
  /** A jump to a user-defined chain. */
  | { j: 'chain'; chain: string };

export interface Rule {
  src?: AddressMatch;
  dst?: AddressMatch;
  proto?: L4Protocol;
  matches: readonly MatchModule[];
  /** Absent for a comment-only rule (the last rule of a KUBE-FW chain). */
  target?: Target;
}

export interface Chain {
  name: string;
  rules: readonly Rule[];
}

export interface Counters {
  packets: number;
  bytes: number;
}

/** One table of one node: its chains (built-in ones always present), by name. */
export interface Table {
  name: TableName;
  /** In the order they were created (built-ins first). */
  chains: Map<string, Chain>;
}

export type Tables = Record<TableName, Table>;

/** An ipset (ipvs mode): `hash:ip,port` entries such as `10.96.0.1,tcp:443`. */
export interface IpSet {
  name: string;
  type: string;
  comment: string;
  entries: readonly string[];
}

/** One IPVS virtual server and its real servers (ipvs mode). */
export interface VirtualServer {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  address: string;
  port: number;
  scheduler: string;
  /** sessionAffinity ClientIP: `persistent <seconds>`. */
  persistentSeconds?: number;
  realServers: ReadonlyArray<{ address: string; port: number; weight: number }>;
}

export type ProxyMode = 'iptables' | 'userspace' | 'ipvs';

/** An endpoint of a service port as kube-proxy sees it (EndpointSlice conditions applied). */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** conditions.ready (nil = true). */
  ready: boolean;
  /** conditions.serving (nil = ready). */
  serving: boolean;
  /** conditions.terminating (nil = false). */
  terminating: boolean;
  /** The endpoint's nodeName, if any. */
  nodeName?: string;
}

/**
 * One port of one Service, with what kube-proxy needs to program it. `svcPortName` is
 * `ns/name` plus `:portName` when the port is named (k8s-reference §1.3).
 */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  portName: string;
  svcPortName: string;
  protocol: L4Protocol;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  port: number;
  /** 0 when the service has none. */
  nodePort: number;
  externalIPs: readonly string[];
  loadBalancerIPs: readonly string[];
  loadBalancerSourceRanges: readonly string[];
  /** sessionAffinity ClientIP: its timeout; undefined for None. */
  affinitySeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** 0 when the service has none. */
  healthCheckNodePort: number;
  /** Every endpoint of every slice of this port (ready or not), deduplicated by ip:port. */
  endpoints: readonly ProxyEndpoint[];
}

/** What one node's kube-proxy programs from. */
export interface ProxyInput {
  node: { name: string; ip: string; podCIDR: string };
  /** The cluster's pod CIDR (the local-traffic detector's `! -s`): 10.244.0.0/16. */
  clusterCIDR: string;
  /** Service ports with a ClusterIP (headless and ExternalName services have no entry). */
  services: readonly ServicePortInfo[];
}

/** The masquerade mark: bit 14 (kube-proxy's default --iptables-masquerade-bit). */
export const MASQ_MARK = 0x4000;
