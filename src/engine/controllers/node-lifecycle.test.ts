import type { Event, Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { newFixture } from '../testing/fixture';
import { startNodeLifecycleController } from './node-lifecycle';
import { startNodeHeartbeats } from './node-status';

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;

function setup() {
  const f = newFixture({ nodeObjects: true });
  startNodeLifecycleController(f.ctx);
  f.settle();
  const node = (n: string) => f.store.get<StoredNode>('Node', undefined, n)!;
  const edit = (n: string, fn: (node: StoredNode) => void) => {
    const copy = deepClone(node(n));
    fn(copy);
    f.store.update(copy, { actor: 'kubectl' });
  };
  return { f, node, edit };
}

describe('node lifecycle controller: NoSchedule taints', () => {
  it('leaves healthy, schedulable nodes alone', () => {
    const { f } = setup();
    expect(f.writes('node-lifecycle-controller')).toEqual([]);
  });

  it('cordon adds node.kubernetes.io/unschedulable after the node’s own taints; uncordon removes it', () => {
    const { f, node, edit } = setup();
    f.advance(5000);
    edit('master', (n) => (n.spec!.unschedulable = true));
    f.settle();
    expect(node('master').spec!.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
        timeAdded: '2024-06-03T08:00:05Z',
      },
    ]);
    edit('master', (n) => delete n.spec!.unschedulable);
    f.settle();
    expect(node('master').spec!.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    expect(f.writes('node-lifecycle-controller')).toEqual([
      'update Node master',
      'update Node master',
    ]);
  });

  it('drops the taints field when the last taint goes', () => {
    const { f, node, edit } = setup();
    edit('node1', (n) => (n.spec!.unschedulable = true));
    f.settle();
    expect(node('node1').spec!.taints).toHaveLength(1);
    edit('node1', (n) => (n.spec!.unschedulable = false));
    f.settle();
    expect(node('node1').spec).not.toHaveProperty('taints');
    expect(node('node1').spec!.unschedulable).toBe(false);
  });

  it('never touches a user’s taints, even with the same key but another effect', () => {
    const { f, node, edit } = setup();
    const mine: Taint[] = [
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoExecute' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    ];
    edit('node2', (n) => (n.spec!.taints = mine));
    f.settle();
    expect(node('node2').spec!.taints).toEqual(mine);
    expect(f.writes('node-lifecycle-controller')).toEqual([]);
  });

  it.each<[string, NodeCondition[], string[]]>([
    ['Ready False', [{ type: 'Ready', status: 'False' }], ['node.kubernetes.io/not-ready']],
    ['Ready Unknown', [{ type: 'Ready', status: 'Unknown' }], ['node.kubernetes.io/unreachable']],
    [
      'memory and pid pressure',
      [
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'True' },
        { type: 'PIDPressure', status: 'True' },
      ],
      ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure'],
    ],
  ])('conditions %s give their NoSchedule taints, gone once healthy', (_, conditions, keys) => {
    const { f, node } = setup();
    const sick = deepClone(node('node1'));
    sick.status!.conditions = conditions;
    f.store.updateStatus(sick, { actor: 'kubelet/node1' });
    f.settle();
    expect((node('node1').spec!.taints ?? []).map((t) => `${t.key}:${t.effect}`)).toEqual(
      keys.map((k) => `${k}:NoSchedule`),
    );
    const well = deepClone(node('node1'));
    well.status!.conditions = [{ type: 'Ready', status: 'True' }];
    f.store.updateStatus(well, { actor: 'kubelet/node1' });
    f.settle();
    expect(node('node1').spec).not.toHaveProperty('taints');
  });
});

const cond = (type: string, status: string, reason: string): NodeCondition => ({
  type,
  status,
  reason,
  message: 'as the kubelet says',
  lastHeartbeatTime: '2024-06-03T08:00:00Z',
  lastTransitionTime: '2024-06-03T08:00:00Z',
});

/** A cluster's nodes with their kubelets' heartbeats and the node lifecycle controller. */
function healthSetup(workers = 2) {
  const f = newFixture({ nodeObjects: true, workers });
  // The conditions a kubelet posts at start (bootstrap.ts), dated at the epoch.
  for (const n of f.store.list<StoredNode>('Node')) {
    const posted = deepClone(n);
    posted.status!.conditions = [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      cond('Ready', 'True', 'KubeletReady'),
    ];
    f.store.updateStatus(posted, { actor: 'fixture' });
  }
  startNodeHeartbeats(f.ctx);
  startNodeLifecycleController(f.ctx);
  f.settle();
  const node = (n: string) => f.store.get<StoredNode>('Node', undefined, n)!;
  const setDown = (n: string, down: boolean) => {
    const copy = deepClone(node(n));
    if (down)
      copy.metadata.annotations = { ...copy.metadata.annotations, 'playground/fault': 'down' };
    else delete copy.metadata.annotations!['playground/fault'];
    f.store.update(copy, { actor: 'kubectl' });
  };
  const ready = (n: string) => node(n).status!.conditions!.find((c) => c.type === 'Ready')!;
  const taints = (n: string) =>
    (node(n).spec!.taints ?? []).map((t) => `${t.key}:${t.effect}@${t.timeAdded ?? ''}`);
  const pod = (name: string, nodeName: string, readyStatus: 'True' | 'False') => {
    const created = f.create<StoredPod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'web', image: 'nginx' }] },
    });
    return f.store.updateStatus<StoredPod>(
      {
        ...created,
        status: {
          phase: 'Running',
          conditions: [
            { type: 'ContainersReady', status: readyStatus },
            { type: 'Ready', status: readyStatus, lastTransitionTime: '2024-06-03T08:00:00Z' },
          ],
        },
      },
      { actor: 'test' },
    );
  };
  const events = () =>
    f.store
      .list<Event & KObject>('Event', { namespace: 'default' })
      .filter((e) => e.source?.component === 'node-controller')
      .map(
        (e) =>
          `${e.type} ${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`,
      );
  return { f, node, setDown, ready, taints, pod, events };
}

