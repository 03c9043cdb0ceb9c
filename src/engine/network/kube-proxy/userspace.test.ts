import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/rng';
import type { ProxyEndpoint, ProxyInput, Rule, ServicePortInfo, Tables } from '../model';
import { saveRule } from '../netfilter/iptables-save';
import type { DialOutcome } from './userspace';
import {
  ERR_FAILED_TO_CONNECT,
  ERR_MISSING_ENDPOINTS,
  ERR_MISSING_SERVICE_ENTRY,
  EPHEMERAL_PORT_MAX,
  EPHEMERAL_PORT_MIN,
  endpointString,
  servicePortKey,
  UserspaceProxier,
} from './userspace';

const NODE = { name: 'node1', ip: '192.168.100.11', podCIDR: '10.244.1.0/24' };

function svc(over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    namespace: 'default',
    name: 'web',
    portName: '',
    svcPortName: 'default/web',
    protocol: 'tcp',
    type: 'ClusterIP',
    clusterIP: '10.96.100.1',
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

function ep(ip: string, over: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return {
    ip,
    port: 8080,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: 'node1',
    ...over,
  };
}

const input = (...services: ServicePortInfo[]): ProxyInput => ({
  node: NODE,
  clusterCIDR: '10.244.0.0/16',
  services,
});

const KUBERNETES = svc({
  name: 'kubernetes',
  portName: 'https',
  svcPortName: 'default/kubernetes:https',
  clusterIP: '10.96.0.1',
  port: 443,
  endpoints: [ep('192.168.100.10', { port: 6443, nodeName: 'master' })],
});

const chainRules = (t: Tables, table: 'nat' | 'filter', chain: string): readonly Rule[] =>
  t[table].chains.get(chain)?.rules ?? [];

const PORTALS_JUMP = {
  matches: [
    { m: 'comment', comment: 'handle ClusterIPs; NOTE: this must be before the NodePort rules' },
  ],
};
const NODEPORTS_MATCHES = [
  { m: 'addrtype', dstType: 'LOCAL' },
  {
    m: 'comment',
    comment: 'handle service NodePorts; NOTE: this must be the last rule in the chain',
  },
];

describe('UserspaceProxier rules (k8s-reference §2.1)', () => {
  it('writes the iptablesInit chains and jumps, portal jumps first and NodePort jumps last', () => {
    const { tables } = new UserspaceProxier(new Rng(1)).sync(input(KUBERNETES));
    expect([...tables.nat.chains.keys()]).toEqual([
      'PREROUTING',
      'INPUT',
      'OUTPUT',
      'POSTROUTING',
      'KUBE-PORTALS-CONTAINER',
      'KUBE-PORTALS-HOST',
      'KUBE-NODEPORT-CONTAINER',
      'KUBE-NODEPORT-HOST',
    ]);
    expect([...tables.filter.chains.keys()]).toEqual([
      'INPUT',
      'FORWARD',
      'OUTPUT',
      'KUBE-NODEPORT-NON-LOCAL',
    ]);
    expect(chainRules(tables, 'nat', 'PREROUTING')).toEqual([
      { ...PORTALS_JUMP, target: { j: 'chain', chain: 'KUBE-PORTALS-CONTAINER' } },
      { matches: NODEPORTS_MATCHES, target: { j: 'chain', chain: 'KUBE-NODEPORT-CONTAINER' } },
    ]);
    expect(chainRules(tables, 'nat', 'OUTPUT')).toEqual([
      { ...PORTALS_JUMP, target: { j: 'chain', chain: 'KUBE-PORTALS-HOST' } },
      { matches: NODEPORTS_MATCHES, target: { j: 'chain', chain: 'KUBE-NODEPORT-HOST' } },
    ]);
    expect(chainRules(tables, 'filter', 'INPUT')).toEqual([
      {
        matches: [{ m: 'comment', comment: 'Ensure that non-local NodePort traffic can flow' }],
        target: { j: 'chain', chain: 'KUBE-NODEPORT-NON-LOCAL' },
      },
    ]);
    expect(chainRules(tables, 'nat', 'POSTROUTING')).toEqual([]);
    expect([...tables.raw.chains.keys()]).toEqual(['PREROUTING', 'OUTPUT']);
  });

  it('a ClusterIP service: REDIRECT from pods, DNAT to hostIP:proxyPort from the node', () => {
    const { tables, proxyPorts } = new UserspaceProxier(new Rng(1)).sync(input(KUBERNETES));
    const port = proxyPorts.get('default/kubernetes:https/tcp') as number;
    const common = {
      proto: 'tcp',
      dst: { cidr: '10.96.0.1/32' },
      matches: [
        { m: 'comment', comment: 'default/kubernetes:https' },
        { m: 'tcp', dport: 443 },
      ],
    };
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-CONTAINER')).toEqual([
      { ...common, target: { j: 'REDIRECT', toPorts: port } },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-HOST')).toEqual([
      { ...common, target: { j: 'DNAT', to: `192.168.100.11:${port}` } },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-NODEPORT-CONTAINER')).toEqual([]);
    expect(chainRules(tables, 'nat', 'KUBE-NODEPORT-HOST')).toEqual([]);
    expect(chainRules(tables, 'filter', 'KUBE-NODEPORT-NON-LOCAL')).toEqual([]);
  });

  it('a NodePort service: portal rules, NodePort rules without -d, and the NEW-state ACCEPT', () => {
    const web = svc({ type: 'NodePort', nodePort: 30080, endpoints: [ep('10.244.1.5')] });
    const { tables, proxyPorts } = new UserspaceProxier(new Rng(7)).sync(input(web));
    const port = proxyPorts.get('default/web/tcp') as number;
    const comment = { m: 'comment', comment: 'default/web' };
    const portal = {
      proto: 'tcp',
      dst: { cidr: '10.96.100.1/32' },
      matches: [comment, { m: 'tcp', dport: 80 }],
    };
    const nodePort = { proto: 'tcp', matches: [comment, { m: 'tcp', dport: 30080 }] };
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-CONTAINER')).toEqual([
      { ...portal, target: { j: 'REDIRECT', toPorts: port } },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-HOST')).toEqual([
      { ...portal, target: { j: 'DNAT', to: `192.168.100.11:${port}` } },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-NODEPORT-CONTAINER')).toEqual([
      { ...nodePort, target: { j: 'REDIRECT', toPorts: port } },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-NODEPORT-HOST')).toEqual([
      { ...nodePort, target: { j: 'DNAT', to: `192.168.100.11:${port}` } },
    ]);
    expect(chainRules(tables, 'filter', 'KUBE-NODEPORT-NON-LOCAL')).toEqual([
      {
        proto: 'tcp',
        matches: [comment, { m: 'tcp', dport: port }, { m: 'state', state: ['NEW'] }],
        target: { j: 'ACCEPT' },
      },
    ]);
  });

  it('externalIPs get the physdev and dst-type LOCAL rules, LoadBalancer IPs rules like a cluster IP', () => {
    const lb = svc({
      type: 'LoadBalancer',
      protocol: 'udp',
      port: 53,
      nodePort: 31000,
      externalIPs: ['192.168.100.50'],
      loadBalancerIPs: ['203.0.113.10'],
    });
    const { tables, proxyPorts } = new UserspaceProxier(new Rng(3)).sync(input(lb));
    const port = proxyPorts.get('default/web/udp') as number;
    const m = (ip: string, extra: 'local' | 'physdev' | '') => ({
      proto: 'udp',
      dst: { cidr: `${ip}/32` },
      matches: [
        { m: 'comment', comment: 'default/web' },
        { m: 'udp', dport: 53 },
        ...(extra === 'local' ? [{ m: 'addrtype', dstType: 'LOCAL' }] : []),
        ...(extra === 'physdev' ? [{ m: 'physdev', isIn: true, negate: true }] : []),
      ],
    });
    const redirect = { j: 'REDIRECT', toPorts: port };
    const dnat = { j: 'DNAT', to: `192.168.100.11:${port}` };
    // openOnePortal(isExternal): container portal from off the node, then from a pod to a local
    // address; the host portal for a local address only.
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-CONTAINER')).toEqual([
      { ...m('10.96.100.1', ''), target: redirect },
      { ...m('192.168.100.50', 'physdev'), target: redirect },
      { ...m('192.168.100.50', 'local'), target: redirect },
      { ...m('203.0.113.10', ''), target: redirect },
    ]);
    expect(chainRules(tables, 'nat', 'KUBE-PORTALS-HOST')).toEqual([
      { ...m('10.96.100.1', ''), target: dnat },
      { ...m('192.168.100.50', 'local'), target: dnat },
      { ...m('203.0.113.10', ''), target: dnat },
    ]);
    // As iptables-save prints them: the matches in the order iptablesCommonPortalArgs gives them.
    const saved = chainRules(tables, 'nat', 'KUBE-PORTALS-CONTAINER').map((r) =>
      saveRule('KUBE-PORTALS-CONTAINER', r),
    );
    expect(saved.slice(1, 3)).toEqual([
      `-A KUBE-PORTALS-CONTAINER -d 192.168.100.50/32 -p udp -m comment --comment "default/web" -m udp --dport 53 -m physdev ! --physdev-is-in -j REDIRECT --to-ports ${port}`,
      `-A KUBE-PORTALS-CONTAINER -d 192.168.100.50/32 -p udp -m comment --comment "default/web" -m udp --dport 53 -m addrtype --dst-type LOCAL -j REDIRECT --to-ports ${port}`,
    ]);
  });
});

