import type {
  Container,
  ContainerStatus,
  Event,
  Pod,
  PodSpec,
  Probe,
} from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { deepClone } from '../../api/types';
import { FAULT_ANNOTATION } from '../faults';
import { EPOCH_MS, parseTimestamp } from '../../sim/clock';
import { newFixture } from '../../testing/fixture';
import type { Fixture } from '../../testing/fixture';
import { startKubelets } from './kubelet';

type StoredPod = Pod & KObject;

function setup(opts: { workers?: number } = {}): Fixture {
  const f = newFixture({ nodeObjects: true, ...opts });
  startKubelets(f.ctx);
  return f;
}

function pod(name: string, spec: Partial<PodSpec>, node = 'node1'): StoredPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, containers: [], ...spec },
  };
}

const c = (name: string, image: string, extra: Partial<Container> = {}): Container => ({
  name,
  image,
  ...extra,
});

/** kubectl's STATUS column (printers.go printPod, the parts the kubelet drives). */
function kubectlStatus(p: StoredPod): string {
  const st = p.status ?? {};
  let reason = st.phase ?? 'Pending';
  const cs: ContainerStatus[] = st.containerStatuses ?? [];
  let running = false;
  for (let i = cs.length - 1; i >= 0; i--) {
    const s = cs[i]!;
    if (s.state?.waiting?.reason) {
      reason = s.state.waiting.reason;
      running = false;
      break;
    }
    if (s.state?.terminated?.reason) {
      reason = s.state.terminated.reason;
      break;
    }
    if (s.state?.running) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  const ready = cs.filter((s) => s.ready).length;
  const restarts = cs.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  return `${ready}/${cs.length} ${reason} ${restarts}`;
}

/** `seconds-after-start status` for every write to one pod. */
function watchPod(f: Fixture, name: string): string[] {
  const log: string[] = [];
  f.store.watch('Pod', 'test', (ev) => {
    if (ev.object.metadata.name !== name) return;
    const t = (f.ctx.clock.now() - EPOCH_MS) / 1000;
    log.push(`${t} ${ev.type === 'DELETED' ? 'DELETED' : kubectlStatus(ev.object as StoredPod)}`);
  });
  return log;
}

/** `seconds reason message` for the events about one pod, oldest first (count expanded as xN). */
function eventsOf(f: Fixture, name: string): string[] {
  return f.store
    .list<Event & KObject>('Event')
    .filter((e) => e.involvedObject.name === name)
    .map((e) => {
      const t = (parseTimestamp(e.firstTimestamp ?? '') - EPOCH_MS) / 1000;
      return `${t} ${e.reason} ${e.message}${(e.count ?? 1) > 1 ? ` x${e.count}` : ''}`;
    });
}

const getPod = (f: Fixture, name: string): StoredPod =>
  f.store.get<StoredPod>('Pod', 'default', name)!;

describe('kubelet: a pod from bind to Running', () => {
  it('writes Pending/ContainerCreating with the sandbox, pulls, then Running', () => {
    const f = setup();
    const log = watchPod(f, 'web');
    f.create(pod('web', { containers: [c('nginx', 'nginx')] }));
    f.settle();
    expect(log).toEqual(['0 0/0 Pending 0', '0 0/1 ContainerCreating 0', '3.308 1/1 Running 0']);
    expect(eventsOf(f, 'web')).toEqual([
      '0 Pulling Pulling image "nginx"',
      '2 Pulled Successfully pulled image "nginx" in 2.308s (2.308s including waiting). Image size: 73453226 bytes.',
      '2 Created Created container nginx',
      '2 Started Started container nginx',
    ]);
    const events = f.store.list<Event & KObject>('Event');
    expect(events[0]).toMatchObject({
      type: 'Normal',
      source: { component: 'kubelet', host: 'node1' },
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{nginx}' },
    });
    expect(f.writes('kubelet/node1').filter((w) => w.includes('Pod'))).toEqual([
      'updateStatus Pod default/web',
      'updateStatus Pod default/web',
    ]);
    const status = getPod(f, 'web').status!;
    expect(status).toMatchObject({
      phase: 'Running',
      hostIP: '192.168.100.11',
      hostIPs: [{ ip: '192.168.100.11' }],
      podIP: '10.244.1.2',
      podIPs: [{ ip: '10.244.1.2' }],
      startTime: '2024-06-03T08:00:00Z',
      qosClass: 'BestEffort',
    });
    const cond = (type: string, at: string) => ({
      lastProbeTime: null,
      lastTransitionTime: `2024-06-03T08:00:0${at}Z`,
      status: 'True',
      type,
    });
    expect(status.conditions).toEqual([
      cond('PodReadyToStartContainers', '0'),
      cond('Initialized', '0'),
      cond('Ready', '3'),
      cond('ContainersReady', '3'),
    ]);
    const cs = status.containerStatuses![0]!;
    expect(cs).toMatchObject({
      image: 'docker.io/library/nginx:latest',
      lastState: {},
      name: 'nginx',
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: '2024-06-03T08:00:02Z' } },
    });
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });

  it('shows the first status with ContainerCreating and the pod IP', () => {
    const f = setup();
    f.create(pod('web', { containers: [c('nginx', 'nginx')] }));
    f.ctx.loop.step(); // the kubelet's first sync
    const status = getPod(f, 'web').status!;
    expect(status.phase).toBe('Pending');
    expect(status.podIP).toBe('10.244.1.2');
    expect(status.containerStatuses).toEqual([
      {
        image: 'nginx',
        imageID: '',
        lastState: {},
        name: 'nginx',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ]);
    expect(status.conditions?.find((x) => x.type === 'Ready')).toEqual({
      lastProbeTime: null,
      lastTransitionTime: '2024-06-03T08:00:00Z',
      message: 'containers with unready status: [nginx]',
      reason: 'ContainersNotReady',
      status: 'False',
      type: 'Ready',
    });
  });

  it('uses the node image cache for IfNotPresent on the second pod', () => {
    const f = setup();
    f.create(
      pod('a', { containers: [c('nginx', 'nginx:1.25', { imagePullPolicy: 'IfNotPresent' })] }),
    );
    f.settle();
    const start = (f.ctx.clock.now() - EPOCH_MS) / 1000;
    const log = watchPod(f, 'b');
    f.create(
      pod('b', { containers: [c('nginx', 'nginx:1.25', { imagePullPolicy: 'IfNotPresent' })] }),
    );
    f.settle();
    expect(eventsOf(f, 'b')).toEqual([
      `${Math.floor(start)} Pulled Container image "nginx:1.25" already present on machine`,
      `${Math.floor(start)} Created Created container nginx`,
      `${Math.floor(start)} Started Started container nginx`,
    ]);
    expect(log).toEqual([
      `${start} 0/0 Pending 0`,
      `${start} 0/1 ContainerCreating 0`,
      `${start + 1} 1/1 Running 0`,
    ]);
  });

  it('pulls again (fast) for imagePullPolicy Always', () => {
    const f = setup();
    f.create(pod('a', { containers: [c('nginx', 'nginx')] }));
    f.settle();
    f.create(pod('b', { containers: [c('nginx', 'nginx')] }));
    f.settle();
    expect(eventsOf(f, 'b').map((e) => e.replace(/^\d+ /, ''))).toEqual([
      'Pulling Pulling image "nginx"',
      'Pulled Successfully pulled image "nginx" in 258ms (258ms including waiting). Image size: 73453226 bytes.',
      'Created Created container nginx',
      'Started Started container nginx',
    ]);
  });

  it('serialises pulls on a node: a later request includes the waiting', () => {
    const f = setup();
    f.create(pod('a', { containers: [c('web', 'nginx:1.25')] }));
    f.create(pod('b', { containers: [c('cache', 'redis:7.2')] }));
    f.settle();
    expect(eventsOf(f, 'b')[1]).toBe(
      '5 Pulled Successfully pulled image "redis:7.2" in 2.945s (5.152s including waiting). Image size: 46949264 bytes.',
    );
  });

  it('runs static hostNetwork pods with the node IP', () => {
    const f = setup();
    f.create(
      pod(
        'kube-apiserver-master',
        {
          hostNetwork: true,
          containers: [
            c('kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.30.2', {
              imagePullPolicy: 'IfNotPresent',
            }),
          ],
        },
        'master',
      ),
    );
    f.settle();
    const p = getPod(f, 'kube-apiserver-master');
    expect(kubectlStatus(p)).toBe('1/1 Running 0');
    expect(p.status?.podIP).toBe('192.168.100.10');
    expect(eventsOf(f, 'kube-apiserver-master')[0]).toBe(
      '0 Pulled Container image "registry.k8s.io/kube-apiserver:v1.30.2" already present on machine',
    );
  });
});

