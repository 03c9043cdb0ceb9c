import { describe, expect, test } from 'vitest';
import type { Hop, Trace } from '../../engine';
import {
  LB,
  OUTSIDE,
  anchorOf,
  legsUpTo,
  loadBalancerAnchor,
  requestPath,
  hopError,
  markerLabel,
  outsideAnchor,
  packetStops,
  pathUpTo,
  resolveStop,
  serviceOfHop,
} from './packet-path';
import { lessonCluster } from './testing';

// Real traces from the engine (the classic lesson).
const L = lessonCluster();
const sb = { kind: 'pod', namespace: 'default', name: 'sb' } as const;
const byName = L.request({ from: sb, url: 'http://httpd2/' });
const nodePort = L.request({
  from: { kind: 'outside' },
  url: `http://192.168.100.11:${L.nodePort}/`,
});
const nxdomain = L.request({ from: sb, url: 'http://nope/' });
L.cluster.shell.run('kubectl create service clusterip empty --tcp=80:80');
L.cluster.advance(5_000);
const emptyIP = (L.cluster.store.get('Service', 'default', 'empty')?.spec as { clusterIP: string })
  .clusterIP;
const rejected = L.request({ from: { kind: 'node', name: 'node1' }, url: `http://${emptyIP}/` });
const fromNode = L.request({
  from: { kind: 'node', name: 'node1' },
  url: `http://${L.clusterIP}/`,
});

const all = () => true;
const request = (t: Trace) => t.hops.map((h, i) => [h, i] as const).filter(([h]) => !h.phase);
const find = (t: Trace, re: RegExp) => t.hops.findIndex((h) => !h.phase && re.test(h.what));

describe('packetStops', () => {
  test('pod → Service: the client pod, the Service card through its rules, then the server pod', () => {
    const stops = packetStops(byName);
    expect(stops).toHaveLength(byName.hops.length);
    const ids = request(byName).map(([, i]) => stops[i]!.targets[0]);
    const path = ids.filter((id, i) => id !== ids[i - 1]);
    const server = byName.hops.find((h) => h.kind === 'deliver' && !h.phase)!;
    const remote = server.node !== 'node2';
    expect(path).toEqual([
      'Pod/default/sb',
      'Node/node2',
      'Service/default/httpd2',
      'Node/node2',
      ...(remote ? [`Node/${server.node}`] : []),
      `Pod/${server.pod}`,
      ...(remote ? ['Node/node2'] : []),
      'Pod/default/sb',
    ]);
  });

  test('the label shows the ClusterIP until DNAT, then the endpoint', () => {
    const stops = packetStops(byName);
    const dnat = find(byName, /: DNAT /);
    const before = byName.hops[dnat]!.before!.dst;
    const after = byName.hops[dnat]!.after!.dst;
    expect(before).toMatch(/^10\.\d+\.\d+\.\d+:80$/);
    expect(markerLabel(stops[dnat - 1]!)).toBe(`→ ${before}`);
    expect(markerLabel(stops[dnat]!)).toBe(`→ ${after}`);
    expect(L.endpoints).toContain(after);
  });

  test('outside → NodePort starts at the outside client and shows MASQUERADE on the source', () => {
    const stops = packetStops(nodePort);
    expect(stops[0]!.targets).toEqual([OUTSIDE]);
    expect(stops[1]!.targets).toEqual(['Node/node1']);
    const masq = find(nodePort, /MASQUERADE/);
    expect(stops[masq - 1]!.src).toBe('192.168.100.50:32768');
    expect(stops[masq]!.src).toBe(nodePort.hops[masq]!.after!.src);
    expect(stops[masq]!.src).toMatch(/^10\.244\.1\.0:\d+$/);
    expect(stops[stops.length - 1]!.targets).toEqual([OUTSIDE]);
    expect(stops.some((s) => s.targets[0] === 'Service/default/nginx')).toBe(true);
  });

  test('NXDOMAIN turns the marker red at the answer', () => {
    const stops = packetStops(nxdomain);
    const failed = stops.filter((s) => s.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((s) => s.error === 'NXDOMAIN')).toBe(true);
    expect(nxdomain.outcome.ok).toBe(false);
    expect(stops[stops.length - 1]).toEqual({
      targets: ['Pod/default/sb', 'Node/node2'],
      dst: expect.stringMatching(/^10\.244\.2\.3:\d+$/),
      src: '10.96.0.10:53',
      error: 'NXDOMAIN',
    });
  });

  test('REJECT (a Service without endpoints) fails at the Service card, in red', () => {
    const stops = packetStops(rejected);
    const failed = stops.filter((s) => s.error !== undefined);
    expect(failed).toEqual([
      {
        targets: ['Service/default/empty', 'Node/node1'],
        dst: `${emptyIP}:80`,
        src: '192.168.100.11:32768',
        error: rejected.hops[rejected.hops.length - 1]!.what,
      },
    ]);
    expect(failed[0]!.error).toMatch(/^REJECT: /);
  });
});

