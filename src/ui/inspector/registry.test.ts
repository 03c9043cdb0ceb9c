import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import { createCluster, KINDS } from '../../engine';
import { buildEvents, findEvents } from './events';
import type { Block, SectionInput } from './model';
import type { InspectorSectionDef } from './registry';
import { INSPECTOR_SECTIONS, objectHeader, sectionsFor } from './registry';
import { clusterSummary } from './summary';
import { snapshotOf } from './testing';

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`;

/** A real cluster a minute after the manifests were applied, as the inspector sees it. */
function scenario() {
  const cluster = createCluster({ seed: 7 });
  cluster.apply(MANIFESTS);
  cluster.advance(60_000);
  const objects = snapshotOf(KINDS.flatMap(({ kind }) => cluster.store.list(kind)));
  const input = (obj: KObject): SectionInput => ({
    obj,
    objects,
    now: cluster.now(),
    scheduling: cluster.context.scheduling,
  });
  const pods = cluster.store.list('Pod', { namespace: 'default' });
  return { cluster, objects, input, pods };
}

const ids = (sections: { id: string }[]) => sections.map((s) => s.id);
const only = <T extends Block['type']>(b: Block | undefined, type: T) => {
  if (b?.type !== type) throw new Error(`expected a ${type} block, got ${b?.type}`);
  return b as Extract<Block, { type: T }>;
};

describe('the inspector on a live cluster', () => {
  const { cluster, objects, input, pods } = scenario();
  const pod = pods[0]!;
  const nodeName = (pod.spec as { nodeName: string }).nodeName;

  it('gives each kind its sections, in registry order', () => {
    const node = cluster.store.get('Node', undefined, nodeName)!;
    expect(ids(sectionsFor(input(pod)))).toEqual([
      'pod-status',
      'pod-containers',
      'pod-conditions',
      'pod-scheduling',
    ]);
    expect(ids(sectionsFor(input(node)))).toEqual([
      'node-status',
      'node-conditions',
      'node-resources',
      'node-pods',
      'node-scheduling',
    ]);
    expect(ids(sectionsFor(input(cluster.store.get('Service', 'default', 'web')!)))).toEqual([
      'service-spec',
      'service-endpoints',
    ]);
    expect(ids(sectionsFor(input(cluster.store.get('Deployment', 'default', 'web')!)))).toEqual([
      'deployment-rollout',
      'deployment-replicasets',
      'controller-pods',
    ]);
    expect(ids(sectionsFor(input(cluster.store.list('ConfigMap')[0]!)))).toEqual([]);
    expect(sectionsFor(input(pod), 'tab')).toEqual([]);
  });

  it("shows the scheduler's decision for a pod, agreeing with where it runs", () => {
    const section = sectionsFor(input(pod)).find((s) => s.id === 'pod-scheduling')!;
    const { view } = only(section.blocks[0], 'scheduling');
    expect(view.summary.text).toBe(`Bound to ${nodeName}: 2 of 3 nodes passed the filters.`);
    expect(view.nodes[0]).toMatchObject({ node: nodeName, verdict: 'selected' });
    expect(view.nodes.find((r) => r.node === 'master')).toEqual({
      node: 'master',
      verdict: 'rejected',
      plugin: 'TaintToleration',
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
  });

  it('lists on a node the pods the scheduler placed there', () => {
    const node = cluster.store.get('Node', undefined, nodeName)!;
    const section = sectionsFor(input(node)).find((s) => s.id === 'node-scheduling')!;
    const placed = only(section.blocks[0], 'items');
    // Every pod there that went through the scheduler (coredns too; not the static pods).
    const expected = cluster.store
      .list('Pod')
      .filter((p) => (p.spec as { nodeName?: string }).nodeName === nodeName)
      .filter((p) => cluster.context.scheduling.getSchedulingDecision(p.metadata.uid!))
      .map((p) => p.metadata.name)
      .sort();
    expect(expected).toContain(pod.metadata.name);
    expect(placed.items.map((i) => i.title.text).sort()).toEqual(expected);
  });

  it("lists the service's three ready endpoints", () => {
    const svc = cluster.store.get('Service', 'default', 'web')!;
    const section = sectionsFor(input(svc)).find((s) => s.id === 'service-endpoints')!;
    const endpoints = only(section.blocks[1], 'items');
    expect(endpoints.items.map((i) => i.badges[0]?.text)).toEqual(['ready', 'ready', 'ready']);
    expect(endpoints.items.map((i) => i.fields[0]?.value.text).sort()).toEqual(
      pods.map((p) => p.metadata.name).sort(),
    );
  });

  it("tells a pod's story in its events, oldest first", () => {
    const view = buildEvents(findEvents(objects.get('Event'), pod), cluster.now());
    expect(view.rows.map((r) => r.reason)).toEqual([
      'Scheduled',
      'Pulling',
      'Pulled',
      'Created',
      'Started',
    ]);
    expect(view.rows[0]).toMatchObject({
      type: 'Normal',
      age: '60s',
      from: 'default-scheduler',
      message: `Successfully assigned default/${pod.metadata.name} to ${nodeName}`,
    });
  });

  it('has a header per kind and a cluster summary', () => {
    expect(objectHeader(pod, cluster.now())).toEqual({
      kind: 'Pod',
      name: pod.metadata.name,
      namespace: 'default',
      status: { text: 'Running', tone: 'ok' },
      age: '60s',
      deleting: false,
    });
    const summary = clusterSummary(objects);
    expect(summary.nodes.map((n) => [n.label, n.note, n.detail?.text])).toEqual([
      ['master', 'control-plane', 'Ready'],
      ['node1', 'worker', 'Ready'],
      ['node2', 'worker', 'Ready'],
    ]);
    expect(summary.pods.map((p) => [p.label, p.detail?.text])).toEqual(
      pods.map((p) => [p.metadata.name, 'Running']).sort(),
    );
    expect(summary.podsByStatus).toEqual([
      { status: 'Running', count: summary.podTotal, tone: 'ok' },
    ]);
    expect(summary.workloads.map((w) => [w.label, w.detail?.text])).toEqual([['web', '3/3']]);
    expect(summary.services.map((s) => s.label)).toEqual(['kubernetes', 'web']);
  });

  it('takes new sections from the registry, and leaves out those with nothing to say', () => {
    const extra: InspectorSectionDef[] = [
      ...INSPECTOR_SECTIONS,
      {
        id: 'service-iptables',
        title: 'iptables',
        kinds: ['Service'],
        placement: 'tab',
        build: (i) => [{ type: 'code', label: 'iptables-save', text: `# ${i.obj.metadata.name}` }],
      },
      { id: 'nothing', title: 'Nothing', kinds: ['Service'], build: () => [] },
    ];
    const svc = cluster.store.get('Service', 'default', 'web')!;
    expect(sectionsFor(input(svc), 'tab', extra)).toEqual([
      {
        id: 'service-iptables',
        title: 'iptables',
        blocks: [{ type: 'code', label: 'iptables-save', text: '# web' }],
      },
    ]);
    expect(ids(sectionsFor(input(svc), 'overview', extra))).toEqual([
      'service-spec',
      'service-endpoints',
    ]);
  });
});
