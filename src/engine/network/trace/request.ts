/**
 * One HTTP request through the simulated cluster, packet by packet: `sendRequest(ctx, …)` walks
 * the connection's first packet (the SYN) from the client through every node it crosses — each
 * node's netfilter hooks as kube-proxy programmed them (nat and filter, every matched rule a
 * hop), the routing table (cni0, flannel.1, eth0), the proxy itself in userspace and ipvs modes —
 * to the socket that accepts it, lets that server answer (answer.ts), and sends the reply back as
 * routing takes it from the server's node, through conntrack, which undoes every NAT on the way.
 * That retraces the SYN's path whenever a node masqueraded the SYN or the client sits behind the
 * node that translated it; when not (ipvs mode sending an outside client's SYN to another node's
 * pod without SNAT), the reply goes straight to the client from the pod's address, the client
 * drops it and its connect times out. The result is a Trace (trace.ts).
 *
 * What it models, per proxy mode (`dataplaneOf(ctx).settings.proxyMode`, as each node's kube-proxy
 * last programmed it):
 *  - iptables: the evaluator's natPass on each node (PREROUTING for packets arriving from a pod or
 *    another node, OUTPUT for the node's own; the random DNAT of KUBE-SVC/KUBE-SEP; REJECT →
 *    refused; DROP → the SYN is lost and the client times out; MASQUERADE → the source becomes the
 *    address of the interface the packet leaves by: 10.244.N.1 out cni0, 10.244.N.0 out
 *    flannel.1, the node IP out eth0, as on a real flannel node);
 *  - userspace: the REDIRECT to the proxy's port, then a `kube-proxy` hop: the proxy picks a
 *    backend round-robin and dials it with UserspaceProxier.tryConnectEndpoints (250/500/1000/
 *    2000 ms), each dial walked as a connection from the node (so the backend sees the node's
 *    address, never the client's); a refused or unanswered dial costs its time and moves on;
 *  - ipvs: the service IP is local (kube-ipvs0), so after PREROUTING and INPUT the packet meets
 *    IPVS, whose scheduler (rr) picks a real server and rewrites the destination (Masq); it then
 *    leaves through OUTPUT and POSTROUTING, where KUBE-POSTROUTING masquerades marked traffic.
 *    One conntrack entry holds both translations (net.ipv4.vs.conntrack=1, as kube-proxy sets).
 * Clients: a pod (its eth0 → veth → its node's cni0, i.e. forwarded traffic), a node (OUTPUT;
 * the source address is the one the route to the destination prefers), a laptop on the node
 * network (192.168.100.50: NodePorts, externalIPs), or an internet client (198.51.100.23) in
 * front of a LoadBalancer IP: the cloud load balancer health-checks the nodes (with
 * externalTrafficPolicy Local, only nodes with local endpoints pass; in userspace mode none, as
 * that proxy serves no health check, and with none passing the load balancer fails open to all)
 * and forwards round-robin to the NodePort of one of them, keeping the client's address.
 * A connection accepted by ingress-nginx's controller pod on its port 80 or 443 is proxied by it
 * (ingressNginxAnswer, with the decisions in ../ingress/proxy.ts): nginx dials an endpoint pod
 * of the backend itself, and the answer comes back through both connections.
 *
 * Faults: pod annotation `playground/fault` = `refuse` (nothing listens: RST), `freeze` (every
 * packet to the pod is dropped), `hang` (the connection is accepted, nothing is ever answered);
 * node annotation `playground/fault=down` (the machine is off: packets to it are lost).
 *
 * Time: every hop costs virtual time (0.1 ms on a machine, 0.5 ms on a wire); a lost SYN costs
 * the connect timeout — the client's (`connectTimeoutMs`, `timeoutMs`), or the kernel's when the
 * client sets none: Linux gives up after its 6 SYN retries, about 130 s (modelled as exactly
 * 130 000 ms); an address nobody answers ARP for fails with "No route to host" after 3 s (three
 * ARP probes). A server that accepts and never answers is waited for `timeoutMs`; with none, a
 * real curl would wait forever — the playground stops waiting after 5 minutes, as a learner would
 * press Ctrl-C. sendRequest never moves the cluster's clock: the caller lets `durationMs` pass.
 *
 * State kept per node beside the cluster: the conntrack table and `-m recent` lists
 * (nodeNetfilterState), a source-port counter (32768 upwards), the `network/<node>` random stream
 * for `-m statistic` and `--random-fully`; per cluster, the load balancer's round-robin position.
 *
 * Simplified, and why: only the SYN and the first reply packet are walked (data packets follow the
 * same conntrack entries); the reply is translated by conntrack lookups on the nodes routing
 * takes it through, without walking their filter rules (nor the SYN-ACK, unless it goes astray:
 * the first reply walked is the answer's); no ICMP errors other than the refusals, no MTU, no
 * TCP retransmission timing beyond the connect timeout; the routers outside the cluster are one
 * rule: external IPs that are no node's address reach the first worker node.
 */
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import { ensurePodNodeIndex } from '../../controllers/kubelet/kubelet';
import type { Rng } from '../../sim/rng';
import { listeningPort } from '../../workloads/behaviour';
import { runningContainer } from '../../shell/container/target';
import type { ContainerEnv } from '../../shell/container/target';
import { podHostname } from '../../shell/container/pod-files';
import type { Dataplane, NodeDataplane } from '../dataplane';
import { dataplaneOf } from '../dataplane';
import {
  netNodeOf,
  netNodes,
  nodeInterfaceAddress,
  nodeLocalAddresses,
  nodePodsByIP,
  routeLookup,
  vethNameOf,
} from '../interfaces';
import type { RouteLookup } from '../interfaces';
import type { Rule, Tables, TableName, VirtualServer } from '../model';
import { MASQ_MARK } from '../model';
import type { ConntrackEntry, CtState, Tuple } from '../netfilter/conntrack';
import type { EvalEnv, Hook, PassEnv, Step } from '../netfilter/evaluate';
import {
  copyPacket,
  ipsetTester,
  natPass,
  nodeNetfilterState,
  traverse,
} from '../netfilter/evaluate';
import { saveRule } from '../netfilter/iptables-save';
import type { Packet } from '../netfilter/packet';
import { kubeletBaseTables } from '../netfilter/tables';
import { kubeProxiesOf } from '../kube-proxy/kube-proxy';
import { ipvsSchedulerOf } from '../kube-proxy/ipvs';
import { ERR_MISSING_SERVICE_ENTRY } from '../kube-proxy/userspace';
import type { DialOutcome } from '../kube-proxy/userspace';
import type { HttpAnswer, ServerProcess } from './answer';
import { byteLength, healthCheckAnswer, httpAnswer } from './answer';
import type { UpstreamEndpoint } from '../ingress/proxy';
import {
  ingressDecision,
  isIngressNginx,
  nextEndpoint,
  PROXY_CONNECT_TIMEOUT_MS,
  PROXY_NEXT_UPSTREAM_TRIES,
  PROXY_READ_TIMEOUT_MS,
} from '../ingress/proxy';
import { nginxAnswer, plainHttpToHttpsPort, proxiedAnswer } from '../ingress/responses';
import type { Endpoints, FailDetail, Hop, Trace, TraceError, TraceOutcome } from './trace';
import { ipPort } from './trace';

type StoredPod = Pod & KObject;
type StoredNode = Node & KObject;
type StoredService = Service & KObject;
type StoredSlice = EndpointSlice & KObject;

// ------------------------------------------------------------------ constants

/** Virtual time a hop costs on a machine, and on a wire between machines. */
export const NODE_HOP_MS = 0.1;
export const WIRE_HOP_MS = 0.5;
/** Linux's connect() gives up after tcp_syn_retries=6 (1+2+4+…+64 s ≈ 130 s). */
export const KERNEL_CONNECT_TIMEOUT_MS = 130_000;
/** Three unanswered ARP probes, one second apart, before EHOSTUNREACH. */
export const ARP_FAILURE_MS = 3_000;
/** How long the playground waits for a server that never answers when the client sets no limit. */
export const UNANSWERED_GIVE_UP_MS = 300_000;
/** The learner's laptop on the node network, and a client on the internet (TEST-NET-2). */
export const LAPTOP_IP = '192.168.100.50';
export const INTERNET_CLIENT_IP = '198.51.100.23';
export const FAULT_ANNOTATION = 'playground/fault';
/** Linux's default ip_local_port_range. */
const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;
/** A SYN with options: 20 bytes of IP header, 40 of TCP. */
const SYN_BYTES = 60;
/** Where LoadBalancer addresses come from (playground cloud-lb), for outside clients. */
const CLOUD_LB_PREFIX = '203.0.113.';
const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

// ------------------------------------------------------------------ API

export type RequestFrom =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'node'; name: string }
  /** The laptop on the node network, or (for a LoadBalancer IP) a client on the internet. */
  | { kind: 'outside' };

export interface RequestOptions {
  from: RequestFrom;
  /** An IPv4 address (names are resolved by the caller; DNS is a later layer). */
  address: string;
  port: number;
  /** GET (default), HEAD, POST, … */
  method?: string;
  /** `/` by default. */
  path?: string;
  /** The Host header; default `address` (plus `:port` when it is not the scheme's default). */
  host?: string;
  /** The whole request's limit (curl -m / --max-time); also bounds the connect. */
  timeoutMs?: number;
  /** The connect phase's own limit (curl --connect-timeout). */
  connectTimeoutMs?: number;
  /** `https`: TLS to the port (only servers that speak TLS complete it). Default `http`. */
  scheme?: 'http' | 'https';
  /** Accept any certificate (curl -k). */
  insecure?: boolean;
}

// ------------------------------------------------------------------ per-cluster state

