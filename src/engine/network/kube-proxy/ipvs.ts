/**
 * kube-proxy's **ipvs** mode (GA since v1.11; k8s-reference §2.2): services are load balanced by
 * the kernel's IP Virtual Server, and iptables only keeps a constant set of rules that match
 * ipsets.
 *
 * `syncIpvs(input)` is a pure generator over the shared model, the same inputs kube-proxy's
 * syncProxyRules reads, returning what one node ends up with:
 *  - **kube-ipvs0** addresses: every ClusterIP, externalIP and LoadBalancer IP is bound to the
 *    dummy device so that the kernel treats it as local (externalIPs that already belong to the
 *    node are not bound);
 *  - **virtual servers**: one per ClusterIP:port, externalIP:port, LB IP:port, and for a NodePort
 *    one per *node address* (every local address but loopback and kube-ipvs0: eth0, flannel.1,
 *    cni0) and nodePort; scheduler `rr`, `persistent <timeout>` for ClientIP affinity; real
 *    servers are the endpoints CategorizeEndpoints picks (ready ones, or serving+terminating ones
 *    when none is ready; the node's own for a Local policy, falling back to all of them when the
 *    node has none, as ipvs mode does since #97081), weight 1, Masq forwarding;
 *  - **ipsets** (all 17 of ipsetInfo, created even when empty) with kube-proxy's entry strings
 *    (`10.96.0.1,tcp:443`, `10.244.1.5,tcp:80,10.244.1.5`, `30080`);
 *  - the **iptables rules** of writeIptablesRules and createAndLinkKubeChain, in order.
 *
 * `IpvsScheduler` plays the kernel's side: ip_vs_rr.c's round robin over the real servers in
 * list order, and ip_vs_sched_persist's connection templates for persistent services.
 *
 * Simplified, and why:
 *  - the kernel keeps real servers in insertion order (newest first) and kube-proxy inserts them
 *    from an unordered Go set; here the list is in ipvsadm's sort order, which is what
 *    `ipvsadm -Ln` shows, so the round robin visibly walks the printed list. Virtual servers are
 *    likewise returned in ipvsadm's order; ipsets in ipsetInfo's order (upstream creates them
 *    from a Go map); ipset members in the order the services list them;
 *  - rules that need match modules the shared model lacks are left out: KUBE-IPVS-OUT-FILTER's `-m ipvs --vaddr …` DROP rules for load balancers
 *    whose source ranges exclude the node (the chain exists, empty);
 *  - graceful termination (a removed real server kept at weight 0 until its connections end) is
 *    not modelled: a sync lists exactly the endpoints that are usable now;
 *  - `--masquerade-all` and `--nodeport-addresses` are not configurable (kube-proxy defaults);
 *    without a cluster CIDR the KUBE-CLUSTER-IP masquerade rule uses `src,dst`, as upstream.
 */
import type { ClusterContext } from '../../context';
import { formatIPv4, parseIPv4 } from '../../controllers/kubelet/ipam';
import { cidrContains, ipToNumber } from '../netfilter/packet';
import { nodeInterfaces } from '../interfaces';
import type {
  IpSet,
  L4Protocol,
  MatchModule,
  ProxyEndpoint,
  ProxyInput,
  Rule,
  ServicePortInfo,
  Tables,
  Target,
  VirtualServer,
} from '../model';
import { emptyTables } from '../netfilter/tables';
import { BUILTIN_CHAINS, MASQ_MARK } from '../model';

// Models pkg/proxy/ipvs/proxier.go constants.
export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_SOURCE_RANGES_FIREWALL = 'KUBE-SOURCE-RANGES-FIREWALL';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_NODE_PORT = 'KUBE-NODE-PORT';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_LOAD_BALANCER = 'KUBE-LOAD-BALANCER';
export const KUBE_IPVS_FILTER = 'KUBE-IPVS-FILTER';
export const KUBE_IPVS_OUT_FILTER = 'KUBE-IPVS-OUT-FILTER';
export const DEFAULT_SCHEDULER = 'rr';
export const DUMMY_DEVICE = 'kube-ipvs0';

