/**
 * The trace panel's words: for each hop of a Trace (engine: network/trace/trace.ts), where it
 * happened, what changed, and a plain-language "why" — the rule matched because dst is the
 * ClusterIP and dport 80; the SVC chain chose endpoint 2 of 3 with probability 0.5; the pod is
 * on node2, so the packet leaves via flannel.1. Pure functions of the trace (and, for the
 * endpoint's position in its chain, of the node's rules at the time: `ExplainEnv`).
 *
 * The explanations read the rule as iptables-save prints it (rule.ts) and, for hops without a
 * rule (routes, wires, deliveries), the engine's own `what` sentence. Those sentences are the
 * engine's output; the tests run real traces so that a change there shows here.
 */
import type { Hop, Trace } from '../../engine';
import type { ParsedRule } from './rule';
import { hostOf, optionOf, parseRule, targetOptionOf } from './rule';

/** What the explanations may ask about the cluster as it was when the trace was taken. */
export interface ExplainEnv {
  /** The rules of one chain of one node, as iptables-save prints them, in order. */
  chainRules?(node: string, table: string, chain: string): readonly string[] | undefined;
}

const BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
const TERMINAL_TARGETS = new Set([
  'ACCEPT',
  'DROP',
  'REJECT',
  'RETURN',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'MARK',
  'REDIRECT',
  'LOG',
  'CONNMARK',
]);

/** `10.0.0.1:80` → `10.0.0.1`. */
const ipOf = (ipPort: string): string => ipPort.replace(/:\d+$/, '');
const portOf = (ipPort: string): string => /:(\d+)$/.exec(ipPort)?.[1] ?? '';

/**
 * The Service a kube-proxy comment names: `default/httpd2 cluster IP` → `default/httpd2`;
 * `masquerade traffic for ns/svc:port external destinations` → `ns/svc:port`.
 */
function serviceOfComment(comment: string | undefined): string | undefined {
  if (!comment) return undefined;
  const m = /([a-z0-9-]+\/[a-z0-9.-]+(?::[a-z0-9-]+)?)/.exec(comment);
  return m?.[1];
}

/** A probability as iptables prints it (`0.33333333349`), for people: `0.33`, `0.5`. */
export function formatProbability(p: number): string {
  return String(Number(p.toFixed(2)));
}

/** `+0.35 ms`: virtual time since the request started. */
export function formatAt(ms: number): string {
  if (ms >= 1000) return `+${(ms / 1000).toFixed(2)} s`;
  return `+${ms.toFixed(2)} ms`;
}

/** The client as a person reads it: `default/sb`, `node1`, `the laptop`. */
export function clientName(trace: Trace): string {
  const from = trace.request.from;
  if (from.startsWith('pod/')) return from.slice(4);
  if (from.startsWith('node/')) return from.slice(5);
  if (from === 'outside/internet') return 'the client on the internet';
  return 'the laptop';
}

// ---------------------------------------------------------------------------------------------
// Where a hop happened

export type PlaceKind = 'pod' | 'node' | 'outside' | 'wire' | 'load-balancer';

export interface HopPlace {
  kind: PlaceKind;
  /** `node1`, `default/sb`, `node1 → node2`, `load balancer`, `laptop`. */
  label: string;
  /** `on node2` for a pod. */
  detail?: string;
}

/** The two ends of a wire hop's `what` (`VXLAN: node1 192.168.100.11 → node2 …`). */
function wireEnds(what: string): [string, string] | undefined {
  const m =
    /^VXLAN: (\S+) \S+ → (\S+) /.exec(what) ??
    /^(?:node network|reply): (the laptop|\S+) → (the laptop|\S+)/.exec(what);
  return m ? [m[1]!, m[2]!] : undefined;
}

export function hopPlace(hop: Hop, trace: Trace): HopPlace {
  if (hop.kind === 'wire') {
    const ends = wireEnds(hop.what);
    return { kind: 'wire', label: ends ? `${ends[0]} → ${ends[1]}` : 'network' };
  }
  if (hop.kind === 'load-balancer') return { kind: 'load-balancer', label: 'load balancer' };
  if (hop.pod) {
    const place: HopPlace = { kind: 'pod', label: hop.pod };
    if (hop.node) place.detail = `on ${hop.node}`;
    return place;
  }
  if (hop.node) return { kind: 'node', label: hop.node };
  return {
    kind: 'outside',
    label: trace.request.from === 'outside/internet' ? 'internet' : 'laptop',
  };
}

