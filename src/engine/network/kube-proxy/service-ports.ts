/**
 * kube-proxy's view of the cluster: one ServicePortInfo per port of every proxied Service, with
 * the endpoints the EndpointSlices list for it. Every proxy mode programs from this ProxyInput.
 *
 * Models pkg/proxy/serviceport.go newBaseServiceInfo, pkg/proxy/servicechangetracker.go
 * (serviceToServiceMap, ShouldSkipService), pkg/proxy/endpointslicecache.go (addEndpoints and the
 * endpoint conditions) and the informers' label selectors in cmd/kube-proxy/app/server.go:
 *  - Services without a ClusterIP (headless, `None`) and ExternalName Services are skipped, as
 *    are Services and slices labelled `service.kubernetes.io/service-proxy-name` (another proxy
 *    owns them) and slices labelled `service.kubernetes.io/headless`;
 *  - a slice belongs to the Service its `kubernetes.io/service-name` label names, in the same
 *    namespace; a slice port serves the service port with the same name and protocol;
 *  - only IPv4 slices count, and only each endpoint's first address (as upstream);
 *  - conditions: a nil `ready` or `serving` counts as true, a nil `terminating` as false (§3);
 *  - endpoints are deduplicated by `ip:port` and sorted by that string (endpointslicecache's
 *    byEndpoint), so a rule set does not depend on slice order;
 *  - sessionAffinity ClientIP without a timeout gets 10800 s; externalTrafficPolicy counts only
 *    for NodePort/LoadBalancer Services or those with externalIPs (apiservice.ExternalPolicyLocal);
 *    healthCheckNodePort only for LoadBalancer + Local (NeedsHealthCheck); load-balancer IPs are
 *    the status ingress IPs in VIP mode (`ipMode` unset or VIP).
 *
 * Simplified: when two slices list the same `ip:port` with different nodes, the first slice
 * (by name) wins, where upstream prefers the local one; there are no topology hints.
 *
 * Cost: kube-proxy runs on every node, and each one asks for the whole input on every sync. So
 * the ServicePortInfo objects are built once per cluster and cached per Service: a watch on
 * Services and EndpointSlices drops the entry of the Service an event touches, and the next
 * buildProxyInput rebuilds only those. Unchanged Services keep the very same objects, which is
 * how the iptables proxier recognises them without comparing (see IptablesProxier).
 */
import type { Node, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KObject, WatchEvent } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { L4Protocol, ProxyEndpoint, ProxyInput, ServicePortInfo } from '../model';

