/**
 * kube-proxy's **userspace** mode: the original proxy, the default before iptables mode
 * (v1.2) and removed in v1.26 (k8s-reference §2.1). Kept in the playground because it is the
 * easiest mode to understand and the only one that *retries* a failed backend.
 *
 * How it works, and what this module models of it:
 *  - for every service port kube-proxy opens a real listening socket on the node, on a port the
 *    kernel picks (the "proxy port"): `allocateProxyPort` (PortAllocator + bind(0));
 *  - iptables rules, written with individual `iptables` calls (not iptables-restore), send the
 *    service's traffic to that socket: REDIRECT for packets from pods (PREROUTING), DNAT to
 *    `<hostIP>:<proxyPort>` for packets the node itself sends (OUTPUT), because REDIRECT breaks
 *    for locally generated traffic: `syncTables` (iptablesInit + openPortal + openNodePort);
 *  - the proxy process accepts the connection, picks a backend with its round-robin load
 *    balancer (`nextEndpoint`: LoadBalancerRR.NextEndpoint, with ClientIP session affinity) and
 *    dials it, moving to the next backend with a longer timeout when a dial fails
 *    (`tryConnectEndpoints`: TryConnectEndpoints), then copies bytes both ways. The backend
 *    therefore sees the **node** as the client, not the pod.
 *
 * The class is a pure state machine over the shared model: `sync(input)` returns the netfilter
 * tables and the proxy ports; the kube-proxy controller stores them in the node's dataplane and
 * the packet tracer asks `tryConnectEndpoints` what the proxy process does with a connection.
 * A portal's rules are the same objects for as long as it stays open (nothing rewrites them, as
 * an iptables-restore would), so their packet counters survive syncs.
 *
 * externalIPs get upstream's three rules per address: in KUBE-PORTALS-CONTAINER
 * `-m physdev ! --physdev-is-in` (traffic that did not come in over a bridge port, i.e. from off
 * the node, such as the laptop's SYN the network routes to the node) and `-m addrtype --dst-type
 * LOCAL` (a pod calling an external IP that is the node's own), both REDIRECTed to the proxy; in
 * KUBE-PORTALS-HOST the `--dst-type LOCAL` one, DNATed.
 *
 * Left out, and why:
 *  - `--proxy-port-range` and a non-0.0.0.0 `--bind-address` (DNAT instead of REDIRECT in the
 *    container chains): the playground runs kube-proxy with its defaults;
 *  - claimNodePort (the socket that holds a NodePort open on the node) and the UDP "connection"
 *    cache with its idle timeout: the tracer plays one request at a time;
 *  - the kernel's choice of an ephemeral port for bind(0) is modelled as a random start in the
 *    Linux range 32768–60999 followed by a sequential scan for a free port.
 */
import type { Rng } from '../../sim/rng';
import type {
  L4Protocol,
  MatchModule,
  ProxyEndpoint,
  ProxyInput,
  Rule,
  ServicePortInfo,
  Tables,
} from '../model';
import { emptyTables } from '../netfilter/tables';

// Models pkg/proxy/userspace/proxier.go constants.
export const CONTAINER_PORTAL_CHAIN = 'KUBE-PORTALS-CONTAINER';
export const HOST_PORTAL_CHAIN = 'KUBE-PORTALS-HOST';
export const CONTAINER_NODEPORT_CHAIN = 'KUBE-NODEPORT-CONTAINER';
export const HOST_NODEPORT_CHAIN = 'KUBE-NODEPORT-HOST';
export const NON_LOCAL_NODEPORT_CHAIN = 'KUBE-NODEPORT-NON-LOCAL';

/** Linux's default net.ipv4.ip_local_port_range: where bind(0) finds the proxy's port. */
export const EPHEMERAL_PORT_MIN = 32768;
export const EPHEMERAL_PORT_MAX = 60999;

/** v1.DefaultClientIPServiceAffinitySeconds: 3 hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** proxysocket.go EndpointDialTimeouts: one dial per entry, each to the next endpoint. */
export const ENDPOINT_DIAL_TIMEOUTS_MS: readonly number[] = [250, 500, 1000, 2000];

