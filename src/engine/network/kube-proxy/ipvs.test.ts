import { describe, expect, it } from 'vitest';
import type { ProxyEndpoint, ProxyInput, Rule, ServicePortInfo, VirtualServer } from '../model';
import {
  categorizeEndpoints,
  compareVirtualServers,
  IPSET_INFO,
  IpvsScheduler,
  realServerKey,
  syncIpvs,
  virtualServerKey,
} from './ipvs';

const MASTER = { name: 'master', ip: '192.168.100.10', podCIDR: '10.244.0.0/24' };
const MASTER_ADDRESSES = ['192.168.100.10', '10.244.0.0', '10.244.0.1'];

function ep(ip: string, port: number, over: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return { ip, port, ready: true, serving: true, terminating: false, ...over };
}

function svc(
  over: Partial<ServicePortInfo> & Pick<ServicePortInfo, 'svcPortName'>,
): ServicePortInfo {
  const [ns = '', rest = ''] = over.svcPortName.split('/');
  const [name = '', portName = ''] = rest.split(':');
  return {
    namespace: ns,
    name,
    portName,
    protocol: 'tcp',
    type: 'ClusterIP',
    clusterIP: '10.96.0.100',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    ...over,
  };
}

const COREDNS = [
  { ip: '10.244.0.2', nodeName: 'master' },
  { ip: '10.244.1.2', nodeName: 'node1' },
];

/** The default cluster's services, as master's kube-proxy sees them, plus a NodePort service. */
const DEFAULT_SERVICES: ServicePortInfo[] = [
  svc({
    svcPortName: 'default/kubernetes:https',
    clusterIP: '10.96.0.1',
    port: 443,
    endpoints: [ep('192.168.100.10', 6443)],
  }),
  svc({
    svcPortName: 'kube-system/kube-dns:dns',
    protocol: 'udp',
    clusterIP: '10.96.0.10',
    port: 53,
    endpoints: COREDNS.map((c) => ep(c.ip, 53, { nodeName: c.nodeName })),
  }),
  svc({
    svcPortName: 'kube-system/kube-dns:dns-tcp',
    clusterIP: '10.96.0.10',
    port: 53,
    endpoints: COREDNS.map((c) => ep(c.ip, 53, { nodeName: c.nodeName })),
  }),
  svc({
    svcPortName: 'kube-system/kube-dns:metrics',
    clusterIP: '10.96.0.10',
    port: 9153,
    endpoints: COREDNS.map((c) => ep(c.ip, 9153, { nodeName: c.nodeName })),
  }),
  svc({
    svcPortName: 'default/web',
    type: 'NodePort',
    clusterIP: '10.104.5.6',
    port: 80,
    nodePort: 30080,
    endpoints: [
      ep('10.244.1.3', 8080, { nodeName: 'node1' }),
      ep('10.244.2.3', 8080, { nodeName: 'node2' }),
      ep('10.244.0.9', 8080, { nodeName: 'master', ready: false, serving: false }),
    ],
  }),
];

const input = (services: ServicePortInfo[]): ProxyInput => ({
  node: MASTER,
  clusterCIDR: '10.244.0.0/16',
  services,
});

const rs = (address: string, port: number) => ({ address, port, weight: 1 });
const WEB_RS = [rs('10.244.1.3', 8080), rs('10.244.2.3', 8080)];
const DNS = (port: number) => [rs('10.244.0.2', port), rs('10.244.1.2', port)];

