/**
 * kube-proxy's iptables mode: the nat and filter rules one node's kube-proxy programs for the
 * Services and their endpoints (k8s-reference §1.1–§1.2, §3).
 *
 * Models pkg/proxy/iptables/proxier.go as of v1.30: syncProxyRules (jump rules, KUBE-POSTROUTING,
 * KUBE-MARK-MASQ, the per-service-port loop, stale chain deletion, the last KUBE-SERVICES rule,
 * KUBE-FORWARD), writeServiceToEndpointRules, appendServiceCommentLocked (large-cluster mode),
 * and pkg/proxy/topology.go CategorizeEndpoints (ready endpoints, the serving+terminating
 * fallback, Cluster/Local traffic policies; no topology hints).
 *
 * Rules are data (network/model.ts) kept as kube-proxy writes them — `-m comment … -m tcp -p tcp
 * -d IP --dport N`; the printers (netfilter/iptables-save.ts) show iptables-save's canonical form.
 *
 * Deliberate differences, and why:
 *  - Order of the services in KUBE-SERVICES (and the other top-level chains): upstream iterates a
 *    Go map, so the order is random and changes between syncs and nodes. Here it is sorted by
 *    svcPortName (then protocol), so output is deterministic; each service's rules stay together
 *    and in upstream order, as they do in a real dump.
 *  - `--iptables-localhost-nodeports`: off by default here (SyncOptions.localhostNodePorts), so the
 *    last KUBE-SERVICES rule carries `! -d 127.0.0.0/8` and NodePorts do not answer on 127.0.0.1.
 *    (kube-proxy's own default is on, which drops that match, adds kube-proxy's copy of the
 *    KUBE-FIREWALL rule, and — where the kernel has nfacct — a `-d 127.0.0.0/8 -m nfacct` NodePort
 *    rule. The playground's choice keeps the rule set to what the reference describes.)
 *  - nfacct counters (`ct_state_invalid_dropped_pkts`, `localhost_nps_accepted_pkts`) are not
 *    modelled; the INVALID DROP rule in KUBE-FORWARD is written without them.
 *  - Stale service chains are deleted in the sync that stops using them (upstream waits for a
 *    syncPeriod in large-cluster mode), and there is no hourly forced full sync.
 *  - A change of large-cluster mode (more than 1000 endpoints) rewrites every service's chains.
 *
 * Partial syncs (IptablesProxier, v1.28+ behaviour): a sync rewrites the chains of the service
 * ports whose input changed and leaves every other service's KUBE-SVC/SVL/EXT/FW/SEP chain
 * objects — and so their rule objects, which the counters are keyed by — untouched, as upstream
 * leaves them out of the iptables-restore input. The top-level chains (KUBE-SERVICES,
 * KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ and the filter chains) are rewritten by every
 * sync that changes something, as upstream's restore input always contains them, so their
 * counters start again from zero, exactly as on a real node. A sync in which no service port
 * changed writes nothing (upstream's change trackers report no change, so no restore runs). The
 * jump rules in the built-in chains are written once.
 */
import type {
  Chain,
  MatchModule,
  ProxyEndpoint,
  ProxyInput,
  Rule,
  ServicePortInfo,
  Tables,
  Target,
} from '../model';
import { cidrContains } from '../netfilter/packet';
import { MASQ_MARK } from '../model';
import { endpointChainName, isServiceChainName, portProtoHash } from '../hash';
import { ensureChain, kubeletBaseTables } from '../netfilter/tables';
import { compareServicePorts, compareStrings } from './service-ports';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';

/** largeClusterEndpointsThreshold: above this many endpoints, per-endpoint comments are dropped. */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export interface SyncOptions {
  /** --iptables-localhost-nodeports (default here: false; see the module comment). */
  localhostNodePorts?: boolean;
  /** --masquerade-all: SNAT all service traffic (drops the `! -s <clusterCIDR>`). */
  masqueradeAll?: boolean;
}

export interface SyncResult {
  tables: Tables;
  /** Service ports whose chains this sync rewrote, added or deleted. */
  changedServices: number;
}

/**
 * Models proxier.go syncProxyRules as a pure function: the full rule set for one node, from
 * scratch (every service port "changed"). The iptables proxier below does the same, partially.
 */
export function syncProxyRules(input: ProxyInput, opts: SyncOptions = {}): Tables {
  return new IptablesProxier(opts).sync(input).tables;
}

// ---------------------------------------------------------------------------------------------
// Rule vocabulary

const comment = (text: string): MatchModule => ({ m: 'comment', comment: text });
const jumpTo = (chain: string): Target => ({ j: 'chain', chain });
const MARK_MASQ_RULE_TARGET = jumpTo(KUBE_MARK_MASQ);

