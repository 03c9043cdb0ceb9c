/**
 * The store's fast paths keep the observable behaviour of the plain ones: the binding
 * subresource, handed-over objects, the change feed's order, the shared-structure helpers and the
 * per-template pod memo (api-strategies.ts).
 */
import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../context';
import { resolveConfig } from '../cluster-config';
import { STRATEGY_INSTALLERS } from '../wiring';
import { kubectlMessage, isApiError } from './errors';
import type { KObject } from './types';
import {
  deepClone,
  deepEqual,
  deepFreeze,
  flatString,
  frozenCopy,
  nsKey,
  splitNsName,
  statusBody,
} from './types';

type StoredPod = Pod & KObject;

/** A store with every API strategy installed and the `default` namespace. */
function newStore() {
  const ctx = makeContext(resolveConfig({ seed: 1 }));
  for (const install of STRATEGY_INSTALLERS) install(ctx);
  ctx.store.create(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { actor: 'test' },
  );
  const writes: string[] = [];
  ctx.store.inspector.subscribe((r) => {
    if (r.type === 'write') writes.push(`${r.actor} ${r.verb} ${r.kind} ${r.name}`);
  });
  return { store: ctx.store, clock: ctx.clock, writes };
}

const pod = (name: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
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

describe('ApiStore.bindPod (the pods/binding subresource)', () => {
  it('sets spec.nodeName and PodScheduled=True in one write, bumping generation', () => {
    const { store, writes } = newStore();
    const p = store.create(pod('web'), { actor: 'test' }) as StoredPod;
    writes.length = 0;
    const bound = store.bindPod('default', 'web', 'node1', { actor: 'default-scheduler' });
    expect(writes).toEqual(['default-scheduler update Pod web']);
    expect(bound).toBe(store.get('Pod', 'default', 'web'));
    expect(Object.isFrozen(bound.spec)).toBe(true);
    const b = bound as StoredPod;
    expect(b.spec?.nodeName).toBe('node1');
    expect(b.metadata.generation).toBe(2);
    expect(Number(b.metadata.resourceVersion)).toBe(Number(p.metadata.resourceVersion) + 1);
    expect(b.status?.conditions).toEqual([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2024-06-03T08:00:00Z',
      },
    ]);
    // Everything else is the stored pod's.
    const { nodeName: _n, ...rest } = b.spec ?? {};
    expect(rest).toEqual(p.spec);
    expect(b.status?.phase).toBe('Pending');
  });

  it('replaces an earlier PodScheduled=False and can clear nominatedNodeName', () => {
    const { store, clock } = newStore();
    const p = store.create(pod('web'), { actor: 'test' }) as StoredPod;
    store.updateStatus(
      {
        ...p,
        status: {
          ...p.status,
          nominatedNodeName: 'node2',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes are available',
              lastProbeTime: null as unknown as string,
              lastTransitionTime: '2024-06-03T08:00:00Z',
            },
          ],
        },
      },
      { actor: 'test' },
    );
    clock.moveTo(clock.now() + 5_000);
    const b = store.bindPod('default', 'web', 'node1', {
      actor: 'default-scheduler',
      clearNominatedNodeName: true,
    }) as StoredPod;
    expect(b.status?.nominatedNodeName).toBeUndefined();
    expect(b.status?.conditions).toEqual([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2024-06-03T08:00:05Z',
      },
    ]);
  });

  it.each([
    {
      name: 'a pod already on a node',
      setup: { nodeName: 'node2' },
      message:
        'Error from server (Conflict): Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node2"',
    },
    {
      name: 'a pod with scheduling gates',
      setup: { schedulingGates: [{ name: 'example.com/wait' }] },
      message:
        'Error from server (Conflict): Operation cannot be fulfilled on pods/binding "web": pod web has non-empty .spec.schedulingGates',
    },
  ])('refuses $name with Conflict', ({ setup, message }) => {
    const { store } = newStore();
    store.create(pod('web', setup), { actor: 'test' });
    expect(errorOf(() => store.bindPod('default', 'web', 'node1', { actor: 's' }))).toBe(message);
  });

  it('refuses a pod being deleted, and a pod that does not exist', () => {
    const { store } = newStore();
    store.create(pod('web', { nodeName: 'node2' }), { actor: 'test' });
    store.delete('Pod', 'default', 'web', { actor: 'test' }); // graceful: marked, still there
    expect(errorOf(() => store.bindPod('default', 'web', 'node1', { actor: 's' }))).toBe(
      'Error from server (Conflict): Operation cannot be fulfilled on pods/binding "web": pod web is being deleted, cannot be assigned to a host',
    );
    expect(errorOf(() => store.bindPod('default', 'nope', 'node1', { actor: 's' }))).toBe(
      'Error from server (NotFound): pods "nope" not found',
    );
  });
});