describe('node lifecycle controller: monitorNodeHealth', () => {
  it('leaves nodes whose kubelets keep posting alone: no writes in 10 minutes', () => {
    const { f } = healthSetup();
    f.advance(10 * 60_000);
    expect(f.writes('node-lifecycle-controller')).toEqual([]);
  });

  it('a node that stops posting is Unknown after the 40 s grace period, and its pods not ready', () => {
    const { f, node, setDown, ready, pod, events } = healthSetup();
    f.advance(22_000);
    pod('web-1', 'node2', 'True');
    pod('web-2', 'node2', 'False');
    pod('web-3', 'node1', 'True');
    setDown('node2', true);
    // The kubelet last renewed at ~08:00:20; the monitor saw it at its 08:00:25 pass.
    f.advance(25_000 + 40_000 - 22_000 - 1);
    expect(ready('node2').status).toBe('True');
    f.advance(1 + 5_000);
    // Every condition the kubelet owns; lastHeartbeatTime stays the kubelet's last report.
    const unknown = (type: string) => ({
      type,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: '2024-06-03T08:00:00Z',
      lastTransitionTime: '2024-06-03T08:01:10Z',
    });
    expect(node('node2').status!.conditions).toEqual(
      ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map(unknown),
    );
    expect(ready('node1').status).toBe('True');
    const podReady = (name: string) =>
      f.store
        .get<StoredPod>('Pod', 'default', name)!
        .status!.conditions!.map((c) => `${c.type}=${c.status}@${c.lastTransitionTime ?? ''}`);
    expect(podReady('web-1')).toEqual([
      'ContainersReady=True@',
      'Ready=False@2024-06-03T08:01:10Z',
    ]);
    expect(podReady('web-2')).toEqual([
      'ContainersReady=False@',
      'Ready=False@2024-06-03T08:00:00Z',
    ]);
    expect(podReady('web-3')).toEqual(['ContainersReady=True@', 'Ready=True@2024-06-03T08:00:00Z']);
    expect(events()).toEqual([
      'Normal NodeNotReady Node/node2: Node node2 status is now: NodeNotReady',
      'Warning NodeNotReady Pod/web-1: Node is not ready',
    ]);
    expect(f.writes('node-lifecycle-controller')).toEqual([
      'updateStatus Node node2',
      'updateStatus Pod default/web-1',
      'update Node node2',
    ]);
  });

  it('taints it unreachable: NoSchedule at once, NoExecute at the next pass; both go once Ready', () => {
    const { f, setDown, ready, taints } = healthSetup();
    f.advance(22_000);
    setDown('node2', true);
    f.advance(48_000); // 08:01:10, the pass that marks it Unknown
    expect(taints('node2')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@2024-06-03T08:01:10Z',
    ]);
    f.advance(5_000);
    expect(taints('node2')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@2024-06-03T08:01:10Z',
      'node.kubernetes.io/unreachable:NoExecute@2024-06-03T08:01:15Z',
    ]);
    f.advance(60_000);
    expect(
      f.writes('node-lifecycle-controller').filter((w) => w.startsWith('update Node')),
    ).toEqual(['update Node node2', 'update Node node2']);
    f.advance(2_500); // 08:02:17.5
    setDown('node2', false);
    f.settle();
    // The kubelet posts Ready at once; the NoSchedule pass follows the node's conditions.
    expect(ready('node2')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(taints('node2')).toEqual([
      'node.kubernetes.io/unreachable:NoExecute@2024-06-03T08:01:15Z',
    ]);
    f.advance(2_500); // the 08:02:20 pass: markNodeAsReachable
    expect(taints('node2')).toEqual([]);
  });

  it('taints one node per 10 s (--node-eviction-rate 0.1, burst 1)', () => {
    const { f, setDown, taints } = healthSetup(3);
    f.advance(22_000);
    setDown('node1', true);
    setDown('node2', true);
    f.advance(53_000);
    expect(taints('node1')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@2024-06-03T08:01:10Z',
      'node.kubernetes.io/unreachable:NoExecute@2024-06-03T08:01:15Z',
    ]);
    expect(taints('node2')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@2024-06-03T08:01:10Z',
    ]);
    f.advance(10_000);
    expect(taints('node2')).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@2024-06-03T08:01:10Z',
      'node.kubernetes.io/unreachable:NoExecute@2024-06-03T08:01:25Z',
    ]);
  });

  it('taints no node for eviction when every node is down (master disruption mode)', () => {
    const { f, setDown, ready, taints } = healthSetup();
    f.advance(22_000);
    for (const n of ['master', 'node1', 'node2']) setDown(n, true);
    f.advance(5 * 60_000);
    for (const n of ['master', 'node1', 'node2']) {
      expect(ready(n).status).toBe('Unknown');
      expect(taints(n).filter((t) => t.includes(':NoExecute'))).toEqual([]);
    }
    // The control plane comes back: the others get a fresh grace period, then their taints.
    setDown('master', false);
    f.advance(5_000);
    expect(taints('node1').filter((t) => t.includes(':NoExecute'))).toEqual([]);
    f.advance(60_000);
    expect(taints('node1').filter((t) => t.includes(':NoExecute'))).toHaveLength(1);
  });
});
