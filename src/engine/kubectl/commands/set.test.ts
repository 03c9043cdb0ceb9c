import { describe, expect, test } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import type { DeploymentObj, ReplicaSetObj } from '../../controllers/deployment/util';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';
import { getResourcesAndPairs, parseImagePairs } from './set';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: httpd2
  name: httpd2
spec:
  replicas: 3
  selector:
    matchLabels:
      app: httpd2
  template:
    metadata:
      labels:
        app: httpd2
    spec:
      containers:
      - image: 3199560936/httpd:v0.4
        name: httpd2
---
apiVersion: v1
kind: Pod
metadata:
  name: test
  labels:
    app: test01
spec:
  initContainers:
  - image: busybox:1.28.4
    name: init
    command: [sh, -c, "true"]
  containers:
  - image: nginx
    name: nginx
  - image: redis
    name: redis
  - image: memcached
    name: memcached
`;

function fixture(): KubectlFixture {
  const k = kubectlFixture();
  for (const o of k.cluster.apply(MANIFESTS).outcomes) expect(o.ok).toBe(true);
  k.cluster.advance(60_000);
  return k;
}

const deployment = (k: KubectlFixture): DeploymentObj =>
  k.cluster.store.get<DeploymentObj>('Deployment', 'default', 'httpd2')!;
const pod = (k: KubectlFixture): Pod & KObject =>
  k.cluster.store.get<Pod & KObject>('Pod', 'default', 'test')!;
const templateImages = (o: { spec?: { template?: { spec?: Pod['spec'] } } }): string[] =>
  (o.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`);
