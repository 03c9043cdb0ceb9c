/**
 * Invariants of the whole simulated cluster under random operations (fast-check):
 *  (a) after any sequence of create / scale / update-image / delete / advance, every Deployment
 *      settles to spec.replicas available pods of its current template, and nothing else;
 *  (b) during every rolling update, available ≥ replicas − maxUnavailable and, ignoring
 *      terminating pods, total ≤ replicas + maxSurge — checked after every unit of loop work;
 *  (c) no two pods share an IP; no two services share a ClusterIP or a NodePort;
 *  (d) EndpointSlices list exactly the ready pods that match each Service's selector.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/engine';
import type { Cluster, KObject } from '../src/engine';
import {
  deploymentObject,
  imageOf,
  isReady,
  isTerminating,
  pods,
  podsOfDeployment,
  serviceObject,
} from './helpers';

const NAMES = ['a', 'b', 'c'] as const;
const IMAGES = ['nginx:1.25', 'nginx:1.26', 'httpd:2.4', 'redis:7'] as const;

type Op =
  | { t: 'create'; name: string; replicas: number; image: string }
  | { t: 'scale'; name: string; replicas: number }
  | { t: 'image'; name: string; image: string }
  | { t: 'delete'; name: string }
  | { t: 'service'; name: string; nodePort: boolean }
  | { t: 'deleteService'; name: string }
  | { t: 'advance'; ms: number };

const name = fc.constantFrom(...NAMES);
const image = fc.constantFrom(...IMAGES);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('create' as const),
    name,
    replicas: fc.integer({ min: 0, max: 5 }),
    image,
  }),
  fc.record({ t: fc.constant('scale' as const), name, replicas: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ t: fc.constant('image' as const), name, image }),
  fc.record({ t: fc.constant('delete' as const), name }),
  fc.record({ t: fc.constant('service' as const), name, nodePort: fc.boolean() }),
  fc.record({ t: fc.constant('deleteService' as const), name }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
);

type Spec = { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };

function mutateDeployment(cluster: Cluster, n: string, fn: (spec: Spec) => void): void {
  const d = cluster.store.get('Deployment', 'default', n);
  if (!d) return;
  const next = structuredClone(d) as KObject & { spec: Spec };
  fn(next.spec);
  cluster.applyObjects([next]);
}

function perform(cluster: Cluster, o: Op): void {
  switch (o.t) {
    case 'create':
      cluster.applyObjects([deploymentObject(o.name, { replicas: o.replicas, image: o.image })]);
      break;
    case 'scale':
      mutateDeployment(cluster, o.name, (s) => void (s.replicas = o.replicas));
      break;
    case 'image':
      mutateDeployment(
        cluster,
        o.name,
        (s) => void (s.template.spec.containers[0]!.image = o.image),
      );
      break;
    case 'delete':
      if (cluster.store.get('Deployment', 'default', o.name))
        cluster.store.delete('Deployment', 'default', o.name, { actor: 'kubectl' });
      break;
    case 'service':
      cluster.applyObjects([serviceObject(o.name, o.name, o.nodePort ? 'NodePort' : 'ClusterIP')]);
      break;
    case 'deleteService':
      if (cluster.store.get('Service', 'default', o.name))
        cluster.store.delete('Service', 'default', o.name, { actor: 'kubectl' });
      break;
    case 'advance':
      cluster.advance(o.ms);
      break;
  }
}

/** (c): unique pod IPs (host-network pods share their node's IP by design) and service allocations. */
function checkNoCollisions(cluster: Cluster): void {
  const ips = new Map<string, string>();
  for (const p of cluster.store.list<
    KObject & { spec?: { hostNetwork?: boolean }; status?: { podIP?: string } }
  >('Pod')) {
    const ip = p.status?.podIP;
    if (!ip || p.spec?.hostNetwork) continue;
    const other = ips.get(ip);
    expect(other, `pod IP ${ip} shared by ${other} and ${p.metadata.name}`).toBeUndefined();
    ips.set(ip, p.metadata.name ?? '');
  }
  const clusterIPs = new Set<string>();
  const nodePorts = new Set<string>();
  for (const s of cluster.store.list<
    KObject & {
      spec?: { clusterIP?: string; ports?: Array<{ nodePort?: number; protocol?: string }> };
    }
  >('Service')) {
    const ip = s.spec?.clusterIP;
    if (ip && ip !== 'None') {
      expect(clusterIPs.has(ip), `ClusterIP ${ip} shared`).toBe(false);
      clusterIPs.add(ip);
    }
    for (const p of s.spec?.ports ?? []) {
      if (p.nodePort === undefined) continue;
      const key = `${p.nodePort}/${p.protocol ?? 'TCP'}`;
      expect(nodePorts.has(key), `NodePort ${key} shared`).toBe(false);
      nodePorts.add(key);
    }
  }
}

