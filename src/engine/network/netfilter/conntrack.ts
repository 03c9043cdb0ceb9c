/**
 * The connection tracking table of one node (one network namespace), and `conntrack -L`.
 *
 * Why it matters for Services: kube-proxy's iptables mode picks a backend with a random DNAT on the
 * FIRST packet of a connection only. The nat table is consulted once per connection; conntrack
 * remembers the decision as the entry's reply tuple, every later packet of the connection is
 * translated the same way without looking at a rule, and replies are translated back so that the
 * client sees the service address it talked to (k8s-reference §3).
 *
 * Models net/netfilter/nf_conntrack_core.c (tuples, confirm, ctinfo), nf_conntrack_proto_{tcp,udp}.c
 * (states and timeouts) and conntrack-tools' `conntrack -L` through libnetfilter_conntrack's
 * snprintf_default.c. Simplified, and why:
 *  - packets carry no TCP flags, so the TCP state machine is collapsed: the first packet is the
 *    SYN (SYN_SENT), the first reply completes the handshake (ESTABLISHED, ASSURED), and the caller
 *    ends a connection with close() (FIN exchange → TIME_WAIT) or reset() (RST → CLOSE);
 *  - no RELATED (no ICMP errors, no helpers), no INVALID, no zones, no connmark target: the entry's
 *    mark stays what confirm() was given (kube-proxy only uses the packet mark);
 *  - SCTP gets the generic timeout and no state column (kube-proxy's tests hardly use it);
 *  - entries are listed in the order they were created; the kernel dumps them in hash order.
 *
 * Timeouts are the Linux defaults (net.netfilter.nf_conntrack_*), in seconds:
 *   tcp_timeout_syn_sent 120, syn_recv 60, established 432000 (5 days), fin_wait 120,
 *   close_wait 60, last_ack 30, time_wait 120, close 10;
 *   udp_timeout 30 (unreplied, or a reply within the first 2 s), udp_timeout_stream 120 (traffic
 *   both ways still going after 2 s: the flow is a "stream" and becomes ASSURED; 180 before Linux 6.x);
 *   generic_timeout 600.
 * Time is the virtual clock in milliseconds.
 */
import type { L4Protocol } from '../model';
import { protoNumber } from './packet';

/** One direction of a connection, as conntrack keys it. */
export interface Tuple {
  proto: L4Protocol;
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

export type TcpState =
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSE';

/** What `-m conntrack --ctstate` and `-m state --state` test (SNAT/DNAT are conntrack-only). */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED' | 'SNAT' | 'DNAT';

export type Direction = 'original' | 'reply';

/** Seconds; the Linux defaults (see the header). */
export const CONNTRACK_TIMEOUTS = {
  tcp: {
    SYN_SENT: 120,
    SYN_RECV: 60,
    ESTABLISHED: 432000,
    FIN_WAIT: 120,
    CLOSE_WAIT: 60,
    LAST_ACK: 30,
    TIME_WAIT: 120,
    CLOSE: 10,
  } satisfies Record<TcpState, number>,
  udp: { unreplied: 30, stream: 120 },
  generic: 600,
} as const;

/** nf_conntrack_proto_udp.c: a flow still active this long after creation is a stream. */
const UDP_STREAM_AFTER_MS = 2000;

export interface ConntrackEntry {
  /** The tuple of the first packet, as it arrived (before any NAT). */
  readonly original: Tuple;
  /**
   * What a reply looks like when it arrives: the original tuple after NAT, inverted. A DNAT to a
   * pod shows as the reply's src; a MASQUERADE as the reply's dst.
   */
  readonly reply: Tuple;
  /** TCP only. */
  tcpState?: TcpState;
  /** IPS_SEEN_REPLY: without it conntrack prints [UNREPLIED]. */
  seenReply: boolean;
  /** IPS_ASSURED: printed [ASSURED]; the kernel evicts unassured entries first. */
  assured: boolean;
  /** IPS_SRC_NAT / IPS_DST_NAT: the ctstates SNAT and DNAT. */
  readonly srcNat: boolean;
  readonly dstNat: boolean;
  /** The connection mark (ct->mark), not the packet mark. */
  mark: number;
  /** Virtual ms at which the entry dies. */
  expires: number;
  /** Virtual ms of the first packet (the UDP stream test measures from it). */
  readonly created: number;
}

/** Where a packet belongs, and what the connection's NAT does to it. */
export interface CtLookup {
  entry: ConntrackEntry;
  direction: Direction;
  /** The packet's conntrack state bits, for `--ctstate`. */
  ctstate: CtState[];
  /**
   * The destination the packet must get (the DNAT of an original packet, the un-SNAT of a reply),
   * applied at PREROUTING or OUTPUT; absent when it keeps its own.
   */
  dst?: { ip: string; port: number };
  /**
   * The source the packet must get (the SNAT of an original packet, the un-DNAT of a reply),
   * applied at POSTROUTING (or INPUT for local delivery); absent when it keeps its own.
   */
  src?: { ip: string; port: number };
}

export function tupleKey(t: Tuple): string {
  return `${t.proto} ${t.src}:${t.sport} ${t.dst}:${t.dport}`;
}

/** The same connection seen from the other end. */
export function invertTuple(t: Tuple): Tuple {
  return { proto: t.proto, src: t.dst, sport: t.dport, dst: t.src, dport: t.sport };
}

/** The conntrack table of one node. */
export class Conntrack {
  private readonly byOriginal = new Map<string, ConntrackEntry>();
  private readonly byReply = new Map<string, ConntrackEntry>();

