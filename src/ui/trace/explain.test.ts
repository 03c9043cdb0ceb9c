import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '../../engine';
import {
  explainHop,
  explainTrace,
  formatAt,
  hopGraphIds,
  hopGroups,
  hopPlace,
  natChanges,
  packetAt,
  passThroughHops,
} from './explain';
import { clusterExplainEnv } from './trace-bridge';
import { lessonCluster } from './testing';

// Real traces from the engine: the classic lesson, then the same cluster in userspace mode.
const L = lessonCluster();
const env = () => clusterExplainEnv(L.cluster);

interface Sent {
  trace: Trace;
  why: string[];
}
/** Send now and explain now (the rules of this moment). */
function send(r: Parameters<typeof L.request>[0]): Sent {
  const trace = L.request(r);
  return { trace, why: explainTrace(trace, env()) };
}

const master = { kind: 'node', name: 'master' } as const;
const node1 = { kind: 'node', name: 'node1' } as const;
const sb = { kind: 'pod', namespace: 'default', name: 'sb' } as const;

const clusterIP = send({ from: master, url: `http://${L.clusterIP}/` });
const byName = send({ from: sb, url: 'http://httpd2/' });
const nodePort = send({ from: { kind: 'outside' }, url: `http://192.168.100.11:${L.nodePort}/` });

// Enough requests that every endpoint is chosen at least once.
const choices = new Map<string, string>();
for (let i = 0; i < 60 && choices.size < 3; i++) {
  const s = send({ from: master, url: `http://${L.clusterIP}/` });
  const at = s.trace.hops.findIndex((h) => /^KUBE-SVC-\S+ → KUBE-SEP-/.test(h.what));
  const endpoint = /-> (\S+)\)$/.exec(s.trace.hops[at]!.what)![1]!;
  choices.set(endpoint, s.why[at]!);
}

L.cluster.shell.run('kubectl create service clusterip empty --tcp=80:80');
L.cluster.advance(5_000);
const emptyIP = (L.cluster.store.get('Service', 'default', 'empty')?.spec as { clusterIP: string })
  .clusterIP;
const rejected = send({ from: node1, url: `http://${emptyIP}/` });

// Userspace mode, one httpd2 pod refusing: kube-proxy retries with the next endpoint.
L.cluster.shell.run('playground proxy-mode userspace');
const refusing = L.podOf(L.endpoints[0]!).split('/')[1]!;
L.cluster.shell.run(`kubectl annotate pod ${refusing} playground/fault=refuse`);
L.cluster.advance(30_000);
let retried: Sent | undefined;
for (let i = 0; i < 6 && !retried; i++) {
  const s = send({ from: node1, url: `http://${L.clusterIP}/` });
  if (s.trace.hops.some((h) => /next endpoint/.test(h.what))) retried = s;
}

/** The why of the first hop whose `what` matches. */
function whyOf(s: Sent, what: RegExp): string {
  const i = s.trace.hops.findIndex((h) => what.test(h.what));
  if (i < 0) throw new Error(`no hop matches ${String(what)}`);
  return s.why[i]!;
}

const e = L.endpoints;
const serverOf = (s: Sent) => s.trace.server!;