const podImages = (p: Pod): string[] =>
  [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map(
    (c) => `${c.name}=${c.image}`,
  );

describe('set image: the ways to name the object', () => {
  test.each([
    'set image deploy/httpd2 httpd2=httpd:v0.4',
    'set image deployment/httpd2 httpd2=httpd:v0.4',
    'set image deployment httpd2 httpd2=httpd:v0.4',
    'set image deployments.apps/httpd2 httpd2=httpd:v0.4',
    'set image deploy/httpd2 *=httpd:v0.4',
    'set image deploy -l app=httpd2 httpd2=httpd:v0.4',
    'set image deploy --all httpd2=httpd:v0.4',
  ])('%s', (line) => {
    const k = fixture();
    expect(k.run(line)).toEqual({
      stdout: 'deployment.apps/httpd2 image updated\n',
      stderr: '',
      exitCode: 0,
    });
    expect(templateImages(deployment(k))).toEqual(['httpd2=httpd:v0.4']);
  });

  test('a pod: several pairs, init containers too', () => {
    const k = fixture();
    expect(k.run('set image pod/test nginx=nginx:1.25 redis=redis:7 init=busybox:1.36')).toEqual({
      stdout: 'pod/test image updated\n',
      stderr: '',
      exitCode: 0,
    });
    expect(podImages(pod(k))).toEqual([
      'init=busybox:1.36',
      'nginx=nginx:1.25',
      'redis=redis:7',
      'memcached=memcached',
    ]);
  });

  test('a pod: * sets every container, init containers included', () => {
    const k = fixture();
    expect(k.run('set image po test *=busybox:1.28.4').stdout).toBe('pod/test image updated\n');
    expect(podImages(pod(k))).toEqual([
      'init=busybox:1.28.4',
      'nginx=busybox:1.28.4',
      'redis=busybox:1.28.4',
      'memcached=busybox:1.28.4',
    ]);
  });

  test('a ReplicaSet and a DaemonSet', () => {
    const k = fixture();
    const rs = k.cluster.store.list<ReplicaSetObj>('ReplicaSet', { namespace: 'default' })[0]!;
    const name = rs.metadata.name ?? '';
    expect(k.run(`set image rs/${name} httpd2=httpd:2.4`)).toEqual({
      stdout: `replicaset.apps/${name} image updated\n`,
      stderr: '',
      exitCode: 0,
    });
    expect(
      templateImages(k.cluster.store.get<ReplicaSetObj>('ReplicaSet', 'default', name)!),
    ).toEqual(['httpd2=httpd:2.4']);
    expect(
      k.run('set image ds/kube-proxy kube-proxy=registry.k8s.io/kube-proxy:v1.30.3 -n kube-system'),
    ).toEqual({ stdout: 'daemonset.apps/kube-proxy image updated\n', stderr: '', exitCode: 0 });
  });

  test('the new template starts a rollout: a second ReplicaSet, revision 2', () => {
    // httpd:2.4 exists (httpd:v0.4, the lesson's image, does not: that rollout never finishes).
    const k = fixture();
    k.run('set image deploy/httpd2 httpd2=httpd:2.4');
    k.cluster.advance(60_000);
    const rss = k.cluster.store.list<ReplicaSetObj>('ReplicaSet', { namespace: 'default' });
    expect(
      rss
        .map((rs) => [
          rs.spec?.template?.spec?.containers?.[0]?.image,
          rs.spec?.replicas,
          rs.metadata.annotations?.['deployment.kubernetes.io/revision'],
        ])
        .sort(),
    ).toEqual([
      ['3199560936/httpd:v0.4', 0, '1'],
      ['httpd:2.4', 3, '2'],
    ]);
  });
});

describe('set image: --record', () => {
  test('writes the command line into kubernetes.io/change-cause, with the deprecation warning', () => {
    const k = fixture();
    expect(k.run('set image deploy/httpd2 httpd2=httpd:v0.4 --record=true')).toEqual({
      stdout: 'deployment.apps/httpd2 image updated\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    expect(deployment(k).metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true',
    );
    // The deployment controller copies it to the new ReplicaSet.
    k.cluster.advance(1_000);
    const causes = k.cluster.store
      .list<ReplicaSetObj>('ReplicaSet', { namespace: 'default' })
      .map((rs) => rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>')
      .sort();
    expect(causes).toEqual([
      '<none>',
      'kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true',
    ]);
  });

  test('flags end up after the arguments, in the order typed', () => {
    const k = fixture();
    k.run('set image --record -n default pod/test nginx=nginx:1.25');
    expect(pod(k).metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl set image pod/test nginx=nginx:1.25 --record=true --namespace=default',
    );
  });

  test('--record=false records nothing (the warning still shows: the flag was used)', () => {
    const k = fixture();
    const r = k.run('set image deploy/httpd2 httpd2=httpd:v0.4 --record=false');
    expect(r.stderr).toBe(
      'Flag --record has been deprecated, --record will be removed in the future\n',
    );
    expect(deployment(k).metadata.annotations?.['kubernetes.io/change-cause']).toBeUndefined();
  });
});

describe('set image: nothing to change, and errors', () => {
  test('the same image again: no write, no output', () => {
    const k = fixture();
    const rv = deployment(k).metadata.resourceVersion;
    expect(k.run('set image deploy/httpd2 httpd2=3199560936/httpd:v0.4')).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect(deployment(k).metadata.resourceVersion).toBe(rv);
  });

  test('an unknown container: the error, and nothing written', () => {
    const k = fixture();
    const rv = deployment(k).metadata.resourceVersion;
    expect(k.run('set image deploy/httpd2 foo=nginx')).toEqual({
      stdout: '',
      stderr: 'error: unable to find container named "foo"\n',
      exitCode: 1,
    });
    expect(deployment(k).metadata.resourceVersion).toBe(rv);
  });

  test('an unknown container with --record: the annotation alone is a change, so it is written', () => {
    const k = fixture();
    expect(k.run('set image deploy/httpd2 foo=x --record')).toEqual({
      stdout: 'deployment.apps/httpd2 image updated\n',
      stderr:
        'Flag --record has been deprecated, --record will be removed in the future\n' +
        'error: unable to find container named "foo"\n',
      exitCode: 1,
    });
    expect(templateImages(deployment(k))).toEqual(['httpd2=3199560936/httpd:v0.4']);
  });

  test('an unknown container next to a known one: the known one is updated', () => {
    const k = fixture();
    expect(k.run('set image pod/test foo=nginx redis=redis:7 bar=x')).toEqual({
      stdout: 'pod/test image updated\n',
      stderr:
        'error: unable to find container named "foo"\nerror: unable to find container named "bar"\n',
      exitCode: 1,
    });
    expect(podImages(pod(k))).toContain('redis=redis:7');
  });

  test.each([
    ['set image deploy/httpd2', 'error: at least one image update is required\n'],
    [
      'set image',
      'error: You must provide one or more resources by argument or filename.\n' +
        'Example resource specifications include:\n' +
        "   '-f rsrc.yaml'\n" +
        "   '--filename=rsrc.json'\n" +
        "   '<resource> <name>'\n" +
        "   '<resource>'\n",
    ],
    [
      'set image httpd2=httpd:v0.4 deploy/httpd2',
      'error: all resources must be specified before image changes: deploy/httpd2\n',
    ],
    ['set image deploy/httpd2 httpd2-', 'error: invalid image format: httpd2-\n'],
    ['set image deploy httpd2=x', 'error: resource(s) were provided, but no name was specified\n'],
    [
      'set image deploy/httpd2 *=a httpd2=b',
      'error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n',
    ],
    // Validate aggregates: several problems print one per line, without the "error: " prefix.
    [
      'set image deploy --all -l app=httpd2',
      'cannot set --all and --selector at the same time\nat least one image update is required\n',
    ],
    [
      'set image deploy/nope a=b',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    [
      'set image deploy/httpd2 -l app=httpd2 a=b',
      'error: name cannot be provided when a selector is specified\n',
    ],
    [
      'set image svc/kubernetes a=b',
      'error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service\n',
    ],
    ['set image foo/bar a=b', 'error: the server doesn\'t have a resource type "foo"\n'],
  ])('%s', (line, stderr) => {
    const k = fixture();
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  test('`set image --help` and `set --help`', () => {
    const k = fixture();
    const help = k.run('set image --help').stdout;
    expect(help.startsWith('Update existing container image(s) of resources.\n')).toBe(true);
    expect(help).toContain(
      // Wrapped at 120 columns, as kubectl's responsive writer does in a wide terminal.
      'Usage:\n  kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N\n[options]\n',
    );
    expect(help).toContain(
      '        pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj),\nreplicaset (rs)\n',
    );
    // --record is deprecated, so pflag hides it.
    expect(help).not.toContain('--record');
    expect(k.run('set --help').stdout).toContain(
      // Padded for the real list, whose longest name is `serviceaccount`.
      'Available Commands:\n  image            Update the image of a pod template\n',
    );
  });
});

describe('argument splitting (cmdutil.GetResourcesAndPairs / ParsePairs)', () => {
  test.each([
    [['deploy/x', 'a=b'], ['deploy/x'], ['a=b']],
    [
      ['deploy', 'x', 'a=b', 'c=d:1'],
      ['deploy', 'x'],
      ['a=b', 'c=d:1'],
    ],
    [['deploy/x', '=b'], ['deploy/x', '=b'], []],
    [['deploy/x', 'a-'], ['deploy/x'], ['a-']],
    [['-'], ['-'], []],
  ])('%j', (args, resources, pairs) => {
    expect(getResourcesAndPairs(args, 'image')).toEqual({ resources, pairs });
  });

  test('pairs keep their order; the image may contain "="', () => {
    expect([...parseImagePairs(['b=x', 'a=y=z'])]).toEqual([
      ['b', 'x'],
      ['a', 'y=z'],
    ]);
    expect(() => parseImagePairs(['a', 'b-', 'c=d'])).toThrow('invalid image format: a, b-');
  });
});