/** `-m comment --comment C -m proto -p proto -d IP --dport N -j T`: the capture rules' shape. */
function capture(
  text: string,
  proto: ServicePortInfo['protocol'],
  dst: string | undefined,
  dport: number,
  target: Target,
): Rule {
  const r: Rule = { proto, matches: [comment(text), { m: proto, dport }], target };
  if (dst !== undefined) r.dst = { cidr: dst };
  return r;
}

// ---------------------------------------------------------------------------------------------
// CategorizeEndpoints

/** Models serviceport.go ExternallyAccessible. */
export function externallyAccessible(svc: ServicePortInfo): boolean {
  return svc.nodePort !== 0 || svc.loadBalancerIPs.length > 0 || svc.externalIPs.length > 0;
}

/**
 * Models serviceport.go UsesClusterEndpoints: internal policy Cluster, or accepting external
 * traffic at all (even with external policy Local, the short-circuit rules need them).
 */
export function usesClusterEndpoints(svc: ServicePortInfo): boolean {
  return !svc.internalPolicyLocal || externallyAccessible(svc);
}

/** Models serviceport.go UsesLocalEndpoints. */
export function usesLocalEndpoints(svc: ServicePortInfo): boolean {
  return svc.internalPolicyLocal || (externallyAccessible(svc) && svc.externalPolicyLocal);
}

export interface CategorizedEndpoints {
  cluster: ProxyEndpoint[];
  local: ProxyEndpoint[];
  /** Every endpoint some rule of this node may DNAT to: each gets a KUBE-SEP chain. */
  allReachable: ProxyEndpoint[];
  /** Some usable endpoint exists anywhere in the cluster. */
  hasAnyEndpoints: boolean;
}

/**
 * Models pkg/proxy/topology.go CategorizeEndpoints (without topology hints): ready endpoints,
 * or, when there are none, the serving+terminating ones — decided separately for the
 * Cluster-policy set and the Local-policy set (§3, ProxyTerminatingEndpoints).
 */
export function categorizeEndpoints(svc: ServicePortInfo, nodeName: string): CategorizedEndpoints {
  const eps = svc.endpoints;
  const isLocal = (e: ProxyEndpoint): boolean => e.nodeName === nodeName;
  let cluster: ProxyEndpoint[] = [];
  let hasAnyEndpoints = false;
  const usesCluster = usesClusterEndpoints(svc);
  if (usesCluster) {
    cluster = eps.filter((e) => e.ready);
    // No ready endpoint anywhere: fall back to serving+terminating ones.
    if (cluster.length === 0) cluster = eps.filter((e) => e.serving && e.terminating);
    if (cluster.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(svc)) {
    return { cluster, local: [], allReachable: cluster, hasAnyEndpoints };
  }
  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const e of eps) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (isLocal(e)) hasLocalReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (isLocal(e)) hasLocalServingTerminating = true;
    }
  }
  let local: ProxyEndpoint[] = [];
  let usesServingTerminating = false;
  if (hasLocalReady) {
    local = eps.filter((e) => isLocal(e) && e.ready);
  } else if (hasLocalServingTerminating) {
    usesServingTerminating = true;
    local = eps.filter((e) => isLocal(e) && e.serving && e.terminating);
  }
  if (!usesCluster) return { cluster, local, allReachable: local, hasAnyEndpoints };
  // With only ready endpoints on both sides, cluster ⊇ local.
  if (!usesServingTerminating) return { cluster, local, allReachable: cluster, hasAnyEndpoints };
  // Otherwise merge (upstream through a map, in random order; sorted here).
  const merged = new Map<string, ProxyEndpoint>();
  for (const e of cluster) merged.set(`${e.ip}:${e.port}`, e);
  for (const e of local) merged.set(`${e.ip}:${e.port}`, e);
  const allReachable = [...merged.keys()].sort(compareStrings).map((k) => merged.get(k)!);
  return { cluster, local, allReachable, hasAnyEndpoints };
}

// ---------------------------------------------------------------------------------------------
// One service port

/** What one service port contributes: rules in the shared chains, and chains of its own. */
interface ServiceOutput {
  natServices: Rule[];
  natNodePorts: Rule[];
  filterServices: Rule[];
  filterExternalServices: Rule[];
  filterNodePorts: Rule[];
  filterProxyFirewall: Rule[];
  /** KUBE-EXT, KUBE-FW, KUBE-SVC, KUBE-SVL, KUBE-SEP…, in the order upstream writes them. */
  chains: Chain[];
}

interface NodeContext {
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  largeClusterMode: boolean;
  masqueradeAll: boolean;
}

