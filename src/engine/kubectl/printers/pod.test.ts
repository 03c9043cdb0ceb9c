import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, test } from 'vitest';
import { EPOCH_MS } from '../../sim/clock';
import { podRow, podStatusColumns } from './pod';
import type { KObject } from '../../api/types';

const NOW = EPOCH_MS + 10 * 60_000; // 08:10:00Z
const T = (s: string): string => `2024-06-03T08:${s}Z`;

const running = (name: string, ready = true, restarts = 0): ContainerStatus => ({
  name,
  image: 'nginx',
  imageID: '',
  ready,
  restartCount: restarts,
  state: { running: { startedAt: T('05:00') } },
});
const waiting = (name: string, reason: string, restarts = 0): ContainerStatus => ({
  name,
  image: 'nginx',
  imageID: '',
  ready: false,
  restartCount: restarts,
  state: { waiting: { reason } },
});
const terminated = (
  name: string,
  exitCode: number,
  reason?: string,
  signal?: number,
): ContainerStatus => ({
  name,
  image: 'busybox',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: {
    terminated: {
      exitCode,
      ...(reason ? { reason } : {}),
      ...(signal ? { signal } : {}),
    },
  },
});

function pod(opts: {
  containers?: string[];
  init?: Array<{ name: string; restartPolicy?: string }>;
  phase?: string;
  reason?: string;
  statuses?: ContainerStatus[];
  initStatuses?: ContainerStatus[];
  conditions?: Array<{ type: string; status: string; reason?: string }>;
  deleting?: boolean;
}): Pod {
  return {
    metadata: {
      name: 'p',
      creationTimestamp: T('00:00'),
      ...(opts.deleting ? { deletionTimestamp: T('09:50') } : {}),
    },
    spec: {
      containers: (opts.containers ?? ['app']).map((name) => ({ name, image: 'nginx' })),
      ...(opts.init ? { initContainers: opts.init.map((c) => ({ image: 'busybox', ...c })) } : {}),
    },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.statuses ? { containerStatuses: opts.statuses } : {}),
      ...(opts.initStatuses ? { initContainerStatuses: opts.initStatuses } : {}),
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
    },
  };
}

const withLastTermination = (cs: ContainerStatus, finishedAt: string): ContainerStatus => ({
  ...cs,
  lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt } },
});

