/**
 * Golden files (`__golden__/`): what a learner sees on a node of the default cluster (seed 1)
 * with `iptables-save` (iptables mode) and `ipvsadm -Ln` (ipvs mode), byte for byte, for the
 * lesson's Service and its variants — NodePort, externalTrafficPolicy Local, session affinity, no
 * endpoints, a LoadBalancer with Local policy (its KUBE-SVL chain, the health check node port in
 * filter KUBE-NODEPORTS, the DROP rules on a node without local endpoints), loadBalancerSourceRanges
 * (KUBE-FW), several named ports with named targetPorts, and a selector-less Service whose
 * EndpointSlice the user wrote. Each dump is also checked for consistency (chain-check.ts): every
 * chain name carries the hash of the service port it belongs to, every jump has a target.
 *
 * The scenario of the `httpd2` goldens: a Deployment of three httpd replicas (one on node1, two
 * on node2), four seconds for them to start, then the Service. A changed golden is rewritten by
 * `npx vitest run -u`; read the diff as a Kubernetes user would.
 */
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { createCluster } from '../cluster';
import type { Cluster } from '../cluster';
import { checkIptablesSave } from './chain-check';
import { dataplaneOf } from './dataplane';
import './kube-proxy/ipvs-tools';
import './netfilter/tools';

type Spec = Record<string, unknown>;

function deployment(name: string, replicas: number, containers: Spec[]): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  } as KObject;
}

function service(name: string, spec: Spec): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

const HTTPD2 = deployment('httpd2', 3, [{ name: 'httpd2', image: 'httpd' }]);

/** The lesson's Service, with extra spec fields. */
const httpd2Service = (extra: Spec = {}): KObject =>
  service('httpd2', {
    selector: { app: 'httpd2' },
    ports: [{ port: 80, targetPort: 80 }],
    ...extra,
  });

/** The default cluster after `objects`, the Deployment's pods started first. */
function scenario(
  objects: KObject[],
  opts: { cloudLB?: boolean; deployment?: KObject | false } = {},
) {
  return (): Cluster => {
    const c = createCluster({ seed: 1 });
    if (opts.cloudLB) dataplaneOf(c.context).update({ cloudLB: true });
    const dep = opts.deployment ?? HTTPD2;
    if (dep) {
      for (const r of c.applyObjects([dep])) expect(r.ok).toBe(true);
      c.advance(4000);
    }
    for (const r of c.applyObjects(objects)) expect(r.ok).toBe(true);
    c.settle();
    return c;
  };
}

/** A selector-less Service and the EndpointSlice its user wrote, for a pod of httpd2. */
function selectorless(): Cluster {
  const c = scenario([
    service('manual', { ports: [{ name: 'web', port: 8080, targetPort: 80 }] }),
  ])();
  const target = c.store
    .list<KObject & { status?: { podIP?: string }; spec?: { nodeName?: string } }>('Pod', {
      namespace: 'default',
    })
    .find((p) => p.spec?.nodeName === 'node2');
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'manual-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'manual' },
    },
    addressType: 'IPv4',
    ports: [{ name: 'web', port: 80, protocol: 'TCP' }],
    endpoints: [{ addresses: [target?.status?.podIP ?? ''] }, { addresses: ['192.168.100.99'] }],
  } as KObject;
  for (const r of c.applyObjects([slice])) expect(r.ok).toBe(true);
  c.settle();
  return c;
}

/** Two containers with named ports; the Service's ports name them as targetPorts. */
const MULTI = deployment('multi', 2, [
  { name: 'nginx', image: 'nginx', ports: [{ name: 'web', containerPort: 80 }] },
  { name: 'hello', image: 'hello-app', ports: [{ name: 'alt', containerPort: 8080 }] },
]);

interface Case {
  file: string;
  node: string;
  build: () => Cluster;
}

