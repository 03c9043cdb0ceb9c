/**
 * Packet flow, in every proxy mode, for what the first table (request.test.ts) leaves out: the
 * cloud load balancer (externalTrafficPolicy Cluster and Local, from the internet and from a pod
 * inside), externalIPs from the laptop, a Service with two named ports, a targetPort given by
 * name, a selector-less Service with an EndpointSlice written by hand, both traffic policies
 * Local, and sessionAffinity ClientIP. Each row says, per mode, what real kube-proxy does: the
 * result, which pod and port answer, whom the pod sees as its client, and the hop that shows how
 * the packet got there (the iptables rule, the IPVS virtual server, the userspace proxy's dial).
 *
 * With externalTrafficPolicy Local the load balancer sends only to nodes whose kube-proxy health
 * check passes; the userspace proxy serves none, so there it fails open to every worker.
 *
 * Who the pod sees as its client is the lesson of these rows:
 *  - iptables and ipvs keep the client's address, unless a rule masquerades (Cluster policy for
 *    external traffic, off-cluster sources): then it is the address of the interface the packet
 *    leaves by, cni0 (10.244.N.1) to a pod of the same node, flannel.1 (10.244.N.0) to another;
 *  - the userspace proxy always dials from the node, so the pod always sees the node.
 *
 * Also here: every node's rules, in every mode, pass the chain check (chain-check.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import { checkIptablesSave } from '../chain-check';
import { dataplaneOf } from '../dataplane';
import { kubeProxiesOf } from '../kube-proxy/kube-proxy';
import type { ProxyMode } from '../model';
import { iptablesSave } from '../netfilter/iptables-save';
import type { RequestFrom } from './request';
import { INTERNET_CLIENT_IP, LAPTOP_IP, sendRequest } from './request';
import type { Trace } from './trace';

const MODES: readonly ProxyMode[] = ['iptables', 'userspace', 'ipvs'];
const NODES = ['master', 'node1', 'node2'] as const;

type Obj = KObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
type Container = Record<string, unknown>;

function pod(
  name: string,
  node: string,
  containers: Container[],
  labels: Record<string, string> = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: node, containers },
  } as KObject;
}

const nginx = (ports?: Container[]): Container => ({
  name: 'nginx',
  image: 'nginx',
  ...(ports ? { ports } : {}),
});
const helloApp = (ports: Container[]): Container => ({ name: 'hello', image: 'hello-app', ports });
const sleeper: Container = { name: 'main', image: 'busybox', command: ['sleep', '3600'] };

function service(name: string, spec: Record<string, unknown>): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function setMode(c: Cluster, mode: ProxyMode): void {
  dataplaneOf(c.context).update({ proxyMode: mode });
  c.settle();
  for (const n of NODES) expect(dataplaneOf(c.context).nodes.get(n)?.mode).toBe(mode);
}

const get = (c: Cluster, kind: string, name: string): Obj =>
  c.store.get<Obj>(kind, 'default', name) as Obj;
const clusterIP = (c: Cluster, svc: string): string =>
  get(c, 'Service', svc).spec?.clusterIP as string;
const lbIP = (c: Cluster, svc: string): string =>
  (get(c, 'Service', svc).status as { loadBalancer: { ingress: Array<{ ip: string }> } })
    .loadBalancer.ingress[0]!.ip;
const podIP = (c: Cluster, name: string): string => get(c, 'Pod', name).status?.podIP as string;
const fromPod = (name: string): RequestFrom => ({ kind: 'pod', namespace: 'default', name });
const OUTSIDE: RequestFrom = { kind: 'outside' };

function result(t: Trace): string {
  return t.outcome.ok ? String(t.outcome.status) : t.outcome.error;
}

/** The node the cloud load balancer sent the request to (undefined without one). */
function lbNode(t: Trace): string | undefined {
  const hop = t.hops.find((h) => h.kind === 'load-balancer');
  return hop ? /→ (\S+) \d/.exec(hop.what)?.[1] : undefined;
}