// k8s-reference §8 and printers.go printPod (v1.30).
describe('podStatusColumns', () => {
  test.each<[string, Pod, string, string, string]>([
    ['pending, unscheduled', pod({ phase: 'Pending' }), '0/1', 'Pending', '0'],
    [
      'creating containers',
      pod({ phase: 'Pending', statuses: [waiting('app', 'ContainerCreating')] }),
      '0/1',
      'ContainerCreating',
      '0',
    ],
    ['running and ready', pod({ statuses: [running('app')] }), '1/1', 'Running', '0'],
    [
      'three containers, one not ready',
      pod({
        containers: ['a', 'b', 'c'],
        statuses: [running('a'), running('b', false), running('c')],
      }),
      '2/3',
      'Running',
      '0',
    ],
    [
      'image pull back-off',
      pod({ phase: 'Pending', statuses: [waiting('app', 'ImagePullBackOff')] }),
      '0/1',
      'ImagePullBackOff',
      '0',
    ],
    [
      'crash loop with restarts and a last termination',
      pod({
        statuses: [withLastTermination(waiting('app', 'CrashLoopBackOff', 3), T('05:00'))],
      }),
      '0/1',
      'CrashLoopBackOff',
      '3 (5m ago)',
    ],
    [
      'restarts without a termination time print the bare count',
      pod({ statuses: [running('app', true, 2)] }),
      '1/1',
      'Running',
      '2',
    ],
    [
      'terminated with a reason',
      pod({ phase: 'Succeeded', statuses: [terminated('app', 0, 'Completed')] }),
      '0/1',
      'Completed',
      '0',
    ],
    [
      'terminated without a reason: exit code',
      pod({ phase: 'Failed', statuses: [terminated('app', 2)] }),
      '0/1',
      'ExitCode:2',
      '0',
    ],
    [
      'terminated by a signal',
      pod({ phase: 'Failed', statuses: [terminated('app', 137, undefined, 9)] }),
      '0/1',
      'Signal:9',
      '0',
    ],
    [
      'one container completed while another runs, pod ready',
      pod({
        containers: ['a', 'b'],
        statuses: [running('a'), terminated('b', 0, 'Completed')],
        conditions: [{ type: 'Ready', status: 'True' }],
      }),
      '1/2',
      'Running',
      '0',
    ],
    [
      'one container completed while another runs, pod not ready',
      pod({
        containers: ['a', 'b'],
        statuses: [running('a'), terminated('b', 0, 'Completed')],
      }),
      '1/2',
      'NotReady',
      '0',
    ],
    [
      'the last container in order wins (scanned last to first)',
      pod({
        containers: ['a', 'b'],
        statuses: [waiting('a', 'ErrImagePull'), waiting('b', 'ContainerCreating')],
      }),
      '0/2',
      'ErrImagePull',
      '0',
    ],
    [
      'status.reason replaces the phase',
      pod({ phase: 'Failed', reason: 'Evicted' }),
      '0/1',
      'Evicted',
      '0',
    ],
    [
      'scheduling gated',
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      }),
      '0/1',
      'SchedulingGated',
      '0',
    ],
    [
      'init container running',
      pod({
        phase: 'Pending',
        init: [{ name: 'i1' }, { name: 'i2' }],
        initStatuses: [terminated('i1', 0, 'Completed'), running('i2', false)],
        statuses: [waiting('app', 'PodInitializing')],
      }),
      '0/1',
      'Init:1/2',
      '0',
    ],
    [
      'init container failing',
      pod({
        phase: 'Pending',
        init: [{ name: 'i1' }],
        initStatuses: [waiting('i1', 'CrashLoopBackOff', 4)],
        statuses: [waiting('app', 'PodInitializing')],
      }),
      '0/1',
      'Init:CrashLoopBackOff',
      '4',
    ],
    [
      'init container exited non-zero without a reason',
      pod({
        phase: 'Pending',
        init: [{ name: 'i1' }],
        initStatuses: [terminated('i1', 3)],
      }),
      '0/1',
      'Init:ExitCode:3',
      '0',
    ],
    [
      'native sidecar counts towards READY',
      pod({
        init: [{ name: 'proxy', restartPolicy: 'Always' }],
        initStatuses: [{ ...running('proxy'), started: true }],
        statuses: [running('app')],
        conditions: [{ type: 'Initialized', status: 'True' }],
      }),
      '2/2',
      'Running',
      '0',
    ],
    [
      'being deleted',
      pod({ statuses: [running('app')], deleting: true }),
      '1/1',
      'Terminating',
      '0',
    ],
    [
      'being deleted after it finished keeps its terminal status',
      pod({ phase: 'Succeeded', statuses: [terminated('app', 0, 'Completed')], deleting: true }),
      '0/1',
      'Completed',
      '0',
    ],
    [
      'being deleted on an unreachable node',
      pod({ reason: 'NodeLost', statuses: [running('app')], deleting: true }),
      '1/1',
      'Unknown',
      '0',
    ],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(podStatusColumns(p, NOW)).toEqual({ ready, status, restarts });
  });

  test('RESTARTS takes the latest termination across containers', () => {
    const p = pod({
      containers: ['a', 'b'],
      statuses: [
        withLastTermination(running('a', true, 1), T('04:00')),
        withLastTermination(running('b', true, 2), T('05:00')),
      ],
    });
    expect(podStatusColumns(p, NOW).restarts).toBe('3 (5m ago)');
  });
});

describe('podRow', () => {
  test('wide cells print <none> for what is not set yet', () => {
    const p = { apiVersion: 'v1', kind: 'Pod', ...pod({ phase: 'Pending' }) } as Pod & KObject;
    expect(podRow(p, NOW)).toEqual([
      'p',
      '0/1',
      'Pending',
      '0',
      '10m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  test('readiness gates count the conditions that are True', () => {
    const base = pod({
      statuses: [running('app')],
      conditions: [
        { type: 'example.com/lb', status: 'True' },
        { type: 'example.com/dns', status: 'False' },
      ],
    });
    const p = {
      apiVersion: 'v1',
      kind: 'Pod',
      ...base,
      spec: {
        ...base.spec!,
        nodeName: 'node1',
        readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }],
      },
      status: { ...base.status, podIPs: [{ ip: '10.244.1.7' }], nominatedNodeName: 'node2' },
    } as Pod & KObject;
    expect(podRow(p, NOW).slice(5)).toEqual(['10.244.1.7', 'node1', 'node2', '1/2']);
  });
});
