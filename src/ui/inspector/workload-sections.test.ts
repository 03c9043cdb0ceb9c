import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import type { Block } from './model';
import { at, inputFor } from './testing';
import {
  controllerPodBlocks,
  deploymentReplicaSetBlocks,
  deploymentSummaryBlocks,
  replicaSetSummaryBlocks,
  selectorText,
} from './workload-sections';

const deployment: KObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'd-uid',
    creationTimestamp: at(0),
    annotations: { 'deployment.kubernetes.io/revision': '2' },
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: { spec: { containers: [{ name: 'web', image: 'httpd:2.4' }] } },
  },
  status: {
    replicas: 4,
    updatedReplicas: 1,
    readyReplicas: 3,
    availableReplicas: 3,
    unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
    ],
  },
};

function replicaSet(
  name: string,
  revision: number,
  image: string,
  replicas: number,
  ready: number,
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      creationTimestamp: at(revision * 60),
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': name.slice(4) } },
      template: { spec: { containers: [{ name: 'web', image }] } },
    },
    status: { replicas, readyReplicas: ready, availableReplicas: ready },
  };
}

function pod(name: string, owner: string, nodeName: string, running: boolean): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: owner,
          uid: `${owner}-uid`,
          controller: true,
        },
      ],
    },
    spec: { nodeName, containers: [{ name: 'web', image: 'x' }] },
    status: {
      phase: running ? 'Running' : 'Pending',
      containerStatuses: [
        running
          ? {
              name: 'web',
              image: 'x',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: {} },
            }
          : {
              name: 'web',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
      ],
    },
  };
}

const oldRs = replicaSet('web-6d4cf56db6', 1, 'httpd:2.2', 3, 3);
const newRs = replicaSet('web-7c9b8f5d4', 2, 'httpd:2.4', 1, 0);
const pods = [
  pod('web-6d4cf56db6-aaaaa', 'web-6d4cf56db6', 'node1', true),
  pod('web-6d4cf56db6-bbbbb', 'web-6d4cf56db6', 'node2', true),
  pod('web-7c9b8f5d4-ccccc', 'web-7c9b8f5d4', 'node1', false),
  pod('unrelated', 'other-rs', 'node1', true),
];

const text = (blocks: Block[]): unknown[] =>
  blocks.map((b) => {
    switch (b.type) {
      case 'fields':
        return b.fields.map((f) => `${f.label}: ${f.value.text}`);
      case 'table':
        return [b.columns, ...b.rows.map((r) => r.map((c) => c.text))];
      case 'items':
        return b.items.map((i) => [
          `${i.title.text} (${i.subtitle ?? ''})`,
          i.badges.map((x) => x.text).join(','),
          ...i.fields.map((f) => `${f.label}: ${f.value.text}`),
        ]);
      case 'note':
        return `note: ${b.text}`;
      default:
        return b.type;
    }
  });

describe('deployment and replicaset sections', () => {
  it('Rollout: replicas as describe counts them, revision, strategy, selector, images, conditions', () => {
    expect(text(deploymentSummaryBlocks(inputFor(deployment, [], 300)))).toEqual([
      [
        'Replicas: 3 desired | 1 updated | 4 total | 3 available | 1 unavailable',
        'Revision: 2',
        'Strategy: RollingUpdate: 25% max unavailable, 25% max surge',
        'Selector: app=web',
        'Images: httpd:2.4',
      ],
      [
        ['Type', 'Status', 'Reason'],
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'ReplicaSetUpdated'],
      ],
    ]);
  });

  it.each([
    ['a rollout in progress', { replicas: 4, updatedReplicas: 1, availableReplicas: 3 }, 'info'],
    ['a complete rollout', { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 'ok'],
    ['missing replicas', { replicas: 3, updatedReplicas: 3, availableReplicas: 2 }, 'warn'],
  ])('Rollout: the replica counts are coloured for %s', (_name, status, tone) => {
    const d = { ...deployment, status };
    const [block] = deploymentSummaryBlocks(inputFor(d, [], 300));
    if (block?.type !== 'fields') throw new Error('expected fields');
    expect(block.fields[0]?.value.tone).toBe(tone);
  });

  it('ReplicaSets: newest revision first, the current one marked new', () => {
    expect(text(deploymentReplicaSetBlocks(inputFor(deployment, [oldRs, newRs], 300)))).toEqual([
      [
        [
          'web-7c9b8f5d4 (revision 2)',
          'new,0/1 ready',
          'Replicas: 1 current / 1 desired, 0 available',
          'Images: httpd:2.4',
          'Age: 3m',
        ],
        [
          'web-6d4cf56db6 (revision 1)',
          'old,3/3 ready',
          'Replicas: 3 current / 3 desired, 3 available',
          'Images: httpd:2.2',
          'Age: 4m',
        ],
      ],
    ]);
  });

  it('Pods: a Deployment lists the pods of all its ReplicaSets; a ReplicaSet its own', () => {
    expect(text(controllerPodBlocks(inputFor(deployment, [oldRs, newRs, ...pods], 300)))).toEqual([
      [
        ['web-6d4cf56db6-aaaaa (node1)', 'Running,1/1'],
        ['web-6d4cf56db6-bbbbb (node2)', 'Running,1/1'],
        ['web-7c9b8f5d4-ccccc (node1)', 'ContainerCreating,0/1'],
      ],
    ]);
    expect(text(controllerPodBlocks(inputFor(newRs, [deployment, oldRs, ...pods], 300)))).toEqual([
      [['web-7c9b8f5d4-ccccc (node1)', 'ContainerCreating,0/1']],
    ]);
    expect(text(controllerPodBlocks(inputFor(deployment, [], 300)))).toEqual(['note: No pods.']);
  });

  it('ReplicaSet: replicas, its Deployment (linked), revision, selector, images', () => {
    const blocks = replicaSetSummaryBlocks(inputFor(newRs, [deployment], 300));
    expect(text(blocks)).toEqual([
      [
        'Replicas: 1 current / 1 desired, 0 ready, 0 available',
        'Controlled by: Deployment/web',
        'Revision: 2',
        'Selector: app=web,pod-template-hash=7c9b8f5d4',
        'Images: httpd:2.4',
      ],
    ]);
    const b = blocks[0];
    if (b?.type !== 'fields') throw new Error('expected fields');
    expect(b.fields[1]?.value.ref).toEqual({
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
    });
  });

  it.each([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [
      {
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'api'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'team', operator: 'Exists' },
        ],
      },
      'app=x,tier in (web,api),env notin (dev),!canary,team',
    ],
  ])('selectorText(%j) = %s', (selector, expected) => {
    expect(selectorText(selector)).toBe(expected);
  });
});