describe('kubelet: images that cannot be pulled', () => {
  it('alternates ErrImagePull and ImagePullBackOff with a doubling back-off', () => {
    const f = setup();
    const log = watchPod(f, 'bad');
    f.create(pod('bad', { containers: [c('web', 'ngnix')] }));
    f.settle();
    // settle() stops once ImagePullBackOff shows; the retries are background timers.
    expect(log).toEqual([
      '0 0/0 Pending 0',
      '0 0/1 ContainerCreating 0',
      '1.359 0/1 ErrImagePull 0',
      '11.359 0/1 ImagePullBackOff 0',
    ]);
    f.advance(600_000);
    const times = log.map((l) => l.split(' ')[0]);
    const states = log.map((l) => l.split(' ')[2]);
    expect(states.slice(2, 12)).toEqual([
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
    ]);
    // ImagePullBackOff lasts the back-off, then the retry's pull takes a moment and fails.
    const backoffs: number[] = [];
    for (let i = 3; i + 1 < 12; i += 2) backoffs.push(Number(times[i + 1]) - Number(times[i]));
    expect(backoffs.map((b) => Math.floor(b / 10) * 10)).toEqual([10, 20, 40, 80]);
    const cs = getPod(f, 'bad').status!.containerStatuses![0]!;
    expect(
      cs.state?.waiting?.reason === 'ImagePullBackOff' ||
        cs.state?.waiting?.reason === 'ErrImagePull',
    ).toBe(true);
    const events = eventsOf(f, 'bad');
    expect(events).toEqual([
      '0 Pulling Pulling image "ngnix" x6',
      '1 Failed Failed to pull image "ngnix": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed x6',
      '1 Failed Error: ErrImagePull x6',
      '11 BackOff Back-off pulling image "ngnix" x6',
      '11 Failed Error: ImagePullBackOff x6',
    ]);
  });

  it('shows the containerd message in the ErrImagePull waiting state', () => {
    const f = setup();
    f.create(pod('bad', { containers: [c('web', 'nginx:1.161')] }));
    f.advance(2000);
    expect(getPod(f, 'bad').status!.containerStatuses![0]!.state).toEqual({
      waiting: {
        message:
          'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found',
        reason: 'ErrImagePull',
      },
    });
    f.advance(10_000);
    expect(getPod(f, 'bad').status!.containerStatuses![0]!.state).toEqual({
      waiting: { message: 'Back-off pulling image "nginx:1.161"', reason: 'ImagePullBackOff' },
    });
  });

  it('reports InvalidImageName without pulling', () => {
    const f = setup();
    f.create(pod('inv', { containers: [c('web', 'Nginx')] }));
    f.settle();
    const msg =
      'Failed to apply default image tag "Nginx": couldn\'t parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase';
    expect(getPod(f, 'inv').status!.containerStatuses![0]!.state).toEqual({
      waiting: { message: msg, reason: 'InvalidImageName' },
    });
    expect(eventsOf(f, 'inv')).toEqual([
      `0 InspectFailed ${msg}`,
      '0 Failed Error: InvalidImageName',
    ]);
  });

  it('reports ErrImageNeverPull for a missing image with pull policy Never', () => {
    const f = setup();
    f.create(pod('never', { containers: [c('web', 'nginx:1.25', { imagePullPolicy: 'Never' })] }));
    f.settle();
    expect(kubectlStatus(getPod(f, 'never'))).toBe('0/1 ErrImageNeverPull 0');
    expect(eventsOf(f, 'never')[0]).toBe(
      '0 ErrImageNeverPull Container image "nginx:1.25" is not present with pull policy of Never',
    );
  });
});