/**
 * The cluster: web-a (nginx) on node1 behind the load balancers and the external IP; multi
 * (nginx :80 named web, hello-app :8080 named alt) and named (hello-app :8080 named web) and
 * manual-backend (nginx) on node2; three sticky pods; a busybox client on each worker.
 */
function buildCluster(): Cluster {
  const c = createCluster({ seed: 5 });
  dataplaneOf(c.context).update({ cloudLB: true });
  const objects = [
    pod('web-a', 'node1', [nginx()], { app: 'web-a' }),
    pod(
      'multi',
      'node2',
      [
        nginx([{ name: 'web', containerPort: 80 }]),
        helloApp([{ name: 'alt', containerPort: 8080 }]),
      ],
      { app: 'multi' },
    ),
    pod('named', 'node2', [helloApp([{ name: 'web', containerPort: 8080 }])], { app: 'named' }),
    pod('manual-backend', 'node2', [nginx()]),
    pod('sticky-1', 'node1', [nginx()], { app: 'sticky' }),
    pod('sticky-2', 'node2', [nginx()], { app: 'sticky' }),
    pod('sticky-3', 'node2', [nginx()], { app: 'sticky' }),
    pod('client-1', 'node1', [sleeper]),
    pod('client-2', 'node2', [sleeper]),
    service('lb-cluster', {
      type: 'LoadBalancer',
      selector: { app: 'web-a' },
      ports: [{ port: 80 }],
    }),
    service('lb-local', {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: { app: 'web-a' },
      ports: [{ port: 80 }],
    }),
    service('ext', {
      selector: { app: 'web-a' },
      externalIPs: ['192.168.100.200'],
      ports: [{ port: 80 }],
    }),
    service('multi', {
      selector: { app: 'multi' },
      ports: [
        { name: 'http', port: 80, targetPort: 'web' },
        { name: 'https', port: 443, targetPort: 'alt' },
      ],
    }),
    service('named', { selector: { app: 'named' }, ports: [{ port: 80, targetPort: 'web' }] }),
    service('manual', { ports: [{ port: 80 }] }),
    service('both-local', {
      type: 'NodePort',
      internalTrafficPolicy: 'Local',
      externalTrafficPolicy: 'Local',
      selector: { app: 'web-a' },
      ports: [{ port: 80 }],
    }),
    service('sticky', {
      selector: { app: 'sticky' },
      sessionAffinity: 'ClientIP',
      ports: [{ port: 80 }],
    }),
  ];
  for (const r of c.applyObjects(objects)) expect(r.ok).toBe(true);
  c.advance(30_000);
  // The selector-less Service's endpoints, as its user writes them: a pod's IP, no nodeName.
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'manual-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'manual' },
    },
    addressType: 'IPv4',
    ports: [{ port: 80, protocol: 'TCP' }],
    endpoints: [{ addresses: [podIP(c, 'manual-backend')] }],
  } as KObject;
  for (const r of c.applyObjects([slice])) expect(r.ok).toBe(true);
  c.settle();
  return c;
}

/** Who the server saw as its client. */
type Peer = 'client' | 'internet' | 'laptop' | 'cni0@node1' | 'flannel@node1' | 'flannel@node2';

const PEER_IPS: Record<Exclude<Peer, 'client'>, string> = {
  internet: INTERNET_CLIENT_IP,
  laptop: LAPTOP_IP,
  'cni0@node1': '10.244.1.1',
  'flannel@node1': '10.244.1.0',
  'flannel@node2': '10.244.2.0',
};

interface Want {
  result: string;
  /** The pod that answers, and the port it answers on (the targetPort reached). */
  server?: string;
  port?: number;
  /** Whom it sees as its client; per node the cloud load balancer picked, for LB rows. */
  peer?: Peer | Partial<Record<'node1' | 'node2', Peer>>;
  /** Every load-balancer request goes through one of these nodes, each at least once. */
  lbNodes?: string[];
  body?: RegExp;
  /** Hops the path must contain (each: a description or a rule as iptables-save prints it). */
  via?: RegExp | RegExp[];
}

