import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KINDS, createCluster } from '../../engine';
import type { Cluster, KObject } from '../../engine';
import { keyOf } from '../state/cluster-store';
import type { ObjectKey, ObjectsByKind } from '../state/cluster-store';
import { POD_H, POD_W, SERVICE_ROW_Y, podSlotPosition } from './geometry';
import {
  DEFAULT_OPTIONS,
  MAX_POD_CARDS,
  OWNER_HANDLE,
  UNSCHEDULED_ID,
  buildGraph,
  createGraphBuilder,
  graphId,
  refOfGraphId,
  stalePodPositions,
} from './graph-model';
import type { Graph, GraphInput, GraphNode, GraphOptions, NodeBoxNode } from './graph-model';

const LESSON = new URL('../../../examples/walkthrough/', import.meta.url);
const lessonFile = (name: string): string => readFileSync(new URL(name, LESSON), 'utf8');

function newCluster(): Cluster {
  return createCluster({
    seed: 1,
    files: {
      'deployment.yml': lessonFile('deployment.yml'),
      'service.yml': lessonFile('service.yml'),
      'test.yml': lessonFile('test.yml'),
    },
  });
}

/** The zustand store's `objects`, as the bridge builds it. */
function snapshot(cluster: Cluster): ObjectsByKind {
  const out = new Map<string, Map<ObjectKey, KObject>>();
  for (const { kind } of KINDS) {
    const m = new Map<ObjectKey, KObject>();
    for (const o of cluster.store.list(kind)) m.set(keyOf(o), o);
    out.set(kind, m);
  }
  return out;
}

function run(cluster: Cluster, command: string): void {
  const r = cluster.shell.run(command);
  expect(r.stderr).toBe('');
}

const opts = (o: Partial<GraphOptions> = {}): GraphOptions => ({ ...DEFAULT_OPTIONS, ...o });

function graphOf(cluster: Cluster, input: Partial<GraphInput> = {}): Graph {
  return buildGraph({ objects: snapshot(cluster), options: opts(), ...input });
}

const labels = (g: Graph, type: GraphNode['type']): string[] =>
  g.nodes.filter((n) => n.type === type).map((n) => n.ariaLabel ?? '');

const byId = (g: Graph, id: string): GraphNode | undefined => g.nodes.find((n) => n.id === id);

const podsOf = (g: Graph, nodeName: string): string[] =>
  g.nodes.filter((n) => n.type === 'pod' && n.parentId === `Node/${nodeName}`).map((n) => n.id);

const positionsOf = (g: Graph): Map<string, string> =>
  new Map(
    g.nodes
      .filter((n) => n.type === 'pod')
      .map((n) => [n.id, `${n.parentId}@${n.position.x},${n.position.y}`]),
  );

/** A pod object for tests that need exact statuses (the store holds frozen objects like this). */
function pod(name: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(extra.metadata as object) },
    spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'nginx' }] },
    status,
  } as unknown as KObject;
}

function withObjects(cluster: Cluster, extra: KObject[]): ObjectsByKind {
  const snap = snapshot(cluster) as Map<string, Map<ObjectKey, KObject>>;
  for (const o of extra) {
    const m = new Map(snap.get(o.kind) ?? []);
    m.set(keyOf(o), o);
    snap.set(o.kind, m);
  }
  return snap;
}

