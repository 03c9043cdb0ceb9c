/**
 * A lookup is a traced request: `curl http://nginx/` from a pod first sends its DNS query —
 * pod → 10.96.0.10:53/UDP → the node's KUBE-SVC chain for kube-dns's `dns` port → a coredns
 * pod → the answer, un-DNATed by conntrack — and only then the SYN to the Service. In every
 * proxy mode, and with CoreDNS scaled to zero (REJECT: no SYN is ever sent).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import { dataplaneOf } from '../dataplane';
import type { ProxyMode } from '../model';
import { nodeNetfilterState } from '../netfilter/evaluate';
import { lastTraces } from '../trace/tools';
import type { Trace } from '../trace/trace';
import { sendDnsQuery } from './query';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - {name: nginx, image: 'nginx:1.25.3'}
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector: {app: nginx}
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - {name: client, image: 'nginx:1.25.3'}
`;

function cluster(mode: ProxyMode): Cluster {
  const c = createCluster({ seed: 7, files: { 'app.yml': MANIFESTS } });
  dataplaneOf(c.context).update({ proxyMode: mode });
  expect(c.shell.run('kubectl apply -f app.yml').exitCode).toBe(0);
  c.advance(30_000);
  return c;
}

const clusterIP = (c: Cluster, ns: string, name: string): string =>
  (c.store.get<KObject & { spec?: { clusterIP?: string } }>('Service', ns, name)?.spec?.clusterIP ??
    '') as string;

const last = (c: Cluster): Trace => {
  const all = lastTraces(c);
  return all[all.length - 1] as Trace;
};

describe.each<ProxyMode>(['iptables', 'ipvs', 'userspace'])(
  'curl http://nginx/ (%s mode)',
  (mode) => {
    let c: Cluster;
    let t: Trace;

    beforeAll(() => {
      c = cluster(mode);
      const r = c.shell.run('kubectl exec client -- curl -s http://nginx/');
      expect(r.exitCode).toBe(0);
      t = last(c);
    });

    it('the answer comes from nginx, and the URL keeps the name', () => {
      expect(t.outcome.ok && t.outcome.status).toBe(200);
      expect(t.request.url).toBe('http://nginx/');
      expect(t.request.host).toBe('nginx');
    });

    it('one query, answered by CoreDNS: the first search domain hits', () => {
      expect(t.dns?.map((q) => [q.name, q.type, q.server, q.result, q.answers])).toEqual([
        [
          'nginx.default.svc.cluster.local.',
          'A',
          '10.96.0.10:53',
          'NOERROR',
          [`A ${clusterIP(c, 'default', 'nginx')}`],
        ],
      ]);
    });

    it('the DNS hops come first, then the HTTP hops, in time order', () => {
      const phases = t.hops.map((h) => h.phase ?? 'http');
      const firstHttp = phases.indexOf('http');
      expect(firstHttp).toBeGreaterThan(0);
      expect(phases.slice(0, firstHttp).every((p) => p === 'dns')).toBe(true);
      expect(phases.slice(firstHttp).every((p) => p === 'http')).toBe(true);
      const times = t.hops.map((h) => h.atMs);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(t.hops[0]?.what).toMatch(
        /^default\/client sends DNS query A nginx\.default\.svc\.cluster\.local\. 10\.244\.\d+\.\d+:\d+ → 10\.96\.0\.10:53 \(UDP\)/,
      );
      expect(t.hops[firstHttp]?.what).toMatch(
        /^default\/client sends SYN .* → 10\.\d+\.\d+\.\d+:80/,
      );
      // CoreDNS answered from a coredns pod, and the client got it from the Service's address.
      const dns = t.hops.slice(0, firstHttp);
      expect(
        dns.some((h) => h.kind === 'answer' && /coredns-.*\(CoreDNS\) answers A /.test(h.what)),
      ).toBe(true);
      expect(dns[dns.length - 1]?.what).toMatch(/receives the answer from 10\.96\.0\.10:53/);
    });

    it('the query crossed the data plane as kube-proxy programmed it', () => {
      const dns = t.hops.filter((h) => h.phase === 'dns');
      if (mode === 'iptables') {
        expect(
          dns.some(
            (h) =>
              h.chain?.chain === 'KUBE-SERVICES' &&
              h.chain.rule.includes('"kube-system/kube-dns:dns cluster IP"') &&
              h.chain.rule.includes('-p udp'),
          ),
        ).toBe(true);
        expect(
          dns.some((h) => h.chain?.chain.startsWith('KUBE-SEP-') && /DNAT .*:53/.test(h.what)),
        ).toBe(true);
      } else if (mode === 'ipvs') {
        expect(
          dns.some((h) => h.kind === 'kube-proxy' && h.what.startsWith('IPVS UDP 10.96.0.10:53')),
        ).toBe(true);
      } else {
        expect(
          dns.some((h) => h.kind === 'kube-proxy' && h.what.includes("kube-proxy's UDP socket")),
        ).toBe(true);
      }
    });
  },
);

describe('the DNS query itself', () => {
  let c: Cluster;

  beforeAll(() => {
    c = cluster('iptables');
  });

  it('leaves a UDP conntrack entry on the client’s node, DNATed to a coredns pod', () => {
    const ex = sendDnsQuery(c.context, {
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      server: '10.96.0.10',
      name: 'kubernetes.default.svc.cluster.local',
      type: 'A',
    });
    expect(ex.result.kind === 'answer' && ex.result.message.answer[0]?.data).toBe('10.96.0.1');
    const node = c.store.get<KObject & { spec?: { nodeName?: string } }>('Pod', 'default', 'client')
      ?.spec?.nodeName as string;
    const entries = nodeNetfilterState(dataplaneOf(c.context), node)
      .conntrack.entries(c.context.clock.now())
      .filter((e) => e.original.proto === 'udp' && e.original.sport === ex.client?.port);
    expect(entries.map((e) => [e.original.dst, e.original.dport, e.reply.sport])).toEqual([
      ['10.96.0.10', 53, 53],
    ]);
    expect(entries[0]?.reply.src).toMatch(/^10\.244\.\d+\.2$/);
  });

  it('a pod that does not speak DNS: ICMP port unreachable', () => {
    const pod = c.store
      .list<KObject & { status?: { podIP?: string } }>('Pod', { namespace: 'default' })
      .find((p) => p.metadata.name?.startsWith('nginx-'));
    const ex = sendDnsQuery(c.context, {
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      server: pod?.status?.podIP ?? '',
      name: 'kubernetes.default.svc.cluster.local',
      type: 'A',
    });
    expect(ex.result.kind).toBe('refused');
    expect(ex.hops.some((h) => h.what.includes('ICMP port unreachable'))).toBe(true);
  });

  it('a frozen coredns pod: the query is lost', () => {
    for (const p of c.store.list<KObject>('Pod', { namespace: 'kube-system' })) {
      if (p.metadata.name?.startsWith('coredns-'))
        c.shell.run(
          `kubectl annotate pod -n kube-system ${p.metadata.name} playground/fault=freeze`,
        );
    }
    const ex = sendDnsQuery(c.context, {
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      server: '10.96.0.10',
      name: 'nginx.default.svc.cluster.local',
      type: 'A',
    });
    expect(ex.result.kind).toBe('timeout');
  });
});

describe('CoreDNS scaled to zero', () => {
  let c: Cluster;

  beforeAll(() => {
    c = cluster('iptables');
    c.shell.run('kubectl scale deploy/coredns -n kube-system --replicas=0');
    c.advance(40_000);
  });

  it('curl: REJECT answers the queries, the name does not resolve, no SYN leaves', () => {
    const r = c.shell.run('kubectl exec client -- curl -sS http://nginx/');
    expect(r).toEqual({
      stdout: '',
      stderr: 'curl: (6) Could not resolve host: nginx\ncommand terminated with exit code 6\n',
      exitCode: 6,
    });
    const t = last(c);
    expect(t.outcome).toEqual({
      ok: false,
      error: 'resolve',
      message: 'Could not resolve host: nginx',
      connected: false,
    });
    expect(t.hops.every((h) => h.phase === 'dns')).toBe(true);
    expect(
      t.hops.some((h) =>
        h.what.startsWith('KUBE-SERVICES: REJECT (kube-system/kube-dns:dns has no endpoints)'),
      ),
    ).toBe(true);
    expect(t.dns?.map((q) => q.result)).toEqual(['refused', 'refused']);
  });
});

describe('the engine API resolves too', () => {
  it('cluster.request from a pod: DNS hops first; from a node: no cluster domain', () => {
    const c = cluster('iptables');
    const t = c.request({
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      url: 'http://nginx/',
    });
    expect(t.outcome.ok && t.outcome.status).toBe(200);
    expect(t.hops[0]?.phase).toBe('dns');
    expect(t.dns?.[0]?.name).toBe('nginx.default.svc.cluster.local.');
    const n = c.request({ from: { kind: 'node', name: 'master' }, url: 'http://nginx/' });
    expect(n.outcome).toEqual({
      ok: false,
      error: 'resolve',
      message: 'Could not resolve host: nginx',
      connected: false,
    });
    expect(n.dns?.map((q) => `${q.name} ${q.server} ${q.result}`)).toEqual([
      'nginx. 127.0.0.53:53 SERVFAIL',
    ]);
  });
});