/** The body of syncProxyRules' "Build rules for each service-port" loop. */
/**
 * Every node's kube-proxy writes the same chains for a service port unless the node itself
 * enters into them: its name (which endpoints are local, for Local traffic policies) or its IP
 * (a load balancer's source ranges). Chains and rules are never modified once built and packet
 * counters are kept per node (NodeDataplane.counters, keyed by rule), so nodes share one
 * ServiceOutput per service port and node context: a 100-node cluster with 1,000 services holds
 * one copy of the 11,000 service chains instead of a hundred (which the garbage collector felt).
 */
const sharedOutputs = new WeakMap<ServicePortInfo, Map<string, ServiceOutput>>();

function sharedServiceOutput(svc: ServicePortInfo, ctx: NodeContext): ServiceOutput {
  const key =
    `${usesLocalEndpoints(svc) ? ctx.nodeName : ''}|` +
    `${svc.loadBalancerSourceRanges.length > 0 ? ctx.nodeIP : ''}|${ctx.clusterCIDR}|` +
    `${ctx.largeClusterMode ? 'L' : ''}|${ctx.masqueradeAll ? 'M' : ''}`;
  let byContext = sharedOutputs.get(svc);
  if (!byContext) sharedOutputs.set(svc, (byContext = new Map()));
  let out = byContext.get(key);
  if (!out) {
    out = serviceOutput(svc, ctx);
    byContext.set(key, out);
  }
  return out;
}

