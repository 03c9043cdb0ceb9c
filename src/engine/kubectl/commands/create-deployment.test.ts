import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';
import { buildDeployment, containerNameFor, createDeploymentCommand } from './create-deployment';
import { COMMANDS } from './index';

test('kubectl create lists the sub-command', () => {
  const create = COMMANDS.find((c) => c.name === 'create');
  expect(create?.subcommands).toContain(createDeploymentCommand);
});

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string) => ({ stdout: '', stderr, exitCode: 1 });

const deployment = (k: KubectlFixture, name: string, ns = 'default'): KObject => {
  const d = k.cluster.store.get('Deployment', ns, name);
  if (!d) throw new Error(`no deployment ${name}`);
  return d;
};

describe('kubectl create deployment', () => {
  test('builds the Deployment kubectl 1.30 builds, and it rolls out', () => {
    const k = kubectlFixture();
    expect(k.run('create deployment nginx --image=nginx:1.25 --replicas=2')).toEqual(
      ok('deployment.apps/nginx created\n'),
    );
    const d = deployment(k, 'nginx');
    expect(d.metadata.labels).toEqual({ app: 'nginx' });
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
      },
      strategy: { type: 'RollingUpdate' },
    });
    k.cluster.advance(60_000);
    const pods = k.cluster.store.list('Pod', { namespace: 'default' });
    expect(pods.length).toBe(2);
    expect(pods.every((p) => (p.status as { phase?: string }).phase === 'Running')).toBe(true);
  });

  test('deploy alias, --port, a command after --, -n', () => {
    const k = kubectlFixture();
    expect(
      k.run('create deploy my-dep --image=busybox --port=5701 -n kube-public -- date'),
    ).toEqual(ok('deployment.apps/my-dep created\n'));
    const c = (
      deployment(k, 'my-dep', 'kube-public').spec as {
        template: { spec: { containers: Array<Record<string, unknown>> } };
      }
    ).template.spec.containers[0]!;
    expect(c).toMatchObject({
      name: 'busybox',
      image: 'busybox',
      command: ['date'],
      ports: [{ containerPort: 5701, protocol: 'TCP' }],
    });
    expect((deployment(k, 'my-dep', 'kube-public').spec as { replicas: number }).replicas).toBe(1);
  });

  test('several images: one container each, the port on the first', () => {
    const k = kubectlFixture();
    expect(
      k.run(
        'create deployment multi --image=busybox:latest,docker.io/library/ubuntu:22.04 --image=nginx --port=80',
      ),
    ).toEqual(ok('deployment.apps/multi created\n'));
    const containers = (
      deployment(k, 'multi').spec as {
        template: { spec: { containers: Array<{ name: string; ports?: unknown }> } };
      }
    ).template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['busybox', 'ubuntu', 'nginx']);
    expect(containers.map((c) => c.ports !== undefined)).toEqual([true, false, false]);
  });

  test.each([
    ['nginx', 'nginx'],
    ['nginx:1.25', 'nginx'],
    ['registry.k8s.io/pause:3.9', 'pause'],
    ['busybox@sha256:0123456789abcdef0123456789abcdef', 'busybox'],
    ['3199560936/httpd:v0.4', 'httpd'],
  ])('container name for %s is %s', (image, name) => {
    expect(containerNameFor(image, () => 'xxxxx')).toBe(name);
  });

  test('names with . or _ are made DNS-safe with a random suffix', () => {
    expect(containerNameFor('my_app.v2:1', () => 'b4c2x')).toBe('my-app-v2-b4c2x');
    const k = kubectlFixture();
    k.run('create deployment x --image=my_app');
    const name = (
      deployment(k, 'x').spec as { template: { spec: { containers: Array<{ name: string }> } } }
    ).template.spec.containers[0]!.name;
    expect(name).toMatch(/^my-app-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('--dry-run=client -o yaml', () => {
    const k = kubectlFixture();
    expect(
      k.run(
        'create deployment frontend --image=kodekloud/webapp-color:v2 --replicas=4 --dry-run=client -o yaml',
      ),
    ).toEqual(
      ok(`apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: frontend
  name: frontend
spec:
  replicas: 4
  selector:
    matchLabels:
      app: frontend
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: frontend
    spec:
      containers:
      - image: kodekloud/webapp-color:v2
        name: webapp-color
        resources: {}
status: {}
`),
    );
    expect(k.cluster.store.get('Deployment', 'default', 'frontend')).toBeUndefined();
    expect(k.run('create deployment frontend --image=nginx --dry-run=client')).toEqual(
      ok('deployment.apps/frontend created (dry run)\n'),
    );
    expect(k.run('create deployment frontend --image=nginx -o name')).toEqual(
      ok('deployment.apps/frontend\n'),
    );
  });

  test.each([
    ['create deployment x', 'error: required flag(s) "image" not set\n'],
    [
      'create deployment --image=nginx',
      "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n",
    ],
    [
      'create deployment a b --image=nginx',
      "error: exactly one NAME is required, got 2\nSee 'kubectl create deployment -h' for help and examples\n",
    ],
    [
      'create deployment a --image=nginx --image=redis -- date',
      'error: cannot specify multiple --image options and command\n',
    ],
    [
      'create deployment a --image=nginx --replicas=-1',
      'error: failed to create deployment: Deployment.apps "a" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    ],
    [
      'create deployment a --image=nginx -n nope',
      'error: failed to create deployment: namespaces "nope" not found\n',
    ],
  ])('%s', (line, stderr) => {
    const k = kubectlFixture();
    expect(k.run(line)).toEqual(fail(stderr));
    expect(k.cluster.store.list('Deployment', { namespace: 'default' })).toEqual([]);
  });

  test('an existing name: the API error, wrapped', () => {
    const k = kubectlFixture();
    k.run('create deployment a --image=nginx');
    expect(k.run('create deployment a --image=nginx')).toEqual(
      fail('error: failed to create deployment: deployments.apps "a" already exists\n'),
    );
  });

  test('buildDeployment keeps Go field order (what -o json shows for a dry run)', () => {
    const d = buildDeployment({
      name: 'x',
      images: ['nginx'],
      replicas: 1,
      port: 80,
      command: [],
      suffix: () => '',
    });
    expect(Object.keys(d)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(Object.keys(d.spec as object)).toEqual(['replicas', 'selector', 'template', 'strategy']);
  });
});
