/** createCluster(): the kubeadm-like default cluster, and configurable topology. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/engine';
import type { KObject } from '../src/engine';

type NodeObj = KObject & {
  spec: { podCIDR?: string; taints?: Array<{ key: string; effect: string }> };
  status: {
    addresses: Array<{ type: string; address: string }>;
    nodeInfo: { kubeletVersion: string };
  };
};
type PodObj = KObject & {
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
};

describe('the default cluster', () => {
  const cluster = createCluster();

  it('has master (tainted control plane), node1 and node2 on 192.168.100.0/24 with flannel-style pod CIDRs', () => {
    const nodes = cluster.store
      .list<NodeObj>('Node')
      .map((n) => [
        n.metadata.name,
        n.status.addresses.find((a) => a.type === 'InternalIP')?.address,
        n.spec.podCIDR,
        (n.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).join(','),
        n.status.nodeInfo.kubeletVersion,
      ]);
    expect(nodes).toEqual([
      [
        'master',
        '192.168.100.10',
        '10.244.0.0/24',
        'node-role.kubernetes.io/control-plane:NoSchedule',
        'v1.30.2',
      ],
      ['node1', '192.168.100.11', '10.244.1.0/24', '', 'v1.30.2'],
      ['node2', '192.168.100.12', '10.244.2.0/24', '', 'v1.30.2'],
    ]);
  });

  it('has the four kubeadm namespaces', () => {
    expect(
      cluster.store
        .list('Namespace')
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('runs the control plane on master, kube-proxy on every node and two coredns pods, all Running', () => {
    const pods = cluster.store.list<PodObj>('Pod', { namespace: 'kube-system' });
    const byName = (prefix: string) => pods.filter((p) => p.metadata.name?.startsWith(prefix));
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const [p] = byName(`${c}-master`);
      expect(p?.spec.nodeName).toBe('master');
      expect(p?.status?.podIP).toBe('192.168.100.10');
    }
    expect(
      byName('kube-proxy-')
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['master', 'node1', 'node2']);
    const dns = byName('coredns-');
    expect(dns).toHaveLength(2);
    for (const p of dns) {
      expect(p.metadata.name).toMatch(
        /^coredns-[456789bcdf]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
      expect(p.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    }
    expect(pods.every((p) => p.status?.phase === 'Running')).toBe(true);
  });

  it('has the kubernetes and kube-dns Services at 10.96.0.1 and 10.96.0.10', () => {
    const svc = (ns: string, n: string) =>
      (cluster.store.get(`Service`, ns, n)?.spec as { clusterIP?: string } | undefined)?.clusterIP;
    expect(svc('default', 'kubernetes')).toBe('10.96.0.1');
    expect(svc('kube-system', 'kube-dns')).toBe('10.96.0.10');
  });

  it('starts ten minutes after bootstrap by default, so system objects have an age', () => {
    const ns = cluster.store.get('Namespace', undefined, 'default')!;
    expect(ns.metadata.creationTimestamp).toBe('2024-06-03T08:00:00Z');
    expect(cluster.now() - Date.parse('2024-06-03T08:00:00Z')).toBe(600_000);
  });
});

describe('configurable topology', () => {
  it('takes a worker count and per-node resources', () => {
    const cluster = createCluster({ workers: 4, nodeCpu: '8', nodeMemory: '16Gi', bootstrapMs: 0 });
    const nodes = cluster.store.list<NodeObj>('Node');
    expect(nodes.map((n) => n.metadata.name)).toEqual([
      'master',
      'node1',
      'node2',
      'node3',
      'node4',
    ]);
    expect((nodes[4]!.status as { allocatable?: Record<string, string> }).allocatable?.cpu).toBe(
      '8',
    );
    expect(
      cluster.store
        .list('Pod', { namespace: 'kube-system' })
        .filter((p) => p.metadata.name?.startsWith('kube-proxy-')),
    ).toHaveLength(5);
  });

  it('takes explicit nodes', () => {
    const cluster = createCluster({ nodes: [{ name: 'cp' }, { name: 'w1' }], bootstrapMs: 0 });
    expect(
      cluster.store
        .list('Node')
        .map((n) => [n.metadata.name, (n.spec as { podCIDR?: string }).podCIDR]),
    ).toEqual([
      ['cp', '10.244.0.0/24'],
      ['w1', '10.244.1.0/24'],
    ]);
    expect(cluster.store.get('Pod', 'kube-system', 'etcd-cp')).toBeDefined();
  });
});