function serviceOutput(svc: ServicePortInfo, ctx: NodeContext): ServiceOutput {
  const out: ServiceOutput = {
    natServices: [],
    natNodePorts: [],
    filterServices: [],
    filterExternalServices: [],
    filterNodePorts: [],
    filterProxyFirewall: [],
    chains: [],
  };
  const proto = svc.protocol;
  const name = svc.svcPortName;
  const hash = portProtoHash(name, proto);
  const clusterPolicyChain = `KUBE-SVC-${hash}`;
  const localPolicyChain = `KUBE-SVL-${hash}`;
  const externalTrafficChain = `KUBE-EXT-${hash}`;
  const fwChain = `KUBE-FW-${hash}`;
  const sepName = (e: ProxyEndpoint): string => endpointChainName(name, proto, `${e.ip}:${e.port}`);

  const {
    cluster,
    local,
    allReachable,
    hasAnyEndpoints: hasEndpoints,
  } = categorizeEndpoints(svc, ctx.nodeName);
  const usesClusterPolicyChain = cluster.length > 0 && usesClusterEndpoints(svc);
  const usesLocalPolicyChain = local.length > 0 && usesLocalEndpoints(svc);

  let internalTrafficChain = clusterPolicyChain;
  let hasInternalEndpoints = hasEndpoints;
  if (svc.internalPolicyLocal) {
    internalTrafficChain = localPolicyChain;
    if (local.length === 0) hasInternalEndpoints = false;
  }
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasEndpoints;
  if (svc.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (local.length === 0) hasExternalEndpoints = false;
  }
  // Based on hasEndpoints, not hasExternalEndpoints: the short-circuit rules are needed even
  // when no endpoint serves external traffic on this node.
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible(svc);
  const usesFWChain =
    hasEndpoints && svc.loadBalancerIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
  const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

  let internalFilter: { target: 'REJECT' | 'DROP'; comment: string } | undefined;
  let externalFilter: { target: 'REJECT' | 'DROP'; comment: string } | undefined;
  if (!hasEndpoints) {
    // No endpoints at all: no nat chains, only filter rules rejecting the service's addresses.
    internalFilter = { target: 'REJECT', comment: `${name} has no endpoints` };
    externalFilter = internalFilter;
  } else {
    if (!hasInternalEndpoints)
      internalFilter = { target: 'DROP', comment: `${name} has no local endpoints` };
    if (!hasExternalEndpoints)
      externalFilter = { target: 'DROP', comment: `${name} has no local endpoints` };
  }

  // Capture the clusterIP.
  if (hasInternalEndpoints) {
    out.natServices.push(
      capture(`${name} cluster IP`, proto, svc.clusterIP, svc.port, jumpTo(internalTrafficChain)),
    );
  } else if (internalFilter) {
    out.filterServices.push(
      capture(internalFilter.comment, proto, svc.clusterIP, svc.port, { j: internalFilter.target }),
    );
  }

  // Capture externalIPs.
  for (const ip of svc.externalIPs) {
    if (hasEndpoints) {
      out.natServices.push(
        capture(`${name} external IP`, proto, ip, svc.port, jumpTo(externalTrafficChain)),
      );
    }
    if (!hasExternalEndpoints && externalFilter) {
      out.filterExternalServices.push(
        capture(externalFilter.comment, proto, ip, svc.port, { j: externalFilter.target }),
      );
    }
  }

  // Capture load-balancer ingress.
  for (const ip of svc.loadBalancerIPs) {
    if (hasEndpoints) {
      out.natServices.push(
        capture(`${name} loadbalancer IP`, proto, ip, svc.port, jumpTo(loadBalancerTrafficChain)),
      );
    }
    if (usesFWChain) {
      out.filterProxyFirewall.push(
        capture(`${name} traffic not accepted by ${fwChain}`, proto, ip, svc.port, { j: 'DROP' }),
      );
    }
  }
  if (!hasExternalEndpoints && externalFilter) {
    for (const ip of svc.loadBalancerIPs) {
      out.filterExternalServices.push(
        capture(externalFilter.comment, proto, ip, svc.port, { j: externalFilter.target }),
      );
    }
  }

  // Capture nodeports.
  if (svc.nodePort !== 0) {
    if (hasEndpoints) {
      // NodePorts are not subject to loadBalancerSourceRanges.
      out.natNodePorts.push(
        capture(name, proto, undefined, svc.nodePort, jumpTo(externalTrafficChain)),
      );
    }
    if (!hasExternalEndpoints && externalFilter) {
      out.filterExternalServices.push({
        proto,
        matches: [
          comment(externalFilter.comment),
          { m: 'addrtype', dstType: 'LOCAL' },
          { m: proto, dport: svc.nodePort },
        ],
        target: { j: externalFilter.target },
      });
    }
  }

  // Capture healthCheckNodePorts: accepted whether or not this node has local endpoints.
  if (svc.healthCheckNodePort !== 0) {
    out.filterNodePorts.push(
      capture(`${name} health check node port`, 'tcp', undefined, svc.healthCheckNodePort, {
        j: 'ACCEPT',
      }),
    );
  }

  const chains = new Map<string, Rule[]>();
  const chain = (n: string): Rule[] => {
    let rules = chains.get(n);
    if (!rules) chains.set(n, (rules = []));
    return rules;
  };
  // The chains in the order upstream writes their chain lines (EXT, FW, SVC, SVL, then SEPs).
  if (usesExternalTrafficChain) chain(externalTrafficChain);
  if (usesFWChain) chain(fwChain);
  if (usesClusterPolicyChain) chain(clusterPolicyChain);
  if (usesLocalPolicyChain) chain(localPolicyChain);

  // Set up internal traffic handling: masquerade off-cluster sources of ClusterIP traffic.
  if (hasInternalEndpoints) {
    const masq = capture(
      `${name} cluster IP`,
      proto,
      svc.clusterIP,
      svc.port,
      MARK_MASQ_RULE_TARGET,
    );
    if (ctx.masqueradeAll) chain(internalTrafficChain).push(masq);
    else if (ctx.clusterCIDR) {
      masq.src = { cidr: ctx.clusterCIDR, negate: true }; // localDetector.IfNotLocal()
      chain(internalTrafficChain).push(masq);
    }
  }

  // Set up external traffic handling: every external destination jumps to KUBE-EXT.
  if (usesExternalTrafficChain) {
    const ext = chain(externalTrafficChain);
    if (!svc.externalPolicyLocal) {
      // Endpoints may be on other nodes: masquerade, so replies come back through this node.
      ext.push({
        matches: [comment(`masquerade traffic for ${name} external destinations`)],
        target: MARK_MASQ_RULE_TARGET,
      });
    } else {
      // Same-node endpoints only: keep the client's source address, except for traffic from
      // pods (short-circuited to the Cluster chain, as if it went out to the LB and back) and
      // from the node itself (its source would be the local address anyway).
      if (ctx.clusterCIDR) {
        ext.push({
          src: { cidr: ctx.clusterCIDR }, // localDetector.IfLocal()
          matches: [comment(`pod traffic for ${name} external destinations`)],
          target: jumpTo(clusterPolicyChain),
        });
      }
      ext.push({
        matches: [
          comment(`masquerade LOCAL traffic for ${name} external destinations`),
          { m: 'addrtype', srcType: 'LOCAL' },
        ],
        target: MARK_MASQ_RULE_TARGET,
      });
      ext.push({
        matches: [
          comment(`route LOCAL traffic for ${name} external destinations`),
          { m: 'addrtype', srcType: 'LOCAL' },
        ],
        target: jumpTo(clusterPolicyChain),
      });
    }
    // Anything else falls through to the policy chain (or, with none, to the filter DROP).
    if (hasExternalEndpoints) ext.push({ matches: [], target: jumpTo(externalPolicyChain) });
  }

  // Set up the firewall chain (loadBalancerSourceRanges).
  if (usesFWChain) {
    const fw = chain(fwChain);
    const lbComment = comment(`${name} loadbalancer IP`);
    let allowFromNode = false;
    for (const cidr of svc.loadBalancerSourceRanges) {
      fw.push({ src: { cidr }, matches: [lbComment], target: jumpTo(externalTrafficChain) });
      if (cidrContains(cidr, ctx.nodeIP)) allowFromNode = true;
    }
    // A VIP-like LB address is local to the node: its own requests loop back with the LB
    // address as source, and must be let through.
    if (allowFromNode) {
      for (const ip of svc.loadBalancerIPs) {
        fw.push({ src: { cidr: ip }, matches: [lbComment], target: jumpTo(externalTrafficChain) });
      }
    }
    // Not DNATed by now: the KUBE-PROXY-FIREWALL rule in the filter table drops it.
    fw.push({
      matches: [comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)],
    });
  }

  if (usesClusterPolicyChain) {
    writeServiceToEndpointRules(chain(clusterPolicyChain), svc, cluster, sepName, ctx);
  }
  if (usesLocalPolicyChain) {
    writeServiceToEndpointRules(chain(localPolicyChain), svc, local, sepName, ctx);
  }

  // Generate the per-endpoint chains.
  const svcComment = ctx.largeClusterMode ? [] : [comment(name)];
  for (const e of allReachable) {
    const sep = chain(sepName(e));
    // Hairpin: a pod reaching itself through the service must be SNATed to come back.
    sep.push({ src: { cidr: e.ip }, matches: svcComment, target: MARK_MASQ_RULE_TARGET });
    const matches: MatchModule[] = [...svcComment];
    if (svc.affinitySeconds !== undefined)
      matches.push({ m: 'recent', name: sepName(e), op: 'set' });
    matches.push({ m: proto });
    sep.push({ proto, matches, target: { j: 'DNAT', to: `${e.ip}:${e.port}` } });
  }

  for (const [n, rules] of chains) out.chains.push({ name: n, rules });
  return out;
}

