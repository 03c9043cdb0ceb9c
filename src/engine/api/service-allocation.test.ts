import fc from 'fast-check';
import type { Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newFixture } from '../testing/fixture';
import { Rng } from '../sim/rng';
import { ApiError, kubectlMessage } from './errors';
import { parseIPv4 } from './ipalloc';
import {
  IPAllocator,
  PortAllocator,
  RangeAllocator,
  calculateRangeOffset,
  installServiceAllocation,
  serviceAllocatorsOf,
} from './service-allocation';
import type { KObject } from './types';
import { deepClone } from './types';

type Svc = Service & KObject;
type Spec = NonNullable<Service['spec']>;

function setup() {
  const f = newFixture({ strategies: false });
  installServiceAllocation(f.ctx);
  const al = serviceAllocatorsOf(f.store)!;
  const create = (name: string, spec: Spec, namespace = 'default'): Svc =>
    f.store.create<Svc>(
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec },
      { actor: 'test' },
    );
  const update = (name: string, edit: (spec: Spec) => Spec | void, namespace = 'default'): Svc => {
    const cur = deepClone(f.store.get<Svc>('Service', namespace, name)!);
    const next = edit(cur.spec!) ?? cur.spec!;
    return f.store.update<Svc>({ ...cur, spec: next }, { actor: 'test' });
  };
  const remove = (name: string, namespace = 'default') =>
    f.store.delete('Service', namespace, name, { actor: 'test' });
  /** The kubectl text of the error the call throws. */
  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ApiError) return kubectlMessage(e);
      throw e;
    }
    throw new Error('expected an ApiError');
  };
  return { f, al, create, update, remove, failure };
}

const web = (extra: Partial<Spec> = {}): Spec => ({
  selector: { app: 'web' },
  ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
  ...extra,
});

const inServiceCIDR = (ip: string): boolean => {
  const n = parseIPv4(ip)!;
  return n > parseIPv4('10.96.0.0')! && n < parseIPv4('10.111.255.255')!;
};

describe('range offsets (calculateRangeOffset)', () => {
  it.each([
    ['/12 service range', 1 << 20, 16, 256, 16, 256],
    ['/24 service range', 256, 16, 256, 16, 16],
    ['/28 service range', 16, 16, 256, 16, 0],
    ['/20 service range', 4096, 16, 256, 16, 256],
    ['/22 service range', 1024, 16, 256, 16, 64],
    ['default NodePort range', 2768, 16, 128, 32, 86],
    ['small NodePort range', 100, 16, 128, 32, 16],
  ])('%s', (_name, size, lo, hi, step, want) => {
    expect(calculateRangeOffset(size, lo, hi, step)).toBe(want);
  });
});

describe('RangeAllocator', () => {
  it('prefers the upper band, then falls back to the lower band, then is full', () => {
    const r = new RangeAllocator(20, 4, new Rng(7));
    const got: number[] = [];
    for (let i = 0; i < 16; i++) got.push(r.allocateNext()!);
    expect(got.every((i) => i >= 4)).toBe(true);
    expect(new Set(got).size).toBe(16);
    const low: number[] = [];
    for (let i = 0; i < 4; i++) low.push(r.allocateNext()!);
    expect(low.sort()).toEqual([0, 1, 2, 3]);
    expect(r.allocateNext()).toBeUndefined();
    r.release(9);
    expect(r.allocateNext()).toBe(9);
  });

  it('refuses out-of-range and taken indexes', () => {
    const r = new RangeAllocator(10, 2, new Rng(1));
    expect(r.allocate(3)).toBe(true);
    expect(r.allocate(3)).toBe(false);
    expect(r.allocate(10)).toBe(false);
    expect(r.allocate(-1)).toBe(false);
    expect(r.count).toBe(1);
  });
});