describe('syncIpvs: the default cluster plus a NodePort service (k8s-reference §2.2)', () => {
  const r = syncIpvs(input(DEFAULT_SERVICES), { nodeAddresses: MASTER_ADDRESSES });

  it('creates one virtual server per service IP:port and per node address:nodePort, in ipvsadm order', () => {
    const vs = (protocol: 'TCP' | 'UDP', address: string, port: number, realServers: object[]) => ({
      protocol,
      address,
      port,
      scheduler: 'rr',
      realServers,
    });
    expect(r.virtualServers).toEqual([
      vs('TCP', '192.168.100.10', 30080, WEB_RS),
      vs('TCP', '10.96.0.1', 443, [rs('192.168.100.10', 6443)]),
      vs('TCP', '10.96.0.10', 53, DNS(53)),
      vs('TCP', '10.96.0.10', 9153, DNS(9153)),
      vs('TCP', '10.104.5.6', 80, WEB_RS),
      vs('TCP', '10.244.0.0', 30080, WEB_RS),
      vs('TCP', '10.244.0.1', 30080, WEB_RS),
      vs('UDP', '10.96.0.10', 53, DNS(53)),
    ]);
  });

  it('binds every ClusterIP to kube-ipvs0', () => {
    expect(r.dummyAddresses).toEqual(['10.96.0.1', '10.96.0.10', '10.104.5.6']);
  });

  it('creates all of ipsetInfo, with kube-proxy entry strings', () => {
    expect([...r.ipsets.keys()]).toEqual(IPSET_INFO.map((s) => s.name));
    const entries = Object.fromEntries([...r.ipsets].map(([k, s]) => [k, s.entries]));
    expect(entries).toEqual({
      'KUBE-LOOP-BACK': [
        '10.244.0.2,udp:53,10.244.0.2',
        '10.244.0.2,tcp:53,10.244.0.2',
        '10.244.0.2,tcp:9153,10.244.0.2',
        '10.244.0.9,tcp:8080,10.244.0.9',
      ],
      'KUBE-CLUSTER-IP': [
        '10.96.0.1,tcp:443',
        '10.96.0.10,udp:53',
        '10.96.0.10,tcp:53',
        '10.96.0.10,tcp:9153',
        '10.104.5.6,tcp:80',
      ],
      'KUBE-EXTERNAL-IP': [],
      'KUBE-EXTERNAL-IP-LOCAL': [],
      'KUBE-LOAD-BALANCER': [],
      'KUBE-LOAD-BALANCER-FW': [],
      'KUBE-LOAD-BALANCER-LOCAL': [],
      'KUBE-LOAD-BALANCER-SOURCE-IP': [],
      'KUBE-LOAD-BALANCER-SOURCE-CIDR': [],
      'KUBE-NODE-PORT-TCP': ['30080'],
      'KUBE-NODE-PORT-LOCAL-TCP': [],
      'KUBE-NODE-PORT-UDP': [],
      'KUBE-NODE-PORT-LOCAL-UDP': [],
      'KUBE-NODE-PORT-SCTP-HASH': [],
      'KUBE-NODE-PORT-LOCAL-SCTP-HASH': [],
      'KUBE-HEALTH-CHECK-NODE-PORT': [],
      'KUBE-IPVS-IPS': ['10.96.0.1', '10.96.0.10', '10.104.5.6'],
    });
    expect(r.ipsets.get('KUBE-CLUSTER-IP')).toMatchObject({
      type: 'hash:ip,port',
      comment: 'Kubernetes service cluster ip + port for masquerade purpose',
    });
    expect(r.ipsets.get('KUBE-NODE-PORT-TCP')?.type).toBe('bitmap:port');
  });

  const comment = (c: string) => ({ m: 'comment', comment: c });
  const set = (name: string, ...flags: string[]) => ({ m: 'set', set: name, flags });
  const jump = (chain: string) => ({ j: 'chain', chain });
  const nat = (chain: string): readonly Rule[] => r.tables.nat.chains.get(chain)?.rules ?? [];
  const filter = (chain: string): readonly Rule[] => r.tables.filter.chains.get(chain)?.rules ?? [];

  it('links its chains from the built-in ones (prepended, so listed last-first)', () => {
    expect([...r.tables.nat.chains.keys()]).toEqual([
      'PREROUTING',
      'INPUT',
      'OUTPUT',
      'POSTROUTING',
      'KUBE-SERVICES',
      'KUBE-POSTROUTING',
      'KUBE-NODE-PORT',
      'KUBE-LOAD-BALANCER',
      'KUBE-MARK-MASQ',
    ]);
    expect([...r.tables.filter.chains.keys()]).toEqual([
      'INPUT',
      'FORWARD',
      'OUTPUT',
      'KUBE-FORWARD',
      'KUBE-NODE-PORT',
      'KUBE-PROXY-FIREWALL',
      'KUBE-SOURCE-RANGES-FIREWALL',
      'KUBE-IPVS-FILTER',
      'KUBE-IPVS-OUT-FILTER',
    ]);
    const portals = {
      matches: [comment('kubernetes service portals')],
      target: jump('KUBE-SERVICES'),
    };
    expect(nat('PREROUTING')).toEqual([portals]);
    expect(nat('OUTPUT')).toEqual([portals]);
    expect(nat('POSTROUTING')).toEqual([
      { matches: [comment('kubernetes postrouting rules')], target: jump('KUBE-POSTROUTING') },
    ]);
    expect(filter('INPUT')).toEqual([
      { matches: [comment('kubernetes ipvs access filter')], target: jump('KUBE-IPVS-FILTER') },
      { matches: [comment('kube-proxy firewall rules')], target: jump('KUBE-PROXY-FIREWALL') },
      { matches: [comment('kubernetes health check rules')], target: jump('KUBE-NODE-PORT') },
    ]);
    expect(filter('FORWARD')).toEqual([
      { matches: [comment('kube-proxy firewall rules')], target: jump('KUBE-PROXY-FIREWALL') },
      { matches: [comment('kubernetes forwarding rules')], target: jump('KUBE-FORWARD') },
    ]);
    expect(filter('OUTPUT')).toEqual([
      { matches: [comment('kubernetes ipvs access filter')], target: jump('KUBE-IPVS-OUT-FILTER') },
    ]);
  });

  it('writes the constant nat rules of writeIptablesRules', () => {
    expect(nat('KUBE-SERVICES')).toEqual([
      { src: { cidr: '127.0.0.0/8' }, matches: [], target: { j: 'RETURN' } },
      {
        src: { cidr: '10.244.0.0/16', negate: true },
        matches: [
          comment('Kubernetes service cluster ip + port for masquerade purpose'),
          set('KUBE-CLUSTER-IP', 'dst', 'dst'),
        ],
        target: jump('KUBE-MARK-MASQ'),
      },
      { matches: [{ m: 'addrtype', dstType: 'LOCAL' }], target: jump('KUBE-NODE-PORT') },
      { matches: [set('KUBE-CLUSTER-IP', 'dst', 'dst')], target: { j: 'ACCEPT' } },
    ]);
    expect(nat('KUBE-POSTROUTING')).toEqual([
      {
        matches: [
          comment('Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose'),
          set('KUBE-LOOP-BACK', 'dst', 'dst', 'src'),
        ],
        target: { j: 'MASQUERADE' },
      },
      {
        matches: [{ m: 'mark', value: 0x4000, mask: 0x4000, negate: true }],
        target: { j: 'RETURN' },
      },
      { matches: [], target: { j: 'MARK', value: 0x4000, mask: 0 } },
      {
        matches: [comment('kubernetes service traffic requiring SNAT')],
        target: { j: 'MASQUERADE', randomFully: true },
      },
    ]);
    expect(nat('KUBE-NODE-PORT')).toEqual([
      {
        proto: 'tcp',
        matches: [
          comment('Kubernetes nodeport TCP port for masquerade purpose'),
          set('KUBE-NODE-PORT-TCP', 'dst'),
        ],
        target: jump('KUBE-MARK-MASQ'),
      },
    ]);
    expect(nat('KUBE-LOAD-BALANCER')).toEqual([{ matches: [], target: jump('KUBE-MARK-MASQ') }]);
    expect(nat('KUBE-MARK-MASQ')).toEqual([
      { matches: [], target: { j: 'MARK', value: 0x4000, mask: 0x4000 } },
    ]);
  });

  it('writes the constant filter rules', () => {
    expect(filter('KUBE-FORWARD')).toEqual([
      {
        matches: [
          comment('kubernetes forwarding rules'),
          { m: 'mark', value: 0x4000, mask: 0x4000 },
        ],
        target: { j: 'ACCEPT' },
      },
      {
        matches: [
          comment('kubernetes forwarding conntrack rule'),
          { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED'] },
        ],
        target: { j: 'ACCEPT' },
      },
    ]);
    expect(filter('KUBE-NODE-PORT')).toEqual([
      {
        matches: [
          comment('Kubernetes health check node port'),
          set('KUBE-HEALTH-CHECK-NODE-PORT', 'dst'),
        ],
        target: { j: 'ACCEPT' },
      },
    ]);
    expect(filter('KUBE-IPVS-FILTER')).toEqual([
      { matches: [set('KUBE-LOAD-BALANCER', 'dst', 'dst')], target: { j: 'RETURN' } },
      { matches: [set('KUBE-CLUSTER-IP', 'dst', 'dst')], target: { j: 'RETURN' } },
      { matches: [set('KUBE-EXTERNAL-IP', 'dst', 'dst')], target: { j: 'RETURN' } },
      { matches: [set('KUBE-EXTERNAL-IP-LOCAL', 'dst', 'dst')], target: { j: 'RETURN' } },
      { matches: [set('KUBE-HEALTH-CHECK-NODE-PORT', 'dst')], target: { j: 'RETURN' } },
      {
        matches: [{ m: 'conntrack', ctstate: ['NEW'] }, set('KUBE-IPVS-IPS', 'dst')],
        target: { j: 'REJECT' },
      },
    ]);
    expect(filter('KUBE-PROXY-FIREWALL')).toEqual([]);
    expect(filter('KUBE-SOURCE-RANGES-FIREWALL')).toEqual([{ matches: [], target: { j: 'DROP' } }]);
    expect(filter('KUBE-IPVS-OUT-FILTER')).toEqual([]);
  });

  it('defaults the NodePort addresses to the node IP and flannel.1', () => {
    const d = syncIpvs(input(DEFAULT_SERVICES));
    expect(d.virtualServers.filter((v) => v.port === 30080).map((v) => v.address)).toEqual([
      '192.168.100.10',
      '10.244.0.0',
    ]);
  });
});

describe('syncIpvs: external IPs, load balancers, Local policies, affinity', () => {
  const local = [
    ep('10.244.0.5', 8080, { nodeName: 'master' }),
    ep('10.244.1.5', 8080, { nodeName: 'node1' }),
  ];
  const lb = svc({
    svcPortName: 'shop/front:http',
    type: 'LoadBalancer',
    clusterIP: '10.100.0.7',
    port: 80,
    nodePort: 31500,
    externalIPs: ['192.168.100.10', '198.51.100.7'],
    loadBalancerIPs: ['203.0.113.10'],
    loadBalancerSourceRanges: ['192.168.100.0/24', '203.0.113.0/24'],
    externalPolicyLocal: true,
    healthCheckNodePort: 32000,
    affinitySeconds: 600,
    endpoints: local,
  });
  const r = syncIpvs(input([lb]), { nodeAddresses: ['192.168.100.10'] });
  const byKey = new Map(r.virtualServers.map((v) => [virtualServerKey(v), v]));

  it('fills the external, load-balancer and Local sets', () => {
    const e = (name: string) => r.ipsets.get(name)?.entries;
    expect(e('KUBE-EXTERNAL-IP-LOCAL')).toEqual(['192.168.100.10,tcp:80', '198.51.100.7,tcp:80']);
    expect(e('KUBE-EXTERNAL-IP')).toEqual([]);
    expect(e('KUBE-LOAD-BALANCER')).toEqual(['203.0.113.10,tcp:80']);
    expect(e('KUBE-LOAD-BALANCER-LOCAL')).toEqual(['203.0.113.10,tcp:80']);
    expect(e('KUBE-LOAD-BALANCER-FW')).toEqual(['203.0.113.10,tcp:80']);
    expect(e('KUBE-LOAD-BALANCER-SOURCE-CIDR')).toEqual([
      '203.0.113.10,tcp:80,192.168.100.0/24',
      '203.0.113.10,tcp:80,203.0.113.0/24',
    ]);
    // The node IP is inside a source range: the LB IP may be a source (hairpin through the LB).
    expect(e('KUBE-LOAD-BALANCER-SOURCE-IP')).toEqual(['203.0.113.10,tcp:80,203.0.113.10']);
    expect(e('KUBE-NODE-PORT-TCP')).toEqual(['31500']);
    expect(e('KUBE-NODE-PORT-LOCAL-TCP')).toEqual(['31500']);
    expect(e('KUBE-HEALTH-CHECK-NODE-PORT')).toEqual(['32000']);
    // An externalIP that is already the node's address is not bound to kube-ipvs0.
    expect(r.dummyAddresses).toEqual(['10.100.0.7', '198.51.100.7', '203.0.113.10']);
  });

  it('uses the local endpoints for external traffic, all of them for the ClusterIP, with persistence', () => {
    expect(byKey.get('TCP/10.100.0.7:80')).toEqual({
      protocol: 'TCP',
      address: '10.100.0.7',
      port: 80,
      scheduler: 'rr',
      persistentSeconds: 600,
      realServers: [rs('10.244.0.5', 8080), rs('10.244.1.5', 8080)],
    });
    for (const key of ['TCP/198.51.100.7:80', 'TCP/203.0.113.10:80', 'TCP/192.168.100.10:31500']) {
      expect(byKey.get(key)?.realServers).toEqual([rs('10.244.0.5', 8080)]);
      expect(byKey.get(key)?.persistentSeconds).toBe(600);
    }
  });

  it('falls back to every endpoint when the node has no local one (#97081)', () => {
    const remote = svc({ ...lb, endpoints: [ep('10.244.1.5', 8080, { nodeName: 'node1' })] });
    const s = syncIpvs(input([remote]), { nodeAddresses: ['192.168.100.10'] });
    expect(s.virtualServers.find((v) => v.port === 31500)?.realServers).toEqual([
      rs('10.244.1.5', 8080),
    ]);
  });

  it('writes the load-balancer and firewall rules once their sets have entries', () => {
    const natRules = r.tables.nat.chains.get('KUBE-SERVICES')?.rules ?? [];
    expect(
      natRules.map((x) => [x.matches.map((m) => (m.m === 'set' ? m.set : m.m)), x.target]),
    ).toEqual([
      [[], { j: 'RETURN' }],
      [['comment', 'KUBE-LOAD-BALANCER'], { j: 'chain', chain: 'KUBE-LOAD-BALANCER' }],
      [['comment', 'KUBE-CLUSTER-IP'], { j: 'chain', chain: 'KUBE-MARK-MASQ' }],
      [['comment', 'KUBE-EXTERNAL-IP-LOCAL', 'physdev', 'addrtype'], { j: 'ACCEPT' }],
      [['comment', 'KUBE-EXTERNAL-IP-LOCAL', 'addrtype'], { j: 'ACCEPT' }],
      [['addrtype'], { j: 'chain', chain: 'KUBE-NODE-PORT' }],
      [['KUBE-CLUSTER-IP'], { j: 'ACCEPT' }],
      [['KUBE-LOAD-BALANCER'], { j: 'ACCEPT' }],
    ]);
    expect(r.tables.nat.chains.get('KUBE-LOAD-BALANCER')?.rules.map((x) => x.target)).toEqual([
      { j: 'RETURN' },
      { j: 'chain', chain: 'KUBE-MARK-MASQ' },
    ]);
    expect(r.tables.nat.chains.get('KUBE-NODE-PORT')?.rules.map((x) => x.target)).toEqual([
      { j: 'RETURN' },
      { j: 'chain', chain: 'KUBE-MARK-MASQ' },
    ]);
    expect(r.tables.filter.chains.get('KUBE-PROXY-FIREWALL')?.rules).toEqual([
      {
        matches: [
          {
            m: 'comment',
            comment:
              'Kubernetes service load balancer ip + port for load balancer with sourceRange',
          },
          { m: 'set', set: 'KUBE-LOAD-BALANCER-FW', flags: ['dst', 'dst'] },
        ],
        target: { j: 'chain', chain: 'KUBE-SOURCE-RANGES-FIREWALL' },
      },
    ]);
    expect(
      r.tables.filter.chains
        .get('KUBE-SOURCE-RANGES-FIREWALL')
        ?.rules.map((x) => [x.matches.find((m) => m.m === 'set'), x.target]),
    ).toEqual([
      [
        { m: 'set', set: 'KUBE-LOAD-BALANCER-SOURCE-CIDR', flags: ['dst', 'dst', 'src'] },
        { j: 'RETURN' },
      ],
      [
        { m: 'set', set: 'KUBE-LOAD-BALANCER-SOURCE-IP', flags: ['dst', 'dst', 'src'] },
        { j: 'RETURN' },
      ],
      [undefined, { j: 'DROP' }],
    ]);
  });
});

describe('categorizeEndpoints (topology.go)', () => {
  it.each([
    {
      name: 'ready endpoints win',
      eps: [
        ep('10.244.1.2', 80, { nodeName: 'node1' }),
        ep('10.244.0.2', 80, { nodeName: 'master', ready: false }),
      ],
      cluster: ['10.244.1.2'],
    },
    {
      name: 'no ready one: serving and terminating ones',
      eps: [
        ep('10.244.1.2', 80, { ready: false, serving: true, terminating: true }),
        ep('10.244.0.2', 80, { ready: false, serving: false, terminating: true }),
      ],
      cluster: ['10.244.1.2'],
    },
    {
      name: 'nothing usable',
      eps: [ep('10.244.1.2', 80, { ready: false, serving: false })],
      cluster: [],
    },
  ])('$name', ({ eps, cluster }) => {
    const c = categorizeEndpoints(svc({ svcPortName: 'default/a', endpoints: eps }), 'master');
    expect(c.cluster.map((e) => e.ip)).toEqual(cluster);
    expect(c.local).toEqual([]);
  });

  it('internalTrafficPolicy Local on a ClusterIP service uses only local endpoints', () => {
    const c = categorizeEndpoints(
      svc({
        svcPortName: 'default/a',
        internalPolicyLocal: true,
        endpoints: [
          ep('10.244.1.2', 80, { nodeName: 'node1' }),
          ep('10.244.0.2', 80, { nodeName: 'master' }),
        ],
      }),
      'master',
    );
    expect(c).toEqual({ cluster: [], local: [ep('10.244.0.2', 80, { nodeName: 'master' })] });
  });
});

describe('compareVirtualServers (libipvs ipvs_cmp_services)', () => {
  it.each([
    ['TCP/10.96.0.1:443', 'TCP/10.96.0.10:53', -1],
    ['TCP/10.96.0.10:53', 'TCP/10.96.0.10:9153', -1],
    ['TCP/192.168.100.10:30080', 'TCP/10.96.0.1:443', -1], // signed wrap-around
    ['TCP/172.17.0.1:30080', 'TCP/192.168.100.10:30080', -1],
    ['TCP/10.244.0.1:30080', 'TCP/10.96.0.1:443', 1],
    ['UDP/10.96.0.10:53', 'TCP/192.168.100.10:30080', 1], // protocol first
  ])('%s vs %s', (a, b, sign) => {
    const parse = (k: string) => {
      const [protocol, rest = ''] = k.split('/');
      const [address = '', port = ''] = rest.split(':');
      return { protocol: protocol as VirtualServer['protocol'], address, port: Number(port) };
    };
    expect(Math.sign(compareVirtualServers(parse(a), parse(b)))).toBe(sign);
  });
});

describe('IpvsScheduler (ip_vs_rr.c)', () => {
  const vs: VirtualServer = {
    protocol: 'TCP',
    address: '10.104.5.6',
    port: 80,
    scheduler: 'rr',
    realServers: [rs('10.244.1.3', 8080), rs('10.244.1.4', 8080), rs('10.244.2.3', 8080)],
  };
  const pick = (s: IpvsScheduler, v: VirtualServer, client: string, now = 0) => {
    const r = s.schedule(v, client, now);
    return r ? `${r.address}:${r.port}` : undefined;
  };

  it('walks the real servers in list order for 9 connections', () => {
    const s = new IpvsScheduler();
    const picks = Array.from({ length: 9 }, (_, i) => pick(s, vs, `10.244.0.${i + 2}`));
    expect(picks).toEqual([
      '10.244.1.3:8080',
      '10.244.1.4:8080',
      '10.244.2.3:8080',
      '10.244.1.3:8080',
      '10.244.1.4:8080',
      '10.244.2.3:8080',
      '10.244.1.3:8080',
      '10.244.1.4:8080',
      '10.244.2.3:8080',
    ]);
    const stats = s.stats(0);
    expect(stats.get(virtualServerKey(vs))?.conns).toBe(9);
    for (const r of vs.realServers) {
      expect(stats.get(realServerKey(vs, r))).toMatchObject({
        conns: 3,
        inactConns: 3,
        activeConns: 0,
      });
    }
    // Finished connections leave the table after two minutes.
    expect(s.stats(120_000).get(realServerKey(vs, vs.realServers[0]!))?.inactConns).toBe(0);
  });

  it('continues after the removed server, skips weight 0, and has nothing for an empty list', () => {
    const s = new IpvsScheduler();
    expect(pick(s, vs, 'a')).toBe('10.244.1.3:8080');
    expect(pick(s, vs, 'a')).toBe('10.244.1.4:8080');
    const without = { ...vs, realServers: [rs('10.244.1.3', 8080), rs('10.244.2.3', 8080)] };
    expect(pick(s, without, 'a')).toBe('10.244.2.3:8080');
    const drained = {
      ...vs,
      realServers: [
        rs('10.244.1.3', 8080),
        { ...rs('10.244.1.4', 8080), weight: 0 },
        rs('10.244.2.3', 8080),
      ],
    };
    expect(pick(s, drained, 'a')).toBe('10.244.1.3:8080');
    expect(pick(s, drained, 'a')).toBe('10.244.2.3:8080');
    expect(pick(s, { ...vs, realServers: [] }, 'a')).toBe(undefined);
  });

  it('keeps a client on its real server while the persistence template lives', () => {
    const s = new IpvsScheduler();
    const sticky = { ...vs, persistentSeconds: 10800 };
    expect(pick(s, sticky, '10.244.0.2', 0)).toBe('10.244.1.3:8080');
    expect(pick(s, sticky, '10.244.0.3', 0)).toBe('10.244.1.4:8080');
    expect(pick(s, sticky, '10.244.0.2', 1_000)).toBe('10.244.1.3:8080');
    expect(pick(s, sticky, '10.244.0.2', 1_000 + 10_799_999)).toBe('10.244.1.3:8080');
    // Expired: scheduled anew by the round robin.
    expect(pick(s, sticky, '10.244.0.2', 1_000 + 10_799_999 + 10_800_000)).toBe('10.244.2.3:8080');
  });
});
