import { describe, expect, it } from 'vitest';
import { createCluster } from '../../cluster';
import { dataplaneOf } from '../dataplane';
import { kubeProxiesOf } from './kube-proxy';

const userChains = (
  cluster: ReturnType<typeof createCluster>,
  node: string,
  table: 'nat' | 'filter',
) =>
  [...(dataplaneOf(cluster.context).nodes.get(node)?.tables[table].chains.keys() ?? [])].filter(
    (c) => c.startsWith('KUBE-'),
  );

describe('kube-proxy on every node, in the mode the playground is set to', () => {
  it('re-syncs every node when the mode changes, cleaning the old mode’s rules', () => {
    const cluster = createCluster({ seed: 1 });
    const dp = dataplaneOf(cluster.context);
    for (const n of ['master', 'node1', 'node2']) expect(dp.nodes.get(n)?.mode).toBe('iptables');
    expect(userChains(cluster, 'node1', 'nat')).toContain('KUBE-SVC-NPX46M4PTMTKRN6Y');

    dp.update({ proxyMode: 'ipvs' });
    cluster.advance(0);
    const ipvs = dp.nodes.get('node1')!;
    expect(ipvs.mode).toBe('ipvs');
    expect(ipvs.virtualServers.map((v) => `${v.protocol} ${v.address}:${v.port}`)).toContain(
      'TCP 10.96.0.1:443',
    );
    expect(ipvs.ipsets.has('KUBE-CLUSTER-IP')).toBe(true);
    expect(userChains(cluster, 'node1', 'nat')).not.toContain('KUBE-SVC-NPX46M4PTMTKRN6Y');
    // The kubelet's own chains stay in every mode.
    expect(userChains(cluster, 'node1', 'filter')).toContain('KUBE-FIREWALL');
    expect(userChains(cluster, 'node1', 'nat')).toContain('KUBE-KUBELET-CANARY');

    dp.update({ proxyMode: 'userspace' });
    cluster.advance(0);
    const us = dp.nodes.get('node1')!;
    expect(us.mode).toBe('userspace');
    expect(us.virtualServers).toEqual([]);
    expect([...us.proxyPorts.keys()]).toContain('default/kubernetes:https/tcp');
    expect(userChains(cluster, 'node1', 'nat')).toContain('KUBE-PORTALS-CONTAINER');
    expect(kubeProxiesOf(cluster.context)?.userspaceProxier('node1')).toBeDefined();
    expect(userChains(cluster, 'node1', 'filter')).toContain('KUBE-FIREWALL');

    dp.update({ proxyMode: 'iptables' });
    cluster.advance(0);
    expect(dp.nodes.get('node1')?.mode).toBe('iptables');
    expect(userChains(cluster, 'node1', 'nat')).not.toContain('KUBE-PORTALS-CONTAINER');
    expect(userChains(cluster, 'node1', 'nat')).toContain('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(kubeProxiesOf(cluster.context)?.userspaceProxier('node1')).toBeUndefined();
  });

  it('programs a new Service’s endpoints in every mode', () => {
    for (const mode of ['iptables', 'ipvs', 'userspace'] as const) {
      const cluster = createCluster({ seed: 1 });
      dataplaneOf(cluster.context).update({ proxyMode: mode });
      cluster.shell.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
      cluster.shell.run('kubectl expose deployment web --port=80');
      cluster.advance(60_000);
      const save = cluster.shell.run('ssh node2');
      expect(save.exitCode).toBe(0);
      const out =
        mode === 'ipvs'
          ? cluster.shell.run('ipvsadm -Ln').stdout
          : cluster.shell.run('iptables-save -t nat').stdout;
      expect(out).toMatch(mode === 'ipvs' ? /-> 10\.244\.\d\.\d+:80 +Masq/ : /default\/web/);
    }
  });
});