describe('IPAllocator', () => {
  it('excludes the network and broadcast addresses of a small range', () => {
    const a = new IPAllocator('10.0.0.0/29', new Rng(3));
    const got = new Set<string>();
    for (let i = 0; i < 6; i++) got.add(a.allocateNext());
    expect([...got].sort()).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.6',
    ]);
    expect(() => a.allocateNext()).toThrow('range is full');
    expect(() => a.allocate('10.0.0.0')).toThrow(
      'the provided IP (10.0.0.0) is not in the valid range. The range of valid IPs is 10.0.0.0/29',
    );
    expect(() => a.allocate('10.0.0.7')).toThrow('not in the valid range');
  });

  it('the static band of a /12 is 10.96.0.1 – 10.96.1.0', () => {
    const a = new IPAllocator('10.96.0.0/12', new Rng(1));
    expect(a.staticBandSize).toBe(256);
    expect(a.offsetOf('10.96.1.0')).toBe(255);
    expect(a.offsetOf('10.96.1.1')).toBe(256);
    for (let i = 0; i < 200; i++) {
      const off = a.offsetOf(a.allocateNext())!;
      expect(off).toBeGreaterThanOrEqual(256);
    }
  });
});

describe('PortAllocator', () => {
  it('hands out 30086–32767 first, then 30000–30085', () => {
    const p = new PortAllocator(30000, 2768, new Rng(5));
    expect(p.rangeText).toBe('30000-32767');
    expect(p.staticBandSize).toBe(86);
    const upper: number[] = [];
    for (let i = 0; i < 2768 - 86; i++) upper.push(p.allocateNext());
    expect(Math.min(...upper)).toBe(30086);
    expect(Math.max(...upper)).toBe(32767);
    const lower: number[] = [];
    for (let i = 0; i < 86; i++) lower.push(p.allocateNext());
    expect(Math.min(...lower)).toBe(30000);
    expect(Math.max(...lower)).toBe(30085);
    expect(() => p.allocateNext()).toThrow('range is full');
  });
});

