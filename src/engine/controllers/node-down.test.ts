/**
 * The node fault end to end: `kubectl annotate node node2 playground/fault=down` on a cluster
 * running 3 nginx replicas, as a learner would see it. The kubelet stops posting (node-status.ts,
 * kubelet.ts), the node lifecycle controller marks node2 NotReady after the 40 s grace period and
 * taints it (node-lifecycle.ts), the taint eviction controller evicts its pods after their 300 s
 * tolerations (taint-eviction.ts), the ReplicaSet replaces them; healing brings it all back.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { createCluster } from '../index';

type StoredPod = Pod & KObject;

function scenario() {
  const cluster = createCluster({ seed: 1 });
  const run = (cmd: string) => cluster.shell.run(cmd);
  const out = (cmd: string) => run(cmd).stdout;
  run('kubectl create deployment nginx --image=nginx --replicas=3');
  run('kubectl expose deployment nginx --port=80');
  cluster.settle();
  const pods = () =>
    cluster.store
      .list<StoredPod>('Pod', { namespace: 'default' })
      .filter((p) => p.metadata.labels?.app === 'nginx');
  const podsOn = (node: string) =>
    pods()
      .filter((p) => p.spec?.nodeName === node)
      .map((p) => p.metadata.name ?? '');
  /** The nginx EndpointSlice's endpoints: pod name → ready. */
  const endpoints = () =>
    Object.fromEntries(
      cluster.store
        .list<EndpointSlice & KObject>('EndpointSlice', { namespace: 'default' })
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'nginx')
        .flatMap((s) => s.endpoints ?? [])
        .map((e) => [e.targetRef?.name ?? '', e.conditions?.ready]),
    );
  /** `kubectl get nodes` as `name STATUS` lines. */
  const nodes = () =>
    out('kubectl get nodes')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/).slice(0, 2).join(' '));
  /** One section of `kubectl describe node node2`, from its title to the next title. */
  const describe = (title: string) => {
    const text = out('kubectl describe node node2');
    const from = text.indexOf(`${title}:`);
    const rest = text.slice(from).split('\n');
    const end = rest.findIndex((l, i) => i > 0 && /^[A-Z][A-Za-z -]*:/.test(l));
    return rest.slice(0, end).join('\n');
  };
  /** `kubectl get pods` as `name STATUS` lines. */
  const podStatus = () =>
    out('kubectl get pods')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const [name, , status] = l.split(/\s+/);
        return `${name} ${status}`;
      });
  return { cluster, run, out, pods, podsOn, endpoints, nodes, describe, podStatus };
}

describe('node down (playground/fault=down), end to end', () => {
  it('NotReady after the grace period, pods evicted after 300 s, all healed when it comes back', () => {
    const s = scenario();
    const { cluster, run, out } = s;
    const onNode2 = s.podsOn('node2');
    const onNode1 = s.podsOn('node1');
    expect(onNode2.length + onNode1.length).toBe(3);
    expect(onNode2.length).toBeGreaterThan(0);
    const t0 = cluster.now();
    expect(run('kubectl annotate node node2 playground/fault=down').stdout).toBe(
      'node/node2 annotated\n',
    );
    const at = (seconds: number) => cluster.advance(t0 + seconds * 1000 - cluster.now());

    // Within the 40 s grace period nothing shows yet.
    at(39);
    expect(s.nodes()).toEqual(['master Ready', 'node1 Ready', 'node2 Ready']);

    // The kubelet last renewed its lease just before the fault; the monitor saw it at its next
    // 5-second pass, and marks the node 40 s after that, at the first pass past it.
    at(46);
    expect(s.nodes()).toEqual(['master Ready', 'node1 Ready', 'node2 NotReady']);
    const conditions = s.describe('Conditions');
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
      expect(conditions).toMatch(
        new RegExp(
          `^  ${type} +Unknown +Mon, 03 Jun 2024 08:0\\d:\\d\\d \\+0000 +Mon, 03 Jun 2024 08:10:50 \\+0000 +NodeStatusUnknown +Kubelet stopped posting node status\\.$`,
          'm',
        ),
      );
    }
    expect(s.describe('Taints')).toBe(
      'Taints:             node.kubernetes.io/unreachable:NoSchedule',
    );
    // The pods' Ready condition is False, so their endpoints are not ready.
    const eps = s.endpoints();
    for (const p of onNode2) expect(eps[p]).toBe(false);
    for (const p of onNode1) expect(eps[p]).toBe(true);
    const events = out('kubectl get events');
    expect(events).toMatch(
      /Normal +NodeNotReady +node\/node2 +Node node2 status is now: NodeNotReady/,
    );
    for (const p of onNode2) {
      expect(events).toMatch(new RegExp(`Warning +NodeNotReady +pod/${p} +Node is not ready`));
    }

    // The next pass adds the NoExecute taint; the pods tolerate it for 300 s.
    at(51);
    expect(s.describe('Taints')).toBe(
      [
        'Taints:             node.kubernetes.io/unreachable:NoExecute',
        '                    node.kubernetes.io/unreachable:NoSchedule',
      ].join('\n'),
    );
    at(349);
    expect(s.podStatus().filter((l) => l.endsWith('Terminating'))).toEqual([]);

    // 300 s after the taint: evicted. The kubelet is not there to finish them, so they stay
    // Terminating; the ReplicaSet has replaced them on node1.
    at(352);
    const status = s.podStatus();
    for (const p of onNode2) expect(status).toContain(`${p} Terminating`);
    expect(s.podsOn('node1')).toHaveLength(3);
    const evictions = out('kubectl get events');
    for (const p of onNode2) {
      expect(evictions).toMatch(
        new RegExp(`Normal +TaintManagerEviction +pod/${p} +Marking for deletion Pod default/${p}`),
      );
    }
    at(400);
    expect(s.podStatus().filter((l) => l.endsWith('Running'))).toHaveLength(3);
    for (const p of onNode2) expect(s.podStatus()).toContain(`${p} Terminating`);

    // ssh to a machine that is off.
    expect(run('ssh node2')).toEqual({
      stdout: '',
      stderr: 'ssh: connect to host node2 port 22: No route to host\n',
      exitCode: 255,
    });

    // Back up: Ready at once, the taints go (NoExecute at the next monitor pass), the kubelet
    // finishes the Terminating pods.
    expect(run('kubectl annotate node node2 playground/fault-').stdout).toBe(
      'node/node2 annotated\n',
    );
    cluster.settle();
    expect(s.nodes()).toEqual(['master Ready', 'node1 Ready', 'node2 Ready']);
    expect(s.describe('Conditions')).toMatch(
      /^ {2}Ready +True +Mon, 03 Jun 2024 08:16:4\d \+0000 +Mon, 03 Jun 2024 08:16:4\d \+0000 +KubeletReady +kubelet is posting ready status$/m,
    );
    at(410);
    cluster.settle();
    expect(s.describe('Taints')).toBe('Taints:             <none>');
    expect(s.podsOn('node2')).toEqual([]);
    expect(s.podStatus().map((l) => l.split(' ')[1])).toEqual(['Running', 'Running', 'Running']);
    expect(out('kubectl get events')).toMatch(
      /Normal +NodeReady +node\/node2 +Node node2 status is now: NodeReady/,
    );
    expect(run('ssh node2 hostname').stdout).toBe('node2\n');
  });
});