interface NetState {
  /** Next source port per client (node name, `laptop`, `internet`). */
  ports: Map<string, number>;
  rngs: Map<string, Rng>;
  /** The cloud load balancer's round-robin position, per `ns/name:port`. */
  lbNext: Map<string, number>;
}

const states = new WeakMap<ClusterContext, NetState>();

function netState(ctx: ClusterContext): NetState {
  let s = states.get(ctx);
  if (!s) {
    s = { ports: new Map(), rngs: new Map(), lbNext: new Map() };
    states.set(ctx, s);
  }
  return s;
}

/** The `network/<node>` random stream (one per node, for the life of the cluster). */
function rngOf(ctx: ClusterContext, node: string): Rng {
  const s = netState(ctx);
  let r = s.rngs.get(node);
  if (!r) {
    r = ctx.rng(`network/${node}`);
    s.rngs.set(node, r);
  }
  return r;
}

// ------------------------------------------------------------------ the walk

type Arrival = { kind: 'local' } | { kind: 'incoming'; iface: 'cni0' | 'flannel.1' | 'eth0' };

/** The nodes a connection's SYN crossed, and the conntrack entries it created there. */
interface Conn {
  path: string[];
  entries: Array<{ node: string; entry: ConntrackEntry }>;
  /**
   * The SYN as it reached the first node: what the client's socket is connected to (its dst) and
   * from (its src). A reply the client accepts must come back as its inverse.
   */
  first: Packet | undefined;
}

type Listener =
  | { kind: 'pod'; node: string; pod: StoredPod; server: ServerProcess; hang: boolean }
  | { kind: 'host'; node: string; pod: StoredPod; server: ServerProcess }
  | { kind: 'userspace'; node: string; svcKey: string }
  | { kind: 'health'; node: string; namespace: string; name: string; local: number };

type SynOutcome =
  | { ok: true; listener: Listener; delivered: Packet; conn: Conn }
  | {
      ok: false;
      error: 'refused' | 'timeout' | 'unreachable';
      conn: Conn;
      /** A refusal by a pod's kernel: the SYN it answers with a RST (which travels back). */
      rstFor?: Packet;
    };

const BASE_TABLES: Tables = kubeletBaseTables();