describe('kubelet: containers that exit', () => {
  it('busybox with no command: Completed, restart, then CrashLoopBackOff 10 s, 20 s, 40 s', () => {
    const f = setup();
    const log = watchPod(f, 'bb');
    f.create(pod('bb', { containers: [c('bb', 'busybox', { imagePullPolicy: 'IfNotPresent' })] }));
    f.settle();
    expect(log).toEqual([
      '0 0/0 Pending 0',
      '0 0/1 ContainerCreating 0',
      '1.63 0/1 Completed 0',
      '2.63 0/1 Completed 1',
      '3.63 0/1 CrashLoopBackOff 1',
    ]);
    f.advance(120_000);
    expect(log.slice(5)).toEqual([
      // restarts 10 s, 20 s, 40 s after the previous exit (at 1.63 s, 11.63 s, 31.63 s)
      '12.63 0/1 Completed 2',
      '13.63 0/1 CrashLoopBackOff 2',
      '32.63 0/1 Completed 3',
      '33.63 0/1 CrashLoopBackOff 3',
      '72.63 0/1 Completed 4',
      '73.63 0/1 CrashLoopBackOff 4',
    ]);
    const cs = getPod(f, 'bb').status!.containerStatuses![0]!;
    expect(cs.state?.waiting).toEqual({
      message: `back-off 1m20s restarting failed container=bb pod=bb_default(${getPod(f, 'bb').metadata.uid})`,
      reason: 'CrashLoopBackOff',
    });
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(getPod(f, 'bb').status!.phase).toBe('Running');
    const backOff = eventsOf(f, 'bb').find((e) => e.includes('BackOff'));
    expect(backOff).toBe(
      `2 BackOff Back-off restarting failed container bb in pod bb_default(${getPod(f, 'bb').metadata.uid}) x4`,
    );
  });

  it('CrashLoopBackOff messages name the current back-off', () => {
    const f = setup();
    f.create(pod('bb', { containers: [c('bb', 'busybox', { imagePullPolicy: 'IfNotPresent' })] }));
    const messages = new Set<string>();
    f.store.watch('Pod', 'test', (ev) => {
      const w = (ev.object as StoredPod).status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason === 'CrashLoopBackOff')
        messages.add((w.message ?? '').split(' restarting')[0]!);
    });
    f.advance(1_200_000);
    expect([...messages]).toEqual([
      'back-off 10s',
      'back-off 20s',
      'back-off 40s',
      'back-off 1m20s',
      'back-off 2m40s',
      'back-off 5m0s',
    ]);
  });

  it('sleep 9000 runs 9000 s and the pod Succeeds with restartPolicy Never', () => {
    const f = setup();
    f.create(
      pod('sleeper', {
        restartPolicy: 'Never',
        containers: [c('bb', 'busybox:1.28.4', { command: ['sleep', '9000'] })],
      }),
    );
    f.settle();
    expect(kubectlStatus(getPod(f, 'sleeper'))).toBe('1/1 Running 0');
    const started = parseTimestamp(
      getPod(f, 'sleeper').status!.containerStatuses![0]!.state!.running!.startedAt!,
    );
    // The process ends 9000 s after it started; the kubelet sees it one relist (1 s) later.
    f.advance(started + 9000_000 - f.ctx.clock.now());
    expect(kubectlStatus(getPod(f, 'sleeper'))).toBe('1/1 Running 0');
    f.advance(2000);
    const p = getPod(f, 'sleeper');
    expect(kubectlStatus(p)).toBe('0/1 Completed 0');
    expect(p.status!.phase).toBe('Succeeded');
    expect(p.status!.containerStatuses![0]!.state!.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      finishedAt: new Date(started + 9000_000).toISOString().replace('.000Z', 'Z'),
    });
    expect(p.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
  });

  it('a failing command with restartPolicy Never ends Failed; OnFailure restarts it', () => {
    const f = setup();
    const cmd = { command: ['sh', '-c', 'sleep 2; exit 3'] };
    f.create(pod('never', { restartPolicy: 'Never', containers: [c('bb', 'busybox:1.36', cmd)] }));
    f.create(
      pod('onfail', { restartPolicy: 'OnFailure', containers: [c('bb', 'busybox:1.36', cmd)] }),
    );
    f.advance(20_000);
    expect(getPod(f, 'never').status!.phase).toBe('Failed');
    expect(kubectlStatus(getPod(f, 'never'))).toBe('0/1 Error 0');
    expect(getPod(f, 'never').status!.containerStatuses![0]!.state!.terminated!.exitCode).toBe(3);
    expect(getPod(f, 'onfail').status!.phase).toBe('Running');
    expect(getPod(f, 'onfail').status!.containerStatuses![0]!.restartCount).toBeGreaterThan(0);
  });
});

