import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

/**
 * httpd2 (3 replicas), a bare pod bound to node1, and a ReplicaSet whose pod (with an emptyDir
 * volume) may only run on node1, so that its replacement stays Pending once node1 is cordoned.
 */
const WORKLOADS = `apiVersion: apps/v1
kind: Deployment
metadata:
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
  name: bare
spec:
  nodeName: node1
  containers:
  - name: nginx
    image: nginx
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: cache
spec:
  replicas: 1
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      nodeSelector:
        kubernetes.io/hostname: node1
      containers:
      - name: memcached
        image: memcached
        volumeMounts:
        - name: scratch
          mountPath: /scratch
      volumes:
      - name: scratch
        emptyDir: {}
`;

function fixture(): KubectlFixture {
  const k = kubectlFixture();
  for (const o of k.cluster.apply(WORKLOADS).outcomes) expect(o.ok).toBe(true);
  k.cluster.advance(30_000);
  return k;
}

const podsOn = (k: KubectlFixture, node: string): KObject[] =>
  k.cluster.store
    .list('Pod')
    .filter((p) => (p.spec as { nodeName?: string }).nodeName === node)
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}`
        ? -1
        : 1,
    );
const names = (pods: KObject[]) => pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

describe('kubectl drain', () => {
  test('the whole story, as a transcript (golden)', async () => {
    const k = fixture();
    let transcript = '';
    const run = (line: string): void => {
      const r = k.run(line);
      // stdout and stderr apart, as a CommandResult keeps them.
      const err = r.stderr ? `[stderr]\n${r.stderr}` : '';
      transcript += `$ kubectl ${line}\n${r.stdout}${err}[exit ${r.exitCode}]\n`;
    };
    transcript += `# pods on node1: ${names(podsOn(k, 'node1')).join(' ')}\n`;
    run('drain node1');
    run('drain node1 --ignore-daemonsets');
    run('drain node1 --ignore-daemonsets --force');
    run('drain node1 --ignore-daemonsets --force --delete-emptydir-data');
    transcript += `# pods on node1: ${names(podsOn(k, 'node1')).join(' ')}\n`;
    run('drain node1 --ignore-daemonsets');
    run('uncordon node1');
    await expect(transcript).toMatchFileSnapshot('../__golden__/drain.txt');
  });

  test('evicted pods are gone, replaced elsewhere, and the node is cordoned', () => {
    const k = fixture();
    const before = podsOn(k, 'node1').map((p) => p.metadata.name);
    const r = k.run('drain node1 --ignore-daemonsets --force --delete-emptydir-data');
    expect(r.exitCode).toBe(0);
    const after = names(podsOn(k, 'node1'));
    // Only the DaemonSet's pod stays.
    expect(after.length).toBe(1);
    expect(after[0]!.startsWith('kube-system/kube-proxy-')).toBe(true);
    expect(before.length).toBeGreaterThan(1);
    expect(
      (k.cluster.store.get('Node', undefined, 'node1')?.spec as { unschedulable?: boolean })
        .unschedulable,
    ).toBe(true);
    k.cluster.advance(30_000);
    const httpd = k.cluster.store
      .list('Pod', { namespace: 'default' })
      .filter((p) => p.metadata.labels?.app === 'httpd2');
    expect(httpd.length).toBe(3);
    for (const p of httpd) expect((p.spec as { nodeName?: string }).nodeName).toBe('node2');
  });

  test('--dry-run=client cordons nothing and evicts nothing', () => {
    const k = fixture();
    const before = names(podsOn(k, 'node1'));
    const r = k.run(
      'drain node1 --ignore-daemonsets --force --delete-emptydir-data --dry-run=client',
    );
    const evictable = before.filter((n) => !n.startsWith('kube-system/kube-proxy-'));
    expect(r.stdout).toBe(
      'node/node1 cordoned (dry run)\n' +
        evictable.map((n) => `evicting pod ${n} (dry run)\n`).join('') +
        'node/node1 drained (dry run)\n',
    );
    expect(names(podsOn(k, 'node1'))).toEqual(before);
  });

  test('--disable-eviction deletes, --grace-period shortens, --pod-selector filters', () => {
    const k = fixture();
    const r = k.run(
      'drain node1 --ignore-daemonsets --disable-eviction --grace-period=0 --pod-selector=app=httpd2',
    );
    const httpdOnNode1 = r.stdout.match(/pod\/httpd2-\S+ deleted/g) ?? [];
    expect(r.stdout.startsWith('node/node1 cordoned\n')).toBe(true);
    expect(r.stdout.endsWith('node/node1 drained\n')).toBe(true);
    expect(r.stdout.includes('evicting')).toBe(false);
    expect(httpdOnNode1.length).toBeGreaterThan(0);
    expect(names(podsOn(k, 'node1')).some((n) => n.startsWith('default/httpd2-'))).toBe(false);
    expect(names(podsOn(k, 'node1')).includes('default/bare')).toBe(true);
  });

  test('--timeout gives up on pods that outlive it', () => {
    const k = kubectlFixture();
    k.cluster.apply(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: slow
spec:
  replicas: 1
  selector:
    matchLabels:
      app: slow
  template:
    metadata:
      labels:
        app: slow
    spec:
      nodeName: node2
      terminationGracePeriodSeconds: 600
      containers:
      - name: sleeper
        image: busybox
        command: ["sleep", "9000"]
`);
    k.cluster.advance(30_000);
    const pod = k.cluster.store.list('Pod', { namespace: 'default' })[0]!.metadata.name ?? '';
    const others = names(podsOn(k, 'node2')).filter(
      (n) => n !== `default/${pod}` && !n.startsWith('kube-system/kube-proxy-'),
    );
    const r = k.run('drain node2 --ignore-daemonsets --timeout=5s');
    expect(r.exitCode).toBe(1);
    // The other pods go; the sleeper (600 s of grace) outlives the 5 s.
    expect(r.stdout).toBe(
      'node/node2 cordoned\n' +
        [`default/${pod}`, ...others].map((n) => `evicting pod ${n}\n`).join('') +
        others.map((n) => `pod/${n.split('/')[1]} evicted\n`).join(''),
    );
    const err = `error when waiting for pod "${pod}" in namespace "default" to terminate: global timeout reached: 5s`;
    expect(
      r.stderr.endsWith(
        `error: unable to drain node "node2" due to error: ${err}, continuing command...\n` +
          'There are pending nodes to be drained:\n node2\n' +
          `${err}\n`,
      ),
    ).toBe(true);
  });

  test.each([
    ['drain', "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n"],
    ['drain nope', 'Error from server (NotFound): nodes "nope" not found\n'],
    [
      'drain node1 --pod-selector=a=(',
      'error: --pod-selector=<pod_selector> must be a valid label selector\n',
    ],
    [
      'drain node1 --timeout=soon',
      'error: invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"\nSee \'kubectl drain --help\' for usage.\n',
    ],
  ])('%s', (line, stderr) => {
    expect(kubectlFixture().run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});