type StoredService = Service & KObject;
type StoredSlice = EndpointSlice & KObject;
type StoredNode = Node & KObject;

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_SERVICE_PROXY_NAME = 'service.kubernetes.io/service-proxy-name';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** v1.DefaultClientIPServiceAffinitySeconds. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** `ns/name` plus `:portName` when the port is named: ServicePortName.String(). */
export function servicePortNameString(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** Models servicechangetracker.go ShouldSkipService (plus the informer's label selector). */
export function shouldSkipService(svc: StoredService): boolean {
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === 'None') return true; // !helper.IsServiceIPSet
  if (svc.spec?.type === 'ExternalName') return true;
  if (svc.metadata.labels?.[LABEL_SERVICE_PROXY_NAME] !== undefined) return true;
  return !isIPv4(ip);
}

/**
 * The ServicePortInfos of one Service, endpoints from the given slices (those of this Service).
 * Models serviceport.go newBaseServiceInfo and endpointslicecache.go addEndpoints.
 */
export function servicePortsOf(
  svc: StoredService,
  slices: Iterable<StoredSlice>,
): ServicePortInfo[] {
  if (shouldSkipService(svc)) return [];
  const spec = svc.spec ?? {};
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const type = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? spec.type : 'ClusterIP';
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const loadBalancerIPs: string[] = [];
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    // proxyutil.IsVIPMode: ipMode unset or VIP; Proxy-mode balancers are not captured.
    if (ing.ip && (ing.ipMode === undefined || ing.ipMode === 'VIP') && isIPv4(ing.ip))
      loadBalancerIPs.push(ing.ip);
  }
  const loadBalancerSourceRanges = (spec.loadBalancerSourceRanges ?? [])
    .map((r) => r.trim())
    .filter((r) => isIPv4(r.split('/')[0] ?? ''));
  const externalPolicyLocal =
    (type !== 'ClusterIP' || externalIPs.length > 0) && spec.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const healthCheckNodePort =
    type === 'LoadBalancer' && externalPolicyLocal ? (spec.healthCheckNodePort ?? 0) : 0;
  const affinity =
    spec.sessionAffinity === 'ClientIP'
      ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
      : undefined;

  const usable: StoredSlice[] = [];
  for (const s of slices) {
    if (s.addressType !== 'IPv4') continue;
    const labels = s.metadata.labels;
    if (labels?.[LABEL_HEADLESS] !== undefined || labels?.[LABEL_SERVICE_PROXY_NAME] !== undefined)
      continue;
    usable.push(s);
  }
  usable.sort((a, b) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''));

  const out: ServicePortInfo[] = [];
  for (const port of spec.ports ?? []) {
    const portName = port.name ?? '';
    const protocol = (port.protocol ?? 'TCP').toLowerCase() as L4Protocol;
    const info: ServicePortInfo = {
      namespace,
      name,
      portName,
      svcPortName: servicePortNameString(namespace, name, portName),
      protocol,
      type,
      clusterIP: spec.clusterIP ?? '',
      port: port.port,
      nodePort: port.nodePort ?? 0,
      externalIPs,
      loadBalancerIPs,
      loadBalancerSourceRanges,
      externalPolicyLocal,
      internalPolicyLocal,
      healthCheckNodePort,
      endpoints: endpointsFor(usable, portName, port.protocol ?? 'TCP'),
    };
    if (affinity !== undefined) info.affinitySeconds = affinity;
    out.push(info);
  }
  return out;
}

/** Every endpoint of the slices for one port, deduplicated by ip:port, sorted by that string. */
function endpointsFor(slices: StoredSlice[], portName: string, protocol: string): ProxyEndpoint[] {
  const byKey = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    let portNum: number | undefined;
    for (const p of slice.ports ?? []) {
      if ((p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol) {
        portNum = p.port;
        break;
      }
    }
    if (portNum === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip) continue; // "Ignoring invalid endpoint port with empty address"
      const key = `${ip}:${portNum}`;
      if (byKey.has(key)) continue;
      const c = ep.conditions ?? {};
      const e: ProxyEndpoint = {
        ip,
        port: portNum,
        ready: c.ready !== false,
        serving: c.serving !== false,
        terminating: c.terminating === true,
      };
      if (ep.nodeName) e.nodeName = ep.nodeName;
      byKey.set(key, e);
    }
  }
  const keys = [...byKey.keys()].sort(compareStrings);
  return keys.map((k) => byKey.get(k)!);
}

// ---------------------------------------------------------------------------------------------
// The per-cluster cache

interface Entry {
  svc: StoredService | undefined;
  /** Built ports; undefined when an event made them stale. */
  ports: ServicePortInfo[] | undefined;
}

/** The Services' ports, kept up to date by watches (see the module comment). */
class ServicePortCache {
  private readonly entries = new Map<string, Entry>();
  /** Service key → its slices by name. */
  private readonly slices = new Map<string, Map<string, StoredSlice>>();
  /** Slice `ns/name` → the Service key it was filed under. */
  private readonly sliceOwner = new Map<string, string>();
  /** The sorted list of all ports; undefined when some entry changed. */
  private all: ServicePortInfo[] | undefined;
  /** Bumped by every change: callers can tell "nothing changed" without asking more. */
  version = 0;

  constructor(ctx: ClusterContext) {
    const { store } = ctx;
    store.watch('Service', 'kube-proxy', (ev) => this.onService(ev));
    store.watch('EndpointSlice', 'kube-proxy', (ev) => this.onSlice(ev));
    for (const s of store.list<StoredService>('Service')) {
      this.entries.set(keyOf(s), { svc: s, ports: undefined });
    }
    for (const s of store.list<StoredSlice>('EndpointSlice')) this.fileSlice(s);
  }

