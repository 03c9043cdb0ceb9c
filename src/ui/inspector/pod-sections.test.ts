import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import type { Block, Field, Item } from './model';
import { podConditionBlocks, podContainerBlocks, podSummaryBlocks } from './pod-sections';
import { at, inputFor } from './testing';

const rs: KObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-5f8d9c6b7d', namespace: 'default', uid: 'rs-uid' },
};

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-5f8d9c6b7d-x2kq9',
    namespace: 'default',
    uid: 'pod-uid',
    creationTimestamp: at(0),
    labels: { app: 'web', 'pod-template-hash': '5f8d9c6b7d' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-5f8d9c6b7d',
        uid: 'rs-uid',
        controller: true,
      },
    ],
  },
  spec: {
    nodeName: 'node1',
    initContainers: [{ name: 'setup', image: 'busybox' }],
    containers: [
      { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.1.5',
    hostIP: '192.168.100.11',
    qosClass: 'BestEffort',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
      { type: 'Ready', status: 'False', lastTransitionTime: at(30), reason: 'ContainersNotReady' },
    ],
    initContainerStatuses: [
      {
        name: 'setup',
        image: 'busybox',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at(5) } },
      },
    ],
    containerStatuses: [
      {
        name: 'web',
        image: 'nginx:1.25',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: at(10) } },
      },
      {
        name: 'sidecar',
        image: 'busybox',
        imageID: '',
        ready: false,
        restartCount: 3,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: 'back-off 40s restarting failed container',
          },
        },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at(80) } },
      },
    ],
  },
};

const fieldsOf = (blocks: Block[]): Array<[string, string, string | undefined]> => {
  const b = blocks[0];
  if (b?.type !== 'fields') throw new Error('expected fields');
  return b.fields.map((f: Field) => [f.label, f.value.text, f.value.tone]);
};

describe('pod sections', () => {
  it('Status: kubectl READY and RESTARTS, node, IPs, controller, labels', () => {
    const input = inputFor(pod, [rs], 100);
    const blocks = podSummaryBlocks(input);
    expect(fieldsOf(blocks)).toEqual([
      ['Ready', '1/2', undefined],
      ['Restarts', '3 (20s ago)', undefined],
      ['Node', 'node1', undefined],
      ['Pod IP', '10.244.1.5', undefined],
      ['Host IP', '192.168.100.11', undefined],
      ['Controlled by', 'ReplicaSet/web-5f8d9c6b7d', undefined],
      ['QoS class', 'BestEffort', undefined],
      ['Labels', 'app=web, pod-template-hash=5f8d9c6b7d', undefined],
    ]);
    const b = blocks[0];
    if (b?.type !== 'fields') throw new Error('expected fields');
    expect(b.fields[2]?.value.ref).toEqual({ kind: 'Node', name: 'node1' });
    expect(b.fields[5]?.value.ref).toEqual({
      kind: 'ReplicaSet',
      namespace: 'default',
      name: 'web-5f8d9c6b7d',
    });
  });

  it('Status: a controller that no longer exists is named but not linked', () => {
    const b = podSummaryBlocks(inputFor(pod, [], 100))[0];
    if (b?.type !== 'fields') throw new Error('expected fields');
    const owner = b.fields.find((f) => f.label === 'Controlled by');
    expect(owner?.value).toEqual({ text: 'ReplicaSet/web-5f8d9c6b7d' });
  });

  it('Containers: init containers first; image, state, ready, restarts, last state', () => {
    const [block] = podContainerBlocks(inputFor(pod, [], 100));
    if (block?.type !== 'items') throw new Error('expected items');
    const summary = (i: Item) => ({
      title: i.title.text,
      subtitle: i.subtitle,
      badges: i.badges.map((b) => `${b.text}:${b.tone}`),
      fields: i.fields.map((f) => `${f.label}: ${f.value.text}`),
    });
    expect(block.items.map(summary)).toEqual([
      {
        title: 'setup',
        subtitle: 'init container',
        badges: ['ready:ok', '0 restarts:muted'],
        fields: ['Image: busybox', 'State: Terminated: Completed (exit code 0)'],
      },
      {
        title: 'web',
        subtitle: undefined,
        badges: ['ready:ok', '0 restarts:muted'],
        fields: ['Image: nginx:1.25', 'State: Running, started 90s ago', 'Ports: 80/TCP'],
      },
      {
        title: 'sidecar',
        subtitle: undefined,
        badges: ['not ready:warn', '3 restarts:warn'],
        fields: [
          'Image: busybox',
          'State: Waiting: CrashLoopBackOff',
          'Message: back-off 40s restarting failed container',
          'Last state: Terminated: Error (exit code 1), 20s ago',
        ],
      },
    ]);
  });

  it('Conditions: type, status coloured by its good state, age of the transition', () => {
    const [block] = podConditionBlocks(inputFor(pod, [], 100));
    if (block?.type !== 'table') throw new Error('expected table');
    expect(block.columns).toEqual(['Type', 'Status', 'Since']);
    expect(block.rows.map((r) => r.map((c) => `${c.text}|${c.tone ?? ''}`))).toEqual([
      ['PodScheduled|', 'True|ok', '100s|muted'],
      ['Ready|', 'False|error', '70s|muted'],
    ]);
  });

  it('a pending pod without node or IP', () => {
    const pending: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u', creationTimestamp: at(0) },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Pending' },
    };
    expect(fieldsOf(podSummaryBlocks(inputFor(pending, [], 5)))).toEqual([
      ['Ready', '0/1', undefined],
      ['Restarts', '0', undefined],
      ['Node', '<none>', 'muted'],
      ['Pod IP', '<none>', undefined],
    ]);
    expect(podConditionBlocks(inputFor(pending, [], 5))).toEqual([]);
  });
});
