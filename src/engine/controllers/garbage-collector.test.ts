import { describe, expect, it } from 'vitest';
import type { KObject, OwnerReference } from '../api/types';
import { newFixture } from '../testing/fixture';
import { startGarbageCollector } from './garbage-collector';

function setup() {
  const f = newFixture({ strategies: false });
  f.store.setStrategy('Pod', {
    gracefulDeleteSeconds: (_o, r) => (r === 0 ? undefined : (r ?? 30)),
  });
  startGarbageCollector(f.ctx);
  const owner = (o: KObject, controller = true): OwnerReference => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name!,
    uid: o.metadata.uid!,
    ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
  });
  const make = (
    apiVersion: string,
    kind: string,
    name: string,
    ownerReferences?: OwnerReference[],
  ): KObject =>
    f.create({
      apiVersion,
      kind,
      metadata: { name, namespace: 'default', ...(ownerReferences ? { ownerReferences } : {}) },
      spec: {},
    });
  /** A Deployment with one ReplicaSet of two Pods, linked by ownerReferences. */
  const deployment = (name: string) => {
    const d = make('apps/v1', 'Deployment', name);
    const rs = make('apps/v1', 'ReplicaSet', `${name}-5d9c7f`, [owner(d)]);
    const pods = ['abcde', 'fghjk'].map((s) =>
      make('v1', 'Pod', `${name}-5d9c7f-${s}`, [owner(rs)]),
    );
    return { d, rs, pods };
  };
  const get = (kind: string, name: string) => f.store.get(kind, 'default', name);
  return { f, owner, make, deployment, get };
}

describe('garbage collector', () => {
  it('deleting a Deployment removes its ReplicaSets, whose Pods go Terminating, then away', () => {
    const { f, deployment, get } = setup();
    const { rs, pods } = deployment('web');
    f.store.delete('Deployment', 'default', 'web', { actor: 'kubectl' });
    f.settle();
    expect(get('ReplicaSet', rs.metadata.name!)).toBeUndefined();
    for (const p of pods) {
      const cur = get('Pod', p.metadata.name!)!;
      expect(cur.metadata.deletionTimestamp).toBe('2024-06-03T08:00:30Z');
      expect(cur.metadata.deletionGracePeriodSeconds).toBe(30);
    }
    expect(f.writes('generic-garbage-collector')).toEqual([
      'remove ReplicaSet default/web-5d9c7f',
      'delete Pod default/web-5d9c7f-abcde',
      'delete Pod default/web-5d9c7f-fghjk',
    ]);
  });

  it('leaves unrelated objects alone', () => {
    const { f, deployment, get } = setup();
    deployment('web');
    const other = deployment('api');
    f.store.delete('Deployment', 'default', 'web', { actor: 'kubectl' });
    f.settle();
    expect(get('ReplicaSet', other.rs.metadata.name!)).toBeDefined();
    for (const p of other.pods)
      expect(get('Pod', p.metadata.name!)!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('propagationPolicy Orphan keeps the dependents, without the owner reference', () => {
    const { f, deployment, get } = setup();
    const { rs } = deployment('web');
    f.store.delete('Deployment', 'default', 'web', {
      actor: 'kubectl',
      propagationPolicy: 'Orphan',
    });
    f.settle();
    expect(get('ReplicaSet', rs.metadata.name!)!.metadata.ownerReferences).toBeUndefined();
    expect(f.writes('generic-garbage-collector')).toEqual([]);
  });

  it('a dependent created for an owner that no longer exists is deleted', () => {
    const { f, make, get } = setup();
    const ghost: OwnerReference = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'gone',
      uid: '00000000-0000-4000-8000-000000000000',
      controller: true,
    };
    make('v1', 'Pod', 'orphan', [ghost]);
    f.settle();
    expect(get('Pod', 'orphan')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('an owner with the same name but another uid does not count', () => {
    const { f, make, owner, get } = setup();
    const first = make('apps/v1', 'ReplicaSet', 'rs');
    const ref = owner(first);
    f.store.delete('ReplicaSet', 'default', 'rs', { actor: 'test' });
    make('apps/v1', 'ReplicaSet', 'rs'); // recreated: new uid
    make('v1', 'Pod', 'p', [ref]);
    f.settle();
    expect(get('Pod', 'p')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('with several owners, only the dangling references are removed', () => {
    const { f, make, owner, get } = setup();
    const a = make('v1', 'ConfigMap', 'a');
    const b = make('v1', 'ConfigMap', 'b');
    make('v1', 'Secret', 's', [owner(a, false), owner(b, false)]);
    f.store.delete('ConfigMap', 'default', 'a', { actor: 'test' });
    f.settle();
    const s = get('Secret', 's')!;
    expect(s.metadata.deletionTimestamp).toBeUndefined();
    expect(s.metadata.ownerReferences).toEqual([owner(b, false)]);
  });

  it('owners of kinds this API server does not serve are left alone', () => {
    const { f, make, get } = setup();
    make('v1', 'Pod', 'job-pod', [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u-1', controller: true },
    ]);
    f.settle();
    expect(get('Pod', 'job-pod')!.metadata.deletionTimestamp).toBeUndefined();
  });
});
