import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import { smallest } from './snapshot';
import { clusterSummary } from './summary';
import { snapshotOf } from './testing';

const pod = (name: string, namespace: string, phase: string, waiting?: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `${namespace}/${name}` },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: {
    phase,
    containerStatuses: [
      {
        name: 'c',
        image: 'x',
        imageID: '',
        ready: !waiting,
        restartCount: 0,
        state: waiting ? { waiting: { reason: waiting } } : { running: {} },
      },
    ],
  },
});

describe('clusterSummary', () => {
  it('counts pods by STATUS, lists the first few user objects and how many more', () => {
    const pods = [
      ...Array.from({ length: 10 }, (_, i) => pod(`web-${i}`, 'default', 'Running')),
      pod('broken', 'default', 'Pending', 'ImagePullBackOff'),
      pod('new', 'default', 'Pending', 'ContainerCreating'),
      pod('coredns', 'kube-system', 'Running'),
    ];
    const s = clusterSummary(snapshotOf(pods));
    expect(s.podTotal).toBe(13);
    expect(s.podsByStatus).toEqual([
      { status: 'Running', count: 11, tone: 'ok' },
      { status: 'ContainerCreating', count: 1, tone: 'info' },
      { status: 'ImagePullBackOff', count: 1, tone: 'error' },
    ]);
    expect(s.pods.map((p) => [p.label, p.detail?.text])).toEqual([
      ['broken', 'ImagePullBackOff'],
      ['new', 'ContainerCreating'],
      ['web-0', 'Running'],
      ['web-1', 'Running'],
      ['web-2', 'Running'],
      ['web-3', 'Running'],
      ['web-4', 'Running'],
      ['web-5', 'Running'],
    ]);
    expect(s.morePods).toBe(4);
    expect(s.nodes).toEqual([]);
  });

  it('smallest keeps the first n in order without sorting everything', () => {
    const cmp = (a: number, b: number) => a - b;
    expect(smallest([5, 3, 9, 1, 7, 3, 8], 3, cmp)).toEqual([1, 3, 3]);
    expect(smallest([2, 1], 5, cmp)).toEqual([1, 2]);
    expect(smallest([], 3, cmp)).toEqual([]);
  });
});
