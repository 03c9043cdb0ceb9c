import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Event, Node, Pod, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { nodeObject } from '../bootstrap';
import type { Fixture } from '../testing/fixture';
import { newFixture } from '../testing/fixture';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  daemonPodTolerations,
  POD_TEMPLATE_GENERATION_LABEL,
  replaceNodeNameAffinity,
  startDaemonSetController,
} from './daemonset';
import { startScheduler } from './scheduler/scheduler';

type DsObj = DaemonSet & KObject;
type PodObj = Pod & KObject;

function daemonSet(
  name: string,
  spec: Partial<NonNullable<DaemonSet['spec']>> = {},
  tolerations?: Toleration[],
): DsObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image: 'registry.k8s.io/kube-proxy:v1.30.2' }],
          ...(tolerations ? { tolerations } : {}),
        },
      },
      ...spec,
    },
  };
}

function setup() {
  const f = newFixture({ nodeObjects: true });
  startDaemonSetController(f.ctx);
  startScheduler(f.ctx);
  return f;
}

const dsPods = (f: Fixture, name: string): PodObj[] =>
  f.store
    .list<PodObj>('Pod', { namespace: 'kube-system' })
    .filter((p) => p.metadata.ownerReferences?.[0]?.name === name);

const podsByNode = (f: Fixture, name: string): Record<string, string> =>
  Object.fromEntries(
    dsPods(f, name)
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => [p.spec?.nodeName ?? '<none>', p.metadata.name ?? '']),
  );

const getDs = (f: Fixture, name: string): DsObj =>
  f.store.get<DsObj>('DaemonSet', 'kube-system', name) as DsObj;

function dsEvents(f: Fixture, name: string): string[] {
  return f.store
    .list<Event & KObject>('Event', { namespace: 'kube-system' })
    .filter((e) => e.involvedObject.kind === 'DaemonSet' && e.involvedObject.name === name)
    .map((e) => `${e.reason}: ${e.message}`);
}