  private onService(ev: WatchEvent): void {
    const svc = ev.object as StoredService;
    const key = keyOf(svc);
    if (ev.type === 'DELETED') this.entries.delete(key);
    else this.entries.set(key, { svc, ports: undefined });
    this.changed();
  }

  private onSlice(ev: WatchEvent): void {
    const slice = ev.object as StoredSlice;
    const sliceKey = keyOf(slice);
    const before = this.sliceOwner.get(sliceKey);
    if (before !== undefined) {
      this.slices.get(before)?.delete(slice.metadata.name ?? '');
      this.sliceOwner.delete(sliceKey);
      this.invalidate(before);
    }
    if (ev.type !== 'DELETED') {
      const owner = this.fileSlice(slice);
      if (owner !== undefined) this.invalidate(owner);
    }
    this.changed();
  }

  /** File a slice under its Service; returns that Service's key (none without the label). */
  private fileSlice(slice: StoredSlice): string | undefined {
    const svcName = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!svcName) return undefined;
    const owner = `${slice.metadata.namespace ?? ''}/${svcName}`;
    let m = this.slices.get(owner);
    if (!m) this.slices.set(owner, (m = new Map()));
    m.set(slice.metadata.name ?? '', slice);
    this.sliceOwner.set(keyOf(slice), owner);
    return owner;
  }

  private invalidate(svcKey: string): void {
    const e = this.entries.get(svcKey);
    if (e) e.ports = undefined;
  }

  private changed(): void {
    this.all = undefined;
    this.version++;
  }

  /** Every proxied service port, sorted by svcPortName then protocol. */
  ports(): ServicePortInfo[] {
    if (this.all) return this.all;
    const all: ServicePortInfo[] = [];
    for (const [key, e] of this.entries) {
      if (!e.svc) continue;
      e.ports ??= servicePortsOf(e.svc, this.slices.get(key)?.values() ?? []);
      for (const p of e.ports) all.push(p);
    }
    all.sort(compareServicePorts);
    this.all = all;
    return all;
  }
}

const caches = new WeakMap<ClusterContext, ServicePortCache>();

function cacheOf(ctx: ClusterContext): ServicePortCache {
  let c = caches.get(ctx);
  if (!c) {
    c = new ServicePortCache(ctx);
    caches.set(ctx, c);
  }
  return c;
}

/**
 * A number that changes whenever a Service or EndpointSlice does: equal numbers mean
 * buildProxyInput would return the same service ports.
 */
export function proxyInputVersion(ctx: ClusterContext): number {
  return cacheOf(ctx).version;
}

/**
 * What the kube-proxy of `nodeName` programs from: the node's address and pod CIDR, the cluster
 * CIDR (the local-traffic detector), and every proxied service port with its endpoints.
 * The services array and its objects are shared between nodes and between calls while nothing
 * changes; treat them as read-only.
 */
export function buildProxyInput(ctx: ClusterContext, nodeName: string): ProxyInput {
  const node = ctx.store.get<StoredNode>('Node', undefined, nodeName);
  const conf = ctx.config.nodes.find((n) => n.name === nodeName);
  const ip =
    node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? conf?.ip ?? '';
  const podCIDR = node?.spec?.podCIDR ?? conf?.podCIDR ?? '';
  return {
    node: { name: nodeName, ip, podCIDR },
    clusterCIDR: ctx.config.clusterCIDR,
    services: cacheOf(ctx).ports(),
  };
}

/** The order service rules take in KUBE-SERVICES (see iptables.ts): svcPortName, then protocol. */
export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  return compareStrings(a.svcPortName, b.svcPortName) || compareStrings(a.protocol, b.protocol);
}

/** Byte order, as Go's `<` on strings (not localeCompare). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOf(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return false;
  }
  return true;
}