/** (d): for each selector Service, the ready endpoints are exactly the ready matching pods. */
function checkEndpointSlices(cluster: Cluster): void {
  for (const svc of cluster.store.list<KObject & { spec?: { selector?: Record<string, string> } }>(
    'Service',
    { namespace: 'default' },
  )) {
    const selector = svc.spec?.selector;
    if (!selector) continue;
    const want = pods(cluster)
      .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
      .filter((p) => isReady(p) && !isTerminating(p) && p.status?.podIP)
      .map((p) => p.status!.podIP!)
      .sort();
    const slices = cluster.store
      .list<
        KObject & { endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }> }
      >('EndpointSlice', { namespace: 'default' })
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
    const got = slices
      .flatMap((s) => s.endpoints ?? [])
      .filter((e) => e.conditions?.ready !== false)
      .flatMap((e) => e.addresses)
      .sort();
    expect(got, `ready endpoints of service ${svc.metadata.name}`).toEqual(want);
  }
}

/** (a): each Deployment has exactly spec.replicas available pods of its template and no others. */
function checkSettledDeployments(cluster: Cluster): void {
  for (const d of cluster.store.list<
    KObject & { spec: Spec; status?: { availableReplicas?: number } }
  >('Deployment', { namespace: 'default' })) {
    const want = d.spec.template.spec.containers[0]!.image;
    const live = podsOfDeployment(cluster, d.metadata.name!).filter((p) => !isTerminating(p));
    expect(live.length, `live pods of ${d.metadata.name}`).toBe(d.spec.replicas);
    for (const p of live) {
      expect(imageOf(p)).toBe(want);
      expect(isReady(p)).toBe(true);
    }
    expect(d.status?.availableReplicas ?? 0).toBe(d.spec.replicas);
  }
}

describe('cluster properties', () => {
  it('(a)(c)(d) hold after random operation sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(op, { minLength: 1, maxLength: 14 }),
        (seed, ops) => {
          const cluster = createCluster({ seed, bootstrapMs: 0 });
          for (const o of ops) {
            perform(cluster, o);
            checkNoCollisions(cluster);
          }
          const r = cluster.settle();
          expect(r.settled, r.message).toBe(true);
          checkSettledDeployments(cluster);
          checkNoCollisions(cluster);
          checkEndpointSlices(cluster);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('(b) rolling updates keep availability and surge within bounds at every step', () => {
    const surge = fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('25%', '50%', '0%', '100%'),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 8 }),
        surge,
        surge,
        fc.array(fc.record({ image, waitMs: fc.integer({ min: 0, max: 15_000 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (seed, replicas, maxSurge, maxUnavailable, updates) => {
          const cluster = createCluster({ seed, bootstrapMs: 0 });
          const created = cluster.applyObjects([
            deploymentObject('web', { replicas, maxSurge, maxUnavailable }),
          ]);
          if (!created[0]?.ok) return; // both 0 is rejected by validation, as the API server does
          expect(cluster.settle().settled).toBe(true);
          const d = cluster.store.get<
            KObject & {
              spec: {
                strategy: {
                  rollingUpdate: { maxSurge: number | string; maxUnavailable: number | string };
                };
              };
            }
          >('Deployment', 'default', 'web')!;
          const resolve = (v: number | string, roundUp: boolean): number =>
            typeof v === 'number'
              ? v
              : (roundUp ? Math.ceil : Math.floor)((parseInt(v, 10) * replicas) / 100);
          const s = resolve(d.spec.strategy.rollingUpdate.maxSurge, true);
          let u = resolve(d.spec.strategy.rollingUpdate.maxUnavailable, false);
          if (s === 0 && u === 0) u = 1;
          const check = (): void => {
            const live = podsOfDeployment(cluster, 'web').filter((p) => !isTerminating(p));
            const available = live.filter(isReady).length;
            expect(available, 'available ≥ replicas − maxUnavailable').toBeGreaterThanOrEqual(
              replicas - u,
            );
            expect(live.length, 'total ≤ replicas + maxSurge').toBeLessThanOrEqual(replicas + s);
          };
          cluster.context.loop.onUnit = check;
          for (const upd of updates) {
            mutateDeployment(
              cluster,
              'web',
              (spec) => void (spec.template.spec.containers[0]!.image = upd.image),
            );
            cluster.advance(upd.waitMs);
          }
          const r = cluster.settle();
          cluster.context.loop.onUnit = undefined;
          expect(r.settled, r.message).toBe(true);
          checkSettledDeployments(cluster);
        },
      ),
      { numRuns: 40 },
    );
  });
});
