import { describe, expect, it } from 'vitest';
import type { KObject, WatchEvent } from './types';
import { ApiStore } from './store';
import { VirtualClock, EPOCH_MS } from '../sim/clock';
import { IdSource } from '../sim/ids';
import { Inspector } from '../sim/inspector';
import { rngFor } from '../sim/rng';
import { kubectlMessage, isApiError } from './errors';
import { parseSelector } from './selectors';

function newStore() {
  const clock = new VirtualClock();
  const inspector = new Inspector(() => clock.now());
  const store = new ApiStore(clock, new IdSource(1), rngFor(1, 'apiserver'), inspector);
  store.create(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { actor: 'test' },
  );
  return { clock, store, inspector };
}

const cm = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

const deploy = (name: string, image: string): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
  },
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isApiError(e)) return kubectlMessage(e);
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('ApiStore writes', () => {
  it('stamps uid, resourceVersion, creationTimestamp and defaults the namespace', () => {
    const { store, clock } = newStore();
    clock.moveTo(EPOCH_MS + 65_000);
    const o = store.create(cm('a'), { actor: 'kubectl' });
    expect(o.metadata.namespace).toBe('default');
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.resourceVersion).toBe('2');
    expect(o.metadata.creationTimestamp).toBe('2024-06-03T08:01:05Z');
    expect(Object.isFrozen(o.metadata)).toBe(true);
  });

  it('one global resourceVersion counter across kinds; no-op updates keep it', () => {
    const { store } = newStore();
    const a = store.create(cm('a', { x: '1' }), { actor: 't' });
    const d = store.create(deploy('web', 'nginx'), { actor: 't' });
    expect([a.metadata.resourceVersion, d.metadata.resourceVersion]).toEqual(['2', '3']);
    const same = store.update({ ...a, data: { x: '1' } }, { actor: 't' });
    expect(same).toBe(a);
    const changed = store.update({ ...a, data: { x: '2' } }, { actor: 't' });
    expect(changed.metadata.resourceVersion).toBe('4');
  });

  it('bumps generation on spec changes only, not on status or metadata', () => {
    const { store } = newStore();
    const d = store.create(deploy('web', 'nginx'), { actor: 't' });
    expect(d.metadata.generation).toBe(1);
    const labelled = store.update(
      { ...d, metadata: { ...d.metadata, labels: { a: 'b' } } },
      { actor: 't' },
    );
    expect(labelled.metadata.generation).toBe(1);
    const status = store.updateStatus({ ...labelled, status: { replicas: 1 } }, { actor: 't' });
    expect(status.metadata.generation).toBe(1);
    const spec = structuredClone(status) as KObject;
    (
      spec.spec as { template: { spec: { containers: Array<{ image: string }> } } }
    ).template.spec.containers[0]!.image = 'httpd';
    const bumped = store.update(spec, { actor: 't' });
    expect(bumped.metadata.generation).toBe(2);
    expect(bumped.status).toEqual({ replicas: 1 }); // update keeps the status subresource
  });

  it('rejects stale writes, duplicates and missing objects in the API server words', () => {
    const { store } = newStore();
    const a = store.create(cm('a'), { actor: 't' });
    store.update({ ...a, data: { k: 'v' } }, { actor: 't' });
    expect(errorOf(() => store.update({ ...a, data: { k: 'w' } }, { actor: 't' }))).toBe(
      'Error from server (Conflict): Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(errorOf(() => store.create(cm('a'), { actor: 't' }))).toBe(
      'Error from server (AlreadyExists): configmaps "a" already exists',
    );
    expect(errorOf(() => store.delete('Deployment', 'default', 'nope', { actor: 't' }))).toBe(
      'Error from server (NotFound): deployments.apps "nope" not found',
    );
    expect(
      errorOf(() =>
        store.create({ ...cm('b'), metadata: { name: 'b', namespace: 'shop' } }, { actor: 't' }),
      ),
    ).toBe('Error from server (NotFound): namespaces "shop" not found');
    expect(
      errorOf(() =>
        store.create(
          { apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } },
          { actor: 't' },
        ),
      ),
    ).toBe('no matches for kind "Deployment" in version "v1"');
  });

  it('generates names from generateName with the Kubernetes alphabet', () => {
    const { store } = newStore();
    const o: KObject = store.create(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'web-' } },
      { actor: 't' },
    );
    expect(o.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});

