import { describe, expect, it } from 'vitest';
import type { Trace } from '../../engine';
import { endpointChainName, servicePortChainName } from '../../engine/network/hash';
import type { NodeVisit } from './packet-lane';
import { nodeVisits, stageAt, stageText, visitAt } from './packet-lane';
import { lessonCluster } from './testing';

// Real traces from the engine: the classic lesson in iptables, then userspace, then ipvs mode.
const L = lessonCluster();
const master = { kind: 'node', name: 'master' } as const;
const sb = { kind: 'pod', namespace: 'default', name: 'sb' } as const;
const outside = { kind: 'outside' } as const;
const NODE1 = '192.168.100.11';

const send = (from: Parameters<typeof L.request>[0]['from'], url: string) =>
  L.request({ from, url });

const ipt = {
  clusterIP: send(master, `http://${L.clusterIP}/`),
  nodePort: send(outside, `http://${NODE1}:${L.nodePort}/`),
};
L.cluster.shell.run('playground proxy-mode userspace');
L.cluster.advance(30_000);
const userspace = { clusterIP: send(sb, `http://${L.clusterIP}/`) };
L.cluster.shell.run('playground proxy-mode ipvs');
L.cluster.advance(30_000);
const ipvs = {
  clusterIP: send(sb, `http://${L.clusterIP}/`),
  nodePort: send(outside, `http://${NODE1}:${L.nodePort}/`),
};

const SVC = servicePortChainName('KUBE-SVC-', 'default/httpd2', 'tcp');
const NGINX_SVC = servicePortChainName('KUBE-SVC-', 'default/nginx', 'tcp');
const NGINX_EXT = servicePortChainName('KUBE-EXT-', 'default/nginx', 'tcp');
/** The server the request reached, and the KUBE-SEP chain of that endpoint. */
const server = (t: Trace) => `${t.server!.ip}:${t.server!.port}`;
const sep = (t: Trace, svc: string) => endpointChainName(svc, 'tcp', server(t));
/** How a packet leaves the first node for the server: the server's node is another one here. */
const away = (t: Trace, node: string) => (t.server!.node === node ? 'cni0' : 'flannel.1');

/** The stages (as text) of every visit of the trace, `node: a → b → c`. */
function lanes(t: Trace): string[] {
  return nodeVisits(t).map((v) => `${v.node}: ${v.stages.map(stageText).join(' → ')}`);
}

/** The stages of a visit cover its hops exactly once, in order. */
function coversInOrder(v: NodeVisit): boolean {
  const hops = v.stages.flatMap((s) => s.hops);
  return hops.every((h, i) => h === v.from + i) && hops.length === v.to - v.from + 1;
}

