import { describe, expect, it } from 'vitest';
import { createCluster, dataplaneOf } from '../../engine';
import type { Block, SectionInput } from './model';
import { nodeRulesBlocks, serviceRulesBlocks } from './network-sections';

const code = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.type === 'code' ? [`${b.label}\n${b.text}`] : []));

function setup() {
  const cluster = createCluster({ seed: 1 });
  cluster.shell.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
  cluster.shell.run('kubectl expose deployment web --port=80');
  cluster.advance(60_000);
  const input = (kind: string, namespace: string | undefined, name: string): SectionInput => ({
    obj: cluster.store.get(kind, namespace, name)!,
    objects: new Map(),
    now: cluster.now(),
    scheduling: { getSchedulingDecision: () => undefined },
    network: dataplaneOf(cluster.context),
  });
  return { cluster, input };
}

describe('networking tabs', () => {
  it('a node’s tables as iptables-save -c prints them, with live counters', () => {
    const { cluster, input } = setup();
    const before = code(nodeRulesBlocks(input('Node', undefined, 'node1')));
    expect(before.map((t) => t.split('\n')[0])).toEqual([
      'iptables-save -c -t nat',
      'iptables-save -c -t filter',
    ]);
    expect(before[0]).toMatch(
      /^\[0:0\] -A KUBE-SERVICES -d 10\.96\.0\.1\/32 .*KUBE-SVC-NPX46M4PTMTKRN6Y$/m,
    );
    const ip = cluster.shell.run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").stdout;
    cluster.shell.run('ssh node1');
    expect(cluster.shell.run(`curl -s ${ip}`).exitCode).toBe(0);
    const after = code(nodeRulesBlocks(input('Node', undefined, 'node1')));
    // The node's OUTPUT hook took the request to the Service's chain: its rule counted it.
    expect(after[0]).toMatch(
      /^\[1:\d+\] -A KUBE-SERVICES -d [\d.]+\/32 .*default\/web cluster IP/m,
    );
  });

  it('a Service’s own rules on each node, or its virtual servers in ipvs mode', () => {
    const { cluster, input } = setup();
    const rules = code(serviceRulesBlocks(input('Service', 'default', 'web')));
    expect(rules.map((t) => t.split('\n')[0])).toEqual([
      'master: iptables-save -c -t nat | grep default/web',
      'node1: iptables-save -c -t nat | grep default/web',
      'node2: iptables-save -c -t nat | grep default/web',
    ]);
    for (const t of rules) {
      expect(t).toContain('"default/web cluster IP"');
      expect(t).not.toContain('kubernetes');
    }
    dataplaneOf(cluster.context).update({ proxyMode: 'ipvs' });
    cluster.advance(0);
    const ipvs = code(serviceRulesBlocks(input('Service', 'default', 'web')));
    expect(ipvs[0]).toMatch(/^master: ipvsadm -Ln/);
    expect(ipvs[0]).toMatch(/-> 10\.244\.\d\.\d+:80 +Masq +1/);
    expect(ipvs[0]).not.toContain('10.96.0.1:443');
  });
});