describe('kubelet: multi-container pods', () => {
  it('counts READY per container while one still pulls', () => {
    const f = setup();
    // nginx:1.25 is cached by a first pod; redis and memcached then pull one after the other.
    f.create(pod('warm', { containers: [c('nginx', 'nginx:1.25')] }));
    f.settle();
    const log = watchPod(f, 'test');
    const t0 = (f.ctx.clock.now() - EPOCH_MS) / 1000;
    f.create(
      pod('test', {
        containers: [c('nginx', 'nginx:1.25'), c('redis', 'redis'), c('memcached', 'memcached')],
      }),
    );
    f.settle();
    expect(log.map((l) => l.replace(/^[\d.]+ /, ''))).toEqual([
      '0/0 Pending 0',
      '0/3 ContainerCreating 0',
      '1/3 ContainerCreating 0',
      '2/3 ContainerCreating 0',
      '3/3 Running 0',
    ]);
    expect(Number(log[2]!.split(' ')[0])).toBe(t0 + 1);
  });
});

describe('kubelet: probes', () => {
  it('a failing readiness probe keeps Ready False and records Unhealthy', () => {
    const f = setup();
    f.create(
      pod('unready', {
        containers: [
          c('nginx', 'nginx', { readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }),
        ],
      }),
    );
    f.settle();
    f.advance(60_000);
    const p = getPod(f, 'unready');
    expect(kubectlStatus(p)).toBe('0/1 Running 0');
    expect(p.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [nginx]',
    });
    const unhealthy = eventsOf(f, 'unready').find((e) => e.includes('Unhealthy'));
    expect(unhealthy).toBe(
      '3 Unhealthy Readiness probe failed: Get "http://10.244.1.2:8080/healthz": dial tcp 10.244.1.2:8080: connect: connection refused x7',
    );
  });

  it('a passing readiness probe makes the pod Ready at the first probe', () => {
    const f = setup();
    const log = watchPod(f, 'ready');
    f.create(
      pod('ready', {
        containers: [
          c('nginx', 'nginx', {
            readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 },
          }),
        ],
      }),
    );
    f.settle();
    expect(log).toEqual([
      '0 0/0 Pending 0',
      '0 0/1 ContainerCreating 0',
      '3.308 0/1 Running 0',
      '7.308 1/1 Running 0',
    ]);
  });

  it('a failing liveness probe kills and restarts the container', () => {
    const f = setup();
    const log = watchPod(f, 'live');
    f.create(
      pod('live', {
        containers: [
          c('nginx', 'nginx:1.25', {
            livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
          }),
        ],
      }),
    );
    f.settle();
    expect(log.slice(0, 5)).toEqual([
      '0 0/0 Pending 0',
      '0 0/1 ContainerCreating 0',
      '3.207 1/1 Running 0',
      '13.507 0/1 Completed 0',
      '14.507 1/1 Running 1',
    ]);
    const events = eventsOf(f, 'live');
    expect(events).toContain(
      '13 Killing Container nginx failed liveness probe, will be restarted x2',
    );
    expect(events.find((e) => e.includes('Unhealthy'))).toMatch(
      /^3 Unhealthy Liveness probe failed: Get "http:\/\/10\.244\.1\.2:8080\/": dial tcp 10\.244\.1\.2:8080: connect: connection refused x\d+$/,
    );
  });

  it('the docs exec liveness example restarts after /tmp/healthy goes away', () => {
    const f = setup();
    f.create(
      pod('liveness-exec', {
        containers: [
          c('liveness', 'registry.k8s.io/busybox', {
            imagePullPolicy: 'IfNotPresent',
            args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
            livenessProbe: {
              exec: { command: ['cat', '/tmp/healthy'] },
              initialDelaySeconds: 5,
              periodSeconds: 5,
            },
          }),
        ],
      }),
    );
    f.advance(40_000);
    expect(kubectlStatus(getPod(f, 'liveness-exec'))).toBe('1/1 Running 0');
    expect(eventsOf(f, 'liveness-exec')).toContain(
      "30 Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory x2",
    );
    f.advance(40_000);
    const p = getPod(f, 'liveness-exec');
    expect(kubectlStatus(p)).toBe('1/1 Running 1');
    // sh as PID 1 ignores SIGTERM: killed at the end of the 30 s grace period.
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      exitCode: 137,
      reason: 'Error',
    });
  });

  it('settle() terminates with running pods that have passing and failing probes', () => {
    const f = setup();
    f.create(
      pod('probed', {
        containers: [
          c('nginx', 'nginx', {
            readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
            startupProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
          }),
        ],
      }),
    );
    f.create(
      pod('unready', {
        containers: [
          c('nginx', 'nginx', { readinessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 } }),
        ],
      }),
    );
    const r = f.ctx.loop.settle();
    expect(r.settled).toBe(true);
    expect(r.elapsedMs).toBeLessThan(10_000);
    expect(kubectlStatus(getPod(f, 'probed'))).toBe('1/1 Running 0');
    expect(getPod(f, 'probed').status!.containerStatuses![0]!.started).toBe(true);
    expect(kubectlStatus(getPod(f, 'unready'))).toBe('0/1 Running 0');
  });
});