describe('helpers', () => {
  const hop = (h: Partial<Hop>): Hop => ({ kind: 'chain', what: '', atMs: 0, ...h });
  test.each([
    [
      'KUBE-SERVICES → KUBE-SVC-X (default/httpd2 cluster IP)',
      'KUBE-SERVICES',
      'Service/default/httpd2',
    ],
    [
      'KUBE-SVC-X → KUBE-SEP-Y (kube-system/kube-dns:dns -> 10.244.2.2:53)',
      'KUBE-SVC-X',
      'Service/kube-system/kube-dns',
    ],
    [
      'KUBE-SEP-Y: DNAT 10.96.0.1:80 → 10.244.1.4:80 (default/httpd2)',
      'KUBE-SEP-Y',
      'Service/default/httpd2',
    ],
    [
      'KUBE-EXT-X → KUBE-MARK-MASQ (masquerade traffic for default/nginx external destinations)',
      'KUBE-EXT-X',
      'Service/default/nginx',
    ],
    ['PREROUTING → KUBE-SERVICES (kubernetes service portals)', 'PREROUTING', undefined],
  ])('serviceOfHop(%s)', (what, chain, expected) => {
    expect(serviceOfHop(hop({ what, chain: { table: 'nat', chain, index: 1, rule: '' } }))).toBe(
      expected,
    );
  });

  test('hopError: fail hops and DNS errors', () => {
    expect(hopError(hop({ kind: 'fail', what: 'REJECT: no endpoints' }))).toBe(
      'REJECT: no endpoints',
    );
    expect(
      hopError(hop({ kind: 'answer', what: 'CoreDNS answers NXDOMAIN (authoritative)' })),
    ).toBe('NXDOMAIN');
    expect(hopError(hop({ kind: 'answer', what: 'httpd answers 200 OK' }))).toBe(undefined);
  });

  test('a stop not shown falls back to its node; the path drops repeats', () => {
    const stops = [
      { targets: ['Pod/default/sb', 'Node/node2'] },
      { targets: ['Node/node2'] },
      { targets: ['Service/kube-system/kube-dns', 'Node/node2'] },
      { targets: [OUTSIDE] },
      { targets: ['Pod/default/sb'], start: true as const },
      { targets: ['Node/node2'] },
    ];
    const shown = (id: string) => id !== 'Service/kube-system/kube-dns';
    expect(resolveStop(stops[2]!, shown)).toBe('Node/node2');
    expect(resolveStop({ targets: ['Pod/x/y'] }, () => false)).toBe(undefined);
    expect(pathUpTo(stops, 2, shown)).toEqual(['Pod/default/sb', 'Node/node2']);
    expect(pathUpTo(stops, 3, all)).toEqual([
      'Pod/default/sb',
      'Node/node2',
      'Service/kube-system/kube-dns',
      OUTSIDE,
    ]);
    // A new send starts the path again.
    expect(pathUpTo(stops, 5, all)).toEqual(['Pod/default/sb', 'Node/node2']);
  });

  test('anchors: a node box by its header, a card by its middle, the outside client at the left edge', () => {
    const r = { x: 100, y: 0, width: 240, height: 400 };
    expect(anchorOf('Node/node1', r)).toEqual({ x: 220, y: 35 });
    expect(anchorOf('Pod/default/sb', { x: 10, y: 80, width: 212, height: 62 })).toEqual({
      x: 116,
      y: 111,
    });
    expect(outsideAnchor({ x: -20, y: -300, width: 900, height: 800 })).toEqual({ x: 36, y: -30 });
    expect(outsideAnchor({ x: 0, y: 0, width: 900, height: 800 })).toEqual({ x: 56, y: 14 });
    expect(markerLabel({ targets: [] })).toBe('→ …');
  });
});