describe('nodeVisits on real traces', () => {
  it('iptables: a node curls a ClusterIP (OUTPUT … DNAT … MASQUERADE → flannel.1)', () => {
    const t = ipt.clusterIP;
    expect(lanes(t)).toEqual([
      `master: OUTPUT → KUBE-SERVICES → ${SVC} → ${sep(t, 'default/httpd2')} (DNAT → ${server(t)}) → OUTPUT → routing (${away(t, 'master')}) → POSTROUTING → KUBE-POSTROUTING (MASQUERADE)`,
      `${t.server!.node}: PREROUTING → routing (cni0) → FORWARD → POSTROUTING → KUBE-POSTROUTING`,
      'master: conntrack (un-DNAT, un-SNAT)',
    ]);
    expect(nodeVisits(t).map(coversInOrder)).toEqual([true, true, true]);
  });

  it('iptables: the outside client reaches a NodePort (KUBE-NODEPORTS → KUBE-EXT-… → KUBE-SVC-…)', () => {
    const t = ipt.nodePort;
    expect(lanes(t)[0]).toBe(
      `node1: PREROUTING → KUBE-SERVICES → KUBE-NODEPORTS → ${NGINX_EXT} → ${NGINX_SVC} → ${sep(t, 'default/nginx')} (DNAT → ${server(t)}) → routing (${away(t, 'node1')}) → FORWARD → KUBE-FORWARD (ACCEPT) → POSTROUTING → KUBE-POSTROUTING (MASQUERADE)`,
    );
  });

  it('KUBE-MARK-MASQ stays in the chain that jumped there; KUBE-POSTROUTING is its own stage', () => {
    const t = ipt.clusterIP;
    const v = nodeVisits(t)[0]!;
    const mark = t.hops.findIndex((h) => h.chain?.chain === 'KUBE-MARK-MASQ');
    const clear = t.hops.findIndex((h) => /clear the masquerade mark/.test(h.what));
    expect(v.stages[stageAt(v, mark)]!.name).toBe(SVC);
    expect(v.stages[stageAt(v, clear)]!.name).toBe('KUBE-POSTROUTING');
  });

  it('userspace: KUBE-PORTALS-CONTAINER redirects to kube-proxy, which dials the endpoint', () => {
    const t = userspace.clusterIP;
    expect(lanes(t)).toEqual([
      `node2: PREROUTING → KUBE-PORTALS-CONTAINER (REDIRECT → :${/--to-ports (\d+)/.exec(t.hops[2]!.chain!.rule)![1]}) → routing (local) → INPUT → kube-proxy (dials ${server(t)}) → OUTPUT → routing (${away(t, 'node2')})`,
      `${t.server!.node}: PREROUTING → routing (cni0)`,
      'node2: kube-proxy',
      'node2: kube-proxy → conntrack (un-DNAT)',
    ]);
    expect(t.hops[2]!.chain!.chain).toBe('KUBE-PORTALS-CONTAINER');
  });

  it('ipvs: the KUBE-SERVICES ipset match → the IPVS virtual server → the real server', () => {
    const t = ipvs.clusterIP;
    expect(lanes(t)).toEqual([
      `node2: PREROUTING → KUBE-SERVICES (ipset KUBE-CLUSTER-IP) → routing (kube-ipvs0, local) → INPUT → KUBE-IPVS-FILTER (ipset KUBE-CLUSTER-IP) → INPUT → IPVS ${L.clusterIP}:80 (rr → ${server(t)}) → OUTPUT → routing (${away(t, 'node2')}) → POSTROUTING → KUBE-POSTROUTING`,
      `${t.server!.node}: PREROUTING → routing (cni0) → FORWARD → POSTROUTING → KUBE-POSTROUTING`,
      'node2: conntrack (un-DNAT)',
    ]);
  });

  it('ipvs: a NodePort is marked for masquerade in KUBE-NODE-PORT, then MASQUERADEd', () => {
    const t = ipvs.nodePort;
    expect(lanes(t)[0]).toBe(
      `node1: PREROUTING → KUBE-SERVICES → KUBE-NODE-PORT → routing (kube-ipvs0, local) → INPUT → IPVS ${NODE1}:${L.nodePort} (rr → ${server(t)}) → OUTPUT → routing (${away(t, 'node1')}) → POSTROUTING → KUBE-POSTROUTING (MASQUERADE)`,
    );
  });
});

describe('visitAt / stageAt', () => {
  const t = ipt.clusterIP;
  const visits = nodeVisits(t);
  /** master's routing decision: between OUTPUT and POSTROUTING, where the kernel makes it. */
  const ROUTE = t.hops.findIndex((h) => h.kind === 'route' && h.node === 'master');
  it.each<[string, number, string | undefined, string | undefined]>([
    ['the send is not inside a node', 0, undefined, undefined],
    ['the KUBE-SVC rule', 5, 'master', SVC],
    ['the DNAT', 6, 'master', sep(t, 'default/httpd2')],
    ['the route', ROUTE, 'master', 'routing'],
    ['the wire is between nodes', 14, undefined, undefined],
    ['the far node takes it in', 15, t.server!.node, 'PREROUTING'],
    ['the delivery to the pod ends the visit', 23, undefined, undefined],
  ])('%s (hop %i)', (_, hop, node, stage) => {
    const v = visitAt(visits, hop);
    expect(v?.node).toBe(node);
    expect(v ? v.stages[stageAt(v, hop)]?.name : undefined).toBe(stage);
  });
});
