import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import { installServiceAllocation } from '../api/service-allocation';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { EPOCH_MS } from '../sim/clock';
import { newFixture } from '../testing/fixture';
import { formatRFC3339Nano, startEndpointSliceController } from './endpointslice';
import { startGarbageCollector } from './garbage-collector';

type Svc = Service & KObject;
type Slice = EndpointSlice & KObject;
type PodSpec = NonNullable<Pod['spec']>;

interface PodOpts {
  ip?: string;
  node?: string;
  ready?: boolean;
  phase?: string;
  labels?: Record<string, string>;
  ports?: NonNullable<PodSpec['containers'][number]['ports']>;
  hostname?: string;
  subdomain?: string;
}

function setup() {
  const f = newFixture({ strategies: false, nodeObjects: true });
  installServiceAllocation(f.ctx);
  // Pods terminate gracefully (the pod strategy's job in a full cluster).
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
        ...(o.hostname ? { hostname: o.hostname } : {}),
        ...(o.subdomain ? { subdomain: o.subdomain } : {}),
        containers: [{ name: 'web', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      },
      status: {
        phase: o.phase ?? 'Running',
        ...(o.ip === undefined ? {} : { podIP: o.ip, podIPs: [{ ip: o.ip }] }),
        conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      },
    });
  const setReady = (name: string, ready: boolean) => {
    const p = deepClone(f.store.get<Pod & KObject>('Pod', 'default', name)!);
    p.status!.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
    f.store.updateStatus(p, { actor: 'test' });
  };
  const slices = (svc: string): Slice[] =>
    f.store
      .list<Slice>('EndpointSlice', { namespace: 'default' })
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const uid = (pod: string) => f.store.get('Pod', 'default', pod)!.metadata.uid!;
  const ref = (pod: string) => ({ kind: 'Pod', namespace: 'default', name: pod, uid: uid(pod) });
  startEndpointSliceController(f.ctx);
  return { f, service, pod, setReady, slices, ref };
}

const webSpec = (extra: Partial<NonNullable<Service['spec']>> = {}) => ({
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
  ...extra,
});