describe('kubelet: graceful termination', () => {
  it('nginx stops at once; busybox sleep is killed at the end of the grace period', () => {
    const f = setup();
    f.create(pod('web', { containers: [c('nginx', 'nginx:1.25')] }));
    f.create(pod('bb', { containers: [c('bb', 'busybox:1.28', { command: ['sleep', '3600'] })] }));
    f.settle();
    const t0 = f.ctx.clock.now();
    const web = watchPod(f, 'web');
    const bb = watchPod(f, 'bb');
    f.store.delete('Pod', 'default', 'web', { actor: 'kubectl' });
    f.store.delete('Pod', 'default', 'bb', { actor: 'kubectl' });
    f.settle();
    const rel = (l: string): string => {
      const [t, ...rest] = l.split(' ');
      return `${Math.round((Number(t) * 1000 + EPOCH_MS - t0) / 100) / 10} ${rest.join(' ')}`;
    };
    expect(web.map(rel)).toEqual(['0 1/1 Terminating 0', '0.3 DELETED']);
    expect(bb.map(rel)).toEqual(['0 1/1 Terminating 0', '30 DELETED']);
    expect(eventsOf(f, 'web').at(-1)).toMatch(/^\d+ Killing Stopping container nginx$/);
    expect(f.writes('kubelet/node1').filter((w) => w.startsWith('remove'))).toEqual([
      'remove Pod default/web',
      'remove Pod default/bb',
    ]);
  });

  it('honours terminationGracePeriodSeconds and a shorter second delete', () => {
    const f = setup();
    f.create(
      pod('bb', {
        terminationGracePeriodSeconds: 60,
        containers: [c('bb', 'busybox:1.28', { command: ['sleep', '3600'] })],
      }),
    );
    f.settle();
    f.store.delete('Pod', 'default', 'bb', { actor: 'kubectl' });
    f.advance(10_000);
    expect(getPod(f, 'bb').metadata.deletionGracePeriodSeconds).toBe(60);
    f.store.delete('Pod', 'default', 'bb', { actor: 'kubectl', gracePeriodSeconds: 5 });
    f.advance(4_900);
    expect(getPod(f, 'bb')).toBeDefined();
    f.advance(200);
    expect(f.store.get('Pod', 'default', 'bb')).toBeUndefined();
  });

  it('removes a pod whose containers never started at once', () => {
    const f = setup();
    f.create(pod('bad', { containers: [c('web', 'ngnix')] }));
    f.settle();
    f.store.delete('Pod', 'default', 'bad', { actor: 'kubectl' });
    f.settle();
    expect(f.store.get('Pod', 'default', 'bad')).toBeUndefined();
  });
});

