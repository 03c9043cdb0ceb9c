import type { Event, Service } from 'kubernetes-types/core/v1';
import './playground-command';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { createCluster } from '../cluster';
import { newFixture } from '../testing/fixture';
import type { Fixture } from '../testing/fixture';
import { startCloudController } from './cloud-controller';
import { dataplaneOf } from './dataplane';

type StoredService = Service & KObject;

function lbService(name: string, extra: Partial<NonNullable<Service['spec']>> = {}): StoredService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...extra },
  };
}

function setup(): Fixture {
  const f = newFixture();
  startCloudController(f.ctx);
  return f;
}

const ingressOf = (f: Fixture, name: string): unknown =>
  f.store.get<StoredService>('Service', 'default', name)?.status?.loadBalancer;

/** `Type Reason: message` of the Events about one Service, oldest first. */
const eventsOf = (f: Fixture, name: string): string[] =>
  f.store
    .list<Event & KObject>('Event', { namespace: 'default' })
    .filter((e) => e.involvedObject.name === name)
    .map((e) => `${e.type} ${e.reason}: ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);

const ENSURED = [
  'Normal EnsuringLoadBalancer: Ensuring load balancer',
  'Normal EnsuredLoadBalancer: Ensured load balancer',
];
const DELETED = [
  'Normal DeletingLoadBalancer: Deleting load balancer',
  'Normal DeletedLoadBalancer: Deleted load balancer',
];

describe('cloud controller (service controller of the simulated cloud)', () => {
  it('does nothing while the cloud load balancer is off: EXTERNAL-IP stays pending', () => {
    const f = setup();
    f.create(lbService('web'));
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({});
    expect(f.writes('service-controller')).toEqual([]);
  });

  it('switched on: every LoadBalancer service gets 203.0.113.N from .10, with the real events', () => {
    const f = setup();
    f.create(lbService('web'));
    f.create(lbService('api'));
    f.create({ ...lbService('plain'), spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({ ingress: [{ ip: '203.0.113.10' }] });
    expect(ingressOf(f, 'api')).toEqual({ ingress: [{ ip: '203.0.113.11' }] });
    expect(ingressOf(f, 'plain')).toEqual({});
    expect(eventsOf(f, 'web')).toEqual(ENSURED);
    expect(f.writes('service-controller')).toEqual([
      'create Event default/web.' + eventName(f, 'web', 0),
      'create Event default/web.' + eventName(f, 'web', 1),
      'updateStatus Service default/web',
      'create Event default/api.' + eventName(f, 'api', 0),
      'create Event default/api.' + eventName(f, 'api', 1),
      'updateStatus Service default/api',
    ]);
    // A service created while it is on is served at once; settling again changes nothing.
    f.create(lbService('late'));
    f.settle();
    expect(ingressOf(f, 'late')).toEqual({ ingress: [{ ip: '203.0.113.12' }] });
    const n = f.writes('service-controller').length;
    f.advance(600_000);
    expect(f.writes('service-controller').length).toBe(n);
  });

  it('switched off: the load balancers are deleted and EXTERNAL-IP is pending again', () => {
    const f = setup();
    f.create(lbService('web'));
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.settle();
    dataplaneOf(f.ctx).update({ cloudLB: false });
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({});
    expect(eventsOf(f, 'web')).toEqual([...ENSURED, ...DELETED]);
    // On again: the address pool starts over.
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({ ingress: [{ ip: '203.0.113.10' }] });
  });

  it('addresses are stable per service, freed on delete, and the lowest free is reused', () => {
    const f = setup();
    dataplaneOf(f.ctx).update({ cloudLB: true });
    for (const n of ['a', 'b', 'c']) f.create(lbService(n));
    f.settle();
    f.store.delete('Service', 'default', 'b', { actor: 'test' });
    f.create(lbService('d'));
    f.settle();
    expect(['a', 'c', 'd'].map((n) => ingressOf(f, n))).toEqual([
      { ingress: [{ ip: '203.0.113.10' }] },
      { ingress: [{ ip: '203.0.113.12' }] },
      { ingress: [{ ip: '203.0.113.11' }] },
    ]);
  });

  it('a service that stops being a LoadBalancer loses its load balancer', () => {
    const f = setup();
    dataplaneOf(f.ctx).update({ cloudLB: true });
    const svc = f.create(lbService('web'));
    f.settle();
    const cur = deepClone(f.store.get<StoredService>('Service', 'default', 'web')!);
    const spec = {
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      clusterIP: cur.spec!.clusterIP!,
      clusterIPs: cur.spec!.clusterIPs!,
    };
    f.store.update({ ...cur, spec }, { actor: 'test' });
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({});
    expect(eventsOf(f, svc.metadata.name!)).toEqual([...ENSURED, ...DELETED]);
  });

  it('a change the load balancer depends on ensures it again, on the same address', () => {
    const f = setup();
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.create(lbService('web'));
    f.settle();
    const cur = deepClone(f.store.get<StoredService>('Service', 'default', 'web')!);
    f.store.update(
      { ...cur, spec: { ...cur.spec, ports: [{ port: 8080, protocol: 'TCP', targetPort: 80 }] } },
      { actor: 'test' },
    );
    f.settle();
    expect(ingressOf(f, 'web')).toEqual({ ingress: [{ ip: '203.0.113.10' }] });
    // The recorder aggregates the repeats (kubectl describe: `(x2 over …)`).
    expect(eventsOf(f, 'web')).toEqual(ENSURED.map((e) => `${e} (x2)`));
  });

  it('services with a loadBalancerClass belong to another implementation', () => {
    const f = setup();
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.create(lbService('metal', { loadBalancerClass: 'example.com/metal' }));
    f.settle();
    expect([ingressOf(f, 'metal'), eventsOf(f, 'metal')]).toEqual([{}, []]);
  });

  it('a requested loadBalancerIP is honoured in the pool, and refused outside it', () => {
    const f = setup();
    dataplaneOf(f.ctx).update({ cloudLB: true });
    f.create(lbService('fixed', { loadBalancerIP: '203.0.113.77' }));
    f.create(lbService('foreign', { loadBalancerIP: '198.51.100.7' }));
    f.settle();
    expect(ingressOf(f, 'fixed')).toEqual({ ingress: [{ ip: '203.0.113.77' }] });
    expect(ingressOf(f, 'foreign')).toEqual({});
    expect(eventsOf(f, 'foreign')).toEqual([
      'Normal EnsuringLoadBalancer: Ensuring load balancer',
      'Warning SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: requested ip "198.51.100.7" is not in the load balancer pool 203.0.113.0/24',
    ]);
  });
});

describe('kubectl get svc shows the address', () => {
  it('EXTERNAL-IP is <pending>, then the cloud address, then <pending> again', () => {
    const c = createCluster({ seed: 1 });
    c.applyObjects([lbService('web')]);
    const line = (): string =>
      c.shell.run('kubectl get svc web').stdout.split('\n')[1]!.replace(/ {3,}/g, ' | ');
    expect(line()).toBe('web | LoadBalancer | 10.110.105.26 | <pending> | 80:30623/TCP | 0s');
    c.shell.run('playground cloud-lb on');
    expect(line()).toBe('web | LoadBalancer | 10.110.105.26 | 203.0.113.10 | 80:30623/TCP | 0s');
    c.shell.run('playground cloud-lb off');
    expect(line()).toBe('web | LoadBalancer | 10.110.105.26 | <pending> | 80:30623/TCP | 0s');
  });
});

/** The name suffix of the i-th Event about a service (whatever the recorder made it). */
function eventName(f: Fixture, svc: string, i: number): string {
  const e = f.store
    .list<Event & KObject>('Event', { namespace: 'default' })
    .filter((x) => x.involvedObject.name === svc)[i]!;
  return e.metadata.name!.slice(svc.length + 1);
}
