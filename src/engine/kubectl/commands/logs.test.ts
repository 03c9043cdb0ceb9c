import { describe, expect, it } from 'vitest';
import { kubectlFixture } from '../testing';
import { logLines, nanoTimestamp } from './logs';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata: {name: loop}
spec:
  containers:
  - name: c
    image: busybox
    command: ['sh', '-c', 'echo start; while true; do echo tick; sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: test}
spec:
  containers:
  - {name: nginx, image: 'nginx:1.25'}
  - {name: redis, image: redis}
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - name: c
    image: busybox
    command: ['sh', '-c', 'echo run at $(date); sleep 2; exit 1']
---
apiVersion: v1
kind: Pod
metadata: {name: typo}
spec:
  containers:
  - {name: c, image: ngnix}
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disk: none}
  containers:
  - {name: c, image: busybox}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: c, image: busybox, command: ['sh', '-c', 'echo hello from $HOSTNAME; sleep 3600']}
`;

function fixture(ms = 60_000): ReturnType<typeof kubectlFixture> {
  const k = kubectlFixture();
  k.cluster.apply(MANIFESTS);
  k.cluster.advance(ms);
  return k;
}

describe('kubectl logs', () => {
  const k = fixture();

  it('prints what the container wrote', () => {
    const r = k.run('logs test -c nginx');
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    );
    expect(lines).toContain('2024/06/03 08:10:03 [notice] 1#1: nginx/1.25.5');
  });

  it('notes the defaulted container of a multi-container pod', () => {
    const r = k.run('logs test --tail=1');
    expect(r).toEqual({
      stdout: '2024/06/03 08:10:03 [notice] 1#1: start worker process 30\n',
      stderr: 'Defaulted container "nginx" out of: nginx, redis\n',
      exitCode: 0,
    });
    expect(k.run('logs test redis --tail=1').stdout).toMatch(
      /^1:M 03 Jun 2024 08:10:\d\d\.\d{3} \* Ready to accept connections tcp\n$/,
    );
  });

  it('an endless loop keeps logging as time passes', () => {
    expect(k.run('logs loop --tail=2').stdout).toBe('tick\ntick\n');
    const all = k.run('logs loop').stdout.split('\n');
    expect(all[0]).toBe('start');
    const before = all.length;
    k.cluster.advance(10_000);
    expect(k.run('logs loop').stdout.split('\n').length - before).toBe(10);
  });

  it('--timestamps, --since, --prefix, --limit-bytes', () => {
    const r = k.run('logs loop --tail=2 --timestamps').stdout.split('\n');
    expect(r[0]).toMatch(/^2024-06-03T08:1\d:\d\d\.\d{9}Z tick$/);
    const since = k.run('logs loop --since=3s').stdout;
    expect(since).toBe('tick\ntick\ntick\n');
    expect(k.run('logs loop --tail=1 --prefix').stdout).toBe('[pod/loop/c] tick\n');
    expect(k.run('logs loop --tail=2 --limit-bytes=6').stdout).toBe('tick\nt');
  });

  it('a crash-looping container shows its last run; --previous the one before', () => {
    const cur = k.run('logs crash');
    expect(cur.exitCode).toBe(0);
    expect(cur.stdout).toMatch(/^run at Mon Jun {2}3 08:1\d:\d\d UTC 2024\n$/);
    const prev = k.run('logs crash -p');
    expect(prev.exitCode).toBe(0);
    expect(prev.stdout).toMatch(/^run at /);
  });

  it('TYPE/NAME reads the first pod, and says so when there are several', () => {
    const r = k.run('logs deploy/web');
    expect(r.stdout).toMatch(/^hello from web-[a-z0-9]+-[a-z0-9]{5}\n$/);
    expect(r.stderr).toMatch(/^Found 2 pods, using pod\/web-[a-z0-9]+-[a-z0-9]{5}\n$/);
    expect(r.stdout.trim().slice('hello from '.length)).toBe(r.stderr.trim().split('/')[1]);
  });

  it('-l reads every matching pod, 10 lines each by default', () => {
    const r = k.run('logs -l app=web');
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(k.run('logs -l app=none')).toEqual({
      stdout: '',
      stderr: 'No resources found in default namespace.\n',
      exitCode: 0,
    });
    expect(k.run('logs -l app=web --all-containers --tail=5').exitCode).toBe(0);
  });

  it.each<[string, string, string, number]>([
    ['logs nope', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
    [
      'logs deploy/nope',
      '',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
      1,
    ],
    [
      'logs test -c nope',
      '',
      'error: container nope is not valid for pod test out of: nginx, redis\n',
      1,
    ],
    [
      'logs typo',
      '',
      'Error from server (BadRequest): container "c" in pod "typo" is waiting to start: trying and failing to pull image\n',
      1,
    ],
    [
      'logs loop -p',
      '',
      'Error from server (BadRequest): previous terminated container "c" in pod "loop" not found\n',
      1,
    ],
    ['logs nowhere', '', '', 0],
    [
      'logs',
      '',
      "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
      1,
    ],
    [
      'logs loop -l app=web',
      '',
      "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n",
      1,
    ],
    [
      'logs test nginx -c redis',
      '',
      'error: only one of -c or an inline [CONTAINER] arg is allowed\n',
      1,
    ],
    [
      'logs test --all-containers -c nginx',
      '',
      'error: --all-containers=true should not be specified with container name nginx\n',
      1,
    ],
    ['logs loop --tail=-2', '', 'error: --tail must be greater than or equal to -1\n', 1],
    [
      'logs loop --since=5x',
      '',
      'error: invalid argument "5x" for "--since" flag: time: unknown unit "x" in duration "5x"\nSee \'kubectl logs --help\' for usage.\n',
      1,
    ],
    [
      'logs node/node1',
      '',
      'error: cannot get the logs from *v1.Node: selector for *v1.Node not implemented\n',
      1,
    ],
  ])('%s', (line, stdout, stderr, exitCode) => {
    expect(k.run(line)).toEqual({ stdout, stderr, exitCode });
  });

  it('says what a container is waiting for before it starts', () => {
    const early = fixture(500);
    expect(early.run('logs loop')).toEqual({
      stdout: '',
      stderr:
        'Error from server (BadRequest): container "c" in pod "loop" is waiting to start: ContainerCreating\n',
      exitCode: 1,
    });
  });

  it('prints the real --help', () => {
    const help = k.run('logs --help').stdout;
    expect(
      help.startsWith(
        'Print the logs for a container in a pod or specified resource. If the pod has only one container, the container name is\noptional.\n\nExamples:\n',
      ),
    ).toBe(true);
    expect(help).toContain('    --tail=-1:\n\tLines of recent log file to display.');
    expect(help).toContain(
      'Usage:\n  kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]\n',
    );
  });
});

describe('log line times', () => {
  it('are the kubelet’s RFC3339NanoFixed, increasing within a millisecond', () => {
    const proc = {
      logs: [
        { atMs: 0, text: 'a' },
        { atMs: 0, text: 'b' },
        { atMs: 1500, text: 'c' },
      ],
    } as unknown as Parameters<typeof logLines>[0];
    const lines = logLines(proc, 1_717_402_200_000, 2000, 'x');
    expect(lines.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect(lines[1]!.nanos).toBeGreaterThan(lines[0]!.nanos);
    expect(nanoTimestamp(1_717_402_201_500, 123_456)).toBe('2024-06-03T08:10:01.500123456Z');
  });
});
