import type { Event, Node, Pod, PodCondition } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { deepClone } from '../../api/types';
import { nodeObject } from '../../bootstrap';
import type { Fixture, FixtureOptions } from '../../testing/fixture';
import { newFixture } from '../../testing/fixture';
import { startScheduler } from './scheduler';

type PodObj = Pod & KObject;

const TAINT_REASON = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

function setup(opts: FixtureOptions = {}) {
  const f = newFixture({ nodeObjects: true, ...opts });
  const sched = startScheduler(f.ctx);
  return { f, sched };
}

interface PodOpts {
  cpu?: string;
  memory?: string;
  owner?: string;
  nodeName?: string;
  spec?: Partial<Pod['spec']>;
}

function pod(name: string, o: PodOpts = {}): PodObj {
  const requests = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: 'web',
                uid: o.owner,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ...(o.cpu || o.memory ? { resources: { requests } } : {}),
        },
      ],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...o.spec,
    },
  };
}

const getPod = (f: Fixture, name: string): PodObj =>
  f.store.get<PodObj>('Pod', 'default', name) as PodObj;

const scheduledCondition = (p: PodObj): PodCondition | undefined =>
  p.status?.conditions?.find((c) => c.type === 'PodScheduled');

function events(f: Fixture, name: string, reason?: string): Array<Event & KObject> {
  return f.store
    .list<Event & KObject>('Event')
    .filter((e) => e.involvedObject.name === name && (!reason || e.reason === reason));
}