function addNode(f: Fixture, name: string, labels: Record<string, string> = {}): void {
  const n = nodeObject({
    name,
    role: 'worker',
    ip: '192.168.100.20',
    podCIDR: '10.244.5.0/24',
    cpu: '2',
    memory: '4Gi',
    pods: 110,
  });
  n.metadata.labels = { ...n.metadata.labels, ...labels };
  const created = f.store.create(n, { actor: 'test' });
  f.store.updateStatus(
    {
      ...created,
      status: {
        allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    { actor: 'test' },
  );
}

function setNodeLabels(f: Fixture, name: string, labels: Record<string, string>): void {
  const n = deepClone(f.store.get<Node & KObject>('Node', undefined, name)!);
  n.metadata.labels = { ...n.metadata.labels, ...labels };
  f.store.update(n, { actor: 'test' });
}

/** What the kubelet would do: report every live pod Running and Ready. */
function markReady(f: Fixture): void {
  for (const p of f.store.list<PodObj>('Pod', { namespace: 'kube-system' })) {
    if (p.metadata.deletionTimestamp || !p.spec?.nodeName) continue;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    f.store.updateStatus(
      {
        ...p,
        status: {
          ...p.status,
          phase: 'Running',
          conditions: [
            ...(p.status?.conditions ?? []),
            { type: 'Ready', status: 'True', lastTransitionTime: '2024-06-03T08:00:00Z' },
          ],
        },
      },
      { actor: 'kubelet' },
    );
  }
}

/** What the kubelet would do at the end of a grace period. */
function finishTerminating(f: Fixture): void {
  for (const p of f.store.list<PodObj>('Pod', { namespace: 'kube-system' }))
    if (p.metadata.deletionTimestamp)
      f.store.delete('Pod', 'kube-system', p.metadata.name ?? '', {
        actor: 'kubelet',
        gracePeriodSeconds: 0,
      });
}

describe('DaemonSet controller', () => {
  it('runs one pod per node, the tainted master included when tolerated, each bound to its node', () => {
    const f = setup();
    f.create(daemonSet('kube-proxy', {}, [{ operator: 'Exists' }]));
    f.settle();
    const byNode = podsByNode(f, 'kube-proxy');
    expect(Object.keys(byNode).sort()).toEqual(['master', 'node1', 'node2']);
    for (const name of Object.values(byNode))
      expect(name).toMatch(/^kube-proxy-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

    const p = dsPods(f, 'kube-proxy').find((x) => x.spec?.nodeName === 'node1') as PodObj;
    expect(p.metadata.generateName).toBe('kube-proxy-');
    expect(p.metadata.labels?.[POD_TEMPLATE_GENERATION_LABEL]).toBe('1');
    expect(p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).toMatch(/^[4-9bcdf]{8,10}$/);
    expect(p.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        name: 'kube-proxy',
        uid: getDs(f, 'kube-proxy').metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(p.spec?.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] },
          ],
        },
      },
    });
    expect(
      p.spec?.tolerations?.map((t) => `${t.key ?? ''}:${t.operator}:${t.effect ?? ''}`),
    ).toEqual([
      ':Exists:',
      'node.kubernetes.io/not-ready:Exists:NoExecute',
      'node.kubernetes.io/unreachable:Exists:NoExecute',
      'node.kubernetes.io/disk-pressure:Exists:NoSchedule',
      'node.kubernetes.io/memory-pressure:Exists:NoSchedule',
      'node.kubernetes.io/pid-pressure:Exists:NoSchedule',
      'node.kubernetes.io/unschedulable:Exists:NoSchedule',
    ]);
    expect(dsEvents(f, 'kube-proxy').sort()).toEqual(
      Object.values(byNode)
        .map((n) => `SuccessfulCreate: Created pod: ${n}`)
        .sort(),
    );
    expect(getDs(f, 'kube-proxy').status).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberAvailable: 0,
      numberMisscheduled: 0,
      numberReady: 0,
      numberUnavailable: 3,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
    });
    markReady(f);
    f.settle();
    expect(getDs(f, 'kube-proxy').status).toMatchObject({ numberReady: 3, numberAvailable: 3 });
    expect(getDs(f, 'kube-proxy').status?.numberUnavailable).toBe(undefined);
  });

  it('skips the control plane when the pods do not tolerate its taint', () => {
    const f = setup();
    f.create(daemonSet('fluentd'));
    f.settle();
    expect(Object.keys(podsByNode(f, 'fluentd')).sort()).toEqual(['node1', 'node2']);
    expect(getDs(f, 'fluentd').status?.desiredNumberScheduled).toBe(2);
  });

  it('follows nodes as they are added and removed', () => {
    const f = setup();
    f.create(daemonSet('kube-proxy', {}, [{ operator: 'Exists' }]));
    f.settle();
    addNode(f, 'node3');
    f.settle();
    expect(Object.keys(podsByNode(f, 'kube-proxy')).sort()).toEqual([
      'master',
      'node1',
      'node2',
      'node3',
    ]);
    expect(getDs(f, 'kube-proxy').status?.desiredNumberScheduled).toBe(4);

    const onNode2 = podsByNode(f, 'kube-proxy').node2;
    f.store.delete('Node', undefined, 'node2', { actor: 'test' });
    f.settle();
    expect(Object.keys(podsByNode(f, 'kube-proxy')).sort()).toEqual(['master', 'node1', 'node3']);
    expect(dsPods(f, 'kube-proxy').some((p) => p.metadata.name === onNode2)).toBe(false);
    expect(dsEvents(f, 'kube-proxy')).toContain(`SuccessfulDelete: Deleted pod: ${onNode2}`);
    expect(getDs(f, 'kube-proxy').status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
    });
  });

  it('places and removes pods as node labels start and stop matching the nodeSelector', () => {
    const f = setup();
    const ds = daemonSet('gpu-agent');
    ds.spec!.template.spec!.nodeSelector = { accelerator: 'gpu' };
    f.create(ds);
    f.settle();
    expect(podsByNode(f, 'gpu-agent')).toEqual({});
    setNodeLabels(f, 'node2', { accelerator: 'gpu' });
    f.settle();
    expect(Object.keys(podsByNode(f, 'gpu-agent'))).toEqual(['node2']);
    setNodeLabels(f, 'node2', { accelerator: 'none' });
    f.settle();
    finishTerminating(f);
    f.settle();
    expect(dsPods(f, 'gpu-agent')).toEqual([]);
    expect(getDs(f, 'gpu-agent').status).toMatchObject({
      desiredNumberScheduled: 0,
      numberMisscheduled: 0,
    });
  });

  it('keeps its pods on a cordoned node, and on a newly NoSchedule-tainted one as misscheduled', () => {
    const f = setup();
    f.create(daemonSet('fluentd'));
    f.settle();
    const before = podsByNode(f, 'fluentd');
    const n1 = deepClone(f.store.get<Node & KObject>('Node', undefined, 'node1')!);
    n1.spec = { ...n1.spec, unschedulable: true };
    f.store.update(n1, { actor: 'test' });
    const n2 = deepClone(f.store.get<Node & KObject>('Node', undefined, 'node2')!);
    n2.spec = { ...n2.spec, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    f.store.update(n2, { actor: 'test' });
    f.settle();
    expect(podsByNode(f, 'fluentd')).toEqual(before);
    expect(getDs(f, 'fluentd').status).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberMisscheduled: 1,
    });
  });

  it('replaces a failed pod', () => {
    const f = setup();
    f.create(daemonSet('fluentd'));
    f.settle();
    const failed = dsPods(f, 'fluentd').find((p) => p.spec?.nodeName === 'node1') as PodObj;
    f.store.updateStatus(
      { ...failed, status: { ...failed.status, phase: 'Failed' } },
      { actor: 'kubelet' },
    );
    f.settle();
    finishTerminating(f);
    f.settle();
    const now = podsByNode(f, 'fluentd');
    expect(now.node1).not.toBe(failed.metadata.name);
    expect(dsEvents(f, 'fluentd')).toContain(
      `FailedDaemonPod: Found failed daemon pod kube-system/${failed.metadata.name} on node node1, will try to kill it`,
    );
  });

  it('rolls a template change out one node at a time (maxUnavailable 1)', () => {
    const f = setup();
    f.create(daemonSet('kube-proxy', {}, [{ operator: 'Exists' }]));
    f.settle();
    markReady(f);
    f.settle();
    const oldHash = dsPods(f, 'kube-proxy')[0]?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    const ds = deepClone(getDs(f, 'kube-proxy'));
    ds.spec!.template.spec!.containers[0]!.image = 'registry.k8s.io/kube-proxy:v1.30.3';
    f.store.update(ds, { actor: 'test' });
    f.settle();

    const terminatingCount = (): number =>
      dsPods(f, 'kube-proxy').filter((p) => p.metadata.deletionTimestamp).length;
    const updated = (): number =>
      dsPods(f, 'kube-proxy').filter(
        (p) =>
          !p.metadata.deletionTimestamp &&
          p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== oldHash,
      ).length;
    // One old pod is Terminating; the node gets its new pod once it is gone.
    expect([terminatingCount(), updated()]).toEqual([1, 0]);
    for (let round = 1; round <= 3; round++) {
      finishTerminating(f);
      f.settle();
      expect(updated()).toBe(round);
      // The next old pod goes only once the new one is available.
      expect(terminatingCount()).toBe(0);
      markReady(f);
      f.settle();
      expect(terminatingCount()).toBe(round < 3 ? 1 : 0);
    }
    finishTerminating(f);
    f.settle();
    const pods = dsPods(f, 'kube-proxy');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.spec?.containers[0]?.image).toBe('registry.k8s.io/kube-proxy:v1.30.3');
      expect(p.metadata.labels?.[POD_TEMPLATE_GENERATION_LABEL]).toBe('2');
    }
    expect(getDs(f, 'kube-proxy').status).toMatchObject({
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      observedGeneration: 2,
    });
  });
});

describe('DaemonSet pod helpers', () => {
  it('adds network-unavailable for hostNetwork pods and does not duplicate tolerations', () => {
    const t = daemonPodTolerations({
      hostNetwork: true,
      containers: [],
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      ],
    });
    expect(t.map((x) => x.key)).toEqual([
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/disk-pressure',
      'node.kubernetes.io/memory-pressure',
      'node.kubernetes.io/pid-pressure',
      'node.kubernetes.io/unschedulable',
      'node.kubernetes.io/network-unavailable',
    ]);
  });

  it('merges the node pin into existing required terms, keeping their expressions', () => {
    const a = replaceNodeNameAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
              },
            ],
          },
        },
      },
      'node1',
    );
    expect(
      a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    ).toEqual([
      {
        matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
        matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }],
      },
    ]);
  });
});
