/**
 * One DNS query as a traced request: the client's UDP datagram to its nameserver, through the
 * same machinery as an HTTP request's SYN (trace/request.ts's Walk) — the client node's netfilter
 * hooks as kube-proxy programmed them (KUBE-SERVICES → KUBE-SVC-… for kube-dns's `dns` port →
 * KUBE-SEP-… DNAT to a coredns pod), routing over cni0 / flannel.1, conntrack — to the coredns
 * pod, whose answer (records.ts, from the Corefile in the `coredns` ConfigMap) comes back through
 * conntrack, un-DNATed, as from 10.96.0.10:53.
 *
 * What can go wrong, as on a real cluster:
 *  - kube-dns has no ready endpoint (`kubectl scale deploy/coredns -n kube-system --replicas=0`):
 *    kube-proxy REJECTs the datagram with ICMP port unreachable — `refused`; what the client
 *    makes of that depends on its resolver (resolver.ts: glibc gives up at once, musl and dig
 *    never see the ICMP error and time out);
 *  - a coredns pod frozen or a node down: the datagram is lost — `timeout`;
 *  - a server address where nothing listens on UDP 53: the kernel's ICMP port unreachable.
 * Nameservers outside the cluster — the router 192.168.100.1 (what `forward . /etc/resolv.conf`
 * and dnsPolicy Default pods use) and a node's own systemd-resolved stub 127.0.0.53 — answer from
 * the simulated internet (outside.ts) after a wire hop; their path beyond the node is not walked.
 * userspace mode: the proxy's UDP socket relays the datagram to an endpoint it picks round-robin.
 *
 * Never moves the clock: the hops' times are relative to the query's start, and the caller (the
 * resolver) adds them up and lets the time pass.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { ConfigMap } from 'kubernetes-types/core/v1';
import type { Service } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { Rng } from '../../sim/rng';
import { vethNameOf } from '../interfaces';
import { kubeProxiesOf } from '../kube-proxy/kube-proxy';
import { nodeNetfilterState } from '../netfilter/evaluate';
import type { Packet } from '../netfilter/packet';
import type { RequestFrom } from '../trace/request';
import { FAULT_ANNOTATION, NODE_HOP_MS, WIRE_HOP_MS, Walk } from '../trace/request';
import type { Hop } from '../trace/trace';
import { ipPort } from '../trace/trace';
import type { CorefileConfig } from './corefile';
import { defaultCorefile, parseCorefile } from './corefile';
import type { DnsMessage, Question, RRType } from './message';
import { fqdn, querySize, summarize, wireSize } from './message';
import { outsideAnswer, PUBLIC_RESOLVERS, UPSTREAM_RESOLVER } from './outside';
import { serveCoreDns, storeSource } from './records';

type StoredPod = Pod & KObject;

/** systemd-resolved's stub listener on every node (the nodes' /etc/resolv.conf). */
export const RESOLVED_STUB = '127.0.0.53';
/** The simulated internet's round trip, beyond the node network. */
const UPSTREAM_RTT_MS = 2;
const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;

export interface DnsQueryOptions {
  from: RequestFrom;
  /** The nameserver's address. */
  server: string;
  /** 53 unless told otherwise. */
  port?: number;
  /** The name asked (made fully qualified). */
  name: string;
  type: RRType;
  /** Whether the client adds an EDNS OPT record (dig does; libc resolvers do not). */
  edns?: boolean;
  /** Virtual ms after the clock's now at which the query leaves (a lookup's later tries). */
  offsetMs?: number;
}

export type DnsResult =
  | {
      kind: 'answer';
      message: DnsMessage;
      /** Who answered: `kube-system/coredns-…` or the upstream resolver's address. */
      answeredBy: string;
      /** The reply's size on the wire (dig's MSG SIZE). */
      size: number;
    }
  /** ICMP port unreachable came back (REJECT, or nothing listening). */
  | { kind: 'refused' }
  /** Nothing came back: the client waits for its own timeout. */
  | { kind: 'timeout' }
  /** The client could not send at all (no network yet). */
  | { kind: 'unreachable'; why: string };

export interface DnsExchange {
  question: Question;
  /** `10.96.0.10:53`. */
  server: string;
  /** The client's address and source port. */
  client?: { ip: string; port: number };
  /** The hops, times relative to the query's start. */
  hops: Hop[];
  /** When the answer (or the ICMP error) arrived; for a timeout, when the datagram was lost. */
  elapsedMs: number;
  result: DnsResult;
}