interface Row {
  name: string;
  from: RequestFrom;
  to: (c: Cluster) => { address: string; port: number };
  /** How many requests (the load balancer's round robin needs two to show both nodes). */
  times?: number;
  /** Per mode; a mode left out is a known gap, described beside the row. */
  expect: Partial<Record<ProxyMode, Want>>;
}

const WELCOME = /Welcome to nginx!/;
const HELLO = /^Hello, world!\nVersion: 1\.0\.0\nHostname: /;
const DIALS = /^kube-proxy dials 10\.244\.\d+\.\d+:\d+ \(timeout 250 ms\)$/;

const rows: Row[] = [
  {
    name: 'internet → LoadBalancer (Cluster): any worker; the pod sees a node address (SNAT)',
    from: OUTSIDE,
    to: (c) => ({ address: lbIP(c, 'lb-cluster'), port: 80 }),
    times: 2,
    expect: {
      iptables: {
        result: '200',
        server: 'web-a',
        port: 80,
        peer: { node1: 'cni0@node1', node2: 'flannel@node2' },
        lbNodes: ['node1', 'node2'],
        via: /^KUBE-EXT-[A-Z2-7]{16} → KUBE-MARK-MASQ \(masquerade traffic for default\/lb-cluster external destinations\)$/,
      },
      userspace: {
        result: '200',
        server: 'web-a',
        port: 80,
        peer: { node1: 'cni0@node1', node2: 'flannel@node2' },
        lbNodes: ['node1', 'node2'],
        via: /^KUBE-NODEPORT-CONTAINER: REDIRECT 192\.168\.100\.1[12]:\d+ → 192\.168\.100\.1[12]:\d+ \(default\/lb-cluster\)$/,
      },
      ipvs: {
        result: '200',
        server: 'web-a',
        port: 80,
        peer: { node1: 'cni0@node1', node2: 'flannel@node2' },
        lbNodes: ['node1', 'node2'],
        via: /^KUBE-NODE-PORT → KUBE-MARK-MASQ \(Kubernetes nodeport TCP port for masquerade purpose\)$/,
      },
    },
  },
  {
    name: 'internet → LoadBalancer (Local): the endpoint’s node only; the client IP is kept (not by userspace)',
    from: OUTSIDE,
    to: (c) => ({ address: lbIP(c, 'lb-local'), port: 80 }),
    times: 2,
    expect: {
      iptables: {
        result: '200',
        server: 'web-a',
        peer: 'internet',
        lbNodes: ['node1'],
        via: /^KUBE-SVL-[A-Z2-7]{16} → KUBE-SEP-[A-Z2-7]{16} \(default\/lb-local -> 10\.244\.1\.\d+:80\)$/,
      },
      // The userspace proxy serves no health check: every node fails it, so the load balancer
      // fails open to both workers; the proxy knows no traffic policy either, and the pod sees
      // the node whichever node the load balancer picks.
      userspace: {
        result: '200',
        server: 'web-a',
        peer: { node1: 'cni0@node1', node2: 'flannel@node2' },
        lbNodes: ['node1', 'node2'],
        via: [
          /^cloud load balancer 203\.0\.113\.\d+:80 → node[12] 192\.168\.100\.1[12]:\d+ \(health check :\d+ fails on every node, as the userspace proxy serves none: the load balancer fails open to node1, node2; round robin\)$/,
          DIALS,
        ],
      },
      ipvs: {
        result: '200',
        server: 'web-a',
        peer: 'internet',
        lbNodes: ['node1'],
        via: /^KUBE-NODE-PORT: RETURN \(Kubernetes nodeport TCP port with externalTrafficPolicy=local\)$/,
      },
    },
  },
  {
    name: 'pod → LoadBalancer IP (Cluster): short-circuited on its own node, masqueraded',
    from: fromPod('client-2'),
    to: (c) => ({ address: lbIP(c, 'lb-cluster'), port: 80 }),
    expect: {
      iptables: {
        result: '200',
        server: 'web-a',
        peer: 'flannel@node2',
        via: /^KUBE-SERVICES → KUBE-EXT-[A-Z2-7]{16} \(default\/lb-cluster loadbalancer IP\)$/,
      },
      userspace: {
        result: '200',
        server: 'web-a',
        peer: 'flannel@node2',
        via: /^KUBE-PORTALS-CONTAINER: REDIRECT 203\.0\.113\.\d+:80 → 10\.244\.2\.1:\d+ \(default\/lb-cluster\)$/,
      },
      ipvs: {
        result: '200',
        server: 'web-a',
        peer: 'flannel@node2',
        via: /^KUBE-LOAD-BALANCER → KUBE-MARK-MASQ$/,
      },
    },
  },
  {
    name: 'pod → LoadBalancer IP (Local), no endpoint on its node: "pod traffic" goes cluster-wide, unmasqueraded',
    from: fromPod('client-2'),
    to: (c) => ({ address: lbIP(c, 'lb-local'), port: 80 }),
    expect: {
      iptables: {
        result: '200',
        server: 'web-a',
        peer: 'client',
        via: /^KUBE-EXT-[A-Z2-7]{16} → KUBE-SVC-[A-Z2-7]{16} \(pod traffic for default\/lb-local external destinations\)$/,
      },
      userspace: { result: '200', server: 'web-a', peer: 'flannel@node2', via: DIALS },
      // KUBE-LOAD-BALANCER-LOCAL returns before the masquerade mark; #97081 serves it from
      // the cluster-wide endpoints.
      ipvs: {
        result: '200',
        server: 'web-a',
        peer: 'client',
        via: /^KUBE-LOAD-BALANCER: RETURN \(Kubernetes service load balancer ip \+ port with externalTrafficPolicy=local\)$/,
      },
    },
  },
  {
    name: 'laptop → externalIP (routed to node1): masqueraded',
    from: OUTSIDE,
    to: () => ({ address: '192.168.100.200', port: 80 }),
    expect: {
      iptables: {
        result: '200',
        server: 'web-a',
        peer: 'cni0@node1',
        via: /^KUBE-SERVICES → KUBE-EXT-[A-Z2-7]{16} \(default\/ext external IP\)$/,
      },
      // Upstream's portal for traffic from off the node: `-m physdev ! --physdev-is-in` (the
      // SYN came in on eth0, not over a bridge port) REDIRECTs to the proxy, which dials from
      // node1.
      userspace: {
        result: '200',
        server: 'web-a',
        port: 80,
        peer: 'cni0@node1',
        via: [
          /^KUBE-PORTALS-CONTAINER: REDIRECT 192\.168\.100\.200:80 → 192\.168\.100\.11:\d+ \(default\/ext\)$/,
          /^-A KUBE-PORTALS-CONTAINER -d 192\.168\.100\.200\/32 -p tcp -m comment --comment "default\/ext" -m tcp --dport 80 -m physdev ! --physdev-is-in -j REDIRECT --to-ports \d+$/,
        ],
      },
      ipvs: {
        result: '200',
        server: 'web-a',
        peer: 'cni0@node1',
        via: /^IPVS TCP 192\.168\.100\.200:80 \(rr\) → 10\.244\.1\.\d+:80 Masq$/,
      },
    },
  },
  {
    name: 'multi-port Service, port 80 (http → targetPort web = 80)',
    from: fromPod('client-1'),
    to: (c) => ({ address: clusterIP(c, 'multi'), port: 80 }),
    expect: {
      iptables: {
        result: '200',
        server: 'multi',
        port: 80,
        peer: 'client',
        body: WELCOME,
        via: /^KUBE-SEP-[A-Z2-7]{16}: DNAT 10\.\d+\.\d+\.\d+:80 → 10\.244\.2\.\d+:80 \(default\/multi:http\)$/,
      },
      userspace: { result: '200', server: 'multi', port: 80, peer: 'flannel@node1', body: WELCOME },
      ipvs: { result: '200', server: 'multi', port: 80, peer: 'client', body: WELCOME },
    },
  },
  {
    name: 'multi-port Service, port 443 (https → targetPort alt = 8080)',
    from: fromPod('client-1'),
    to: (c) => ({ address: clusterIP(c, 'multi'), port: 443 }),
    expect: {
      iptables: {
        result: '200',
        server: 'multi',
        port: 8080,
        peer: 'client',
        body: HELLO,
        via: /^KUBE-SEP-[A-Z2-7]{16}: DNAT 10\.\d+\.\d+\.\d+:443 → 10\.244\.2\.\d+:8080 \(default\/multi:https\)$/,
      },
      userspace: {
        result: '200',
        server: 'multi',
        port: 8080,
        peer: 'flannel@node1',
        body: HELLO,
        via: /^kube-proxy dials 10\.244\.2\.\d+:8080 /,
      },
      ipvs: {
        result: '200',
        server: 'multi',
        port: 8080,
        peer: 'client',
        body: HELLO,
        via: /^IPVS TCP 10\.\d+\.\d+\.\d+:443 \(rr\) → 10\.244\.2\.\d+:8080 Masq$/,
      },
    },
  },
  {
    name: 'targetPort by name (web → the container port named web, 8080)',
    from: fromPod('client-1'),
    to: (c) => ({ address: clusterIP(c, 'named'), port: 80 }),
    expect: {
      iptables: { result: '200', server: 'named', port: 8080, peer: 'client', body: HELLO },
      userspace: { result: '200', server: 'named', port: 8080, peer: 'flannel@node1', body: HELLO },
      ipvs: { result: '200', server: 'named', port: 8080, peer: 'client', body: HELLO },
    },
  },
  {
    name: 'selector-less Service with a hand-written EndpointSlice',
    from: fromPod('client-1'),
    to: (c) => ({ address: clusterIP(c, 'manual'), port: 80 }),
    expect: {
      iptables: {
        result: '200',
        server: 'manual-backend',
        port: 80,
        peer: 'client',
        via: /^KUBE-SVC-[A-Z2-7]{16} → KUBE-SEP-[A-Z2-7]{16} \(default\/manual -> 10\.244\.2\.\d+:80\)$/,
      },
      userspace: { result: '200', server: 'manual-backend', port: 80, peer: 'flannel@node1' },
      ipvs: { result: '200', server: 'manual-backend', port: 80, peer: 'client' },
    },
  },
  {
    name: 'both traffic policies Local, ClusterIP from a node without endpoints',
    from: fromPod('client-2'),
    to: (c) => ({ address: clusterIP(c, 'both-local'), port: 80 }),
    expect: {
      // filter KUBE-SERVICES: "has no local endpoints" → DROP.
      iptables: {
        result: 'timeout',
        via: /^KUBE-SERVICES: DROP \(default\/both-local has no local endpoints\)$/,
      },
      userspace: { result: '200', server: 'web-a', peer: 'flannel@node2' },
      // ipvs's #97081 fallback: no local endpoint, so the cluster-wide ones (UsesClusterEndpoints
      // is true for a NodePort Service even with both policies Local).
      ipvs: { result: '200', server: 'web-a', peer: 'client' },
    },
  },
];