/** roundrobin.go ErrMissingServiceEntry / ErrMissingEndpoints, proxysocket.go's last error. */
export const ERR_MISSING_SERVICE_ENTRY = 'missing service entry';
export const ERR_MISSING_ENDPOINTS = 'missing endpoints';
export const ERR_FAILED_TO_CONNECT = 'failed to connect to an endpoint.';

/**
 * The key of a service port in `proxyPorts` and in this module's API: `svcPortName/proto`
 * (`default/kubernetes:https/tcp`), the same key NodeDataplane.proxyPorts uses.
 */
export function servicePortKey(sp: Pick<ServicePortInfo, 'svcPortName' | 'protocol'>): string {
  return `${sp.svcPortName}/${sp.protocol}`;
}

/** `ip:port`, the form the userspace load balancer keeps its endpoints in. */
export function endpointString(ep: Pick<ProxyEndpoint, 'ip' | 'port'>): string {
  return `${ep.ip}:${ep.port}`;
}

export type DialOutcome = 'ok' | 'refused' | 'timeout';

/** One `net.DialTimeout` the proxy made for a client connection. */
export interface DialAttempt {
  endpoint: ProxyEndpoint;
  /** The dial's timeout: 250, 500, 1000 or 2000 ms. */
  timeoutMs: number;
  outcome: DialOutcome;
  /** Virtual time the dial started. */
  startedAt: number;
  /** Virtual time it took: a refusal (RST) comes back at once, a timeout costs the whole timeout. */
  tookMs: number;
}

export interface TryConnectResult {
  /** The dials in order (empty when the load balancer had no endpoint to offer). */
  attempts: DialAttempt[];
  /** The endpoint the proxy connected to; absent on failure. */
  endpoint?: ProxyEndpoint;
  /**
   * Why the proxy gave up and closed the client's connection (which the client had already seen
   * accepted): `missing endpoints`, `missing service entry`, or after four failed dials
   * `failed to connect to an endpoint.`
   */
  error?: string;
  /** Virtual time from the first dial to the answer. */
  elapsedMs: number;
}

export interface UserspaceSyncResult {
  tables: Tables;
  /** The proxy's listening port per service port, by servicePortKey. */
  proxyPorts: Map<string, number>;
}

export type AffinityType = '' | 'None' | 'ClientIP';

interface AffinityState {
  /** `ip:port`. */
  endpoint: string;
  /** Virtual ms. */
  lastUsed: number;
}

/** roundrobin.go balancerState + affinityPolicy. */
interface BalancerState {
  endpoints: ProxyEndpoint[];
  /** The endpoints' `ip:port`s, sorted and joined: the set, to compare with an update. */
  setKey: string;
  index: number;
  affinityType: AffinityType;
  ttlSeconds: number;
  affinityMap: Map<string, AffinityState>;
}

/** proxier.go ServiceInfo: the parts of the service the portal was opened with. */
interface ServiceState {
  info: ServicePortInfo;
  proxyPort: number;
  /**
   * The rules openPortal wrote for it, kept while the portal stays open: they are the same
   * rules in the kernel (with their counters) until closePortal deletes them.
   */
  rules?: PortalRules;
}