// ------------------------------------------------------------------ per-cluster state

interface DnsState {
  ports: Rng;
  balance: Rng;
  ids: Rng;
}

const states = new WeakMap<ClusterContext, DnsState>();

function dnsState(ctx: ClusterContext): DnsState {
  let s = states.get(ctx);
  if (!s) {
    s = {
      ports: ctx.rng('dns/ports'),
      balance: ctx.rng('dns/loadbalance'),
      ids: ctx.rng('dns/ids'),
    };
    states.set(ctx, s);
  }
  return s;
}

/** A DNS message id, as dig prints it (`id: 12345`). */
export function nextQueryId(ctx: ClusterContext): number {
  return dnsState(ctx).ids.int(65536);
}

/** The Corefile CoreDNS runs with: the `coredns` ConfigMap's, else kubeadm's defaults. */
export function corefileOf(ctx: ClusterContext): CorefileConfig {
  const cm = ctx.store.get<ConfigMap & KObject>('ConfigMap', 'kube-system', 'coredns');
  const text = cm?.data?.['Corefile'];
  return (
    (text !== undefined ? parseCorefile(text) : undefined) ??
    defaultCorefile(ctx.config.clusterDomain)
  );
}

/** What CoreDNS answers now (the server side alone, without a network path). */
export function coreDnsAnswer(ctx: ClusterContext, q: Question): DnsMessage {
  const kubeDns = ctx.store.get<Service & KObject>('Service', 'kube-system', 'kube-dns');
  const balance = dnsState(ctx).balance;
  return serveCoreDns(storeSource(ctx.store), corefileOf(ctx), q, {
    serial: Math.floor(ctx.clock.now() / 1000),
    ...(kubeDns?.spec?.clusterIP ? { nsAddress: kubeDns.spec.clusterIP } : {}),
    random: (n) => balance.int(n),
  });
}

// ------------------------------------------------------------------ the walk

/** The Walk of a UDP datagram: servers are the processes listening on the UDP port. */
class UdpWalk extends Walk {
  override readonly listenProtocol = 'UDP';
}

type SynOutcome = ReturnType<Walk['atNode']>;
type Conn = Parameters<Walk['atNode']>[3];

const newConn = (): Conn => ({ path: [], entries: [], first: undefined });

interface Client {
  label: string;
  ip: string;
  node: string;
  pod?: StoredPod;
  /** Sends from the node's own stack (a node, a hostNetwork pod). */
  local: boolean;
}

function clientOf(w: Walk, from: RequestFrom, server: string): Client | string {
  if (from.kind === 'pod') {
    const pod = w.ctx.store.get<StoredPod>('Pod', from.namespace, from.name);
    if (!pod) return `pod "${from.name}" not found in namespace "${from.namespace}"`;
    const node = pod.spec?.nodeName;
    const ip = pod.status?.podIP;
    if (!node || !ip) return `pod ${from.namespace}/${from.name} has no network yet`;
    const label = `${from.namespace}/${from.name}`;
    if (pod.spec?.hostNetwork === true)
      return { label, ip: w.route(node, server).src, node, pod, local: true };
    return { label, ip, node, pod, local: false };
  }
  if (from.kind === 'node') {
    const ip = server.startsWith('127.') ? '127.0.0.1' : w.route(from.name, server).src;
    if (!w.nodeIP(from.name)) return `node "${from.name}" not found`;
    return { label: from.name, ip, node: from.name, local: true };
  }
  return 'the laptop resolves names with its own resolver, outside the cluster';
}

/** A source port for the query's socket: bind(0) on UDP picks one at random in the range. */
function sourcePort(
  ctx: ClusterContext,
  w: Walk,
  node: string,
  src: string,
  dst: string,
  port: number,
): number {
  const rng = dnsState(ctx).ports;
  const ct = nodeNetfilterState(w.dataplane, node).conntrack;
  let p = EPHEMERAL_MIN + rng.int(EPHEMERAL_MAX - EPHEMERAL_MIN + 1);
  for (let i = 0; i < 100; i++) {
    if (!ct.lookup({ proto: 'udp', src, sport: p, dst, dport: port }, w.now)) break;
    p = EPHEMERAL_MIN + rng.int(EPHEMERAL_MAX - EPHEMERAL_MIN + 1);
  }
  return p;
}