describe('UserspaceProxier proxy ports', () => {
  it('allocates an ephemeral port per service port, stable while the service exists', () => {
    const p = new UserspaceProxier(new Rng(1));
    const web = svc({ endpoints: [ep('10.244.1.5')] });
    const first = p.sync(input(KUBERNETES, web)).proxyPorts;
    expect([...first.keys()]).toEqual(['default/kubernetes:https/tcp', 'default/web/tcp']);
    for (const port of first.values()) {
      expect(port).toBeGreaterThanOrEqual(EPHEMERAL_PORT_MIN);
      expect(port).toBeLessThanOrEqual(EPHEMERAL_PORT_MAX);
    }
    expect(new Set(first.values()).size).toBe(2);

    // Endpoints change, another service comes: the existing ports stay.
    const web2 = svc({ endpoints: [ep('10.244.1.5'), ep('10.244.1.6')] });
    const dns = svc({ name: 'dns', svcPortName: 'default/dns', clusterIP: '10.96.100.2' });
    const second = p.sync(input(KUBERNETES, web2, dns)).proxyPorts;
    expect(second.get('default/kubernetes:https/tcp')).toBe(
      first.get('default/kubernetes:https/tcp'),
    );
    expect(second.get('default/web/tcp')).toBe(first.get('default/web/tcp'));
    expect(second.size).toBe(3);

    // The service goes: its port is released, its rules are gone.
    const third = p.sync(input(KUBERNETES, dns));
    expect([...third.proxyPorts.keys()]).toEqual([
      'default/kubernetes:https/tcp',
      'default/dns/tcp',
    ]);
    expect(p.serviceForProxyPort(first.get('default/web/tcp') as number)).toBe(undefined);
    expect(
      chainRules(third.tables, 'nat', 'KUBE-PORTALS-CONTAINER').map((r) => r.dst?.cidr),
    ).toEqual(['10.96.0.1/32', '10.96.100.2/32']);
  });

  it('reopens a portal whose configuration changed: new port, rules appended last', () => {
    const p = new UserspaceProxier(new Rng(5));
    const web = svc();
    const before = p.sync(input(web, KUBERNETES)).proxyPorts.get('default/web/tcp');
    const moved = svc({ clusterIP: '10.96.100.9' });
    const after = p.sync(input(moved, KUBERNETES));
    const port = after.proxyPorts.get('default/web/tcp');
    expect(port).not.toBe(before);
    expect(p.serviceForProxyPort(port as number)).toBe('default/web/tcp');
    expect(
      chainRules(after.tables, 'nat', 'KUBE-PORTALS-CONTAINER').map((r) => r.dst?.cidr),
    ).toEqual(['10.96.0.1/32', '10.96.100.9/32']);
  });

  it('keeps an open portal’s rule objects across syncs (their counters survive)', () => {
    const p = new UserspaceProxier(new Rng(1));
    const a = p.sync(input(KUBERNETES, svc())).tables;
    const b = p.sync(input(KUBERNETES, svc({ endpoints: [ep('10.244.1.5')] }))).tables;
    const rules = (t: Tables) => chainRules(t, 'nat', 'KUBE-PORTALS-CONTAINER');
    expect(rules(b)[0]).toBe(rules(a)[0]);
    expect(rules(b)[1]).toBe(rules(a)[1]);
    expect(chainRules(b, 'nat', 'PREROUTING')[0]).toBe(chainRules(a, 'nat', 'PREROUTING')[0]);
    // A reopened portal writes new rules.
    const c = p.sync(input(KUBERNETES, svc({ port: 8080 }))).tables;
    expect(rules(c)[0]).toBe(rules(a)[0]);
    expect(rules(c)[1]).not.toBe(rules(a)[1]);
  });

  it('is deterministic for a seed', () => {
    const ports = (seed: number) => [
      ...new UserspaceProxier(new Rng(seed)).sync(input(KUBERNETES)).proxyPorts.values(),
    ];
    expect(ports(11)).toEqual(ports(11));
    expect(servicePortKey(KUBERNETES)).toBe('default/kubernetes:https/tcp');
  });
});