function addNode(f: Fixture, name: string, cpu: string, extra: Partial<Node['spec']> = {}): void {
  const created = f.store.create(
    {
      ...nodeObject({
        name,
        role: 'worker',
        ip: '192.168.100.99',
        podCIDR: '10.244.9.0/24',
        cpu,
        memory: '4Gi',
        pods: 110,
      }),
      spec: { podCIDR: '10.244.9.0/24', ...extra },
    },
    { actor: 'test' },
  );
  f.store.updateStatus(
    {
      ...created,
      status: {
        allocatable: { cpu, memory: '4Gi', pods: '110' },
        capacity: { cpu, memory: '4Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    { actor: 'test' },
  );
}

function setUnschedulable(f: Fixture, name: string, value: boolean): void {
  const n = deepClone(f.store.get<Node & KObject>('Node', undefined, name)!);
  n.spec = { ...n.spec, unschedulable: value };
  f.store.update(n, { actor: 'test' });
}

describe('scheduler: binding', () => {
  it('binds a pod to a worker, sets PodScheduled and records Scheduled', () => {
    const { f } = setup();
    f.create(pod('nginx'));
    f.settle();
    const p = getPod(f, 'nginx');
    expect(['node1', 'node2']).toContain(p.spec?.nodeName);
    const cond = scheduledCondition(p);
    expect([cond?.status, cond?.reason, cond?.lastTransitionTime]).toEqual([
      'True',
      undefined,
      '2024-06-03T08:00:00Z',
    ]);
    const ev = events(f, 'nginx', 'Scheduled');
    expect(ev.map((e) => [e.type, e.message, e.source?.component])).toEqual([
      ['Normal', `Successfully assigned default/nginx to ${p.spec?.nodeName}`, 'default-scheduler'],
    ]);
    // One write for the binding (spec.nodeName and PodScheduled together), then the event.
    expect(f.writes('default-scheduler')).toEqual([
      'update Pod default/nginx',
      `create Event default/${ev[0]?.metadata.name}`,
    ]);
  });

  it('leaves bound pods and pods for another scheduler alone', () => {
    const { f } = setup();
    f.create(pod('static', { nodeName: 'master' }));
    f.create(pod('other', { spec: { schedulerName: 'my-scheduler' } }));
    f.settle();
    expect(f.writes('default-scheduler')).toEqual([]);
    expect(getPod(f, 'other').spec?.nodeName).toBe(undefined);
  });

  it('keeps a gated pod pending with SchedulingGated', () => {
    const { f } = setup();
    f.create(pod('gated', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } }));
    f.settle();
    const cond = scheduledCondition(getPod(f, 'gated'));
    expect([cond?.status, cond?.reason, cond?.message]).toEqual([
      'False',
      'SchedulingGated',
      'Scheduling is blocked due to non-empty scheduling gates',
    ]);
    const p = deepClone(getPod(f, 'gated'));
    delete p.spec!.schedulingGates;
    f.store.update(p, { actor: 'test' });
    f.settle();
    expect(getPod(f, 'gated').spec?.nodeName).toMatch(/^node[12]$/);
  });
});

describe('scheduler: FailedScheduling', () => {
  const TOO_BIG =
    `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu. ` +
    'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, ' +
    '2 No preemption victims found for incoming pod.';

  it('reports the exact kube-scheduler message for a pod bigger than every worker', () => {
    const { f, sched } = setup();
    f.create(pod('big', { cpu: '3' }));
    f.settle();
    const p = getPod(f, 'big');
    expect(p.spec?.nodeName).toBe(undefined);
    const cond = scheduledCondition(p);
    expect([cond?.status, cond?.reason, cond?.message]).toEqual([
      'False',
      'Unschedulable',
      TOO_BIG,
    ]);
    const ev = events(f, 'big', 'FailedScheduling');
    expect(ev.map((e) => [e.type, e.message, e.source?.component, e.count])).toEqual([
      ['Warning', TOO_BIG, 'default-scheduler', 1],
    ]);
    expect(sched.unschedulablePods()).toEqual(['default/big']);
  });

  it('aggregates several reasons per node and sorts them', () => {
    const { f } = setup();
    setUnschedulable(f, 'node1', true);
    f.create(pod('huge', { cpu: '3', memory: '8Gi' }));
    f.settle();
    expect(scheduledCondition(getPod(f, 'huge'))?.message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, ' +
        `1 ${TAINT_REASON}, 1 node(s) were unschedulable. ` +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, ' +
        '2 Preemption is not helpful for scheduling.',
    );
  });

  it('says "no nodes available" when the cluster has no nodes', () => {
    const { f } = setup({ nodeObjects: false });
    f.create(pod('lonely'));
    f.settle();
    expect(events(f, 'lonely', 'FailedScheduling').map((e) => e.message)).toEqual([
      'no nodes available to schedule pods',
    ]);
  });

  it('reports the PreFilter result for a pod pinned to one node', () => {
    const { f } = setup();
    f.create(pod('filler', { cpu: '1500m', nodeName: 'node1' }));
    f.create(
      pod('pinned', {
        cpu: '1',
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] },
                ],
              },
            },
          },
        },
      }),
    );
    f.settle();
    expect(scheduledCondition(getPod(f, 'pinned'))?.message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 2 node is filtered out by the prefilter result. ' +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, ' +
        '2 Preemption is not helpful for scheduling.',
    );
  });

  it('retries when a node is added, after the back-off', () => {
    const { f, sched } = setup();
    f.create(pod('big', { cpu: '3' }));
    f.settle();
    const failedAt = f.ctx.clock.now();
    addNode(f, 'node3', '4');
    f.settle();
    const p = getPod(f, 'big');
    expect(p.spec?.nodeName).toBe('node3');
    expect(f.ctx.clock.now() - failedAt).toBe(1000);
    expect(sched.unschedulablePods()).toEqual([]);
    expect(f.ctx.scheduling.getSchedulingDecision(p.metadata.uid ?? '')?.attempt).toBe(2);
  });

  it('retries when a bound pod is deleted and frees room', () => {
    const { f } = setup();
    f.create(pod('a', { cpu: '1500m', nodeName: 'node1' }));
    f.create(pod('b', { cpu: '1500m', nodeName: 'node2' }));
    f.create(pod('c', { cpu: '1' }));
    f.advance(5000);
    expect(getPod(f, 'c').spec?.nodeName).toBe(undefined);
    f.store.delete('Pod', 'default', 'b', { actor: 'test', gracePeriodSeconds: 0 });
    f.settle();
    expect(getPod(f, 'c').spec?.nodeName).toBe('node2');
  });

  it('retries a pod left unschedulable for 5 minutes even without events', () => {
    const { f } = setup();
    f.create(pod('big', { cpu: '3' }));
    f.settle();
    f.advance(4 * 60_000);
    expect(events(f, 'big', 'FailedScheduling')[0]?.count).toBe(1);
    f.advance(90_000);
    expect(events(f, 'big', 'FailedScheduling')[0]?.count).toBe(2);
  });

  it('uncordoning a node lets a pending pod in', () => {
    const { f } = setup();
    setUnschedulable(f, 'node1', true);
    setUnschedulable(f, 'node2', true);
    f.create(pod('web'));
    f.settle();
    expect(scheduledCondition(getPod(f, 'web'))?.message).toBe(
      `0/3 nodes are available: 1 ${TAINT_REASON}, 2 node(s) were unschedulable. ` +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    setUnschedulable(f, 'node2', false);
    f.settle();
    expect(getPod(f, 'web').spec?.nodeName).toBe('node2');
    expect(scheduledCondition(getPod(f, 'web'))?.status).toBe('True');
  });
});

