/**
 * A node's network interfaces and routing table, as flannel (vxlan backend), the CNI bridge
 * plugin and kube-proxy leave them on a kubeadm node — what `ip addr` and `ip route` show, and
 * what the packet tracer routes by.
 *
 * Everything is derived on demand from the cluster's configuration and the store (pure
 * functions, no controller):
 *  - `lo` and `eth0` (the node's InternalIP on a /24 whose gateway is `.1`);
 *  - `flannel.1`, the VXLAN device: flanneld gives it the network address of the node's pod
 *    CIDR as a /32 (10.244.1.0/32) and MTU 1450 (1500 minus the 50-byte VXLAN header);
 *  - `cni0`, the bridge the CNI bridge plugin creates on the first pod sandbox: the pod CIDR's
 *    `.1` as a /24, the pods' gateway;
 *  - one `vethXXXXXXXX@if2` per pod sandbox on the pod network (the host end of the pair whose
 *    other end is the pod's eth0, ifindex 2 in its network namespace `cni-…`), port of cni0;
 *  - `kube-ipvs0` in ipvs mode: the dummy device (state DOWN) kube-proxy binds every service IP
 *    to as a /32, so that the kernel accepts packets for them as local.
 * Routes: the default via the node network's gateway, one `via 10.244.N.0 dev flannel.1 onlink`
 * per other node's pod CIDR (flanneld's routes, one per subnet lease), the kernel's link routes
 * of cni0 and eth0.
 *
 * Simplified, and why: MAC addresses, veth names and netns names are random in reality; here
 * they are hashes of the node IP or the pod uid, so a seed gives the same output every time.
 * Interface indexes are fixed per role (lo 1, eth0 2, flannel.1 3, cni0 4, kube-ipvs0 5) and a
 * veth's is 4 + its pod IP's offset in the pod CIDR: stable for the pod's life and growing with
 * host-local's allocation order, as the kernel's counter grows with sandbox creation. cni0 is
 * listed only while the node has pods on the pod network (the real bridge stays once created).
 * No IPv6 routes, no neighbour table, no `docker0`, no `tunl0`.
 */
import { fnv32aUtf8 } from '../controllers/pod-template-hash';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { ensurePodNodeIndex } from '../controllers/kubelet/kubelet';
import { formatIPv4, parseIPv4 } from '../controllers/kubelet/ipam';
import { hex8, mix32 } from '../sim/ids';
import { dataplaneOf } from './dataplane';

export type InterfaceKind = 'loopback' | 'ether' | 'vxlan' | 'bridge' | 'veth' | 'dummy';

export interface InterfaceAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
  /** The broadcast address (`brd`), for IPv4 subnets that have one. */
  brd?: string;
  scope: 'host' | 'link' | 'global';
}

export interface NetInterface {
  /** ifindex. */
  index: number;
  /** `eth0`, `veth1a2b3c4d` (without the `@if2`). */
  name: string;
  /** A veth's peer ifindex in the pod's namespace: printed as `name@if2`. */
  peerIndex?: number;
  kind: InterfaceKind;
  flags: readonly string[];
  mtu: number;
  qdisc: string;
  /** The bridge a port belongs to (`master cni0`). */
  master?: string;
  state: 'UP' | 'DOWN' | 'UNKNOWN';
  /** txqueuelen; 0 is not printed. */
  qlen: number;
  linkType: 'loopback' | 'ether';
  mac: string;
  brd: string;
  /** A veth's peer namespace (`link-netns cni-…`). */
  linkNetns?: string;
  addrs: readonly InterfaceAddress[];
  /** A veth: the pod whose sandbox it connects. */
  pod?: { namespace: string; name: string; uid: string; ip: string };
}

export interface RouteEntry {
  /** `default` or a CIDR. */
  dst: string;
  via?: string;
  dev: string;
  proto?: 'kernel' | 'static';
  scope?: 'link';
  src?: string;
  onlink?: boolean;
}

export type RouteKind = 'local' | 'pod-local' | 'overlay' | 'node-network' | 'default';

/** Where the kernel of `node` sends a packet for dstIP (`ip route get`). */
export interface RouteLookup {
  kind: RouteKind;
  dev: string;
  via?: string;
  src: string;
  /** overlay: the node owning the pod CIDR; node-network: the node with that IP. */
  peerNode?: string;
  /** pod-local: the host end of the pod's veth, when a pod holds the address. */
  veth?: string;
}