describe('UserspaceProxier load balancer (roundrobin.go)', () => {
  const KEY = 'default/web/tcp';
  const three = svc({ endpoints: [ep('10.244.1.5'), ep('10.244.2.7'), ep('10.244.1.6')] });

  it('round-robins over the shuffled ready endpoints', () => {
    const p = new UserspaceProxier(new Rng(2));
    p.sync(input(three));
    // Seed 2's shuffle of the three (given in another order, kept sorted before shuffling).
    const order = ['10.244.2.7:8080', '10.244.1.5:8080', '10.244.1.6:8080'];
    expect(p.balancerState(KEY)).toEqual({
      endpoints: order.map((s) => expect.objectContaining({ ip: s.split(':')[0], port: 8080 })),
      index: 0,
    });
    const picks = Array.from({ length: 7 }, (_, i) =>
      endpointString(p.nextEndpoint(KEY, `10.244.0.${i + 10}`, 0) as ProxyEndpoint),
    );
    expect(picks).toEqual([...order, ...order, order[0]]);
    expect(p.balancerState(KEY)?.index).toBe(1);
  });

  it('reshuffles and restarts at index 0 when the set changes, not when it stays', () => {
    const p = new UserspaceProxier(new Rng(2));
    p.sync(input(three));
    p.nextEndpoint(KEY, '10.244.0.10', 0);
    const before = p.balancerState(KEY);
    expect(before?.index).toBe(1);
    // Same set, other input order, plus a not-ready endpoint: nothing changes.
    const same = svc({
      endpoints: [
        ep('10.244.2.7'),
        ep('10.244.1.6'),
        ep('10.244.1.5'),
        ep('10.244.1.9', { ready: false }),
      ],
    });
    p.sync(input(same));
    expect(p.balancerState(KEY)?.index).toBe(1);
    expect(p.balancerState(KEY)?.endpoints.map(endpointString)).toEqual(
      before?.endpoints.map(endpointString),
    );
    // A fourth ready endpoint: a new shuffled list, index 0.
    const four = svc({ endpoints: [...three.endpoints, ep('10.244.1.9')] });
    p.sync(input(four));
    expect(p.balancerState(KEY)?.index).toBe(0);
    expect(p.balancerState(KEY)?.endpoints.map(endpointString).sort()).toEqual([
      '10.244.1.5:8080',
      '10.244.1.6:8080',
      '10.244.1.9:8080',
      '10.244.2.7:8080',
    ]);
    // No ready endpoint left: the balancer is reset.
    p.sync(input(svc({ endpoints: [ep('10.244.1.5', { ready: false })] })));
    expect(p.balancerState(KEY)).toEqual({ endpoints: [], index: 0 });
    expect(p.nextEndpoint(KEY, '10.244.0.10', 0)).toBe(undefined);
  });

  it('keeps a client on its endpoint for the affinity timeout (whole seconds)', () => {
    const sticky = svc({ ...three, affinitySeconds: 10800 });
    const p = new UserspaceProxier(new Rng(3));
    p.sync(input(sticky));
    const order = (p.balancerState(KEY)?.endpoints ?? []).map(endpointString);
    const next = (client: string, now: number) =>
      endpointString(p.nextEndpoint(KEY, client, now) as ProxyEndpoint);
    expect(next('10.244.0.10', 0)).toBe(order[0]);
    expect(next('10.244.0.11', 0)).toBe(order[1]);
    expect(next('10.244.0.10', 5_000)).toBe(order[0]);
    // 10799.999 s after the last use: int(10799.999) = 10799 < 10800, still stuck.
    expect(next('10.244.0.10', 5_000 + 10_799_999)).toBe(order[0]);
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe(order[0]);
    // 10800 whole seconds after the last use: expired, the round robin's next, and stuck to it.
    expect(next('10.244.0.10', 5_000 + 10_799_999 + 10_800_000)).toBe(order[2]);
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe(order[2]);
  });

  it('forgets affinity to a removed endpoint, and stale records on sync', () => {
    const sticky = svc({ ...three, affinitySeconds: 60 });
    const p = new UserspaceProxier(new Rng(4));
    p.sync(input(sticky));
    const a = p.nextEndpoint(KEY, '10.244.0.10', 0) as ProxyEndpoint;
    p.sync(input(svc({ ...sticky, endpoints: three.endpoints.filter((e) => e.ip !== a.ip) })));
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe(undefined);
    const b = p.nextEndpoint(KEY, '10.244.0.10', 0) as ProxyEndpoint;
    p.sync(
      input(svc({ ...sticky, endpoints: three.endpoints.filter((e) => e.ip !== a.ip) })),
      59_999,
    );
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe(endpointString(b));
    p.sync(
      input(svc({ ...sticky, endpoints: three.endpoints.filter((e) => e.ip !== a.ip) })),
      60_000,
    );
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe(undefined);
  });
});