/**
 * Models proxier.go writeServiceToEndpointRules: with ClientIP affinity, first one `-m recent
 * --rcheck` rule per endpoint; then endpoint i of n matches with probability 1/(n−i), the last
 * always, which picks uniformly overall.
 */
function writeServiceToEndpointRules(
  rules: Rule[],
  svc: ServicePortInfo,
  endpoints: readonly ProxyEndpoint[],
  sepName: (e: ProxyEndpoint) => string,
  ctx: NodeContext,
): void {
  const epComment = (e: ProxyEndpoint): MatchModule[] =>
    ctx.largeClusterMode ? [] : [comment(`${svc.svcPortName} -> ${e.ip}:${e.port}`)];
  if (svc.affinitySeconds !== undefined) {
    for (const e of endpoints) {
      const sep = sepName(e);
      rules.push({
        matches: [
          ...epComment(e),
          { m: 'recent', name: sep, op: 'rcheck', seconds: svc.affinitySeconds, reap: true },
        ],
        target: jumpTo(sep),
      });
    }
  }
  const n = endpoints.length;
  endpoints.forEach((e, i) => {
    const matches = epComment(e);
    if (i < n - 1) matches.push({ m: 'statistic', probability: 1 / (n - i) });
    rules.push({ matches, target: jumpTo(sepName(e)) });
  });
}

// ---------------------------------------------------------------------------------------------
// The proxier

/** Models iptablesJumpChains (and iptablesKubeletJumpChains): jumps from the built-in chains. */
const JUMP_CHAINS: ReadonlyArray<{
  table: 'filter' | 'nat';
  dst: string;
  src: string;
  comment: string;
  ctstateNew: boolean;
}> = [
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_NODEPORTS,
    src: 'INPUT',
    comment: 'kubernetes health check service ports',
    ctstateNew: false,
  },
  {
    table: 'filter',
    dst: KUBE_SERVICES,
    src: 'FORWARD',
    comment: 'kubernetes service portals',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_SERVICES,
    src: 'OUTPUT',
    comment: 'kubernetes service portals',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_FORWARD,
    src: 'FORWARD',
    comment: 'kubernetes forwarding rules',
    ctstateNew: false,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'INPUT',
    comment: 'kubernetes load balancer firewall',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    ctstateNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    ctstateNew: true,
  },
  {
    table: 'nat',
    dst: KUBE_SERVICES,
    src: 'OUTPUT',
    comment: 'kubernetes service portals',
    ctstateNew: false,
  },
  {
    table: 'nat',
    dst: KUBE_SERVICES,
    src: 'PREROUTING',
    comment: 'kubernetes service portals',
    ctstateNew: false,
  },
  {
    table: 'nat',
    dst: KUBE_POSTROUTING,
    src: 'POSTROUTING',
    comment: 'kubernetes postrouting rules',
    ctstateNew: false,
  },
  // iptablesKubeletJumpChains: KUBE-FIREWALL, already there from the kubelet (EnsureRule keeps it).
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'INPUT', comment: '', ctstateNew: false },
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'OUTPUT', comment: '', ctstateNew: false },
];

