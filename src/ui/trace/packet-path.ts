/**
 * Where the packet marker stands at each hop of a trace (issue 7's animation), as graph ids:
 * the client pod, its node, the Service card while kube-proxy's rules for that Service match
 * (KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT), the next node after a wire hop, the server pod.
 * Plus what the marker says there: the packet's destination (which DNAT rewrites) and source
 * (which MASQUERADE rewrites), and the error where the request failed.
 *
 * Pure functions of the trace; the overlay (PacketOverlay.tsx) only looks the ids up in React
 * Flow. The cloud load balancer is not a Kubernetes object: its hops stand at a small box the
 * overlay draws beside the outside client (`LB`). Ingress hops stand at the ingress controller
 * pod's card when the graph shows it, else at its node.
 */
import type { Hop, Trace } from '../../engine';
import { NODE_HEADER_H, SERVICE_ROW_GAP } from '../graph/geometry';
import { hopGraphIds } from './explain';

/** The spot for a client outside the cluster (drawn by the overlay, left of the graph). */
export const OUTSIDE = 'outside';
/** The cloud load balancer's spot (drawn by the overlay, beside the outside client). */
export const LB = 'load-balancer';
/** The spots the overlay draws itself (not React Flow nodes). */
export const isOffGraph = (id: string): boolean => id === OUTSIDE || id === LB;

export interface PacketStop {
  /** Graph ids in order of preference: the first one the graph shows is where the marker is. */
  targets: string[];
  /** The packet's destination and source at this hop (after its rewrite), when known. */
  dst?: string;
  src?: string;
  /** Set where the request (or a DNS lookup) failed: what went wrong, shortly. */
  error?: string;
  /** A new packet leaves here (a send): the path drawn behind the marker starts again. */
  start?: true;
}

/** Chains whose rules belong to one Service (their comment names it). */
const SERVICE_CHAIN = /^KUBE-(?:SERVICES|NODEPORTS|SVC-|SEP-|EXT-|SVL-|FW-|XLB-)/;
/** `(default/httpd2 cluster IP)`, `(kube-system/kube-dns:dns -> 10.244.2.2:53)`. */
const SERVICE_IN_COMMENT = /\((?:[a-z ]*?\s)?([a-z0-9-]+)\/([a-z0-9.-]+)(?::[a-z0-9-]+)?[\s)]/;

/** The Service a rule hop concerns (`Service/ns/name`), from its comment. */
export function serviceOfHop(hop: Hop): string | undefined {
  if (hop.kind !== 'chain' || !hop.chain || !SERVICE_CHAIN.test(hop.chain.chain)) return undefined;
  const m = SERVICE_IN_COMMENT.exec(hop.what);
  return m ? `Service/${m[1]}/${m[2]}` : undefined;
}

/** The short error a failing hop shows on the marker, if it fails. */
export function hopError(hop: Hop): string | undefined {
  if (hop.kind === 'fail') return hop.what;
  if (hop.kind === 'answer') {
    const m = /\b(NXDOMAIN|SERVFAIL|REFUSED)\b/.exec(hop.what);
    if (m) return m[1];
  }
  return undefined;
}

/** One stop per hop of the trace (same indexes as `trace.hops`). */
export function packetStops(trace: Trace): PacketStop[] {
  const stops: PacketStop[] = [];
  let prev: PacketStop | undefined;
  let packet: { src: string; dst: string } | undefined;
  trace.hops.forEach((hop, i) => {
    // The addresses: a hop that records them sets them (sends, answers, rewrites).
    if (hop.after) packet = hop.after;
    else if (hop.before) packet = hop.before;
    const targets = targetsOf(hop, prev);
    const stop: PacketStop = { targets };
    if (hop.kind === 'send') stop.start = true;
    if (packet) {
      stop.dst = packet.dst;
      stop.src = packet.src;
    }
    let error = hopError(hop);
    // A failed request without a fail hop still shows its error at its last hop.
    if (!error && i === trace.hops.length - 1 && !trace.outcome.ok) error = trace.outcome.message;
    if (error) stop.error = error;
    stops.push(stop);
    prev = stop;
  });
  return stops;
}

function targetsOf(hop: Hop, prev: PacketStop | undefined): string[] {
  const node = hop.node ? [`Node/${hop.node}`] : [];
  // The cloud load balancer (outside the cluster: no node).
  if (hop.kind === 'load-balancer' && !hop.node) return [LB];
  // ingress-nginx's proxy: the controller pod's card, else its node.
  if (hop.kind === 'ingress')
    return hop.pod ? [`Pod/${hop.pod}`, ...node] : node.length > 0 ? node : [OUTSIDE];
  const service = serviceOfHop(hop);
  if (service) return [service, ...node];
  // KUBE-EXT-… → KUBE-SVC-… carries no comment, and KUBE-MARK-MASQ is jumped to from a Service's
  // chain: they stay with the Service before them.
  if (
    hop.kind === 'chain' &&
    hop.chain &&
    (SERVICE_CHAIN.test(hop.chain.chain) || hop.chain.chain === 'KUBE-MARK-MASQ') &&
    prev?.targets[0]?.startsWith('Service/')
  )
    return prev.targets;
  // A failure stays where it happened: at the Service whose rule rejected it, or off the graph.
  if (
    hop.kind === 'fail' &&
    !hop.pod &&
    prev &&
    (!hop.node || prev.targets[0]?.startsWith('Service/'))
  )
    return prev.targets;
  if (hop.kind === 'wire') {
    // The far end of the wire: the packet is on its way there.
    const ends = hopGraphIds(hop);
    const to = ends[ends.length - 1];
    if (/→ the laptop\b/.test(hop.what)) return [OUTSIDE];
    if (to) return [to];
    return node.length > 0 ? node : [OUTSIDE];
  }
  if (hop.pod) return [`Pod/${hop.pod}`, ...node];
  if (node.length > 0) return node;
  return [OUTSIDE];
}