describe('WriteOptions.transfer', () => {
  it('stores a handed-over object itself (frozen) instead of a copy', () => {
    const { store } = newStore();
    const input = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      data: { a: '1' },
    };
    const stored = store.create(input, { actor: 't', transfer: true });
    expect(stored).toBe(input);
    expect(Object.isFrozen(input.data)).toBe(true);
    const copy = store.create({ ...input, metadata: { name: 'd' } }, { actor: 't' });
    expect(copy.data).not.toBe(input.data);
  });

  it('shares the frozen parts of a status write and copies the rest', () => {
    const { store } = newStore();
    const p = store.create(pod('web'), { actor: 'test' }) as StoredPod;
    const mine = { phase: 'Running' };
    const next = store.updateStatus(
      { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'True' }], ...mine } },
      { actor: 'kubelet' },
    ) as StoredPod;
    expect(next.spec).toBe(p.spec);
    expect(next.metadata.labels).toBe(p.metadata.labels);
    expect(next.status?.phase).toBe('Running');
    expect(Object.isFrozen(next.status?.conditions?.[0])).toBe(true);
    // A status write that changes nothing is no write.
    expect(store.updateStatus({ ...next, status: deepClone(next.status) }, { actor: 'k' })).toBe(
      next,
    );
  });
});

describe('the change feed', () => {
  // The feed must keep the order a Map keyed by object would: first change first; an object
  // added and removed since the last take drops out; one removed and added again keeps its place.
  const cm = (name: string): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
  });

  it('collapses changes per object in first-change order', () => {
    const { store } = newStore();
    store.takeChanges();
    const a = store.create(cm('a'), { actor: 't' });
    store.create(cm('b'), { actor: 't' });
    store.create(cm('c'), { actor: 't' });
    store.delete('ConfigMap', 'default', 'b', { actor: 't' });
    store.update({ ...a, data: { x: '1' } }, { actor: 't' });
    store.create(cm('b'), { actor: 't' });
    let c = store.takeChanges();
    expect(c.added.map((o) => o.metadata.name)).toEqual(['a', 'c', 'b']);
    expect(c.added[0]?.data).toEqual({ x: '1' });
    expect([c.updated, c.removed]).toEqual([[], []]);

    const a1 = store.get('ConfigMap', 'default', 'a')!;
    store.delete('ConfigMap', 'default', 'c', { actor: 't' });
    store.update({ ...a1, data: { x: '2' } }, { actor: 't' });
    store.delete('ConfigMap', 'default', 'a', { actor: 't' });
    store.create(cm('c'), { actor: 't' });
    expect(store.hasChanges()).toBe(true);
    c = store.takeChanges();
    // `c` was removed, then created again: it keeps its place, reported as added.
    expect(c.added.map((o) => o.metadata.name)).toEqual(['c']);
    expect(c.updated).toEqual([]);
    // `a` was updated then removed: reported removed, as it was before the first change.
    expect(c.removed).toEqual([a1]);
    expect(store.hasChanges()).toBe(false);
  });
});

