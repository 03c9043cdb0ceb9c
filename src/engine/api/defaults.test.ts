/**
 * Defaulting and the create-time admission/status work, through the store with only the API
 * strategies installed, compared field by field with what a v1.30 API server stores.
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import { newFixture } from '../testing/fixture';
import { installApiStrategies } from './api-strategies';
import { base64Encode, base64ErrorOffset, imageTag } from './defaults';
import type { KObject } from './types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function create(obj: KObject): Obj {
  const f = newFixture({ strategies: false });
  installApiStrategies(f.ctx);
  return f.store.create(obj, { actor: 'kubectl' }) as Obj;
}

const DEFAULTED_CONTAINER = {
  imagePullPolicy: 'IfNotPresent',
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const DEFAULTED_TEMPLATE_SPEC = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

describe('workloads', () => {
  it('a Deployment gets apps/v1 defaults and every template default', () => {
    const d = create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
          },
        },
      },
    });
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          ...DEFAULTED_TEMPLATE_SPEC,
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              ...DEFAULTED_CONTAINER,
            },
          ],
        },
      },
    });
    // Pod-only defaults (admission, enableServiceLinks) never reach templates.
    expect(d.status).toEqual({});
  });

  it('Recreate has no rollingUpdate; explicit values are kept', () => {
    const d = create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        revisionHistoryLimit: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    });
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.revisionHistoryLimit).toBe(0);
  });

  it('a partly given rollingUpdate is completed', () => {
    const d = create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    });
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' },
    });
  });

  it('ReplicaSet and DaemonSet defaults', () => {
    const template = {
      metadata: { labels: { app: 'a' } },
      spec: { containers: [{ name: 'a', image: 'busybox:1.28' }] },
    };
    const rs = create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'a' },
      spec: { selector: { matchLabels: { app: 'a' } }, template },
    });
    expect(rs.spec.replicas).toBe(1);
    expect(rs.status).toEqual({ replicas: 0 });
    const ds = create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'a' },
      spec: { selector: { matchLabels: { app: 'a' } }, template },
    });
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.template.spec).toEqual({
      ...DEFAULTED_TEMPLATE_SPEC,
      containers: [{ name: 'a', image: 'busybox:1.28', ...DEFAULTED_CONTAINER }],
    });
    expect(ds.status).toEqual({
      currentNumberScheduled: 0,
      desiredNumberScheduled: 0,
      numberMisscheduled: 0,
      numberReady: 0,
    });
  });
});

describe('pods', () => {
  it('a Pod gets spec defaults, admission and a Pending status', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busybox' },
      spec: { containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '3600'] }] },
    });
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'busybox',
          image: 'busybox',
          command: ['sleep', '3600'],
          ...DEFAULTED_CONTAINER,
          imagePullPolicy: 'Always',
        },
      ],
      ...DEFAULTED_TEMPLATE_SPEC,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccount: 'default',
      serviceAccountName: 'default',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('probes, requests from limits and the Guaranteed class', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: {
        serviceAccountName: 'builder',
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            readinessProbe: { httpGet: { port: 80 } },
            livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
          },
        ],
      },
    });
    const c = p.spec.containers[0];
    expect(c.resources).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
      requests: { cpu: '500m', memory: '128Mi' },
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.livenessProbe).toEqual({
      tcpSocket: { port: 80 },
      timeoutSeconds: 1,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(p.spec.serviceAccount).toBe('builder');
    expect(p.status.qosClass).toBe('Guaranteed');
  });

  it.each([
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { memory: '1Gi' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, 'Burstable'],
    [{}, 'BestEffort'],
  ])('QoS class of %j is %s', (resources, qos) => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.28', resources }] },
    });
    expect(p.status.qosClass).toBe(qos);
  });

  it('existing tolerations that cover the taints stop the admission defaults', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', image: 'busybox:1.28' }],
        tolerations: [
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 6,
          },
        ],
      },
    });
    expect(p.spec.tolerations).toEqual([
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 6,
      },
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    const all = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', image: 'busybox:1.28' }],
        tolerations: [{ operator: 'Exists' }],
      },
    });
    expect(all.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('system priority classes resolve to their values', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'kube-system' },
      spec: {
        priorityClassName: 'system-node-critical',
        containers: [{ name: 'c', image: 'x:1' }],
      },
    });
    expect(p.spec.priority).toBe(2000001000);
  });

  it('host network pods publish their container ports on the host', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        hostNetwork: true,
        containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 10250 }] }],
      },
    });
    expect(p.spec.containers[0].ports).toEqual([
      { containerPort: 10250, hostPort: 10250, protocol: 'TCP' },
    ]);
  });

  it('volume defaults', () => {
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', image: 'x:1' }],
        volumes: [
          { name: 'scratch' },
          { name: 'config', configMap: { name: 'cfg' } },
          { name: 'host', hostPath: { path: '/var/log' } },
        ],
      },
    });
    expect(p.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'config', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
    ]);
  });

  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['registry.k8s.io/coredns/coredns:v1.11.1', 'v1.11.1', 'IfNotPresent'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v2', 'v2', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, '', 'IfNotPresent'],
    ['Nginx', '', 'IfNotPresent'],
  ])('image %s has tag %j and pull policy %s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    const p = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image }] },
    });
    expect(p.spec.containers[0].imagePullPolicy).toBe(policy);
  });
});

describe('services and the rest', () => {
  const svc = (spec: Obj): KObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec,
  });

  it('a ClusterIP Service (allocation is not defaulting)', () => {
    const s = create(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it.each([
    ['NodePort', { externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' }],
    [
      'LoadBalancer',
      {
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true,
      },
    ],
  ])('%s adds the external fields', (type, extra) => {
    const s = create(
      svc({ type, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }),
    );
    expect(s.spec).toEqual({
      type,
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
      sessionAffinity: 'None',
      ...extra,
    });
  });

  it('ClientIP affinity gets its 3-hour timeout; ExternalName no traffic policy', () => {
    const s = create(svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }));
    expect(s.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    const e = create(svc({ type: 'ExternalName', externalName: 'example.com' }));
    expect(e.spec).toEqual({
      type: 'ExternalName',
      externalName: 'example.com',
      sessionAffinity: 'None',
    });
  });

  it('namespaces, secrets, configmaps, endpoint slices', () => {
    const ns = create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'dev' });
    expect(ns.status).toEqual({ phase: 'Active' });
    const secret = create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { password: 'pässword' },
    });
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ password: 'cMOkc3N3b3Jk' });
    expect(secret.stringData).toBeUndefined();
    const slice = create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-x' },
      addressType: 'IPv4',
      endpoints: [],
      ports: [{ port: 80 }],
    });
    expect(slice.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  it('the default IngressClass is filled in', () => {
    const f = newFixture({ strategies: false });
    installApiStrategies(f.ctx);
    f.store.create(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: {
          name: 'nginx',
          annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
        },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
      { actor: 'kubectl' },
    );
    const ing = f.store.create(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web' },
        spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
      },
      { actor: 'kubectl' },
    ) as Obj;
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.status).toEqual({ loadBalancer: {} });
  });

  it('base64 as Go encodes and checks it', () => {
    expect(base64Encode('')).toBe('');
    expect(base64Encode('a')).toBe('YQ==');
    expect(base64Encode('ab')).toBe('YWI=');
    expect(base64Encode('abc')).toBe('YWJj');
    expect(base64ErrorOffset('YWJj')).toBe(-1);
    expect(base64ErrorOffset('YQ==')).toBe(-1);
    expect(base64ErrorOffset('YQ=')).toBe(3);
    expect(base64ErrorOffset('YWJjYQ')).toBe(4);
    expect(base64ErrorOffset('YWJj=')).toBe(4);
    expect(base64ErrorOffset('YQ==YQ==')).toBe(4);
    expect(base64ErrorOffset('Y!Jj')).toBe(1);
  });
});

describe('idempotence: re-applying a manifest is a no-op', () => {
  const manifests: KObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.25',
                ports: [{ containerPort: 80, name: 'http' }],
                readinessProbe: { httpGet: { port: 'http' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        type: 'NodePort',
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.28', command: ['sleep', '3600'] }] },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'shop' },
      data: { a: '1' },
    },
  ];

  it('the second apply reports unchanged for every object', () => {
    const cluster = createCluster({ seed: 3, bootstrapMs: 0 });
    const first = cluster.applyObjects(manifests);
    expect(first.map((r) => (r.ok ? r.action : r.error.message))).toEqual([
      'created',
      'created',
      'created',
      'created',
      'created',
    ]);
    cluster.advance(30_000);
    const again = cluster.applyObjects(manifests);
    expect(again.map((r) => (r.ok ? r.action : r.error.message))).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });
});

describe('golden', () => {
  it('a defaulted Deployment and Pod, as `kubectl get -o yaml` orders them', async () => {
    const f = newFixture({ strategies: false });
    installApiStrategies(f.ctx);
    const d = f.store.create(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nginx-deployment', labels: { app: 'nginx' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'nginx' } },
          template: {
            metadata: { labels: { app: 'nginx' } },
            spec: {
              containers: [
                { name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] },
              ],
            },
          },
        },
      },
      { actor: 'kubectl' },
    );
    const p = f.store.create(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'busybox' },
        spec: {
          containers: [{ name: 'busybox', image: 'busybox:1.28', command: ['sleep', '3600'] }],
        },
      },
      { actor: 'kubectl' },
    );
    const text = [d, p]
      .map((o) => stringify(o, { sortMapEntries: true, indentSeq: false, version: '1.1' }))
      .join('---\n');
    await expect(text).toMatchFileSnapshot('__golden__/defaulted-objects.yaml');
  });
});