describe('EndpointSlice controller', () => {
  it('publishes ready, not-ready and terminating pods with their conditions', () => {
    const { f, service, pod, slices, ref } = setup();
    pod('web-ready', { ip: '10.244.1.5' });
    pod('web-unready', { ip: '10.244.2.7', node: 'node2', ready: false });
    pod('web-terminating', { ip: '10.244.1.6' });
    pod('web-pending'); // no IP yet: not published
    pod('web-done', { ip: '10.244.1.9', phase: 'Succeeded' }); // terminal: not published
    pod('other', { ip: '10.244.1.8', labels: { app: 'other' } });
    f.store.delete('Pod', 'default', 'web-terminating', { actor: 'test', gracePeriodSeconds: 30 });
    const svc = service('web', webSpec(), { app: 'web', tier: 'front' });
    f.settle();

    const [slice, ...rest] = slices('web');
    expect(rest).toEqual([]);
    expect(slice!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice!.metadata.labels).toEqual({
      app: 'web',
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice!.metadata.annotations).toEqual({
      'endpoints.kubernetes.io/last-change-trigger-time': '2024-06-03T08:00:00Z',
    });
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80 }]);
    expect(slice!.endpoints).toEqual([
      {
        addresses: ['10.244.1.5'],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: ref('web-ready'),
        nodeName: 'node1',
      },
      {
        addresses: ['10.244.1.6'],
        conditions: { ready: false, serving: true, terminating: true },
        targetRef: ref('web-terminating'),
        nodeName: 'node1',
      },
      {
        addresses: ['10.244.2.7'],
        conditions: { ready: false, serving: false, terminating: false },
        targetRef: ref('web-unready'),
        nodeName: 'node2',
      },
    ]);
  });

  it('follows readiness changes, in place, and writes nothing when nothing changed', () => {
    const { f, service, pod, setReady, slices } = setup();
    pod('a', { ip: '10.244.1.5', ready: false });
    service('web', webSpec());
    f.settle();
    const name = slices('web')[0]!.metadata.name;
    f.advance(1500);
    setReady('a', true);
    f.settle();
    const after = slices('web');
    expect(after.map((s) => s.metadata.name)).toEqual([name]);
    expect(after[0]!.endpoints[0]!.conditions).toEqual({
      ready: true,
      serving: true,
      terminating: false,
    });
    expect(
      after[0]!.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'],
    ).toBe('2024-06-03T08:00:01.5Z');
    const writes = f.writes('endpointslice-controller').length;
    // An unrelated pod change (an annotation) does not touch the slice.
    const p = deepClone(f.store.get<Pod & KObject>('Pod', 'default', 'a')!);
    p.metadata.annotations = { note: 'x' };
    f.store.update(p, { actor: 'test' });
    f.settle();
    expect(f.writes('endpointslice-controller').length).toBe(writes);
  });

  it('keeps a placeholder slice while nothing matches, then fills the same slice', () => {
    const { f, service, pod, slices } = setup();
    service('web', webSpec());
    f.settle();
    const [placeholder] = slices('web');
    expect(placeholder!.ports).toEqual([]);
    expect(placeholder!.endpoints).toEqual([]);
    pod('a', { ip: '10.244.1.5' });
    f.settle();
    const [filled, ...rest] = slices('web');
    expect(rest).toEqual([]);
    expect(filled!.metadata.name).toBe(placeholder!.metadata.name);
    expect(filled!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80 }]);
    expect(filled!.endpoints.map((e) => e.addresses[0])).toEqual(['10.244.1.5']);
    f.store.delete('Pod', 'default', 'a', { actor: 'test', gracePeriodSeconds: 0 });
    f.settle();
    const back = slices('web');
    expect(back.map((s) => [s.metadata.name, s.ports, s.endpoints])).toEqual([
      [placeholder!.metadata.name, [], []],
    ]);
  });

  it('resolves a named targetPort per pod: different numbers go to different slices', () => {
    const { f, service, pod, slices } = setup();
    pod('old', { ip: '10.244.1.5', ports: [{ name: 'http', containerPort: 8080 }] });
    pod('new', { ip: '10.244.1.6', ports: [{ name: 'http', containerPort: 9090 }] });
    pod('udp', {
      ip: '10.244.1.7',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }],
    });
    service(
      'web',
      webSpec({ ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 'http' }] }),
    );
    f.settle();
    const got = slices('web')
      .map((s) => ({ ports: s.ports, ips: s.endpoints.map((e) => e.addresses[0]) }))
      .sort((a, b) => (JSON.stringify(a.ports) < JSON.stringify(b.ports) ? -1 : 1));
    // Upstream keeps a pod without the named port, in a slice with no ports (kube-proxy ignores it).
    expect(got).toEqual([
      { ports: [], ips: ['10.244.1.7'] },
      { ports: [{ name: 'web', protocol: 'TCP', port: 8080 }], ips: ['10.244.1.5'] },
      { ports: [{ name: 'web', protocol: 'TCP', port: 9090 }], ips: ['10.244.1.6'] },
    ]);
  });

  it('unnamed ports are published with an empty name', () => {
    const { f, service, pod, slices } = setup();
    pod('a', { ip: '10.244.1.5' });
    service('web', {
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
    });
    f.settle();
    expect(slices('web')[0]!.ports).toEqual([{ name: '', protocol: 'TCP', port: 8080 }]);
  });

  it('headless services get the headless label and pod hostnames', () => {
    const { f, service, pod, slices } = setup();
    pod('db-0', { ip: '10.244.1.5', hostname: 'db-0', subdomain: 'db', labels: { app: 'db' } });
    service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] });
    f.settle();
    const [s] = slices('db');
    expect(s!.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
    expect(s!.endpoints[0]!.hostname).toBe('db-0');
  });

  it('publishNotReadyAddresses marks every endpoint ready', () => {
    const { f, service, pod, slices } = setup();
    pod('a', { ip: '10.244.1.5', ready: false });
    pod('b', { ip: '10.244.1.6' });
    f.store.delete('Pod', 'default', 'b', { actor: 'test', gracePeriodSeconds: 30 });
    service('web', webSpec({ publishNotReadyAddresses: true }));
    f.settle();
    expect(slices('web')[0]!.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.244.1.5', { ready: true, serving: false, terminating: false }],
      ['10.244.1.6', { ready: true, serving: true, terminating: true }],
    ]);
  });

  it('leaves out pods on nodes the API does not know', () => {
    const { f, service, pod, slices } = setup();
    pod('a', { ip: '10.244.1.5' });
    pod('ghost', { ip: '10.244.9.5', node: 'node9' });
    service('web', webSpec());
    f.settle();
    expect(slices('web')[0]!.endpoints.map((e) => e.addresses[0])).toEqual(['10.244.1.5']);
  });

  it('packs at most 100 endpoints per slice', () => {
    const { f, service, pod, slices } = setup();
    for (let i = 0; i < 150; i++)
      pod(`p${i}`, { ip: `10.244.${1 + Math.floor(i / 200)}.${i + 2}` });
    service('web', webSpec());
    f.settle();
    const got = slices('web')
      .map((s) => s.endpoints.length)
      .sort((a, b) => b - a);
    expect(got).toEqual([100, 50]);
  });

  it('leaves selector-less services alone (users supply their own slices)', () => {
    const { f, service, slices } = setup();
    service('external-db', { ports: [{ port: 5432 }] });
    f.create<Slice>({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'external-db-1',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'external-db' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.0.50'] }],
      ports: [{ port: 5432 }],
    });
    f.settle();
    expect(slices('external-db').map((s) => s.metadata.name)).toEqual(['external-db-1']);
    expect(f.writes('endpointslice-controller')).toEqual([]);
  });

  it('recreates a managed slice someone deleted', () => {
    const { f, service, pod, slices } = setup();
    pod('a', { ip: '10.244.1.5' });
    service('web', webSpec());
    f.settle();
    f.store.delete('EndpointSlice', 'default', slices('web')[0]!.metadata.name!, { actor: 'test' });
    f.settle();
    expect(slices('web').map((s) => s.endpoints.length)).toEqual([1]);
  });

  it('the slices go with their service (owner reference + garbage collector)', () => {
    const { f, service, pod, slices } = setup();
    startGarbageCollector(f.ctx);
    pod('a', { ip: '10.244.1.5' });
    service('web', webSpec());
    f.settle();
    expect(slices('web')).toHaveLength(1);
    f.store.delete('Service', 'default', 'web', { actor: 'test' });
    f.settle();
    expect(slices('web')).toEqual([]);
  });
});

describe('formatRFC3339Nano', () => {
  it.each([
    [0, '2024-06-03T08:00:00Z'],
    [1500, '2024-06-03T08:00:01.5Z'],
    [1, '2024-06-03T08:00:00.001Z'],
    [120, '2024-06-03T08:00:00.12Z'],
  ])('+%d ms → %s', (ms, text) => {
    expect(formatRFC3339Nano(EPOCH_MS + ms)).toBe(text);
  });
});