interface CacheEntry {
  info: ServicePortInfo;
  out: ServiceOutput;
  /** The sync that last saw this service port in its input. */
  generation: number;
}

/**
 * One node's kube-proxy in iptables mode, with partial syncs (see the module comment):
 *
 *   const proxier = new IptablesProxier();
 *   const { tables, changedServices } = proxier.sync(input);
 *
 * `tables` is the same object on every sync, updated in place: unchanged service ports keep
 * their Chain and Rule objects (and so their packet counters); a service port whose input
 * changed gets new ones. A sync with one changed endpoint costs the rebuild of that service's
 * chains plus one pass over the service list to rewrite the top-level chains; a sync with the
 * very services array of the last one (buildProxyInput's, when nothing changed) costs nothing.
 */
export class IptablesProxier {
  readonly tables: Tables;
  private readonly opts: Required<SyncOptions>;
  private readonly cache = new Map<string, CacheEntry>();
  /**
   * The same entries by their input object: buildProxyInput hands unchanged service ports over
   * as the very same objects, so most of a sync's lookups need no key string at all (a node of a
   * 1,000-service cluster syncs about once a second while pods come and go).
   */
  private readonly byInfo = new Map<ServicePortInfo, CacheEntry>();
  private generation = 0;
  private initialized = false;
  /** The node context the cache was built for; a change invalidates it. */
  private nodeKey = '';
  private largeClusterMode = false;
  /** The services array of the last sync: the same array again means nothing changed. */
  private lastServices: readonly ServicePortInfo[] | undefined;

  constructor(opts: SyncOptions = {}) {
    this.opts = {
      localhostNodePorts: opts.localhostNodePorts ?? false,
      masqueradeAll: opts.masqueradeAll ?? false,
    };
    this.tables = kubeletBaseTables();
  }

