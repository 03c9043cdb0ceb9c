import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { getPhase, qosClass } from './pod-status';

const running: ContainerStatus = {
  name: 'a',
  image: 'x',
  imageID: '',
  ready: true,
  restartCount: 0,
  state: { running: {} },
};
const waiting: ContainerStatus = {
  ...running,
  ready: false,
  state: { waiting: { reason: 'ContainerCreating' } },
};
const crashLooping: ContainerStatus = {
  ...waiting,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
};
const done = (exitCode: number): ContainerStatus => ({
  ...running,
  ready: false,
  state: { terminated: { exitCode } },
});
const podWith = (restartPolicy: string): Pod => ({ spec: { containers: [], restartPolicy } });

describe('getPhase (kubelet_pods.go)', () => {
  it.each([
    ['Always', [waiting], 'Pending'],
    ['Always', [running, waiting], 'Pending'],
    ['Always', [running], 'Running'],
    ['Always', [crashLooping], 'Running'],
    ['Always', [done(0)], 'Running'],
    ['OnFailure', [done(0)], 'Succeeded'],
    ['OnFailure', [done(1)], 'Running'],
    ['Never', [done(0), done(0)], 'Succeeded'],
    ['Never', [done(0), done(2)], 'Failed'],
    ['Never', [running, done(2)], 'Running'],
    ['Always', [], 'Pending'],
  ] as Array<[string, ContainerStatus[], string]>)('%s %j → %s', (policy, statuses, phase) => {
    expect(getPhase(podWith(policy), statuses)).toBe(phase);
  });
});

describe('qosClass (GetPodQOS)', () => {
  const pod = (...resources: Array<Record<string, Record<string, string>>>): Pod => ({
    spec: { containers: resources.map((r, i) => ({ name: `c${i}`, resources: r })) },
  });
  it.each([
    ['no resources', pod({}), 'BestEffort'],
    ['requests only', pod({ requests: { cpu: '100m' } }), 'Burstable'],
    [
      'limits = requests',
      pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1Gi' } }),
      'Guaranteed',
    ],
    [
      'limits only (requests default to them)',
      pod({ limits: { cpu: '1', memory: '128Mi' } }),
      'Guaranteed',
    ],
    ['one container without limits', pod({ limits: { cpu: '1', memory: '1Gi' } }, {}), 'Burstable'],
    ['memory limit only', pod({ limits: { memory: '1Gi' } }), 'Burstable'],
  ] as Array<[string, Pod, string]>)('%s → %s', (_n, p, q) => {
    expect(qosClass(p)).toBe(q);
  });
});
