import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import { podTone, serviceView, splitName } from './views';

describe('podTone', () => {
  const cases: Array<[string, string]> = [
    ['Running', 'running'],
    ['Pending', 'pending'],
    ['SchedulingGated', 'pending'],
    ['ContainerCreating', 'creating'],
    ['PodInitializing', 'creating'],
    ['Init:0/1', 'creating'],
    ['Terminating', 'terminating'],
    ['ErrImagePull', 'warning'],
    ['ImagePullBackOff', 'warning'],
    ['Init:ImagePullBackOff', 'warning'],
    ['NotReady', 'warning'],
    ['CrashLoopBackOff', 'error'],
    ['Init:CrashLoopBackOff', 'error'],
    ['Error', 'error'],
    ['OOMKilled', 'error'],
    ['ExitCode:137', 'error'],
    ['Init:ExitCode:1', 'error'],
    ['Completed', 'done'],
    ['Unknown', 'unknown'],
    ['SomethingNew', 'warning'],
  ];
  it.each(cases)('%s → %s', (status, tone) => {
    expect(podTone(status)).toBe(tone);
  });
});

describe('serviceView', () => {
  const svc = (spec: Record<string, unknown>) =>
    ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'default' },
      spec,
    }) as unknown as KObject;
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      'same target port',
      { clusterIP: '10.96.1.1', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
      ['80/TCP'],
    ],
    [
      'other target port',
      { clusterIP: '10.96.1.1', ports: [{ port: 80, targetPort: 8080 }] },
      ['80→8080/TCP'],
    ],
    [
      'NodePort',
      {
        type: 'NodePort',
        clusterIP: '10.96.1.1',
        ports: [{ port: 80, targetPort: 80, nodePort: 30623, protocol: 'TCP' }],
      },
      ['80/TCP :30623'],
    ],
    [
      'UDP and named target',
      { clusterIP: '10.96.0.10', ports: [{ port: 53, targetPort: 'dns', protocol: 'UDP' }] },
      ['53→dns/UDP'],
    ],
  ];
  it.each(cases)('%s', (_, spec, ports) => {
    expect(serviceView(svc(spec)).ports).toEqual(ports);
  });
});

describe('splitName', () => {
  const cases: Array<[string, [string, string]]> = [
    ['sb', ['sb', '']],
    ['etcd-master', ['etcd-master', '']],
    ['httpd2-676b985746-2qvnb', ['httpd2-676b985746', '-2qvnb']],
    ['kube-controller-manager-master', ['kube-controller-manager-', 'master']],
  ];
  it.each(cases)('%s', (name, parts) => {
    expect(splitName(name)).toEqual(parts);
  });
});
