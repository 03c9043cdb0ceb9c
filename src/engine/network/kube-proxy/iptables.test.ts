import { describe, expect, it } from 'vitest';
import type { ProxyEndpoint, ProxyInput, ServicePortInfo, TableName, Tables } from '../model';
import { iptablesSave, saveRule } from '../netfilter/iptables-save';
import { categorizeEndpoints, IptablesProxier, syncProxyRules } from './iptables';

/** A service port with upstream-test-like defaults (ClusterIP, port p80 80/TCP). */
function svc(ns: string, name: string, o: Partial<ServicePortInfo> = {}): ServicePortInfo {
  const portName = o.portName ?? 'p80';
  return {
    namespace: ns,
    name,
    portName,
    svcPortName: portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`,
    protocol: 'tcp',
    type: 'ClusterIP',
    clusterIP: '172.30.0.1',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    ...o,
  };
}

function ep(ip: string, node: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return { ip, port: 80, ready: true, serving: true, terminating: false, nodeName: node, ...o };
}

/** The upstream test's node: cluster CIDR 10.0.0.0/8 for the local-traffic detector. */
function input(services: ServicePortInfo[]): ProxyInput {
  return {
    node: { name: 'node1', ip: '192.168.0.2', podCIDR: '10.0.1.0/24' },
    clusterCIDR: '10.0.0.0/8',
    services,
  };
}

/** Every rule of a table as iptables-save prints it. */
function lines(tables: Tables, table: TableName): string[] {
  return iptablesSave(tables, undefined, { table, date: 'X' })
    .split('\n')
    .filter((l) => l.startsWith('-A '));
}

function chainLines(tables: Tables, table: TableName, chain: string): string[] {
  return (tables[table].chains.get(chain)?.rules ?? []).map((r) => saveRule(chain, r));
}

describe('syncProxyRules: the upstream TestOverallIPTablesRules services (§1.6)', () => {
  const tables = syncProxyRules(
    input([
      svc('ns1', 'svc1', { clusterIP: '172.30.0.41', endpoints: [ep('10.180.0.1', 'node2')] }),
      svc('ns4', 'svc4', {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
        endpoints: [ep('10.180.0.4', 'node2'), ep('10.180.0.5', 'node1')],
      }),
      svc('ns5', 'svc5', {
        type: 'LoadBalancer',
        clusterIP: '172.30.0.45',
        nodePort: 3002,
        loadBalancerIPs: ['5.6.7.8'],
        loadBalancerSourceRanges: ['203.0.113.0/25'],
        affinitySeconds: 10800,
        endpoints: [ep('10.180.0.3', 'node2')],
      }),
      svc('ns6', 'svc6', { clusterIP: '172.30.0.46' }),
    ]),
  );
  const nat = lines(tables, 'nat');

  it('captures the cluster IP and the external IP', () => {
    expect(chainLines(tables, 'nat', 'KUBE-SERVICES')).toEqual([
      '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
      '-A KUBE-SERVICES -d 172.30.0.44/32 -p tcp -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK',
      '-A KUBE-SERVICES -d 192.168.99.33/32 -p tcp -m comment --comment "ns4/svc4:p80 external IP" -m tcp --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK',
      '-A KUBE-SERVICES -d 172.30.0.45/32 -p tcp -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C',
      '-A KUBE-SERVICES -d 5.6.7.8/32 -p tcp -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C',
      '-A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    ]);
  });

  it('writes KUBE-EXT, KUBE-SVC and KUBE-SEP for svc4 as upstream does', () => {
    for (const line of [
      '-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ',
      '-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK',
      '-A KUBE-SVC-4SW47YFZTEDKD3PK ! -s 10.0.0.0/8 -d 172.30.0.44/32 -p tcp -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC',
      '-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ',
      '-A KUBE-SEP-UKSFD7AGPMPPLUHC -s 10.180.0.4/32 -m comment --comment "ns4/svc4:p80" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-UKSFD7AGPMPPLUHC -p tcp -m comment --comment "ns4/svc4:p80" -m tcp -j DNAT --to-destination 10.180.0.4:80',
    ]) {
      expect(nat).toContain(line);
    }
  });

  it('writes the firewall chain and the affinity rules of svc5', () => {
    expect(chainLines(tables, 'nat', 'KUBE-FW-NUKIZ6OKUXPJNT4C')).toEqual([
      '-A KUBE-FW-NUKIZ6OKUXPJNT4C -s 203.0.113.0/25 -m comment --comment "ns5/svc5:p80 loadbalancer IP" -j KUBE-EXT-NUKIZ6OKUXPJNT4C',
      '-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"',
    ]);
    expect(chainLines(tables, 'nat', 'KUBE-SVC-NUKIZ6OKUXPJNT4C')).toEqual([
      '-A KUBE-SVC-NUKIZ6OKUXPJNT4C ! -s 10.0.0.0/8 -d 172.30.0.45/32 -p tcp -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -j KUBE-SEP-I77PXRDZVX7PMWMN',
      '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN',
    ]);
    expect(chainLines(tables, 'nat', 'KUBE-SEP-I77PXRDZVX7PMWMN')).toEqual([
      '-A KUBE-SEP-I77PXRDZVX7PMWMN -s 10.180.0.3/32 -m comment --comment "ns5/svc5:p80" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-I77PXRDZVX7PMWMN -p tcp -m comment --comment "ns5/svc5:p80" -m recent --set --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.3:80',
    ]);
    expect(chainLines(tables, 'nat', 'KUBE-NODEPORTS')).toEqual([
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "ns5/svc5:p80" -m tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C',
    ]);
    expect(chainLines(tables, 'filter', 'KUBE-PROXY-FIREWALL')).toEqual([
      '-A KUBE-PROXY-FIREWALL -d 5.6.7.8/32 -p tcp -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp --dport 80 -j DROP',
    ]);
  });

  it('rejects traffic to svc6, which has no endpoints, in the filter table', () => {
    expect(chainLines(tables, 'filter', 'KUBE-SERVICES')).toEqual([
      '-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    ]);
    expect(nat.some((l) => l.includes('ns6/svc6'))).toBe(false);
  });

  it('writes the fixed chains: KUBE-POSTROUTING, KUBE-MARK-MASQ, KUBE-FORWARD', () => {
    expect(chainLines(tables, 'nat', 'KUBE-POSTROUTING')).toEqual([
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]);
    expect(chainLines(tables, 'nat', 'KUBE-MARK-MASQ')).toEqual([
      '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    ]);
    expect(chainLines(tables, 'filter', 'KUBE-FORWARD')).toEqual([
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ]);
  });

  it('prepends the jump rules to the built-in chains, after the kubelet’s KUBE-FIREWALL', () => {
    expect(chainLines(tables, 'filter', 'INPUT')).toEqual([
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
      '-A INPUT -j KUBE-FIREWALL',
    ]);
    expect(chainLines(tables, 'nat', 'PREROUTING')).toEqual([
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ]);
    expect(chainLines(tables, 'nat', 'POSTROUTING')).toEqual([
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    ]);
  });

  it('creates KUBE-PROXY-CANARY in mangle, nat and filter', () => {
    for (const t of ['mangle', 'nat', 'filter'] as const) {
      expect(tables[t].chains.get('KUBE-PROXY-CANARY')?.rules).toEqual([]);
    }
  });
});

describe('traffic policies and endpoint selection', () => {
  const np = (o: Partial<ServicePortInfo>) =>
    svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.7.7', nodePort: 30080, ...o });

  it('externalTrafficPolicy Local with a local endpoint: KUBE-EXT short-circuits, then KUBE-SVL', () => {
    const t = syncProxyRules(
      input([
        np({
          externalPolicyLocal: true,
          endpoints: [ep('10.0.1.5', 'node1'), ep('10.0.2.5', 'node2')],
        }),
      ]),
    );
    expect(chainLines(t, 'nat', 'KUBE-EXT-4HWD6WD2BXF6N7ZC')).toEqual([
      '-A KUBE-EXT-4HWD6WD2BXF6N7ZC -s 10.0.0.0/8 -m comment --comment "pod traffic for default/web:p80 external destinations" -j KUBE-SVC-4HWD6WD2BXF6N7ZC',
      '-A KUBE-EXT-4HWD6WD2BXF6N7ZC -m comment --comment "masquerade LOCAL traffic for default/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
      '-A KUBE-EXT-4HWD6WD2BXF6N7ZC -m comment --comment "route LOCAL traffic for default/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-4HWD6WD2BXF6N7ZC',
      '-A KUBE-EXT-4HWD6WD2BXF6N7ZC -j KUBE-SVL-4HWD6WD2BXF6N7ZC',
    ]);
    // KUBE-SVL has only the local endpoint and no masquerade rule (the internal policy is Cluster).
    expect(chainLines(t, 'nat', 'KUBE-SVL-4HWD6WD2BXF6N7ZC')).toEqual([
      '-A KUBE-SVL-4HWD6WD2BXF6N7ZC -m comment --comment "default/web:p80 -> 10.0.1.5:80" -j KUBE-SEP-AP72PCBMWYU62YB6',
    ]);
    expect(chainLines(t, 'nat', 'KUBE-SVC-4HWD6WD2BXF6N7ZC')).toHaveLength(3);
    expect(chainLines(t, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([]);
  });

  it('externalTrafficPolicy Local without a local endpoint: DROP in KUBE-EXTERNAL-SERVICES', () => {
    const t = syncProxyRules(
      input([np({ externalPolicyLocal: true, endpoints: [ep('10.0.2.5', 'node2')] })]),
    );
    expect(chainLines(t, 'nat', 'KUBE-EXT-4HWD6WD2BXF6N7ZC')).toHaveLength(3);
    expect(t.nat.chains.has('KUBE-SVL-4HWD6WD2BXF6N7ZC')).toBe(false);
    expect(chainLines(t, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([
      '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP',
    ]);
    // The cluster IP still works (internal policy Cluster).
    expect(chainLines(t, 'nat', 'KUBE-SERVICES')[0]).toContain('-j KUBE-SVC-4HWD6WD2BXF6N7ZC');
  });

  it('internalTrafficPolicy Local without a local endpoint: DROP the cluster IP in filter', () => {
    const t = syncProxyRules(
      input([
        svc('default', 'web', {
          clusterIP: '10.96.7.7',
          internalPolicyLocal: true,
          endpoints: [ep('10.0.2.5', 'node2')],
        }),
      ]),
    );
    expect(chainLines(t, 'filter', 'KUBE-SERVICES')).toEqual([
      '-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "default/web:p80 has no local endpoints" -m tcp --dport 80 -j DROP',
    ]);
    expect(chainLines(t, 'nat', 'KUBE-SERVICES')).toHaveLength(1); // only the nodeports rule
  });

  it('uses only ready endpoints, falling back to serving+terminating ones (§3)', () => {
    const s = svc('default', 'web', {
      endpoints: [
        ep('10.0.1.5', 'node1', { ready: false, serving: true, terminating: true }),
        ep('10.0.2.5', 'node2', { ready: false, serving: false, terminating: true }),
        ep('10.0.2.6', 'node2', { ready: false, serving: false, terminating: false }),
      ],
    });
    expect(categorizeEndpoints(s, 'node1').cluster.map((e) => e.ip)).toEqual(['10.0.1.5']);
    const withReady = { ...s, endpoints: [...s.endpoints, ep('10.0.2.7', 'node2')] };
    expect(categorizeEndpoints(withReady, 'node1').cluster.map((e) => e.ip)).toEqual(['10.0.2.7']);
    const none = { ...s, endpoints: s.endpoints.slice(1) };
    expect(categorizeEndpoints(none, 'node1').hasAnyEndpoints).toBe(false);
  });

  it('picks endpoint i of n with probability 1/(n−i), endpoints in ip:port string order', () => {
    const eps = ['10.0.1.2', '10.0.1.10', '10.0.1.3', '10.0.1.4'].map((ip) => ep(ip, 'node2'));
    // The input is already sorted by buildProxyInput; here, in the order given.
    const sorted = [...eps].sort((a, b) => (`${a.ip}:80` < `${b.ip}:80` ? -1 : 1));
    const t = syncProxyRules(input([svc('default', 'web', { endpoints: sorted })]));
    const rules = chainLines(t, 'nat', 'KUBE-SVC-4HWD6WD2BXF6N7ZC').slice(1);
    expect(
      rules.map((l) =>
        /-> (\S+)" (?:-m statistic --mode random --probability (\S+))?/.exec(l)?.slice(1),
      ),
    ).toEqual([
      ['10.0.1.10:80', '0.25000000000'],
      ['10.0.1.2:80', '0.33333333349'],
      ['10.0.1.3:80', '0.50000000000'],
      ['10.0.1.4:80', undefined],
    ]);
  });

  it('drops the per-endpoint comments above 1000 endpoints (large-cluster mode)', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`, 'node2'));
    const t = syncProxyRules(input([svc('default', 'web', { endpoints: many })]));
    const svcRules = chainLines(t, 'nat', 'KUBE-SVC-4HWD6WD2BXF6N7ZC');
    expect(svcRules[1]).toBe(
      '-A KUBE-SVC-4HWD6WD2BXF6N7ZC -m statistic --mode random --probability 0.00099900085 -j KUBE-SEP-4CDWCTN4CWTSC5WI',
    );
    expect(chainLines(t, 'nat', 'KUBE-SEP-4CDWCTN4CWTSC5WI')).toEqual([
      '-A KUBE-SEP-4CDWCTN4CWTSC5WI -s 10.1.0.0/32 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-4CDWCTN4CWTSC5WI -p tcp -m tcp -j DNAT --to-destination 10.1.0.0:80',
    ]);
    // The capture and masquerade rules keep theirs.
    expect(svcRules[0]).toContain('--comment "default/web:p80 cluster IP"');
  });

  it('lets the node’s own LB traffic through the firewall when a source range contains it', () => {
    const t = syncProxyRules(
      input([
        svc('default', 'lb', {
          type: 'LoadBalancer',
          loadBalancerIPs: ['203.0.113.10'],
          loadBalancerSourceRanges: ['192.168.0.0/24'],
          endpoints: [ep('10.0.2.5', 'node2')],
        }),
      ]),
    );
    const fw = [...t.nat.chains.keys()].find((c) => c.startsWith('KUBE-FW-'))!;
    expect(chainLines(t, 'nat', fw).map((l) => l.split(' -m ')[0])).toEqual([
      `-A ${fw} -s 192.168.0.0/24`,
      `-A ${fw} -s 203.0.113.10/32`,
      `-A ${fw}`,
    ]);
  });

  it('accepts the health check node port in the filter KUBE-NODEPORTS', () => {
    const t = syncProxyRules(
      input([np({ type: 'LoadBalancer', externalPolicyLocal: true, healthCheckNodePort: 32000 })]),
    );
    expect(chainLines(t, 'filter', 'KUBE-NODEPORTS')).toEqual([
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:p80 health check node port" -m tcp --dport 32000 -j ACCEPT',
    ]);
  });
});