describe('the load balancer, the ingress controller', () => {
  const hop = (h: Partial<Hop>): Hop => ({ kind: 'chain', what: '', atMs: 0, ...h });
  const trace = (hops: Hop[]): Trace => ({ hops, outcome: { ok: true } }) as unknown as Trace;
  test('load-balancer hops stand at the LB box; ingress hops at the controller pod, else its node', () => {
    const stops = packetStops(
      trace([
        hop({ kind: 'send', what: 'a client on the internet sends SYN' }),
        hop({ kind: 'load-balancer', what: 'cloud load balancer → node1' }),
        hop({ kind: 'ingress', node: 'node1', pod: 'ingress-nginx/ctl', what: 'routes' }),
        hop({ kind: 'ingress', node: 'node2', what: 'x' }),
        hop({ kind: 'deliver', node: 'node2', pod: 'default/web', what: 'eth0' }),
        hop({ kind: 'load-balancer', what: 'the load balancer answers' }),
        hop({ kind: 'answer', what: 'the client receives the answer' }),
      ]),
    );
    expect(stops.map((s) => s.targets)).toEqual([
      [OUTSIDE],
      [LB],
      ['Pod/ingress-nginx/ctl', 'Node/node1'],
      ['Node/node2'],
      ['Pod/default/web', 'Node/node2'],
      [LB],
      [OUTSIDE],
    ]);
    const hidden = (id: string) => !id.startsWith('Pod/ingress-nginx/');
    expect(pathUpTo(stops, 4, hidden)).toEqual([
      OUTSIDE,
      LB,
      'Node/node1',
      'Node/node2',
      'Pod/default/web',
    ]);
  });

  test('the LB box stands 150 to the right of the outside client', () => {
    expect(loadBalancerAnchor({ x: 0, y: 0, width: 900, height: 800 })).toEqual({ x: 206, y: 14 });
  });
});

describe('legsUpTo and requestPath', () => {
  test('every leg is drawn: the DNS lookup (marked) and then the request', () => {
    const stops = packetStops(byName);
    const dns = byName.hops.map((h) => h.phase === 'dns');
    const legs = legsUpTo(stops, dns, byName.hops.length - 1, all);
    expect(legs.map((l) => l.dns)).toEqual([true, false]);
    expect(legs[0]!.ids).toEqual([
      'Pod/default/sb',
      'Node/node2',
      'Service/kube-system/kube-dns',
      'Node/node2',
      `Pod/${byName.hops.find((h) => h.kind === 'deliver' && h.phase === 'dns')!.pod}`,
      // conntrack un-DNATs the reply on node2.
      'Node/node2',
      'Pod/default/sb',
    ]);
    expect(legs[1]!.ids).toEqual(pathUpTo(stops, byName.hops.length - 1, all));
    // Before the request's send, only the DNS leg.
    const send = byName.hops.findIndex((h) => h.kind === 'send' && !h.phase);
    expect(legsUpTo(stops, dns, send - 1, all)).toHaveLength(1);
  });

  test("a Load request's way: from its send to the pod it reached, its reply left out", () => {
    const server = fromNode.hops.find((h) => h.kind === 'deliver')!.pod!;
    // (KUBE-MARK-MASQ, jumped to from the SVC chain, stays at the Service card.)
    expect(fromNode.hops.some((h) => h.chain?.chain === 'KUBE-MARK-MASQ')).toBe(true);
    expect(requestPath(fromNode, all)).toEqual({
      ids: ['Node/node1', 'Service/default/httpd2', 'Node/node1', `Pod/${server}`],
      failed: false,
    });
    const deliver = byName.hops.find((h) => h.kind === 'deliver' && !h.phase)!;
    const way = requestPath(byName, all).ids;
    expect(way[0]).toBe('Pod/default/sb');
    expect(way[way.length - 1]).toBe(`Pod/${deliver.pod}`);
    expect(way).not.toContain('Service/kube-system/kube-dns');
    expect(requestPath(rejected, all)).toEqual({
      ids: ['Node/node1', 'Service/default/empty'],
      failed: true,
    });
  });
});
