/**
 * The store's write paths that skip work must answer exactly as the plain ones did:
 *  - dependentsOf / byIndex list an entry's objects in the order they were last written (each
 *    write used to move an object to the end of every entry it is in; the entries now sort by
 *    write time when asked), also for an index added after objects exist;
 *  - status writes, bindings and deletion marks build the new object without spreading the
 *    frozen stored one: same keys, same order, same values, whatever the object's layout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../context';
import { resolveConfig } from '../cluster-config';
import { STRATEGY_INSTALLERS } from '../wiring';
import type { KObject } from './types';

/** A bare store (no strategies: any kind takes any fields and deletes at once) with `default`. */
function bareStore() {
  const store = makeContext(resolveConfig({ seed: 1 })).store;
  store.create(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { actor: 'test' },
  );
  return store;
}

type Op =
  | { op: 'create'; name: number; owners: number[]; team: number }
  | { op: 'status'; name: number }
  | { op: 'owners'; name: number; owners: number[] }
  | { op: 'team'; name: number; team: number }
  | { op: 'delete'; name: number }
  | { op: 'addIndex' };

/** Operations on objects named cm0 … cm<maxName>, creates `createWeight` times as likely. */
const opsOn = (maxName: number, createWeight: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: createWeight,
      arbitrary: fc.record({
        op: fc.constant('create' as const),
        name: fc.nat(maxName),
        owners: fc.array(fc.nat(2), { maxLength: 2 }),
        team: fc.nat(2),
      }),
    },
    fc.record({ op: fc.constant('status' as const), name: fc.nat(maxName) }),
    fc.record({
      op: fc.constant('owners' as const),
      name: fc.nat(maxName),
      owners: fc.array(fc.nat(2), { maxLength: 2 }),
    }),
    fc.record({ op: fc.constant('team' as const), name: fc.nat(maxName), team: fc.nat(2) }),
    fc.record({ op: fc.constant('delete' as const), name: fc.nat(maxName) }),
    fc.constant({ op: 'addIndex' as const }),
  );

/**
 * The eager model the store used to keep: per entry a Set of names, where every write of an
 * object moves it to the end of each entry it is in, and addIndex fills entries in list order.
 */
class EagerModel {
  readonly owners = new Map<string, Set<string>>();
  readonly teams = new Map<string, Set<string>>();
  private readonly live = new Map<string, { owners: string[]; team: string }>();
  private indexed = false;
  private readonly listOrder: string[] = [];

  private static add(m: Map<string, Set<string>>, k: string, name: string): void {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.delete(name);
    s.add(name);
  }

  private static remove(m: Map<string, Set<string>>, k: string, name: string): void {
    const s = m.get(k);
    if (!s) return;
    s.delete(name);
    if (s.size === 0) m.delete(k);
  }

  put(name: string, owners: string[], team: string): void {
    const prev = this.live.get(name);
    if (prev) {
      for (const o of prev.owners) EagerModel.remove(this.owners, o, name);
      if (this.indexed) EagerModel.remove(this.teams, prev.team, name);
    } else this.listOrder.push(name);
    for (const o of owners) EagerModel.add(this.owners, o, name);
    if (this.indexed) EagerModel.add(this.teams, team, name);
    this.live.set(name, { owners, team });
  }

  remove(name: string): void {
    const prev = this.live.get(name);
    if (!prev) return;
    for (const o of prev.owners) EagerModel.remove(this.owners, o, name);
    if (this.indexed) EagerModel.remove(this.teams, prev.team, name);
    this.live.delete(name);
    this.listOrder.splice(this.listOrder.indexOf(name), 1);
  }

  addIndex(): void {
    this.indexed = true;
    this.teams.clear();
    for (const name of this.listOrder) EagerModel.add(this.teams, this.live.get(name)!.team, name);
  }

  get(name: string): { owners: string[]; team: string } | undefined {
    return this.live.get(name);
  }
}

const ownerRefs = (owners: number[]) =>
  owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `owner${o}`, uid: `uid-${o}` }));