describe('kubelet: pod IPs', () => {
  it('allocates unique IPs per node from the podCIDR and continues after the last used', () => {
    const f = setup();
    for (const [name, node] of [
      ['a', 'node1'],
      ['b', 'node1'],
      ['c', 'node2'],
    ] as const)
      f.create(pod(name, { containers: [c('nginx', 'nginx')] }, node));
    f.settle();
    const ip = (n: string): string | undefined =>
      f.store.get<StoredPod>('Pod', 'default', n)?.status?.podIP;
    expect([ip('a'), ip('b'), ip('c')]).toEqual(['10.244.1.2', '10.244.1.3', '10.244.2.2']);
    f.store.delete('Pod', 'default', 'a', { actor: 'test', gracePeriodSeconds: 0 });
    f.create(pod('d', { containers: [c('nginx', 'nginx')] }));
    f.settle();
    expect(ip('d')).toBe('10.244.1.4');
  });

  it('keeps IPs unique across many pods on one node', () => {
    const f = setup();
    for (let i = 0; i < 100; i++) f.create(pod(`p${i}`, { containers: [c('c', 'nginx:1.25')] }));
    f.settle();
    const ips = f.store.list<StoredPod>('Pod').map((p) => p.status?.podIP);
    expect(new Set(ips).size).toBe(100);
    expect(ips.every((x) => x?.startsWith('10.244.1.'))).toBe(true);
  });
});

describe('kubelet: nodes come and go', () => {
  it('starts a kubelet for a node added later and runs its pods', () => {
    const f = setup({ workers: 1 });
    f.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node9' },
      spec: { podCIDR: '10.244.9.0/24' },
    });
    f.create(pod('late', { containers: [c('nginx', 'nginx')] }, 'node9'));
    f.settle();
    expect(getPod(f, 'late').status?.podIP).toBe('10.244.9.2');
    expect(kubectlStatus(getPod(f, 'late'))).toBe('1/1 Running 0');
  });
});

// ------------------------------------------------------------------ faults

/** Set (or, with undefined, remove) the `playground/fault` annotation, as kubectl annotate does. */
function setFault(f: Fixture, kind: 'Pod' | 'Node', name: string, value?: string): void {
  const obj = deepClone(f.store.get(kind, kind === 'Pod' ? 'default' : undefined, name)!);
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  if (value === undefined) delete annotations[FAULT_ANNOTATION];
  else annotations[FAULT_ANNOTATION] = value;
  obj.metadata.annotations = annotations;
  f.store.update(obj, { actor: 'kubectl' });
}

/** Seconds since the epoch start, as watchPod and eventsOf print them. */
const secs = (f: Fixture): number => (f.ctx.clock.now() - EPOCH_MS) / 1000;

const readyOf = (f: Fixture, name: string): string | undefined =>
  getPod(f, name).status?.conditions?.find((x) => x.type === 'Ready')?.status;

