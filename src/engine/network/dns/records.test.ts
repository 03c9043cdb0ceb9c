/**
 * CoreDNS's answers from the cluster's objects (k8s-reference §5), table-driven over a fixed set
 * of Services and EndpointSlices: every record form, and the name errors.
 */
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import { defaultCorefile, parseCorefile } from './corefile';
import type { DnsMessage, RRType } from './message';
import { wireSize } from './message';
import type { DnsSource } from './records';
import { serveCoreDns } from './records';

const svc = (ns: string, name: string, spec: ServiceSpec): Service => ({
  metadata: { namespace: ns, name },
  spec,
});

const slice = (
  ns: string,
  service: string,
  ports: Array<{ name?: string; port: number; protocol?: string }>,
  endpoints: Array<{ ip: string; ready?: boolean; hostname?: string }>,
): EndpointSlice => ({
  addressType: 'IPv4',
  metadata: {
    namespace: ns,
    name: `${service}-abcde`,
    labels: { 'kubernetes.io/service-name': service },
  },
  ports: ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })),
  endpoints: endpoints.map((e) => ({
    addresses: [e.ip],
    ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
    ...(e.hostname ? { hostname: e.hostname } : {}),
  })),
});

const SERVICES: Service[] = [
  svc('default', 'kubernetes', {
    clusterIP: '10.96.0.1',
    ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
  }),
  svc('kube-system', 'kube-dns', {
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
  }),
  svc('default', 'nginx', { clusterIP: '10.108.100.141', ports: [{ name: 'http', port: 80 }] }),
  svc('default', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
  svc('default', 'empty', { clusterIP: 'None', ports: [{ port: 80 }] }),
  svc('default', 'unnamed', { clusterIP: '10.100.0.7', ports: [{ port: 8080 }] }),
  svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
  svc('default', 'alias', {
    type: 'ExternalName',
    externalName: 'nginx.default.svc.cluster.local',
  }),
  svc('shop', 'cart', { clusterIP: '10.99.1.2', ports: [{ name: 'http', port: 8080 }] }),
];

const SLICES: EndpointSlice[] = [
  slice('default', 'kubernetes', [{ name: 'https', port: 6443 }], [{ ip: '192.168.100.10' }]),
  slice('default', 'nginx', [{ name: 'http', port: 80 }], [{ ip: '10.244.2.5', ready: true }]),
  slice(
    'default',
    'web',
    [{ name: 'http', port: 80 }],
    [
      { ip: '10.244.1.4', ready: true, hostname: 'web-0' },
      { ip: '10.244.2.6', ready: true, hostname: 'web-1' },
      { ip: '10.244.1.9', ready: false, hostname: 'web-2' },
      { ip: '10.244.2.7', ready: true },
    ],
  ),
  slice('default', 'empty', [{ port: 80 }], [{ ip: '10.244.1.8', ready: false }]),
];

const NAMESPACES = new Set(['default', 'kube-system', 'shop']);

const source: DnsSource = {
  namespaceExists: (ns) => NAMESPACES.has(ns),
  service: (ns, name) =>
    SERVICES.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
  services: () => SERVICES,
  endpointSlices: (ns, name) =>
    SLICES.filter(
      (s) =>
        s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === name,
    ),
  allEndpointSlices: () => SLICES,
  podHasIP: (ns, ip) => ns === 'default' && ip === '10.244.2.5',
};

const ask = (name: string, type: RRType, cfg = defaultCorefile()): DnsMessage =>
  serveCoreDns(source, cfg, { name, type }, { serial: 1717401600, nsAddress: '10.96.0.10' });

/** `NOERROR A 10.96.0.1` / `NXDOMAIN` / `NOERROR (none)`: answer records in order. */
const brief = (m: DnsMessage): string =>
  `${m.rcode}${m.aa ? ' aa' : ''} ` +
  (m.answer.length === 0 ? '(none)' : m.answer.map((r) => `${r.type} ${r.data}`).join(' | '));

describe('CoreDNS records (k8s-reference §5)', () => {
  it.each<[string, RRType, string]>([
    // Services: A for the ClusterIP, one per ready endpoint for headless.
    ['kubernetes.default.svc.cluster.local', 'A', 'NOERROR aa A 10.96.0.1'],
    ['nginx.default.svc.cluster.local.', 'A', 'NOERROR aa A 10.108.100.141'],
    ['NGINX.Default.svc.cluster.local', 'A', 'NOERROR aa A 10.108.100.141'],
    ['cart.shop.svc.cluster.local', 'A', 'NOERROR aa A 10.99.1.2'],
    ['web.default.svc.cluster.local', 'A', 'NOERROR aa A 10.244.1.4 | A 10.244.2.6 | A 10.244.2.7'],
    ['empty.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    // Endpoints by hostname (hostname + subdomain) or by dashed IP.
    ['web-0.web.default.svc.cluster.local', 'A', 'NOERROR aa A 10.244.1.4'],
    ['web-2.web.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['10-244-2-7.web.default.svc.cluster.local', 'A', 'NOERROR aa A 10.244.2.7'],
    ['10-244-2-5.nginx.default.svc.cluster.local', 'A', 'NOERROR aa A 10.244.2.5'],
    // SRV for named ports: the service, or each endpoint of a headless one.
    [
      '_http._tcp.nginx.default.svc.cluster.local',
      'SRV',
      'NOERROR aa SRV 0 100 80 nginx.default.svc.cluster.local.',
    ],
    [
      '_dns._udp.kube-dns.kube-system.svc.cluster.local',
      'SRV',
      'NOERROR aa SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.',
    ],
    [
      '_http._tcp.web.default.svc.cluster.local',
      'SRV',
      'NOERROR aa SRV 0 33 80 web-0.web.default.svc.cluster.local. | SRV 0 33 80 web-1.web.default.svc.cluster.local. | SRV 0 33 80 10-244-2-7.web.default.svc.cluster.local.',
    ],
    ['_http._udp.nginx.default.svc.cluster.local', 'SRV', 'NXDOMAIN aa (none)'],
    ['_http._tcp.unnamed.default.svc.cluster.local', 'SRV', 'NXDOMAIN aa (none)'],
    [
      'unnamed.default.svc.cluster.local',
      'SRV',
      'NOERROR aa SRV 0 100 8080 unnamed.default.svc.cluster.local.',
    ],
    // ExternalName: a CNAME, completed upstream or in the cluster.
    ['ext.default.svc.cluster.local', 'A', 'NOERROR aa CNAME example.com. | A 93.184.216.34'],
    ['ext.default.svc.cluster.local', 'CNAME', 'NOERROR aa CNAME example.com.'],
    [
      'alias.default.svc.cluster.local',
      'A',
      'NOERROR aa CNAME nginx.default.svc.cluster.local. | A 10.108.100.141',
    ],
    ['x.ext.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    // PTR: cluster IPs, endpoints (hostname or dashed IP), others upstream.
    ['1.0.96.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR kubernetes.default.svc.cluster.local.'],
    ['10.0.96.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR kube-dns.kube-system.svc.cluster.local.'],
    ['4.1.244.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR web-0.web.default.svc.cluster.local.'],
    ['7.2.244.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR 10-244-2-7.web.default.svc.cluster.local.'],
    [
      '5.2.244.10.in-addr.arpa',
      'PTR',
      'NOERROR aa PTR 10-244-2-5.nginx.default.svc.cluster.local.',
    ],
    ['9.1.244.10.in-addr.arpa', 'PTR', 'NXDOMAIN (none)'],
    ['8.8.8.8.in-addr.arpa', 'PTR', 'NOERROR PTR dns.google.'],
    // Pods (pods insecure): any address in an existing namespace.
    ['10-244-1-5.default.pod.cluster.local', 'A', 'NOERROR aa A 10.244.1.5'],
    ['10-244-1-5.nope.pod.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['10-244-1.default.pod.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    // Names that exist without the type asked: NODATA; names that do not: NXDOMAIN.
    ['nginx.default.svc.cluster.local', 'AAAA', 'NOERROR aa (none)'],
    ['default.svc.cluster.local', 'A', 'NOERROR aa (none)'],
    ['svc.cluster.local', 'A', 'NOERROR aa (none)'],
    ['cluster.local', 'A', 'NOERROR aa (none)'],
    ['nope.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['kubernetes.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['kubernetes.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['kubernetes.default.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    ['a.b.nginx.default.svc.cluster.local', 'A', 'NXDOMAIN aa (none)'],
    // The zone's own records.
    ['dns-version.cluster.local', 'TXT', 'NOERROR aa TXT "1.1.0"'],
    ['ns.dns.cluster.local', 'A', 'NOERROR aa A 10.96.0.10'],
    [
      'cluster.local',
      'SOA',
      'NOERROR aa SOA ns.dns.cluster.local. hostmaster.cluster.local. 1717401600 7200 1800 86400 30',
    ],
    // Everything else: forward . /etc/resolv.conf, to the simulated internet.
    ['example.com', 'A', 'NOERROR A 93.184.216.34'],
    ['www.kubernetes.io', 'A', 'NOERROR CNAME kubernetes.io. | A 147.75.40.148'],
    ['nowhere.example', 'A', 'NXDOMAIN (none)'],
    ['kubernetes', 'A', 'NXDOMAIN (none)'],
  ])('%s %s → %s', (name, type, expected) => {
    expect(brief(ask(name, type))).toBe(expected);
  });

  it('name errors and NODATA carry the zone SOA; forwarded answers are not authoritative', () => {
    const nx = ask('nope.default.svc.cluster.local', 'A');
    expect(nx.authority).toEqual([
      {
        name: 'cluster.local.',
        ttl: 30,
        type: 'SOA',
        data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1717401600 7200 1800 86400 30',
      },
    ]);
    expect(ask('nginx.default.svc.cluster.local', 'AAAA').authority).toHaveLength(1);
    const fwd = ask('example.com', 'A');
    expect([fwd.aa, fwd.ra, fwd.source]).toEqual([false, true, 'forward']);
  });

  it('SRV answers list the targets’ addresses as additionals', () => {
    expect(ask('_http._tcp.web.default.svc.cluster.local', 'SRV').additional).toEqual([
      { name: 'web-0.web.default.svc.cluster.local.', ttl: 30, type: 'A', data: '10.244.1.4' },
      { name: 'web-1.web.default.svc.cluster.local.', ttl: 30, type: 'A', data: '10.244.2.6' },
      { name: '10-244-2-7.web.default.svc.cluster.local.', ttl: 30, type: 'A', data: '10.244.2.7' },
    ]);
  });

  it('the size on the wire: CoreDNS does not compress, upstream resolvers do (dig MSG SIZE)', () => {
    // A real cluster: `dig kubernetes.default.svc.cluster.local` → `MSG SIZE  rcvd: 117`.
    expect(wireSize(ask('kubernetes.default.svc.cluster.local', 'A'), true, false)).toBe(117);
    expect(wireSize(ask('kubernetes.default.svc.cluster.local', 'A'), true, true)).toBe(81);
  });

  it('loadbalance shuffles address records with the random source it is given', () => {
    const order = (seq: number[]): string => {
      let i = 0;
      const m = serveCoreDns(
        source,
        defaultCorefile(),
        { name: 'web.default.svc.cluster.local', type: 'A' },
        { serial: 1, random: () => seq[i++ % seq.length] as number },
      );
      return m.answer.map((r) => r.data).join(' ');
    };
    expect(order([0])).toBe('10.244.1.4 10.244.2.6 10.244.2.7');
    expect(order([1, 1, 0])).toBe('10.244.2.6 10.244.2.7 10.244.1.4');
  });
});

describe('the Corefile decides', () => {
  const KUBEADM = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

  it("kubeadm's Corefile parses to the defaults", () => {
    expect(parseCorefile(KUBEADM)).toEqual(defaultCorefile());
  });

  it('another cluster domain, no pod records, the default TTL', () => {
    const cfg = parseCorefile(
      '.:53 {\n  kubernetes k8s.example in-addr.arpa\n  forward . 8.8.8.8\n}\n',
    );
    expect(cfg?.kubernetes).toEqual({
      zones: ['k8s.example.', 'in-addr.arpa.'],
      pods: 'disabled',
      ttl: 5,
      fallthrough: [],
    });
    if (!cfg) throw new Error('no config');
    expect(brief(ask('nginx.default.svc.k8s.example', 'A', cfg))).toBe(
      'NOERROR aa A 10.108.100.141',
    );
    expect(brief(ask('nginx.default.svc.cluster.local', 'A', cfg))).toBe('NXDOMAIN (none)');
    expect(brief(ask('10-244-1-5.default.pod.k8s.example', 'A', cfg))).toBe('NXDOMAIN aa (none)');
    // No fallthrough for reverse names: a name error stays in the cluster.
    expect(brief(ask('8.8.8.8.in-addr.arpa', 'PTR', cfg))).toBe('NXDOMAIN aa (none)');
  });

  it('without forward, names outside the cluster get SERVFAIL', () => {
    const cfg = parseCorefile('.:53 {\n  kubernetes cluster.local\n}\n');
    if (!cfg) throw new Error('no config');
    expect(brief(ask('example.com', 'A', cfg))).toBe('SERVFAIL (none)');
  });

  it('a Corefile without a root server block is not used', () => {
    expect(parseCorefile('example.org:53 {\n  whoami\n}\n')).toBeUndefined();
  });
});