describe('index entries answer in write order', () => {
  // Small entries are sorted as they are read; entries past 32 members are sorted and kept.
  it.each([
    { size: 'small', maxName: 7, createWeight: 1, minOps: 0, maxOps: 60, numRuns: 150 },
    { size: 'large', maxName: 150, createWeight: 4, minOps: 300, maxOps: 500, numRuns: 25 },
  ])(
    'matches the eager model over random writes, deletes and a late addIndex ($size entries)',
    ({ size, maxName, createWeight, minOps, maxOps, numRuns }) => {
      let largest = 0;
      fc.assert(
        fc.property(
          fc.array(opsOn(maxName, createWeight), { minLength: minOps, maxLength: maxOps }),
          (ops) => {
            const store = bareStore();
            const model = new EagerModel();
            let indexed = false;
            let n = 0;
            for (const o of ops) {
              const name = o.op === 'addIndex' ? '' : `cm${o.name}`;
              const cur = name ? store.get('ConfigMap', 'default', name) : undefined;
              const m = name ? model.get(name) : undefined;
              if (o.op === 'create' && !cur) {
                const owners = o.owners.map((x) => `uid-${x}`);
                store.create(
                  {
                    apiVersion: 'v1',
                    kind: 'ConfigMap',
                    metadata: {
                      name,
                      namespace: 'default',
                      labels: { team: `t${o.team}` },
                      ...(owners.length > 0 ? { ownerReferences: ownerRefs(o.owners) } : {}),
                    },
                  },
                  { actor: 'test' },
                );
                model.put(name, owners, `t${o.team}`);
              } else if (o.op === 'status' && cur && m) {
                store.updateStatus({ ...cur, status: { n: ++n } }, { actor: 'test' });
                model.put(name, m.owners, m.team);
              } else if (o.op === 'owners' && cur && m) {
                const owners = o.owners.map((x) => `uid-${x}`);
                const next: KObject = { ...cur, metadata: { ...cur.metadata } };
                if (owners.length > 0) next.metadata.ownerReferences = ownerRefs(o.owners);
                else delete next.metadata.ownerReferences;
                const before = store.get('ConfigMap', 'default', name);
                if (store.update(next, { actor: 'test' }) !== before)
                  model.put(name, owners, m.team);
              } else if (o.op === 'team' && cur && m) {
                const next: KObject = {
                  ...cur,
                  metadata: { ...cur.metadata, labels: { team: `t${o.team}` } },
                };
                const before = store.get('ConfigMap', 'default', name);
                if (store.update(next, { actor: 'test' }) !== before)
                  model.put(name, m.owners, `t${o.team}`);
              } else if (o.op === 'delete' && cur) {
                store.delete('ConfigMap', 'default', name, { actor: 'test' });
                model.remove(name);
              } else if (o.op === 'addIndex') {
                store.addIndex('ConfigMap', 'team', (x) => [x.metadata.labels?.team ?? '']);
                model.addIndex();
                indexed = true;
              }
              for (let u = 0; u < 3; u++) {
                const names = store.dependentsOf(`uid-${u}`).map((x) => x.metadata.name);
                largest = Math.max(largest, names.length);
                expect(names).toEqual([...(model.owners.get(`uid-${u}`) ?? [])]);
              }
              if (indexed) {
                for (let t = 0; t < 3; t++) {
                  const names = store
                    .byIndex('ConfigMap', 'team', `t${t}`)
                    .map((x) => x.metadata.name);
                  expect(names).toEqual([...(model.teams.get(`t${t}`) ?? [])]);
                }
              }
            }
          },
        ),
        { numRuns },
      );
      if (size === 'large') expect(largest).toBeGreaterThan(32);
    },
  );

  it('lists the current versions, of one kind when asked', () => {
    const store = bareStore();
    const owner = { ownerReferences: ownerRefs([0]) };
    store.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'default', ...owner },
      },
      { actor: 'test' },
    );
    store.create(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'default', ...owner } },
      { actor: 'test' },
    );
    const a = store.get('ConfigMap', 'default', 'a')!;
    const a2 = store.updateStatus({ ...a, status: { x: 1 } }, { actor: 'test' });
    expect(store.dependentsOf('uid-0')).toEqual([store.get('Secret', 'default', 'b'), a2]);
    expect(store.dependentsOf('uid-0')[1]).toBe(a2);
    expect(store.dependentsOf('uid-0', 'ConfigMap')).toEqual([a2]);
    expect(store.dependentsOf('uid-1')).toEqual([]);
  });
});