describe('kubelet: the crash fault', () => {
  it('exits 1 (Error one relist later), then CrashLoopBackOff 10 s, 20 s, 40 s; healing keeps the next start up', () => {
    const f = setup();
    f.create(pod('web', { containers: [c('nginx', 'nginx:1.25')] }));
    f.settle();
    expect(secs(f)).toBe(3.207);
    const log = watchPod(f, 'web');
    setFault(f, 'Pod', 'web', 'crash');
    f.settle();
    // (The first line is the annotation itself.) The container exits when the kubelet sees the
    // fault; the first restart is immediate and exits 1 s after it starts; then the back-off.
    expect(log).toEqual([
      '3.207 1/1 Running 0',
      '4.207 0/1 Error 0',
      '5.207 1/1 Running 1',
      '6.207 0/1 Error 1',
      '7.207 0/1 CrashLoopBackOff 1',
    ]);
    f.advance(120_000);
    expect(log.slice(5)).toEqual([
      '16.207 1/1 Running 2',
      '17.207 0/1 Error 2',
      '18.207 0/1 CrashLoopBackOff 2',
      '37.207 1/1 Running 3',
      '38.207 0/1 Error 3',
      '39.207 0/1 CrashLoopBackOff 3',
      '78.207 1/1 Running 4',
      '79.207 0/1 Error 4',
      '80.207 0/1 CrashLoopBackOff 4',
    ]);
    const p = getPod(f, 'web');
    const cs = p.status!.containerStatuses![0]!;
    expect(cs.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
      startedAt: '2024-06-03T08:01:17Z',
      finishedAt: '2024-06-03T08:01:18Z',
    });
    expect(cs.state?.waiting).toEqual({
      message: `back-off 1m20s restarting failed container=nginx pod=web_default(${p.metadata.uid})`,
      reason: 'CrashLoopBackOff',
    });
    expect(eventsOf(f, 'web').slice(2)).toEqual([
      '2 Created Created container nginx x5',
      '2 Started Started container nginx x5',
      '4 Pulled Container image "nginx:1.25" already present on machine x4',
      `6 BackOff Back-off restarting failed container nginx in pod web_default(${p.metadata.uid}) x4`,
    ]);
    // Healed during the 1m20s back-off: the restart at 158.207 s stays up.
    setFault(f, 'Pod', 'web');
    f.advance(400_000);
    expect(log.slice(14)).toEqual(['127.207 0/1 CrashLoopBackOff 4', '159.207 1/1 Running 5']);
    expect(kubectlStatus(getPod(f, 'web'))).toBe('1/1 Running 5');
  });

  it('healing before a restarted instance exits cancels that exit', () => {
    const f = setup();
    f.create(pod('web', { containers: [c('nginx', 'nginx:1.25')] }));
    f.settle();
    setFault(f, 'Pod', 'web', 'crash');
    f.advance(1500); // restarted at 4.207 s, due to exit at 5.207 s
    expect(secs(f)).toBe(4.707);
    setFault(f, 'Pod', 'web');
    f.advance(60_000);
    expect(kubectlStatus(getPod(f, 'web'))).toBe('1/1 Running 1');
    expect(getPod(f, 'web').status!.containerStatuses![0]!.lastState!.terminated!.exitCode).toBe(1);
  });

  it('restartPolicy Never: the pod ends Failed with exit code 1', () => {
    const f = setup();
    f.create(
      pod('once', {
        restartPolicy: 'Never',
        containers: [c('bb', 'busybox:1.36', { command: ['sleep', '3600'] })],
      }),
    );
    f.settle();
    setFault(f, 'Pod', 'once', 'crash');
    f.settle();
    const p = getPod(f, 'once');
    expect(p.status!.phase).toBe('Failed');
    expect(kubectlStatus(p)).toBe('0/1 Error 0');
    expect(p.status!.containerStatuses![0]!.state!.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
  });
});