describe('UserspaceProxier.tryConnectEndpoints (proxysocket.go)', () => {
  const KEY = 'default/web/tcp';
  const behaviour: Record<string, DialOutcome> = {
    '10.244.1.5': 'refused',
    '10.244.2.7': 'timeout',
    '10.244.1.6': 'ok',
  };
  const dial = (e: ProxyEndpoint): DialOutcome => behaviour[e.ip] ?? 'ok';

  /** A proxier whose next endpoint is `first`. */
  function proxierAt(service: ServicePortInfo, first: string): UserspaceProxier {
    const p = new UserspaceProxier(new Rng(9));
    p.sync(input(service));
    for (
      let i = 0;
      i < 4 && p.balancerState(KEY)?.endpoints[p.balancerState(KEY)?.index ?? 0]?.ip !== first;
      i++
    ) {
      p.nextEndpoint(KEY, '10.244.9.9', 0);
    }
    return p;
  }

  it.each([
    {
      name: 'refusing first: 250 ms refused (0 ms), 500 ms timeout, 1 s refused, 2 s timeout',
      first: '10.244.1.5',
      expected: [
        ['10.244.1.5', 250, 'refused', 1_000, 0],
        ['10.244.2.7', 500, 'timeout', 1_000, 500],
        ['10.244.1.5', 1_000, 'refused', 1_500, 0],
        ['10.244.2.7', 2_000, 'timeout', 1_500, 2_000],
      ],
      elapsed: 2_500,
    },
    {
      name: 'timing out first: 250 ms timeout, 500 ms refused, 1 s timeout, 2 s refused',
      first: '10.244.2.7',
      expected: [
        ['10.244.2.7', 250, 'timeout', 1_000, 250],
        ['10.244.1.5', 500, 'refused', 1_250, 0],
        ['10.244.2.7', 1_000, 'timeout', 1_250, 1_000],
        ['10.244.1.5', 2_000, 'refused', 2_250, 0],
      ],
      elapsed: 1_250,
    },
  ])('gives up after four dials — $name', ({ first, expected, elapsed }) => {
    const bad = svc({ endpoints: [ep('10.244.1.5'), ep('10.244.2.7')] });
    const p = proxierAt(bad, first);
    const r = p.tryConnectEndpoints(KEY, '10.244.0.10', 1_000, dial);
    expect(
      r.attempts.map((a) => [a.endpoint.ip, a.timeoutMs, a.outcome, a.startedAt, a.tookMs]),
    ).toEqual(expected);
    expect(r.error).toBe(ERR_FAILED_TO_CONNECT);
    expect(r.endpoint).toBe(undefined);
    expect(r.elapsedMs).toBe(elapsed);
  });

  it('connects to the third endpoint after a refusal and a timeout', () => {
    const p = new UserspaceProxier(new Rng(9));
    p.sync(input(svc({ endpoints: [ep('10.244.1.5'), ep('10.244.2.7'), ep('10.244.1.6')] })));
    const order = (p.balancerState(KEY)?.endpoints ?? []).map((e) => e.ip);
    const r = p.tryConnectEndpoints(KEY, '10.244.0.10', 0, dial);
    const okAt = order.indexOf('10.244.1.6');
    expect(r.attempts.map((a) => a.endpoint.ip)).toEqual(order.slice(0, okAt + 1));
    expect(r.attempts.map((a) => a.timeoutMs)).toEqual([250, 500, 1_000].slice(0, okAt + 1));
    expect(r.endpoint?.ip).toBe('10.244.1.6');
    expect(r.error).toBe(undefined);
    const timedOut = r.attempts.find((a) => a.outcome === 'timeout');
    expect(r.elapsedMs).toBe(timedOut ? timedOut.timeoutMs : 0);
  });

  it('ignores affinity after a failed dial and sticks the client to the one that answered', () => {
    const sticky = svc({
      endpoints: [ep('10.244.1.5'), ep('10.244.1.6')],
      affinitySeconds: 10800,
    });
    const p = proxierAt(sticky, '10.244.1.5');
    // The client gets stuck to 10.244.1.5 while it works.
    expect(p.tryConnectEndpoints(KEY, '10.244.0.10', 0, () => 'ok').endpoint?.ip).toBe(
      '10.244.1.5',
    );
    // Now it refuses: the retry ignores affinity and takes the round robin's next.
    const r = p.tryConnectEndpoints(KEY, '10.244.0.10', 1_000, dial);
    expect(r.attempts.map((a) => [a.endpoint.ip, a.outcome])).toEqual([
      ['10.244.1.5', 'refused'],
      ['10.244.1.6', 'ok'],
    ]);
    expect(p.affinityOf(KEY, '10.244.0.10')).toBe('10.244.1.6:8080');
  });

  it.each([
    { name: 'no ready endpoint', key: KEY, error: ERR_MISSING_ENDPOINTS },
    { name: 'unknown service port', key: 'default/nope/tcp', error: ERR_MISSING_SERVICE_ENTRY },
  ])('closes the connection at once: $name', ({ key, error }) => {
    const p = new UserspaceProxier(new Rng(1));
    p.sync(input(svc({ endpoints: [ep('10.244.1.5', { ready: false })] })));
    const r = p.tryConnectEndpoints(key, '10.244.0.10', 0, dial);
    expect(r).toEqual({ attempts: [], error, elapsedMs: 0 });
  });
});