  // Models proxier.go syncProxyRules (partial-sync variant).
  sync(input: ProxyInput): SyncResult {
    const { nat, filter } = this.tables;
    const firstSync = !this.initialized;
    if (firstSync) this.setUp();
    const nodeKey = `${input.node.name}|${input.node.ip}|${input.clusterCIDR}`;
    // buildProxyInput hands out the very same array while nothing changed.
    if (!firstSync && input.services === this.lastServices && nodeKey === this.nodeKey) {
      return { tables: this.tables, changedServices: 0 };
    }
    this.lastServices = input.services;

    let totalEndpoints = 0;
    for (const s of input.services) totalEndpoints += s.endpoints.length;
    const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    let full = firstSync;
    if (nodeKey !== this.nodeKey || largeClusterMode !== this.largeClusterMode) {
      // A full sync: every service port is rewritten.
      for (const e of this.cache.values()) this.dropChains(e.out, undefined);
      this.cache.clear();
      this.byInfo.clear();
      this.nodeKey = nodeKey;
      this.largeClusterMode = largeClusterMode;
      full = true;
    }
    const ctx: NodeContext = {
      nodeName: input.node.name,
      nodeIP: input.node.ip,
      clusterCIDR: input.clusterCIDR,
      largeClusterMode,
      masqueradeAll: this.opts.masqueradeAll,
    };

    const services = sortedServices(input.services);
    const generation = ++this.generation;
    const outputs: ServiceOutput[] = [];
    let changed = 0;
    for (const svc of services) {
      const same = this.byInfo.get(svc);
      if (same) {
        if (same.generation === generation) continue; // listed twice: the first wins
        same.generation = generation;
        outputs.push(same.out);
        continue;
      }
      const key = `${svc.svcPortName}/${svc.protocol}`;
      const entry = this.cache.get(key);
      // The same port twice in the input: the first wins.
      if (entry && entry.generation === generation) continue;
      if (entry && sameServicePort(entry.info, svc)) {
        this.byInfo.delete(entry.info);
        entry.info = svc;
        entry.generation = generation;
        this.byInfo.set(svc, entry);
        outputs.push(entry.out);
        continue;
      }
      const out = sharedServiceOutput(svc, ctx);
      changed++;
      if (entry) {
        this.dropChains(entry.out, out);
        this.byInfo.delete(entry.info);
      }
      for (const c of out.chains) nat.chains.set(c.name, c);
      const fresh: CacheEntry = { info: svc, out, generation };
      this.cache.set(key, fresh);
      this.byInfo.set(svc, fresh);
      outputs.push(out);
    }
    for (const [key, entry] of this.cache) {
      if (entry.generation === generation) continue;
      this.dropChains(entry.out, undefined);
      this.cache.delete(key);
      this.byInfo.delete(entry.info);
      changed++;
    }
    // No service port changed: upstream's change trackers report nothing, so no restore runs
    // and even the top-level chains (and their counters) stay as they are.
    if (changed === 0 && !full) return { tables: this.tables, changedServices: 0 };

    // The top-level chains: rewritten by every sync that writes (fresh rules, counters from zero).
    const natServices: Rule[] = [];
    const natNodePorts: Rule[] = [];
    const filterServices: Rule[] = [];
    const filterExternal: Rule[] = [];
    const filterNodePorts: Rule[] = [];
    const filterFirewall: Rule[] = [];
    for (const o of outputs) {
      pushFresh(natServices, o.natServices);
      pushFresh(natNodePorts, o.natNodePorts);
      pushFresh(filterServices, o.filterServices);
      pushFresh(filterExternal, o.filterExternalServices);
      pushFresh(filterNodePorts, o.filterNodePorts);
      pushFresh(filterFirewall, o.filterProxyFirewall);
    }
    // Finally, tail-call to the nodePorts chain. This needs to be after all other service rules.
    natServices.push({
      ...(this.opts.localhostNodePorts ? {} : { dst: { cidr: '127.0.0.0/8', negate: true } }),
      matches: [
        comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
        { m: 'addrtype', dstType: 'LOCAL' },
      ],
      target: jumpTo(KUBE_NODEPORTS),
    });
    setChain(nat, KUBE_SERVICES, natServices);
    setChain(nat, KUBE_NODEPORTS, natNodePorts);
    setChain(nat, KUBE_POSTROUTING, postroutingRules());
    setChain(nat, KUBE_MARK_MASQ, [
      { matches: [], target: { j: 'MARK', value: MASQ_MARK, mask: MASQ_MARK } },
    ]);
    setChain(filter, KUBE_SERVICES, filterServices);
    setChain(filter, KUBE_EXTERNAL_SERVICES, filterExternal);
    setChain(filter, KUBE_FORWARD, forwardRules());
    setChain(filter, KUBE_NODEPORTS, filterNodePorts);
    setChain(filter, KUBE_PROXY_FIREWALL, filterFirewall);
    if (this.opts.localhostNodePorts) setChain(filter, 'KUBE-FIREWALL', [localnetRule()]);
    return { tables: this.tables, changedServices: changed };
  }

  /**
   * What kube-proxy does before its first restore: the canary chains (iptables.Monitor), then
   * EnsureChain + EnsureRule(Prepend) for every jump from a built-in chain.
   */
  private setUp(): void {
    const { mangle, nat, filter } = this.tables;
    for (const t of [mangle, nat, filter]) ensureChain(t, KUBE_PROXY_CANARY);
    for (const j of JUMP_CHAINS) {
      const table = this.tables[j.table];
      ensureChain(table, j.dst);
      const matches: MatchModule[] = [];
      if (j.ctstateNew) matches.push({ m: 'conntrack', ctstate: ['NEW'] });
      if (j.comment) matches.push(comment(j.comment));
      prependJump(table, j.src, { matches, target: jumpTo(j.dst) });
    }
    for (const c of [KUBE_NODEPORTS, KUBE_MARK_MASQ]) ensureChain(nat, c);
    this.initialized = true;
  }

  /** Delete a service port's chains that `next` (its new output, if any) does not have. */
  private dropChains(prev: ServiceOutput, next: ServiceOutput | undefined): void {
    const keep = next ? new Set(next.chains.map((c) => c.name)) : undefined;
    for (const c of prev.chains) {
      if (keep?.has(c.name)) continue;
      // Only ours (isServiceChainName), and only the very chain this service wrote.
      if (isServiceChainName(c.name) && this.tables.nat.chains.get(c.name) === c)
        this.tables.nat.chains.delete(c.name);
    }
  }
}

/**
 * EnsureRule(Prepend, …) for a jump rule: insert it at the top unless the chain already has the
 * same jump (the kubelet's `-j KUBE-FIREWALL`). Compared by target and matches' text, which is
 * all a jump rule has.
 */
