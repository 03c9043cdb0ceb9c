import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Event, Node, NodeCondition } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { newFixture } from '../testing/fixture';
import { parseTimestamp } from '../sim/clock';
import { startGarbageCollector } from './garbage-collector';
import { startNodeHeartbeats } from './node-status';

type StoredLease = Lease & KObject;
type StoredNode = Node & KObject;

function setup() {
  const f = newFixture({ nodeObjects: true });
  startNodeHeartbeats(f.ctx);
  const lease = (n: string) => f.store.get<StoredLease>('Lease', 'kube-node-lease', n);
  const node = (n: string) => f.store.get<StoredNode>('Node', undefined, n)!;
  return { f, lease, node };
}

describe('kubelet heartbeats: the node lease', () => {
  it('each node gets its Lease at once: held by the node, 40 s, owned by the Node', () => {
    const { f, lease, node } = setup();
    f.settle();
    expect(f.store.list('Lease').map((l) => l.metadata.name)).toEqual(['master', 'node1', 'node2']);
    const l = lease('node1')!;
    expect(l.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node1', uid: node('node1').metadata.uid },
    ]);
    expect(l.spec).toEqual({
      holderIdentity: 'node1',
      leaseDurationSeconds: 40,
      renewTime: expect.stringMatching(/^2024-06-03T08:00:00\.000\d{3}Z$/),
    });
    expect(f.writes('kubelet/node1')).toEqual(['create Lease kube-node-lease/node1']);
  });

  it('renews it every 10 s (plus up to 4 % jitter) without keeping settle() busy', () => {
    const { f, lease } = setup();
    f.settle();
    const renewals: number[] = [];
    for (let i = 0; i < 60; i++) {
      f.advance(1000);
      const t = parseTimestamp(lease('node2')!.spec!.renewTime!);
      if (renewals[renewals.length - 1] !== t) renewals.push(t);
      f.settle(); // returns at once: only background timers are pending
    }
    const gaps = renewals.slice(1).map((t, i) => t - renewals[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(10_000);
      expect(g).toBeLessThan(10_400 + 1);
    }
    expect(
      f.writes('kubelet/node2').filter((w) => w === 'update Lease kube-node-lease/node2'),
    ).toHaveLength(gaps.length);
  });

  it('stops with its node; the garbage collector removes the Lease', () => {
    const { f, lease } = setup();
    startGarbageCollector(f.ctx);
    f.settle();
    f.store.delete('Node', undefined, 'node2', { actor: 'kubectl' });
    f.settle();
    f.advance(30_000);
    expect(lease('node2')).toBeUndefined();
    expect(f.writes('kubelet/node2')).toEqual(['create Lease kube-node-lease/node2']);
  });
});

describe('kubelet heartbeats: node status', () => {
  it('reports status again every 5 minutes: lastHeartbeatTime advances, transitions stay', () => {
    const { f, node } = setup();
    const withTimes = deepClone(node('node1'));
    withTimes.status!.conditions = [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: '2024-06-03T08:00:00Z',
        lastTransitionTime: '2024-06-03T08:00:00Z',
      },
    ];
    f.store.updateStatus(withTimes, { actor: 'test' });
    f.settle();
    f.advance(4 * 60_000 + 50_000);
    expect(node('node1').status!.conditions![0]!.lastHeartbeatTime).toBe('2024-06-03T08:00:00Z');
    f.advance(60_000);
    const ready = node('node1').status!.conditions![0]!;
    // The first 10-second tick at or after 08:05:00.
    expect(ready.lastHeartbeatTime).toMatch(/^2024-06-03T08:05:(0\d|1[0-1])Z$/);
    expect(ready.lastTransitionTime).toBe('2024-06-03T08:00:00Z');
    expect(ready.reason).toBe('KubeletReady');
    const statusWrites = () =>
      f.writes('kubelet/node1').filter((w) => w === 'updateStatus Node node1').length;
    expect(statusWrites()).toBe(1);
    f.advance(5 * 60_000);
    expect(statusWrites()).toBe(2);
  });

  it('records NodeNotSchedulable / NodeSchedulable at the first sync after a cordon change', () => {
    const { f, node } = setup();
    f.settle();
    const cordon = (v: boolean) => {
      const n = deepClone(node('node1'));
      n.spec = { ...n.spec, unschedulable: v };
      f.store.update(n, { actor: 'kubectl' });
    };
    cordon(true);
    f.advance(11_000);
    cordon(false);
    f.advance(11_000);
    const events = f.store.list<Event & KObject>('Event', { namespace: 'default' });
    expect(
      events.map((e) => [
        e.reason,
        e.message,
        e.source,
        e.involvedObject.kind,
        e.involvedObject.name,
        e.involvedObject.uid,
      ]),
    ).toEqual([
      [
        'NodeNotSchedulable',
        'Node node1 status is now: NodeNotSchedulable',
        { component: 'kubelet', host: 'node1' },
        'Node',
        'node1',
        'node1',
      ],
      [
        'NodeSchedulable',
        'Node node1 status is now: NodeSchedulable',
        { component: 'kubelet', host: 'node1' },
        'Node',
        'node1',
        'node1',
      ],
    ]);
  });
});