/**
 * The graph objects a hop concerns, as the graph's ids (`Pod/ns/name`, `Node/name`): the pod if
 * there is one, else the node(s). What the graph highlights for the selected hop (and what a
 * packet marker will travel between, later).
 */
export function hopGraphIds(hop: Hop): string[] {
  if (hop.pod) return [`Pod/${hop.pod}`];
  const ids: string[] = [];
  if (hop.kind === 'wire') {
    for (const end of wireEnds(hop.what) ?? []) {
      if (end !== 'the laptop') ids.push(`Node/${end}`);
    }
    if (ids.length > 0) return ids;
  }
  if (hop.node) ids.push(`Node/${hop.node}`);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// What NAT changed

export interface NatChange {
  field: 'src' | 'dst';
  from: string;
  to: string;
}

/** The addresses a hop rewrote (DNAT: dst; MASQUERADE: src; conntrack's reply: both). */
export function natChanges(hop: Hop): NatChange[] {
  const b = hop.before;
  const a = hop.after;
  if (!b || !a) return [];
  const out: NatChange[] = [];
  if (b.src !== a.src) out.push({ field: 'src', from: b.src, to: a.src });
  if (b.dst !== a.dst) out.push({ field: 'dst', from: b.dst, to: a.dst });
  return out;
}

/**
 * The packet's addresses as they were at hop `index`: those of the last hop before it (or at it)
 * that recorded them (the send, and every rewrite).
 */
export function packetAt(trace: Trace, index: number): { src: string; dst: string } | undefined {
  for (let i = index; i >= 0; i--) {
    const h = trace.hops[i]!;
    if (i < index && h.after) return h.after;
    if (h.before) return h.before;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Which hops only passed through

const ruleCache = new WeakMap<Hop, ParsedRule>();
function ruleOf(hop: Hop): ParsedRule | undefined {
  if (!hop.chain) return undefined;
  let r = ruleCache.get(hop);
  if (!r) {
    r = parseRule(hop.chain.rule);
    ruleCache.set(hop, r);
  }
  return r;
}

/**
 * Per hop: true when the hop is a rule the packet only passed through, with no effect — a jump
 * into a chain where nothing matched (FORWARD → KUBE-PROXY-FIREWALL), a RETURN, a rule that only
 * counts. The panel folds these away unless asked ("Show every rule").
 */
export function passThroughHops(trace: Trace): boolean[] {
  const hops = trace.hops;
  const minor = hops.map(() => false);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    const rule = ruleOf(hop);
    if (!rule || !hop.chain) continue;
    const target = rule.target;
    if (target === undefined || target === 'RETURN') {
      minor[i] = true;
      continue;
    }
    if (TERMINAL_TARGETS.has(target)) continue;
    // A jump: what happened inside the chain it jumped to (until the packet is back in a
    // built-in chain, or leaves netfilter)?
    const inside: number[] = [];
    for (let j = i + 1; j < hops.length; j++) {
      const h = hops[j]!;
      if (h.kind !== 'chain' || !h.chain || h.node !== hop.node) break;
      if (h.chain.table !== hop.chain.table || BUILTIN_CHAINS.has(h.chain.chain)) break;
      inside.push(j);
    }
    const first = inside[0];
    if (first === undefined || hops[first]!.chain?.chain !== target) {
      minor[i] = true; // nothing in the target chain matched
      continue;
    }
    minor[i] = inside.filter((j) => hops[j]!.chain?.chain === target).every((j) => minor[j]);
  }
  return minor;
}

// ---------------------------------------------------------------------------------------------
// Groups: the DNS lookup's queries, then the request

export interface HopGroup {
  phase: 'dns' | 'request';
  /** `A httpd2.default.svc.cluster.local. → A 10.110.105.26`; the request's is its line. */
  title: string;
  /** Indexes into trace.hops. */
  hops: number[];
}

/** The hops by phase: one group per DNS query (each starts with its `send`), then the request. */
export function hopGroups(trace: Trace): HopGroup[] {
  const groups: HopGroup[] = [];
  let query = -1;
  let request: HopGroup | undefined;
  trace.hops.forEach((hop, i) => {
    if (hop.phase === 'dns') {
      const last = groups[groups.length - 1];
      if (hop.kind === 'send' || !last || last.phase !== 'dns') {
        query++;
        groups.push({ phase: 'dns', title: dnsTitle(trace, query), hops: [i] });
      } else {
        last.hops.push(i);
      }
      return;
    }
    if (!request) {
      request = { phase: 'request', title: requestTitle(trace), hops: [] };
      groups.push(request);
    }
    request.hops.push(i);
  });
  return groups;
}

function dnsTitle(trace: Trace, index: number): string {
  const q = trace.dns?.[index];
  if (!q) return 'DNS query';
  const result = q.answers.length > 0 ? q.answers.join(', ') : q.result;
  return `${q.type} ${q.name} → ${result}`;
}

export function requestTitle(trace: Trace): string {
  return `${trace.request.method} ${trace.request.url || '(no URL)'} from ${clientName(trace)}`;
}

// ---------------------------------------------------------------------------------------------
// Why

/** Why this hop happened, in plain words. */
export function explainHop(hop: Hop, trace: Trace, env: ExplainEnv = {}): string {
  switch (hop.kind) {
    case 'send':
      return explainSend(hop, trace);
    case 'chain':
      return hop.chain ? explainRule(hop, trace, env) : explainConntrack(hop);
    case 'route':
      return explainRoute(hop);
    case 'wire':
      return explainWire(hop);
    case 'kube-proxy':
      return explainKubeProxy(hop);
    case 'load-balancer':
      return explainLoadBalancer(hop);
    case 'ingress':
      return 'ingress-nginx is a proxy running in a pod: it read the Host header and path, chose the backend Service by the Ingress rules and opened its own connection to one of its endpoints — so the backend sees the ingress pod as the client.';
    case 'deliver':
      return explainDeliver(hop);
    case 'answer':
      return explainAnswer(hop, trace);
    case 'fail':
      return explainFail(hop, trace);
  }
}

/** Every hop's why, in order (what the panel computes once, when the trace arrives). */
export function explainTrace(trace: Trace, env: ExplainEnv = {}): string[] {
  return trace.hops.map((h) => explainHop(h, trace, env));
}

function explainSend(hop: Hop, trace: Trace): string {
  const dst = hop.before?.dst ?? '';
  if (hop.phase === 'dns') {
    return `To find the address of the name, the resolver asks the nameserver from /etc/resolv.conf, ${ipOf(dst)} — the ClusterIP of the kube-dns Service — over UDP port 53.`;
  }
  if (/over its loopback/.test(hop.what)) {
    return 'The destination is one of the pod’s own addresses: the packet goes over its loopback interface and never leaves the pod.';
  }
  const from = trace.request.from;
  if (from.startsWith('pod/')) {
    return `${hop.pod ?? clientName(trace)} opens a TCP connection: the SYN leaves the pod’s eth0 through its veth pair into ${hop.node ?? 'the node'}, where the node’s netfilter sees it arrive (PREROUTING) like a packet from another machine.`;
  }
  if (from.startsWith('node/')) {
    return `A process on ${hop.node ?? 'the node'} connects to ${dst}: a locally generated packet, so it starts in the node’s OUTPUT hook.`;
  }
  if (from === 'outside/internet') {
    return 'A client on the internet can reach only public addresses: here the cloud load balancer’s.';
  }
  return 'The laptop sits on the node network (192.168.100.0/24): it can reach the nodes’ own addresses, but not the pod network or the Service ClusterIPs, which exist only inside the cluster.';
}

/** Why a netfilter rule matched, and what it did. */
function explainRule(hop: Hop, trace: Trace, env: ExplainEnv): string {
  const ref = hop.chain!;
  const rule = ruleOf(hop)!;
  const chain = ref.chain;
  const target = rule.target ?? '';
  const comment = optionOf(rule, '--comment')?.value;
  const svc = serviceOfComment(comment);
  const dst = optionOf(rule, '-d', '--destination');
  const src = optionOf(rule, '-s', '--source');
  const dport = optionOf(rule, '--dport');
  const proto = optionOf(rule, '-p', '--protocol')?.value;
  const node = hop.node ?? 'the node';
  const hops = trace.hops;
  const index = hops.indexOf(hop);

  // From a built-in chain into kube-proxy's chains.
  if (BUILTIN_CHAINS.has(chain) && !TERMINAL_TARGETS.has(target)) {
    const passed = passThroughHops(trace)[index] === true;
    if (ref.table === 'nat' && (target === 'KUBE-SERVICES' || target.startsWith('KUBE-PORTALS'))) {
      const userspace = target.startsWith('KUBE-PORTALS');
      const who =
        chain === 'OUTPUT'
          ? `Every new connection from a process on ${node} (nat OUTPUT)`
          : `Every packet arriving at ${node} (nat PREROUTING)`;
      const what = userspace
        ? `userspace mode’s portal chain ${target}, which sends Service addresses to kube-proxy’s own ports`
        : 'kube-proxy’s KUBE-SERVICES chain: one rule per Service IP and port';
      return `${who} is sent to ${what}.${passed ? ' No rule there matched: the destination is not a Service address.' : ''}`;
    }
    if (target === 'KUBE-POSTROUTING') {
      return passed
        ? 'Leaving the node, the packet passes KUBE-POSTROUTING, which masquerades only packets marked 0x4000: this one is not marked, so its source is kept.'
        : 'Leaving the node, the packet passes KUBE-POSTROUTING, which masquerades the packets kube-proxy marked 0x4000.';
    }
    const why = comment ? ` (“${comment}”)` : '';
    return passed
      ? `${ref.table} ${chain}: the packet passes kube-proxy’s ${target} chain${why}; no rule there matched, so it carries on.`
      : `${ref.table} ${chain}: the packet goes through kube-proxy’s ${target} chain${why}.`;
  }

  // DNAT / REDIRECT.
  if (target === 'DNAT' || target === 'REDIRECT') {
    const to = hop.after?.dst ?? targetOptionOf(rule, '--to-destination') ?? '';
    const from = hop.before?.dst ?? '';
    if (chain.startsWith('KUBE-PORTALS')) {
      return `Userspace mode: the Service address ${from} is rewritten to ${to}, a port kube-proxy itself listens on, on ${node}; kube-proxy will open a second connection to an endpoint.`;
    }
    const pod =
      trace.server && `${trace.server.ip}:${trace.server.port}` === to && trace.server.pod;
    const who = pod ? `the pod ${pod}` : 'the chosen endpoint';
    return `DNAT: the destination ${from} becomes ${to}, ${who}. conntrack remembers the translation, so the reply will be rewritten back and the client never sees the pod’s address.`;
  }

  if (target === 'MASQUERADE') {
    const from = hop.before?.src ?? '';
    const to = hop.after?.src ?? '';
    return `The packet carries kube-proxy’s 0x4000 mark, so its source ${from} is replaced by ${to}, ${node}’s address on the interface it leaves by. The server will see ${ipOf(to)} as the client, and its reply must come back through ${node} to be un-NATed.`;
  }

  if (target === 'MARK') {
    const xmark = targetOptionOf(rule, '--set-xmark') ?? '';
    if (/\/0x0$/.test(xmark) || chain === 'KUBE-POSTROUTING') {
      return 'The packet was marked for masquerading: KUBE-POSTROUTING clears the mark (it must not stay on the packet) and masquerades it with the next rule.';
    }
    return 'KUBE-MARK-MASQ sets bit 0x4000 of the packet’s mark. Nothing changes yet: when the packet leaves the node, KUBE-POSTROUTING will masquerade (SNAT) it.';
  }

  if (target === 'KUBE-MARK-MASQ') {
    if (src?.not) {
      const pkt = packetAt(trace, index);
      const from = pkt ? `${ipOf(pkt.src)} ` : '';
      return `The source ${from}is not in the pod network ${src.value}, yet it is going to a Service: it is marked for SNAT, so that the pod’s reply comes back through ${node}, where the DNAT can be undone.`;
    }
    if (chain.startsWith('KUBE-EXT')) {
      return `Traffic from outside the cluster to ${svc ?? 'the Service'} is marked for SNAT (externalTrafficPolicy: Cluster): the chosen endpoint may be on another node, and its reply must come back through ${node}.`;
    }
    if (chain.startsWith('KUBE-SEP') && src) {
      return `Hairpin: the pod ${hostOf(src.value)} reaches itself through the Service. Without SNAT it would answer itself directly and the connection would break, so it is marked for masquerading.`;
    }
    return 'The packet is marked for SNAT (KUBE-MARK-MASQ): KUBE-POSTROUTING will masquerade it as it leaves the node.';
  }

  if (target === 'RETURN') {
    if (optionOf(rule, '--mark')?.not) {
      return 'The packet has no 0x4000 mark: kube-proxy does not masquerade it, and its source address is kept.';
    }
    return `Nothing more to do in ${chain}: back to the chain that jumped here.`;
  }

  if (target === 'REJECT' || target === 'DROP') {
    const ip = dst ? hostOf(dst.value) : '';
    const port = dport?.value ?? '';
    if (comment && /has no (local )?endpoints/.test(comment)) {
      const local = /no local endpoints/.test(comment);
      return target === 'REJECT'
        ? `${svc ?? 'The Service'} has no ready endpoints, so kube-proxy put a REJECT rule for ${ip}:${port} in the filter table: the client is refused at once (ICMP port unreachable → “Connection refused”) instead of waiting.`
        : `${svc ?? 'The Service'} has no ${local ? 'endpoint on this node and externalTrafficPolicy is Local' : 'ready endpoints'}: the packet is dropped without an answer, and the client waits until it times out.`;
    }
    return `${target}: the rule in ${chain} ${target === 'REJECT' ? 'refuses' : 'drops'} the packet.`;
  }

  if (target === 'ACCEPT') {
    if (optionOf(rule, '--mark'))
      return 'The packet carries kube-proxy’s 0x4000 mark: KUBE-FORWARD accepts it, whatever the FORWARD policy says.';
    if (optionOf(rule, '--ctstate', '--state')?.value.includes('ESTABLISHED'))
      return 'Part of a connection conntrack already knows: accepted.';
    return `${chain} accepts the packet${comment ? ` (“${comment}”)` : ''}.`;
  }

  // Jumps inside kube-proxy's chains.
  if (chain === 'KUBE-SERVICES' && target.startsWith('KUBE-SVC')) {
    return `dst is the ClusterIP ${dst ? hostOf(dst.value) : '?'} and dport ${dport?.value ?? '?'}${proto ? ` (${proto})` : ''}: this is the Service ${svc ?? '?'}, so the packet goes to its KUBE-SVC chain, which picks an endpoint.`;
  }
  if (chain === 'KUBE-SERVICES' && target === 'KUBE-NODEPORTS') {
    const pkt = packetAt(trace, index);
    const to = pkt ? `${ipOf(pkt.dst)} ` : '';
    return `No ClusterIP rule matched, and the destination ${to}is one of ${node}’s own addresses (addrtype LOCAL): the last rule of KUBE-SERVICES hands the packet to KUBE-NODEPORTS.`;
  }
  if (
    chain === 'KUBE-SERVICES' &&
    (target.startsWith('KUBE-EXT') || target.startsWith('KUBE-FW'))
  ) {
    const kind = comment?.includes('loadbalancer') ? 'the load balancer’s IP' : 'an external IP';
    return `dst ${dst ? hostOf(dst.value) : ''} is ${kind} of ${svc ?? 'a Service'} and dport ${dport?.value ?? '?'}: the packet goes to the Service’s external chain.`;
  }
  if (chain === 'KUBE-NODEPORTS') {
    return `dport ${dport?.value ?? '?'} is the NodePort of ${svc ?? 'a Service'}: every node accepts it on all its addresses.`;
  }
  if (chain.startsWith('KUBE-EXT') && target.startsWith('KUBE-SVC')) {
    return 'externalTrafficPolicy: Cluster — the packet continues to the Service’s KUBE-SVC chain, which may pick an endpoint on any node.';
  }
  if (target.startsWith('KUBE-SVL')) {
    return 'externalTrafficPolicy: Local — only the endpoints on this node are candidates, and the source is not masqueraded, so the pod sees the real client address.';
  }
  if (target.startsWith('KUBE-FW')) {
    return `The load balancer’s traffic passes the firewall chain of ${svc ?? 'the Service'} (loadBalancerSourceRanges).`;
  }
  if (
    (chain.startsWith('KUBE-SVC') || chain.startsWith('KUBE-SVL')) &&
    target.startsWith('KUBE-SEP')
  ) {
    return explainEndpointChoice(hop, rule, env);
  }
  return genericRule(rule);
}

/** KUBE-SVC → KUBE-SEP: which endpoint, of how many, with what probability. */
function explainEndpointChoice(hop: Hop, rule: ParsedRule, env: ExplainEnv): string {
  const comment = optionOf(rule, '--comment')?.value ?? '';
  const endpoint = /-> (\S+)$/.exec(comment)?.[1] ?? rule.target ?? '';
  const recent = optionOf(rule, '--rcheck');
  if (recent) {
    const seconds = optionOf(rule, '--seconds')?.value;
    return `Session affinity (ClientIP): this client’s address used endpoint ${endpoint} within the last ${seconds ?? '10800'} s, so it goes there again.`;
  }
  const probability = optionOf(rule, '--probability')?.value;
  const p = probability !== undefined ? Number(probability) : undefined;
  // The endpoint's position among the chain's endpoint rules, from the node's rules.
  const ref = hop.chain!;
  const rules = hop.node ? env.chainRules?.(hop.node, ref.table, ref.chain) : undefined;
  const endpointRules = rules?.filter((r) => /-j KUBE-SEP-/.test(r) && !/--rcheck/.test(r));
  const position = endpointRules?.indexOf(ref.rule) ?? -1;
  if (endpointRules && position >= 0) {
    const n = endpointRules.length;
    const k = position + 1;
    if (n === 1) return `${endpoint} is the only endpoint: the rule matches every packet.`;
    if (p === undefined)
      return `Chose endpoint ${k} of ${n} (${endpoint}): the last rule has no probability and takes every packet the ${n - 1} before it let through — overall each endpoint gets 1/${n}.`;
    return `Chose endpoint ${k} of ${n} (${endpoint}) with probability ${formatProbability(p)}: rule k of n matches with 1/(n−k+1), so overall each endpoint gets 1/${n}.`;
  }
  if (p === undefined)
    return `Chose endpoint ${endpoint}: its rule has no probability, so it takes every packet the rules before it let through.`;
  return `Chose endpoint ${endpoint}: its rule matched with probability ${formatProbability(p)} (kube-proxy gives endpoint k of n the probability 1/(n−k+1), so each is equally likely).`;
}

/** A rule in words when no better explanation applies: its conditions and its target. */
function genericRule(rule: ParsedRule): string {
  const parts: string[] = [];
  for (const o of rule.options) {
    const not = o.not ? 'not ' : '';
    if (o.name === '-d') parts.push(`dst is ${not}${hostOf(o.value)}`);
    else if (o.name === '-s') parts.push(`src is ${not}${hostOf(o.value)}`);
    else if (o.name === '-p') parts.push(`protocol ${not}${o.value}`);
    else if (o.name === '--dport') parts.push(`dport ${not}${o.value}`);
    else if (o.name === '--dst-type') parts.push(`dst is ${not}a ${o.value} address`);
    else if (o.name === '--src-type') parts.push(`src is ${not}a ${o.value} address`);
    else if (o.name === '--ctstate' || o.name === '--state')
      parts.push(`connection ${not}${o.value}`);
    else if (o.name === '--mark') parts.push(`mark ${not}${o.value}`);
    else if (o.name === '-i') parts.push(`in on ${not}${o.value}`);
    else if (o.name === '-o') parts.push(`out on ${not}${o.value}`);
  }
  const when = parts.length > 0 ? `Matched because ${parts.join(', ')}` : 'Matches every packet';
  return `${when}: ${rule.target ? `on to ${rule.target}` : 'counted'}.`;
}

function explainConntrack(hop: Hop): string {
  const changes = natChanges(hop);
  const unDnat = changes.some((c) => c.field === 'src');
  const unSnat = changes.some((c) => c.field === 'dst');
  const what = [
    unDnat ? 'the source becomes the address the client asked for (un-DNAT)' : '',
    unSnat ? 'the destination becomes the client again (un-SNAT)' : '',
  ]
    .filter(Boolean)
    .join(', and ');
  return `The reply belongs to a connection conntrack tracks: ${what || 'it is let through'}. That is why the client sees an answer from the address it connected to.`;
}

function explainRoute(hop: Hop): string {
  const node = hop.node ?? 'the node';
  let m: RegExpExecArray | null;
  if ((m = /^(\S+) via (\S+) dev flannel\.1 \((\S+)'s pod network\)/.exec(hop.what))) {
    return `${m[1]} is in ${m[3]}’s pod network — the pod is on ${m[3]} — so the packet leaves via flannel.1: flannel wraps it in VXLAN to ${m[3]}.`;
  }
  if ((m = /^(\S+) is on (\S+)'s pod network: dev cni0/.exec(hop.what))) {
    return `${m[1]} is in ${m[2]}’s own pod network: the pod is on this node, so the packet goes out the bridge cni0 to the pod’s veth.`;
  }
  if ((m = /^(\S+) is bound to kube-ipvs0/.exec(hop.what))) {
    return `ipvs mode binds every ClusterIP to the dummy interface kube-ipvs0, so ${node} treats ${m[1]} as its own address and IPVS takes over the connection.`;
  }
  if ((m = /^(\S+) is an address of (\S+): local delivery/.exec(hop.what))) {
    return `${m[1]} is one of ${m[2]}’s own addresses: the kernel delivers the packet locally (INPUT), to a socket on the node.`;
  }
  if ((m = /^(\S+) is (\S+): dev eth0/.exec(hop.what))) {
    return `${m[1]} is ${m[2]}’s address on the node network: out eth0, directly.`;
  }
  if (/is on the node network: dev eth0/.test(hop.what)) {
    return 'The destination is on the node network (192.168.100.0/24): out eth0, directly.';
  }
  if (/default via/.test(hop.what)) {
    return 'No route is more specific: the packet goes to the default gateway.';
  }
  return `${node} looks up the route for the destination (ip route get).`;
}

function explainWire(hop: Hop): string {
  if (hop.what.startsWith('VXLAN')) {
    return 'The overlay: the packet travels inside a UDP datagram (port 8472) between the two nodes’ addresses; inside, its pod addresses are unchanged.';
  }
  if (hop.what.startsWith('reply')) {
    return 'The reply travels back to the node that holds the connection’s NAT state.';
  }
  return 'The packet crosses the node network (192.168.100.0/24) as it is.';
}

function explainKubeProxy(hop: Hop): string {
  const w = hop.what;
  let m: RegExpExecArray | null;
  if ((m = /^IPVS (\S+) (\S+) \((\w+)\) → (\S+)/.exec(w))) {
    const sched = m[3] === 'rr' ? 'round robin' : m[3];
    return `ipvs mode: the kernel’s IPVS virtual server ${m[2]} (${m[1]}) chose the real server ${m[4]} with its ${sched} scheduler; “Masq” means NAT — the destination is rewritten to the pod.`;
  }
  if ((m = /^kube-proxy dials (\S+)/.exec(w))) {
    return `Userspace mode: kube-proxy accepted the client’s connection itself, chose endpoint ${m[1]} (round robin) and opens a second connection to it.`;
  }
  if (/was refused: next endpoint/.test(w)) {
    return 'The endpoint refused the connection: userspace kube-proxy simply retries with the next endpoint — the client never notices.';
  }
  if (/no answer from .* next endpoint/.test(w)) {
    return 'The endpoint did not answer in time: userspace kube-proxy gives up on it and retries with the next endpoint.';
  }
  if ((m = /^kube-proxy connected to (\S+) from (\S+)/.exec(w))) {
    return `Connected: the backend sees the connection coming from ${m[2]}, the node — not the client, whose connection ends at kube-proxy.`;
  }
  if (/copies the answer/.test(w)) {
    return 'kube-proxy copies the answer from its connection to the backend onto the client’s connection.';
  }
  return 'kube-proxy handled the connection itself.';
}

function explainLoadBalancer(hop: Hop): string {
  const m = /\(([^)]*)\)$/.exec(hop.what);
  if (/answers from/.test(hop.what)) {
    return 'The reply leaves through the load balancer, from the public address the client connected to.';
  }
  return `The cloud load balancer forwards the connection to a node’s NodePort${m ? `: ${m[1]}` : ''}.`;
}

function explainDeliver(hop: Hop): string {
  const w = hop.what;
  let m: RegExpExecArray | null;
  if ((m = /^cni0 → (\S+) → eth0 of (\S+) \((\S+)\)/.exec(w))) {
    const port = portOf(m[3]!);
    const dns = hop.phase === 'dns' || port === '53';
    return `The pod ${m[2]} receives the packet on its eth0 (through the bridge cni0 and its veth ${m[1]}); ${dns ? 'CoreDNS listens on port 53' : `a process in it listens on port ${port}`} and accepts.`;
  }
  if (/kube-proxy's socket/.test(w)) {
    return 'Userspace mode: the socket is kube-proxy’s own, opened for this Service port — kube-proxy is now the server the client talks to.';
  }
  if (/accepts its own connection/.test(w)) return 'The pod connected to itself: it accepts.';
  return `A socket on ${hop.node ?? 'the machine'} accepts the connection.`;
}

function explainAnswer(hop: Hop, trace: Trace): string {
  const w = hop.what;
  if (hop.phase === 'dns') {
    if (/\(CoreDNS\) answers NXDOMAIN/.test(w))
      return 'CoreDNS has no such name: NXDOMAIN. The resolver tries the next search domain from /etc/resolv.conf.';
    if (/\(CoreDNS\) answers/.test(w))
      return 'CoreDNS answers from the cluster’s records: a Service’s name resolves to its ClusterIP.';
    if (/receives the answer/.test(w))
      return 'conntrack has rewritten the reply’s source back to 10.96.0.10: the resolver accepts only answers from the server it asked.';
    return 'The DNS server answers.';
  }
  if (/^the client receives the answer/.test(w) || /receives the answer/.test(w)) {
    return `The answer arrives: the client sees it come from ${trace.request.url || 'the address it connected to'}, the address it connected to.`;
  }
  if (/answers the SYN/.test(w)) return 'The server accepts the connection: SYN-ACK.';
  const server = trace.server;
  const client = trace.client;
  if (server && client) {
    const peer = `${server.peer.ip}:${server.peer.port}`;
    if (server.peer.ip === client.ip)
      return `The server answers. It saw the request come from ${peer}, the client’s own address: nothing rewrote the source.`;
    return `The server answers. It saw the request come from ${peer}, not from the client ${client.ip}: SNAT (or a proxy) replaced the source on the way.`;
  }
  return 'The server answers.';
}

function explainFail(hop: Hop, trace: Trace): string {
  const w = hop.what;
  if (w.startsWith('REJECT')) {
    const svc = trace.hops
      .map((h) => (h.chain ? optionOf(ruleOf(h)!, '--comment')?.value : undefined))
      .find((c) => c && /has no endpoints/.test(c));
    return `${svc ? `“${svc}”: ` : ''}the node answers with ICMP port unreachable, which the client reports as “Connection refused”.`;
  }
  if (w.startsWith('DROP'))
    return 'The packet is discarded without an answer: the client retransmits the SYN, then gives up with a timeout.';
  if (/nothing listens/.test(w))
    return 'No process listens on that port: the kernel answers with a TCP RST, which the client reports as “Connection refused”.';
  if (/refuses \(/.test(w))
    return 'The pod refuses the connection (a fault set with the playground/fault annotation): its kernel answers RST — “Connection refused”.';
  if (/never answers/.test(w))
    return 'The connection was accepted, but the server never answers: the client waits until its timeout.';
  if (/frozen/.test(w))
    return 'The pod is frozen: packets to it are lost, and the client times out.';
  if (/is down/.test(w)) return 'The node is down: nothing receives the packet.';
  if (/ARP/.test(w))
    return 'No machine has that address on the local network: ARP gets no answer (“No route to host”).';
  if (/Could not resolve|resolve/.test(w))
    return 'The name could not be resolved to an address, so no packet was sent.';
  if (/gives up/.test(w))
    return 'Every endpoint failed: kube-proxy closes the client’s connection (RST).';
  if (/closed the connection/.test(w)) return 'The server closed the connection without answering.';
  return 'The request failed here.';
}