/** The node network's MTU and flannel's (1500 − 50 bytes of VXLAN encapsulation). */
const ETH_MTU = 1500;
const FLANNEL_MTU = 1450;
const ETHER_BRD = 'ff:ff:ff:ff:ff:ff';
const UP_FLAGS = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] as const;
/** Fixed ifindexes; veths follow from VETH_INDEX_BASE + the pod IP's offset (.2 → 6). */
const INDEX = { lo: 1, eth0: 2, flannel: 3, cni0: 4, ipvs: 5 } as const;
const VETH_INDEX_BASE = 4;
/** The pod's eth0 in its own namespace (lo is 1). */
const POD_ETH0_INDEX = 2;

/** A node as the network sees it: its InternalIP and pod CIDR. */
export interface NetNode {
  name: string;
  ip: string;
  podCIDR: string;
}

// ------------------------------------------------------------------ addresses

interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

function parseCidr(cidr: string): Cidr | undefined {
  const [ip = '', bits = ''] = cidr.split('/');
  const addr = parseIPv4(ip);
  const prefix = Number(bits);
  if (addr === undefined || !/^\d+$/.test(bits) || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix, size };
}

function inCidr(ip: number, c: Cidr): boolean {
  return ip >= c.base && ip < c.base + c.size;
}

/** The /24 the node IP sits on (its eth0 subnet). */
function nodeSubnet(nodeIP: string): Cidr | undefined {
  return parseCidr(`${nodeIP}/24`);
}

/** The node network's gateway: `.1` of the node's /24 (192.168.100.1). */
export function gatewayOf(nodeIP: string): string {
  const s = nodeSubnet(nodeIP);
  return s ? formatIPv4(s.base + 1) : '';
}

/** FNV-1a 32 of a string (IPs and uids: ASCII), then mixed: the seed of every made-up identifier here. */
function hashOf(text: string): number {
  return mix32(fnv32aUtf8(text));
}

function hexByte(b: number): string {
  return (b & 0xff).toString(16).padStart(2, '0');
}

/** Six bytes from a hash; locally administered unicast unless a fixed OUI is given. */
function macFrom(seed: string, oui?: readonly number[]): string {
  const h1 = hashOf(seed);
  const h2 = mix32(h1 ^ 0x9e3779b9);
  const bytes = [h1 >>> 24, h1 >>> 16, h1 >>> 8, h1, h2 >>> 24, h2 >>> 16].map((b) => b & 0xff);
  if (oui) bytes.splice(0, 3, ...oui);
  // Randomly generated MACs (the kernel's eth_random_addr): unicast, locally administered.
  else bytes[0] = (bytes[0]! & 0xfc) | 0x02;
  return bytes.map(hexByte).join(':');
}

/** The node's eth0 MAC: QEMU/KVM's OUI 52:54:00 plus three bytes derived from the IP. */
export function nodeMac(nodeIP: string): string {
  return macFrom(`eth0/${nodeIP}`, [0x52, 0x54, 0x00]);
}