// Models pkg/proxy/ipvs/ipset.go names and comments.
export const KUBE_LOOP_BACK = 'KUBE-LOOP-BACK';
export const KUBE_CLUSTER_IP = 'KUBE-CLUSTER-IP';
export const KUBE_EXTERNAL_IP = 'KUBE-EXTERNAL-IP';
export const KUBE_EXTERNAL_IP_LOCAL = 'KUBE-EXTERNAL-IP-LOCAL';
export const KUBE_LOAD_BALANCER_SET = 'KUBE-LOAD-BALANCER';
export const KUBE_LOAD_BALANCER_FW = 'KUBE-LOAD-BALANCER-FW';
export const KUBE_LOAD_BALANCER_LOCAL = 'KUBE-LOAD-BALANCER-LOCAL';
export const KUBE_LOAD_BALANCER_SOURCE_IP = 'KUBE-LOAD-BALANCER-SOURCE-IP';
export const KUBE_LOAD_BALANCER_SOURCE_CIDR = 'KUBE-LOAD-BALANCER-SOURCE-CIDR';
export const KUBE_NODE_PORT_TCP = 'KUBE-NODE-PORT-TCP';
export const KUBE_NODE_PORT_LOCAL_TCP = 'KUBE-NODE-PORT-LOCAL-TCP';
export const KUBE_NODE_PORT_UDP = 'KUBE-NODE-PORT-UDP';
export const KUBE_NODE_PORT_LOCAL_UDP = 'KUBE-NODE-PORT-LOCAL-UDP';
export const KUBE_NODE_PORT_SCTP = 'KUBE-NODE-PORT-SCTP-HASH';
export const KUBE_NODE_PORT_LOCAL_SCTP = 'KUBE-NODE-PORT-LOCAL-SCTP-HASH';
export const KUBE_HEALTH_CHECK_NODE_PORT = 'KUBE-HEALTH-CHECK-NODE-PORT';
export const KUBE_IPVS_IPS = 'KUBE-IPVS-IPS';

