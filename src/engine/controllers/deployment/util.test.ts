import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { EPOCH_MS, formatTimestamp } from '../../sim/clock';
import type { DeploymentObj, IntOrString, ReplicaSetObj } from './util';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  getProportion,
  getRevision,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
} from './util';
import { deepFreeze } from '../../api/types';

function template(image: string, hash?: string): PodTemplateSpec {
  return {
    metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: { containers: [{ name: 'web', image }] },
  };
}

function deployment(
  replicas: number,
  maxSurgeV?: IntOrString,
  maxUnavailableV?: IntOrString,
  annotations?: Record<string, string>,
): DeploymentObj {
  const rollingUpdate: Record<string, IntOrString> = {};
  if (maxSurgeV !== undefined) rollingUpdate.maxSurge = maxSurgeV;
  if (maxUnavailableV !== undefined) rollingUpdate.maxUnavailable = maxUnavailableV;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate },
      template: template('nginx:1.14'),
    },
  };
}

let uid = 0;
function rs(
  name: string,
  opts: {
    replicas?: number;
    revision?: string;
    image?: string;
    created?: number;
    annotations?: Record<string, string>;
  } = {},
): ReplicaSetObj {
  const annotations: Record<string, string> = { ...opts.annotations };
  if (opts.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = opts.revision;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${++uid}`,
      creationTimestamp: formatTimestamp(EPOCH_MS + (opts.created ?? 0) * 1000),
      annotations,
    },
    spec: {
      replicas: opts.replicas ?? 0,
      selector: { matchLabels: { app: 'web' } },
      template: template(opts.image ?? 'nginx:1.14', name.split('-')[1]),
    },
  };
}

describe('ResolveFenceposts (§6.2)', () => {
  const rows: Array<[number, IntOrString | undefined, IntOrString | undefined, number, number]> = [
    [3, '25%', '25%', 1, 0],
    [4, '25%', '25%', 1, 1],
    [10, '25%', '25%', 3, 2],
    [1, '25%', '25%', 1, 0],
    [0, '25%', '25%', 0, 1],
    [10, 3, 2, 3, 2],
    [5, '50%', '50%', 3, 2],
    [3, '0%', '0%', 0, 1],
    [2, '0%', '25%', 0, 1],
    [3, '100%', 0, 3, 0],
    [3, 0, '100%', 0, 3],
    [7, '30%', '30%', 3, 2],
    [3, undefined, undefined, 0, 1],
  ];
  it.each(rows)('%i replicas, surge %s, unavailable %s → %i/%i', (n, s, u, ws, wu) => {
    expect(resolveFenceposts(s, u, n)).toEqual([ws, wu]);
  });

  it('defaults to 25%/25% and caps unavailable at replicas', () => {
    expect([maxSurge(deployment(4)), maxUnavailable(deployment(4))]).toEqual([1, 1]);
    expect(maxUnavailable(deployment(2, 0, 5))).toBe(2);
    expect(maxUnavailable(deployment(0))).toBe(0);
  });
});

describe('NewRSNewReplicas (§6.3 step 1)', () => {
  it.each([
    // [desired, surge, old replicas, new replicas, expected new size]
    [3, '25%', 3, 0, 1],
    [3, '25%', 2, 1, 2],
    [3, '25%', 3, 1, 1], // already at desired + surge
    [10, '25%', 10, 0, 3],
    [10, 3, 8, 3, 5],
    [4, '25%', 0, 4, 4],
  ])('%i desired, surge %s, old %i, new %i → %i', (desired, surge, oldN, newN, want) => {
    const d = deployment(desired, surge, '25%');
    const o = rs('web-old', { replicas: oldN });
    const n = rs('web-new', { replicas: newN });
    expect(newRSNewReplicas(d, [o, n], n)).toBe(want);
  });
});

describe('revisions and templates', () => {
  it('getRevision / maxRevision read the revision annotation', () => {
    expect(getRevision(rs('a-1', { revision: '7' }))).toBe(7);
    expect(getRevision(rs('a-1'))).toBe(0);
    expect(getRevision(rs('a-1', { revision: 'x' }))).toBeUndefined();
    expect(
      maxRevision([
        rs('a-1', { revision: '2' }),
        rs('a-2', { revision: 'x' }),
        rs('a-3', { revision: '5' }),
      ]),
    ).toBe(5);
    expect(maxRevision([])).toBe(0);
  });

  it('equalIgnoreHash ignores only the pod-template-hash label', () => {
    expect(equalIgnoreHash(template('nginx:1.14', 'abc'), template('nginx:1.14'))).toBe(true);
    expect(equalIgnoreHash(template('nginx:1.14', 'abc'), template('nginx:1.14', 'def'))).toBe(
      true,
    );
    expect(equalIgnoreHash(template('nginx:1.14'), template('nginx:1.16'))).toBe(false);
    const withEmpty: PodTemplateSpec = {
      ...template('nginx:1.14'),
      metadata: { labels: { app: 'web' }, annotations: {} },
    };
    expect(equalIgnoreHash(withEmpty, template('nginx:1.14'))).toBe(true);
  });

  it('findNewReplicaSet picks the oldest matching ReplicaSet; findOldReplicaSets the rest', () => {
    const d = deployment(3);
    const older = rs('web-a', { image: 'nginx:1.14', created: 10, replicas: 1 });
    const newer = rs('web-b', { image: 'nginx:1.14', created: 20 });
    const other = rs('web-c', { image: 'nginx:1.16', created: 5, replicas: 2 });
    const empty = rs('web-d', { image: 'nginx:1.17', created: 6 });
    expect(findNewReplicaSet(d, [newer, other, older])?.metadata.name).toBe('web-a');
    const { required, all } = findOldReplicaSets(d, [newer, other, older, empty]);
    expect(all.map((r) => r.metadata.name)).toEqual(['web-b', 'web-c', 'web-d']);
    expect(required.map((r) => r.metadata.name)).toEqual(['web-c']);
    expect(findNewReplicaSet(d, [other])).toBeUndefined();
  });
});

describe('SetNewReplicaSetAnnotations (§6.4, §6.5)', () => {
  it('a new ReplicaSet gets the revision, replica annotations and the copied change-cause', () => {
    const d = deployment(3, '25%', '25%', {
      'kubernetes.io/change-cause': 'kubectl set image deployment/web web=nginx:1.16 --record=true',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '1',
      team: 'blue',
    });
    const r = rs('web-new');
    expect(setNewReplicaSetAnnotations(d, r, '2', false)).toBe(true);
    expect(r.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'kubectl set image deployment/web web=nginx:1.16 --record=true',
      team: 'blue',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
  });

  it('a reused ReplicaSet is renumbered max+1 and keeps its old number in revision-history', () => {
    const d = deployment(3);
    const r = rs('web-a', { revision: '1' });
    expect(setNewReplicaSetAnnotations(d, r, '3', true)).toBe(true);
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(setNewReplicaSetAnnotations(d, r, '5', true)).toBe(true);
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1,3');
    // Already current: nothing to do.
    expect(setNewReplicaSetAnnotations(d, r, '5', true)).toBe(false);
    expect(setNewReplicaSetAnnotations(d, r, '4', true)).toBe(false);
  });

  it('trims revision-history from the front to the character limit', () => {
    const d = deployment(3);
    const r = rs('web-a', {
      revision: '30',
      annotations: { 'deployment.kubernetes.io/revision-history': '10,20' },
    });
    setNewReplicaSetAnnotations(d, r, '40', true, 7);
    expect(r.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('20,30');
  });
});

describe('GetProportion (§6.3 proportional scaling)', () => {
  it('10 → 15 with ReplicaSets at 8 (old) and 5 (new) adds 3 and 2', () => {
    const before = { 'deployment.kubernetes.io/max-replicas': '13' };
    const d = deployment(15, 3, 2);
    const old = rs('web-old', { replicas: 8, annotations: before });
    const neu = rs('web-new', { replicas: 5, annotations: before });
    const toAdd = 15 + 3 - 13;
    const pOld = getProportion(old, d, toAdd, 0);
    const pNew = getProportion(neu, d, toAdd, pOld);
    expect([pOld, pNew]).toEqual([3, 2]);
  });

  it('scaling to zero takes each ReplicaSet whole, never past what is left', () => {
    const d = deployment(0, 3, 2);
    const old = rs('web-old', { replicas: 8 });
    expect(getProportion(old, d, -13, 0)).toBe(-8);
    expect(getProportion(old, d, -13, -10)).toBe(-3);
    expect(getProportion(rs('web-z', { replicas: 0 }), d, -13, 0)).toBe(0);
  });
});

describe('setDeploymentRevision on a working copy that shares the stored metadata', () => {
  it.each([
    {
      name: 'no annotations',
      annotations: undefined,
      want: ['x', 'annotations'],
    },
    {
      name: 'an older revision',
      annotations: { a: '1', 'deployment.kubernetes.io/revision': '1', b: '2' },
      want: ['a', 'deployment.kubernetes.io/revision', 'b'],
    },
  ])(
    'copies before editing, with the key order an in-place edit gives ($name)',
    ({ annotations, want }) => {
      const stored = deepFreeze({
        ...deployment(1, undefined, undefined, annotations),
        metadata: {
          name: 'web',
          namespace: 'default',
          ...(annotations ? { annotations } : {}),
          x: 1,
        },
      }) as DeploymentObj;
      const d = { ...stored } as DeploymentObj;
      expect(setDeploymentRevision(d, '2')).toBe(true);
      expect(d.metadata).not.toBe(stored.metadata);
      expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      const keys = annotations
        ? Object.keys(d.metadata.annotations ?? {})
        : Object.keys(d.metadata).slice(-2);
      expect(keys).toEqual(want);
      expect(stored.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe(
        annotations ? '1' : undefined,
      );
      expect(setDeploymentRevision(d, '2')).toBe(false);
    },
  );
});