describe('explainHop on real traces', () => {
  it.each<[string, () => Sent, RegExp, () => string]>([
    [
      'a node sends: OUTPUT',
      () => clusterIP,
      /^master sends SYN/,
      () =>
        `A process on master connects to ${L.clusterIP}:80: a locally generated packet, so it starts in the node’s OUTPUT hook.`,
    ],
    [
      'OUTPUT → KUBE-SERVICES',
      () => clusterIP,
      /^OUTPUT → KUBE-SERVICES/,
      () =>
        'Every new connection from a process on master (nat OUTPUT) is sent to kube-proxy’s KUBE-SERVICES chain: one rule per Service IP and port.',
    ],
    [
      'KUBE-SERVICES jump: the ClusterIP and dport',
      () => clusterIP,
      /^KUBE-SERVICES → KUBE-SVC-/,
      () =>
        `dst is the ClusterIP ${L.clusterIP} and dport 80 (tcp): this is the Service default/httpd2, so the packet goes to its KUBE-SVC chain, which picks an endpoint.`,
    ],
    [
      'KUBE-SVC → KUBE-MARK-MASQ: source outside the pod network',
      () => clusterIP,
      /^KUBE-SVC-\S+ → KUBE-MARK-MASQ/,
      () =>
        'The source 192.168.100.10 is not in the pod network 10.244.0.0/16, yet it is going to a Service: it is marked for SNAT, so that the pod’s reply comes back through master, where the DNAT can be undone.',
    ],
    [
      'KUBE-MARK-MASQ sets the mark',
      () => clusterIP,
      /^KUBE-MARK-MASQ: MARK/,
      () =>
        'KUBE-MARK-MASQ sets bit 0x4000 of the packet’s mark. Nothing changes yet: when the packet leaves the node, KUBE-POSTROUTING will masquerade (SNAT) it.',
    ],
    [
      'DNAT to the pod',
      () => clusterIP,
      /: DNAT /,
      () =>
        `DNAT: the destination ${L.clusterIP}:80 becomes ${serverOf(clusterIP).ip}:80, the pod ${serverOf(clusterIP).pod}. conntrack remembers the translation, so the reply will be rewritten back and the client never sees the pod’s address.`,
    ],
    [
      'MASQUERADE',
      () => clusterIP,
      /: MASQUERADE /,
      () => {
        const hop = clusterIP.trace.hops.find((h) => /: MASQUERADE /.test(h.what))!;
        return `The packet carries kube-proxy’s 0x4000 mark, so its source ${hop.before!.src} is replaced by ${hop.after!.src}, master’s address on the interface it leaves by. The server will see 10.244.0.0 as the client, and its reply must come back through master to be un-NATed.`;
      },
    ],
    [
      'route via flannel.1',
      () => clusterIP,
      /dev flannel\.1/,
      () => {
        const node = serverOf(clusterIP).node;
        return `${serverOf(clusterIP).ip} is in ${node}’s pod network — the pod is on ${node} — so the packet leaves via flannel.1: flannel wraps it in VXLAN to ${node}.`;
      },
    ],
    [
      'the answer: the server saw the masqueraded source',
      () => clusterIP,
      /answers 200 OK/,
      () =>
        `The server answers. It saw the request come from 10.244.0.0:${serverOf(clusterIP).peer.port}, not from the client 192.168.100.10: SNAT (or a proxy) replaced the source on the way.`,
    ],
    [
      'conntrack un-NATs the reply',
      () => clusterIP,
      /^conntrack rewrites the reply/,
      () =>
        'The reply belongs to a connection conntrack tracks: the source becomes the address the client asked for (un-DNAT), and the destination becomes the client again (un-SNAT). That is why the client sees an answer from the address it connected to.',
    ],
    [
      'a pod sends: PREROUTING on its node',
      () => byName,
      /^default\/sb sends SYN/,
      () =>
        'default/sb opens a TCP connection: the SYN leaves the pod’s eth0 through its veth pair into node2, where the node’s netfilter sees it arrive (PREROUTING) like a packet from another machine.',
    ],
    [
      'DNS: the query to the kube-dns ClusterIP',
      () => byName,
      /sends DNS query A httpd2\.default/,
      () =>
        'To find the address of the name, the resolver asks the nameserver from /etc/resolv.conf, 10.96.0.10 — the ClusterIP of the kube-dns Service — over UDP port 53.',
    ],
    [
      'DNS: CoreDNS answers with the ClusterIP',
      () => byName,
      /\(CoreDNS\) answers A/,
      () =>
        'CoreDNS answers from the cluster’s records: a Service’s name resolves to its ClusterIP.',
    ],
    [
      'NodePort: the last KUBE-SERVICES rule',
      () => nodePort,
      /^KUBE-SERVICES → KUBE-NODEPORTS/,
      () =>
        'No ClusterIP rule matched, and the destination 192.168.100.11 is one of node1’s own addresses (addrtype LOCAL): the last rule of KUBE-SERVICES hands the packet to KUBE-NODEPORTS.',
    ],
    [
      'NodePort: the port',
      () => nodePort,
      /^KUBE-NODEPORTS → KUBE-EXT-/,
      () =>
        `dport ${L.nodePort} is the NodePort of default/nginx: every node accepts it on all its addresses.`,
    ],
    [
      'NodePort: external traffic is masqueraded',
      () => nodePort,
      /^KUBE-EXT-\S+ → KUBE-MARK-MASQ/,
      () =>
        'Traffic from outside the cluster to default/nginx is marked for SNAT (externalTrafficPolicy: Cluster): the chosen endpoint may be on another node, and its reply must come back through node1.',
    ],
    [
      'NodePort: the only endpoint',
      () => nodePort,
      /^KUBE-SVC-\S+ → KUBE-SEP-/,
      () => `${serverOf(nodePort).ip}:80 is the only endpoint: the rule matches every packet.`,
    ],
    [
      'the laptop sends',
      () => nodePort,
      /^the laptop .* sends SYN/,
      () =>
        'The laptop sits on the node network (192.168.100.0/24): it can reach the nodes’ own addresses, but not the pod network or the Service ClusterIPs, which exist only inside the cluster.',
    ],
    [
      'no endpoints: the REJECT rule',
      () => rejected,
      /^KUBE-SERVICES: REJECT/,
      () =>
        `default/empty:80-80 has no ready endpoints, so kube-proxy put a REJECT rule for ${emptyIP}:80 in the filter table: the client is refused at once (ICMP port unreachable → “Connection refused”) instead of waiting.`,
    ],
    [
      'no endpoints: the failure',
      () => rejected,
      /^REJECT: /,
      () =>
        '“default/empty:80-80 has no endpoints”: the node answers with ICMP port unreachable, which the client reports as “Connection refused”.',
    ],
    [
      'userspace: the portal DNAT to kube-proxy',
      () => retried!,
      /^KUBE-PORTALS-HOST: DNAT/,
      () => {
        const hop = retried!.trace.hops.find((h) => /^KUBE-PORTALS-HOST: DNAT/.test(h.what))!;
        return `Userspace mode: the Service address ${L.clusterIP}:80 is rewritten to ${hop.after!.dst}, a port kube-proxy itself listens on, on node1; kube-proxy will open a second connection to an endpoint.`;
      },
    ],
    [
      'userspace: the retry after a refusal',
      () => retried!,
      /was refused: next endpoint/,
      () =>
        'The endpoint refused the connection: userspace kube-proxy simply retries with the next endpoint — the client never notices.',
    ],
    [
      'userspace: the refusing pod',
      () => retried!,
      /refuses \(playground\/fault=refuse\)/,
      () =>
        'The pod refuses the connection (a fault set with the playground/fault annotation): its kernel answers RST — “Connection refused”.',
    ],
  ])('%s', (_label, scenario, what, expected) => {
    expect(whyOf(scenario(), what)).toBe(expected());
  });

  it('the KUBE-SVC chain: endpoint k of n with probability 1/(n−k+1)', () => {
    expect(new Map([...choices].sort())).toEqual(
      new Map([
        [
          e[0]!,
          `Chose endpoint 1 of 3 (${e[0]}) with probability 0.33: rule k of n matches with 1/(n−k+1), so overall each endpoint gets 1/3.`,
        ],
        [
          e[1]!,
          `Chose endpoint 2 of 3 (${e[1]}) with probability 0.5: rule k of n matches with 1/(n−k+1), so overall each endpoint gets 1/3.`,
        ],
        [
          e[2]!,
          `Chose endpoint 3 of 3 (${e[2]}): the last rule has no probability and takes every packet the 2 before it let through — overall each endpoint gets 1/3.`,
        ],
      ]),
    );
  });

  it('without the node’s rules, the endpoint choice is told from the rule alone', () => {
    const hop = clusterIP.trace.hops.find((h) => /^KUBE-SVC-\S+ → KUBE-SEP-/.test(h.what))!;
    const ep = /-> (\S+)\)$/.exec(hop.what)![1]!;
    const p = /--probability (\S+)/.exec(hop.chain!.rule)?.[1];
    expect(explainHop(hop, clusterIP.trace)).toBe(
      p === undefined
        ? `Chose endpoint ${ep}: its rule has no probability, so it takes every packet the rules before it let through.`
        : `Chose endpoint ${ep}: its rule matched with probability ${String(Number(Number(p).toFixed(2)))} (kube-proxy gives endpoint k of n the probability 1/(n−k+1), so each is equally likely).`,
    );
  });
});