describe('status writes, bindings and deletion marks copy the stored object faithfully', () => {
  const layouts: Array<{ name: string; obj: KObject }> = [
    {
      name: 'the usual layout',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'default', labels: { a: 'b' } },
        spec: { n: 1 },
        status: { phase: 'A' },
      },
    },
    {
      name: 'no status yet',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'default' },
        spec: { n: 1 },
      },
    },
    {
      name: 'status before spec',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'default' },
        status: { phase: 'A' },
        spec: { n: 1 },
      },
    },
    {
      name: 'other fields',
      obj: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'x', namespace: 'default' },
        data: { k: 'v' },
      },
    },
  ];

  /** What the plain path built: a spread of the stored object and of its metadata. */
  function spreadStatus(old: KObject, status: unknown, rv: string): KObject {
    const obj: KObject = { ...old, metadata: { ...old.metadata, resourceVersion: rv } };
    if (status === undefined) delete obj.status;
    else obj.status = status;
    return obj;
  }

  it.each(layouts)('status writes keep the key order ($name)', ({ obj }) => {
    const store = bareStore();
    let cur = store.create(obj, { actor: 'test' });
    for (const status of [{ phase: 'B' }, undefined, { phase: 'C', n: 2 }, { phase: 'D' }]) {
      const expected = spreadStatus(cur, status, String(store.resourceVersion + 1));
      const input: KObject = { ...cur, status };
      if (status === undefined) delete input.status;
      const next = store.updateStatus(input, { actor: 'test' });
      if (status === undefined && cur.status === undefined) {
        expect(next).toBe(cur); // nothing changed: no write
        continue;
      }
      expect(JSON.stringify(next)).toBe(JSON.stringify(expected));
      expect(Object.keys(next)).toEqual(Object.keys(expected));
      expect(Object.keys(next.metadata)).toEqual(Object.keys(expected.metadata));
      expect([Object.isFrozen(next), Object.isFrozen(next.metadata)]).toEqual([true, true]);
      cur = next;
    }
  });

  it('a spec update between status writes is seen by the next status write', () => {
    const store = bareStore();
    const a = store.create(layouts[0]!.obj, { actor: 'test' });
    const b = store.updateStatus({ ...a, status: { phase: 'B' } }, { actor: 'test' });
    const c = store.update(
      { ...b, metadata: { ...b.metadata, labels: { a: 'c' }, annotations: { n: '1' } } },
      { actor: 'test' },
    );
    const d = store.updateStatus({ ...c, status: { phase: 'C' } }, { actor: 'test' });
    expect(d.metadata).toEqual({ ...c.metadata, resourceVersion: d.metadata.resourceVersion });
    expect(Object.keys(d.metadata)).toEqual(Object.keys(c.metadata));
    expect((d as KObject & { spec?: unknown }).spec).toBe((c as KObject & { spec?: unknown }).spec);
  });

  it.each([
    { name: 'the usual layout', first: 'apiVersion' },
    { name: 'kind first', first: 'kind' },
  ])('binding and marking a pod for deletion keep the key order ($name)', ({ first }) => {
    const ctx = makeContext(resolveConfig({ seed: 1 }));
    for (const install of STRATEGY_INSTALLERS) install(ctx);
    const { store } = ctx;
    store.create(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { actor: 'test' },
    );
    const head =
      first === 'kind' ? { kind: 'Pod', apiVersion: 'v1' } : { apiVersion: 'v1', kind: 'Pod' };
    const created = store.create(
      {
        ...head,
        metadata: { name: 'p', namespace: 'default' },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
      } as KObject,
      { actor: 'test' },
    );
    const bound = store.bindPod('default', 'p', 'node1', { actor: 'test' });
    expect(Object.keys(bound)).toEqual(Object.keys(created));
    expect(Object.keys(bound.metadata)).toEqual(Object.keys(created.metadata));
    expect(bound.metadata).toEqual({
      ...created.metadata,
      generation: 2,
      resourceVersion: bound.metadata.resourceVersion,
    });
    const marked = store.delete('Pod', 'default', 'p', { actor: 'test' });
    expect(Object.keys(marked)).toEqual(Object.keys(bound));
    expect(Object.keys(marked.metadata)).toEqual([
      ...Object.keys(bound.metadata),
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
    ]);
    expect([marked.spec, marked.status]).toEqual([bound.spec, bound.status]);
    const status = store.updateStatus(
      { ...marked, status: { ...(marked.status as object), phase: 'Running' } },
      { actor: 'test' },
    );
    expect(Object.keys(status)).toEqual(Object.keys(marked));
    expect(status.metadata).toEqual({
      ...marked.metadata,
      resourceVersion: status.metadata.resourceVersion,
    });
    expect([Object.isFrozen(status), Object.isFrozen(status.metadata)]).toEqual([true, true]);
  });
});