describe('IptablesProxier partial syncs', () => {
  const a = svc('default', 'a', { clusterIP: '10.96.1.1', endpoints: [ep('10.0.1.2', 'node1')] });
  const b = svc('default', 'b', { clusterIP: '10.96.1.2', endpoints: [ep('10.0.2.2', 'node2')] });

  it('rewrites only the changed service port; the others keep their chain and rule objects', () => {
    const p = new IptablesProxier();
    const first = p.sync(input([a, b]));
    expect(first.changedServices).toBe(2);
    const nat = first.tables.nat.chains;
    const bSvc = nat.get('KUBE-SVC-2GFPMSTK3DFOZZMN');
    const aSvc = nat.get('KUBE-SVC-JMNMVP4Y7WA2EPEE');
    expect(bSvc).toBeDefined();
    expect(aSvc).toBeDefined();
    const prerouting = nat.get('PREROUTING')!.rules[0];

    // Nothing changed: nothing rewritten but the top-level chains.
    expect(p.sync(input([{ ...a }, b])).changedServices).toBe(0);
    expect(nat.get('KUBE-SVC-JMNMVP4Y7WA2EPEE')).toBe(aSvc);

    const a2 = { ...a, endpoints: [...a.endpoints, ep('10.0.1.3', 'node1')] };
    const second = p.sync(input([a2, b]));
    expect(second.tables).toBe(first.tables);
    expect(second.changedServices).toBe(1);
    expect(nat.get('KUBE-SVC-2GFPMSTK3DFOZZMN')).toBe(bSvc);
    expect(nat.get('KUBE-SVC-JMNMVP4Y7WA2EPEE')).not.toBe(aSvc);
    expect(nat.get('KUBE-SVC-JMNMVP4Y7WA2EPEE')!.rules).toHaveLength(3);
    expect(nat.get('PREROUTING')!.rules[0]).toBe(prerouting);

    // Removing an endpoint deletes its KUBE-SEP chain; removing a service deletes all of its.
    p.sync(input([a, b]));
    expect([...nat.keys()].filter((c) => c.startsWith('KUBE-SEP-'))).toHaveLength(2);
    p.sync(input([b]));
    expect([...nat.keys()].filter((c) => /^KUBE-(SVC|SEP)-/.test(c))).toEqual([
      'KUBE-SVC-2GFPMSTK3DFOZZMN',
      'KUBE-SEP-FXSO56PX3H544NHC',
    ]);
  });

  it('gives the same tables as a full sync, whatever the history', () => {
    const p = new IptablesProxier();
    p.sync(input([a]));
    p.sync(input([a, b]));
    const partial = p.sync(input([{ ...a, endpoints: [] }, b])).tables;
    const full = syncProxyRules(input([{ ...a, endpoints: [] }, b]));
    for (const t of ['nat', 'filter', 'mangle'] as const) {
      expect(lines(partial, t).sort()).toEqual(lines(full, t).sort());
      expect([...partial[t].chains.keys()].sort()).toEqual([...full[t].chains.keys()].sort());
    }
  });
});
