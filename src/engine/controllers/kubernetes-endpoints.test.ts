import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import { installServiceAllocation } from '../api/service-allocation';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { createCluster } from '../cluster';
import { newFixture } from '../testing/fixture';
import { startKubernetesEndpointsReconciler } from './kubernetes-endpoints';

const ENDPOINTS = {
  subsets: [
    {
      addresses: [{ ip: '192.168.100.10' }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    },
  ],
};

function setup() {
  const f = newFixture({ strategies: false });
  installServiceAllocation(f.ctx);
  f.create<Service & KObject>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
  });
  startKubernetesEndpointsReconciler(f.ctx);
  const ep = () => f.store.get<Endpoints & KObject>('Endpoints', 'default', 'kubernetes');
  const slice = () =>
    f.store.get<EndpointSlice & KObject>('EndpointSlice', 'default', 'kubernetes');
  return { f, ep, slice };
}

describe('default/kubernetes endpoints', () => {
  it('point at the control-plane node, port 6443 named https', () => {
    const { f, ep, slice } = setup();
    f.settle();
    expect(ep()!.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    expect(ep()!.subsets).toEqual(ENDPOINTS.subsets);
    const s = slice()!;
    expect(s.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(s.metadata.ownerReferences).toBeUndefined();
    expect(s.addressType).toBe('IPv4');
    expect(s.endpoints).toEqual([{ addresses: ['192.168.100.10'], conditions: { ready: true } }]);
    expect(s.ports).toEqual([{ name: 'https', protocol: 'TCP', port: 6443 }]);
  });

  it('repairs edits and deletions', () => {
    const { f, ep, slice } = setup();
    f.settle();
    const broken = deepClone(ep()!);
    broken.subsets = [];
    f.store.update(broken, { actor: 'kubectl' });
    f.store.delete('EndpointSlice', 'default', 'kubernetes', { actor: 'kubectl' });
    f.settle();
    expect(ep()!.subsets).toEqual(ENDPOINTS.subsets);
    expect(slice()!.endpoints[0]!.addresses).toEqual(['192.168.100.10']);
  });

  it('recreates the kubernetes Service 10 s after it is deleted', () => {
    const { f } = setup();
    f.settle();
    f.store.delete('Service', 'default', 'kubernetes', { actor: 'kubectl' });
    f.advance(9_000);
    expect(f.store.get('Service', 'default', 'kubernetes')).toBeUndefined();
    f.advance(1_000);
    f.settle();
    const svc = f.store.get<Service & KObject>('Service', 'default', 'kubernetes')!;
    expect(svc.spec!.clusterIP).toBe('10.96.0.1');
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
  });

  it('in a whole cluster, kubectl sees the same objects after bootstrap', () => {
    const c = createCluster({ seed: 1, bootstrapMs: 0 });
    const e = c.store.get<Endpoints & KObject>('Endpoints', 'default', 'kubernetes')!;
    expect(e.subsets).toEqual(ENDPOINTS.subsets);
    const dns = c.store.get<Service & KObject>('Service', 'kube-system', 'kube-dns')!;
    expect(dns.spec!.clusterIPs).toEqual(['10.96.0.10']);
  });
});