const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const key = (ip: string, port: number): string => ipPort(ip, port);
const ends = (p: Pick<Packet, 'src' | 'sport' | 'dst' | 'dport'>): Endpoints => ({
  src: key(p.src, p.sport),
  dst: key(p.dst, p.dport),
});
const tupleOf = (p: Packet): Tuple => ({
  proto: p.proto,
  src: p.src,
  sport: p.sport,
  dst: p.dst,
  dport: p.dport,
});
const nsName = (o: KObject): string =>
  `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

/** Exported for the DNS layer (dns/query.ts), which walks UDP queries with the same machinery. */
export class Walk {
  readonly hops: Hop[] = [];
  t = 0;
  readonly dataplane: Dataplane;
  private readonly env: ContainerEnv;

  constructor(
    readonly ctx: ClusterContext,
    readonly now0: number,
  ) {
    this.dataplane = dataplaneOf(ctx);
    this.env = { store: ctx.store, clock: ctx.clock, context: ctx, advance: () => undefined };
  }

  get now(): number {
    return this.now0 + this.t;
  }

  hop(h: Omit<Hop, 'atMs'>, cost = NODE_HOP_MS): void {
    this.t = round3(this.t + cost);
    // Callers pass a fresh literal: completing it is cheaper than a spread copy.
    const hop = h as Hop;
    hop.atMs = this.t;
    this.hops.push(hop);
  }

  // ---------------------------------------------------------------- the cluster

  nodeIP(node: string): string {
    return netNodeOf(this.ctx, node)?.ip ?? '';
  }

  nodeObject(node: string): StoredNode | undefined {
    return this.ctx.store.get<StoredNode>('Node', undefined, node);
  }

  nodeDown(node: string): boolean {
    return this.nodeObject(node)?.metadata.annotations?.[FAULT_ANNOTATION] === 'down';
  }

  localAddresses(node: string): ReadonlySet<string> {
    return nodeLocalAddresses(this.ctx, node);
  }

  route(node: string, dst: string): RouteLookup {
    return (
      routeLookup(this.ctx, node, dst) ?? { kind: 'default', dev: 'eth0', src: this.nodeIP(node) }
    );
  }

  podsOn(node: string): StoredPod[] {
    ensurePodNodeIndex(this.ctx.store);
    return this.ctx.store.byIndex<StoredPod>('Pod', 'nodeName', node);
  }

  /** The pod whose sandbox holds `ip` on this node's pod network. */
  podWithIP(node: string, ip: string): StoredPod | undefined {
    return nodePodsByIP(this.ctx, node).get(ip);
  }

  /** The protocol the walked packets use: servers are what listens on it (DNS walks UDP). */
  readonly listenProtocol: 'TCP' | 'UDP' = 'TCP';

  /** A running container of the pod listening on the port (TCP, or the walk's protocol). */
  listening(pod: StoredPod, port: number): ServerProcess | undefined {
    for (const c of pod.spec?.containers ?? []) {
      const rc = runningContainer(this.env, pod, c.name);
      if (rc && listeningPort(rc.proc, port, this.listenProtocol)) {
        return {
          proc: rc.proc,
          port,
          hostname: podHostname(pod),
          podIP: pod.status?.podIP ?? '',
          startedAt: rc.startedAt,
        };
      }
    }
    return undefined;
  }

  passEnv(node: string, dp: NodeDataplane | undefined, arrival: Arrival): PassEnv {
    const nf = nodeNetfilterState(this.dataplane, node);
    const locals = this.localAddresses(node);
    const rng = rngOf(this.ctx, node);
    const env: PassEnv = {
      now: this.now,
      random: () => rng.float(),
      isLocalAddress: (ip) => ip.startsWith('127.') || locals.has(ip),
      recent: nf.recent,
      // Only a pod's packets come in over a bridge port (its veth on cni0): -m physdev.
      physdevIsIn: arrival.kind === 'incoming' && arrival.iface === 'cni0',
    };
    if (dp) {
      env.ipset = ipsetTester(dp.ipsets);
      env.counters = dp.counters;
      env.policyCounters = dp.policyCounters;
    }
    const redirect = this.incomingAddress(node, arrival);
    if (redirect !== undefined) env.redirectAddress = redirect;
    return env;
  }

  /** The primary address of the interface a packet came in on (where REDIRECT sends it). */
  incomingAddress(node: string, arrival: Arrival): string | undefined {
    if (arrival.kind === 'local') return undefined;
    return nodeInterfaceAddress(this.ctx, node, arrival.iface);
  }

  /**
   * The next source port of a client (a per-node counter from 32768). A port whose connection to
   * the same destination is still tracked (TIME_WAIT) is skipped, as the kernel would.
   */
  nextPort(
    client: string,
    src: string,
    dst: { ip: string; port: number },
    conntrackNode: string | undefined,
  ): number {
    const s = netState(this.ctx);
    let port = s.ports.get(client) ?? EPHEMERAL_MIN;
    const ct = conntrackNode
      ? nodeNetfilterState(this.dataplane, conntrackNode).conntrack
      : undefined;
    for (let tries = 0; tries < 1000; tries++) {
      const candidate = port;
      port = port >= EPHEMERAL_MAX ? EPHEMERAL_MIN : port + 1;
      const tuple: Tuple = { proto: 'tcp', src, sport: candidate, dst: dst.ip, dport: dst.port };
      if (!ct?.lookup(tuple, this.now)) {
        s.ports.set(client, port);
        return candidate;
      }
    }
    s.ports.set(client, port);
    return port;
  }

  // ---------------------------------------------------------------- netfilter hops

  /**
   * The rules a pass matched, as hops; `routeHop` (the routing decision) goes in before step
   * `routeAt`, where the kernel makes it: between PREROUTING/OUTPUT and FORWARD/POSTROUTING.
   */
  emitSteps(
    node: string,
    before: Packet,
    steps: readonly Step[],
    after: Packet,
    routeAt?: number,
    routeHop?: () => void,
  ): void {
    let cur: Packet = copyPacket(before);
    for (let i = 0; i < steps.length; i++) {
      if (i === routeAt) routeHop?.();
      const s = steps[i]!;
      if (s.effect.kind === 'policy' || !s.rule) continue;
      const chain = {
        table: s.table,
        chain: s.chain,
        index: s.index,
        rule: saveRule(s.chain, s.rule),
      };
      const comment = commentOf(s.rule);
      const note = comment ? ` (${comment})` : '';
      const e = s.effect;
      switch (e.kind) {
        case 'jump':
          this.hop({ kind: 'chain', node, chain, what: `${s.chain} → ${e.chain}${note}` });
          break;
        case 'return':
          this.hop({ kind: 'chain', node, chain, what: `${s.chain}: RETURN${note}` });
          break;
        case 'none':
          this.hop({ kind: 'chain', node, chain, what: `${s.chain}: ${comment ?? 'counted'}` });
          break;
        case 'mark':
          this.hop({
            kind: 'chain',
            node,
            chain,
            what:
              (e.mark & MASQ_MARK) !== 0
                ? `${s.chain}: MARK 0x${MASQ_MARK.toString(16)} — to be masqueraded`
                : `${s.chain}: clear the masquerade mark`,
          });
          break;
        case 'verdict':
          this.hop({ kind: 'chain', node, chain, what: `${s.chain}: ${e.verdict}${note}` });
          break;
        case 'dnat':
        case 'redirect': {
          const b = ends(cur);
          cur = copyPacket(cur);
          cur.dst = e.ip;
          cur.dport = e.port;
          const a = ends(cur);
          const verb = e.kind === 'dnat' ? 'DNAT' : 'REDIRECT';
          this.hop({
            kind: 'chain',
            node,
            chain,
            what: `${s.chain}: ${verb} ${b.dst} → ${a.dst}${note}`,
            before: b,
            after: a,
          });
          break;
        }
        case 'masquerade': {
          const b = ends(cur);
          cur = copyPacket(cur);
          cur.src = after.src;
          cur.sport = after.sport;
          const a = ends(cur);
          this.hop({
            kind: 'chain',
            node,
            chain,
            what: `${s.chain}: MASQUERADE ${b.src} → ${a.src}${note}`,
            before: b,
            after: a,
          });
          break;
        }
      }
    }
    if (routeAt !== undefined && routeAt >= steps.length) routeHop?.();
  }

  // ---------------------------------------------------------------- one node

  /** The SYN at a node: its hooks, its routing decision, then on to wherever that sends it. */
  atNode(node: string, pkt: Packet, arrival: Arrival, conn: Conn): SynOutcome {
    if (conn.path.length === 0) conn.first = pkt;
    conn.path.push(node);
    if (arrival.kind === 'incoming' && this.nodeDown(node)) {
      this.hop({ kind: 'fail', node, what: `${node} is down: nothing receives the packet` });
      return { ok: false, error: 'timeout', conn };
    }
    const dp = this.dataplane.nodes.get(node);
    const tables = dp?.tables ?? BASE_TABLES;
    const env = this.passEnv(node, dp, arrival);
    const nf = nodeNetfilterState(this.dataplane, node);

    if (dp?.mode === 'ipvs') {
      const vs = dp.virtualServers.find(
        (v) =>
          v.protocol === (pkt.proto === 'udp' ? 'UDP' : 'TCP') &&
          v.address === pkt.dst &&
          v.port === pkt.dport,
      );
      if (vs) return this.ipvsPass(node, pkt, arrival, conn, dp, vs, env);
    }

    const holder: { r?: RouteLookup } = {};
    const res = natPass({
      tables,
      conntrack: nf.conntrack,
      packet: pkt,
      origin: arrival.kind === 'local' ? 'local' : 'incoming',
      env,
      route: (p) => {
        const r = this.route(node, p.dst);
        holder.r = r;
        return { local: r.kind === 'local', outgoingAddress: r.src };
      },
    });
    if (res.entry) conn.entries.push({ node, entry: res.entry });
    const routed = holder.r;
    const showRoute = routed
      ? () => this.hop({ kind: 'route', node, what: this.routeWhat(node, res.packet.dst, routed) })
      : undefined;
    this.emitSteps(node, pkt, res.steps, res.packet, res.routeAtStep, showRoute);
    if (res.verdict === 'REJECT') {
      this.hop({
        kind: 'fail',
        node,
        what: 'REJECT: the node answers ICMP port unreachable — the client sees "Connection refused"',
      });
      return { ok: false, error: 'refused', conn };
    }
    if (res.verdict === 'DROP') {
      this.hop({
        kind: 'fail',
        node,
        what: 'DROP: the packet is discarded without an answer — the client retries, then times out',
      });
      return { ok: false, error: 'timeout', conn };
    }
    const out = res.packet;
    if (routed) return this.afterRouting(node, out, routed, conn, true);
    return this.afterRouting(node, out, this.route(node, out.dst), conn);
  }

  /** What the routing decision for `dst` says (`ip route get`, in words). */
  routeWhat(node: string, dst: string, r: RouteLookup): string {
    switch (r.kind) {
      case 'local':
        return `${dst} is an address of ${node}: local delivery`;
      case 'pod-local':
        return `${dst} is on ${node}'s pod network: dev cni0`;
      case 'overlay':
        return `${dst} via ${r.via ?? ''} dev flannel.1 (${r.peerNode ?? ''}'s pod network)`;
      case 'node-network':
        return r.peerNode
          ? `${dst} is ${r.peerNode}: dev eth0`
          : `${dst} is on the node network: dev eth0`;
      case 'default':
        return `${dst}: default via ${r.via ?? ''} dev eth0`;
    }
  }

  /**
   * Where the routing decision sends the packet. Its hop comes first, unless the caller showed it
   * already (`shown`: between the rules, where the kernel makes it).
   */
  afterRouting(node: string, pkt: Packet, r: RouteLookup, conn: Conn, shown = false): SynOutcome {
    if (!shown) this.hop({ kind: 'route', node, what: this.routeWhat(node, pkt.dst, r) });
    switch (r.kind) {
      case 'local':
        return this.localDelivery(node, pkt, conn);
      case 'pod-local':
        return this.toPod(node, pkt, conn);
      case 'overlay': {
        const peer = r.peerNode ?? '';
        this.hop(
          {
            kind: 'wire',
            node,
            what: `VXLAN: ${node} ${this.nodeIP(node)} → ${peer} ${this.nodeIP(peer)} (UDP 8472)`,
          },
          WIRE_HOP_MS,
        );
        return this.atNode(peer, pkt, { kind: 'incoming', iface: 'flannel.1' }, conn);
      }
      case 'node-network': {
        if (r.peerNode) {
          const peer = r.peerNode;
          this.hop(
            { kind: 'wire', node, what: `node network: ${node} → ${peer} ${this.nodeIP(peer)}` },
            WIRE_HOP_MS,
          );
          return this.atNode(peer, pkt, { kind: 'incoming', iface: 'eth0' }, conn);
        }
        if (pkt.dst === LAPTOP_IP) {
          this.hop({ kind: 'wire', node, what: `node network: ${node} → the laptop` }, WIRE_HOP_MS);
          this.hop({
            kind: 'fail',
            what: `nothing listens on the laptop's port ${pkt.dport}: RST`,
          });
          return { ok: false, error: 'refused', conn };
        }
        this.hop({ kind: 'fail', node, what: `no machine answers ARP for ${pkt.dst}` });
        return { ok: false, error: 'unreachable', conn };
      }
      case 'default':
        this.hop({
          kind: 'fail',
          node,
          what: `nothing in the simulated network answers for ${pkt.dst}: the SYN is lost beyond the gateway`,
        });
        return { ok: false, error: 'timeout', conn };
    }
  }

  /** Delivered to the node itself: the userspace proxy, kube-proxy's health check, host pods. */
  localDelivery(node: string, pkt: Packet, conn: Conn): SynOutcome {
    const dp = this.dataplane.nodes.get(node);
    const accepted = (listener: Listener, what: string): SynOutcome => {
      this.hop({ kind: 'deliver', node, what });
      return { ok: true, listener, delivered: pkt, conn };
    };
    if (dp?.mode === 'userspace') {
      const svcKey = this.proxyServiceAt(dp, pkt.dport);
      if (svcKey) {
        return accepted(
          { kind: 'userspace', node, svcKey },
          `kube-proxy's socket for ${svcKey} accepts on ${key(pkt.dst, pkt.dport)}`,
        );
      }
    }
    if (dp?.mode !== 'userspace') {
      const hc = this.healthCheckAt(node, pkt.dport);
      if (hc) {
        return accepted(
          hc,
          `kube-proxy's health check server for ${hc.namespace}/${hc.name} accepts`,
        );
      }
    }
    for (const pod of this.podsOn(node)) {
      if (pod.spec?.hostNetwork !== true) continue;
      const server = this.listening(pod, pkt.dport);
      if (server) {
        return accepted(
          { kind: 'host', node, pod, server },
          `${nsName(pod)} (host network) accepts on ${key(pkt.dst, pkt.dport)}`,
        );
      }
    }
    this.hop({
      kind: 'fail',
      node,
      what: `nothing listens on ${node} port ${pkt.dport}: the kernel answers RST`,
    });
    return { ok: false, error: 'refused', conn };
  }

  /** The service port whose proxy socket listens on `port` (the node's `proxyPorts`). */
  proxyServiceAt(dp: NodeDataplane, port: number): string | undefined {
    for (const [svcKey, p] of dp.proxyPorts) if (p === port) return svcKey;
    return undefined;
  }

  healthCheckAt(node: string, port: number): Extract<Listener, { kind: 'health' }> | undefined {
    for (const svc of this.ctx.store.list<StoredService>('Service')) {
      if (svc.spec?.type !== 'LoadBalancer' || svc.spec.healthCheckNodePort !== port) continue;
      const ns = svc.metadata.namespace ?? 'default';
      const name = svc.metadata.name ?? '';
      return {
        kind: 'health',
        node,
        namespace: ns,
        name,
        local: this.localEndpoints(ns, name, node),
      };
    }
    return undefined;
  }

  /** Ready endpoints of a Service on a node (what its health check counts). */
  localEndpoints(namespace: string, name: string, node: string): number {
    const ips = new Set<string>();
    for (const s of this.ctx.store.list<StoredSlice>('EndpointSlice', { namespace })) {
      if (s.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
      for (const ep of s.endpoints ?? []) {
        if (ep.nodeName === node && ep.conditions?.ready !== false && ep.addresses[0]) {
          ips.add(ep.addresses[0]);
        }
      }
    }
    return ips.size;
  }

  toPod(node: string, pkt: Packet, conn: Conn): SynOutcome {
    const pod = this.podWithIP(node, pkt.dst);
    if (!pod) {
      this.hop({
        kind: 'fail',
        node,
        what: `no pod on ${node} has ${pkt.dst}: ARP gets no answer`,
      });
      return { ok: false, error: 'unreachable', conn };
    }
    const name = nsName(pod);
    const fault = pod.metadata.annotations?.[FAULT_ANNOTATION];
    if (fault === 'freeze') {
      this.hop({
        kind: 'fail',
        node,
        pod: name,
        what: `${name} is frozen (${FAULT_ANNOTATION}=freeze): the packet is dropped`,
      });
      return { ok: false, error: 'timeout', conn };
    }
    this.hop({
      kind: 'deliver',
      node,
      pod: name,
      what: `cni0 → ${vethNameOf(pod.metadata.uid ?? '')} → eth0 of ${name} (${key(pkt.dst, pkt.dport)})`,
    });
    const server = fault === 'refuse' ? undefined : this.listening(pod, pkt.dport);
    if (!server) {
      this.hop({
        kind: 'fail',
        node,
        pod: name,
        what:
          fault === 'refuse'
            ? `${name} refuses (${FAULT_ANNOTATION}=refuse): its kernel answers RST`
            : `nothing listens on port ${pkt.dport} in ${name}: its kernel answers RST`,
      });
      return { ok: false, error: 'refused', conn, rstFor: pkt };
    }
    return {
      ok: true,
      listener: { kind: 'pod', node, pod, server, hang: fault === 'hang' },
      delivered: pkt,
      conn,
    };
  }

  /**
   * ipvs mode, a packet for one of the node's virtual servers: PREROUTING and INPUT (or OUTPUT
   * for the node's own), then IPVS picks a real server and rewrites the destination, then the
   * packet leaves through OUTPUT's filter and POSTROUTING's nat (masquerade).
   * Models net/netfilter/ipvs/ip_vs_core.c ip_vs_in (LOCAL_IN / LOCAL_OUT) and ip_vs_nat_xmit.
   */
  ipvsPass(
    node: string,
    pkt: Packet,
    arrival: Arrival,
    conn: Conn,
    dp: NodeDataplane,
    vs: VirtualServer,
    baseEnv: PassEnv,
  ): SynOutcome {
    const nf = nodeNetfilterState(this.dataplane, node);
    const original = tupleOf(pkt);
    const ctstate: CtState[] = ['NEW'];
    let cur: Packet = copyPacket(pkt);
    const run = (table: TableName, hook: Hook, outgoingAddress?: string) => {
      const env: EvalEnv = { ...baseEnv, ctstate };
      if (outgoingAddress !== undefined) env.outgoingAddress = outgoingAddress;
      const before = cur;
      const t = traverse(dp.tables, table, hook, cur, env);
      cur = t.packet;
      return { t, before };
    };
    const refused = (what: string): SynOutcome => {
      this.hop({ kind: 'fail', node, what });
      return { ok: false, error: 'refused', conn };
    };
    {
      const { t, before } = run('nat', arrival.kind === 'local' ? 'OUTPUT' : 'PREROUTING');
      this.emitSteps(node, before, t.steps, t.packet);
      if (t.verdict === 'DROP') return this.dropped(node, conn);
      if (t.verdict === 'REJECT') return refused('REJECT: ICMP port unreachable');
    }
    if (arrival.kind !== 'local') {
      this.hop({ kind: 'route', node, what: `${cur.dst} is bound to kube-ipvs0: local delivery` });
      const { t, before } = run('filter', 'INPUT');
      this.emitSteps(node, before, t.steps, t.packet);
      if (t.verdict === 'DROP') return this.dropped(node, conn);
      if (t.verdict === 'REJECT') return refused('REJECT: ICMP port unreachable');
    }
    const rs = ipvsSchedulerOf(this.ctx, node).schedule(vs, cur.src, this.now);
    if (!rs) {
      return refused(
        `IPVS ${vs.protocol} ${key(vs.address, vs.port)} has no real server: ICMP port unreachable`,
      );
    }
    const b = ends(cur);
    cur = copyPacket(cur);
    cur.dst = rs.address;
    cur.dport = rs.port;
    ctstate.push('DNAT');
    this.hop({
      kind: 'kube-proxy',
      node,
      what: `IPVS ${vs.protocol} ${key(vs.address, vs.port)} (${vs.scheduler}) → ${key(rs.address, rs.port)} Masq`,
      before: b,
      after: ends(cur),
    });
    {
      const { t, before } = run('filter', 'OUTPUT');
      this.emitSteps(node, before, t.steps, t.packet);
      if (t.verdict === 'DROP') return this.dropped(node, conn);
      if (t.verdict === 'REJECT') return refused('REJECT: ICMP port unreachable');
    }
    const r = this.route(node, cur.dst);
    this.hop({ kind: 'route', node, what: this.routeWhat(node, cur.dst, r) });
    const { t, before } = run('nat', 'POSTROUTING', r.src);
    if (t.masquerade) {
      const rng = rngOf(this.ctx, node);
      let sport = cur.sport;
      if (t.masquerade.randomFully) sport = 1024 + rng.int(65535 - 1024 + 1);
      let translated: Tuple = { ...tupleOf(cur), src: t.masquerade.address, sport };
      for (let tries = 0; nf.conntrack.isTaken(translated, this.now) && tries < 100; tries++) {
        translated = { ...translated, sport: 1024 + rng.int(65535 - 1024 + 1) };
      }
      cur = copyPacket(cur);
      cur.src = translated.src;
      cur.sport = translated.sport;
    }
    this.emitSteps(node, before, t.steps, cur);
    if (t.verdict !== 'ACCEPT') return this.dropped(node, conn);
    try {
      conn.entries.push({ node, entry: nf.conntrack.confirm(original, tupleOf(cur), this.now) });
    } catch {
      // A tuple already tracked (a reused port): the kernel would drop the SYN as a clash.
      return this.dropped(node, conn);
    }
    return this.afterRouting(node, cur, r, conn, true);
  }

  dropped(node: string, conn: Conn): SynOutcome {
    this.hop({ kind: 'fail', node, what: 'DROP: the packet is discarded without an answer' });
    return { ok: false, error: 'timeout', conn };
  }

  // ---------------------------------------------------------------- replies

  /**
   * Whether the server's reply leaves its node for somewhere else than where the SYN came from.
   * On the server's node conntrack turns the reply's destination back into the SYN's source as
   * it arrived there (the entry's original tuple), and routing sends it on: to the node the SYN
   * came from when a node in between masqueraded it or the client sits behind that node, but
   * straight to an outside client when nobody did — past the node that DNATed the SYN (ipvs
   * mode's #97081 fallback to cluster-wide endpoints for external traffic).
   * Cheap (one cached route): sendRequest asks before the server's answer, to know whether the
   * handshake completes at all.
   */
  replyLeavesPath(conn: Conn): boolean {
    const path = conn.path;
    const node = path[path.length - 1];
    if (node === undefined || path.length < 2) return false;
    let entry: ConntrackEntry | undefined;
    for (let i = conn.entries.length - 1; i >= 0; i--) {
      const e = conn.entries[i] as { node: string; entry: ConntrackEntry };
      if (e.node === node) {
        entry = e.entry;
        break;
      }
    }
    if (!entry) return false;
    const r = this.route(node, entry.original.src);
    const next = r.kind === 'overlay' || r.kind === 'node-network' ? r.peerNode : undefined;
    return next !== path[path.length - 2];
  }

  /**
   * The server's first reply, from the server's node as routing takes it: on each node conntrack
   * finds the connection and undoes its NAT (un-SNAT of the destination, un-DNAT of the source),
   * then the route to the (restored) destination says where it goes next — another node (a
   * `wire` hop), or the client (a pod or process of that node, the node network, the gateway).
   * Normally that retraces the SYN's path, since whoever translated the SYN made the reply come
   * back to it. Returns the reply as the client receives it; undefined when the client discards
   * it because it is not the inverse of what the client sent (never un-DNATed: it comes from the
   * pod, not from the address the client connected to), with the hops that show it.
   */
  replyThrough(conn: Conn, delivered: Packet): Packet | undefined {
    let r: Packet = {
      proto: delivered.proto,
      src: delivered.dst,
      sport: delivered.dport,
      dst: delivered.src,
      dport: delivered.sport,
      bytes: SYN_BYTES,
      mark: 0,
    };
    const path = conn.path;
    let node = path[path.length - 1];
    // A pod talking to itself over its loopback: no node involved.
    if (node === undefined) return r;
    // Bounded: a routing loop between nodes cannot happen in the simulated network, but the
    // walk must end regardless.
    for (let n = 0; n < path.length + 4; n++) {
      const ct = nodeNetfilterState(this.dataplane, node).conntrack;
      const lk = ct.lookup(tupleOf(r), this.now);
      if (lk) {
        const b = ends(r);
        if (lk.dst || lk.src) r = copyPacket(r);
        if (lk.dst) {
          r.dst = lk.dst.ip;
          r.dport = lk.dst.port;
        }
        if (lk.src) {
          r.src = lk.src.ip;
          r.sport = lk.src.port;
        }
        ct.seen(lk.entry, lk.direction, this.now);
        const a = ends(r);
        if (a.src !== b.src || a.dst !== b.dst) {
          const parts: string[] = [];
          if (a.src !== b.src) parts.push(`source ${b.src} → ${a.src} (un-DNAT)`);
          if (a.dst !== b.dst) parts.push(`destination ${b.dst} → ${a.dst} (un-SNAT)`);
          this.hop({
            kind: 'chain',
            node,
            what: `conntrack rewrites the reply: ${parts.join(', ')}`,
            before: b,
            after: a,
          });
        }
      }
      const route = this.route(node, r.dst);
      const next =
        route.kind === 'overlay' || route.kind === 'node-network' ? route.peerNode : undefined;
      if (next === undefined || next === node) break;
      this.hop({ kind: 'wire', node: next, what: `reply: ${node} → ${next}` }, WIRE_HOP_MS);
      node = next;
    }
    const first = conn.first;
    if (
      first === undefined ||
      (r.src === first.dst &&
        r.sport === first.dport &&
        r.dst === first.src &&
        r.dport === first.sport)
    ) {
      return r;
    }
    return this.replyDiscarded(node, r, first, path[0] as string);
  }

  /** The client got a reply that belongs to none of its connections: it drops it. */
  replyDiscarded(node: string, r: Packet, first: Packet, entered: string): undefined {
    const laptop = r.dst === LAPTOP_IP;
    const internet = r.dst === INTERNET_CLIENT_IP;
    const who = laptop ? 'the laptop' : internet ? 'the client on the internet' : r.dst;
    if (laptop || internet) {
      this.hop(
        {
          kind: 'wire',
          node,
          what:
            `reply: ${node} → ${who}, straight ${laptop ? 'over the node network' : 'out by the default gateway'}` +
            ` (not back through ${entered}, where the SYN was translated)`,
          before: ends(r),
        },
        WIRE_HOP_MS,
      );
    }
    this.hop({
      kind: 'fail',
      what:
        `${who} drops the reply: it comes from ${key(r.src, r.sport)}, but ${who} is connecting ` +
        `to ${key(first.dst, first.dport)}; no connection of ${who} matches, so its SYN stays ` +
        'unanswered and the connection times out',
    });
    return undefined;
  }

  close(conns: readonly Conn[], how: 'close' | 'reset'): void {
    for (const c of conns) {
      for (const { node, entry } of c.entries) {
        const ct = nodeNetfilterState(this.dataplane, node).conntrack;
        if (how === 'close') ct.close(entry, this.now);
        else ct.reset(entry, this.now);
      }
    }
  }
}