describe('hops: place, rewrites, graph ids, groups, pass-through', () => {
  const hopOf = (s: Sent, what: RegExp): Hop => s.trace.hops.find((h) => what.test(h.what))!;

  it('names where each hop happened', () => {
    const t = byName.trace;
    expect(hopPlace(hopOf(byName, /^default\/sb sends SYN/), t)).toEqual({
      kind: 'pod',
      label: 'default/sb',
      detail: 'on node2',
    });
    expect(hopPlace(hopOf(clusterIP, /^KUBE-SERVICES → /), clusterIP.trace)).toEqual({
      kind: 'node',
      label: 'master',
    });
    expect(hopPlace(hopOf(clusterIP, /^VXLAN/), clusterIP.trace)).toEqual({
      kind: 'wire',
      label: `master → ${serverOf(clusterIP).node}`,
    });
    expect(hopPlace(hopOf(nodePort, /^the laptop/), nodePort.trace)).toEqual({
      kind: 'outside',
      label: 'laptop',
    });
  });

  it('graph ids: the pod, else the node(s)', () => {
    expect(hopGraphIds(hopOf(byName, /^default\/sb sends SYN/))).toEqual(['Pod/default/sb']);
    expect(hopGraphIds(hopOf(clusterIP, /^KUBE-SERVICES → /))).toEqual(['Node/master']);
    expect(hopGraphIds(hopOf(clusterIP, /^VXLAN/))).toEqual([
      'Node/master',
      `Node/${serverOf(clusterIP).node}`,
    ]);
    expect(hopGraphIds(hopOf(nodePort, /^node network: the laptop/))).toEqual(['Node/node1']);
  });

  it('NAT rewrites: DNAT changes dst, MASQUERADE src, the reply both', () => {
    const s = serverOf(clusterIP);
    expect(natChanges(hopOf(clusterIP, /: DNAT /))).toEqual([
      { field: 'dst', from: `${L.clusterIP}:80`, to: `${s.ip}:80` },
    ]);
    expect(natChanges(hopOf(clusterIP, /: MASQUERADE /))).toEqual([
      { field: 'src', from: '192.168.100.10:32768', to: `10.244.0.0:${s.peer.port}` },
    ]);
    expect(natChanges(hopOf(clusterIP, /^conntrack/)).map((c) => c.field)).toEqual(['src', 'dst']);
    expect(natChanges(hopOf(clusterIP, /^KUBE-SERVICES → /))).toEqual([]);
  });

  it('the packet at a hop: the last addresses recorded before it', () => {
    const t = clusterIP.trace;
    const at = t.hops.findIndex((h) => /^KUBE-SVC-\S+ → KUBE-MARK-MASQ/.test(h.what));
    expect(packetAt(t, at)).toEqual({ src: '192.168.100.10:32768', dst: `${L.clusterIP}:80` });
    const route = t.hops.findIndex((h) => /dev flannel\.1/.test(h.what));
    expect(packetAt(t, route)?.dst).toBe(`${serverOf(clusterIP).ip}:80`);
  });

  it('groups: one per DNS query, then the request', () => {
    const groups = hopGroups(byName.trace);
    expect(groups.map((g) => [g.phase, g.title])).toEqual([
      ['dns', `A httpd2.default.svc.cluster.local. → A ${L.clusterIP}`],
      ['request', 'GET http://httpd2/ from default/sb'],
    ]);
    expect(groups.flatMap((g) => g.hops)).toEqual(byName.trace.hops.map((_, i) => i));
    expect(hopGroups(clusterIP.trace).map((g) => g.phase)).toEqual(['request']);
  });

  it('pass-through: jumps where nothing matched and RETURNs, not the path that mattered', () => {
    const t = clusterIP.trace;
    const minor = passThroughHops(t);
    const named = (re: RegExp) => t.hops.map((h, i) => (re.test(h.what) ? minor[i] : null));
    const only = (re: RegExp) => named(re).filter((m) => m !== null);
    expect(only(/^OUTPUT → KUBE-PROXY-FIREWALL/)).toEqual([true]);
    expect(only(/^OUTPUT → KUBE-FIREWALL/)).toEqual([true]);
    expect(only(/^KUBE-POSTROUTING: RETURN/)).toEqual([true]);
    // On the server's node, nothing in KUBE-POSTROUTING but the RETURN: the jump is folded too.
    expect(only(/^POSTROUTING → KUBE-POSTROUTING/)).toEqual([false, true]);
    // The nat OUTPUT jump led to the Service: kept; the filter one matched nothing: folded.
    expect(only(/^OUTPUT → KUBE-SERVICES/)).toEqual([false, true]);
    for (const re of [/^KUBE-SERVICES → /, /^KUBE-SVC-/, /: DNAT /, /: MASQUERADE /, /^KUBE-MARK/])
      expect(only(re).every((m) => m === false)).toBe(true);
    // Hops that are not rules are never folded.
    t.hops.forEach((h, i) => {
      if (h.kind !== 'chain') expect(minor[i]).toBe(false);
    });
  });

  it('formats virtual time', () => {
    expect([formatAt(0.35), formatAt(3), formatAt(1250)]).toEqual([
      '+0.35 ms',
      '+3.00 ms',
      '+1.25 s',
    ]);
  });
});
