import type { Service } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { deepClone } from '../../api/types';
import { newFixture } from '../../testing/fixture';
import type { ProxyEndpoint } from '../model';
import { buildProxyInput, proxyInputVersion, servicePortsOf } from './service-ports';

type Svc = Service & KObject;
type Slice = EndpointSlice & KObject;

function setup() {
  const f = newFixture({ strategies: false, nodeObjects: true });
  const service = (
    name: string,
    spec: NonNullable<Service['spec']>,
    extra: Partial<Svc> = {},
  ): Svc =>
    f.create<Svc>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec,
      ...extra,
    });
  const slice = (
    name: string,
    svc: string,
    ports: EndpointPort[],
    endpoints: Endpoint[],
    opts: { addressType?: string; labels?: Record<string, string> } = {},
  ): Slice =>
    f.create<Slice>({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': svc, ...opts.labels },
      },
      addressType: opts.addressType ?? 'IPv4',
      ports,
      endpoints,
    });
  return { f, service, slice };
}

const web = [{ name: 'http', port: 80, protocol: 'TCP' as const, targetPort: 8080 }];
const ep = (ip: string, node: string, conditions: Endpoint['conditions'] = { ready: true }) => ({
  addresses: [ip],
  conditions,
  nodeName: node,
});

describe('buildProxyInput', () => {
  it('gives the node, the cluster CIDR and one entry per service port, sorted', () => {
    const { f, service, slice } = setup();
    service('web', { clusterIP: '10.96.10.10', ports: web });
    service('dns', {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    });
    slice(
      'web-abc',
      'web',
      [{ name: 'http', port: 8080, protocol: 'TCP' }],
      [ep('10.244.1.5', 'node1')],
    );
    const input = buildProxyInput(f.ctx, 'node1');
    expect(input.node).toEqual({ name: 'node1', ip: '192.168.100.11', podCIDR: '10.244.1.0/24' });
    expect(input.clusterCIDR).toBe('10.244.0.0/16');
    expect(input.services.map((s) => [s.svcPortName, s.protocol, s.port])).toEqual([
      ['default/dns:dns', 'udp', 53],
      ['default/dns:dns-tcp', 'tcp', 53],
      ['default/web:http', 'tcp', 80],
    ]);
    expect(input.services[2]).toEqual({
      namespace: 'default',
      name: 'web',
      portName: 'http',
      svcPortName: 'default/web:http',
      protocol: 'tcp',
      type: 'ClusterIP',
      clusterIP: '10.96.10.10',
      port: 80,
      nodePort: 0,
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
      externalPolicyLocal: false,
      internalPolicyLocal: false,
      healthCheckNodePort: 0,
      endpoints: [
        {
          ip: '10.244.1.5',
          port: 8080,
          ready: true,
          serving: true,
          terminating: false,
          nodeName: 'node1',
        },
      ],
    });
  });

  it('skips headless, ExternalName and other proxies’ services', () => {
    const { f, service } = setup();
    service('headless', { clusterIP: 'None', ports: web });
    service('ext', { type: 'ExternalName', externalName: 'example.com' });
    service(
      'other',
      { clusterIP: '10.96.3.3', ports: web },
      {
        metadata: {
          name: 'other',
          namespace: 'default',
          labels: { 'service.kubernetes.io/service-proxy-name': 'foo' },
        },
      },
    );
    service('kept', { clusterIP: '10.96.3.4', ports: web });
    expect(buildProxyInput(f.ctx, 'node1').services.map((s) => s.svcPortName)).toEqual([
      'default/kept:http',
    ]);
  });

  it('names an unnamed port ns/name and matches slice ports by name and protocol', () => {
    const { f, service, slice } = setup();
    service('nginx', { clusterIP: '10.96.1.1', ports: [{ port: 80, protocol: 'TCP' }] });
    service('dns', {
      clusterIP: '10.96.1.2',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    });
    slice('nginx-1', 'nginx', [{ port: 8080, protocol: 'TCP' }], [ep('10.244.1.2', 'node1')]);
    slice(
      'dns-1',
      'dns',
      [
        { name: 'dns', port: 5353, protocol: 'UDP' },
        { name: 'dns-tcp', port: 5354, protocol: 'TCP' },
        { name: 'dns', port: 9999, protocol: 'TCP' }, // same name, other protocol: not `dns`
      ],
      [ep('10.244.2.2', 'node2')],
    );
    const byName = new Map(buildProxyInput(f.ctx, 'node1').services.map((s) => [s.svcPortName, s]));
    expect(byName.get('default/nginx')?.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '10.244.1.2:8080',
    ]);
    expect(byName.get('default/dns:dns')?.endpoints.map((e) => e.port)).toEqual([5353]);
    expect(byName.get('default/dns:dns-tcp')?.endpoints.map((e) => e.port)).toEqual([5354]);
  });

  it('reads conditions with nil ready/serving as true and nil terminating as false (§3)', () => {
    const { f, service, slice } = setup();
    service('web', { clusterIP: '10.96.1.1', ports: web });
    slice(
      'web-1',
      'web',
      [{ name: 'http', port: 80, protocol: 'TCP' }],
      [
        { addresses: ['10.244.1.2'], conditions: {} },
        ep('10.244.1.3', 'node1', { ready: false, serving: true, terminating: true }),
        ep('10.244.1.4', 'node1', { ready: false }),
      ],
    );
    const eps = buildProxyInput(f.ctx, 'node1').services[0]!.endpoints;
    expect(eps).toEqual<ProxyEndpoint[]>([
      { ip: '10.244.1.2', port: 80, ready: true, serving: true, terminating: false },
      {
        ip: '10.244.1.3',
        port: 80,
        ready: false,
        serving: true,
        terminating: true,
        nodeName: 'node1',
      },
      // (nil serving counts as true even when ready is false, as endpointslicecache reads it)
      {
        ip: '10.244.1.4',
        port: 80,
        ready: false,
        serving: true,
        terminating: false,
        nodeName: 'node1',
      },
    ]);
  });

  it('deduplicates endpoints by ip:port across slices and sorts them as strings', () => {
    const { f, service, slice } = setup();
    service('web', { clusterIP: '10.96.1.1', ports: web });
    const p = [{ name: 'http', port: 80, protocol: 'TCP' as const }];
    slice('web-a', 'web', p, [ep('10.244.1.2', 'node1'), ep('10.244.1.10', 'node1')]);
    slice('web-b', 'web', p, [ep('10.244.1.2', 'node1'), ep('10.244.2.9', 'node2')]);
    slice('web-v6', 'web', p, [{ addresses: ['fd00::1'] }], { addressType: 'IPv6' });
    slice('web-h', 'web', p, [ep('10.244.9.9', 'node1')], {
      labels: { 'service.kubernetes.io/headless': '' },
    });
    const eps = buildProxyInput(f.ctx, 'node1').services[0]!.endpoints;
    expect(eps.map((e) => e.ip)).toEqual(['10.244.1.10', '10.244.1.2', '10.244.2.9']);
  });

  it('carries NodePort, externalIPs, LB ingress, source ranges, affinity and policies', () => {
    const { f, service } = setup();
    const lb = service(
      'lb',
      {
        type: 'LoadBalancer',
        clusterIP: '10.96.5.5',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 31000 }],
        externalIPs: ['192.168.99.33'],
        loadBalancerSourceRanges: ['203.0.113.0/25 '],
        externalTrafficPolicy: 'Local',
        internalTrafficPolicy: 'Local',
        healthCheckNodePort: 32000,
        sessionAffinity: 'ClientIP',
      },
      {
        status: {
          loadBalancer: {
            ingress: [
              { ip: '5.6.7.8' },
              { ip: '5.6.7.9', ipMode: 'Proxy' },
              { hostname: 'lb.example' },
            ],
          },
        },
      },
    );
    expect(lb.status).toBeDefined();
    service('np', {
      type: 'NodePort',
      clusterIP: '10.96.5.6',
      ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32001, // only LoadBalancer services use one
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    });
    service('cip', {
      clusterIP: '10.96.5.7',
      ports: [{ port: 80, protocol: 'TCP' }],
      externalTrafficPolicy: 'Local', // ignored: not externally reachable
    });
    const [cip, lbPort, np] = buildProxyInput(f.ctx, 'node1').services;
    expect(cip).toMatchObject({
      svcPortName: 'default/cip',
      externalPolicyLocal: false,
      nodePort: 0,
    });
    expect(lbPort).toMatchObject({
      svcPortName: 'default/lb:http',
      type: 'LoadBalancer',
      nodePort: 31000,
      externalIPs: ['192.168.99.33'],
      loadBalancerIPs: ['5.6.7.8'],
      loadBalancerSourceRanges: ['203.0.113.0/25'],
      externalPolicyLocal: true,
      internalPolicyLocal: true,
      healthCheckNodePort: 32000,
      affinitySeconds: 10800,
    });
    expect(np).toMatchObject({
      svcPortName: 'default/np',
      type: 'NodePort',
      nodePort: 30080,
      externalPolicyLocal: true,
      healthCheckNodePort: 0,
      affinitySeconds: 60,
    });
    expect(cip && 'affinitySeconds' in cip).toBe(false);
  });

  it('rebuilds only the service an event touched; the others keep their objects', () => {
    const { f, service, slice } = setup();
    service('a', { clusterIP: '10.96.1.1', ports: web });
    service('b', { clusterIP: '10.96.1.2', ports: web });
    const p = [{ name: 'http', port: 80, protocol: 'TCP' as const }];
    const sa = slice('a-1', 'a', p, [ep('10.244.1.2', 'node1')]);
    slice('b-1', 'b', p, [ep('10.244.2.2', 'node2')]);
    const before = buildProxyInput(f.ctx, 'node1').services;
    const v0 = proxyInputVersion(f.ctx);
    expect(buildProxyInput(f.ctx, 'node2').services).toBe(before); // shared between nodes

    const next = deepClone(sa);
    next.endpoints = [ep('10.244.1.2', 'node1'), ep('10.244.1.3', 'node1')];
    f.store.update(next, { actor: 'test' });
    expect(proxyInputVersion(f.ctx)).toBe(v0 + 1);
    const after = buildProxyInput(f.ctx, 'node1').services;
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]!.endpoints).toHaveLength(2);
    expect(after[1]).toBe(before[1]);

    // Relabelling a slice to another service moves its endpoints; deleting it drops them.
    const moved = deepClone(f.store.get<Slice>('EndpointSlice', 'default', 'a-1')!);
    moved.metadata.labels = { 'kubernetes.io/service-name': 'b' };
    f.store.update(moved, { actor: 'test' });
    let now = buildProxyInput(f.ctx, 'node1').services;
    expect(now.map((s) => s.endpoints.length)).toEqual([0, 3]);
    f.store.delete('EndpointSlice', 'default', 'a-1', { actor: 'test' });
    now = buildProxyInput(f.ctx, 'node1').services;
    expect(now.map((s) => s.endpoints.length)).toEqual([0, 1]);
    f.store.delete('Service', 'default', 'a', { actor: 'test' });
    expect(buildProxyInput(f.ctx, 'node1').services.map((s) => s.name)).toEqual(['b']);
  });

  it('servicePortsOf ignores slices with no matching port', () => {
    const { service, slice } = setup();
    const svc = service('w', { clusterIP: '10.96.1.1', ports: web });
    const s = slice(
      'w-1',
      'w',
      [{ name: 'other', port: 81, protocol: 'TCP' }],
      [ep('10.244.1.2', 'node1')],
    );
    expect(servicePortsOf(svc, [s])[0]!.endpoints).toEqual([]);
  });
});