  /**
   * Find the connection a packet belongs to (resolve_normal_ct): its tuple is either some entry's
   * original tuple or some entry's reply tuple. Expired entries are removed on the way.
   */
  lookup(packet: Tuple, now: number): CtLookup | undefined {
    const key = tupleKey(packet);
    let entry = this.live(this.byOriginal.get(key), now);
    let direction: Direction = 'original';
    if (!entry) {
      entry = this.live(this.byReply.get(key), now);
      direction = 'reply';
    }
    if (!entry) return undefined;
    // The packet must end up as the inverse of the other direction's tuple.
    const target = invertTuple(direction === 'original' ? entry.reply : entry.original);
    const ctstate: CtState[] = [direction === 'reply' || entry.seenReply ? 'ESTABLISHED' : 'NEW'];
    if (entry.srcNat) ctstate.push('SNAT');
    if (entry.dstNat) ctstate.push('DNAT');
    const out: CtLookup = { entry, direction, ctstate };
    if (target.dst !== packet.dst || target.dport !== packet.dport) {
      out.dst = { ip: target.dst, port: target.dport };
    }
    if (target.src !== packet.src || target.sport !== packet.sport) {
      out.src = { ip: target.src, port: target.sport };
    }
    return out;
  }

  /**
   * Whether a connection already leaves with this tuple (nf_nat_used_tuple): NAT must not give two
   * connections the same translated tuple, or their replies could not be told apart.
   */
  isTaken(translated: Tuple, now: number): boolean {
    return this.live(this.byReply.get(tupleKey(invertTuple(translated))), now) !== undefined;
  }

  /**
   * Record a new connection once its first packet has passed every hook (nf_conntrack_confirm; a
   * packet dropped or rejected on the way leaves no entry). `translated` is that packet's tuple
   * after all NAT. Counts as the first packet: TCP SYN_SENT 120 s, UDP 30 s.
   */
  confirm(original: Tuple, translated: Tuple, now: number, mark = 0): ConntrackEntry {
    const reply = invertTuple(translated);
    if (this.live(this.byOriginal.get(tupleKey(original)), now)) {
      throw new Error(`conntrack: ${tupleKey(original)} is already tracked`);
    }
    if (this.isTaken(translated, now)) {
      throw new Error(`conntrack: reply tuple ${tupleKey(reply)} is already in use`);
    }
    const entry: ConntrackEntry = {
      original: { ...original },
      reply,
      seenReply: false,
      assured: false,
      srcNat: original.src !== translated.src || original.sport !== translated.sport,
      dstNat: original.dst !== translated.dst || original.dport !== translated.dport,
      mark: mark >>> 0,
      expires: now + firstTimeout(original.proto) * 1000,
      created: now,
    };
    if (original.proto === 'tcp') entry.tcpState = 'SYN_SENT';
    this.byOriginal.set(tupleKey(entry.original), entry);
    this.byReply.set(tupleKey(entry.reply), entry);
    return entry;
  }

