import type { Endpoints, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { installServiceAllocation } from '../api/service-allocation';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { newFixture } from '../testing/fixture';
import { repackSubsets, startEndpointsController, truncateSubsets } from './endpoints';

type Svc = Service & KObject;
type Ep = Endpoints & KObject;
type PodSpec = NonNullable<Pod['spec']>;

interface PodOpts {
  ip?: string;
  node?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  ports?: NonNullable<PodSpec['containers'][number]['ports']>;
}

function setup() {
  const f = newFixture({ strategies: false, nodeObjects: true });
  installServiceAllocation(f.ctx);
  f.store.setStrategy('Pod', {
    gracefulDeleteSeconds: (_o, r) => (r === 0 ? undefined : (r ?? 30)),
  });
  const service = (
    name: string,
    spec: NonNullable<Service['spec']>,
    labels?: Record<string, string>,
  ) =>
    f.create<Svc>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
      spec,
    });
  const pod = (name: string, o: PodOpts = {}) =>
    f.create<Pod & KObject>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: o.labels ?? { app: 'web' } },
      spec: {
        nodeName: o.node ?? 'node1',
        containers: [{ name: 'web', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      },
      status: {
        phase: 'Running',
        ...(o.ip === undefined ? {} : { podIP: o.ip, podIPs: [{ ip: o.ip }] }),
        conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      },
    });
  const endpoints = (name: string) => f.store.get<Ep>('Endpoints', 'default', name);
  const uid = (p: string) => f.store.get('Pod', 'default', p)!.metadata.uid!;
  const addr = (p: string, ip: string, node = 'node1') => ({
    ip,
    nodeName: node,
    targetRef: { kind: 'Pod', namespace: 'default', name: p, uid: uid(p) },
  });
  startEndpointsController(f.ctx);
  return { f, service, pod, endpoints, addr };
}

const webSpec = (extra: Partial<NonNullable<Service['spec']>> = {}) => ({
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
  ...extra,
});

