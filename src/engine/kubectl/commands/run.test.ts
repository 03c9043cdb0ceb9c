import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string) => ({ stdout: '', stderr, exitCode: 1 });

const pod = (k: KubectlFixture, name: string, ns = 'default'): KObject => {
  const p = k.cluster.store.get('Pod', ns, name);
  if (!p) throw new Error(`no pod ${name}`);
  return p;
};
const spec = (p: KObject) =>
  p.spec as {
    containers: Array<Record<string, unknown>>;
    restartPolicy: string;
    dnsPolicy: string;
    nodeName?: string;
  };

describe('kubectl run', () => {
  test('the classic lesson: busybox sleeping, with args after --', () => {
    const k = kubectlFixture();
    expect(k.run('run busybox --image=busybox:1.28.4 -- sleep 9000')).toEqual(
      ok('pod/busybox created\n'),
    );
    const p = pod(k, 'busybox');
    expect(p.metadata.labels).toEqual({ run: 'busybox' });
    const c = spec(p).containers[0]!;
    expect([c.name, c.image, c.args, c.command]).toEqual([
      'busybox',
      'busybox:1.28.4',
      ['sleep', '9000'],
      undefined,
    ]);
    // What the API server filled in.
    expect([spec(p).restartPolicy, spec(p).dnsPolicy, c.imagePullPolicy]).toEqual([
      'Always',
      'ClusterFirst',
      'IfNotPresent',
    ]);
    k.cluster.advance(30_000);
    expect((pod(k, 'busybox').status as { phase?: string }).phase).toBe('Running');
  });

  test('--command, --port, --env, --labels, --restart, --image-pull-policy', () => {
    const k = kubectlFixture();
    expect(
      k.run(
        'run web --image=nginx --port=80 --env=A=1 --env=B=x=y -l app=web,tier=front --restart=Never --image-pull-policy=Never --command -- nginx -g daemon',
      ),
    ).toEqual(ok('pod/web created\n'));
    const p = pod(k, 'web');
    expect(p.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    const c = spec(p).containers[0]!;
    expect(c.command).toEqual(['nginx', '-g', 'daemon']);
    expect(c.args).toBeUndefined();
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
    ]);
    expect(c.imagePullPolicy).toBe('Never');
    expect(spec(p).restartPolicy).toBe('Never');
  });

  test('-n puts the pod in that namespace', () => {
    const k = kubectlFixture();
    expect(k.run('run x --image=nginx -n kube-public')).toEqual(ok('pod/x created\n'));
    expect(pod(k, 'x', 'kube-public').metadata.namespace).toBe('kube-public');
  });

  test('--expose creates the service first', () => {
    const k = kubectlFixture();
    expect(k.run('run web --image=nginx --port=80 --expose')).toEqual(
      ok('service/web created\npod/web created\n'),
    );
    const svc = k.cluster.store.get('Service', 'default', 'web')!;
    expect(svc.spec).toMatchObject({
      selector: { run: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
    });
    expect(svc.metadata.labels).toBeUndefined();
  });

  test('--dry-run=client -o yaml prints what kubectl would send', () => {
    const k = kubectlFixture();
    expect(k.run('run nginx --image=nginx --dry-run=client -o yaml')).toEqual(
      ok(`apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
`),
    );
    expect(k.cluster.store.get('Pod', 'default', 'nginx')).toBeUndefined();
  });

  test('--dry-run=client -o json keeps Go field order; -n shows the namespace', () => {
    const k = kubectlFixture();
    expect(k.run('run b --image=busybox -n dev --dry-run=client -o json -- sleep 1')).toEqual(
      ok(`{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "b",
        "namespace": "dev",
        "creationTimestamp": null,
        "labels": {
            "run": "b"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "b",
                "image": "busybox",
                "args": [
                    "sleep",
                    "1"
                ],
                "resources": {}
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
`),
    );
  });

  test('--record annotates the pod', () => {
    const k = kubectlFixture();
    expect(k.run('run a --image=nginx --record')).toEqual({
      stdout: 'pod/a created\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    expect(pod(k, 'a').metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'kubectl run a --image=nginx --record=true',
    });
  });

  test('other output forms', () => {
    const k = kubectlFixture();
    expect(k.run('run a --image=nginx --dry-run=client')).toEqual(ok('pod/a created (dry run)\n'));
    expect(k.run('run a --image=nginx --dry-run=server')).toEqual(
      ok('pod/a created (server dry run)\n'),
    );
    expect(k.run('run a --image=nginx -o name')).toEqual(ok('pod/a\n'));
    expect(k.run('run a --image=nginx')).toEqual(
      fail('Error from server (AlreadyExists): pods "a" already exists\n'),
    );
  });

  test.each([
    ['run nginx', 'error: required flag(s) "image" not set\n'],
    ['run --image=nginx', 'error: NAME is required for run\n'],
    ['run --image=nginx -- sleep 1', 'error: NAME is required for run\n'],
    ['run x --image=', 'error: --image is required\n'],
    ['run x --image=Nginx', 'error: Invalid image name "Nginx": invalid reference format\n'],
    ['run x --image=nginx -t', 'error: -i/--stdin is required for containers with -t/--tty=true\n'],
    ['run x --image=nginx --expose', 'error: --port must be set when exposing a service\n'],
    ['run x --image=nginx --restart=Sometimes', 'error: invalid restart policy: Sometimes\n'],
    ['run x --image=nginx --rm', 'error: --rm should only be used for attached containers\n'],
    [
      'run x --image=nginx -it --dry-run=client',
      "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n",
    ],
    ['run x --image=nginx --image-pull-policy=Maybe', 'error: invalid image pull policy: Maybe\n'],
    [
      'run x --image=busybox -it --rm -- sh',
      'error: attaching to a container (-i, -t, --attach) is not available in this playground; create the pod without them, then run "kubectl exec -it x -- sh"\n',
    ],
    ['run x --image=nginx --env=NOEQUALS', 'error: invalid env: NOEQUALS\n'],
    ['run x --image=nginx --env==v', 'error: invalid env: =v\n'],
    ['run x --image=nginx -l a', 'error: unexpected label spec: a\n'],
    [
      'run x --image=nginx --port=http',
      'error: strconv.ParseUint: parsing "http": invalid syntax\n',
    ],
    [
      'run x --image=nginx -o wide',
      'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n',
    ],
    [
      'run Bad --image=nginx',
      // The container is named after the pod, so both names are refused.
      'The Pod "Bad" is invalid: \n' +
        "* metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n" +
        "* spec.containers[0].name: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n",
    ],
  ])('%s', (line, stderr) => {
    const k = kubectlFixture();
    expect(k.run(line)).toEqual(fail(stderr));
    expect(k.cluster.store.list('Pod', { namespace: 'default' })).toEqual([]);
  });
});