describe('shared-structure helpers', () => {
  it.each([
    { name: 'undefined keys count as absent', a: { a: 1, b: undefined }, b: { a: 1 }, want: true },
    { name: 'on either side', a: { a: 1 }, b: { a: 1, b: undefined }, want: true },
    { name: 'an extra key on the right', a: { a: 1 }, b: { a: 1, b: 2 }, want: false },
    { name: 'an extra key on the left', a: { a: 1, b: 2 }, b: { a: 1 }, want: false },
    {
      name: 'nested arrays and objects',
      a: { a: [1, { b: 2 }] },
      b: { a: [1, { b: 2 }] },
      want: true,
    },
    { name: 'arrays of different length', a: { a: [1, 2] }, b: { a: [1, 2, 3] }, want: false },
    { name: 'an array and an object', a: [], b: {}, want: false },
    { name: 'null and an object', a: null, b: {}, want: false },
    { name: 'null and undefined values', a: { a: null }, b: { a: undefined }, want: false },
  ])('deepEqual: $name', ({ a, b, want }) => {
    expect(deepEqual(a, b)).toBe(want);
  });

  it('frozenCopy copies the unfrozen parts, shares the frozen ones and freezes the result', () => {
    const shared = deepFreeze({ x: [1, 2] });
    const fresh = { y: { z: 1 } };
    const v = { shared, fresh };
    const c = frozenCopy(v);
    expect(c).toEqual(v);
    expect(c).not.toBe(v);
    expect(c.shared).toBe(shared);
    expect(c.fresh).not.toBe(fresh);
    expect([Object.isFrozen(c), Object.isFrozen(c.fresh.y), Object.isFrozen(fresh)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(frozenCopy(shared)).toBe(shared);
  });

  it('deepFreeze and deepClone handle nested values, arrays and nulls', () => {
    const v = { a: [1, { b: null, c: ['x'] }], d: { e: undefined, f: 'g' } };
    const c = deepClone(v);
    expect(c).toEqual(v);
    expect(Object.keys(c.d)).toEqual(['e', 'f']);
    expect(c.a[1]).not.toBe(v.a[1]);
    deepFreeze(v);
    expect([Object.isFrozen(v.a), Object.isFrozen(v.a[1]), Object.isFrozen(v.d)]).toEqual([
      true,
      true,
      true,
    ]);
  });
});

describe('work-queue keys (interned) and status bodies', () => {
  it.each([
    { ns: 'default', name: 'web-1' },
    { ns: '', name: 'web-1' },
    { ns: 'a/b', name: 'c' }, // not a valid namespace, but split as the text says
  ])(
    'nsKey($ns, $name) is the text, splitNsName splits it as the plain split did',
    ({ ns, name }) => {
      const key = nsKey(ns, name);
      expect(key).toBe(`${ns}/${name}`);
      expect(nsKey(ns, `${name}`)).toBe(key);
      const i = key.indexOf('/');
      expect(splitNsName(key)).toEqual({ namespace: key.slice(0, i), name: key.slice(i + 1) });
      expect(splitNsName(`${key}`)).toEqual(splitNsName(key));
    },
  );

  it('splitNsName of keys it never handed out', () => {
    expect(splitNsName('web')).toEqual({ namespace: '', name: 'web' });
    expect(splitNsName('ns/a/b')).toEqual({ namespace: 'ns', name: 'a/b' });
  });

  it('flatString returns the same text', () => {
    const s = ['app-0001', 'xyz'].join('-') + '.'.repeat(20);
    expect(flatString(s)).toBe(s);
    expect(flatString('')).toBe('');
  });

  it('statusBody carries kind, name, namespace and status alone', () => {
    const cur: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '7', labels: { a: 'b' } },
      spec: { replicas: 1 },
      status: { replicas: 0 },
    };
    expect(statusBody(cur, { replicas: 1 })).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      status: { replicas: 1 },
    });
    expect(statusBody({ apiVersion: 'v1', kind: 'Node', metadata: {} }, undefined)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {},
    });
  });
});

