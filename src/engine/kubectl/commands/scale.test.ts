import { describe, expect, test } from 'vitest';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

const DEPLOYMENTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: front
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: httpd
        image: httpd
`;

function fixture(): KubectlFixture {
  const k = kubectlFixture();
  for (const o of k.cluster.apply(DEPLOYMENTS).outcomes) expect(o.ok).toBe(true);
  k.cluster.advance(30_000);
  return k;
}

const replicas = (k: KubectlFixture, kind: string, name: string) =>
  (k.cluster.store.get(kind, 'default', name)?.spec as { replicas?: number }).replicas;
const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, stdout = '') => ({ stdout, stderr, exitCode: 1 });

describe('kubectl scale', () => {
  test.each([
    'scale deploy/web --replicas=5',
    'scale deployment web --replicas=5',
    'scale --replicas=5 deployments.apps/web',
    'scale deployment web --replicas 5 --current-replicas=2',
  ])('%s', (line) => {
    const k = fixture();
    expect(k.run(line)).toEqual(ok('deployment.apps/web scaled\n'));
    expect(replicas(k, 'Deployment', 'web')).toBe(5);
    k.cluster.advance(30_000);
    expect(k.cluster.store.list('Pod', { namespace: 'default' }).length).toBe(6);
  });

  test('scaled is printed even when nothing changes; several objects; -l; --all', () => {
    const k = fixture();
    expect(k.run('scale deploy web --replicas=2')).toEqual(ok('deployment.apps/web scaled\n'));
    expect(k.run('scale deploy web api --replicas=3')).toEqual(
      ok('deployment.apps/web scaled\ndeployment.apps/api scaled\n'),
    );
    expect(k.run('scale deploy -l tier=front --replicas=1')).toEqual(
      ok('deployment.apps/web scaled\n'),
    );
    expect(k.run('scale deploy --all --replicas=0')).toEqual(
      ok('deployment.apps/api scaled\ndeployment.apps/web scaled\n'),
    );
    expect([replicas(k, 'Deployment', 'api'), replicas(k, 'Deployment', 'web')]).toEqual([0, 0]);
  });

  test('a ReplicaSet scales (its Deployment then scales it back)', () => {
    const k = fixture();
    const rs = k.cluster.store.list('ReplicaSet', { namespace: 'default' })[0]!;
    const name = rs.metadata.name ?? '';
    expect(k.run(`scale rs ${name} --replicas=4`)).toEqual(ok(`replicaset.apps/${name} scaled\n`));
  });

  test('--record writes the change-cause and warns that the flag is deprecated', () => {
    const k = fixture();
    expect(k.run('scale deploy/web --replicas=3 --record')).toEqual({
      stdout: 'deployment.apps/web scaled\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    expect(
      k.cluster.store.get('Deployment', 'default', 'web')?.metadata.annotations?.[
        'kubernetes.io/change-cause'
      ],
    ).toBe('kubectl scale deploy/web --replicas=3 --record=true');
  });

  test('preconditions', () => {
    const k = fixture();
    expect(k.run('scale --current-replicas=3 --replicas=5 deployment/web')).toEqual(
      fail('error: Expected replicas to be 3, was 2\n'),
    );
    expect(k.run('scale --resource-version=1 --replicas=5 deployment/web')).toEqual(
      fail(
        `error: Expected resource version to be 1, was ${k.cluster.store.get('Deployment', 'default', 'web')?.metadata.resourceVersion}\n`,
      ),
    );
    expect(replicas(k, 'Deployment', 'web')).toBe(2);
  });

  test('dry runs change nothing', () => {
    const k = fixture();
    expect(k.run('scale deploy/web --replicas=9 --dry-run=client')).toEqual(
      ok('deployment.apps/web scaled (dry run)\n'),
    );
    expect(k.run('scale deploy/web --replicas=9 --dry-run=server')).toEqual(
      ok('deployment.apps/web scaled (server dry run)\n'),
    );
    expect(replicas(k, 'Deployment', 'web')).toBe(2);
  });

  test('missing objects are reported after the others', () => {
    const k = fixture();
    expect(k.run('scale deploy web nope --replicas=3')).toEqual(
      fail(
        'Error from server (NotFound): deployments.apps "nope" not found\n',
        'deployment.apps/web scaled\n',
      ),
    );
  });

  test.each([
    ['scale deployment web', 'error: required flag(s) "replicas" not set\n'],
    ['scale', 'error: required flag(s) "replicas" not set\n'],
    [
      'scale deployment web --replicas=-1',
      'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n',
    ],
    [
      'scale deployment web --replicas=1 --current-replicas=-2',
      'error: The --current-replicas must specify an integer of -1 or greater\n',
    ],
    [
      'scale --replicas=3',
      "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    ],
    [
      'scale deployment --replicas=3',
      'error: resource(s) were provided, but no name was specified\n',
    ],
    ['scale deploy -l app=none --replicas=3', 'error: no objects passed to scale\n'],
    [
      'scale deployment nope --replicas=3',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    [
      'scale deploy web api --replicas=3 --resource-version=1',
      'error: cannot use --resource-version with multiple resources\n',
    ],
    [
      'scale deployment web --replicas=x',
      'error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee \'kubectl scale --help\' for usage.\n',
    ],
    [
      'scale ds kube-proxy -n kube-system --replicas=3',
      'Error from server (NotFound): the server could not find the requested resource\n',
    ],
  ])('%s', (line, stderr) => {
    const k = fixture();
    expect(k.run(line)).toEqual(fail(stderr));
  });

  test('a pod has no scale subresource', () => {
    const k = fixture();
    const pod = k.cluster.store.list('Pod', { namespace: 'default' })[0]!.metadata.name ?? '';
    expect(k.run(`scale pod ${pod} --replicas=3`)).toEqual(
      fail('Error from server (NotFound): the server could not find the requested resource\n'),
    );
  });
});