function commentOf(rule: Rule): string | undefined {
  for (const m of rule.matches) if (m.m === 'comment') return m.comment;
  return undefined;
}

// ------------------------------------------------------------------ clients

interface Client {
  /** `pod/default/busybox`, `node/node1`, `outside/laptop`, `outside/internet`. */
  label: string;
  ip: string;
  /** The node whose stack the client uses (absent outside the cluster). */
  node?: string;
  pod?: StoredPod;
  kind: 'pod' | 'node' | 'laptop' | 'internet';
}

function resolveClient(w: Walk, from: RequestFrom, address: string): Client | string {
  switch (from.kind) {
    case 'pod': {
      const pod = w.ctx.store.get<StoredPod>('Pod', from.namespace, from.name);
      const label = `pod/${from.namespace}/${from.name}`;
      if (!pod) return `pod "${from.name}" not found in namespace "${from.namespace}"`;
      const node = pod.spec?.nodeName;
      const ip = pod.status?.podIP;
      if (!node || !ip) return `pod ${from.namespace}/${from.name} has no network yet`;
      if (pod.spec?.hostNetwork === true)
        return { label, ip: w.nodeIP(node), node, pod, kind: 'node' };
      return { label, ip, node, pod, kind: 'pod' };
    }
    case 'node': {
      const n = netNodeOf(w.ctx, from.name);
      if (!n) return `node "${from.name}" not found`;
      return { label: `node/${from.name}`, ip: n.ip, node: from.name, kind: 'node' };
    }
    case 'outside': {
      if (isLoadBalancerAddress(w.ctx, address) || address.startsWith(CLOUD_LB_PREFIX)) {
        return { label: 'outside/internet', ip: INTERNET_CLIENT_IP, kind: 'internet' };
      }
      return { label: 'outside/laptop', ip: LAPTOP_IP, kind: 'laptop' };
    }
  }
}

