import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { createCluster } from '../cluster';
import type { Cluster } from '../cluster';
import { dataplaneOf } from './dataplane';
import {
  gatewayOf,
  linkLocalOf,
  netnsNameOf,
  nodeInterfaces,
  nodeMac,
  nodeRoutes,
  routeLookup,
  vethNameOf,
} from './interfaces';

function deployment(name: string, replicas: number): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
      },
    },
  };
}

function withPods(replicas = 4): Cluster {
  const cluster = createCluster({ seed: 1 });
  cluster.applyObjects([deployment('web', replicas)]);
  cluster.advance(60_000);
  return cluster;
}

type PodLike = KObject & { spec?: { nodeName?: string }; status?: { podIP?: string } };

const names = (c: Cluster, node: string): string[] =>
  nodeInterfaces(c.context, node).map((i) => `${i.index}:${i.name}`);

describe('addresses derived from identities', () => {
  it.each([
    ['52:54:00:12:34:56', 'fe80::5054:ff:fe12:3456'],
    ['ea:54:16:5f:b7:f2', 'fe80::e854:16ff:fe5f:b7f2'],
    ['02:00:00:00:00:01', 'fe80::ff:fe00:1'],
    ['be:1c:a8:30:91:db', 'fe80::bc1c:a8ff:fe30:91db'],
  ])('the EUI-64 link-local address of %s is %s', (mac, ll) => {
    expect(linkLocalOf(mac)).toBe(ll);
  });

  it('MACs, veth and netns names are stable functions of the node IP and pod uid', () => {
    expect(nodeMac('192.168.100.11')).toBe('52:54:00:72:59:f8');
    expect(nodeMac('192.168.100.11')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(vethNameOf('c643ec66-b10e-4a23-8028-e4dd63805167')).toMatch(/^veth[0-9a-f]{8}$/);
    expect(vethNameOf('a')).toBe(vethNameOf('a'));
    expect(vethNameOf('a')).not.toBe(vethNameOf('b'));
    expect(netnsNameOf('a')).toMatch(
      /^cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(gatewayOf('192.168.100.12')).toBe('192.168.100.1');
  });
});

describe('nodeInterfaces', () => {
  it('a node without pod-network pods has lo, eth0 and flannel.1 only', () => {
    const c = createCluster({ seed: 1 });
    expect(names(c, 'master')).toEqual(['1:lo', '2:eth0', '3:flannel.1']);
    const flannel = nodeInterfaces(c.context, 'master')[2]!;
    expect([flannel.kind, flannel.mtu, flannel.state, flannel.addrs[0]]).toEqual([
      'vxlan',
      1450,
      'UNKNOWN',
      { family: 'inet', address: '10.244.0.0', prefix: 32, scope: 'global' },
    ]);
  });

  it('a worker gets cni0 and one veth per pod sandbox, hostNetwork pods excluded', () => {
    const c = withPods(4);
    for (const node of ['node1', 'node2']) {
      const podIPs = c.store
        .list<PodLike>('Pod')
        .filter((p) => p.spec?.nodeName === node && p.status?.podIP?.startsWith('10.244.'))
        .map((p) => p.status!.podIP!)
        .sort();
      const ifaces = nodeInterfaces(c.context, node);
      const veths = ifaces.filter((i) => i.kind === 'veth');
      expect(veths.map((v) => v.pod!.ip).sort()).toEqual(podIPs);
      // kube-proxy (hostNetwork) has no veth; every veth is a port of cni0, index 4 + host part.
      for (const v of veths) {
        expect([v.master, v.peerIndex, v.mtu]).toEqual(['cni0', 2, 1450]);
        expect(v.index).toBe(4 + Number(v.pod!.ip.split('.')[3]));
        expect(v.name).toBe(vethNameOf(v.pod!.uid));
        expect(v.linkNetns).toBe(netnsNameOf(v.pod!.uid));
      }
      const cni0 = ifaces.find((i) => i.name === 'cni0')!;
      const n = node === 'node1' ? 1 : 2;
      expect(cni0.addrs[0]).toEqual({
        family: 'inet',
        address: `10.244.${n}.1`,
        prefix: 24,
        brd: `10.244.${n}.255`,
        scope: 'global',
      });
    }
  });

  it('deleting a pod removes its veth and renumbers no other interface', () => {
    const c = withPods(4);
    const before = nodeInterfaces(c.context, 'node1');
    const victim = before.find((i) => i.pod?.name.startsWith('web-'))!;
    c.shell.run(`kubectl scale deploy web --replicas=3`);
    c.store.delete('Pod', 'default', victim.pod!.name, { actor: 'test', gracePeriodSeconds: 0 });
    c.advance(60_000);
    const after = nodeInterfaces(c.context, 'node1');
    expect(after.find((i) => i.name === victim.name)).toBeUndefined();
    for (const i of after) {
      const same = before.find((b) => b.name === i.name);
      if (same) expect(i.index).toBe(same.index);
    }
  });

  it('kube-ipvs0 appears only in ipvs mode, down, with every service IP as a /32', () => {
    const c = createCluster({ seed: 1 });
    const plane = dataplaneOf(c.context);
    plane.update({ proxyMode: 'ipvs' });
    const ipvs = nodeInterfaces(c.context, 'node1').find((i) => i.name === 'kube-ipvs0')!;
    expect([ipvs.index, ipvs.kind, ipvs.state, ipvs.flags]).toEqual([
      5,
      'dummy',
      'DOWN',
      ['BROADCAST', 'NOARP'],
    ]);
    expect(ipvs.addrs.map((a) => `${a.address}/${a.prefix}`)).toEqual([
      '10.96.0.1/32',
      '10.96.0.10/32',
    ]);
    plane.update({ proxyMode: 'userspace' });
    const after = names(c, 'node1');
    expect(after.slice(0, 4)).toEqual(['1:lo', '2:eth0', '3:flannel.1', '4:cni0']);
    expect(after.filter((n) => n.startsWith('5:'))).toEqual([]);
  });

  it('an unknown node has no interfaces and no routes', () => {
    const c = createCluster({ seed: 1 });
    expect(nodeInterfaces(c.context, 'node9')).toEqual([]);
    expect(nodeRoutes(c.context, 'node9')).toEqual([]);
    expect(routeLookup(c.context, 'node9', '10.244.1.2')).toBeUndefined();
  });
});

describe('nodeRoutes', () => {
  it('flannel routes every other node’s pod CIDR through flannel.1, onlink', () => {
    const c = createCluster({ seed: 1, workers: 3 });
    expect(nodeRoutes(c.context, 'master')).toEqual([
      { dst: 'default', via: '192.168.100.1', dev: 'eth0', proto: 'static' },
      { dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'flannel.1', onlink: true },
      { dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true },
      { dst: '10.244.3.0/24', via: '10.244.3.0', dev: 'flannel.1', onlink: true },
      {
        dst: '192.168.100.0/24',
        dev: 'eth0',
        proto: 'kernel',
        scope: 'link',
        src: '192.168.100.10',
      },
    ]);
  });

  it('a deleted Node’s subnet lease, and so its route, goes away', () => {
    const c = createCluster({ seed: 1 });
    c.store.delete('Node', undefined, 'node2', { actor: 'test' });
    expect(nodeRoutes(c.context, 'master').map((r) => r.dst)).toEqual([
      'default',
      '10.244.1.0/24',
      '192.168.100.0/24',
    ]);
  });
});

describe('routeLookup', () => {
  const c = withPods(4);
  const podOn = (node: string): string =>
    c.store.list<PodLike>('Pod', { namespace: 'default' }).find((p) => p.spec?.nodeName === node)!
      .status!.podIP!;

  it.each([
    ['node1', '127.0.0.1', { kind: 'local', dev: 'lo', src: '127.0.0.1' }],
    ['node1', '192.168.100.11', { kind: 'local', dev: 'lo', src: '192.168.100.11' }],
    ['node1', '10.244.1.0', { kind: 'local', dev: 'lo', src: '10.244.1.0' }],
    ['node1', '10.244.1.1', { kind: 'local', dev: 'lo', src: '10.244.1.1' }],
    ['node1', '10.244.1.250', { kind: 'pod-local', dev: 'cni0', src: '10.244.1.1' }],
    [
      'node1',
      '10.244.2.77',
      {
        kind: 'overlay',
        dev: 'flannel.1',
        via: '10.244.2.0',
        src: '10.244.1.0',
        peerNode: 'node2',
      },
    ],
    [
      'master',
      '10.244.1.9',
      {
        kind: 'overlay',
        dev: 'flannel.1',
        via: '10.244.1.0',
        src: '10.244.0.0',
        peerNode: 'node1',
      },
    ],
    [
      'node1',
      '192.168.100.10',
      { kind: 'node-network', dev: 'eth0', src: '192.168.100.11', peerNode: 'master' },
    ],
    ['node1', '192.168.100.99', { kind: 'node-network', dev: 'eth0', src: '192.168.100.11' }],
    [
      'node1',
      '10.96.0.1',
      { kind: 'default', dev: 'eth0', via: '192.168.100.1', src: '192.168.100.11' },
    ],
    // The master has no cni0 (no pods): its own pod CIDR has no route yet.
    [
      'master',
      '10.244.0.5',
      { kind: 'default', dev: 'eth0', via: '192.168.100.1', src: '192.168.100.10' },
    ],
  ])('%s → %s', (node, dst, expected) => {
    expect(routeLookup(c.context, node, dst)).toEqual(expected);
  });

  it('a local pod’s address names its veth', () => {
    const ip = podOn('node1');
    const veth = nodeInterfaces(c.context, 'node1').find((i) => i.pod?.ip === ip)!;
    expect(routeLookup(c.context, 'node1', ip)).toEqual({
      kind: 'pod-local',
      dev: 'cni0',
      src: '10.244.1.1',
      veth: veth.name,
    });
  });

  it('not an IPv4 address: no answer', () => {
    expect(routeLookup(c.context, 'node1', 'fe80::1')).toBeUndefined();
  });
});