/** The first of a stop's targets the graph shows (or none). */
export function resolveStop(stop: PacketStop, shown: (id: string) => boolean): string | undefined {
  return stop.targets.find((id) => isOffGraph(id) || shown(id));
}

/**
 * The places the marker has passed through up to hop `index` (inclusive) since the packet was
 * sent (the last `start`), as resolved ids with consecutive repeats removed: the path drawn
 * behind the marker.
 */
export function pathUpTo(
  stops: readonly PacketStop[],
  index: number,
  shown: (id: string) => boolean,
): string[] {
  const out: string[] = [];
  let from = Math.min(index, stops.length - 1);
  while (from > 0 && !stops[from]!.start) from--;
  for (let i = Math.max(0, from); i <= index && i < stops.length; i++) {
    const id = resolveStop(stops[i]!, shown);
    if (id !== undefined && out[out.length - 1] !== id) out.push(id);
  }
  return out;
}

/** The marker's text: `→ 10.96.12.7:80`. */
export function markerLabel(stop: PacketStop): string {
  return stop.dst ? `→ ${stop.dst}` : '→ …';
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where on a graph element the marker stands (flow coordinates): a node box's header (its
 * middle would cover its pods), the middle of a pod or Service card.
 */
export function anchorOf(id: string, r: Rect): { x: number; y: number } {
  if (id.startsWith('Node/'))
    return { x: r.x + r.width / 2, y: r.y + Math.min(NODE_HEADER_H, r.height) / 2 };
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/**
 * The outside client's spot: at the graph's left edge, in the gap between the Services row and
 * the node boxes (inside the picture that Fit view shows); atop the first node without Services.
 */
export function outsideAnchor(bounds: Rect): { x: number; y: number } {
  const y = bounds.y < 0 ? -SERVICE_ROW_GAP / 2 : bounds.y + 14;
  return { x: bounds.x + 56, y };
}

/** The load balancer's box: beside the outside client, to its right (the cluster's side). */
export function loadBalancerAnchor(bounds: Rect): { x: number; y: number } {
  const o = outsideAnchor(bounds);
  return { x: o.x + 150, y: o.y };
}

/**
 * The path drawn behind the marker at hop `index`: every leg since the first hop (the DNS
 * lookup's and the request's), each its own polyline (a new one at each send), DNS legs marked.
 */
export function legsUpTo(
  stops: readonly PacketStop[],
  dns: readonly boolean[],
  index: number,
  shown: (id: string) => boolean,
): Array<{ ids: string[]; dns: boolean }> {
  const legs: Array<{ ids: string[]; dns: boolean }> = [];
  let leg: { ids: string[]; dns: boolean } | undefined;
  for (let i = 0; i <= index && i < stops.length; i++) {
    const stop = stops[i]!;
    const isDns = dns[i] === true;
    if (!leg || stop.start || leg.dns !== isDns) {
      const last = leg?.ids[leg.ids.length - 1];
      leg = { ids: [], dns: isDns };
      // A leg that carries on from the previous one (not a new send) starts where it ended.
      if (!stop.start && last !== undefined) leg.ids.push(last);
      legs.push(leg);
    }
    const id = resolveStop(stop, shown);
    if (id !== undefined && leg.ids[leg.ids.length - 1] !== id) leg.ids.push(id);
  }
  return legs.filter((l) => l.ids.length > 0);
}

/**
 * The way one request of a Load goes, as resolved ids: from its send (after any DNS lookup) to
 * where the request arrived (the first delivery to a pod or process) or failed. Its reply is
 * left out: the Load's dots show where requests went.
 */
export function requestPath(
  trace: Trace,
  shown: (id: string) => boolean,
  stops: readonly PacketStop[] = packetStops(trace),
): { ids: string[]; failed: boolean } {
  const hops = trace.hops;
  let from = 0;
  for (let i = hops.length - 1; i >= 0; i--)
    if (hops[i]!.kind === 'send' && !hops[i]!.phase) {
      from = i;
      break;
    }
  let end = hops.length - 1;
  for (let i = from; i < hops.length; i++) {
    const k = hops[i]!.kind;
    if (k === 'deliver' || k === 'fail') {
      end = i;
      break;
    }
  }
  // A failure after the delivery (a hung or resetting server) shows where it was delivered.
  return { ids: pathUpTo(stops, end, shown), failed: !trace.outcome.ok };
}