function isLoadBalancerAddress(ctx: ClusterContext, address: string): boolean {
  return ctx.store
    .list<StoredService>('Service')
    .some((s) => s.status?.loadBalancer?.ingress?.some((i) => i.ip === address) === true);
}

// ------------------------------------------------------------------ sendRequest

/** What the client's side ends with, before it becomes a TraceOutcome. */
type Ending =
  | { kind: 'answer'; answer: HttpAnswer; server: NonNullable<Trace['server']> }
  | { kind: 'fail'; error: TraceError; connected: boolean; detail?: FailDetail };

/**
 * Send one request and trace it. Never throws for a request the cluster cannot carry: the
 * failure is in the Trace. Does not move the clock (see the module header).
 */
export function sendRequest(ctx: ClusterContext, opts: RequestOptions): Trace {
  const w = new Walk(ctx, ctx.clock.now());
  const scheme = opts.scheme ?? 'http';
  const method = opts.method ?? 'GET';
  const path = opts.path ?? '/';
  const defaultPort = scheme === 'https' ? 443 : 80;
  const authority = opts.port === defaultPort ? opts.address : `${opts.address}:${opts.port}`;
  const request = {
    from: '',
    method,
    url: `${scheme}://${authority}${path}`,
    host: opts.host ?? authority,
  };
  const client = resolveClient(w, opts.from, opts.address);
  if (typeof client === 'string') {
    w.hop({ kind: 'fail', what: client }, 0);
    return {
      request: { ...request, from: fromLabel(opts.from) },
      hops: w.hops,
      outcome: { ok: false, error: 'unreachable', message: client, connected: false },
      durationMs: 0,
    };
  }
  request.from = client.label;

  const conns: Conn[] = [];
  const syn = connectFromClient(w, client, opts.address, opts.port, conns);
  const clientPort = syn.clientPort;
  const connectLimit = minDefined(opts.connectTimeoutMs, opts.timeoutMs);

  let ending: Ending;
  if (!syn.outcome.ok) {
    ending = connectFailure(w, syn.outcome, conns);
  } else {
    ending = afterConnect(w, syn.outcome, syn.viaLoadBalancer, {
      method,
      path,
      host: request.host,
      scheme,
      insecure: opts.insecure === true,
      clientIP: client.ip,
      clientPod: client.pod ? nsName(client.pod) : undefined,
      clientNode: client.node,
      conns,
    });
  }

  // The client's overall limit (curl -m) cuts whatever took longer.
  let durationMs = w.t;
  let timedOut: 'client' | 'kernel' | 'give-up' | undefined;
  if (ending.kind === 'fail' && ending.error === 'timeout') {
    if (!ending.connected) {
      if (connectLimit !== undefined && connectLimit < KERNEL_CONNECT_TIMEOUT_MS) {
        durationMs = connectLimit + 1;
        timedOut = 'client';
      } else {
        durationMs = KERNEL_CONNECT_TIMEOUT_MS;
        timedOut = 'kernel';
      }
    } else if (opts.timeoutMs !== undefined) {
      durationMs = opts.timeoutMs;
      timedOut = 'client';
    } else {
      durationMs = UNANSWERED_GIVE_UP_MS;
      timedOut = 'give-up';
    }
  } else if (ending.kind === 'fail' && ending.error === 'unreachable' && !ending.connected) {
    durationMs = round3(w.t + ARP_FAILURE_MS);
    if (connectLimit !== undefined && connectLimit < durationMs) {
      ending = { kind: 'fail', error: 'timeout', connected: false };
      durationMs = connectLimit + 1;
      timedOut = 'client';
    }
  }
  if (
    opts.timeoutMs !== undefined &&
    durationMs > opts.timeoutMs &&
    !(ending.kind === 'fail' && ending.error === 'timeout')
  ) {
    const connected = ending.kind === 'answer' || ending.connected;
    ending = { kind: 'fail', error: 'timeout', connected };
    durationMs = connected ? opts.timeoutMs : opts.timeoutMs + 1;
    timedOut = 'client';
  }

  const outcome = toOutcome(ending, timedOut);
  const trace: Trace = { request, hops: w.hops, outcome, durationMs };
  if (clientPort !== undefined) trace.client = { ip: client.ip, port: clientPort };
  if (ending.kind === 'answer') trace.server = ending.server;
  return trace;
}