/** proxier.go ipsetInfo, in its order: name, type, comment. */
export const IPSET_INFO: ReadonlyArray<{ name: string; type: string; comment: string }> = [
  {
    name: KUBE_LOOP_BACK,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  },
  {
    name: KUBE_CLUSTER_IP,
    type: 'hash:ip,port',
    comment: 'Kubernetes service cluster ip + port for masquerade purpose',
  },
  {
    name: KUBE_EXTERNAL_IP,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port for masquerade and filter purpose',
  },
  {
    name: KUBE_EXTERNAL_IP_LOCAL,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local',
  },
  { name: KUBE_LOAD_BALANCER_SET, type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  {
    name: KUBE_LOAD_BALANCER_FW,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  },
  {
    name: KUBE_LOAD_BALANCER_LOCAL,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_IP,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_CIDR,
    type: 'hash:ip,port,net',
    comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  },
  {
    name: KUBE_NODE_PORT_TCP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port for masquerade purpose',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_TCP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_NODE_PORT_UDP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port for masquerade purpose',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_UDP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_NODE_PORT_SCTP,
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  },
  {
    name: KUBE_NODE_PORT_LOCAL_SCTP,
    type: 'hash:ip,port',
    comment:
      "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  },
  {
    name: KUBE_HEALTH_CHECK_NODE_PORT,
    type: 'bitmap:port',
    comment: 'Kubernetes health check node port',
  },
  { name: KUBE_IPVS_IPS, type: 'hash:ip', comment: 'Addresses on the ipvs interface' },
];

/**
 * proxier.go ipsetWithIptablesChain: `-A <from> [-p proto] -m comment --comment <set comment>
 * -m set --match-set <set> <flags> -j <to>`, written when the set is not empty, in this order.
 */
const IPSET_WITH_IPTABLES_CHAIN: ReadonlyArray<{
  name: string;
  table: 'nat' | 'filter';
  from: string;
  to: string;
  flags: readonly ('src' | 'dst')[];
  proto?: L4Protocol;
}> = [
  {
    name: KUBE_LOOP_BACK,
    table: 'nat',
    from: KUBE_POSTROUTING,
    to: 'MASQUERADE',
    flags: ['dst', 'dst', 'src'],
  },
  {
    name: KUBE_LOAD_BALANCER_SET,
    table: 'nat',
    from: KUBE_SERVICES,
    to: KUBE_LOAD_BALANCER,
    flags: ['dst', 'dst'],
  },
  {
    name: KUBE_LOAD_BALANCER_LOCAL,
    table: 'nat',
    from: KUBE_LOAD_BALANCER,
    to: 'RETURN',
    flags: ['dst', 'dst'],
  },
  {
    name: KUBE_NODE_PORT_LOCAL_TCP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst'],
    proto: 'tcp',
  },
  {
    name: KUBE_NODE_PORT_TCP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst'],
    proto: 'tcp',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_UDP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst'],
    proto: 'udp',
  },
  {
    name: KUBE_NODE_PORT_UDP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst'],
    proto: 'udp',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_SCTP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst', 'dst'],
    proto: 'sctp',
  },
  {
    name: KUBE_NODE_PORT_SCTP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst', 'dst'],
    proto: 'sctp',
  },
  {
    name: KUBE_LOAD_BALANCER_FW,
    table: 'filter',
    from: KUBE_PROXY_FIREWALL,
    to: KUBE_SOURCE_RANGES_FIREWALL,
    flags: ['dst', 'dst'],
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_CIDR,
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_IP,
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
];

/** proxier.go iptablesChains: the chains kube-proxy creates, in order. */
const IPTABLES_CHAINS: ReadonlyArray<{ table: 'nat' | 'filter'; chain: string }> = [
  { table: 'nat', chain: KUBE_SERVICES },
  { table: 'nat', chain: KUBE_POSTROUTING },
  { table: 'nat', chain: KUBE_NODE_PORT },
  { table: 'nat', chain: KUBE_LOAD_BALANCER },
  { table: 'nat', chain: KUBE_MARK_MASQ },
  { table: 'filter', chain: KUBE_FORWARD },
  { table: 'filter', chain: KUBE_NODE_PORT },
  { table: 'filter', chain: KUBE_PROXY_FIREWALL },
  { table: 'filter', chain: KUBE_SOURCE_RANGES_FIREWALL },
  { table: 'filter', chain: KUBE_IPVS_FILTER },
  { table: 'filter', chain: KUBE_IPVS_OUT_FILTER },
];

/**
 * proxier.go iptablesJumpChain. Each is written with EnsureRule(Prepend, …) in this order, so
 * a built-in chain lists them last-first (INPUT: IPVS-FILTER, PROXY-FIREWALL, NODE-PORT).
 */
const IPTABLES_JUMP_CHAIN: ReadonlyArray<{
  table: 'nat' | 'filter';
  from: string;
  to: string;
  comment: string;
}> = [
  { table: 'nat', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  {
    table: 'nat',
    from: 'POSTROUTING',
    to: KUBE_POSTROUTING,
    comment: 'kubernetes postrouting rules',
  },
  { table: 'filter', from: 'FORWARD', to: KUBE_FORWARD, comment: 'kubernetes forwarding rules' },
  { table: 'filter', from: 'INPUT', to: KUBE_NODE_PORT, comment: 'kubernetes health check rules' },
  { table: 'filter', from: 'INPUT', to: KUBE_PROXY_FIREWALL, comment: 'kube-proxy firewall rules' },
  {
    table: 'filter',
    from: 'FORWARD',
    to: KUBE_PROXY_FIREWALL,
    comment: 'kube-proxy firewall rules',
  },
  {
    table: 'filter',
    from: 'INPUT',
    to: KUBE_IPVS_FILTER,
    comment: 'kubernetes ipvs access filter',
  },
  {
    table: 'filter',
    from: 'OUTPUT',
    to: KUBE_IPVS_OUT_FILTER,
    comment: 'kubernetes ipvs access filter',
  },
];

export interface IpvsSyncOptions {
  /**
   * The node's local addresses except loopback and kube-ipvs0: where NodePort virtual servers
   * listen. Defaults to the node IP and flannel.1's (the pod CIDR's network address); pass
   * `ipvsNodeAddresses(ctx, node)` to include cni0's once the node runs pods.
   */
  nodeAddresses?: readonly string[];
}

export interface IpvsSyncResult {
  tables: Tables;
  /** All of ipsetInfo's sets, by name, in its order. */
  ipsets: Map<string, IpSet>;
  /** In `ipvsadm -Ln` order. */
  virtualServers: VirtualServer[];
  /** The addresses bound to kube-ipvs0, numerically ordered (as `ip addr` lists them here). */
  dummyAddresses: string[];
}

type L4Upper = VirtualServer['protocol'];

const upper = (p: L4Protocol): L4Upper => (p === 'tcp' ? 'TCP' : p === 'udp' ? 'UDP' : 'SCTP');

/** The IPv4 address as an unsigned 32-bit number, for ipvsadm's sort (0 for anything else). */
const ipNum = (ip: string): number => ipToNumber(ip) ?? 0;

/** IANA protocol numbers, the first key of ipvsadm's sort. */
const PROTO_NUMBER: Readonly<Record<L4Upper, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * ipvsadm's `ipvs_cmp_services`: protocol number, then address, then port. The address
 * difference is computed in 32 unsigned bits and read as a signed int, as C does — so an
 * address more than 2^31 above another sorts *before* it: 172.17.0.1 and 192.168.100.10 list
 * before 10.96.0.1, as on real kubeadm nodes.
 */
export function compareVirtualServers(
  a: Pick<VirtualServer, 'protocol' | 'address' | 'port'>,
  b: Pick<VirtualServer, 'protocol' | 'address' | 'port'>,
): number {
  const p = PROTO_NUMBER[a.protocol] - PROTO_NUMBER[b.protocol];
  if (p !== 0) return p;
  const r = (ipNum(a.address) - ipNum(b.address)) | 0;
  if (r !== 0) return r;
  return a.port - b.port;
}

/** ipvsadm's `ipvs_cmp_dests`: address (same signed wrap-around), then port. */
export function compareRealServers(
  a: { address: string; port: number },
  b: { address: string; port: number },
): number {
  const r = (ipNum(a.address) - ipNum(b.address)) | 0;
  if (r !== 0) return r;
  return a.port - b.port;
}

/**
 * Sort by (group, address, port) with ipvsadm's comparison, parsing each address once: a sync
 * sorts every virtual server and real-server list of the node.
 */
function sortByAddress<T>(
  items: T[],
  key: (item: T) => { address: string; port: number },
  group: (item: T) => number = () => 0,
): T[] {
  return items
    .map((item) => ({ item, g: group(item), a: ipNum(key(item).address), p: key(item).port }))
    .sort((x, y) => x.g - y.g || (x.a - y.a) | 0 || x.p - y.p)
    .map((d) => d.item);
}

/** `TCP/10.96.0.1:443`: a virtual server's identity (the kernel's protocol, address, port). */
export function virtualServerKey(vs: Pick<VirtualServer, 'protocol' | 'address' | 'port'>): string {
  return `${vs.protocol}/${vs.address}:${vs.port}`;
}

/** `TCP/10.96.0.1:443/192.168.100.10:6443`. */
export function realServerKey(
  vs: Pick<VirtualServer, 'protocol' | 'address' | 'port'>,
  rs: { address: string; port: number },
): string {
  return `${virtualServerKey(vs)}/${rs.address}:${rs.port}`;
}

/** flannel.1's address: the network address of the node's pod CIDR (10.244.1.0). */
function flannelAddress(podCIDR: string): string | undefined {
  const [base = '', bits = ''] = podCIDR.split('/');
  const n = parseIPv4(base);
  const prefix = Number(bits);
  if (n === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  return formatIPv4(n - (n % size));
}

/**
 * The node's addresses NodePort virtual servers are created for: every IPv4 address of its
 * interfaces but loopback and kube-ipvs0 (netlink GetAllLocalAddressesExcept(kube-ipvs0)).
 */
export function ipvsNodeAddresses(ctx: ClusterContext, node: string): string[] {
  const out: string[] = [];
  for (const itf of nodeInterfaces(ctx, node)) {
    if (itf.kind === 'loopback' || itf.name === DUMMY_DEVICE) continue;
    for (const a of itf.addrs)
      if (a.family === 'inet' && !out.includes(a.address)) out.push(a.address);
  }
  return out;
}

/**
 * Models pkg/proxy/topology.go CategorizeEndpoints (no topology hints): the endpoints usable
 * for the Cluster policy (ready ones, or serving+terminating ones when none is ready) and for a
 * Local policy (the same, among this node's endpoints). A set the service does not use is empty.
 */
export function categorizeEndpoints(
  sp: ServicePortInfo,
  nodeName: string,
): { cluster: ProxyEndpoint[]; local: ProxyEndpoint[] } {
  const externallyAccessible =
    sp.nodePort !== 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
  // serviceport.go UsesClusterEndpoints: a service that accepts external traffic at all needs
  // the Cluster set, even with both policies Local (ipvs's #97081 fallback then serves a node
  // without local endpoints from it, ClusterIP traffic included).
  const usesCluster = !sp.internalPolicyLocal || externallyAccessible;
  const usesLocal = sp.internalPolicyLocal || (sp.externalPolicyLocal && externallyAccessible);
  const pick = (eps: readonly ProxyEndpoint[]): ProxyEndpoint[] => {
    const ready = eps.filter((e) => e.ready);
    return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
  };
  return {
    cluster: usesCluster ? pick(sp.endpoints) : [],
    local: usesLocal ? pick(sp.endpoints.filter((e) => e.nodeName === nodeName)) : [],
  };
}

/**
 * One node's IPVS state and iptables rules for the given service ports.
 * Models pkg/proxy/ipvs/proxier.go syncProxyRules (with syncService, syncEndpoint,
 * writeIptablesRules, createAndLinkKubeChain, acceptIPVSTraffic).
 */
export function syncIpvs(input: ProxyInput, opts: IpvsSyncOptions = {}): IpvsSyncResult {
  const node = input.node;
  const nodeIPs =
    opts.nodeAddresses ??
    [node.ip, flannelAddress(node.podCIDR)].filter((a): a is string => a !== undefined);
  const nodeAddressSet = new Set(nodeIPs);

  const entries = new Map<string, Set<string>>(IPSET_INFO.map((s) => [s.name, new Set()]));
  const add = (set: string, entry: string) => entries.get(set)?.add(entry);
  const servers = new Map<string, VirtualServer>();
  const bound = new Set<string>();

  // syncService + syncEndpoint: one virtual server and its real servers. The real-server lists
  // of a service port are computed once and shared by its virtual servers (read-only data).
  type RealServers = VirtualServer['realServers'];
  let lastSp: ServicePortInfo | undefined;
  const lists = new Map<boolean, RealServers>();
  const realServersOf = (sp: ServicePortInfo, onlyNodeLocal: boolean): RealServers => {
    if (lastSp !== sp) {
      lastSp = sp;
      lists.clear();
    }
    const cached = lists.get(onlyNodeLocal);
    if (cached) return cached;
    const { cluster, local } = categorizeEndpoints(sp, node.name);
    // #97081: with a Local policy and no local endpoint, ipvs mode still uses all of them.
    const eps = onlyNodeLocal && local.length > 0 ? local : cluster;
    const real = new Map<string, { address: string; port: number; weight: number }>();
    for (const ep of eps) {
      if (ep.ip === '' || ep.port === 0) continue;
      real.set(`${ep.ip}:${ep.port}`, { address: ep.ip, port: ep.port, weight: 1 });
    }
    const list = sortByAddress([...real.values()], (r) => r);
    lists.set(onlyNodeLocal, list);
    return list;
  };
  const addVirtualServer = (
    sp: ServicePortInfo,
    address: string,
    port: number,
    onlyNodeLocal: boolean,
  ) => {
    const vs: VirtualServer = {
      protocol: upper(sp.protocol),
      address,
      port,
      scheduler: DEFAULT_SCHEDULER,
      ...(sp.affinitySeconds !== undefined ? { persistentSeconds: sp.affinitySeconds } : {}),
      realServers: realServersOf(sp, onlyNodeLocal),
    };
    servers.set(virtualServerKey(vs), vs);
  };

  for (const sp of input.services) {
    const proto = sp.protocol;

    // Handle traffic that loops back to the originator with SNAT: this node's endpoints.
    for (const ep of sp.endpoints) {
      if (ep.nodeName !== node.name || ep.ip === '' || ep.port === 0) continue;
      add(KUBE_LOOP_BACK, `${ep.ip},${proto}:${ep.port},${ep.ip}`);
    }

    // Capture the clusterIP.
    add(KUBE_CLUSTER_IP, `${sp.clusterIP},${proto}:${sp.port}`);
    addVirtualServer(sp, sp.clusterIP, sp.port, sp.internalPolicyLocal);
    bound.add(sp.clusterIP);

    // Capture externalIPs.
    for (const ip of sp.externalIPs) {
      add(
        sp.externalPolicyLocal ? KUBE_EXTERNAL_IP_LOCAL : KUBE_EXTERNAL_IP,
        `${ip},${proto}:${sp.port}`,
      );
      addVirtualServer(sp, ip, sp.port, sp.externalPolicyLocal);
      // Not bound to the dummy device when it already is an address of the node.
      if (!nodeAddressSet.has(ip)) bound.add(ip);
    }

    // Capture load-balancer ingress.
    for (const ip of sp.loadBalancerIPs) {
      const entry = `${ip},${proto}:${sp.port}`;
      add(KUBE_LOAD_BALANCER_SET, entry);
      if (sp.externalPolicyLocal) add(KUBE_LOAD_BALANCER_LOCAL, entry);
      if (sp.loadBalancerSourceRanges.length > 0) {
        add(KUBE_LOAD_BALANCER_FW, entry);
        let allowFromNode = false;
        for (const cidr of sp.loadBalancerSourceRanges) {
          add(KUBE_LOAD_BALANCER_SOURCE_CIDR, `${entry},${cidr}`);
          if (cidrContains(cidr, node.ip)) allowFromNode = true;
        }
        // The node may reach its own LB through the VIP: let the LB IP as source through.
        if (allowFromNode) add(KUBE_LOAD_BALANCER_SOURCE_IP, `${entry},${ip}`);
      }
      addVirtualServer(sp, ip, sp.port, sp.externalPolicyLocal);
      if (!nodeAddressSet.has(ip)) bound.add(ip);
    }

    // NodePorts: one bitmap entry (TCP/UDP) or one ip,port entry per node IP (SCTP).
    if (sp.nodePort !== 0 && nodeIPs.length > 0) {
      const portEntries =
        proto === 'sctp' ? nodeIPs.map((ip) => `${ip},sctp:${sp.nodePort}`) : [String(sp.nodePort)];
      const set =
        proto === 'tcp'
          ? KUBE_NODE_PORT_TCP
          : proto === 'udp'
            ? KUBE_NODE_PORT_UDP
            : KUBE_NODE_PORT_SCTP;
      const localSet =
        proto === 'tcp'
          ? KUBE_NODE_PORT_LOCAL_TCP
          : proto === 'udp'
            ? KUBE_NODE_PORT_LOCAL_UDP
            : KUBE_NODE_PORT_LOCAL_SCTP;
      for (const e of portEntries) add(set, e);
      if (sp.externalPolicyLocal) for (const e of portEntries) add(localSet, e);
      for (const ip of nodeIPs) addVirtualServer(sp, ip, sp.nodePort, sp.externalPolicyLocal);
    }

    if (sp.healthCheckNodePort !== 0)
      add(KUBE_HEALTH_CHECK_NODE_PORT, String(sp.healthCheckNodePort));
  }

  const dummyAddresses = [...bound].sort((a, b) => ipNum(a) - ipNum(b));
  // The KUBE-IPVS-IPS set is "the addresses we want on kube-ipvs0" (activeBindAddrs).
  for (const ip of bound) add(KUBE_IPVS_IPS, ip);

  const ipsets = new Map<string, IpSet>(
    IPSET_INFO.map((s) => [
      s.name,
      { name: s.name, type: s.type, comment: s.comment, entries: [...(entries.get(s.name) ?? [])] },
    ]),
  );
  const empty = (name: string) => (entries.get(name)?.size ?? 0) === 0;

  return {
    tables: ipvsTables(input.clusterCIDR, empty),
    ipsets,
    virtualServers: sortByAddress(
      [...servers.values()],
      (v) => v,
      (v) => PROTO_NUMBER[v.protocol],
    ),
    dummyAddresses,
  };
}

const comment = (text: string): MatchModule => ({ m: 'comment', comment: text });
const matchSet = (set: string, flags: readonly ('src' | 'dst')[]): MatchModule => ({
  m: 'set',
  set,
  flags,
});
const jumpTo = (to: string): Target =>
  to === 'MASQUERADE' || to === 'RETURN' || to === 'ACCEPT' || to === 'DROP' || to === 'REJECT'
    ? { j: to }
    : { j: 'chain', chain: to };
const setComment = (name: string): string => IPSET_INFO.find((s) => s.name === name)?.comment ?? '';

/**
 * The nat and filter rules of ipvs mode, which depend only on which sets are empty.
 * Models proxier.go createAndLinkKubeChain + writeIptablesRules + acceptIPVSTraffic.
 */
function ipvsTables(clusterCIDR: string, empty: (set: string) => boolean): Tables {
  const tables = emptyTables();
  const rules = new Map<string, Rule[]>();
  const chainRules = (table: 'nat' | 'filter', chain: string): Rule[] => {
    const key = `${table}/${chain}`;
    let r = rules.get(key);
    if (!r) {
      r = [];
      rules.set(key, r);
      tables[table].chains.set(chain, { name: chain, rules: r });
    }
    return r;
  };
  for (const name of BUILTIN_CHAINS.nat) chainRules('nat', name);
  for (const name of BUILTIN_CHAINS.filter) chainRules('filter', name);

  // createAndLinkKubeChain
  for (const { table, chain } of IPTABLES_CHAINS) chainRules(table, chain);
  for (const jc of IPTABLES_JUMP_CHAIN) {
    chainRules(jc.table, jc.from).unshift({
      matches: [comment(jc.comment)],
      target: { j: 'chain', chain: jc.to },
    });
  }

  const nat = (chain: string) => chainRules('nat', chain);
  const filter = (chain: string) => chainRules('filter', chain);

  // writeIptablesRules. Dismiss connects to localhost early in the service chain.
  nat(KUBE_SERVICES).push({ src: { cidr: '127.0.0.0/8' }, matches: [], target: { j: 'RETURN' } });

  for (const s of IPSET_WITH_IPTABLES_CHAIN) {
    if (empty(s.name)) continue;
    const rule: Rule = {
      ...(s.proto ? { proto: s.proto } : {}),
      matches: [comment(setComment(s.name)), matchSet(s.name, s.flags)],
      target: jumpTo(s.to),
    };
    chainRules(s.table, s.from).push(rule);
  }

  if (!empty(KUBE_CLUSTER_IP)) {
    const matches = [comment(setComment(KUBE_CLUSTER_IP))];
    if (clusterCIDR !== '') {
      // The local-traffic detector: masquerade off-cluster traffic to a service VIP.
      nat(KUBE_SERVICES).push({
        src: { cidr: clusterCIDR, negate: true },
        matches: [...matches, matchSet(KUBE_CLUSTER_IP, ['dst', 'dst'])],
        target: jumpTo(KUBE_MARK_MASQ),
      });
    } else {
      nat(KUBE_SERVICES).push({
        matches: [...matches, matchSet(KUBE_CLUSTER_IP, ['src', 'dst'])],
        target: jumpTo(KUBE_MARK_MASQ),
      });
    }
  }

  // externalIPRules: traffic from off the machine (not from a bridge port, i.e. not from a pod,
  // nor from a local process) is let through to IPVS; so is traffic to an external IP that is
  // one of this node's addresses.
  const externalIPRules = (set: string) => {
    nat(KUBE_SERVICES).push({
      matches: [
        comment(setComment(set)),
        matchSet(set, ['dst', 'dst']),
        { m: 'physdev', isIn: true, negate: true },
        { m: 'addrtype', srcType: 'LOCAL', negate: true },
      ],
      target: { j: 'ACCEPT' },
    });
    nat(KUBE_SERVICES).push({
      matches: [
        comment(setComment(set)),
        matchSet(set, ['dst', 'dst']),
        { m: 'addrtype', dstType: 'LOCAL' },
      ],
      target: { j: 'ACCEPT' },
    });
  };
  if (!empty(KUBE_EXTERNAL_IP)) {
    nat(KUBE_SERVICES).push({
      matches: [comment(setComment(KUBE_EXTERNAL_IP)), matchSet(KUBE_EXTERNAL_IP, ['dst', 'dst'])],
      target: jumpTo(KUBE_MARK_MASQ),
    });
    externalIPRules(KUBE_EXTERNAL_IP);
  }
  if (!empty(KUBE_EXTERNAL_IP_LOCAL)) externalIPRules(KUBE_EXTERNAL_IP_LOCAL);

  // -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
  nat(KUBE_SERVICES).push({
    matches: [{ m: 'addrtype', dstType: 'LOCAL' }],
    target: jumpTo(KUBE_NODE_PORT),
  });
  // mark for masquerading for KUBE-LOAD-BALANCER
  nat(KUBE_LOAD_BALANCER).push({ matches: [], target: jumpTo(KUBE_MARK_MASQ) });
  // drop packets filtered by KUBE-SOURCE-RANGES-FIREWALL
  filter(KUBE_SOURCE_RANGES_FIREWALL).push({ matches: [], target: { j: 'DROP' } });
  // acceptIPVSTraffic: the last rules of KUBE-SERVICES.
  for (const set of [KUBE_CLUSTER_IP, KUBE_LOAD_BALANCER_SET]) {
    if (!empty(set)) {
      nat(KUBE_SERVICES).push({
        matches: [matchSet(set, ['dst', 'dst'])],
        target: { j: 'ACCEPT' },
      });
    }
  }

  const mark = { m: 'mark' as const, value: MASQ_MARK, mask: MASQ_MARK };
  filter(KUBE_FORWARD).push(
    { matches: [comment('kubernetes forwarding rules'), mark], target: { j: 'ACCEPT' } },
    {
      matches: [
        comment('kubernetes forwarding conntrack rule'),
        { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED'] },
      ],
      target: { j: 'ACCEPT' },
    },
  );
  filter(KUBE_NODE_PORT).push({
    matches: [
      comment(setComment(KUBE_HEALTH_CHECK_NODE_PORT)),
      matchSet(KUBE_HEALTH_CHECK_NODE_PORT, ['dst']),
    ],
    target: { j: 'ACCEPT' },
  });
  // Prevent access to the node's own ports through VIPs (#72236).
  for (const set of [
    KUBE_LOAD_BALANCER_SET,
    KUBE_CLUSTER_IP,
    KUBE_EXTERNAL_IP,
    KUBE_EXTERNAL_IP_LOCAL,
  ]) {
    filter(KUBE_IPVS_FILTER).push({
      matches: [matchSet(set, ['dst', 'dst'])],
      target: { j: 'RETURN' },
    });
  }
  filter(KUBE_IPVS_FILTER).push(
    { matches: [matchSet(KUBE_HEALTH_CHECK_NODE_PORT, ['dst'])], target: { j: 'RETURN' } },
    {
      matches: [{ m: 'conntrack', ctstate: ['NEW'] }, matchSet(KUBE_IPVS_IPS, ['dst'])],
      target: { j: 'REJECT' },
    },
  );

  nat(KUBE_POSTROUTING).push(
    { matches: [{ ...mark, negate: true }], target: { j: 'RETURN' } },
    // --xor-mark 0x4000 clears the mark (iptables-save: --set-xmark 0x4000/0x0).
    { matches: [], target: { j: 'MARK', value: MASQ_MARK, mask: 0 } },
    {
      matches: [comment('kubernetes service traffic requiring SNAT')],
      target: { j: 'MASQUERADE', randomFully: true },
    },
  );
  // --or-mark 0x4000 (iptables-save: --set-xmark 0x4000/0x4000).
  nat(KUBE_MARK_MASQ).push({
    matches: [],
    target: { j: 'MARK', value: MASQ_MARK, mask: MASQ_MARK },
  });

  return tables;
}

// ------------------------------------------------------------------ the kernel's scheduler

/** Per virtual server or real server: what `ipvsadm -Ln [--stats]` shows. */
export interface IpvsCounters {
  activeConns: number;
  inactConns: number;
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

/**
 * How long a finished TCP connection stays in IPVS's table (TIME_WAIT / FIN_WAIT: 2 minutes),
 * counted as InActConn meanwhile.
 */
export const IPVS_TCP_FIN_TIMEOUT_MS = 120_000;

const zeroCounters = (): IpvsCounters => ({
  activeConns: 0,
  inactConns: 0,
  conns: 0,
  inPkts: 0,
  outPkts: 0,
  inBytes: 0,
  outBytes: 0,
});

/**
 * The kernel's scheduling for one node's virtual servers.
 *  - `rr` (ip_vs_rr.c): the service remembers the last real server it chose and takes the next
 *    one in list order with a weight above 0, wrapping around; when that server has left the
 *    list, the walk continues from where it stood;
 *  - persistence (ip_vs_sched_persist): a connection template per client IP and virtual server
 *    keeps sending the client to the same real server while it is used within the timeout
 *    (kube-proxy sets expire_quiescent_template, so a template to a removed or weight-0 server
 *    is dropped and the client rescheduled).
 * Returns undefined when no real server is available: the kernel then answers with ICMP port
 * unreachable (ip_vs_leave), which the client sees as "connection refused".
 */
export class IpvsScheduler {
  private readonly last = new Map<string, { key: string; index: number }>();
  private readonly templates = new Map<string, { rs: string; lastUsed: number }>();
  private readonly counters = new Map<string, IpvsCounters>();
  /** Finished connections still in the table, per real-server key: their close times. */
  private readonly closing = new Map<string, number[]>();

  // Models net/netfilter/ipvs/ip_vs_rr.c ip_vs_rr_schedule and ip_vs_core.c ip_vs_sched_persist.
  schedule(
    vs: VirtualServer,
    clientIP: string,
    now: number,
  ): { address: string; port: number; weight: number } | undefined {
    const vsKey = virtualServerKey(vs);
    const usable = (rs: { weight: number }) => rs.weight > 0;
    if (vs.persistentSeconds !== undefined) {
      const t = this.templates.get(`${vsKey}|${clientIP}`);
      if (t && now - t.lastUsed < vs.persistentSeconds * 1000) {
        const rs = vs.realServers.find((r) => `${r.address}:${r.port}` === t.rs);
        if (rs && usable(rs)) {
          t.lastUsed = now;
          this.count(vs, rs, now);
          return rs;
        }
      }
    }
    const list = vs.realServers;
    const n = list.length;
    if (n === 0) return undefined;
    const prev = this.last.get(vsKey);
    let start = 0;
    if (prev) {
      const i = list.findIndex((r) => `${r.address}:${r.port}` === prev.key);
      start = i >= 0 ? i + 1 : prev.index;
    }
    for (let k = 0; k < n; k++) {
      const idx = (start + k) % n;
      const rs = list[idx] as VirtualServer['realServers'][number];
      if (!usable(rs)) continue;
      this.last.set(vsKey, { key: `${rs.address}:${rs.port}`, index: idx });
      if (vs.persistentSeconds !== undefined) {
        this.templates.set(`${vsKey}|${clientIP}`, {
          rs: `${rs.address}:${rs.port}`,
          lastUsed: now,
        });
      }
      this.count(vs, rs, now);
      return rs;
    }
    return undefined;
  }

  /**
   * The counters `ipvsadm` prints, by virtualServerKey and realServerKey. Connections are
   * counted when scheduled and shown as InActConn for two minutes (requests are instantaneous
   * here, so ActiveConn stays 0).
   */
  stats(now: number): Map<string, IpvsCounters> {
    const out = new Map<string, IpvsCounters>();
    for (const [key, c] of this.counters) out.set(key, { ...c });
    for (const [rsKey, times] of this.closing) {
      const live = times.filter((t) => now - t < IPVS_TCP_FIN_TIMEOUT_MS);
      if (live.length !== times.length) this.closing.set(rsKey, live);
      const c = out.get(rsKey);
      if (c) c.inactConns = live.length;
    }
    return out;
  }

  private count(vs: VirtualServer, rs: { address: string; port: number }, now: number): void {
    const vsKey = virtualServerKey(vs);
    const rsKey = realServerKey(vs, rs);
    for (const key of [vsKey, rsKey]) {
      let c = this.counters.get(key);
      if (!c) {
        c = zeroCounters();
        this.counters.set(key, c);
      }
      c.conns += 1;
    }
    let times = this.closing.get(rsKey);
    if (!times) {
      times = [];
      this.closing.set(rsKey, times);
    }
    times.push(now);
  }
}

const schedulers = new WeakMap<ClusterContext, Map<string, IpvsScheduler>>();

/**
 * The IPVS scheduler of one node of a cluster (created on first use): the packet tracer asks it
 * which real server a connection goes to, and `ipvsadm` reads its counters.
 */
export function ipvsSchedulerOf(ctx: ClusterContext, node: string): IpvsScheduler {
  let byNode = schedulers.get(ctx);
  if (!byNode) {
    byNode = new Map();
    schedulers.set(ctx, byNode);
  }
  let s = byNode.get(node);
  if (!s) {
    s = new IpvsScheduler();
    byNode.set(node, s);
  }
  return s;
}