const IPTABLES_CASES: Case[] = [
  { file: 'iptables-save-default.txt', node: 'node1', build: scenario([], { deployment: false }) },
  {
    file: 'iptables-save-no-endpoints.txt',
    node: 'node1',
    build: scenario(
      [service('nobody', { selector: { app: 'nobody' }, ports: [{ name: 'web', port: 8080 }] })],
      { deployment: false },
    ),
  },
  { file: 'iptables-save-walkthrough.txt', node: 'node1', build: scenario([httpd2Service()]) },
  {
    file: 'iptables-save-walkthrough-nodeport.txt',
    node: 'node1',
    build: scenario([httpd2Service({ type: 'NodePort' })]),
  },
  {
    file: 'iptables-save-nodeport-local.txt',
    node: 'node1',
    build: scenario([httpd2Service({ type: 'NodePort', externalTrafficPolicy: 'Local' })]),
  },
  {
    file: 'iptables-save-affinity.txt',
    node: 'node1',
    build: scenario([httpd2Service({ sessionAffinity: 'ClientIP' })]),
  },
  {
    file: 'iptables-save-lb-local.txt',
    node: 'node1',
    build: scenario([httpd2Service({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' })], {
      cloudLB: true,
    }),
  },
  {
    // No httpd2 pod on the control plane: DROP in KUBE-EXTERNAL-SERVICES, no KUBE-SVL chain.
    file: 'iptables-save-lb-local-no-local-endpoints.txt',
    node: 'master',
    build: scenario([httpd2Service({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' })], {
      cloudLB: true,
    }),
  },
  {
    // The node network is one of the ranges: the node may reach the LB through its own VIP.
    file: 'iptables-save-lb-source-ranges.txt',
    node: 'node1',
    build: scenario(
      [
        httpd2Service({
          type: 'LoadBalancer',
          loadBalancerSourceRanges: ['198.51.100.0/24', '192.168.100.0/24'],
        }),
      ],
      { cloudLB: true },
    ),
  },
  {
    file: 'iptables-save-multiport-named-targetport.txt',
    node: 'node1',
    build: scenario(
      [
        service('multi', {
          selector: { app: 'multi' },
          ports: [
            { name: 'http', port: 80, targetPort: 'web' },
            { name: 'https', port: 443, targetPort: 'alt' },
          ],
        }),
      ],
      { deployment: MULTI },
    ),
  },
  { file: 'iptables-save-selectorless-endpointslice.txt', node: 'node1', build: selectorless },
];

function onNode(c: Cluster, node: string, cmd: string): string {
  if (node !== 'master') expect(c.shell.run(`ssh ${node}`).exitCode).toBe(0);
  const r = c.shell.run(cmd);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

describe('iptables-save goldens', () => {
  it.each(IPTABLES_CASES)('$file ($node)', async ({ file, node, build }) => {
    const out = onNode(build(), node, 'iptables-save');
    await expect(out).toMatchFileSnapshot(`__golden__/${file}`);
    expect(checkIptablesSave(out)).toEqual([]);
  });
});

describe('ipvsadm goldens (ipvs mode)', () => {
  it.each([
    { file: 'ipvsadm-Ln-walkthrough.txt', build: scenario([httpd2Service()]) },
    {
      file: 'ipvsadm-Ln-walkthrough-nodeport.txt',
      build: scenario([httpd2Service({ type: 'NodePort' })]),
    },
    {
      file: 'ipvsadm-Ln-affinity.txt',
      build: scenario([httpd2Service({ sessionAffinity: 'ClientIP' })]),
    },
  ])('$file (node1)', async ({ file, build }) => {
    const c = build();
    dataplaneOf(c.context).update({ proxyMode: 'ipvs' });
    c.settle();
    await expect(onNode(c, 'node1', 'ipvsadm -Ln')).toMatchFileSnapshot(`__golden__/${file}`);
  });
});

describe('the chain check itself', () => {
  // k8s-reference §1.6's service, as iptables-save prints it, then broken in five ways.
  const GOOD = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]',
    ':KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    '-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m recent --set --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.1:80',
    'COMMIT',
  ];

  it('passes a consistent dump', () => {
    expect(checkIptablesSave(GOOD.join('\n'))).toEqual([]);
  });

  it('reports wrong hashes, missing and unused chains, foreign endpoints and recent lists', () => {
    const bad = [
      ...GOOD.slice(0, -1),
      ':KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]',
      ':KUBE-SVC-BBBBBBBBBBBBBBBB - [0:0]',
      '-A KUBE-SERVICES -d 172.30.0.42/32 -p tcp -m comment --comment "ns1/svc2:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
      '-A KUBE-SERVICES -d 172.30.0.43/32 -p tcp -m comment --comment "ns1/svc3:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-NOSUCHCHAIN00000',
      '-A KUBE-SVC-BBBBBBBBBBBBBBBB -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ -j KUBE-SEP-AAAAAAAAAAAAAAAA',
      '-A KUBE-SEP-AAAAAAAAAAAAAAAA -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.2:80',
      'COMMIT',
    ];
    // Each problem names the rule after `: -A …`; the descriptions are enough here.
    expect(checkIptablesSave(bad.join('\n')).map((p) => p.split(': -A ')[0])).toEqual([
      'nat: ns1/svc2:p80/tcp hashes to IP2NFBUX2EWVD722',
      'nat: jump to a chain that does not exist',
      "nat: recent list KUBE-SEP-SXIVWICOYRO3J4NJ is not this endpoint's",
      'nat: KUBE-SEP-AAAAAAAAAAAAAAAA should be KUBE-SEP-LXVODXWDISEETFEF',
      'nat: KUBE-SVC-BBBBBBBBBBBBBBBB jumps to KUBE-SEP-AAAAAAAAAAAAAAAA of another service port',
      'nat: nothing jumps to KUBE-SVC-BBBBBBBBBBBBBBBB',
      'nat: KUBE-SVC-BBBBBBBBBBBBBBBB matches no service port named in its rules',
    ]);
  });
});