function fromLabel(from: RequestFrom): string {
  if (from.kind === 'pod') return `pod/${from.namespace}/${from.name}`;
  if (from.kind === 'node') return `node/${from.name}`;
  return 'outside/laptop';
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function toOutcome(
  ending: Ending,
  timedOut: 'client' | 'kernel' | 'give-up' | undefined,
): TraceOutcome {
  if (ending.kind === 'answer') {
    const a = ending.answer;
    if (a.kind === 'response') {
      return {
        ok: true,
        status: a.status,
        reason: a.reason,
        httpVersion: a.httpVersion,
        headers: a.headers,
        body: a.body,
      };
    }
    return a.kind === 'empty-reply'
      ? {
          ok: false,
          error: 'protocol',
          message: 'Empty reply from server',
          connected: true,
          detail: 'empty-reply',
        }
      : {
          ok: false,
          error: 'protocol',
          message: 'Received HTTP/0.9 when not allowed',
          connected: true,
          detail: 'http09',
        };
  }
  const message = FAIL_MESSAGES[ending.error](ending.connected, ending.detail);
  const out: TraceOutcome = {
    ok: false,
    error: ending.error,
    message,
    connected: ending.connected,
  };
  if (ending.detail) out.detail = ending.detail;
  else if (timedOut === 'give-up') out.detail = 'give-up';
  if (timedOut) out.timedOut = timedOut === 'give-up' ? 'client' : timedOut;
  return out;
}

const FAIL_MESSAGES: Record<TraceError, (connected: boolean, detail?: FailDetail) => string> = {
  refused: () => 'Connection refused',
  timeout: (connected) =>
    connected ? 'the server accepted the connection but never answered' : 'Connection timed out',
  unreachable: () => 'No route to host',
  reset: () => 'Connection reset by peer',
  resolve: () => 'Could not resolve host',
  protocol: (_c, detail) =>
    detail === 'tls-verify'
      ? 'SSL certificate problem: unable to get local issuer certificate'
      : detail === 'tls-version'
        ? 'error:0A00010B:SSL routines::wrong version number'
        : 'Empty reply from server',
};

/** The client's SYN, from wherever the client is, to the socket that takes it (or the failure). */
function connectFromClient(
  w: Walk,
  client: Client,
  address: string,
  port: number,
  conns: Conn[],
): { outcome: SynOutcome; clientPort?: number; viaLoadBalancer?: LoadBalancerLeg } {
  const conn: Conn = { path: [], entries: [], first: undefined };
  conns.push(conn);
  const packet = (src: string, sport: number): Packet => ({
    proto: 'tcp',
    src,
    sport,
    dst: address,
    dport: port,
    bytes: SYN_BYTES,
    mark: 0,
  });

  if (client.kind === 'pod' && client.node && client.pod) {
    const node = client.node;
    const name = nsName(client.pod);
    const sport = w.nextPort(node, client.ip, { ip: address, port }, node);
    const pkt = packet(client.ip, sport);
    if (address === client.ip || address.startsWith('127.')) {
      // Inside the pod's own network namespace: loopback, no node involved.
      w.hop({
        kind: 'send',
        node,
        pod: name,
        what: `${name} connects to ${key(address, port)} over its loopback`,
        before: ends(pkt),
      });
      const server = w.listening(client.pod, port);
      if (!server) {
        w.hop({
          kind: 'fail',
          node,
          pod: name,
          what: `nothing listens on port ${port} in ${name}: RST`,
        });
        return { outcome: { ok: false, error: 'refused', conn }, clientPort: sport };
      }
      w.hop({ kind: 'deliver', node, pod: name, what: `${name} accepts its own connection` });
      return {
        outcome: {
          ok: true,
          listener: { kind: 'pod', node, pod: client.pod, server, hang: false },
          delivered: pkt,
          conn,
        },
        clientPort: sport,
      };
    }
    w.hop({
      kind: 'send',
      node,
      pod: name,
      what: `${name} sends SYN ${key(pkt.src, sport)} → ${key(address, port)}: eth0 → ${vethNameOf(client.pod.metadata.uid ?? '')} on ${node}`,
      before: ends(pkt),
    });
    return {
      outcome: w.atNode(node, pkt, { kind: 'incoming', iface: 'cni0' }, conn),
      clientPort: sport,
    };
  }

  if (client.kind === 'node' && client.node) {
    const node = client.node;
    const r = w.route(node, address);
    const src = address.startsWith('127.') ? '127.0.0.1' : r.src;
    const sport = w.nextPort(node, src, { ip: address, port }, node);
    const pkt = packet(src, sport);
    w.hop({
      kind: 'send',
      node,
      ...(client.pod ? { pod: nsName(client.pod) } : {}),
      what: `${node} sends SYN ${key(src, sport)} → ${key(address, port)}`,
      before: ends(pkt),
    });
    return { outcome: w.atNode(node, pkt, { kind: 'local' }, conn), clientPort: sport };
  }

  const sport = w.nextPort(client.kind, client.ip, { ip: address, port }, undefined);
  const pkt = packet(client.ip, sport);
  if (client.kind === 'internet') {
    w.hop({
      kind: 'send',
      what: `a client on the internet (${client.ip}) sends SYN ${key(client.ip, sport)} → ${key(address, port)}`,
      before: ends(pkt),
    });
    const leg = loadBalancerLeg(w, address, port);
    if (typeof leg === 'string') {
      w.hop({ kind: 'fail', what: leg });
      return { outcome: { ok: false, error: 'timeout', conn }, clientPort: sport };
    }
    const forwarded: Packet = { ...pkt, dst: w.nodeIP(leg.node), dport: leg.nodePort };
    w.hop(
      {
        kind: 'load-balancer',
        what: `cloud load balancer ${key(address, port)} → ${leg.node} ${key(forwarded.dst, forwarded.dport)} (${leg.why})`,
        before: ends(pkt),
        after: ends(forwarded),
      },
      WIRE_HOP_MS,
    );
    return {
      outcome: w.atNode(leg.node, forwarded, { kind: 'incoming', iface: 'eth0' }, conn),
      clientPort: sport,
      viaLoadBalancer: { ...leg, address, port },
    };
  }

  // The laptop on the node network.
  w.hop({
    kind: 'send',
    what: `the laptop ${client.ip} sends SYN ${key(client.ip, sport)} → ${key(address, port)}`,
    before: ends(pkt),
  });
  const target = laptopTarget(w, address);
  if (!target) {
    if (address.startsWith('192.168.100.')) {
      w.hop({ kind: 'fail', what: `no machine on the node network answers ARP for ${address}` });
      return { outcome: { ok: false, error: 'unreachable', conn }, clientPort: sport };
    }
    w.hop({ kind: 'route', what: `${address}: default via 192.168.100.1 (the laptop's router)` });
    w.hop({ kind: 'fail', what: `nothing outside the cluster routes ${address}: the SYN is lost` });
    return { outcome: { ok: false, error: 'timeout', conn }, clientPort: sport };
  }
  w.hop(
    { kind: 'wire', what: `node network: the laptop → ${target} ${w.nodeIP(target)}` },
    WIRE_HOP_MS,
  );
  return {
    outcome: w.atNode(target, pkt, { kind: 'incoming', iface: 'eth0' }, conn),
    clientPort: sport,
  };
}

/** Which node the laptop's packet for `address` reaches (see the module header). */
function laptopTarget(w: Walk, address: string): string | undefined {
  const nodes = netNodes(w.ctx);
  const byIP = nodes.find((n) => n.ip === address);
  if (byIP) return byIP.name;
  const external = w.ctx.store
    .list<StoredService>('Service')
    .some((s) => s.spec?.externalIPs?.includes(address) === true);
  if (!external) return undefined;
  const workers = w.ctx.config.nodes.filter((n) => n.role !== 'control-plane');
  return (workers[0] ?? w.ctx.config.nodes[0])?.name;
}

interface LoadBalancerLeg {
  node: string;
  nodePort: number;
  why: string;
  address?: string;
  port?: number;
}

/**
 * The cloud load balancer of a LoadBalancer Service: its health check, then round robin over the
 * nodes that pass it. Nodes: Ready, not labelled exclude-from-external-load-balancers (kubeadm
 * labels the control plane so), not down; with externalTrafficPolicy Local, only those whose
 * kube-proxy health check answers 200 (local endpoints). The userspace proxier runs no health
 * check server (localDelivery: nothing listens on healthCheckNodePort), so in that mode no node
 * passes. When none passes, the load balancer fails open and sends to every node, as GCE's and
 * AWS NLB's do (an all-unhealthy target group routes to all targets); a node down gets nothing.
 */
function loadBalancerLeg(w: Walk, address: string, port: number): LoadBalancerLeg | string {
  for (const svc of w.ctx.store.list<StoredService>('Service')) {
    if (!svc.status?.loadBalancer?.ingress?.some((i) => i.ip === address)) continue;
    const sp = svc.spec?.ports?.find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
    if (!sp) return `the load balancer ${address} has no listener on port ${port}`;
    if (!sp.nodePort) return `the load balancer ${address} has no node port to forward to`;
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    const local = svc.spec?.externalTrafficPolicy === 'Local';
    const candidates = w.ctx.store
      .list<StoredNode>('Node')
      .filter(
        (n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true &&
          n.metadata.labels?.[EXCLUDE_LB_LABEL] === undefined &&
          n.metadata.annotations?.[FAULT_ANNOTATION] !== 'down',
      )
      .map((n) => n.metadata.name ?? '')
      .sort();
    if (candidates.length === 0)
      return `the load balancer ${address} has no node to send to: it drops the SYN`;
    const passing = local
      ? candidates.filter(
          (n) =>
            w.dataplane.nodes.get(n)?.mode !== 'userspace' && w.localEndpoints(ns, name, n) > 0,
        )
      : candidates;
    const failOpen = passing.length === 0;
    const healthy = failOpen ? candidates : passing;
    const s = netState(w.ctx);
    const lbKey = `${ns}/${name}:${port}`;
    const i = (s.lbNext.get(lbKey) ?? 0) % healthy.length;
    s.lbNext.set(lbKey, i + 1);
    const node = healthy[i] as string;
    const hc = svc.spec?.healthCheckNodePort ?? 0;
    const check = !local
      ? `healthy nodes: ${healthy.join(', ')}`
      : !failOpen
        ? `health check :${hc} passes on ${healthy.join(', ')}`
        : candidates.every((n) => w.dataplane.nodes.get(n)?.mode === 'userspace')
          ? `health check :${hc} fails on every node, as the userspace proxy serves none: the load balancer fails open to ${healthy.join(', ')}`
          : `health check :${hc} fails on every node (no local endpoints): the load balancer fails open to ${healthy.join(', ')}`;
    return { node, nodePort: sp.nodePort, why: `${check}; round robin` };
  }
  return `no load balancer answers at ${address}`;
}

function connectFailure(
  w: Walk,
  outcome: Extract<SynOutcome, { ok: false }>,
  conns: readonly Conn[],
): Ending {
  // A pod's RST is a reply like any other: routed past the node that DNATed the SYN, it reaches
  // the client from the pod's address, matches none of its connections and is ignored.
  if (outcome.rstFor && w.replyLeavesPath(outcome.conn)) {
    w.replyThrough(outcome.conn, outcome.rstFor);
    return { kind: 'fail', error: 'timeout', connected: false };
  }
  if (outcome.error === 'refused') w.close(conns, 'reset');
  return { kind: 'fail', error: outcome.error, connected: false };
}

interface AfterConnect {
  method: string;
  path: string;
  host: string;
  scheme: 'http' | 'https';
  insecure: boolean;
  clientIP: string;
  clientPod: string | undefined;
  clientNode: string | undefined;
  conns: Conn[];
}

/** The connection is established with a listener: get the answer and bring it back. */
function afterConnect(
  w: Walk,
  syn: Extract<SynOutcome, { ok: true }>,
  lb: LoadBalancerLeg | undefined,
  a: AfterConnect,
): Ending {
  let listener = syn.listener;
  let delivered = syn.delivered;
  let serverConn = syn.conn;
  /** The client's own connection (to the proxy, in userspace mode). */
  const clientConn = syn.conn;
  const clientDelivered = syn.delivered;
  // The handshake first: a SYN-ACK routed past the node that translated the SYN never completes it.
  if (w.replyLeavesPath(clientConn)) return handshakeLost(w, syn);

  if (listener.kind === 'userspace') {
    const relayed = userspaceRelay(w, listener, syn.delivered, a.conns);
    if (!relayed.ok) {
      // The proxy closes the accepted connection, the request still unread: the kernel resets it.
      w.hop({
        kind: 'fail',
        node: listener.node,
        what: `kube-proxy gives up (${relayed.error}) and closes the client's connection: RST`,
      });
      w.replyThrough(clientConn, clientDelivered);
      w.close(a.conns, 'reset');
      return { kind: 'fail', error: 'reset', connected: true };
    }
    listener = relayed.listener;
    delivered = relayed.delivered;
    serverConn = relayed.conn;
  }

  // ingress-nginx's nginx accepted: it routes and proxies on its own (see ingressNginxAnswer).
  if (
    listener.kind === 'pod' &&
    !listener.hang &&
    isIngressNginx(listener.server.proc, delivered.dport)
  ) {
    return ingressNginxAnswer(w, syn, lb, a, { listener, delivered, conn: serverConn });
  }

  if (listener.kind === 'pod' && listener.hang) {
    w.hop({
      kind: 'fail',
      node: listener.node,
      pod: nsName(listener.pod),
      what: `${nsName(listener.pod)} accepted the connection but never answers (${FAULT_ANNOTATION}=hang)`,
    });
    return { kind: 'fail', error: 'timeout', connected: true };
  }

  let answer: HttpAnswer | undefined;
  let serverNode = '';
  let serverPod: string | undefined;
  let serverWhat = '';
  switch (listener.kind) {
    case 'pod':
    case 'host': {
      serverNode = listener.node;
      serverPod = nsName(listener.pod);
      const tls = tlsCheck(listener.server, delivered.dport, a.scheme, a.insecure);
      if (tls) {
        w.replyThrough(serverConn, delivered);
        if (serverConn !== clientConn) w.replyThrough(clientConn, clientDelivered);
        w.close(a.conns, 'close');
        return { kind: 'fail', error: 'protocol', connected: true, detail: tls };
      }
      answer = httpAnswer(
        listener.server,
        { method: a.method, path: a.path, host: a.host },
        w.now,
        a.scheme === 'https' ? 'HTTPS' : 'HTTP',
      );
      serverWhat = listener.server.proc.imageId;
      break;
    }
    case 'health':
      serverNode = listener.node;
      answer = healthCheckAnswer(
        listener.namespace,
        listener.name,
        listener.local,
        w.now,
        a.method === 'HEAD',
      );
      serverWhat = 'kube-proxy health check';
      break;
    case 'userspace':
      break;
  }
  if (!answer) {
    w.hop({ kind: 'fail', node: serverNode, what: 'the server closed the connection' });
    w.close(a.conns, 'close');
    return { kind: 'fail', error: 'protocol', connected: true, detail: 'empty-reply' };
  }

  const summary =
    answer.kind === 'response'
      ? `${answer.status} ${answer.reason} (${answer.body === '' ? 'no body' : `${byteLength(answer.body)} bytes`})`
      : answer.kind === 'empty-reply'
        ? 'closes the connection without a byte'
        : `"${answer.line}" (not HTTP)`;
  w.hop({
    kind: 'answer',
    node: serverNode,
    ...(serverPod ? { pod: serverPod } : {}),
    what: `${serverPod ?? serverNode} (${serverWhat}) answers ${summary}`,
    before: ends({
      src: delivered.dst,
      sport: delivered.dport,
      dst: delivered.src,
      dport: delivered.sport,
    }),
  });
  let received = w.replyThrough(serverConn, delivered);
  if (received && serverConn !== clientConn) {
    w.hop({
      kind: 'kube-proxy',
      node: syn.listener.node,
      what: 'kube-proxy copies the answer to the client connection',
    });
    received = w.replyThrough(clientConn, clientDelivered);
  }
  if (!clientReceives(w, lb, a, answer, received)) {
    return { kind: 'fail', error: 'timeout', connected: true };
  }
  return {
    kind: 'answer',
    answer,
    server: {
      node: serverNode,
      ...(serverPod ? { pod: serverPod } : {}),
      ip: delivered.dst,
      port: delivered.dport,
      peer: { ip: delivered.src, port: delivered.sport },
    },
  };
}

/**
 * The listener's SYN-ACK takes a way that does not lead back to the client through the node that
 * translated the SYN (Walk.replyLeavesPath), so it reaches the client untranslated and is dropped:
 * the handshake never completes, the client's SYN retries meet the same fate, and it gives up with
 * a connect timeout. The server never gets a request, so nothing is answered.
 */
function handshakeLost(w: Walk, syn: Extract<SynOutcome, { ok: true }>): Ending {
  const l = syn.listener;
  const d = syn.delivered;
  const who = l.kind === 'pod' || l.kind === 'host' ? nsName(l.pod) : `kube-proxy on ${l.node}`;
  const hop: Omit<Hop, 'atMs'> = {
    kind: 'answer',
    node: l.node,
    what: `${who} answers the SYN with a SYN-ACK ${key(d.dst, d.dport)} → ${key(d.src, d.sport)}`,
    before: { src: key(d.dst, d.dport), dst: key(d.src, d.sport) },
  };
  if (l.kind === 'pod' || l.kind === 'host') hop.pod = who;
  w.hop(hop);
  w.replyThrough(syn.conn, d);
  return { kind: 'fail', error: 'timeout', connected: false };
}

/** TLS: curl's verdict on the handshake (undefined: fine, or not TLS at all). */
function tlsCheck(
  server: ServerProcess,
  port: number,
  scheme: 'http' | 'https',
  insecure: boolean,
): FailDetail | undefined {
  if (scheme !== 'https') return undefined;
  const sp = listeningPort(server.proc, port, 'TCP');
  if (sp?.app !== 'https') return 'tls-version';
  // Every TLS server here presents a certificate of the cluster's own CA, which curl does not know.
  return insecure ? undefined : 'tls-verify';
}

/**
 * userspace mode: the proxy dials backends for an accepted client connection.
 * Models pkg/proxy/userspace/proxysocket.go (tcpProxySocket.ProxyLoop → TryConnectEndpoints).
 */
function userspaceRelay(
  w: Walk,
  listener: Extract<Listener, { kind: 'userspace' }>,
  clientPkt: Packet,
  conns: Conn[],
): { ok: true; listener: Listener; delivered: Packet; conn: Conn } | { ok: false; error: string } {
  const node = listener.node;
  // The kube-proxy controller's proxier of this node: its round robin, its affinity.
  const proxier = kubeProxiesOf(w.ctx)?.userspaceProxier(node);
  if (!proxier) return { ok: false, error: ERR_MISSING_SERVICE_ENTRY };
  let backend: Extract<SynOutcome, { ok: true }> | undefined;
  const dial = (ep: { ip: string; port: number }, timeoutMs: number): DialOutcome => {
    const start = w.t;
    w.hop({
      kind: 'kube-proxy',
      node,
      what: `kube-proxy dials ${key(ep.ip, ep.port)} (timeout ${timeoutMs} ms)`,
    });
    const r = w.route(node, ep.ip);
    const src = r.src;
    const sport = w.nextPort(node, src, { ip: ep.ip, port: ep.port }, node);
    const conn: Conn = { path: [], entries: [], first: undefined };
    conns.push(conn);
    const pkt: Packet = {
      proto: 'tcp',
      src,
      sport,
      dst: ep.ip,
      dport: ep.port,
      bytes: SYN_BYTES,
      mark: 0,
    };
    const out = w.atNode(node, pkt, { kind: 'local' }, conn);
    if (out.ok) {
      backend = out;
      return 'ok';
    }
    if (out.error === 'refused') {
      w.close([conn], 'reset');
      w.hop({
        kind: 'kube-proxy',
        node,
        what: `the dial to ${key(ep.ip, ep.port)} was refused: next endpoint`,
      });
      return 'refused';
    }
    w.t = round3(start + timeoutMs);
    w.hop({
      kind: 'kube-proxy',
      node,
      what: `no answer from ${key(ep.ip, ep.port)} within ${timeoutMs} ms: next endpoint`,
    });
    return 'timeout';
  };
  const result = proxier.tryConnectEndpoints(listener.svcKey, clientPkt.src, w.now, dial);
  if (!result.endpoint || !backend) return { ok: false, error: result.error ?? 'dial failed' };
  const ok: Extract<SynOutcome, { ok: true }> = backend;
  w.hop({
    kind: 'kube-proxy',
    node,
    what: `kube-proxy connected to ${key(ok.delivered.dst, ok.delivered.dport)} from ${key(ok.delivered.src, ok.delivered.sport)}: the backend sees the node, not the client`,
  });
  return { ok: true, listener: ok.listener, delivered: ok.delivered, conn: ok.conn };
}

// ------------------------------------------------------------------ ingress-nginx

/** The connection an ingress-nginx controller pod accepted (kube-proxy brought the client there). */
interface IngressLeg {
  listener: Extract<Listener, { kind: 'pod' }>;
  delivered: Packet;
  conn: Conn;
}

/**
 * An ingress-nginx controller pod accepted the client's connection on its port 80 or 443 —
 * kube-proxy brought it there through its Service's NodePort, LoadBalancer IP or ClusterIP. nginx
 * terminates that connection: it routes by Host and path (ingress/proxy.ts) and answers itself
 * (404, 503, a redirect), or opens a connection of its own from the controller pod to an endpoint
 * of the backend Service — a pod IP, so no Service rule is involved — trying up to three
 * endpoints round robin when a dial is refused or times out (then 502 / 504), and copies the
 * answer back to the client's connection. The backend sees the controller pod as its client.
 * Models nginx's ngx_http_upstream (proxy_pass, proxy_next_upstream error timeout) as
 * ingress-nginx configures it, with its balancer_by_lua round robin.
 */
/**
 * The answer's last leg: through the load balancer (if the request came that way) to the client,
 * and the connections closed. False when the reply never arrived (dropped by whoever it reached;
 * replyThrough said why): the client is left waiting.
 */
function clientReceives(
  w: Walk,
  lb: LoadBalancerLeg | undefined,
  a: AfterConnect,
  answer: HttpAnswer,
  received: Packet | undefined,
): boolean {
  if (!received) {
    w.close(a.conns, 'close');
    return false;
  }
  if (lb?.address !== undefined && lb.port !== undefined) {
    const b = ends(received);
    w.hop(
      {
        kind: 'load-balancer',
        what: `the load balancer answers from ${key(lb.address, lb.port)}`,
        before: b,
        after: { src: key(lb.address, lb.port), dst: b.dst },
      },
      WIRE_HOP_MS,
    );
  }
  w.hop({
    kind: 'answer',
    ...(a.clientNode ? { node: a.clientNode } : {}),
    ...(a.clientPod ? { pod: a.clientPod } : {}),
    what: `the client receives the answer${answer.kind === 'response' ? `: ${answer.status} ${answer.reason}` : ''}`,
  });
  w.close(a.conns, 'close');
  return true;
}

function ingressNginxAnswer(
  w: Walk,
  syn: Extract<SynOutcome, { ok: true }>,
  lb: LoadBalancerLeg | undefined,
  a: AfterConnect,
  ctl: IngressLeg,
): Ending {
  const node = ctl.listener.node;
  const ctlPod = ctl.listener.pod;
  const ctlName = nsName(ctlPod);
  const clientConn = syn.conn;
  const head = a.method === 'HEAD';
  const reversed = (p: Packet): Endpoints => ({
    src: key(p.dst, p.dport),
    dst: key(p.src, p.sport),
  });
  const summary = (answer: HttpAnswer): string =>
    answer.kind === 'response'
      ? `${answer.status} ${answer.reason} (${answer.body === '' ? 'no body' : `${byteLength(answer.body)} bytes`})`
      : answer.kind === 'empty-reply'
        ? 'closes the connection without a byte'
        : `"${answer.line}" (not HTTP)`;

  /** The answer's way back: to nginx first when a backend answered, then the client's legs. */
  const backToClient = (from?: {
    conn: Conn;
    delivered: Packet;
    note: string;
  }): Packet | undefined => {
    if (from) {
      if (!w.replyThrough(from.conn, from.delivered)) return undefined;
      w.hop({
        kind: 'ingress',
        node,
        pod: ctlName,
        what: `ingress-nginx copies the answer to the client's connection${from.note}`,
      });
    }
    let received = w.replyThrough(ctl.conn, ctl.delivered);
    if (received && ctl.conn !== clientConn) {
      w.hop({
        kind: 'kube-proxy',
        node: syn.listener.node,
        what: 'kube-proxy copies the answer to the client connection',
      });
      received = w.replyThrough(clientConn, syn.delivered);
    }
    return received;
  };

  /** The client got (or did not get) the answer: the end of the request. */
  const finish = (
    answer: HttpAnswer,
    received: Packet | undefined,
    server: { node: string; pod: string; delivered: Packet },
  ): Ending => {
    if (!clientReceives(w, lb, a, answer, received)) {
      return { kind: 'fail', error: 'timeout', connected: true };
    }
    const d = server.delivered;
    return {
      kind: 'answer',
      answer,
      server: {
        node: server.node,
        pod: server.pod,
        ip: d.dst,
        port: d.dport,
        peer: { ip: d.src, port: d.sport },
      },
    };
  };

  /** nginx answers by itself. */
  const respond = (answer: HttpAnswer): Ending => {
    w.hop({
      kind: 'answer',
      node,
      pod: ctlName,
      what: `${ctlName} (nginx) answers ${summary(answer)}`,
      before: reversed(ctl.delivered),
    });
    return finish(answer, backToClient(), { node, pod: ctlName, delivered: ctl.delivered });
  };

  /**
   * The handshake of a connection completed (its SYN-ACK went back): conntrack keeps an
   * ESTABLISHED entry for days, not the 120 s of an unanswered SYN, however long nginx takes.
   */
  const established = (conn: Conn): void => {
    for (const e of conn.entries) {
      nodeNetfilterState(w.dataplane, e.node).conntrack.seen(e.entry, 'reply', w.now);
    }
  };
  established(clientConn);
  if (ctl.conn !== clientConn) established(ctl.conn);

  const tls = tlsCheck(ctl.listener.server, ctl.delivered.dport, a.scheme, a.insecure);
  if (tls) {
    backToClient();
    w.close(a.conns, 'close');
    return { kind: 'fail', error: 'protocol', connected: true, detail: tls };
  }
  if (a.scheme === 'http' && ctl.delivered.dport === 443) {
    w.hop({
      kind: 'ingress',
      node,
      pod: ctlName,
      what: `ingress-nginx (${ctlName}): plain HTTP on its HTTPS port`,
    });
    return respond(plainHttpToHttpsPort({ now: w.now, head, hsts: false }));
  }

  const d = ingressDecision(
    w.ctx,
    ctlPod,
    { host: a.host, path: a.path, method: a.method, scheme: a.scheme },
    w.now,
  );
  w.hop({
    kind: 'ingress',
    node,
    pod: ctlName,
    what: `ingress-nginx (${ctlName}${a.scheme === 'https' ? ', TLS terminated' : ''}): ${d.what}`,
  });
  if (d.kind === 'respond') return respond(d.answer);

  const src = ctlPod.status?.podIP ?? '';
  const service = `${d.upstream.namespace}/${d.upstream.service}`;
  let timedOut = false;
  for (let i = 1; i <= PROXY_NEXT_UPSTREAM_TRIES; i++) {
    const ep: UpstreamEndpoint = nextEndpoint(w.ctx, d.upstream.name, d.endpoints);
    const start = w.t;
    const conn: Conn = { path: [], entries: [], first: undefined };
    a.conns.push(conn);
    const pkt: Packet = {
      proto: 'tcp',
      src,
      sport: w.nextPort(node, src, ep, node),
      dst: ep.ip,
      dport: ep.port,
      bytes: SYN_BYTES,
      mark: 0,
    };
    w.hop({
      kind: 'ingress',
      node,
      pod: ctlName,
      what:
        `nginx connects to ${key(ep.ip, ep.port)}, an endpoint of ${service} ` +
        `(try ${i} of ${PROXY_NEXT_UPSTREAM_TRIES}), from the pod: not through the Service's ClusterIP`,
      before: ends(pkt),
    });
    const out = w.atNode(node, pkt, { kind: 'incoming', iface: 'cni0' }, conn);
    const next = i < PROXY_NEXT_UPSTREAM_TRIES ? ': next upstream' : '';
    if (!out.ok) {
      if (out.error === 'refused') {
        w.close([conn], 'reset');
        timedOut = false;
        w.hop({
          kind: 'ingress',
          node,
          pod: ctlName,
          what: `connect() failed (111: Connection refused) while connecting to upstream${next}`,
        });
      } else if (out.error === 'unreachable') {
        w.t = round3(start + ARP_FAILURE_MS);
        timedOut = false;
        w.hop({
          kind: 'ingress',
          node,
          pod: ctlName,
          what: `connect() failed (113: No route to host) while connecting to upstream${next}`,
        });
      } else {
        w.t = round3(start + PROXY_CONNECT_TIMEOUT_MS);
        timedOut = true;
        w.hop({
          kind: 'ingress',
          node,
          pod: ctlName,
          what: `upstream timed out (110: Connection timed out) while connecting to upstream${next}`,
        });
      }
      continue;
    }
    const l = out.listener;
    if (l.kind !== 'pod' && l.kind !== 'host') {
      timedOut = false;
      w.hop({
        kind: 'ingress',
        node,
        pod: ctlName,
        what: `upstream prematurely closed connection while reading response header from upstream${next}`,
      });
      continue;
    }
    if (l.kind === 'pod' && l.hang) {
      established(conn);
      const name = nsName(l.pod);
      w.hop({
        kind: 'fail',
        node: l.node,
        pod: name,
        what: `${name} accepted the connection but never answers (${FAULT_ANNOTATION}=hang)`,
      });
      w.t = round3(w.t + PROXY_READ_TIMEOUT_MS);
      w.close([conn], 'close');
      timedOut = true;
      w.hop({
        kind: 'ingress',
        node,
        pod: ctlName,
        what: `upstream timed out (110: Connection timed out) while reading response header from upstream${next}`,
      });
      continue;
    }
    const backend = nsName(l.pod);
    const upstreamAnswer: HttpAnswer = httpAnswer(
      l.server,
      { method: a.method, path: a.path, host: a.host },
      w.now,
      'HTTP',
    ) ?? { kind: 'empty-reply' };
    w.hop({
      kind: 'answer',
      node: l.node,
      pod: backend,
      what: `${backend} (${l.server.proc.imageId}) answers ${summary(upstreamAnswer)}`,
      before: reversed(out.delivered),
    });
    const answer = proxiedAnswer(upstreamAnswer, { now: w.now, head, hsts: d.hsts });
    const hidden =
      upstreamAnswer.kind === 'response' &&
      upstreamAnswer.headers.some(([n]) => n.toLowerCase() === 'server');
    const note =
      upstreamAnswer.kind !== 'response'
        ? ' (no HTTP from the upstream: 502)'
        : hidden
          ? " (without the backend's Server header)"
          : '';
    const received = backToClient({ conn, delivered: out.delivered, note });
    return finish(answer, received, { node: l.node, pod: backend, delivered: out.delivered });
  }
  const status = timedOut ? 504 : 502;
  w.hop({
    kind: 'ingress',
    node,
    pod: ctlName,
    what: `no upstream of ${d.upstream.name} answered in ${PROXY_NEXT_UPSTREAM_TRIES} tries: ${status}`,
  });
  return respond(nginxAnswer(status, { now: w.now, head, hsts: d.hsts }));
}