describe('ClusterIP allocation on create', () => {
  it('gives a dynamic ClusterIP from the upper band of 10.96.0.0/12, and IP families', () => {
    const { create, al } = setup();
    const s = create('web', web());
    const ip = s.spec!.clusterIP!;
    expect(inServiceCIDR(ip)).toBe(true);
    expect(al.ips.offsetOf(ip)).toBeGreaterThanOrEqual(256);
    expect(s.spec!.clusterIPs).toEqual([ip]);
    expect(s.spec!.ipFamilies).toEqual(['IPv4']);
    expect(s.spec!.ipFamilyPolicy).toBe('SingleStack');
    expect(al.ips.has(ip)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = setup();
    const b = setup();
    const ipsA = ['a', 'b', 'c'].map((n) => a.create(n, web()).spec!.clusterIP);
    const ipsB = ['a', 'b', 'c'].map((n) => b.create(n, web()).spec!.clusterIP);
    expect(ipsA).toEqual(ipsB);
  });

  it('accepts the kubeadm addresses 10.96.0.1 and 10.96.0.10 and marks them allocated', () => {
    const { create, al } = setup();
    create('kubernetes', {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ port: 443 }],
    });
    const dns = create('kube-dns', { ...web(), clusterIP: '10.96.0.10' }, 'kube-system');
    expect(dns.spec!.clusterIPs).toEqual(['10.96.0.10']);
    expect(al.ips.allocated()).toEqual(['10.96.0.1', '10.96.0.10']);
  });

  it.each([
    [
      'out of range',
      '10.0.0.5',
      'The Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    ],
    [
      'the network address',
      '10.96.0.0',
      'The Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.0"}: failed to allocate IP 10.96.0.0: the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    ],
    [
      'already allocated',
      '10.96.0.10',
      'The Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    ],
    [
      'not an IP',
      '10.96.0.300',
      'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
  ])('rejects a requested ClusterIP %s', (_case, ip, message) => {
    const { create, failure, al, f } = setup();
    create('kube-dns', { ...web(), clusterIP: '10.96.0.10' }, 'kube-system');
    expect(failure(() => create('web', web({ clusterIP: ip })))).toBe(message);
    expect(f.store.get('Service', 'default', 'web')).toBeUndefined();
    expect(al.ips.allocated()).toEqual(['10.96.0.10']);
  });

  it('a released address can be requested again after the service is deleted', () => {
    const { create, remove, al } = setup();
    create('a', web({ clusterIP: '10.96.0.50' }));
    remove('a');
    expect(al.ips.has('10.96.0.50')).toBe(false);
    expect(create('b', web({ clusterIP: '10.96.0.50' })).spec!.clusterIP).toBe('10.96.0.50');
  });

  it.each([
    ['headless', web({ clusterIP: 'None' }), 'None', ['None'], 'SingleStack', ['IPv4']],
    [
      'headless without a selector',
      { clusterIP: 'None', ports: [{ port: 80 }] },
      'None',
      ['None'],
      'RequireDualStack',
      ['IPv4', 'IPv6'],
    ],
  ])('%s services get no IP', (_case, spec, clusterIP, clusterIPs, policy, families) => {
    const { create, al } = setup();
    const s = create('h', spec);
    expect(s.spec!.clusterIP).toBe(clusterIP);
    expect(s.spec!.clusterIPs).toEqual(clusterIPs);
    expect(s.spec!.ipFamilyPolicy).toBe(policy);
    expect(s.spec!.ipFamilies).toEqual(families);
    expect(al.ips.count).toBe(0);
  });

  it('ExternalName services get no IP and no families', () => {
    const { create, al } = setup();
    const s = create('ext', { type: 'ExternalName', externalName: 'example.com' });
    expect(s.spec).toEqual({ type: 'ExternalName', externalName: 'example.com' });
    expect(al.ips.count).toBe(0);
  });
});

describe('NodePort allocation on create', () => {
  it('gives each port of a NodePort service a dynamic port ≥ 30086', () => {
    const { create } = setup();
    const s = create(
      'np',
      web({
        type: 'NodePort',
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'https', port: 443, protocol: 'TCP' },
        ],
      }),
    );
    const ports = s.spec!.ports!.map((p) => p.nodePort!);
    expect(ports).toHaveLength(2);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(30086);
      expect(p).toBeLessThanOrEqual(32767);
    }
    expect(ports[0]).not.toBe(ports[1]);
  });

  it('ports with the same number but different protocols share one NodePort', () => {
    const { create, al } = setup();
    const s = create('dns', {
      type: 'NodePort',
      selector: { app: 'dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    });
    const [udp, tcp] = s.spec!.ports!;
    expect(udp!.nodePort).toBe(tcp!.nodePort);
    expect(al.nodePorts.count).toBe(1);
  });

  it('a requested NodePort shared by UDP and TCP ports of one number is allocated once', () => {
    const { create, al } = setup();
    create('dns', {
      type: 'NodePort',
      selector: { app: 'dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30053 },
      ],
    });
    expect(al.nodePorts.allocated()).toEqual([30053]);
  });

  it.each([
    [
      'out of range',
      80,
      'The Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ],
    [
      'already allocated',
      31326,
      'The Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 31326: provided port is already allocated',
    ],
  ])('rejects a requested NodePort %s', (_case, nodePort, message) => {
    const { create, failure, al } = setup();
    create('first', web({ type: 'NodePort', ports: [{ port: 80, nodePort: 31326 }] }));
    const before = al.ips.allocated();
    expect(
      failure(() => create('np', web({ type: 'NodePort', ports: [{ port: 80, nodePort }] }))),
    ).toBe(message);
    // Nothing leaked: the ClusterIP taken for the failed create was given back.
    expect(al.ips.allocated()).toEqual(before);
    expect(al.nodePorts.allocated()).toEqual([31326]);
  });

  it('rejects a NodePort on a ClusterIP service and duplicate NodePorts', () => {
    const { create, failure } = setup();
    expect(failure(() => create('c', web({ ports: [{ port: 80, nodePort: 30080 }] })))).toBe(
      'The Service "c" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
    );
    expect(
      failure(() =>
        create(
          'd',
          web({
            type: 'NodePort',
            ports: [
              { name: 'a', port: 80, protocol: 'TCP', nodePort: 30080 },
              { name: 'b', port: 81, protocol: 'TCP', nodePort: 30080 },
            ],
          }),
        ),
      ),
    ).toBe('The Service "d" is invalid: spec.ports[1].nodePort: Duplicate value: 30080');
  });

  it('LoadBalancer: NodePorts unless allocateLoadBalancerNodePorts is false; health check port for Local', () => {
    const { create, al } = setup();
    const lb = create('lb', web({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    expect(lb.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30086);
    expect(lb.spec!.healthCheckNodePort).toBeGreaterThanOrEqual(30086);
    expect(lb.spec!.healthCheckNodePort).not.toBe(lb.spec!.ports![0]!.nodePort);
    const nolb = create(
      'nolb',
      web({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }),
    );
    expect(nolb.spec!.ports![0]!.nodePort).toBeUndefined();
    expect(nolb.spec!.healthCheckNodePort).toBeUndefined();
    expect(al.nodePorts.count).toBe(2);
  });
});

describe('updates', () => {
  it('a resubmitted manifest without the allocated fields keeps them', () => {
    const { create, update, al } = setup();
    const s = create('np', web({ type: 'NodePort' }));
    const ip = s.spec!.clusterIP;
    const np = s.spec!.ports![0]!.nodePort;
    const again = update('np', () => web({ type: 'NodePort' }));
    expect(again.spec!.clusterIP).toBe(ip);
    expect(again.spec!.clusterIPs).toEqual([ip]);
    expect(again.spec!.ports![0]!.nodePort).toBe(np);
    expect(again.metadata.resourceVersion).toBe(s.metadata.resourceVersion);
    expect(al.nodePorts.allocated()).toEqual([np]);
  });

  it('the ClusterIP may not change once set', () => {
    const { create, update, failure, al } = setup();
    const s = create('web', web());
    expect(
      failure(() =>
        update('web', (spec) => ({ ...spec, clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'] })),
      ),
    ).toBe(
      'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once set',
    );
    // Changing only the singular field gives the same answer (clusterIPs follow it).
    expect(failure(() => update('web', (spec) => ({ ...spec, clusterIP: '10.96.5.5' })))).toBe(
      'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once set',
    );
    expect(al.ips.allocated()).toEqual([s.spec!.clusterIP]);
  });

  it('adding a port allocates a NodePort, removing one releases it', () => {
    const { create, update, al } = setup();
    const s = create('np', web({ type: 'NodePort', ports: [{ name: 'a', port: 80 }] }));
    const first = s.spec!.ports![0]!.nodePort!;
    const two = update('np', (spec) => ({
      ...spec,
      ports: [...spec.ports!, { name: 'b', port: 81 }],
    }));
    const second = two.spec!.ports![1]!.nodePort!;
    expect(second).toBeGreaterThanOrEqual(30086);
    expect(al.nodePorts.allocated()).toEqual([first, second].sort((x, y) => x - y));
    update('np', (spec) => ({ ...spec, ports: [spec.ports![1]!] }));
    expect(al.nodePorts.allocated()).toEqual([second]);
  });

  it('NodePort → ClusterIP drops and releases the NodePorts; ClusterIP → NodePort allocates', () => {
    const { create, update, al } = setup();
    create('np', web({ type: 'NodePort' }));
    const ci = update('np', (spec) => ({ ...spec, type: 'ClusterIP' }));
    expect(ci.spec!.ports![0]!.nodePort).toBeUndefined();
    expect(al.nodePorts.count).toBe(0);
    const back = update('np', (spec) => ({ ...spec, type: 'NodePort' }));
    expect(back.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30086);
    expect(al.nodePorts.count).toBe(1);
  });

  it('changing a NodePort to a taken one fails and keeps the old allocation', () => {
    const { create, update, failure, al } = setup();
    create('a', web({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }));
    create('b', web({ type: 'NodePort', ports: [{ port: 80, nodePort: 30002 }] }));
    expect(
      failure(() => update('b', (spec) => ({ ...spec, ports: [{ port: 80, nodePort: 30001 }] }))),
    ).toBe(
      'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated',
    );
    expect(al.nodePorts.allocated()).toEqual([30001, 30002]);
    update('b', (spec) => ({ ...spec, ports: [{ port: 80, nodePort: 30003 }] }));
    expect(al.nodePorts.allocated()).toEqual([30001, 30003]);
  });

  it('ClusterIP ↔ ExternalName releases and re-allocates the IP', () => {
    const { create, update, al } = setup();
    create('s', web({ clusterIP: '10.96.0.77' }));
    const ext = update('s', (spec) => ({
      ...spec,
      type: 'ExternalName',
      externalName: 'x.example',
    }));
    expect(ext.spec!.clusterIP).toBeUndefined();
    expect(al.ips.count).toBe(0);
    const back = update('s', (spec) => {
      const { externalName: _gone, ...rest } = spec;
      return { ...rest, type: 'ClusterIP' };
    });
    expect(inServiceCIDR(back.spec!.clusterIP!)).toBe(true);
    expect(al.ips.allocated()).toEqual([back.spec!.clusterIP]);
  });

  it('health check port follows externalTrafficPolicy', () => {
    const { create, update, al } = setup();
    const lb = create('lb', web({ type: 'LoadBalancer' }));
    expect(lb.spec!.healthCheckNodePort).toBeUndefined();
    const local = update('lb', (spec) => ({ ...spec, externalTrafficPolicy: 'Local' }));
    const hc = local.spec!.healthCheckNodePort!;
    expect(al.nodePorts.has(hc)).toBe(true);
    const cluster = update('lb', (spec) => ({ ...spec, externalTrafficPolicy: 'Cluster' }));
    expect(cluster.spec!.healthCheckNodePort).toBeUndefined();
    expect(al.nodePorts.has(hc)).toBe(false);
  });

  it('delete releases ClusterIP, NodePorts and the health check port', () => {
    const { create, remove, al } = setup();
    create('lb', web({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    expect(al.ips.count).toBe(1);
    expect(al.nodePorts.count).toBe(2);
    remove('lb');
    expect(al.ips.count).toBe(0);
    expect(al.nodePorts.count).toBe(0);
  });
});

describe('property: no collisions, everything in range, nothing leaked', () => {
  type Op =
    | {
        op: 'create';
        name: number;
        type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
        ip?: number;
        np?: number;
      }
    | { op: 'delete'; name: number }
    | { op: 'retype'; name: number; type: 'ClusterIP' | 'NodePort' };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record(
      {
        op: fc.constant('create' as const),
        name: fc.integer({ min: 0, max: 11 }),
        type: fc.constantFrom('ClusterIP' as const, 'NodePort' as const, 'LoadBalancer' as const),
        // Requested values collide often (few choices) and sometimes fall out of range.
        ip: fc.integer({ min: -2, max: 40 }),
        np: fc.integer({ min: 29998, max: 30012 }),
      },
      { requiredKeys: ['op', 'name', 'type'] },
    ),
    fc.record({ op: fc.constant('delete' as const), name: fc.integer({ min: 0, max: 11 }) }),
    fc.record({
      op: fc.constant('retype' as const),
      name: fc.integer({ min: 0, max: 11 }),
      type: fc.constantFrom('ClusterIP' as const, 'NodePort' as const),
    }),
  );

  it('holds after random create/delete/retype sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { f, al, create, update, remove } = setup();
        for (const o of ops) {
          const name = `s${o.name}`;
          try {
            if (o.op === 'create') {
              const ip = o.ip === undefined ? undefined : `10.96.0.${o.ip < 0 ? 300 + o.ip : o.ip}`;
              create(
                name,
                web({
                  type: o.type,
                  ...(ip ? { clusterIP: ip } : {}),
                  ports: [
                    {
                      port: 80,
                      ...(o.np !== undefined && o.type !== 'ClusterIP' ? { nodePort: o.np } : {}),
                    },
                  ],
                }),
              );
            } else if (o.op === 'delete') remove(name);
            else if (f.store.get('Service', 'default', name))
              update(name, (spec) => ({ ...spec, type: o.type }));
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
          }
        }
        const services = f.store.list<Svc>('Service');
        const ips = services.map((s) => s.spec!.clusterIP!);
        expect(new Set(ips).size).toBe(ips.length);
        for (const ip of ips) expect(inServiceCIDR(ip)).toBe(true);
        const nodePorts = services.flatMap((s) => s.spec!.ports!.map((p) => p.nodePort ?? 0));
        const used = nodePorts.filter((p) => p !== 0);
        used.push(...services.map((s) => s.spec!.healthCheckNodePort ?? 0).filter((p) => p));
        expect(new Set(used).size).toBe(used.length);
        for (const p of used) {
          expect(p).toBeGreaterThanOrEqual(30000);
          expect(p).toBeLessThanOrEqual(32767);
        }
        // The allocators hold exactly what the stored services hold.
        expect(al.ips.allocated()).toEqual([...ips].sort((a, b) => parseIPv4(a)! - parseIPv4(b)!));
        expect(al.nodePorts.allocated()).toEqual([...used].sort((a, b) => a - b));
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});