describe('Endpoints controller', () => {
  it('lists ready pods under addresses and the others under notReadyAddresses', () => {
    const { f, service, pod, endpoints, addr } = setup();
    pod('web-b', { ip: '10.244.2.7', node: 'node2' });
    pod('web-a', { ip: '10.244.1.5' });
    pod('web-slow', { ip: '10.244.1.10', ready: false });
    pod('web-stopping', { ip: '10.244.1.6' });
    pod('web-new'); // no IP
    f.store.delete('Pod', 'default', 'web-stopping', { actor: 'test' });
    service('web', webSpec(), { app: 'web' });
    f.settle();
    const ep = endpoints('web')!;
    expect(ep.metadata.labels).toEqual({ app: 'web' });
    expect(ep.metadata.ownerReferences).toBeUndefined();
    expect(ep.metadata.annotations).toEqual({
      'endpoints.kubernetes.io/last-change-trigger-time': '2024-06-03T08:00:00Z',
    });
    // Terminating pods are left out; addresses sort by their text ("10.244.1.10" < "10.244.1.5").
    expect(ep.subsets).toEqual([
      {
        addresses: [addr('web-a', '10.244.1.5'), addr('web-b', '10.244.2.7', 'node2')],
        notReadyAddresses: [addr('web-slow', '10.244.1.10')],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(f.writes('endpoint-controller')).toEqual(['create Endpoints default/web']);
  });

  it('has no subsets when no pod matches, and follows pods coming and going', () => {
    const { f, service, pod, endpoints } = setup();
    service('web', webSpec());
    f.settle();
    expect(endpoints('web')!.subsets).toBeUndefined();
    pod('a', { ip: '10.244.1.5' });
    f.settle();
    expect(endpoints('web')!.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.244.1.5']);
    f.store.delete('Pod', 'default', 'a', { actor: 'test', gracePeriodSeconds: 0 });
    f.settle();
    expect(endpoints('web')!.subsets).toBeUndefined();
  });

  it('a not-ready pod becoming ready moves to addresses', () => {
    const { f, service, pod, endpoints } = setup();
    pod('a', { ip: '10.244.1.5', ready: false });
    service('web', webSpec());
    f.settle();
    expect(endpoints('web')!.subsets?.[0]?.addresses).toBeUndefined();
    const p = deepClone(f.store.get<Pod & KObject>('Pod', 'default', 'a')!);
    p.status!.conditions = [{ type: 'Ready', status: 'True' }];
    f.store.updateStatus(p, { actor: 'test' });
    f.settle();
    const s = endpoints('web')!.subsets![0]!;
    expect(s.addresses?.map((a) => a.ip)).toEqual(['10.244.1.5']);
    expect(s.notReadyAddresses).toBeUndefined();
  });

  it('groups pods by the ports they resolve a named targetPort to', () => {
    const { f, service, pod, endpoints } = setup();
    pod('old', { ip: '10.244.1.5', ports: [{ name: 'web', containerPort: 8080 }] });
    pod('new', { ip: '10.244.1.6', ports: [{ name: 'web', containerPort: 9090 }] });
    pod('none', { ip: '10.244.1.7' }); // lacks the named port: left out
    service(
      'web',
      webSpec({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }] }),
    );
    f.settle();
    expect(endpoints('web')!.subsets!.map((s) => [s.addresses!.map((a) => a.ip), s.ports])).toEqual(
      [
        [['10.244.1.5'], [{ name: 'http', port: 8080, protocol: 'TCP' }]],
        [['10.244.1.6'], [{ name: 'http', port: 9090, protocol: 'TCP' }]],
      ],
    );
  });

  it('publishNotReadyAddresses lists every pod, terminating ones included, as ready', () => {
    const { f, service, pod, endpoints } = setup();
    pod('a', { ip: '10.244.1.5', ready: false });
    pod('b', { ip: '10.244.1.6' });
    f.store.delete('Pod', 'default', 'b', { actor: 'test' });
    service('web', webSpec({ publishNotReadyAddresses: true }));
    f.settle();
    const s = endpoints('web')!.subsets![0]!;
    expect(s.addresses!.map((a) => a.ip)).toEqual(['10.244.1.5', '10.244.1.6']);
    expect(s.notReadyAddresses).toBeUndefined();
  });

  it('headless services get the headless label; port-less ones port-less subsets', () => {
    const { f, service, pod, endpoints } = setup();
    pod('db-0', { ip: '10.244.1.5', labels: { app: 'db' } });
    service('db', { clusterIP: 'None', selector: { app: 'db' } }, { app: 'db' });
    f.settle();
    const ep = endpoints('db')!;
    expect(ep.metadata.labels).toEqual({ app: 'db', 'service.kubernetes.io/headless': '' });
    expect(ep.subsets!.map((s) => [s.addresses!.map((a) => a.ip), s.ports])).toEqual([
      [['10.244.1.5'], undefined],
    ]);
  });

  it('leaves selector-less services alone and deletes Endpoints with their service', () => {
    const { f, service, pod, endpoints } = setup();
    service('external', { ports: [{ port: 5432 }] });
    f.create<Ep>({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '192.168.0.50' }], ports: [{ port: 5432 }] }],
    });
    pod('a', { ip: '10.244.1.5' });
    service('web', webSpec());
    f.settle();
    expect(endpoints('external')!.subsets).toEqual([
      { addresses: [{ ip: '192.168.0.50' }], ports: [{ port: 5432 }] },
    ]);
    f.store.delete('Service', 'default', 'web', { actor: 'test' });
    f.settle();
    expect(endpoints('web')).toBeUndefined();
    expect(f.writes('endpoint-controller')).toEqual([
      'create Endpoints default/web',
      'remove Endpoints default/web',
    ]);
  });
});

describe('repackSubsets', () => {
  const a = (ip: string) => ({ ip, targetRef: { kind: 'Pod', name: ip, uid: `uid-${ip}` } });

  it('splits addresses by readiness per port (not ready wins)', () => {
    const input: EndpointSubset[] = [
      { addresses: [a('10.0.0.2')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.1')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.1')], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.2')], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
      { notReadyAddresses: [a('10.0.0.3')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.3')], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
    ];
    // Per port, the set of (address, ready) decides the subset: port 80 has 10.0.0.3 not ready.
    expect(repackSubsets(input)).toEqual([
      {
        addresses: [a('10.0.0.1'), a('10.0.0.2')],
        notReadyAddresses: [a('10.0.0.3')],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
      {
        addresses: [a('10.0.0.1'), a('10.0.0.2'), a('10.0.0.3')],
        ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      },
    ]);
  });

  it('merges ports served by the same addresses into one subset', () => {
    const input: EndpointSubset[] = [
      { addresses: [a('10.0.0.2')], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.1')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.1')], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
      { addresses: [a('10.0.0.2')], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    ];
    expect(repackSubsets(input)).toEqual([
      {
        addresses: [a('10.0.0.1'), a('10.0.0.2')],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'https', port: 443, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('truncates to 1000 addresses proportionally', () => {
    const many = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => a(`10.1.${base}.${i}`));
    const subsets: EndpointSubset[] = [
      { addresses: many(900, 1), ports: [{ port: 80 }] },
      { addresses: many(300, 2), ports: [{ port: 81 }] },
    ];
    expect(truncateSubsets(subsets)).toBe(true);
    expect(subsets.map((s) => s.addresses!.length)).toEqual([750, 250]);
    expect(truncateSubsets(subsets)).toBe(false);
  });
});
