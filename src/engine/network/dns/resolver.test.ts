/**
 * The resolver: resolv.conf, the search list and ndots as glibc and musl apply them, the hosts
 * file, and lookups in a running cluster — each try a separate, traced query.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import type { Libc, ResolvConf } from './resolver';
import {
  getaddrinfo,
  getnameinfo,
  hostsLookup,
  libcOfImage,
  parseResolvConf,
  searchCandidates,
} from './resolver';

const POD_RESOLV =
  'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const NODE_RESOLV = 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n';

describe('resolv.conf', () => {
  it('a pod’s (ClusterFirst) and a node’s (systemd-resolved stub)', () => {
    expect(parseResolvConf(POD_RESOLV)).toEqual({
      nameservers: ['10.96.0.10'],
      search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
      timeoutMs: 5000,
      attempts: 2,
    });
    expect(parseResolvConf(NODE_RESOLV)).toEqual({
      nameservers: ['127.0.0.53'],
      search: ['.'],
      ndots: 1,
      timeoutMs: 5000,
      attempts: 2,
    });
  });

  it('at most 3 nameservers, the last search line, options clamped; no file: 127.0.0.1', () => {
    const conf = parseResolvConf(
      'nameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\nnameserver 4.4.4.4\n' +
        'domain example.org\nsearch a.example b.example\noptions ndots:2 timeout:1 attempts:9 rotate\n',
    );
    expect(conf).toEqual({
      nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'],
      search: ['a.example', 'b.example'],
      ndots: 2,
      timeoutMs: 1000,
      attempts: 5,
    });
    expect(parseResolvConf(undefined).nameservers).toEqual(['127.0.0.1']);
  });
});

describe('search-list expansion and ndots', () => {
  const pod = parseResolvConf(POD_RESOLV);
  const node = parseResolvConf(NODE_RESOLV);
  const cases: Array<[string, ResolvConf, Libc, string[]]> = [
    // ndots:5 — everything short goes through the search list first.
    [
      'nginx',
      pod,
      'glibc',
      [
        'nginx.default.svc.cluster.local.',
        'nginx.svc.cluster.local.',
        'nginx.cluster.local.',
        'nginx.',
      ],
    ],
    [
      'kubernetes.default',
      pod,
      'glibc',
      [
        'kubernetes.default.default.svc.cluster.local.',
        'kubernetes.default.svc.cluster.local.',
        'kubernetes.default.cluster.local.',
        'kubernetes.default.',
      ],
    ],
    [
      'example.com',
      pod,
      'glibc',
      [
        'example.com.default.svc.cluster.local.',
        'example.com.svc.cluster.local.',
        'example.com.cluster.local.',
        'example.com.',
      ],
    ],
    // Five dots or more: as is first (glibc then searches; musl does not).
    [
      'a.b.c.d.e.f',
      pod,
      'glibc',
      [
        'a.b.c.d.e.f.',
        'a.b.c.d.e.f.default.svc.cluster.local.',
        'a.b.c.d.e.f.svc.cluster.local.',
        'a.b.c.d.e.f.cluster.local.',
      ],
    ],
    ['a.b.c.d.e.f', pod, 'musl', ['a.b.c.d.e.f.']],
    [
      'nginx',
      pod,
      'musl',
      [
        'nginx.default.svc.cluster.local.',
        'nginx.svc.cluster.local.',
        'nginx.cluster.local.',
        'nginx.',
      ],
    ],
    // A trailing dot: the name alone.
    ['nginx.default.svc.cluster.local.', pod, 'glibc', ['nginx.default.svc.cluster.local.']],
    ['example.com.', pod, 'musl', ['example.com.']],
    // A node: `search .` is the name itself; ndots:1.
    ['kubernetes', node, 'glibc', ['kubernetes.']],
    [
      'kubernetes.default.svc.cluster.local',
      node,
      'glibc',
      ['kubernetes.default.svc.cluster.local.'],
    ],
    // uClibc (busybox 1.28) is treated as glibc.
    [
      'web-0.web',
      pod,
      'uclibc',
      [
        'web-0.web.default.svc.cluster.local.',
        'web-0.web.svc.cluster.local.',
        'web-0.web.cluster.local.',
        'web-0.web.',
      ],
    ],
  ];
  it.each(cases)('%s (%s) with %s', (name, conf, libc, expected) => {
    expect(searchCandidates(name, conf, libc)).toEqual(expected);
  });

  it('ndots decides where the name as is goes', () => {
    const conf = { ...pod, ndots: 1 };
    expect(searchCandidates('example.com', conf, 'glibc')[0]).toBe('example.com.');
    expect(searchCandidates('nginx', conf, 'glibc')[0]).toBe('nginx.default.svc.cluster.local.');
  });
});

describe('hosts file and libc per image', () => {
  it('finds a name (any of a line’s names), case-insensitively', () => {
    const hosts = '127.0.0.1\tlocalhost\n10.244.1.4\tweb-0.web.default.svc.cluster.local\tweb-0\n';
    expect(hostsLookup(hosts, 'WEB-0')).toEqual(['10.244.1.4']);
    expect(hostsLookup(hosts, 'localhost')).toEqual(['127.0.0.1']);
    expect(hostsLookup(hosts, 'web')).toEqual([]);
  });

  it.each<[string, Libc]>([
    ['busybox:1.28.4', 'uclibc'],
    ['busybox:1.28', 'uclibc'],
    ['busybox', 'glibc'],
    ['busybox:1.36-musl', 'musl'],
    ['alpine:3.20', 'musl'],
    ['nginx:1.25-alpine', 'musl'],
    ['curlimages/curl', 'musl'],
    ['nginx', 'glibc'],
    ['registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', 'glibc'],
  ])('%s → %s', (image, libc) => {
    expect(libcOfImage(image)).toBe(libc);
  });
});

describe('lookups in the cluster', () => {
  let c: Cluster;
  const from = { kind: 'pod' as const, namespace: 'default', name: 'client' };
  const podFs = { read: (p: string) => (p === '/etc/resolv.conf' ? POD_RESOLV : undefined) };

  beforeAll(() => {
    c = createCluster({ seed: 3 });
    c.shell.run('kubectl run client --image=busybox:1.28.4 -- sleep 3600');
    c.shell.run('kubectl create deployment nginx --image=nginx');
    c.shell.run('kubectl expose deployment nginx --port=80');
    c.advance(30_000);
  });

  it('a short name: the first search domain answers', () => {
    const r = getaddrinfo({ ctx: c.context, from, fs: podFs, libc: 'glibc' }, 'nginx');
    const ip = c.context.store.get<{ spec?: { clusterIP?: string } } & KObject>(
      'Service',
      'default',
      'nginx',
    )?.spec?.clusterIP;
    expect(r.addresses).toEqual([ip]);
    expect(r.canonical).toBe('nginx.default.svc.cluster.local');
    expect(r.queries.map((q) => `${q.name} ${q.type} ${q.result}`)).toEqual([
      'nginx.default.svc.cluster.local. A NOERROR',
    ]);
  });

  it('each try is a query: NXDOMAIN under the search domains, then the hit', () => {
    const r = getaddrinfo({ ctx: c.context, from, fs: podFs, libc: 'glibc' }, 'example.com');
    expect(r.addresses).toEqual(['93.184.216.34']);
    expect(r.queries.map((q) => `${q.name} ${q.result}`)).toEqual([
      'example.com.default.svc.cluster.local. NXDOMAIN',
      'example.com.svc.cluster.local. NXDOMAIN',
      'example.com.cluster.local. NXDOMAIN',
      'example.com. NOERROR',
    ]);
    // The queries follow one another; the trace's hops, all DNS, in time order.
    const starts = r.queries.map((q) => q.atMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(r.hops.every((h) => h.phase === 'dns')).toBe(true);
    expect(r.durationMs).toBeGreaterThan(starts[3] as number);
  });

  it('a name nobody knows: every try NXDOMAIN, not found', () => {
    const r = getaddrinfo({ ctx: c.context, from, fs: podFs, libc: 'glibc' }, 'nope');
    expect([r.addresses, r.error, r.queries.length]).toEqual([[], 'notfound', 4]);
  });

  it('the hosts file comes first (no query)', () => {
    const fs = {
      read: (p: string) =>
        p === '/etc/hosts'
          ? '10.244.9.9\tclient\n'
          : p === '/etc/resolv.conf'
            ? POD_RESOLV
            : undefined,
    };
    const r = getaddrinfo({ ctx: c.context, from, fs, libc: 'glibc' }, 'client');
    expect([r.addresses, r.source, r.queries]).toEqual([['10.244.9.9'], 'hosts', []]);
    expect(getnameinfo({ ctx: c.context, from, fs, libc: 'glibc' }, '10.244.9.9').canonical).toBe(
      'client',
    );
  });

  it('reverse: the PTR of a cluster IP', () => {
    const r = getnameinfo({ ctx: c.context, from, fs: podFs, libc: 'glibc' }, '10.96.0.10');
    expect(r.canonical).toBe('kube-dns.kube-system.svc.cluster.local');
    expect(r.queries.map((q) => q.name)).toEqual(['10.0.96.10.in-addr.arpa.']);
  });

  it('a node resolves without the cluster domain', () => {
    const nodeFs = { read: (p: string) => (p === '/etc/resolv.conf' ? NODE_RESOLV : undefined) };
    const node = { kind: 'node' as const, name: 'master' };
    const r = getaddrinfo({ ctx: c.context, from: node, fs: nodeFs, libc: 'glibc' }, 'kubernetes');
    expect([r.error, r.queries.map((q) => `${q.name} ${q.server} ${q.result}`)]).toEqual([
      'notfound',
      ['kubernetes. 127.0.0.53:53 SERVFAIL'],
    ]);
    const fq = getaddrinfo(
      { ctx: c.context, from: node, fs: nodeFs, libc: 'glibc' },
      'kubernetes.default.svc.cluster.local',
    );
    expect(fq.error).toBe('notfound');
  });
});

describe('CoreDNS scaled to zero', () => {
  let c: Cluster;
  const from = { kind: 'pod' as const, namespace: 'default', name: 'client' };
  const podFs = { read: (p: string) => (p === '/etc/resolv.conf' ? POD_RESOLV : undefined) };

  beforeAll(() => {
    c = createCluster({ seed: 3 });
    c.shell.run('kubectl run client --image=busybox:1.28.4 -- sleep 3600');
    c.advance(20_000);
    c.shell.run('kubectl scale deploy/coredns -n kube-system --replicas=0');
    c.advance(30_000);
  });

  it('glibc: ICMP port unreachable at once, each attempt, and the lookup stops', () => {
    const r = getaddrinfo({ ctx: c.context, from, fs: podFs, libc: 'glibc' }, 'nginx');
    expect([r.error, r.refused]).toEqual(['again', true]);
    expect(r.queries.map((q) => `${q.name} ${q.result}`)).toEqual([
      'nginx.default.svc.cluster.local. refused',
      'nginx.default.svc.cluster.local. refused',
    ]);
    expect(r.durationMs).toBeLessThan(100);
    expect(
      r.hops.some((h) => h.what.includes('has no endpoints') && h.chain?.table === 'filter'),
    ).toBe(true);
  });

  it('musl: the ICMP error never reaches the socket; it waits its 5 s', () => {
    const r = getaddrinfo({ ctx: c.context, from, fs: podFs, libc: 'musl' }, 'nginx');
    expect([r.error, r.durationMs, r.queries.length]).toEqual(['again', 5000, 2]);
  });
});