  /**
   * Account a later packet of a known connection (nf_conntrack_{tcp,udp}_packet): advance the
   * state and refresh the timeout.
   */
  seen(entry: ConntrackEntry, direction: Direction, now: number): void {
    const firstReply = direction === 'reply' && !entry.seenReply;
    if (entry.original.proto === 'tcp') {
      const state = entry.tcpState ?? 'SYN_SENT';
      if (firstReply && state === 'SYN_SENT') {
        // SYN/ACK and the client's ACK collapsed into one step (no flags on our packets).
        entry.tcpState = 'ESTABLISHED';
        entry.assured = true;
      }
      entry.expires = now + CONNTRACK_TIMEOUTS.tcp[entry.tcpState ?? state] * 1000;
    } else if (entry.original.proto === 'udp') {
      // The kernel tests SEEN_REPLY before setting it for this packet: the first reply itself
      // only refreshes the 30 s timer.
      if (entry.seenReply && now > entry.created + UDP_STREAM_AFTER_MS) {
        entry.expires = now + CONNTRACK_TIMEOUTS.udp.stream * 1000;
        entry.assured = true;
      } else {
        entry.expires = now + CONNTRACK_TIMEOUTS.udp.unreplied * 1000;
      }
    } else {
      entry.expires = now + CONNTRACK_TIMEOUTS.generic * 1000;
    }
    if (direction === 'reply') entry.seenReply = true;
  }

  /** Both ends closed with FIN: TCP TIME_WAIT for 120 s (what a listing after `curl` shows). */
  close(entry: ConntrackEntry, now: number): void {
    if (entry.original.proto !== 'tcp') return;
    entry.tcpState = 'TIME_WAIT';
    entry.expires = now + CONNTRACK_TIMEOUTS.tcp.TIME_WAIT * 1000;
  }

  /** A RST (a refused or aborted connection): TCP CLOSE for 10 s. */
  reset(entry: ConntrackEntry, now: number): void {
    if (entry.original.proto !== 'tcp') return;
    entry.tcpState = 'CLOSE';
    entry.expires = now + CONNTRACK_TIMEOUTS.tcp.CLOSE * 1000;
  }

  /** `conntrack -D`: forget a connection (kube-proxy does this for UDP when an endpoint goes). */
  remove(entry: ConntrackEntry): void {
    const o = tupleKey(entry.original);
    if (this.byOriginal.get(o) === entry) this.byOriginal.delete(o);
    const r = tupleKey(entry.reply);
    if (this.byReply.get(r) === entry) this.byReply.delete(r);
  }

  /** `conntrack -F`. */
  flush(): void {
    this.byOriginal.clear();
    this.byReply.clear();
  }

  /** The live entries, oldest first; expired ones are removed. */
  entries(now: number): ConntrackEntry[] {
    const out: ConntrackEntry[] = [];
    for (const e of [...this.byOriginal.values()]) {
      if (this.live(e, now)) out.push(e);
    }
    return out;
  }

  private live(e: ConntrackEntry | undefined, now: number): ConntrackEntry | undefined {
    if (!e) return undefined;
    if (e.expires > now) return e;
    this.remove(e);
    return undefined;
  }
}

function firstTimeout(proto: L4Protocol): number {
  if (proto === 'tcp') return CONNTRACK_TIMEOUTS.tcp.SYN_SENT;
  if (proto === 'udp') return CONNTRACK_TIMEOUTS.udp.unreplied;
  return CONNTRACK_TIMEOUTS.generic;
}

/**
 * The seconds `conntrack -L` shows: the kernel reports the remaining jiffies divided by HZ,
 * rounded down. A listing always comes some time after the packet that set the timer, so one
 * millisecond is counted as gone: a fresh ESTABLISHED entry shows 431999, as on a real node.
 */
function remainingSeconds(e: ConntrackEntry, now: number): number {
  return Math.max(0, Math.floor((e.expires - now - 1) / 1000));
}

/**
 * One line of `conntrack -L` (libnetfilter_conntrack __snprintf_conntrack_default): protocol name
 * padded to 8 and its number, timeout, TCP state, the original tuple, [UNREPLIED], the reply
 * tuple, [ASSURED], mark and use; the last blank is dropped.
 */
export function formatConntrackEntry(e: ConntrackEntry, now: number): string {
  const o = e.original;
  const r = e.reply;
  let s = `${o.proto.padEnd(8)} ${protoNumber(o.proto)} ${remainingSeconds(e, now)} `;
  if (e.tcpState) s += `${e.tcpState} `;
  s += `src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} `;
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += `src=${r.src} dst=${r.dst} sport=${r.sport} dport=${r.dport} `;
  if (e.assured) s += '[ASSURED] ';
  s += `mark=${e.mark} use=1`;
  return s;
}

/** `conntrack -L`: the entries on stdout, the count on stderr (as conntrack-tools 1.4.6 prints). */
export function conntrackList(table: Conntrack, now: number): { stdout: string; stderr: string } {
  const entries = table.entries(now);
  return {
    stdout: entries.map((e) => `${formatConntrackEntry(e, now)}\n`).join(''),
    stderr: `conntrack v1.4.6 (conntrack-tools): ${entries.length} flow entries have been shown.\n`,
  };
}