function prependJump(table: Tables['nat'], chain: string, rule: Rule): void {
  const c = table.chains.get(chain) ?? { name: chain, rules: [] };
  const key = jumpKey(rule);
  for (const r of c.rules) if (jumpKey(r) === key) return;
  table.chains.set(chain, { name: chain, rules: [rule, ...c.rules] });
}

function jumpKey(r: Rule): string {
  let k = r.target?.j === 'chain' ? r.target.chain : '';
  for (const m of r.matches) {
    k +=
      m.m === 'comment'
        ? `|c:${m.comment}`
        : m.m === 'conntrack'
          ? `|ct:${m.ctstate.join()}`
          : `|${m.m}`;
  }
  return k;
}

function postroutingRules(): Rule[] {
  return [
    {
      matches: [{ m: 'mark', value: MASQ_MARK, mask: MASQ_MARK, negate: true }],
      target: { j: 'RETURN' },
    },
    // Clear the mark, so a packet that traverses the stack again is not masqueraded twice.
    { matches: [], target: { j: 'MARK', value: MASQ_MARK, mask: 0 } },
    {
      matches: [comment('kubernetes service traffic requiring SNAT')],
      target: { j: 'MASQUERADE', randomFully: true }, // iptables ≥ 1.6.2 has --random-fully
    },
  ];
}

function forwardRules(): Rule[] {
  return [
    // conntrackTCPLiberal is off: drop INVALID packets that would reset connections (#74839).
    { matches: [{ m: 'conntrack', ctstate: ['INVALID'] }], target: { j: 'DROP' } },
    {
      matches: [
        comment('kubernetes forwarding rules'),
        { m: 'mark', value: MASQ_MARK, mask: MASQ_MARK },
      ],
      target: { j: 'ACCEPT' },
    },
    {
      matches: [
        comment('kubernetes forwarding conntrack rule'),
        { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED'] },
      ],
      target: { j: 'ACCEPT' },
    },
  ];
}

/** kube-proxy's copy of the kubelet's KUBE-FIREWALL rule (only with localhostNodePorts). */
function localnetRule(): Rule {
  return {
    src: { cidr: '127.0.0.0/8', negate: true },
    dst: { cidr: '127.0.0.0/8' },
    matches: [
      comment('block incoming localnet connections'),
      { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
    ],
    target: { j: 'DROP' },
  };
}

function setChain(table: Tables['nat'], name: string, rules: Rule[]): void {
  table.chains.set(name, { name, rules });
}

/** Copies of the rules: a rewritten chain's rules are new rules, with counters from zero. */
/** New rule objects (so new counters) with the same content; spread-free, it runs per rule. */
function pushFresh(into: Rule[], rules: readonly Rule[]): void {
  for (const r of rules) {
    const copy: Rule = { matches: r.matches };
    if (r.src) copy.src = r.src;
    if (r.dst) copy.dst = r.dst;
    if (r.proto) copy.proto = r.proto;
    if (r.target) copy.target = r.target;
    into.push(copy);
  }
}

function sortedServices(services: readonly ServicePortInfo[]): readonly ServicePortInfo[] {
  for (let i = 1; i < services.length; i++) {
    if (compareServicePorts(services[i - 1]!, services[i]!) > 0)
      return [...services].sort(compareServicePorts);
  }
  return services;
}

/** Whether two inputs for one service port would produce the same rules. */
export function sameServicePort(a: ServicePortInfo, b: ServicePortInfo): boolean {
  if (
    a.svcPortName !== b.svcPortName ||
    a.protocol !== b.protocol ||
    a.type !== b.type ||
    a.clusterIP !== b.clusterIP ||
    a.port !== b.port ||
    a.nodePort !== b.nodePort ||
    a.affinitySeconds !== b.affinitySeconds ||
    a.externalPolicyLocal !== b.externalPolicyLocal ||
    a.internalPolicyLocal !== b.internalPolicyLocal ||
    a.healthCheckNodePort !== b.healthCheckNodePort ||
    !sameStrings(a.externalIPs, b.externalIPs) ||
    !sameStrings(a.loadBalancerIPs, b.loadBalancerIPs) ||
    !sameStrings(a.loadBalancerSourceRanges, b.loadBalancerSourceRanges) ||
    a.endpoints.length !== b.endpoints.length
  )
    return false;
  for (let i = 0; i < a.endpoints.length; i++) {
    const x = a.endpoints[i]!;
    const y = b.endpoints[i]!;
    if (
      x.ip !== y.ip ||
      x.port !== y.port ||
      x.ready !== y.ready ||
      x.serving !== y.serving ||
      x.terminating !== y.terminating ||
      x.nodeName !== y.nodeName
    )
      return false;
  }
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