describe('kubelet: probes under faults', () => {
  const probed = (name: string, probes: Partial<Container>): StoredPod =>
    pod(name, { containers: [c('app', 'nginx:1.25', probes)] });
  const lastUnhealthy = (f: Fixture, name: string): string | undefined =>
    eventsOf(f, name)
      .filter((e) => e.includes(' Unhealthy '))
      .at(-1)
      ?.replace(/^\d+ /, '')
      .replace(/ x\d+$/, '');
  const IP = '10.244.1.2';

  it.each([
    ['unready', { httpGet: { path: '/', port: 80 } }, 'HTTP probe failed with statuscode: 503'],
    ['unready', { tcpSocket: { port: 80 } }, `dial tcp ${IP}:80: connect: connection refused`],
    ['unready', { exec: { command: ['true'] } }, ''],
    ['unready', { grpc: { port: 80 } }, 'service unhealthy (responded with "NOT_SERVING")'],
    [
      'refuse',
      { httpGet: { path: '/', port: 80 } },
      `Get "http://${IP}:80/": dial tcp ${IP}:80: connect: connection refused`,
    ],
    [
      'freeze',
      { httpGet: { path: '/', port: 80 } },
      `Get "http://${IP}:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    ],
    ['freeze', { tcpSocket: { port: 80 } }, `dial tcp ${IP}:80: i/o timeout`],
    [
      'hang',
      { grpc: { port: 80 } },
      `timeout: failed to connect service "${IP}:80" within 1s: context deadline exceeded`,
    ],
  ] as Array<[string, Probe, string]>)(
    '%s, readiness %j: not Ready after 3 failures, Ready again once healed',
    (fault, handler, message) => {
      const f = setup();
      f.create(probed('web', { readinessProbe: { ...handler, periodSeconds: 1 } }));
      f.settle();
      expect(readyOf(f, 'web')).toBe('True');
      setFault(f, 'Pod', 'web', fault);
      const t0 = secs(f);
      // settle() runs the ticks until the result changes, then returns: a readiness probe that
      // keeps failing ticks in the background.
      f.settle();
      expect(readyOf(f, 'web')).toBe('False');
      expect(kubectlStatus(getPod(f, 'web'))).toBe('0/1 Running 0');
      expect(secs(f) - t0).toBeLessThanOrEqual(3);
      expect(lastUnhealthy(f, 'web')).toBe(`Unhealthy Readiness probe failed: ${message}`);
      const failures = eventsOf(f, 'web').find((e) => e.includes(' Unhealthy '));
      expect(failures).toMatch(/ x3$/);
      // The failing probe keeps ticking as time passes (one event per period).
      f.advance(10_000);
      expect(eventsOf(f, 'web').find((e) => e.includes(' Unhealthy '))).toMatch(/ x13$/);
      setFault(f, 'Pod', 'web');
      f.settle();
      expect(readyOf(f, 'web')).toBe('True');
      expect(kubectlStatus(getPod(f, 'web'))).toBe('1/1 Running 0');
    },
  );

  it.each([
    ['hang', { tcpSocket: { port: 80 } }],
    ['refuse', { exec: { command: ['true'] } }],
    ['freeze', { exec: { command: ['true'] } }],
  ] as Array<[string, Probe]>)('%s leaves a readiness probe %j passing', (fault, handler) => {
    const f = setup();
    f.create(probed('web', { readinessProbe: { ...handler, periodSeconds: 1 } }));
    f.settle();
    setFault(f, 'Pod', 'web', fault);
    f.advance(20_000);
    expect(readyOf(f, 'web')).toBe('True');
    expect(eventsOf(f, 'web').filter((e) => e.includes('Unhealthy'))).toEqual([]);
  });

  it('unready without a readiness probe changes nothing', () => {
    const f = setup();
    f.create(probed('web', { livenessProbe: { httpGet: { path: '/', port: 80 } } }));
    f.settle();
    const before = f.writes('kubelet/node1').length;
    setFault(f, 'Pod', 'web', 'unready');
    f.advance(60_000);
    expect(f.writes('kubelet/node1').length).toBe(before);
    expect(kubectlStatus(getPod(f, 'web'))).toBe('1/1 Running 0');
  });

  it('refuse fails the liveness probe: the container is restarted, and stays up once healed', () => {
    const f = setup();
    f.create(probed('web', { livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }));
    f.settle();
    setFault(f, 'Pod', 'web', 'refuse');
    f.advance(30_000);
    const restarts = getPod(f, 'web').status!.containerStatuses![0]!.restartCount!;
    expect(restarts).toBeGreaterThanOrEqual(2);
    const events = eventsOf(f, 'web');
    expect(events.find((e) => e.includes('Killing'))).toMatch(
      /^6 Killing Container app failed liveness probe, will be restarted x\d+$/,
    );
    expect(lastUnhealthy(f, 'web')).toBe(
      `Unhealthy Liveness probe failed: dial tcp ${IP}:80: connect: connection refused`,
    );
    setFault(f, 'Pod', 'web');
    f.advance(600_000);
    const p = getPod(f, 'web');
    expect(kubectlStatus(p)).toMatch(/^1\/1 Running \d+$/);
    const after = p.status!.containerStatuses![0]!.restartCount!;
    f.advance(600_000);
    expect(getPod(f, 'web').status!.containerStatuses![0]!.restartCount).toBe(after);
  });
});

describe('kubelet: node down', () => {
  it('does nothing while the node is down, then re-syncs every pod when it is back', () => {
    const f = setup();
    f.create(pod('web', { containers: [c('nginx', 'nginx:1.25')] }));
    f.create(pod('evicted', { containers: [c('nginx', 'nginx:1.25')] }));
    f.create(
      pod('probed', {
        containers: [
          c('nginx', 'nginx:1.25', {
            readinessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 },
          }),
        ],
      }),
    );
    f.settle();
    const unhealthy = (): string | undefined =>
      eventsOf(f, 'probed').find((e) => e.includes('Unhealthy'));
    const writes = f.writes('kubelet/node1').length;
    const events = f.store.list('Event').length;
    const failedBefore = unhealthy();
    setFault(f, 'Node', 'node1', 'down');
    setFault(f, 'Pod', 'web', 'crash');
    f.store.delete('Pod', 'default', 'evicted', { actor: 'node-lifecycle-controller' });
    f.create(pod('late', { containers: [c('nginx', 'nginx:1.25')] }));
    f.settle();
    f.advance(120_000);
    // No status writes, no events, no probes: the kubelet is off with its machine.
    expect(f.writes('kubelet/node1').length).toBe(writes);
    expect(f.store.list('Event').length).toBe(events);
    expect(kubectlStatus(getPod(f, 'web'))).toBe('1/1 Running 0');
    expect(kubectlStatus(getPod(f, 'evicted'))).toBe('1/1 Terminating 0');
    expect(getPod(f, 'late').status?.podIP).toBe(undefined);
    setFault(f, 'Node', 'node1');
    const back = secs(f);
    f.settle();
    expect(f.store.get('Pod', 'default', 'evicted')).toBe(undefined);
    expect(kubectlStatus(getPod(f, 'late'))).toBe('1/1 Running 0');
    expect(kubectlStatus(getPod(f, 'web'))).toMatch(/^0\/1 CrashLoopBackOff 1$/);
    // The 120 probe ticks missed while down are not replayed: the probe goes on ticking once a
    // second from when the node is back (ticks at 124.35 … 128.35 s, while settle() waited for
    // the crashing pod to reach CrashLoopBackOff).
    expect([back, secs(f)]).toEqual([124.35, 128.35]);
    const n = (e: string | undefined): number => Number(/ x(\d+)$/.exec(e ?? '')?.[1] ?? 1);
    expect(n(unhealthy()) - n(failedBefore)).toBe(5);
  });
});