describe('scheduler: scoring', () => {
  it('spreads 6 replicas of one owner 3/3 over the two workers', () => {
    const { f } = setup();
    for (let i = 0; i < 6; i++) f.create(pod(`web-${i}`, { owner: 'rs-uid' }));
    f.settle();
    const counts: Record<string, number> = {};
    for (let i = 0; i < 6; i++) {
      const n = getPod(f, `web-${i}`).spec?.nodeName ?? 'none';
      counts[n] = (counts[n] ?? 0) + 1;
    }
    expect(counts).toEqual({ node1: 3, node2: 3 });
  });

  it('prefers the node with more free resources', () => {
    const { f } = setup();
    f.create(pod('hog', { cpu: '1', memory: '2Gi', nodeName: 'node1' }));
    f.create(pod('web', { cpu: '100m' }));
    f.settle();
    expect(getPod(f, 'web').spec?.nodeName).toBe('node2');
  });

  it('honours preferred node affinity and avoids PreferNoSchedule taints', () => {
    const { f } = setup();
    const n2 = deepClone(f.store.get<Node & KObject>('Node', undefined, 'node2')!);
    n2.metadata.labels = { ...n2.metadata.labels, disktype: 'ssd' };
    f.store.update(n2, { actor: 'test' });
    f.create(
      pod('likes-ssd', {
        spec: {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 50,
                  preference: {
                    matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }],
                  },
                },
              ],
            },
          },
        },
      }),
    );
    f.settle();
    const liked = getPod(f, 'likes-ssd');
    expect(liked.spec?.nodeName).toBe('node2');
    const d = f.ctx.scheduling.getSchedulingDecision(liked.metadata.uid ?? '');
    expect(d?.scores.map((x) => [x.node, x.scores.NodeAffinity])).toEqual([
      ['node1', 0],
      ['node2', 100],
    ]);

    const n1 = deepClone(f.store.get<Node & KObject>('Node', undefined, 'node1')!);
    n1.spec = { ...n1.spec, taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] };
    f.store.update(n1, { actor: 'test' });
    f.create(pod('plain'));
    f.settle();
    const plain = getPod(f, 'plain');
    const dp = f.ctx.scheduling.getSchedulingDecision(plain.metadata.uid ?? '');
    expect(dp?.scores.map((x) => [x.node, x.scores.TaintToleration])).toEqual([
      ['node1', 0],
      ['node2', 100],
    ]);
    expect(plain.spec?.nodeName).toBe('node2');
  });

  it('records filters and scores per node for the UI', () => {
    const { f } = setup();
    f.create(pod('hog', { cpu: '1', memory: '1Gi', nodeName: 'node1' }));
    f.create(pod('web', { owner: 'rs-uid' }));
    f.settle();
    const d = f.ctx.scheduling.getSchedulingDecision(getPod(f, 'web').metadata.uid ?? '');
    expect(d?.nodes).toEqual([
      { node: 'master', passed: false, plugin: 'TaintToleration', reasons: [TAINT_REASON] },
      { node: 'node1', passed: true },
      { node: 'node2', passed: true },
    ]);
    // node1: cpu (2000-1100)*100/2000 = 45, memory (4096-1224)*100/4096 = 70 → 57.
    // node2: cpu (2000-100)*100/2000 = 95, memory (4096-200)*100/4096 = 95 → 95.
    // BalancedAllocation (real requests): node1 |0.5 − 0.25| / 2 → 87; node2 → 100.
    expect(d?.scores).toEqual([
      {
        node: 'node1',
        scores: {
          TaintToleration: 100,
          NodeResourcesFit: 57,
          PodTopologySpread: 100,
          NodeResourcesBalancedAllocation: 87,
        },
        total: 300 + 57 + 200 + 87,
      },
      {
        node: 'node2',
        scores: {
          TaintToleration: 100,
          NodeResourcesFit: 95,
          PodTopologySpread: 100,
          NodeResourcesBalancedAllocation: 100,
        },
        total: 300 + 95 + 200 + 100,
      },
    ]);
    expect(d?.selectedNode).toBe('node2');
    expect([d?.pod, d?.attempt]).toEqual(['default/web', 1]);
  });

  it('breaks ties with the seeded rng: same seed, same placements; seeds differ', () => {
    const placements = (seed: number): string => {
      const { f } = setup({ seed });
      for (let i = 0; i < 8; i++) f.create(pod(`p${i}`));
      f.settle();
      return Array.from({ length: 8 }, (_, i) => getPod(f, `p${i}`).spec?.nodeName).join(',');
    };
    const first = placements(1);
    expect(placements(1)).toBe(first);
    const all = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(placements));
    expect(all.size).toBeGreaterThan(1);
    // Least-allocated scoring keeps the workers level whatever the tie-breaks.
    for (const p of all) expect(p.split(',').filter((n) => n === 'node1')).toHaveLength(4);
  });
});

