import { beforeEach, describe, expect, it } from 'vitest';
import { deepClone } from '../api/types';
import type { Fixture } from '../testing/fixture';
import { newFixture } from '../testing/fixture';
import type { ReplicaSetObj } from './deployment/util';
import type { PodObj } from '../testing/workload-helpers';
import {
  eventsFor,
  getReplicaSet,
  isTerminating,
  markPodReady,
  markReady,
  podsOf,
  reapTerminating,
  useGracefulPodDeletion,
} from '../testing/workload-helpers';
import { PODS_PER_SYNC, podFromTemplate, startReplicaSetController } from './replicaset';
import { deepFreeze } from '../api/types';

function replicaSet(name: string, replicas: number, minReadySeconds?: number): ReplicaSetObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      ...(minReadySeconds !== undefined ? { minReadySeconds } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.14' }] },
      },
    },
  };
}

function scaleTo(f: Fixture, name: string, replicas: number): void {
  const copy = deepClone(getReplicaSet(f, name));
  copy.spec!.replicas = replicas;
  f.store.update(copy, { actor: 'kubectl' });
}

function livePods(f: Fixture, name: string): PodObj[] {
  return podsOf(f, name).filter((p) => !isTerminating(p));
}

describe('ReplicaSet controller', () => {
  let f: Fixture;
  beforeEach(() => {
    f = newFixture();
    useGracefulPodDeletion(f);
    startReplicaSetController(f.ctx);
  });

  it('creates pods from the template with generateName, labels and a controller reference', () => {
    const rs = f.create(replicaSet('web-abc', 3));
    f.settle();
    const pods = podsOf(f, 'web-abc');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-abc-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('web-abc-');
      expect(p.metadata.labels).toEqual({ app: 'web', tier: 'front' });
      expect(p.metadata.annotations).toEqual({ note: 'x' });
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-abc',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(p.spec?.containers.map((c) => [c.name, c.image])).toEqual([['web', 'nginx:1.14']]);
    }
    expect(eventsFor(f, 'ReplicaSet', 'web-abc')).toEqual(
      pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`),
    );
    expect(getReplicaSet(f, 'web-abc').status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      observedGeneration: 1,
    });
  });

  it('creates at most PODS_PER_SYNC pods per sync and requeues itself, in the same instant', () => {
    f.create(replicaSet('web-big', 250));
    const start = f.ctx.clock.now();
    // Up to the first sync, which creates the first batch.
    while (podsOf(f, 'web-big').length === 0) f.ctx.loop.step();
    expect(podsOf(f, 'web-big')).toHaveLength(PODS_PER_SYNC);
    // Status counts the pods the sync started from, as upstream's calculateStatus does.
    expect(getReplicaSet(f, 'web-big').status?.replicas ?? 0).toBe(0);
    f.ctx.loop.advance(0);
    expect(podsOf(f, 'web-big')).toHaveLength(250);
    expect(getReplicaSet(f, 'web-big').status?.replicas).toBe(250);
    expect(f.ctx.clock.now()).toBe(start);
    scaleTo(f, 'web-big', 20);
    while (livePods(f, 'web-big').length === 250) f.ctx.loop.step();
    expect(livePods(f, 'web-big')).toHaveLength(250 - PODS_PER_SYNC);
    f.ctx.loop.advance(0);
    expect(livePods(f, 'web-big')).toHaveLength(20);
  });

  it('counts ready and available pods', () => {
    f.create(replicaSet('web-abc', 2));
    f.settle();
    markReady(f, 'web-abc');
    f.settle();
    expect(getReplicaSet(f, 'web-abc').status).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
  });

  it('waits minReadySeconds before counting a ready pod available, then re-checks on time', () => {
    f.create(replicaSet('web-abc', 2, 10));
    f.settle();
    markReady(f, 'web-abc');
    f.settle(); // the availability re-check is a timer: settle runs it
    const status = getReplicaSet(f, 'web-abc').status;
    expect(status?.readyReplicas).toBe(2);
    expect(status?.availableReplicas).toBe(2);
  });

  it('is not available before minReadySeconds have strictly passed', () => {
    f.create(replicaSet('web-abc', 1, 10));
    f.settle();
    markReady(f, 'web-abc');
    f.advance(10_000);
    expect(getReplicaSet(f, 'web-abc').status?.availableReplicas).toBeUndefined();
    f.advance(1);
    expect(getReplicaSet(f, 'web-abc').status?.availableReplicas).toBe(1);
  });

  it('deletes surplus pods in ActivePodsWithRanks order and does not count Terminating ones', () => {
    f.create(replicaSet('web-abc', 4));
    f.settle();
    const [a, b, c, d] = podsOf(f, 'web-abc') as [PodObj, PodObj, PodObj, PodObj];
    // a: unscheduled; b: scheduled, Pending; c: Running not ready; d: Running and ready.
    const bind = (p: PodObj, node: string): void => {
      const copy = deepClone(p);
      copy.spec!.nodeName = node;
      f.store.update(copy, { actor: 'scheduler' });
    };
    for (const [p, node] of [
      [b, 'node1'],
      [c, 'node1'],
      [d, 'node2'],
    ] as const)
      bind(p, node);
    f.store.updateStatus(
      { ...f.store.get<PodObj>('Pod', 'default', b.metadata.name!)!, status: { phase: 'Pending' } },
      { actor: 'test-kubelet' },
    );
    f.store.updateStatus(
      {
        ...f.store.get<PodObj>('Pod', 'default', c.metadata.name!)!,
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
      },
      { actor: 'test-kubelet' },
    );
    markPodReady(f, f.store.get<PodObj>('Pod', 'default', d.metadata.name!)!);
    f.settle();

    scaleTo(f, 'web-abc', 1);
    f.settle();
    const deletes = eventsFor(f, 'ReplicaSet', 'web-abc').filter((e) =>
      e.startsWith('SuccessfulDelete'),
    );
    expect(deletes).toEqual(
      [a, b, c].map((p) => `SuccessfulDelete: Deleted pod: ${p.metadata.name}`),
    );
    expect(livePods(f, 'web-abc').map((p) => p.metadata.name)).toEqual([d.metadata.name]);
    // Terminating pods are still there, but not counted.
    expect(podsOf(f, 'web-abc').filter(isTerminating)).toHaveLength(3);
    expect(getReplicaSet(f, 'web-abc').status?.replicas).toBe(1);
    expect(reapTerminating(f)).toBe(3);
    f.settle();
    expect(podsOf(f, 'web-abc')).toHaveLength(1);
  });

  it('replaces a deleted pod at once, while the old one is still Terminating', () => {
    f.create(replicaSet('web-abc', 2));
    f.settle();
    const victim = podsOf(f, 'web-abc')[0]!;
    f.store.delete('Pod', 'default', victim.metadata.name!, { actor: 'kubectl' });
    f.settle();
    expect(livePods(f, 'web-abc')).toHaveLength(2);
    expect(podsOf(f, 'web-abc')).toHaveLength(3);
  });

  it('releases a relabelled pod and replaces it; adopts it back when it matches again', () => {
    f.create(replicaSet('web-abc', 2));
    f.settle();
    const p = podsOf(f, 'web-abc')[0]!;
    const relabel = (app: string): void => {
      const copy = deepClone(f.store.get<PodObj>('Pod', 'default', p.metadata.name!)!);
      copy.metadata.labels = { ...copy.metadata.labels, app };
      f.store.update(copy, { actor: 'kubectl' });
    };
    relabel('debug');
    f.settle();
    expect(
      f.store.get<PodObj>('Pod', 'default', p.metadata.name!)?.metadata.ownerReferences,
    ).toBeUndefined();
    expect(livePods(f, 'web-abc')).toHaveLength(2);
    expect(livePods(f, 'web-abc').map((x) => x.metadata.name)).not.toContain(p.metadata.name);

    relabel('web');
    f.settle();
    expect(
      f.store.get<PodObj>('Pod', 'default', p.metadata.name!)?.metadata.ownerReferences?.[0]?.name,
    ).toBe('web-abc');
    expect(livePods(f, 'web-abc')).toHaveLength(2);
    expect(getReplicaSet(f, 'web-abc').status?.replicas).toBe(2);
  });

  it('scales to zero and updates observedGeneration', () => {
    f.create(replicaSet('web-abc', 2));
    f.settle();
    scaleTo(f, 'web-abc', 0);
    f.settle();
    reapTerminating(f);
    f.settle();
    expect(podsOf(f, 'web-abc')).toEqual([]);
    expect(getReplicaSet(f, 'web-abc').status).toEqual({ replicas: 0, observedGeneration: 2 });
  });
});

describe('podFromTemplate', () => {
  it('shares a stored template’s frozen labels, annotations and owner references', () => {
    const rs = deepFreeze({
      ...replicaSet('web', 2),
      metadata: { ...replicaSet('web', 2).metadata, uid: 'u1' },
    });
    const a = podFromTemplate(rs);
    const b = podFromTemplate(rs);
    expect(a.metadata.labels).toBe(rs.spec?.template?.metadata?.labels);
    expect(a.metadata.annotations).toBe(rs.spec?.template?.metadata?.annotations);
    expect(a.metadata.ownerReferences).toBe(b.metadata.ownerReferences);
    expect(Object.isFrozen(a.metadata.ownerReferences)).toBe(true);
    expect(a.metadata).toEqual({
      generateName: 'web-',
      namespace: 'default',
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: 'u1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      labels: { app: 'web', tier: 'front' },
      annotations: { note: 'x' },
    });
  });

  it('copies them from a template that is not stored (not frozen)', () => {
    const rs = replicaSet('web', 2);
    const a = podFromTemplate(rs);
    expect(a.metadata.labels).not.toBe(rs.spec?.template?.metadata?.labels);
    expect(a.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(Object.isFrozen(a.metadata.ownerReferences)).toBe(false);
  });
});
