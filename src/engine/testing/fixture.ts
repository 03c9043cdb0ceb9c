/**
 * Test fixtures for controller tests (kubernetes/sample-controller style): a cluster context with
 * the store, clock, loop and event recorder but no controllers running, so a test can seed objects,
 * start exactly the controller under test, run it, and assert the API writes it made.
 *
 *   const f = newFixture({ strategies: true });
 *   startReplicaSetController(f.ctx);
 *   f.store.create(rs, { actor: 'test' });
 *   f.settle();
 *   expect(f.writes('replicaset-controller')).toEqual([...]);
 */
import type { ApiStore } from '../api/store';
import type { KObject } from '../api/types';
import type { ClusterOptions } from '../cluster-config';
import { resolveConfig } from '../cluster-config';
import type { ClusterContext } from '../context';
import { makeContext } from '../context';
import { STRATEGY_INSTALLERS } from '../wiring';
import type { InspectionRecord } from '../sim/inspector';
import { nodeObject } from '../bootstrap';

export interface FixtureOptions extends ClusterOptions {
  /** Install the API strategies (defaulting, validation, allocation). Default true. */
  strategies?: boolean;
  /** Create the default, kube-system, kube-public and kube-node-lease namespaces. Default true. */
  namespaces?: boolean;
  /** Create the Node objects from the config (Ready, with status). Default false. */
  nodeObjects?: boolean;
}

export interface Fixture {
  ctx: ClusterContext;
  store: ApiStore;
  /** Every inspection record since the fixture was made. */
  records: InspectionRecord[];
  /** `verb kind ns/name` for each API write made by an actor (or all actors). */
  writes(actor?: string): string[];
  settle(): void;
  advance(ms: number): void;
  create<T extends KObject>(obj: T): T;
}

export function newFixture(opts: FixtureOptions = {}): Fixture {
  const { strategies = true, namespaces = true, nodeObjects = false, ...clusterOpts } = opts;
  const config = resolveConfig(clusterOpts);
  const ctx = makeContext(config);
  const { store, loop } = ctx;
  const inspector = store.inspector;
  if (strategies) for (const install of STRATEGY_INSTALLERS) install(ctx);
  const records = inspector.record(Number.MAX_SAFE_INTEGER).records;
  if (namespaces) {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      store.create(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { actor: 'fixture' },
      );
    }
  }
  if (nodeObjects) {
    for (const n of config.nodes) {
      const created = store.create(nodeObject(n), { actor: 'fixture' });
      store.updateStatus(
        {
          ...created,
          status: {
            addresses: [
              { type: 'InternalIP', address: n.ip },
              { type: 'Hostname', address: n.name },
            ],
            allocatable: { cpu: n.cpu, memory: n.memory, pods: String(n.pods) },
            capacity: { cpu: n.cpu, memory: n.memory, pods: String(n.pods) },
            conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
          },
        },
        { actor: 'fixture' },
      );
    }
  }
  return {
    ctx,
    store,
    records,
    writes: (actor) =>
      records
        .filter((r): r is Extract<InspectionRecord, { type: 'write' }> => r.type === 'write')
        .filter((r) => actor === undefined || r.actor === actor)
        .map((r) => `${r.verb} ${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`),
    settle: () => {
      const r = loop.settle();
      if (!r.settled) throw new Error(r.message);
    },
    advance: (ms) => void loop.advance(ms),
    create: (obj) => store.create(obj, { actor: 'test' }),
  };
}