describe('scheduler: preemption', () => {
  it('evicts lower-priority pods and nominates the node', () => {
    const { f } = setup();
    f.create(pod('low1', { cpu: '1500m', nodeName: 'node1' }));
    f.create(pod('low2', { cpu: '1', nodeName: 'node2' }));
    f.create(pod('vip', { cpu: '1500m', spec: { priorityClassName: 'system-cluster-critical' } }));
    f.settle();
    const vip = getPod(f, 'vip');
    // Both workers offer one priority-0 victim: the first candidate in node order wins.
    expect(vip.status?.nominatedNodeName).toBe('node1');
    expect(scheduledCondition(vip)?.message).toBe(
      `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu.`,
    );
    const victim = getPod(f, 'low1');
    expect(victim.metadata.deletionTimestamp).toBe('2024-06-03T08:00:30Z');
    const disruption = victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    expect([disruption?.reason, disruption?.message]).toEqual([
      'PreemptionByScheduler',
      'default-scheduler: preempting to accommodate a higher priority pod',
    ]);
    expect(events(f, 'low1', 'Preempted').map((e) => e.message)).toEqual([
      `Preempted by pod ${vip.metadata.uid} on node node1`,
    ]);
    // While the victim terminates, a retry (here: the pod is relabelled) does not preempt again.
    const relabelled = deepClone(vip);
    relabelled.metadata.labels = { tier: 'gold' };
    f.store.update(relabelled, { actor: 'test' });
    f.settle();
    expect(scheduledCondition(getPod(f, 'vip'))?.message).toBe(
      `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu. ` +
        'preemption: not eligible due to a terminating pod on the nominated node.',
    );
    expect(getPod(f, 'low2').metadata.deletionTimestamp).toBe(undefined);
    // The kubelet would remove the victim after its grace period.
    f.store.delete('Pod', 'default', 'low1', { actor: 'test', gracePeriodSeconds: 0 });
    f.settle();
    expect(getPod(f, 'vip').spec?.nodeName).toBe('node1');
    expect(getPod(f, 'vip').status?.nominatedNodeName).toBe(undefined);
  });

  it('does not preempt with preemptionPolicy Never', () => {
    const { f } = setup();
    f.create(pod('low', { cpu: '1500m', nodeName: 'node1' }));
    f.create(pod('low-b', { cpu: '1500m', nodeName: 'node2' }));
    f.create(
      pod('polite', {
        cpu: '1',
        spec: { priorityClassName: 'system-cluster-critical', preemptionPolicy: 'Never' },
      }),
    );
    f.settle();
    expect(scheduledCondition(getPod(f, 'polite'))?.message).toBe(
      `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu. ` +
        'preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