describe('pods created from a stored template (per-template memo)', () => {
  /** A frozen template spec, as a stored ReplicaSet has it. */
  const templateSpec = (spec: Record<string, unknown> = {}) =>
    deepFreeze({ containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec });

  const fromTemplate = (name: string, spec: Record<string, unknown>): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec,
  });

  it.each([
    { name: 'the same spec in another object', reorder: false, shared: true },
    { name: 'the same fields in another order', reorder: true, shared: false },
  ])(
    'a second template with $name: shared memo only when equal key for key',
    ({ reorder, shared }) => {
      const { store } = newStore();
      const first = templateSpec({ automountServiceAccountToken: false, restartPolicy: 'Always' });
      const second = deepFreeze(
        reorder
          ? {
              restartPolicy: 'Always',
              automountServiceAccountToken: false,
              containers: deepClone(first.containers),
            }
          : deepClone(first),
      );
      const a = store.create(fromTemplate('a', first), { actor: 'rs', transfer: true });
      const b = store.create(fromTemplate('b', second), { actor: 'rs', transfer: true });
      const plain = store.create(fromTemplate('c', deepClone(second)), { actor: 'rs' });
      expect(a.spec === b.spec).toBe(shared);
      expect(JSON.stringify(b.spec)).toBe(JSON.stringify(plain.spec));
      expect(b.status).toEqual(plain.status);
    },
  );

  it('gives the same pod as a copied spec would, sharing one spec between the pods', () => {
    const { store } = newStore();
    // No token volume (its name is each pod's own: serviceaccount-admission.test.ts), so the
    // whole spec can be shared.
    const spec = templateSpec({ automountServiceAccountToken: false });
    const a = store.create(fromTemplate('a', spec), { actor: 'rs', transfer: true });
    const b = store.create(fromTemplate('b', spec), { actor: 'rs', transfer: true });
    const plain = store.create(fromTemplate('c', deepClone(spec)), { actor: 'rs' });
    expect(a.spec).toBe(b.spec);
    expect(a.spec).toEqual(plain.spec);
    expect(a.status).toEqual(plain.status);
    expect(JSON.stringify(a.spec)).toBe(JSON.stringify(plain.spec));
    expect(spec).toEqual({
      containers: [{ name: 'web', image: 'nginx:1.25' }],
      automountServiceAccountToken: false,
    }); // untouched
  });

  it.each([
    {
      name: 'an invalid spec',
      spec: { containers: [{ name: 'Web', image: 'nginx' }] },
    },
    {
      name: 'an unknown priority class',
      spec: { priorityClassName: 'gold', containers: [{ name: 'web', image: 'nginx' }] },
    },
    {
      name: 'an unknown field',
      spec: { containers: [{ name: 'web', image: 'nginx', imag: 'x' }] },
    },
  ])('refuses $name with the same error as a copied spec', ({ spec }) => {
    const { store } = newStore();
    const memo = errorOf(() =>
      store.create(fromTemplate('a', deepFreeze(deepClone(spec))), { actor: 'rs', transfer: true }),
    );
    const plain = errorOf(() => store.create(fromTemplate('a', deepClone(spec)), { actor: 'rs' }));
    expect(memo).toBe(plain);
    expect(memo).toMatch(/^Error from server|^The Pod "a" is invalid/);
  });

  it('still checks each pod’s own metadata', () => {
    const { store } = newStore();
    const spec = templateSpec();
    store.create(fromTemplate('a', spec), { actor: 'rs', transfer: true });
    const bad = { ...fromTemplate('B_ad', spec), metadata: { name: 'B_ad', namespace: 'default' } };
    expect(errorOf(() => store.create(bad, { actor: 'rs', transfer: true }))).toBe(
      errorOf(() => store.create({ ...bad, spec: deepClone(spec) }, { actor: 'rs' })),
    );
  });
});