/** What openPortal appended to each chain for one service port. */
interface PortalRules {
  hostIP: string;
  container: Rule[];
  host: Rule[];
  containerNodePort: Rule[];
  hostNodePort: Rule[];
  nonLocal: Rule[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Models proxier.go sameConfig: a service port whose portal-relevant configuration changed is
 * closed and opened again (with a new proxy port). Upstream compares the affinity *type* only,
 * so a changed timeout alone does not reopen the portal (nor reach the load balancer).
 */
function sameConfig(a: ServicePortInfo, b: ServicePortInfo): boolean {
  return (
    a.protocol === b.protocol &&
    a.port === b.port &&
    a.nodePort === b.nodePort &&
    a.clusterIP === b.clusterIP &&
    sameList(a.externalIPs, b.externalIPs) &&
    sameList(a.loadBalancerIPs, b.loadBalancerIPs) &&
    (a.affinitySeconds !== undefined) === (b.affinitySeconds !== undefined)
  );
}

/** Ready endpoints, one per ip:port, in ip:port order (the balancer shuffles them anyway). */
function readyEndpoints(eps: readonly ProxyEndpoint[]): { keys: string[]; eps: ProxyEndpoint[] } {
  const ready: Array<{ k: string; ep: ProxyEndpoint }> = [];
  for (const ep of eps) if (ep.ready) ready.push({ k: endpointString(ep), ep });
  ready.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const keys: string[] = [];
  const out: ProxyEndpoint[] = [];
  for (const r of ready) {
    if (keys.length > 0 && keys[keys.length - 1] === r.k) continue;
    keys.push(r.k);
    out.push(r.ep);
  }
  return { keys, eps: out };
}

/**
 * Models proxier.go iptablesCommonPortalArgs: `-m comment --comment <svc> -p <proto> -m <proto>
 * --dport <port> [-d <ip>/32] [-m physdev ! --physdev-is-in] [-m addrtype --dst-type LOCAL]`.
 */
function portalRule(
  svcPortName: string,
  protocol: L4Protocol,
  destIP: string | undefined,
  dport: number,
  dstLocal: boolean,
  notFromBridge = false,
): { proto: L4Protocol; dst?: { cidr: string }; matches: MatchModule[] } {
  const matches: MatchModule[] = [
    { m: 'comment', comment: svcPortName },
    { m: protocol, dport },
  ];
  // addPhysicalInterfaceMatch: only traffic that did not come in over a bridge port (a pod's).
  if (notFromBridge) matches.push({ m: 'physdev', isIn: true, negate: true });
  if (dstLocal) matches.push({ m: 'addrtype', dstType: 'LOCAL' });
  return destIP === undefined
    ? { proto: protocol, matches }
    : { proto: protocol, dst: { cidr: `${destIP}/32` }, matches };
}

export interface UserspaceProxierOptions {
  /** Ports already taken on the node (the proxy's bind(0) never returns them). */
  reservedPorts?: ReadonlySet<number>;
}

/**
 * One node's userspace proxy: its open portals (proxy ports), its iptables rules and its
 * round-robin load balancer. Keep one instance per node for as long as the mode is userspace.
 */
export class UserspaceProxier {
  /** Open portals, in the order they were opened (the order their rules were appended). */
  private readonly services = new Map<string, ServiceState>();
  private readonly balancer = new Map<string, BalancerState>();
  private readonly usedPorts = new Set<number>();

  constructor(
    private readonly rng: Rng,
    private readonly options: UserspaceProxierOptions = {},
  ) {}

  /**
   * Bring the proxy in line with the service ports of `input`.
   * Models proxier.go syncProxyRules (mergeService / unmergeService, ensurePortals) and
   * roundrobin.go OnEndpointsUpdate; with `now`, also cleanupStaleStickySessions.
   */
  sync(input: ProxyInput, now?: number): UserspaceSyncResult {
    const wanted = new Map<string, ServicePortInfo>();
    for (const sp of input.services) wanted.set(servicePortKey(sp), sp);

    // unmergeService: close the portal, stop the proxy socket, forget the balancer state.
    for (const [key, st] of [...this.services]) {
      if (wanted.has(key)) continue;
      this.services.delete(key);
      this.usedPorts.delete(st.proxyPort);
      this.balancer.delete(key);
    }

    // mergeService: unchanged ports keep their socket; changed ones are reopened on a new port.
    for (const [key, sp] of wanted) {
      const cur = this.services.get(key);
      if (cur && sameConfig(cur.info, sp)) {
        cur.info = sp;
        continue;
      }
      if (cur) {
        this.services.delete(key);
        this.usedPorts.delete(cur.proxyPort);
      }
      this.services.set(key, { info: sp, proxyPort: this.allocateProxyPort() });
      // loadBalancer.NewService
      this.newServiceInternal(
        key,
        sp.affinitySeconds !== undefined ? 'ClientIP' : 'None',
        sp.affinitySeconds ?? 0,
      );
    }

    for (const [key, st] of this.services) this.updateEndpoints(key, st.info.endpoints);
    if (now !== undefined)
      for (const key of this.services.keys()) this.cleanupStaleSticky(key, now);

    return { tables: this.syncTables(input.node.ip), proxyPorts: this.proxyPorts() };
  }

  /** The proxy's listening port per service port (servicePortKey), in portal order. */
  proxyPorts(): Map<string, number> {
    return new Map([...this.services].map(([k, s]) => [k, s.proxyPort]));
  }

  proxyPortOf(svcKey: string): number | undefined {
    return this.services.get(svcKey)?.proxyPort;
  }

  /** Which service port listens on a proxy port (what a REDIRECTed packet reaches). */
  serviceForProxyPort(port: number): string | undefined {
    for (const [k, s] of this.services) if (s.proxyPort === port) return k;
    return undefined;
  }

  /** The balancer's endpoint list as it stands (shuffled order), and its next index. */
  balancerState(
    svcKey: string,
  ): { endpoints: readonly ProxyEndpoint[]; index: number } | undefined {
    const st = this.balancer.get(svcKey);
    return st ? { endpoints: st.endpoints, index: st.index } : undefined;
  }

  /** The endpoint (`ip:port`) a client IP is stuck to, if any. */
  affinityOf(svcKey: string, clientIP: string): string | undefined {
    return this.balancer.get(svcKey)?.affinityMap.get(clientIP)?.endpoint;
  }

  /**
   * The endpoint the proxy dials next for a connection from clientIP, advancing the round robin
   * (or the endpoint the client is stuck to). Undefined when there is none.
   */
  nextEndpoint(
    svcKey: string,
    clientIP: string,
    now: number,
    sessionAffinityReset = false,
  ): ProxyEndpoint | undefined {
    const r = this.next(svcKey, clientIP, now, sessionAffinityReset);
    return typeof r === 'string' ? undefined : r;
  }

  /**
   * What the proxy does with one accepted client connection: dial endpoints with growing
   * timeouts until one answers. `dial` says how an endpoint answers (ok, refused, or no answer
   * until the timeout).
   * Models pkg/proxy/userspace/proxysocket.go TryConnectEndpoints.
   */
  tryConnectEndpoints(
    svcKey: string,
    clientIP: string,
    now: number,
    dial: (ep: ProxyEndpoint, timeoutMs: number) => DialOutcome,
  ): TryConnectResult {
    const attempts: DialAttempt[] = [];
    let sessionAffinityReset = false;
    let t = now;
    for (const timeoutMs of ENDPOINT_DIAL_TIMEOUTS_MS) {
      const ep = this.next(svcKey, clientIP, t, sessionAffinityReset);
      // "Couldn't find an endpoint for service": the client connection is closed at once.
      if (typeof ep === 'string') return { attempts, error: ep, elapsedMs: t - now };
      const outcome = dial(ep, timeoutMs);
      const tookMs = outcome === 'timeout' ? timeoutMs : 0;
      attempts.push({ endpoint: ep, timeoutMs, outcome, startedAt: t, tookMs });
      t += tookMs;
      if (outcome === 'ok') return { attempts, endpoint: ep, elapsedMs: t - now };
      // "Dial failed": ignore affinity on the retry, so that a dead sticky backend is skipped.
      sessionAffinityReset = true;
    }
    return { attempts, error: ERR_FAILED_TO_CONNECT, elapsedMs: t - now };
  }

  // ---------------------------------------------------------------- load balancer

  // Models pkg/proxy/userspace/roundrobin.go NextEndpoint.
  private next(
    svcKey: string,
    clientIP: string,
    now: number,
    sessionAffinityReset: boolean,
  ): ProxyEndpoint | string {
    const state = this.balancer.get(svcKey);
    if (!state) return ERR_MISSING_SERVICE_ENTRY;
    if (state.endpoints.length === 0) return ERR_MISSING_ENDPOINTS;
    const affinity = state.affinityType === 'ClientIP';
    if (affinity && !sessionAffinityReset) {
      const a = state.affinityMap.get(clientIP);
      // int(time.Since(lastUsed).Seconds()) < ttlSeconds: whole seconds, truncated.
      if (a && Math.floor((now - a.lastUsed) / 1000) < state.ttlSeconds) {
        const ep = state.endpoints.find((e) => endpointString(e) === a.endpoint);
        if (ep) {
          a.lastUsed = now;
          return ep;
        }
      }
    }
    const ep = state.endpoints[state.index] as ProxyEndpoint;
    state.index = (state.index + 1) % state.endpoints.length;
    if (affinity) state.affinityMap.set(clientIP, { endpoint: endpointString(ep), lastUsed: now });
    return ep;
  }

  // Models roundrobin.go newServiceInternal (an existing state keeps its TTL, as upstream).
  private newServiceInternal(
    svcKey: string,
    type: AffinityType,
    ttlSeconds: number,
  ): BalancerState {
    let st = this.balancer.get(svcKey);
    if (!st) {
      st = {
        endpoints: [],
        setKey: '',
        index: 0,
        affinityType: type,
        ttlSeconds: ttlSeconds === 0 ? DEFAULT_AFFINITY_SECONDS : ttlSeconds,
        affinityMap: new Map(),
      };
      this.balancer.set(svcKey, st);
    } else if (type !== '') {
      st.affinityType = type;
    }
    return st;
  }

  // Models roundrobin.go OnEndpointsUpdate (+ removeStaleAffinity, resetService).
  private updateEndpoints(svcKey: string, all: readonly ProxyEndpoint[]): void {
    const fresh = readyEndpoints(all);
    const state = this.balancer.get(svcKey);
    if (fresh.eps.length === 0) {
      // resetService: the port has no ready address any more.
      if (state && state.endpoints.length > 0) {
        state.endpoints = [];
        state.setKey = '';
        state.index = 0;
        state.affinityMap.clear();
      }
      return;
    }
    const setKey = fresh.keys.join(',');
    // Same set (slicesEquiv): the order and the index stay.
    if (state && state.setKey === setKey) return;
    if (state) {
      const keep = new Set(fresh.keys);
      for (const [ip, a] of [...state.affinityMap]) {
        if (!keep.has(a.endpoint)) state.affinityMap.delete(ip);
      }
    }
    const st = this.newServiceInternal(svcKey, '', 0);
    // util.ShuffleStrings: a new random order whenever the set changes; the index restarts.
    st.endpoints = this.rng.shuffle(fresh.eps);
    st.setKey = setKey;
    st.index = 0;
  }

  // Models roundrobin.go CleanupStaleStickySessions.
  private cleanupStaleSticky(svcKey: string, now: number): void {
    const st = this.balancer.get(svcKey);
    if (!st) return;
    for (const [ip, a] of [...st.affinityMap]) {
      if (Math.floor((now - a.lastUsed) / 1000) >= st.ttlSeconds) st.affinityMap.delete(ip);
    }
  }

  // ---------------------------------------------------------------- ports and rules

  /**
   * Models port_allocator.go (empty --proxy-port-range: AllocateNext returns 0) and the kernel's
   * bind(0): an ephemeral port, released when the service port goes away.
   */
  private allocateProxyPort(): number {
    const size = EPHEMERAL_PORT_MAX - EPHEMERAL_PORT_MIN + 1;
    let offset = this.rng.int(size);
    for (let i = 0; i < size; i++) {
      const port = EPHEMERAL_PORT_MIN + offset;
      if (!this.usedPorts.has(port) && !this.options.reservedPorts?.has(port)) {
        this.usedPorts.add(port);
        return port;
      }
      offset = (offset + 1) % size;
    }
    throw new RangeError('no free ephemeral port');
  }

  /** iptablesInit's jump rules: written once, like the chains they lead to. */
  private readonly jumps = (() => {
    const portals: MatchModule = {
      m: 'comment',
      comment: 'handle ClusterIPs; NOTE: this must be before the NodePort rules',
    };
    const nodePorts: MatchModule[] = [
      { m: 'addrtype', dstType: 'LOCAL' },
      {
        m: 'comment',
        comment: 'handle service NodePorts; NOTE: this must be the last rule in the chain',
      },
    ];
    const jump = (chain: string) => ({ j: 'chain' as const, chain });
    return {
      // PREROUTING / OUTPUT: the portal jump is prepended, the NodePort jump appended.
      prerouting: [
        { matches: [portals], target: jump(CONTAINER_PORTAL_CHAIN) },
        { matches: nodePorts, target: jump(CONTAINER_NODEPORT_CHAIN) },
      ] as Rule[],
      output: [
        { matches: [portals], target: jump(HOST_PORTAL_CHAIN) },
        { matches: nodePorts, target: jump(HOST_NODEPORT_CHAIN) },
      ] as Rule[],
      input: [
        {
          matches: [{ m: 'comment', comment: 'Ensure that non-local NodePort traffic can flow' }],
          target: jump(NON_LOCAL_NODEPORT_CHAIN),
        },
      ] as Rule[],
    };
  })();

  /**
   * The nat and filter rules the proxy has written, in the order its `iptables` calls left them:
   * each portal's rules were appended when it opened, so they are listed in opening order.
   * Models proxier.go iptablesInit.
   */
  private syncTables(hostIP: string): Tables {
    const tables = emptyTables();
    const nat = tables.nat.chains;
    const filter = tables.filter.chains;
    const chain = (
      chains: Map<string, { name: string; rules: readonly Rule[] }>,
      name: string,
      rules: Rule[],
    ) => {
      chains.set(name, { name, rules });
      return rules;
    };
    nat.set('PREROUTING', { name: 'PREROUTING', rules: this.jumps.prerouting });
    nat.set('OUTPUT', { name: 'OUTPUT', rules: this.jumps.output });
    filter.set('INPUT', { name: 'INPUT', rules: this.jumps.input });
    const containerPortals = chain(nat, CONTAINER_PORTAL_CHAIN, []);
    const hostPortals = chain(nat, HOST_PORTAL_CHAIN, []);
    const containerNodePorts = chain(nat, CONTAINER_NODEPORT_CHAIN, []);
    const hostNodePorts = chain(nat, HOST_NODEPORT_CHAIN, []);
    const nonLocal = chain(filter, NON_LOCAL_NODEPORT_CHAIN, []);

    for (const st of this.services.values()) {
      if (st.rules?.hostIP !== hostIP) st.rules = openPortalRules(st.info, st.proxyPort, hostIP);
      const r = st.rules;
      containerPortals.push(...r.container);
      hostPortals.push(...r.host);
      containerNodePorts.push(...r.containerNodePort);
      hostNodePorts.push(...r.hostNodePort);
      nonLocal.push(...r.nonLocal);
    }
    return tables;
  }
}

/**
 * The rules opening one service port's portal appends.
 * Models proxier.go openPortal (openOnePortal, openNodePort) and its
 * iptables{Container,Host}{Portal,NodePort}Args / iptablesNonLocalNodePortArgs builders.
 */
function openPortalRules(sp: ServicePortInfo, proxyPort: number, hostIP: string): PortalRules {
  const name = sp.svcPortName;
  const proto = sp.protocol;
  // The proxy listens on 0.0.0.0: REDIRECT from pods; DNAT to the node's IP from the node.
  const redirect = { j: 'REDIRECT' as const, toPorts: proxyPort };
  const dnatHost = { j: 'DNAT' as const, to: `${hostIP}:${proxyPort}` };
  const r: PortalRules = {
    hostIP,
    container: [],
    host: [],
    containerNodePort: [],
    hostNodePort: [],
    nonLocal: [],
  };
  // openOnePortal(clusterIP)
  r.container.push({ ...portalRule(name, proto, sp.clusterIP, sp.port, false), target: redirect });
  r.host.push({ ...portalRule(name, proto, sp.clusterIP, sp.port, false), target: dnatHost });
  // openOnePortal(externalIP, isExternal): from off the node (physdev), from a pod to a local
  // address (the dst-type LOCAL pair), and from the node itself to a local address.
  for (const ip of sp.externalIPs) {
    r.container.push({
      ...portalRule(name, proto, ip, sp.port, false, true),
      target: redirect,
    });
    r.container.push({ ...portalRule(name, proto, ip, sp.port, true), target: redirect });
    r.host.push({ ...portalRule(name, proto, ip, sp.port, true), target: dnatHost });
  }
  // openOnePortal(loadBalancer ingress IP): like a cluster IP.
  for (const ip of sp.loadBalancerIPs) {
    r.container.push({ ...portalRule(name, proto, ip, sp.port, false), target: redirect });
    r.host.push({ ...portalRule(name, proto, ip, sp.port, false), target: dnatHost });
  }
  // openNodePort
  if (sp.nodePort !== 0) {
    r.containerNodePort.push({
      ...portalRule(name, proto, undefined, sp.nodePort, false),
      target: redirect,
    });
    r.hostNodePort.push({
      ...portalRule(name, proto, undefined, sp.nodePort, false),
      target: dnatHost,
    });
    const accept = portalRule(name, proto, undefined, proxyPort, false);
    r.nonLocal.push({
      ...accept,
      matches: [...accept.matches, { m: 'state', state: ['NEW'] }],
      target: { j: 'ACCEPT' },
    });
  }
  return r;
}