/** Hop texts the TCP walk words for a SYN, reworded for a datagram. */
function udpWording(h: Hop): Hop {
  if (h.kind !== 'fail') return h;
  const what = h.what
    .replace('the kernel answers RST', 'the kernel answers ICMP port unreachable')
    .replace('its kernel answers RST', 'its kernel answers ICMP port unreachable')
    .replace(/—? ?the client retries, then times out/, '— the client waits for an answer');
  return what === h.what ? h : { ...h, what };
}

/**
 * Send one query and trace it. Never throws for a query the cluster cannot carry: the failure is
 * the result. Does not move the clock.
 */
export function sendDnsQuery(ctx: ClusterContext, opts: DnsQueryOptions): DnsExchange {
  const now0 = ctx.clock.now() + (opts.offsetMs ?? 0);
  const w = new UdpWalk(ctx, now0);
  const port = opts.port ?? 53;
  const question: Question = { name: fqdn(opts.name), type: opts.type };
  const server = ipPort(opts.server, port);
  const edns = opts.edns === true;
  const done = (result: DnsResult, client?: { ip: string; port: number }): DnsExchange => {
    const hops = w.hops.map((h) => {
      const out = udpWording(h);
      out.phase = 'dns';
      return out;
    });
    const ex: DnsExchange = { question, server, hops, elapsedMs: w.t, result };
    if (client) ex.client = client;
    return ex;
  };

  const client = clientOf(w, opts.from, opts.server);
  if (typeof client === 'string') {
    w.hop({ kind: 'fail', what: client }, 0);
    return done({ kind: 'unreachable', why: client });
  }
  const node = client.node;
  const sport = sourcePort(ctx, w, node, client.ip, opts.server, port);
  const me = { ip: client.ip, port: sport };
  const pkt: Packet = {
    proto: 'udp',
    src: client.ip,
    sport,
    dst: opts.server,
    dport: port,
    bytes: 28 + querySize(question, edns),
    mark: 0,
  };
  const ask = `DNS query ${question.type} ${question.name}`;
  const podName = client.pod
    ? `${client.pod.metadata.namespace ?? 'default'}/${client.pod.metadata.name ?? ''}`
    : undefined;
  const who = podName ?? node;
  const sendHop = (via: string): void => {
    const h: Omit<Hop, 'atMs'> = {
      kind: 'send',
      node,
      what: `${who} sends ${ask} ${ipPort(client.ip, sport)} → ${server} (UDP)${via}`,
      before: { src: ipPort(client.ip, sport), dst: server },
    };
    if (podName) h.pod = podName;
    w.hop(h);
  };

  // Nameservers outside the cluster: the node's stub resolver, the router's recursive resolver.
  if (opts.server === RESOLVED_STUB && client.local && port === 53) {
    sendHop('');
    return resolvedStub(w, node, question, edns, me, done);
  }
  if ((opts.server === UPSTREAM_RESOLVER || PUBLIC_RESOLVERS.has(opts.server)) && port === 53) {
    sendHop(
      client.local ? '' : `: eth0 → ${vethNameOf(client.pod?.metadata.uid ?? '')} on ${node}`,
    );
    return upstream(w, opts.server, node, question, edns, client.local, me, done);
  }

  sendHop(client.local ? '' : `: eth0 → ${vethNameOf(client.pod?.metadata.uid ?? '')} on ${node}`);
  const conn = newConn();
  const out: SynOutcome = w.atNode(
    node,
    pkt,
    client.local ? { kind: 'local' } : { kind: 'incoming', iface: 'cni0' },
    conn,
  );
  if (!out.ok) {
    if (out.error === 'refused') {
      if (out.rstFor && w.replyLeavesPath(out.conn)) {
        w.replyThrough(out.conn, out.rstFor);
        return done({ kind: 'timeout' }, me);
      }
      w.hop({ kind: 'answer', node, what: `ICMP port unreachable reaches ${who}` }, WIRE_HOP_MS);
      return done({ kind: 'refused' }, me);
    }
    // DROP, a frozen pod, a node down, nobody at the address: the datagram is lost.
    return done({ kind: 'timeout' }, me);
  }
  if (w.replyLeavesPath(out.conn)) {
    // The answer would come back from the pod's address, past the node that translated: dropped.
    return done({ kind: 'timeout' }, me);
  }

  let listener = out.listener;
  let delivered = out.delivered;
  let serverConn = out.conn;
  if (listener.kind === 'userspace') {
    const relayed = userspaceRelay(w, listener.node, listener.svcKey, client.ip);
    if (!relayed) return done({ kind: 'timeout' }, me);
    listener = relayed.listener;
    delivered = relayed.delivered;
    serverConn = relayed.conn;
  }
  if (listener.kind !== 'pod' && listener.kind !== 'host') {
    w.hop({
      kind: 'fail',
      node: listener.node,
      what: 'nothing answers DNS there: the query is lost',
    });
    return done({ kind: 'timeout' }, me);
  }
  const serverPod = listener.pod;
  const serverName = `${serverPod.metadata.namespace ?? 'default'}/${serverPod.metadata.name ?? ''}`;
  if ((listener.kind === 'pod' && listener.hang) || listener.server.proc.imageId !== 'coredns') {
    w.hop({
      kind: 'fail',
      node: listener.node,
      pod: serverName,
      what:
        listener.server.proc.imageId !== 'coredns'
          ? `${serverName} reads the datagram but does not speak DNS: no answer`
          : `${serverName} never answers (${FAULT_ANNOTATION}=hang)`,
    });
    return done({ kind: 'timeout' }, me);
  }

  // CoreDNS answers.
  const message = coreDnsAnswer(ctx, question);
  if (message.source === 'forward') {
    const cfg = corefileOf(ctx);
    const to = cfg.forward?.to.join(' ') ?? '/etc/resolv.conf';
    const target =
      to === '/etc/resolv.conf'
        ? UPSTREAM_RESOLVER
        : (cfg.forward?.to[0] ?? UPSTREAM_RESOLVER).replace(/^dns:\/\//, '');
    w.hop(
      {
        kind: 'wire',
        node: listener.node,
        pod: serverName,
        what: `${serverName}: not a cluster name — forward . ${to}: asks ${ipPort(target, 53)}`,
      },
      NODE_HOP_MS,
    );
    w.hop(
      {
        kind: 'answer',
        what: `the upstream resolver ${target} answers ${summarize(message)}`,
      },
      UPSTREAM_RTT_MS,
    );
  }
  const size = wireSize(message, edns, false);
  w.hop({
    kind: 'answer',
    node: listener.node,
    pod: serverName,
    what: `${serverName} (CoreDNS) answers ${summarize(message)}${message.aa ? ' (authoritative)' : ''}`,
    before: {
      src: ipPort(delivered.dst, delivered.dport),
      dst: ipPort(delivered.src, delivered.sport),
    },
  });
  let received = w.replyThrough(serverConn, delivered);
  if (received && serverConn !== out.conn) {
    w.hop({
      kind: 'kube-proxy',
      node: out.listener.node,
      what: 'kube-proxy relays the answer to the client',
    });
    received = w.replyThrough(out.conn, out.delivered);
  }
  if (!received) return done({ kind: 'timeout' }, me);
  const fin: Omit<Hop, 'atMs'> = {
    kind: 'answer',
    node,
    what: `${who} receives the answer from ${ipPort(received.src, received.sport)}: ${summarize(message)}`,
  };
  if (podName) fin.pod = podName;
  w.hop(fin);
  return done({ kind: 'answer', message, answeredBy: serverName, size }, me);
}

/** userspace mode: kube-proxy's UDP socket sends the datagram on to an endpoint it picks. */
function userspaceRelay(
  w: UdpWalk,
  node: string,
  svcKey: string,
  clientIP: string,
):
  | { listener: Extract<SynOutcome, { ok: true }>['listener']; delivered: Packet; conn: Conn }
  | undefined {
  const proxier = kubeProxiesOf(w.ctx)?.userspaceProxier(node);
  const ep = proxier?.nextEndpoint(svcKey, clientIP, w.now);
  if (!ep) {
    w.hop({
      kind: 'fail',
      node,
      what: `kube-proxy has no endpoint for ${svcKey}: the datagram is dropped`,
    });
    return undefined;
  }
  const r = w.route(node, ep.ip);
  const sport = sourcePort(w.ctx, w, node, r.src, ep.ip, ep.port);
  w.hop({
    kind: 'kube-proxy',
    node,
    what: `kube-proxy's UDP socket for ${svcKey} sends the query on to ${ipPort(ep.ip, ep.port)} from ${ipPort(r.src, sport)}`,
  });
  const conn = newConn();
  const pkt: Packet = {
    proto: 'udp',
    src: r.src,
    sport,
    dst: ep.ip,
    dport: ep.port,
    bytes: 60,
    mark: 0,
  };
  const out = w.atNode(node, pkt, { kind: 'local' }, conn);
  if (!out.ok) return undefined;
  return { listener: out.listener, delivered: out.delivered, conn: out.conn };
}

type Done = (result: DnsResult, client?: { ip: string; port: number }) => DnsExchange;

/**
 * A node's systemd-resolved stub (127.0.0.53): it forwards to the node's upstream resolver —
 * except single-label names, which it does not send to unicast DNS (ResolveUnicastSingleLabel=no)
 * and answers SERVFAIL for.
 */
function resolvedStub(
  w: Walk,
  node: string,
  q: Question,
  edns: boolean,
  me: { ip: string; port: number },
  done: Done,
): DnsExchange {
  w.hop({ kind: 'deliver', node, what: `systemd-resolved accepts on ${RESOLVED_STUB}:53 (lo)` });
  const singleLabel = q.name.replace(/\.$/, '').split('.').length === 1;
  let message: DnsMessage;
  if (singleLabel && !q.name.endsWith('.in-addr.arpa.')) {
    message = {
      question: q,
      rcode: 'SERVFAIL',
      aa: false,
      ra: true,
      answer: [],
      authority: [],
      additional: [],
      source: 'systemd-resolved',
    };
    w.hop({
      kind: 'answer',
      node,
      what: `systemd-resolved does not send single-label names to unicast DNS: SERVFAIL`,
    });
  } else {
    message = { ...outsideAnswer(q), source: 'systemd-resolved' };
    w.hop(
      {
        kind: 'wire',
        node,
        what: `systemd-resolved forwards to ${UPSTREAM_RESOLVER}:53 over eth0`,
      },
      WIRE_HOP_MS,
    );
    w.hop(
      {
        kind: 'answer',
        what: `the upstream resolver ${UPSTREAM_RESOLVER} answers ${summarize(message)}`,
      },
      UPSTREAM_RTT_MS,
    );
    w.hop({ kind: 'answer', node, what: `systemd-resolved answers ${summarize(message)}` });
  }
  return done(
    {
      kind: 'answer',
      message,
      answeredBy: `systemd-resolved on ${node}`,
      size: wireSize(message, edns, true),
    },
    me,
  );
}

/**
 * A resolver outside the cluster: the router's on the node network, or a public one beyond it
 * (through the router: the default route). Its own path and recursion are not walked.
 */
function upstream(
  w: Walk,
  resolver: string,
  node: string,
  q: Question,
  edns: boolean,
  local: boolean,
  me: { ip: string; port: number },
  done: Done,
): DnsExchange {
  const nodeIP = w.nodeIP(node);
  const masq = local ? '' : ` (flannel masquerades the pod's address to ${nodeIP})`;
  const direct = resolver === UPSTREAM_RESOLVER;
  w.hop({
    kind: 'route',
    node,
    what: direct
      ? `${resolver} is on the node network: dev eth0${masq}`
      : `${resolver}: default via ${UPSTREAM_RESOLVER} dev eth0${masq}`,
  });
  w.hop(
    {
      kind: 'wire',
      node,
      what: direct
        ? `node network: ${node} → the router ${resolver}`
        : `node network: ${node} → the router ${UPSTREAM_RESOLVER} → the internet → ${resolver}`,
    },
    WIRE_HOP_MS,
  );
  const message = outsideAnswer(q);
  w.hop(
    { kind: 'answer', what: `the resolver ${resolver} answers ${summarize(message)}` },
    UPSTREAM_RTT_MS,
  );
  w.hop(
    { kind: 'answer', node, what: `the answer reaches ${node}${local ? '' : ' and the pod'}` },
    WIRE_HOP_MS,
  );
  return done(
    { kind: 'answer', message, answeredBy: resolver, size: wireSize(message, edns, true) },
    me,
  );
}