describe('kubelet heartbeats: the node is down (playground/fault=down)', () => {
  const annotate = (f: ReturnType<typeof setup>['f'], name: string, down: boolean) => {
    const n = deepClone(f.store.get<StoredNode>('Node', undefined, name)!);
    if (down) n.metadata.annotations = { ...n.metadata.annotations, 'playground/fault': 'down' };
    else delete n.metadata.annotations!['playground/fault'];
    f.store.update(n, { actor: 'kubectl' });
  };
  /** The conditions the node lifecycle controller leaves once the kubelet stopped posting. */
  const unknown = (type: string): NodeCondition => ({
    type,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    lastHeartbeatTime: '2024-06-03T08:00:00Z',
    lastTransitionTime: '2024-06-03T08:00:50Z',
  });
  const kubeletEvents = (f: ReturnType<typeof setup>['f']) =>
    f.store
      .list<Event & KObject>('Event', { namespace: 'default' })
      .map((e) => [e.reason, e.message, e.source?.component, e.involvedObject.uid]);

  it('posts nothing while down: no lease renewals, no status reports', () => {
    const { f, lease } = setup();
    f.settle();
    annotate(f, 'node2', true);
    const renewed = lease('node2')!.spec!.renewTime;
    f.advance(6 * 60_000);
    expect(lease('node2')!.spec!.renewTime).toBe(renewed);
    expect(f.writes('kubelet/node2')).toEqual(['create Lease kube-node-lease/node2']);
    // The other kubelets carry on.
    expect(f.writes('kubelet/node1')).toContain('updateStatus Node node1');
  });

  it('is back at once when the fault goes: lease renewed, conditions posted, one event each', () => {
    const { f, lease, node } = setup();
    f.settle();
    annotate(f, 'node2', true);
    f.advance(60_000);
    const sick = deepClone(node('node2'));
    sick.status!.conditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map(
      unknown,
    );
    f.store.updateStatus(sick, { actor: 'node-lifecycle-controller' });
    f.advance(30_500);
    annotate(f, 'node2', false);
    f.settle();
    expect(lease('node2')!.spec!.renewTime).toMatch(/^2024-06-03T08:01:30\.500\d{3}Z$/);
    const at = '2024-06-03T08:01:30Z';
    const back = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: at,
      lastTransitionTime: at,
    });
    expect(node('node2').status!.conditions).toEqual([
      back(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
      ),
      back('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      back(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'kubelet has sufficient PID available',
      ),
      back('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ]);
    // (The setters record their events while building the status, so those come first.)
    expect(f.writes('kubelet/node2').filter((w) => !w.startsWith('create Event'))).toEqual([
      'create Lease kube-node-lease/node2',
      'update Lease kube-node-lease/node2',
      'updateStatus Node node2',
    ]);
    expect(kubeletEvents(f)).toEqual(
      ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady'].map(
        (r) => [r, `Node node2 status is now: ${r}`, 'kubelet', 'node2'],
      ),
    );
    // Then the usual rhythm: the next renewal 10 s (plus jitter) later.
    f.advance(10_500);
    expect(
      f.writes('kubelet/node2').filter((w) => w === 'update Lease kube-node-lease/node2'),
    ).toHaveLength(2);
  });

  it('a short outage (still Ready) only renews the lease: no status write, no event', () => {
    const { f, lease } = setup();
    f.settle();
    annotate(f, 'node2', true);
    f.advance(25_000);
    annotate(f, 'node2', false);
    f.settle();
    expect(lease('node2')!.spec!.renewTime).toMatch(/^2024-06-03T08:00:25\.000\d{3}Z$/);
    expect(f.writes('kubelet/node2')).toEqual([
      'create Lease kube-node-lease/node2',
      'update Lease kube-node-lease/node2',
    ]);
    expect(kubeletEvents(f)).toEqual([]);
  });
});