/** Graph ids of the pods whose name starts with `prefix` (pod names carry random suffixes). */
function podIds(cluster: Cluster, prefix: string, nodeName?: string): string[] {
  return cluster.store
    .list('Pod')
    .filter((p) => p.metadata.name!.startsWith(prefix))
    .filter((p) => !nodeName || (p.spec as { nodeName?: string }).nodeName === nodeName)
    .map((p) => `Pod/${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

describe('the default cluster', () => {
  const cluster = newCluster();
  const g = graphOf(cluster);

  it('draws the nodes left to right, control plane first, with accessible names', () => {
    expect(labels(g, 'k8sNode')).toEqual([
      'Node master, Ready, control-plane, 192.168.100.10',
      'Node node1, Ready, worker, 192.168.100.11',
      'Node node2, Ready, worker, 192.168.100.12',
    ]);
    const xs = g.nodes.filter((n) => n.type === 'k8sNode').map((n) => n.position.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const master = byId(g, 'Node/master') as NodeBoxNode;
    expect(master.data.view).toEqual({
      name: 'master',
      role: 'control-plane',
      ip: '192.168.100.10',
      podCIDR: '10.244.0.0/24',
      ready: 'Ready',
      unschedulable: false,
    });
    expect(master.data.proxyMode).toBe('iptables');
  });

  it('puts the system pods inside their node boxes', () => {
    expect(podsOf(g, 'master')).toEqual([
      'Pod/kube-system/etcd-master',
      'Pod/kube-system/kube-apiserver-master',
      'Pod/kube-system/kube-controller-manager-master',
      ...podIds(cluster, 'kube-proxy-', 'master'),
      'Pod/kube-system/kube-scheduler-master',
    ]);
    expect(labels(g, 'pod')).toContain('Pod etcd-master, Running, master');
    const etcd = byId(g, 'Pod/kube-system/etcd-master');
    expect(etcd?.data).toMatchObject({
      view: { status: 'Running', tone: 'running', ready: '1/1', ip: '192.168.100.10' },
    });
    expect(etcd?.extent).toBe('parent');
  });

  it('floats the services above the nodes, with edges to their endpoints', () => {
    expect(labels(g, 'service')).toEqual([
      'Service kubernetes, ClusterIP, 10.96.0.1',
      'Service kube-dns, ClusterIP, 10.96.0.10',
    ]);
    for (const s of g.nodes.filter((n) => n.type === 'service'))
      expect(s.position.y).toBeLessThan(0);
    // `kubernetes` has no pod behind it: its endpoint is the API server's host.
    expect(
      g.edges
        .map((e) => [e.source, e.target, e.className])
        .filter(([s]) => s!.startsWith('Service'))
        .sort(),
    ).toEqual([
      ['Service/default/kubernetes', 'Node/master', 'k8s-edge endpoint ready'],
      ...podIds(cluster, 'coredns-').map((id) => [
        'Service/kube-system/kube-dns',
        id,
        'k8s-edge endpoint ready',
      ]),
    ]);
  });

  it('lists namespaces for the filter and has no unscheduled box', () => {
    expect(g.namespaces).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(byId(g, UNSCHEDULED_ID)).toBeUndefined();
  });

  it('orders nodes for the keyboard top to bottom: services, then each box before its pods', () => {
    const order = g.nodes.map((n) => n.type);
    expect(order.slice(0, 2)).toEqual(['service', 'service']);
    expect(order[2]).toBe('k8sNode');
    const boxIndex = g.nodes.findIndex((n) => n.id === 'Node/node1');
    for (const [i, n] of g.nodes.entries())
      if (n.parentId === 'Node/node1') expect(i).toBeGreaterThan(boxIndex);
  });

  it('reports the box around everything drawn: services above, nodes from y = 0', () => {
    const boxes = g.nodes.filter((n) => !n.parentId);
    const right = Math.max(...boxes.map((n) => n.position.x + n.width!));
    const bottom = Math.max(...boxes.map((n) => n.position.y + n.height!));
    expect(g.bounds).toEqual({
      x: 0,
      y: SERVICE_ROW_Y,
      width: right,
      height: bottom - SERVICE_ROW_Y,
    });
  });

  it('declares every size and handle, so nothing waits for the DOM', () => {
    for (const n of g.nodes) {
      expect(n.width).toBeGreaterThan(0);
      expect(n.measured).toEqual({ width: n.width, height: n.height });
      expect(n.handles?.length).toBeGreaterThan(0);
    }
  });
});

describe('pod status', () => {
  const cluster = newCluster();
  const cases: Array<[string, KObject, string, string]> = [
    ['pending', pod('a', { phase: 'Pending' }), 'Pending', 'pending'],
    [
      'creating',
      pod('b', {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      }),
      'ContainerCreating',
      'creating',
    ],
    [
      'image pull',
      pod('c', {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      }),
      'ImagePullBackOff',
      'warning',
    ],
    [
      'crash loop',
      pod('d', {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      }),
      'CrashLoopBackOff',
      'error',
    ],
    [
      'completed',
      pod('e', {
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      }),
      'Completed',
      'done',
    ],
    [
      'error',
      pod('f', {
        phase: 'Failed',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      }),
      'Error',
      'error',
    ],
    [
      'terminating',
      pod(
        'g',
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
        { metadata: { deletionTimestamp: '2024-06-03T08:10:00Z' } },
      ),
      'Terminating',
      'terminating',
    ],
  ];
  it.each(cases)(
    '%s: STATUS as kubectl prints it, with its tone and name',
    (_, p, status, tone) => {
      const g = buildGraph({ objects: withObjects(cluster, [p]), options: opts() });
      const n = byId(g, graphId({ kind: 'Pod', namespace: 'default', name: p.metadata.name! }));
      expect(n?.data).toMatchObject({ view: { status, tone } });
      expect(n?.ariaLabel).toBe(`Pod ${p.metadata.name}, ${status}, node1`);
    },
  );

  it('shows READY n/m and restarts', () => {
    const p = pod('h', {
      phase: 'Running',
      podIP: '10.244.1.9',
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 2, state: { running: {} } },
        { name: 'side', ready: false, restartCount: 0, state: { running: {} } },
      ],
    });
    (p.spec as { containers: unknown[] }).containers.push({ name: 'side', image: 'busybox' });
    const g = buildGraph({ objects: withObjects(cluster, [p]), options: opts() });
    expect(byId(g, 'Pod/default/h')?.data).toMatchObject({
      view: {
        ready: '1/2',
        allReady: false,
        restarts: 2,
        ip: '10.244.1.9',
        containers: 'app, side',
      },
    });
  });

  it('keeps a pod without a node in the Unscheduled box', () => {
    const p = {
      ...pod('u', { phase: 'Pending' }),
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    } as KObject;
    const g = buildGraph({ objects: withObjects(cluster, [p]), options: opts() });
    expect(byId(g, 'Pod/default/u')?.parentId).toBe(UNSCHEDULED_ID);
    expect(byId(g, 'Pod/default/u')?.ariaLabel).toBe('Pod u, Pending, unscheduled');
    expect(byId(g, UNSCHEDULED_ID)?.ariaLabel).toBe('Unscheduled pods, 1');
  });
});

describe('the classic lesson', () => {
  it('draws the NodePort service with its NodePort and solid edges to ready pods', () => {
    const cluster = newCluster();
    run(cluster, 'kubectl apply -f deployment.yml');
    run(cluster, 'kubectl apply -f service.yml');
    cluster.advance(30_000);
    const g = graphOf(cluster);
    const nginx = byId(g, 'Service/default/nginx');
    expect(nginx?.ariaLabel).toMatch(/^Service nginx, NodePort, 10\.\d+\.\d+\.\d+$/);
    expect(nginx?.data).toMatchObject({ view: { type: 'NodePort' }, endpoints: '1/1' });
    expect((nginx?.data as { view: { ports: string[] } }).view.ports[0]).toMatch(
      /^80\/TCP :3\d{4}$/,
    );
    const httpd = g.edges.filter((e) => e.source === 'Service/default/httpd2');
    expect(httpd.map((e) => e.data?.ready)).toEqual([true, true, true]);
    expect(labels(g, 'pod').filter((l) => l.startsWith('Pod httpd2-'))).toHaveLength(3);
  });

  it('draws not-ready endpoints dashed', () => {
    const cluster = newCluster();
    const coredns = podIds(cluster, 'coredns-')[0]!;
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kube-dns-x',
        namespace: 'kube-system',
        labels: { 'kubernetes.io/service-name': 'kube-dns' },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.1.2'],
          conditions: { ready: false, serving: true, terminating: true },
          targetRef: { kind: 'Pod', namespace: 'kube-system', name: coredns.split('/')[2] },
        },
      ],
    } as unknown as KObject;
    const snap = snapshot(cluster) as Map<string, Map<ObjectKey, KObject>>;
    snap.set('EndpointSlice', new Map([[keyOf(slice), slice]]));
    const g = buildGraph({ objects: snap, options: opts() });
    const edges = g.edges.filter((e) => e.source === 'Service/kube-system/kube-dns');
    expect(edges.map((e) => [e.target, e.className, e.data?.ready])).toEqual([
      [coredns, 'k8s-edge endpoint not-ready', false],
    ]);
    expect(byId(g, 'Service/kube-system/kube-dns')?.data).toMatchObject({ endpoints: '0/1' });
  });
});

describe('stable layout', () => {
  it('keeps every pod in its slot when pods come and go; newcomers take the first free slot', () => {
    const cluster = newCluster();
    const build = createGraphBuilder();
    const input = () => ({ objects: snapshot(cluster), options: opts() });
    run(cluster, 'kubectl create deployment web --image=nginx --replicas=6');
    cluster.advance(30_000);
    const before = positionsOf(build(input()));

    // One more pod: nobody else moves.
    run(cluster, 'kubectl scale deployment web --replicas=7');
    cluster.advance(30_000);
    const grown = positionsOf(build(input()));
    for (const [id, at] of before) expect(grown.get(id)).toBe(at);
    const added = [...grown.keys()].filter((id) => !before.has(id));
    expect(added).toHaveLength(1);

    // Delete one pod: the others stay; its replacement takes the freed slot (on the same node)
    // or the first free one on its own node.
    const victim = [...before.keys()].find((id) => id.startsWith('Pod/default/web-'))!;
    run(cluster, `kubectl delete pod ${victim.split('/')[2]} --wait=false`);
    cluster.advance(60_000);
    const after = positionsOf(build(input()));
    for (const [id, at] of grown) if (id !== victim) expect(after.get(id)).toBe(at);
    expect(after.has(victim)).toBe(false);
    const replacement = [...after.keys()].find((id) => !grown.has(id))!;
    const node = after.get(replacement)!.split('@')[0]!;
    const taken = new Set(
      [...after]
        .filter(([id, at]) => id !== replacement && at.startsWith(node))
        .map(([, at]) => at),
    );
    let first = 0;
    while (taken.has(`${node}@${podSlotPosition(first).x},${podSlotPosition(first).y}`)) first++;
    const slot = podSlotPosition(first);
    expect(after.get(replacement)).toBe(`${node}@${slot.x},${slot.y}`);
  });

  it('shows a rollout: new pods ContainerCreating while old ones go Terminating, old slots kept', () => {
    const cluster = newCluster();
    const build = createGraphBuilder();
    run(cluster, 'kubectl create deployment web --image=nginx:1.25 --replicas=3');
    cluster.advance(30_000);
    const before = positionsOf(build({ objects: snapshot(cluster), options: opts() }));
    run(cluster, 'kubectl set image deployment/web nginx=nginx:1.27');
    const seen = new Set<string>();
    for (let t = 0; t < 60; t++) {
      cluster.advance(500);
      const g = build({ objects: snapshot(cluster), options: opts() });
      const now = positionsOf(g);
      for (const [id, at] of before) if (now.has(id)) expect(now.get(id)).toBe(at);
      for (const n of g.nodes)
        if (n.type === 'pod' && n.id.startsWith('Pod/default/web-')) seen.add(n.data.view.status);
    }
    expect(seen).toContain('ContainerCreating');
    expect(seen).toContain('Terminating');
    expect(seen).toContain('Running');
  });

  it('returns unchanged nodes and edges as the same objects', () => {
    const cluster = newCluster();
    const build = createGraphBuilder();
    const a = build({ objects: snapshot(cluster), options: opts() });
    const b = build({ objects: snapshot(cluster), options: opts() });
    expect(b.nodes.every((n, i) => n === a.nodes[i])).toBe(true);
    expect(b.edges.every((e, i) => e === a.edges[i])).toBe(true);
    // Selecting one pod renews that pod only.
    const c = build({
      objects: snapshot(cluster),
      options: opts(),
      selected: { kind: 'Pod', namespace: 'kube-system', name: 'etcd-master' },
    });
    const changed = c.nodes.filter((n, i) => n !== b.nodes[i]).map((n) => n.id);
    expect(changed).toEqual(['Pod/kube-system/etcd-master']);
  });

  it('lets dragged positions win', () => {
    const cluster = newCluster();
    const g = graphOf(cluster, {
      positions: {
        'Node/node1': { x: 5, y: 600 },
        'Pod/kube-system/etcd-master': { x: 40, y: 300 },
      },
    });
    expect(byId(g, 'Node/node1')?.position).toEqual({ x: 5, y: 600 });
    expect(byId(g, 'Pod/kube-system/etcd-master')?.position).toEqual({ x: 40, y: 300 });
    // node2 stays where the layout put it.
    expect(byId(g, 'Node/node2')?.position).toEqual(byId(graphOf(cluster), 'Node/node2')?.position);
  });

  it('grows node boxes with their pods', () => {
    const cluster = newCluster();
    const small = graphOf(cluster);
    run(cluster, 'kubectl create deployment web --image=nginx --replicas=60');
    cluster.advance(60_000);
    const big = graphOf(cluster);
    const box = (g: Graph) => byId(g, 'Node/node1')!;
    expect(box(big).height!).toBeGreaterThan(box(small).height!);
    expect(box(big).width!).toBeGreaterThan(box(small).width!);
    for (const p of big.nodes.filter((n) => n.parentId === 'Node/node1')) {
      expect(p.position.x + POD_W).toBeLessThanOrEqual(box(big).width!);
      expect(p.position.y + POD_H).toBeLessThanOrEqual(box(big).height!);
    }
  });
});

describe('filters', () => {
  const cluster = newCluster();
  run(cluster, 'kubectl apply -f deployment.yml');
  cluster.advance(30_000);

  it('shows one namespace and counts the hidden pods on each node', () => {
    const g = graphOf(cluster, { options: opts({ namespace: 'default' }) });
    expect(labels(g, 'pod').every((l) => l.startsWith('Pod httpd2-'))).toBe(true);
    expect(labels(g, 'service')).toEqual([
      'Service httpd2, ClusterIP, ' +
        (byId(g, 'Service/default/httpd2')!.data as { view: { clusterIP: string } }).view.clusterIP,
      'Service kubernetes, ClusterIP, 10.96.0.1',
    ]);
    expect((byId(g, 'Node/master') as NodeBoxNode).data).toMatchObject({
      podCount: 0,
      otherNamespacePods: 5,
      collapsedSystemPods: 0,
    });
  });

  it('collapses kube-system: its pods, services and workloads go, the boxes count them', () => {
    const g = graphOf(cluster, { options: opts({ collapseSystem: true, showOwnership: true }) });
    expect(labels(g, 'pod').some((l) => l.includes('coredns') || l.includes('kube-proxy'))).toBe(
      false,
    );
    expect(labels(g, 'service')).not.toContain('Service kube-dns, ClusterIP, 10.96.0.10');
    expect(labels(g, 'workload').some((l) => l.includes('coredns'))).toBe(false);
    expect((byId(g, 'Node/master') as NodeBoxNode).data).toMatchObject({
      podCount: 0,
      collapsedSystemPods: 5,
    });
    expect((byId(g, 'Node/node1') as NodeBoxNode).data.collapsedSystemPods).toBe(2);
  });

  it('ignores "collapse kube-system" when kube-system is the namespace shown', () => {
    const g = graphOf(cluster, {
      options: opts({ namespace: 'kube-system', collapseSystem: true }),
    });
    expect(podsOf(g, 'master')).toHaveLength(5);
  });

  it('packs the boxes afresh when the filter changes, then keeps slots again', () => {
    const build = createGraphBuilder();
    build({ objects: snapshot(cluster), options: opts() });
    const collapsed = build({
      objects: snapshot(cluster),
      options: opts({ collapseSystem: true }),
    });
    const node1 = collapsed.nodes.filter((n) => n.parentId === 'Node/node1');
    expect(node1.map((n) => n.position).sort((a, b) => a.y - b.y)).toEqual(
      node1.map((_, i) => podSlotPosition(i)),
    );
  });

  it('shows ownership only when asked', () => {
    const off = graphOf(cluster);
    expect(off.nodes.some((n) => n.type === 'workload')).toBe(false);
    expect(off.edges.some((e) => e.data?.kind === 'owner')).toBe(false);

    const on = graphOf(cluster, { options: opts({ showOwnership: true }) });
    const rs = on.nodes.find((n) => n.id.startsWith('ReplicaSet/default/httpd2-'))!;
    const corednsRs = cluster.store.list('ReplicaSet', { namespace: 'kube-system' })[0]!;
    // Columns in id order; each Deployment followed by its ReplicaSets.
    expect(labels(on, 'workload')).toEqual([
      'DaemonSet kube-proxy, 3/3 ready',
      'Deployment httpd2, 3/3 ready',
      `ReplicaSet ${rs.id.split('/')[2]}, 3/3 ready`,
      'Deployment coredns, 2/2 ready',
      `ReplicaSet ${corednsRs.metadata.name}, 2/2 ready`,
    ]);
    const owner = on.edges.filter((e) => e.data?.kind === 'owner');
    expect(
      owner.filter((e) => e.source === 'Deployment/default/httpd2').map((e) => e.target),
    ).toEqual([rs.id]);
    expect(owner.filter((e) => e.source === rs.id)).toHaveLength(3);
    // Owners reach pods on their right-hand handle; Deployment → ReplicaSet on the card's top.
    expect(
      new Set(owner.filter((e) => e.target.startsWith('Pod/')).map((e) => e.targetHandle)),
    ).toEqual(new Set([OWNER_HANDLE]));
    expect(owner.find((e) => e.target === rs.id)?.targetHandle).toBeUndefined();
    expect(owner.filter((e) => e.source === 'DaemonSet/kube-system/kube-proxy')).toHaveLength(3);
    // The Deployment stands above its ReplicaSet, both above the services.
    const dep = byId(on, 'Deployment/default/httpd2')!;
    expect(dep.position.x).toBe(rs.position.x);
    expect(dep.position.y).toBeLessThan(rs.position.y);
    expect(rs.position.y).toBeLessThan(byId(on, 'Service/default/kubernetes')!.position.y);
  });
});

describe('selection and editor focus', () => {
  const cluster = newCluster();
  it('marks the selected object and the focused ones', () => {
    const g = graphOf(cluster, {
      selected: { kind: 'Node', name: 'node2' },
      focused: [{ kind: 'Service', namespace: 'kube-system', name: 'kube-dns' }],
    });
    expect(g.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['Node/node2']);
    expect(byId(g, 'Node/node2')?.domAttributes).toEqual({
      'aria-roledescription': 'node',
      'aria-current': 'true',
    });
    expect(g.nodes.filter((n) => n.data.focused).map((n) => n.id)).toEqual([
      'Service/kube-system/kube-dns',
    ]);
  });

  it('highlights what a focused Deployment owns, down to its pods', () => {
    const c = newCluster();
    run(c, 'kubectl apply -f deployment.yml');
    c.advance(30_000);
    const focused = [{ kind: 'Deployment', namespace: 'default', name: 'httpd2' }];
    const off = graphOf(c, { focused });
    expect(
      off.nodes
        .filter((n) => n.data.focused)
        .map((n) => n.id)
        .sort(),
    ).toEqual(podIds(c, 'httpd2-'));
    const on = graphOf(c, { focused, options: opts({ showOwnership: true }) });
    const rs = c.store.list('ReplicaSet', { namespace: 'default' })[0]!;
    expect(
      on.nodes
        .filter((n) => n.data.focused)
        .map((n) => n.id)
        .sort(),
    ).toEqual(
      [
        'Deployment/default/httpd2',
        `ReplicaSet/default/${rs.metadata.name}`,
        ...podIds(c, 'httpd2-'),
      ].sort(),
    );
  });

  it('maps graph ids back to object references', () => {
    const cases: Array<[Parameters<typeof graphId>[0], string]> = [
      [{ kind: 'Node', name: 'node1' }, 'Node/node1'],
      [{ kind: 'Pod', namespace: 'default', name: 'sb' }, 'Pod/default/sb'],
    ];
    for (const [ref, id] of cases) {
      expect(graphId(ref)).toBe(id);
      expect(refOfGraphId(id)).toEqual(ref);
    }
    expect(refOfGraphId(UNSCHEDULED_ID)).toBeUndefined();
  });

  it('forgets dragged positions of pods that are gone', () => {
    const objects = snapshot(cluster);
    expect(
      stalePodPositions(
        {
          'Pod/default/gone': { x: 0, y: 0 },
          'Pod/kube-system/etcd-master': { x: 0, y: 0 },
          'Node/gone': { x: 0, y: 0 },
        },
        objects,
      ),
    ).toEqual(['Pod/default/gone']);
  });
});

describe('boxes with more pods than they draw', () => {
  it('draw the first MAX_POD_CARDS slots and sum the rest up on one card', () => {
    const cluster = newCluster();
    run(cluster, 'kubectl create deployment big --image=nginx:1.25 --replicas=300');
    cluster.advance(120_000);
    const objects = snapshot(cluster);
    const g = buildGraph({ objects, options: opts() });
    const podsOn = (box: string) =>
      [...objects.get('Pod')!.values()].filter((p) =>
        box === UNSCHEDULED_ID
          ? !(p.spec as { nodeName?: string }).nodeName
          : (p.spec as { nodeName?: string }).nodeName === box.slice('Node/'.length),
      );
    for (const box of ['Node/node1', 'Node/node2', UNSCHEDULED_ID]) {
      const all = podsOn(box);
      expect(all.length).toBeGreaterThan(MAX_POD_CARDS);
      const cards = g.nodes.filter((n) => n.type === 'pod' && n.parentId === box);
      expect(cards).toHaveLength(MAX_POD_CARDS);
      const more = byId(g, `overflow:${box}`);
      expect(more?.type).toBe('overflow');
      expect(more?.position).toEqual(podSlotPosition(MAX_POD_CARDS));
      if (more?.type !== 'overflow') return;
      expect(more.data.count).toBe(all.length - MAX_POD_CARDS);
      expect(more.data.statuses.reduce((n, [, c]) => n + c, 0)).toBe(more.data.count);
    }
    // 300 replicas on two workers of 110 pods (less their system pods): the rest wait.
    const waiting = byId(g, `overflow:${UNSCHEDULED_ID}`);
    expect(waiting?.ariaLabel).toMatch(/^\d+ more pods unscheduled: \d+ Pending$/);
    expect(byId(g, 'overflow:Node/node1')?.ariaLabel).toMatch(/^\d+ more pods on node1: /);
    // The box is sized for three columns, not for a hundred pods.
    const box = byId(g, 'Node/node1')!;
    expect(box.width).toBe(byId(g, 'Node/node2')!.width);
    expect(box.height).toBeLessThan(20 * (POD_H + 8));
    expect(box.width).toBeLessThan(4 * (POD_W + 8) + 20);
  });

  it('draw no edges to the pods without a card', () => {
    const cluster = newCluster();
    run(cluster, 'kubectl create deployment big --image=nginx:1.25 --replicas=120');
    run(cluster, 'kubectl expose deployment big --port=80');
    cluster.advance(120_000);
    const g = graphOf(cluster, { options: opts({ showOwnership: true }) });
    const drawn = new Set(g.nodes.map((n) => n.id));
    const endpoints = g.edges.filter((e) => e.source === 'Service/default/big');
    expect(endpoints.length).toBeGreaterThan(0);
    expect(endpoints.length).toBeLessThanOrEqual(2 * MAX_POD_CARDS);
    for (const e of g.edges) expect(drawn.has(e.target)).toBe(true);
  });
});

describe('new pod cards per build', () => {
  it('mount at most maxNewPodCards at a time, in later builds the rest', () => {
    const cluster = newCluster();
    run(cluster, 'kubectl create deployment big --image=nginx:1.25 --replicas=30');
    const build = createGraphBuilder();
    const objects = snapshot(cluster);
    const all = buildGraph({ objects, options: opts() }).nodes.filter((n) => n.type === 'pod');
    const drawn: number[] = [];
    const deferred: number[] = [];
    for (let i = 0; i < 8; i++) {
      const g = build({ objects, options: opts(), maxNewPodCards: 12 });
      drawn.push(g.nodes.filter((n) => n.type === 'pod').length);
      deferred.push(g.deferred);
      if (g.deferred === 0) {
        // In the end, the very graph an unlimited build draws.
        expect(g.nodes.map((n) => [n.id, n.position])).toEqual(
          buildGraph({ objects, options: opts() }).nodes.map((n) => [n.id, n.position]),
        );
        break;
      }
    }
    const n = all.length;
    expect(n).toBeGreaterThan(36);
    expect(drawn).toEqual(drawn.map((_, i) => Math.min(12 * (i + 1), n)));
    expect(deferred).toEqual(drawn.map((d) => n - d));
    expect(deferred.at(-1)).toBe(0);
    // Waiting pods have no edges yet.
    const first = createGraphBuilder()({ objects, options: opts(), maxNewPodCards: 1 });
    const ids = new Set(first.nodes.map((x) => x.id));
    for (const e of first.edges) expect(ids.has(e.target)).toBe(true);
  });
});
