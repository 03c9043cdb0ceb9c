/**
 * `kubectl describe` end to end, against the default cluster (seed 1) running the classic
 * lesson's manifests. The golden files are what kubectl 1.30 prints, modulo names and IPs; each
 * was checked line by line against describe.go and real clusters' output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';
// The classic lesson's manifests, byte for byte as examples/walkthrough holds them.
import DEPLOYMENT_YML from '../../../../examples/walkthrough/deployment.yml?raw';
import TEST_YML from '../../../../examples/walkthrough/test.yml?raw';
import SERVICE_YML from '../../../../examples/walkthrough/service.yml?raw';

const golden = (name: string): string => `__golden__/${name}`;

function names(k: KubectlFixture, kind: string, prefix: string): string[] {
  return k.cluster.store
    .list(kind, { namespace: 'default' })
    .map((o: KObject) => o.metadata.name ?? '')
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** What `kubectl apply -f` does with the manifest (the apply command has tests of its own). */
function applyAll(k: KubectlFixture, yaml: string): void {
  const { outcomes } = k.cluster.apply(yaml);
  expect(outcomes.every((o) => o.ok)).toBe(true);
}

function ok(k: KubectlFixture, line: string): string {
  const r = k.run(line);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

describe('kubectl describe: the classic lesson', () => {
  let k: KubectlFixture;
  beforeAll(() => {
    k = kubectlFixture({
      files: { 'deployment.yml': DEPLOYMENT_YML, 'test.yml': TEST_YML, 'service.yml': SERVICE_YML },
    });
    applyAll(k, DEPLOYMENT_YML);
    k.cluster.advance(16_000);
  });

  it('describes a pod of the Deployment', async () => {
    const pod = names(k, 'Pod', 'httpd2-')[0]!;
    const out = ok(k, `describe pod ${pod}`);
    expect(out.split('\n')[0]).toBe(`Name:             ${pod}`);
    await expect(out).toMatchFileSnapshot(golden('pod.txt'));
  });

  it('describes every pod whose name starts with the prefix, each followed by a blank line', async () => {
    const out = ok(k, 'describe pod httpd2');
    expect(out.match(/^Name: /gm)).toHaveLength(3);
    expect(out.endsWith('\n\n')).toBe(true);
    await expect(out).toMatchFileSnapshot(golden('pods-by-prefix.txt'));
  });

  it('describes the Deployment', async () => {
    await expect(ok(k, 'describe deployment httpd2')).toMatchFileSnapshot(golden('deployment.txt'));
  });

  it('describes the ReplicaSet', async () => {
    await expect(ok(k, 'describe rs')).toMatchFileSnapshot(golden('replicaset.txt'));
  });

  it('describes all services of the namespace, two blank lines apart', async () => {
    const out = ok(k, 'describe svc');
    expect(out).toContain('Events:            <none>\n\n\nName:              kubernetes\n');
    await expect(out).toMatchFileSnapshot(golden('services.txt'));
  });

  it('describes the Endpoints', async () => {
    await expect(ok(k, 'describe endpoints httpd2')).toMatchFileSnapshot(golden('endpoints.txt'));
  });

  it('describes the EndpointSlice', async () => {
    const slice = names(k, 'EndpointSlice', 'httpd2-')[0]!;
    await expect(ok(k, `describe endpointslice ${slice}`)).toMatchFileSnapshot(
      golden('endpointslice.txt'),
    );
  });

  it('describes the namespaces', async () => {
    await expect(ok(k, 'describe ns')).toMatchFileSnapshot(golden('namespaces.txt'));
  });

  it('describes the control-plane node and a worker', async () => {
    await expect(ok(k, 'describe node master')).toMatchFileSnapshot(golden('node-master.txt'));
    await expect(ok(k, 'describe no/node1')).toMatchFileSnapshot(golden('node-node1.txt'));
  });

  it('describes the kube-system CoreDNS Deployment (ports, probes, resources, tolerations)', async () => {
    await expect(ok(k, 'describe deploy coredns -n kube-system')).toMatchFileSnapshot(
      golden('deployment-coredns.txt'),
    );
  });

  it('describes the multi-container pod and the NodePort service', async () => {
    applyAll(k, TEST_YML);
    applyAll(k, SERVICE_YML);
    k.cluster.advance(36_000);
    await expect(ok(k, 'describe pod test')).toMatchFileSnapshot(golden('pod-test.txt'));
    await expect(ok(k, 'describe service nginx')).toMatchFileSnapshot(
      golden('service-nodeport.txt'),
    );
  });

  it('shows the old ReplicaSet after a rollout', async () => {
    expect(k.run('set image deploy/httpd2 httpd2=httpd:2.4').exitCode).toBe(0);
    k.cluster.advance(60_000);
    await expect(ok(k, 'describe deploy httpd2')).toMatchFileSnapshot(
      golden('deployment-rolled.txt'),
    );
  });

  it('describes the objects a manifest names (-f)', () => {
    const out = ok(k, 'describe -f deployment.yml');
    expect(out.match(/^Name: /gm)).toHaveLength(2);
    expect(out).toContain('\n\n\nName:              httpd2\nNamespace:         default\n');
  });

  it('leaves the events out with --show-events=false', () => {
    const out = ok(k, 'describe svc kubernetes --show-events=false');
    expect(out).not.toContain('Events:');
    expect(out.endsWith('Session Affinity:  None\n')).toBe(true);
  });

  it('selects with -l, in all namespaces with -A', () => {
    const out = ok(k, 'describe svc -A -l k8s-app=kube-dns');
    expect(out.split('\n').slice(0, 2)).toEqual([
      'Name:              kube-dns',
      'Namespace:         kube-system',
    ]);
  });
});

describe('kubectl describe: pods in trouble', () => {
  let k: KubectlFixture;
  beforeAll(() => {
    k = kubectlFixture();
    k.cluster.apply(`apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: crash
    image: busybox
    command: ["sh", "-c", "exit 3"]
---
apiVersion: v1
kind: Pod
metadata:
  name: nowhere
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 80
      name: http
    env:
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: GREETING
      value: hello
    resources:
      requests:
        cpu: 250m
        memory: 64Mi
      limits:
        memory: 128Mi
    readinessProbe:
      httpGet:
        path: /
        port: http
`);
    k.cluster.advance(90_000);
  });

  it('describes a crash-looping pod: last state, restarts, repeated events', async () => {
    const out = ok(k, 'describe pod crash');
    expect(out).toContain('      Reason:       CrashLoopBackOff\n');
    expect(out).toMatch(/ \(x\d+ over \d+s\) /);
    await expect(out).toMatchFileSnapshot(golden('pod-crashloop.txt'));
  });

  it('describes a pod no node can take', async () => {
    const out = ok(k, 'describe pod nowhere');
    expect(out).toContain('Node:             <none>\n');
    expect(out).toContain('IPs:              <none>\n');
    await expect(out).toMatchFileSnapshot(golden('pod-pending.txt'));
  });

  it('describes a terminating pod', () => {
    k.cluster.store.delete('Pod', 'default', 'crash', { actor: 'kubectl', gracePeriodSeconds: 30 });
    const out = ok(k, 'describe pod crash');
    expect(out).toContain('Status:                    Terminating (lasts <invalid>)\n');
    expect(out).toContain('Termination Grace Period:  30s\n');
  });
});

describe('kubectl describe: errors and edge cases', () => {
  let k: KubectlFixture;
  beforeAll(() => {
    k = kubectlFixture();
  });

  it.each([
    ['describe pod nope', 'Error from server (NotFound): pods "nope" not found\n'],
    ['describe deploy nope', 'Error from server (NotFound): deployments.apps "nope" not found\n'],
    ['describe pods/nope', 'Error from server (NotFound): pods "nope" not found\n'],
    ['describe node nope', 'Error from server (NotFound): nodes "nope" not found\n'],
    // The prefix search looks in the command's namespace only.
    ['describe pod core', 'Error from server (NotFound): pods "core" not found\n'],
    [
      'describe pod a b',
      'Error from server (NotFound): pods "a" not found\nError from server (NotFound): pods "b" not found\n',
    ],
    [
      'describe',
      'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n',
    ],
    ['describe foo', 'error: the server doesn\'t have a resource type "foo"\n'],
    ['describe pod x -l a=b', 'error: name cannot be provided when a selector is specified\n'],
    [
      'describe pod/x -l a=b',
      'error: selectors and the all flag cannot be used when passing resource/name arguments\n',
    ],
    ['describe pod x -A', 'error: a resource cannot be retrieved by name across all namespaces\n'],
    ['describe -f nope.yml', 'error: the path "nope.yml" does not exist\n'],
    // A lone NotFound sends describe to the prefix search, which takes a single type.
    ['describe deploy,svc kubernetes', 'error: you may only specify a single resource type\n'],
    [
      'describe pods --foo',
      "error: unknown flag: --foo\nSee 'kubectl describe --help' for usage.\n",
    ],
  ])('%s', (line, stderr) => {
    const r = k.run(line);
    expect(r).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('finds a prefix in the namespace given with -n', () => {
    const out = ok(k, 'describe pod coredns -n kube-system');
    expect(out.match(/^Name: /gm)).toHaveLength(2);
  });

  it('says so when nothing matches', () => {
    expect(k.run('describe pods')).toEqual({
      stdout: '',
      stderr: 'No resources found in default namespace.\n',
      exitCode: 0,
    });
    expect(k.run('describe deploy -n kube-public')).toEqual({
      stdout: '',
      stderr: 'No resources found in kube-public namespace.\n',
      exitCode: 0,
    });
    expect(k.run('describe pods -A -l app=none')).toEqual({
      stdout: '',
      stderr: 'No resources found\n',
      exitCode: 0,
    });
  });

  it('prints what it found, then what it did not', () => {
    const r = k.run('describe svc kubernetes nope');
    expect(r.stdout.startsWith('Name:              kubernetes\n')).toBe(true);
    expect(r.stderr).toBe('Error from server (NotFound): services "nope" not found\n');
    expect(r.exitCode).toBe(1);
  });

  it('prints its help', () => {
    const r = k.run('describe --help');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'Show details of a specific resource or group of resources.',
    );
    expect(r.stdout).toContain(
      '\nUsage:\n  kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]\n',
    );
  });
});