describe('ApiStore deletion', () => {
  it('marks objects whose strategy asks for grace, and removes them on a second delete with grace 0', () => {
    const { store } = newStore();
    store.setStrategy('ConfigMap', { gracefulDeleteSeconds: (_o, requested) => requested ?? 30 });
    store.create(cm('a'), { actor: 't' });
    const marked = store.delete('ConfigMap', 'default', 'a', { actor: 'kubectl' });
    expect(marked.metadata.deletionTimestamp).toBe('2024-06-03T08:00:30Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get('ConfigMap', 'default', 'a')).toBe(marked);
    const shorter = store.delete('ConfigMap', 'default', 'a', {
      actor: 'kubectl',
      gracePeriodSeconds: 5,
    });
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    store.delete('ConfigMap', 'default', 'a', { actor: 'kubelet/node1', gracePeriodSeconds: 0 });
    expect(store.get('ConfigMap', 'default', 'a')).toBeUndefined();
  });

  it('refuses new content in a terminating namespace', () => {
    const { store } = newStore();
    store.setStrategy('Namespace', { gracefulDeleteSeconds: () => 0 });
    store.create(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { actor: 't' },
    );
    store.delete('Namespace', undefined, 'shop', { actor: 't' });
    expect(
      errorOf(() =>
        store.create({ ...cm('b'), metadata: { name: 'b', namespace: 'shop' } }, { actor: 't' }),
      ),
    ).toBe(
      'Error from server (Forbidden): configmaps "b" is forbidden: unable to create new content in namespace shop because it is being terminated',
    );
  });

  it('indexes dependents by owner uid and orphans them on request', () => {
    const { store } = newStore();
    const owner = store.create(cm('owner'), { actor: 't' });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata.uid!,
      controller: true,
    };
    store.create(
      { ...cm('dep1'), metadata: { name: 'dep1', ownerReferences: [ref] } },
      { actor: 't' },
    );
    store.create(
      { ...cm('dep2'), metadata: { name: 'dep2', ownerReferences: [ref] } },
      { actor: 't' },
    );
    expect(store.dependentsOf(owner.metadata.uid!).map((o) => o.metadata.name)).toEqual([
      'dep1',
      'dep2',
    ]);
    store.delete('ConfigMap', 'default', 'owner', { actor: 't', propagationPolicy: 'Orphan' });
    expect(store.get('ConfigMap', 'default', 'dep1')?.metadata.ownerReferences).toBeUndefined();
    expect(store.dependentsOf(owner.metadata.uid!)).toEqual([]);
  });
});

describe('ApiStore watch, change feed and inspection', () => {
  it('delivers ADDED / MODIFIED / DELETED synchronously to watchers of the kind', () => {
    const { store } = newStore();
    const seen: string[] = [];
    store.watch('ConfigMap', 'test-controller', (ev: WatchEvent) =>
      seen.push(
        `${ev.type} ${ev.object.metadata.name} rv=${ev.object.metadata.resourceVersion}${ev.old ? ` old=${ev.old.metadata.resourceVersion}` : ''}`,
      ),
    );
    const a = store.create(cm('a'), { actor: 't' });
    store.update({ ...a, data: { k: 'v' } }, { actor: 't' });
    store.delete('ConfigMap', 'default', 'a', { actor: 't' });
    store.create(deploy('web', 'nginx'), { actor: 't' });
    expect(seen).toEqual(['ADDED a rv=2', 'MODIFIED a rv=3 old=2', 'DELETED a rv=4']);
  });

  it('collapses the change feed per object between takes', () => {
    const { store } = newStore();
    store.takeChanges();
    const a = store.create(cm('a'), { actor: 't' });
    store.update({ ...a, data: { k: 'v' } }, { actor: 't' });
    const b = store.create(cm('b'), { actor: 't' });
    store.delete('ConfigMap', 'default', 'b', { actor: 't' });
    let c = store.takeChanges();
    expect(c.added.map((o) => [o.metadata.name, o.data])).toEqual([['a', { k: 'v' }]]);
    expect(c.updated).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(b.metadata.name).toBe('b');
    const a2 = store.get('ConfigMap', 'default', 'a')!;
    const a3 = store.update({ ...a2, data: { k: 'w' } }, { actor: 't' });
    store.update({ ...a3, data: { k: 'x' } }, { actor: 't' });
    c = store.takeChanges();
    expect(c.updated.map(([from, to]) => [from.data, to.data])).toEqual([[{ k: 'v' }, { k: 'x' }]]);
    store.delete('ConfigMap', 'default', 'a', { actor: 't' });
    c = store.takeChanges();
    expect(c.removed.map((o) => o.metadata.name)).toEqual(['a']);
    expect(store.hasChanges()).toBe(false);
  });

  it('reports writes and watch deliveries on the inspection stream', () => {
    const { store, inspector } = newStore();
    const { records } = inspector.record();
    store.watch('ConfigMap', 'cm-watcher', () => undefined);
    store.create(cm('a'), { actor: 'kubectl' });
    expect(
      records.map((r) =>
        r.type === 'write'
          ? `${r.type} ${r.actor} ${r.verb} ${r.name} ${r.resourceVersion}`
          : r.type === 'watch'
            ? `${r.type} ${r.watcher} ${r.event} ${r.name}`
            : r.type,
      ),
    ).toEqual(['write kubectl create a 2', 'watch cm-watcher ADDED a']);
  });

  it('lists by namespace and label selector, and by secondary index', () => {
    const { store } = newStore();
    store.create(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { actor: 't' },
    );
    store.create(cm('a', {}, { app: 'web' }), { actor: 't' });
    store.create(cm('b', {}, { app: 'db' }), { actor: 't' });
    store.create(
      {
        ...cm('c', {}, { app: 'web' }),
        metadata: { name: 'c', namespace: 'shop', labels: { app: 'web' } },
      },
      { actor: 't' },
    );
    const names = (os: KObject[]) => os.map((o) => o.metadata.name);
    expect(names(store.list('ConfigMap', { selector: parseSelector('app=web') }))).toEqual([
      'a',
      'c',
    ]);
    expect(names(store.list('ConfigMap', { namespace: 'default' }))).toEqual(['a', 'b']);
    store.addIndex('ConfigMap', 'app', (o) => [o.metadata.labels?.app ?? '']);
    expect(names(store.byIndex('ConfigMap', 'app', 'web'))).toEqual(['a', 'c']);
    store.delete('ConfigMap', 'default', 'a', { actor: 't' });
    expect(names(store.byIndex('ConfigMap', 'app', 'web'))).toEqual(['c']);
  });
});
