import type { Namespace } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../api/errors';
import { kubectlMessage } from '../api/errors';
import type { KObject } from '../api/types';
import { newFixture } from '../testing/fixture';
import { startGarbageCollector } from './garbage-collector';
import { installNamespaceStrategy, startNamespaceController } from './namespace';

type Ns = Namespace & KObject;

function setup() {
  const f = newFixture({ strategies: false });
  installNamespaceStrategy(f.ctx);
  f.store.setStrategy('Pod', {
    gracefulDeleteSeconds: (_o, r) => (r === 0 ? undefined : (r ?? 30)),
  });
  startNamespaceController(f.ctx);
  startGarbageCollector(f.ctx);
  const ns = (name: string) => f.store.get<Ns>('Namespace', undefined, name);
  const put = (apiVersion: string, kind: string, name: string, namespace = 'team') =>
    f.create({ apiVersion, kind, metadata: { name, namespace }, spec: {} });
  f.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  return { f, ns, put };
}

describe('namespace strategy', () => {
  it('new namespaces are Active, labelled with their name, with the kubernetes finalizer', () => {
    const { ns } = setup();
    const team = ns('team')!;
    expect(team.status).toEqual({ phase: 'Active' });
    expect(team.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(team.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team' });
  });

  it.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])(
    '%s may not be deleted',
    (name) => {
      const { f } = setup();
      let msg = '';
      try {
        f.store.delete('Namespace', undefined, name, { actor: 'kubectl' });
      } catch (e) {
        msg = kubectlMessage(e as ApiError);
      }
      expect(msg).toBe(
        `Error from server (Forbidden): namespaces "${name}" is forbidden: this namespace may not be deleted`,
      );
      expect(f.store.get('Namespace', undefined, name)).toBeDefined();
    },
  );
});

describe('namespace controller', () => {
  it('an empty namespace goes at once', () => {
    const { f, ns } = setup();
    f.store.delete('Namespace', undefined, 'team', { actor: 'kubectl' });
    expect(ns('team')!.metadata.deletionTimestamp).toBe('2024-06-03T08:00:00Z');
    f.settle();
    expect(ns('team')).toBeUndefined();
  });

  it('deletes the content, shows Terminating while pods drain, then removes the namespace', () => {
    const { f, ns, put } = setup();
    put('apps/v1', 'Deployment', 'web');
    put('v1', 'Service', 'web');
    put('v1', 'ConfigMap', 'settings');
    put('v1', 'Pod', 'web-1');
    put('v1', 'Pod', 'web-2');
    put('v1', 'Pod', 'other', 'default');
    f.store.delete('Namespace', undefined, 'team', { actor: 'kubectl' });
    f.settle();

    const team = ns('team')!;
    expect(team.status?.phase).toBe('Terminating');
    expect(team.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      [
        'NamespaceDeletionDiscoveryFailure',
        'False',
        'ResourcesDiscovered',
        'All resources successfully discovered',
      ],
      [
        'NamespaceDeletionGroupVersionParsingFailure',
        'False',
        'ParsedGroupVersions',
        'All legacy kube types successfully parsed',
      ],
      [
        'NamespaceDeletionContentFailure',
        'False',
        'ContentDeleted',
        'All content successfully deleted, may be waiting on finalization',
      ],
      [
        'NamespaceContentRemaining',
        'True',
        'SomeResourcesRemain',
        'Some resources are remaining: pods. has 2 resource instances',
      ],
      [
        'NamespaceFinalizersRemaining',
        'False',
        'ContentHasNoFinalizers',
        'All content-preserving finalizers finished',
      ],
    ]);
    expect(f.store.list('Deployment', { namespace: 'team' })).toEqual([]);
    expect(f.store.list('Service', { namespace: 'team' })).toEqual([]);
    expect(f.store.list('ConfigMap', { namespace: 'team' })).toEqual([]);
    const pods = f.store.list('Pod', { namespace: 'team' });
    expect(pods.map((p) => p.metadata.deletionTimestamp)).toEqual([
      '2024-06-03T08:00:30Z',
      '2024-06-03T08:00:30Z',
    ]);

    // Creating in a terminating namespace is refused.
    let msg = '';
    try {
      put('v1', 'ConfigMap', 'late');
    } catch (e) {
      msg = kubectlMessage(e as ApiError);
    }
    expect(msg).toBe(
      'Error from server (Forbidden): configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated',
    );

    // The kubelet finishes the pods after their grace period.
    f.advance(30_000);
    f.store.delete('Pod', 'team', 'web-1', { actor: 'kubelet/node1', gracePeriodSeconds: 0 });
    f.settle();
    expect(ns('team')!.status?.conditions?.[3]?.message).toBe(
      'Some resources are remaining: pods. has 1 resource instances',
    );
    f.store.delete('Pod', 'team', 'web-2', { actor: 'kubelet/node1', gracePeriodSeconds: 0 });
    f.settle();
    expect(ns('team')).toBeUndefined();
    expect(f.store.get('Pod', 'default', 'other')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('a namespace can be created again once it is gone', () => {
    const { f, ns } = setup();
    f.store.delete('Namespace', undefined, 'team', { actor: 'kubectl' });
    f.settle();
    f.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    expect(ns('team')!.status?.phase).toBe('Active');
  });
});