describe('packet flow: load balancers, external IPs, ports, hand-written endpoints, affinity', () => {
  let c: Cluster;
  beforeAll(() => {
    c = buildCluster();
  });

  const peerIP = (peer: Peer, t: Trace): string =>
    peer === 'client' ? (t.client?.ip ?? '') : PEER_IPS[peer];

  for (const mode of MODES) {
    describe(mode, () => {
      beforeAll(() => setMode(c, mode));
      for (const { name, from, to, times, expect: byMode } of rows) {
        const want = byMode[mode];
        if (!want) continue;
        it(name, () => {
          const traces = Array.from({ length: times ?? 1 }, () =>
            sendRequest(c.context, { from, ...to(c), timeoutMs: 5000 }),
          );
          for (const t of traces) {
            expect(result(t)).toBe(want.result);
            if (want.server) {
              expect(t.server?.pod).toBe(`default/${want.server}`);
            } else {
              expect(t.server).toBeUndefined();
            }
            if (want.port !== undefined) expect(t.server?.port).toBe(want.port);
            if (want.peer !== undefined) {
              const node = lbNode(t);
              const peer = typeof want.peer === 'string' ? want.peer : want.peer[node as 'node1'];
              expect(peer, `no expectation for the load balancer's pick ${node}`).toBeDefined();
              expect(t.server?.peer.ip).toBe(peerIP(peer!, t));
            }
            if (want.body) expect(t.outcome.ok && t.outcome.body).toMatch(want.body);
            const seen = t.hops.flatMap((h) => (h.chain ? [h.what, h.chain.rule] : [h.what]));
            for (const via of want.via === undefined ? [] : [want.via].flat()) {
              expect(seen).toContainEqual(expect.stringMatching(via));
            }
          }
          if (want.lbNodes) {
            expect([...new Set(traces.map(lbNode))].sort()).toEqual(want.lbNodes);
          }
        });
      }

      it('sessionAffinity ClientIP: 20 requests from one client reach one pod', () => {
        const send = (client: string): Trace[] =>
          Array.from({ length: 20 }, () =>
            sendRequest(c.context, {
              from: fromPod(client),
              address: clusterIP(c, 'sticky'),
              port: 80,
              timeoutMs: 5000,
            }),
          );
        const first = send('client-1');
        expect(first.map(result)).toEqual(Array(20).fill('200'));
        const pods = new Set(first.map((t) => t.server?.pod));
        expect(pods.size).toBe(1);
        const [stuck] = [...pods];
        expect(stuck).toMatch(/^default\/sticky-[123]$/);
        expect(new Set(send('client-2').map((t) => t.server?.pod)).size).toBe(1);
        const endpoint = `${podIP(c, stuck!.slice('default/'.length))}:80`;
        if (mode === 'iptables') {
          // From the second request on, the `-m recent --rcheck` rule picks the endpoint.
          const rule = first[1]?.hops.find((h) => h.what.includes(`default/sticky -> ${endpoint}`))
            ?.chain?.rule;
          expect(rule).toMatch(
            /^-A KUBE-SVC-[A-Z2-7]{16} -m comment --comment "default\/sticky -> [\d.:]+" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-[A-Z2-7]{16} --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-[A-Z2-7]{16}$/,
          );
        } else if (mode === 'ipvs') {
          const vs = dataplaneOf(c.context)
            .nodes.get('node1')
            ?.virtualServers.find((v) => v.address === clusterIP(c, 'sticky'));
          expect(vs?.persistentSeconds).toBe(10800);
          expect(first.map((t) => t.hops.find((h) => h.kind === 'kube-proxy')?.what)).toEqual(
            Array(20).fill(`IPVS TCP ${clusterIP(c, 'sticky')}:80 (rr) → ${endpoint} Masq`),
          );
        } else {
          const proxier = kubeProxiesOf(c.context)?.userspaceProxier('node1');
          expect(proxier?.affinityOf('default/sticky/tcp', podIP(c, 'client-1'))).toBe(endpoint);
        }
      });

      it('every node’s rules are consistent (chain names, hashes, jump targets)', () => {
        for (const node of NODES) {
          const plane = dataplaneOf(c.context).nodes.get(node);
          const dump = iptablesSave(plane!.tables, undefined, { date: '' });
          expect(checkIptablesSave(dump), `${mode} on ${node}`).toEqual([]);
          if (mode === 'iptables') {
            expect(dump).toContain(
              '-m comment --comment "default/lb-local health check node port"',
            );
          }
        }
      });
    });
  }
});