/** IPv6 text (RFC 5952): lower-case groups, the longest run of ≥2 zero groups as `::`. */
function formatIPv6(groups: readonly number[]): string {
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** The link-local address the kernel derives from a MAC (EUI-64: U/L bit flipped, ff:fe inserted). */
export function linkLocalOf(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  return formatIPv6([
    0xfe80,
    0,
    0,
    0,
    ((b0 ^ 0x02) << 8) | b1,
    (b2 << 8) | 0xff,
    (0xfe << 8) | b3,
    (b4 << 8) | b5,
  ]);
}

/** The host end of a pod's veth pair: `veth` + 8 hex digits (the CNI plugins' RandomVethName). */
export function vethNameOf(podUid: string): string {
  return `veth${hex8(hashOf(`veth/${podUid}`))}`;
}

/** The pod sandbox's network namespace, as containerd names it: `cni-` + a UUID-shaped id. */
export function netnsNameOf(podUid: string): string {
  const w = [0, 1, 2, 3].map((i) => mix32(hashOf(`netns/${podUid}`) + i));
  const h = w.map(hex8).join('');
  return `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// ------------------------------------------------------------------ the cluster's nodes

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;
type StoredService = Service & KObject;

function internalIP(n: StoredNode): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/**
 * The nodes flannel knows (its kube subnet manager reads each Node's spec.podCIDR): the Node
 * objects, with the configuration filling what they lack; the configuration alone when the store
 * has no Nodes yet (a controller test's fixture).
 */
export function netNodes(ctx: ClusterContext): readonly NetNode[] {
  return netNodeIndex(ctx).list;
}

/** The nodes by name and in store order, rebuilt when the store changes (every hop asks). */
function netNodeIndex(ctx: ClusterContext): NetNodeIndex {
  const rv = ctx.store.resourceVersion;
  const hit = netNodeCache.get(ctx);
  if (hit && hit.rv === rv) return hit;
  const list = buildNetNodes(ctx);
  const index: NetNodeIndex = {
    rv,
    list,
    byName: new Map(list.map((n) => [n.name, n])),
    cidrs: list.map((n) => parseCidr(n.podCIDR)),
  };
  netNodeCache.set(ctx, index);
  return index;
}

interface NetNodeIndex {
  rv: number;
  list: readonly NetNode[];
  byName: ReadonlyMap<string, NetNode>;
  /** Each node's parsed pod CIDR, in `list` order. */
  cidrs: ReadonlyArray<Cidr | undefined>;
}

const netNodeCache = new WeakMap<ClusterContext, NetNodeIndex>();

function buildNetNodes(ctx: ClusterContext): NetNode[] {
  const config = new Map(ctx.config.nodes.map((n) => [n.name, n]));
  const objects = ctx.store.list<StoredNode>('Node');
  if (objects.length === 0) {
    return ctx.config.nodes.map((n) => ({ name: n.name, ip: n.ip, podCIDR: n.podCIDR }));
  }
  const out: NetNode[] = [];
  for (const o of objects) {
    const name = o.metadata.name ?? '';
    const ip = internalIP(o) ?? config.get(name)?.ip;
    const podCIDR = o.spec?.podCIDR ?? config.get(name)?.podCIDR;
    if (ip && podCIDR) out.push({ name, ip, podCIDR });
  }
  return out;
}

/** One node's addresses, or undefined for a node the cluster does not have. */
export function netNodeOf(ctx: ClusterContext, node: string): NetNode | undefined {
  const found = netNodeIndex(ctx).byName.get(node);
  if (found) return found;
  const c = ctx.config.nodes.find((n) => n.name === node);
  return c ? { name: c.name, ip: c.ip, podCIDR: c.podCIDR } : undefined;
}

/** Pods whose sandbox is on the pod network of this node (non-hostNetwork, with an IP, alive). */
function podNetworkPods(ctx: ClusterContext, node: string): StoredPod[] {
  ensurePodNodeIndex(ctx.store);
  return ctx.store.byIndex<StoredPod>('Pod', 'nodeName', node).filter((p) => {
    if (p.spec?.hostNetwork === true || !p.status?.podIP) return false;
    // A finished pod's sandbox is torn down (its IP released), though status keeps podIP.
    const phase = p.status.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

/** Every service IP kube-proxy's ipvs mode binds to kube-ipvs0, numerically ordered. */
function serviceIPs(ctx: ClusterContext): string[] {
  const ips = new Set<string>();
  for (const s of ctx.store.list<StoredService>('Service')) {
    const spec = s.spec;
    if (!spec || spec.type === 'ExternalName') continue;
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
      if (parseIPv4(ip) !== undefined) ips.add(ip);
    }
    for (const ip of spec.externalIPs ?? []) if (parseIPv4(ip) !== undefined) ips.add(ip);
    for (const ing of s.status?.loadBalancer?.ingress ?? []) {
      if (ing.ip && parseIPv4(ing.ip) !== undefined) ips.add(ing.ip);
    }
  }
  return [...ips].sort((a, b) => parseIPv4(a)! - parseIPv4(b)!);
}

// ------------------------------------------------------------------ interfaces

/**
 * The node's interfaces, by ifindex (empty for a node the cluster does not have). They depend
 * on the store (pods, services) and the proxy mode only, so an answer is reused until either
 * changes: a traced request looks them up at every hop. Callers must not modify it.
 */
export function nodeInterfaces(ctx: ClusterContext, node: string): readonly NetInterface[] {
  return nodeNetView(ctx, node).interfaces;
}

/** Every IPv4 address of the node's interfaces (the routing table's `local` type, minus 127/8). */
export function nodeLocalAddresses(ctx: ClusterContext, node: string): ReadonlySet<string> {
  const v = nodeNetView(ctx, node);
  if (!v.locals) {
    v.locals = new Set();
    for (const i of v.interfaces) {
      for (const a of i.addrs) if (a.family === 'inet') v.locals.add(a.address);
    }
  }
  return v.locals;
}

/** The node's pods on the pod network by IP (running or pending; finished pods hold none). */
export function nodePodsByIP(ctx: ClusterContext, node: string): ReadonlyMap<string, StoredPod> {
  const v = nodeNetView(ctx, node);
  if (!v.podsByIP) {
    v.podsByIP = new Map();
    for (const p of podNetworkPods(ctx, node)) {
      const ip = p.status?.podIP ?? '';
      if (!v.podsByIP.has(ip)) v.podsByIP.set(ip, p);
    }
  }
  return v.podsByIP;
}

/** The primary IPv4 address of each of the node's interfaces, by name (`cni0` → 10.244.1.1). */
export function nodeInterfaceAddress(
  ctx: ClusterContext,
  node: string,
  iface: string,
): string | undefined {
  const v = nodeNetView(ctx, node);
  if (!v.primaryByName) {
    v.primaryByName = new Map();
    for (const i of v.interfaces) {
      const a = i.addrs.find((x) => x.family === 'inet')?.address;
      if (a !== undefined) v.primaryByName.set(i.name, a);
    }
  }
  return v.primaryByName.get(iface);
}

/** What is derived from the store for one node, rebuilt when the store or the proxy mode changes. */
interface NodeNetView {
  rv: number;
  mode: string;
  interfaces: readonly NetInterface[];
  locals?: Set<string>;
  podsByIP?: Map<string, StoredPod>;
  primaryByName?: Map<string, string>;
}

function nodeNetView(ctx: ClusterContext, node: string): NodeNetView {
  const rv = ctx.store.resourceVersion;
  const mode = dataplaneOf(ctx).settings.proxyMode;
  let byNode = interfaceCache.get(ctx);
  if (!byNode) interfaceCache.set(ctx, (byNode = new Map()));
  const hit = byNode.get(node);
  if (hit && hit.rv === rv && hit.mode === mode) return hit;
  const view: NodeNetView = { rv, mode, interfaces: buildNodeInterfaces(ctx, node) };
  byNode.set(node, view);
  return view;
}

const interfaceCache = new WeakMap<ClusterContext, Map<string, NodeNetView>>();

function buildNodeInterfaces(ctx: ClusterContext, node: string): NetInterface[] {
  const self = netNodeOf(ctx, node);
  if (!self) return [];
  const pc = parseCidr(self.podCIDR);
  const subnet = nodeSubnet(self.ip);
  const out: NetInterface[] = [];

  out.push({
    index: INDEX.lo,
    name: 'lo',
    kind: 'loopback',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    mtu: 65536,
    qdisc: 'noqueue',
    state: 'UNKNOWN',
    qlen: 1000,
    linkType: 'loopback',
    mac: '00:00:00:00:00:00',
    brd: '00:00:00:00:00:00',
    addrs: [
      { family: 'inet', address: '127.0.0.1', prefix: 8, scope: 'host' },
      { family: 'inet6', address: '::1', prefix: 128, scope: 'host' },
    ],
  });

  const ethMac = nodeMac(self.ip);
  out.push({
    index: INDEX.eth0,
    name: 'eth0',
    kind: 'ether',
    flags: UP_FLAGS,
    mtu: ETH_MTU,
    qdisc: 'fq_codel',
    state: 'UP',
    qlen: 1000,
    linkType: 'ether',
    mac: ethMac,
    brd: ETHER_BRD,
    addrs: [
      {
        family: 'inet',
        address: self.ip,
        prefix: 24,
        ...(subnet ? { brd: formatIPv4(subnet.base + subnet.size - 1) } : {}),
        scope: 'global',
      },
      { family: 'inet6', address: linkLocalOf(ethMac), prefix: 64, scope: 'link' },
    ],
  });

  if (pc) {
    const flannelMac = macFrom(`flannel.1/${self.ip}`);
    out.push({
      index: INDEX.flannel,
      name: 'flannel.1',
      kind: 'vxlan',
      flags: UP_FLAGS,
      mtu: FLANNEL_MTU,
      qdisc: 'noqueue',
      state: 'UNKNOWN',
      qlen: 0,
      linkType: 'ether',
      mac: flannelMac,
      brd: ETHER_BRD,
      addrs: [
        { family: 'inet', address: formatIPv4(pc.base), prefix: 32, scope: 'global' },
        { family: 'inet6', address: linkLocalOf(flannelMac), prefix: 64, scope: 'link' },
      ],
    });
  }

  const pods = pc ? podNetworkPods(ctx, node) : [];
  if (pc && pods.length > 0) {
    const bridgeMac = macFrom(`cni0/${self.ip}`);
    out.push({
      index: INDEX.cni0,
      name: 'cni0',
      kind: 'bridge',
      flags: UP_FLAGS,
      mtu: FLANNEL_MTU,
      qdisc: 'noqueue',
      state: 'UP',
      qlen: 1000,
      linkType: 'ether',
      mac: bridgeMac,
      brd: ETHER_BRD,
      addrs: [
        {
          family: 'inet',
          address: formatIPv4(pc.base + 1),
          prefix: pc.prefix,
          brd: formatIPv4(pc.base + pc.size - 1),
          scope: 'global',
        },
        { family: 'inet6', address: linkLocalOf(bridgeMac), prefix: 64, scope: 'link' },
      ],
    });
  }

  if (dataplaneOf(ctx).settings.proxyMode === 'ipvs') {
    out.push({
      index: INDEX.ipvs,
      name: 'kube-ipvs0',
      kind: 'dummy',
      flags: ['BROADCAST', 'NOARP'],
      mtu: ETH_MTU,
      qdisc: 'noop',
      state: 'DOWN',
      qlen: 0,
      linkType: 'ether',
      mac: macFrom(`kube-ipvs0/${self.ip}`),
      brd: ETHER_BRD,
      // A device that is down gets no IPv6 link-local address.
      addrs: serviceIPs(ctx).map((ip) => ({
        family: 'inet' as const,
        address: ip,
        prefix: 32,
        scope: 'global' as const,
      })),
    });
  }

  if (pc) {
    const used = new Set<number>(out.map((i) => i.index));
    for (const p of pods) {
      const uid = p.metadata.uid ?? '';
      const ip = p.status?.podIP ?? '';
      const n = parseIPv4(ip);
      let index =
        n !== undefined && inCidr(n, pc)
          ? VETH_INDEX_BASE + (n - pc.base)
          : 1000 + (hashOf(uid) % 9000);
      while (used.has(index)) index++;
      used.add(index);
      const mac = macFrom(`veth-mac/${uid}`);
      out.push({
        index,
        name: vethNameOf(uid),
        peerIndex: POD_ETH0_INDEX,
        kind: 'veth',
        flags: UP_FLAGS,
        mtu: FLANNEL_MTU,
        qdisc: 'noqueue',
        master: 'cni0',
        state: 'UP',
        qlen: 1000,
        linkType: 'ether',
        mac,
        brd: ETHER_BRD,
        linkNetns: netnsNameOf(uid),
        addrs: [{ family: 'inet6', address: linkLocalOf(mac), prefix: 64, scope: 'link' }],
        pod: {
          namespace: p.metadata.namespace ?? 'default',
          name: p.metadata.name ?? '',
          uid,
          ip,
        },
      });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

// ------------------------------------------------------------------ routes

/**
 * The main routing table, in the kernel's dump order (by destination): what `ip route` prints on
 * a flannel vxlan node.
 */
export function nodeRoutes(ctx: ClusterContext, node: string): RouteEntry[] {
  const self = netNodeOf(ctx, node);
  if (!self) return [];
  const subnet = nodeSubnet(self.ip);
  const own = parseCidr(self.podCIDR);
  const routes: Array<RouteEntry & { key: [number, number] }> = [];
  if (subnet) {
    routes.push({
      dst: 'default',
      via: gatewayOf(self.ip),
      dev: 'eth0',
      proto: 'static',
      key: [0, 0],
    });
    routes.push({
      dst: `${formatIPv4(subnet.base)}/24`,
      dev: 'eth0',
      proto: 'kernel',
      scope: 'link',
      src: self.ip,
      key: [subnet.base, 24],
    });
  }
  // flanneld: one route per other node's subnet lease, to that node's VTEP address.
  for (const peer of netNodes(ctx)) {
    if (peer.name === self.name) continue;
    const c = parseCidr(peer.podCIDR);
    if (!c) continue;
    routes.push({
      dst: `${formatIPv4(c.base)}/${c.prefix}`,
      via: formatIPv4(c.base),
      dev: 'flannel.1',
      onlink: true,
      key: [c.base, c.prefix],
    });
  }
  // The kernel's link route for cni0's address (there while the bridge is).
  if (own && podNetworkPods(ctx, node).length > 0) {
    routes.push({
      dst: `${formatIPv4(own.base)}/${own.prefix}`,
      dev: 'cni0',
      proto: 'kernel',
      scope: 'link',
      src: formatIPv4(own.base + 1),
      key: [own.base, own.prefix],
    });
  }
  routes.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  return routes.map(({ key: _key, ...r }) => r);
}

/**
 * Route one destination from `node` (the kernel's fib lookup, `ip route get`): its own
 * addresses are local; a pod of this node goes out cni0; a pod of another node through
 * flannel.1 to that node's VTEP; the node network directly on eth0; anything else to the
 * default gateway, i.e. outside the cluster. Undefined for a node the cluster does not have or
 * an address that is not IPv4.
 */
export function routeLookup(
  ctx: ClusterContext,
  node: string,
  dstIP: string,
): RouteLookup | undefined {
  // Like the interfaces, a lookup depends on the store and the proxy mode only: a traced
  // request routes at every hop, mostly to the same few addresses.
  const rv = ctx.store.resourceVersion;
  const mode = dataplaneOf(ctx).settings.proxyMode;
  let cache = routeCache.get(ctx);
  if (!cache || cache.rv !== rv || cache.mode !== mode) {
    cache = { rv, mode, byNode: new Map() };
    routeCache.set(ctx, cache);
  }
  let byDst = cache.byNode.get(node);
  if (!byDst) cache.byNode.set(node, (byDst = new Map()));
  const hit = byDst.get(dstIP);
  if (hit !== undefined) return hit ?? undefined;
  const r = lookupRoute(ctx, node, dstIP);
  if (byDst.size < ROUTE_CACHE_PER_NODE) byDst.set(dstIP, r ?? null);
  return r;
}

/** Enough for every pod and service address a large playground cluster has. */
const ROUTE_CACHE_PER_NODE = 50_000;

const routeCache = new WeakMap<
  ClusterContext,
  { rv: number; mode: string; byNode: Map<string, Map<string, RouteLookup | null>> }
>();

function lookupRoute(ctx: ClusterContext, node: string, dstIP: string): RouteLookup | undefined {
  const self = netNodeOf(ctx, node);
  const dst = parseIPv4(dstIP);
  if (!self || dst === undefined) return undefined;
  const ifaces = nodeInterfaces(ctx, node);

  // The local table: loopback, and every address of every interface (kube-ipvs0's included).
  if (dst >>> 24 === 127) return { kind: 'local', dev: 'lo', src: '127.0.0.1' };
  for (const i of ifaces) {
    if (i.addrs.some((a) => a.family === 'inet' && a.address === dstIP)) {
      return { kind: 'local', dev: 'lo', src: dstIP };
    }
  }

  const own = parseCidr(self.podCIDR);
  if (own && inCidr(dst, own) && ifaces.some((i) => i.name === 'cni0')) {
    const veth = ifaces.find((i) => i.pod?.ip === dstIP);
    return {
      kind: 'pod-local',
      dev: 'cni0',
      src: formatIPv4(own.base + 1),
      ...(veth ? { veth: veth.name } : {}),
    };
  }

  const flannelSrc = own ? formatIPv4(own.base) : self.ip;
  const nodes = netNodeIndex(ctx);
  const peers = nodes.list;
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[i] as NetNode;
    if (peer.name === self.name) continue;
    const c = nodes.cidrs[i];
    if (c && inCidr(dst, c)) {
      return {
        kind: 'overlay',
        dev: 'flannel.1',
        via: formatIPv4(c.base),
        src: flannelSrc,
        peerNode: peer.name,
      };
    }
  }

  const subnet = nodeSubnet(self.ip);
  const peerNode = peers.find((p) => p.ip === dstIP)?.name;
  if (subnet && inCidr(dst, subnet)) {
    return { kind: 'node-network', dev: 'eth0', src: self.ip, ...(peerNode ? { peerNode } : {}) };
  }
  const via = gatewayOf(self.ip);
  // A node on another subnet of the node network is still a node, reached via the gateway.
  if (peerNode) return { kind: 'node-network', dev: 'eth0', via, src: self.ip, peerNode };
  return { kind: 'default', dev: 'eth0', via, src: self.ip };
}
