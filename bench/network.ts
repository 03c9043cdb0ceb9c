/**
 * kube-proxy iptables-mode figures (JSON-able objects; `npm run bench` prints them as lines):
 *
 *  - iptables-full-sync: syncProxyRules for 1,000 Services × 10 endpoints on one node, from
 *    scratch (what a node's kube-proxy does at start). Budget 200 ms.
 *  - iptables-partial-sync: the same proxier's next sync after one endpoint of one Service
 *    changed (kubectl scale, a pod turning unready). Budget 5 ms: the service's own chains are
 *    rebuilt, every other service's chains are reused, the top-level chains are rewritten.
 *  - iptables-save-print: printing the resulting nat table as iptables-save does.
 *
 * 10,000 endpoints put kube-proxy in large-cluster mode (no per-endpoint comments), as upstream.
 * Bench code, not engine code: it may use performance.now(). Each figure is the median of
 * several runs after a warm-up (the partial sync's over 10 syncs per run), each after a full GC
 * when the runtime exposes one (`npm run bench` runs with --expose-gc).
 */
import { createCluster } from '../src/engine';
import type { KObject } from '../src/engine';
import { sendRequest } from '../src/engine/network/trace/request';
import { IptablesProxier, syncProxyRules } from '../src/engine/network/kube-proxy/iptables';
import { iptablesSave } from '../src/engine/network/netfilter/iptables-save';
import type { ProxyEndpoint, ProxyInput, ServicePortInfo } from '../src/engine/network/model';

const SERVICES = 1000;
const ENDPOINTS = 10;
const FULL_BUDGET_MS = 200;
const PARTIAL_BUDGET_MS = 5;

function endpoint(svc: number, i: number): ProxyEndpoint {
  const n = svc * ENDPOINTS + i;
  return {
    ip: `10.244.${(n >> 8) & 255}.${n & 255}`,
    port: 8080,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: `node${(n % 100) + 1}`,
  };
}

function servicePort(s: number, endpoints: ProxyEndpoint[]): ServicePortInfo {
  const name = `app-${String(s).padStart(4, '0')}`;
  return {
    namespace: 'default',
    name,
    portName: 'http',
    svcPortName: `default/${name}:http`,
    protocol: 'tcp',
    type: s % 10 === 0 ? 'NodePort' : 'ClusterIP',
    clusterIP: `10.${96 + (s >> 16)}.${(s >> 8) & 255}.${s & 255}`,
    port: 80,
    nodePort: s % 10 === 0 ? 30000 + s : 0,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    endpoints: endpoints.sort((a, b) => (`${a.ip}:${a.port}` < `${b.ip}:${b.port}` ? -1 : 1)),
  };
}

function input(services: ServicePortInfo[]): ProxyInput {
  return {
    node: { name: 'node1', ip: '192.168.100.11', podCIDR: '10.244.1.0/24' },
    clusterCIDR: '10.244.0.0/16',
    services,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** The figures, one object per measurement. */
export function iptablesFigures(runs = 5): object[] {
  const services = Array.from({ length: SERVICES }, (_, s) =>
    servicePort(
      s,
      Array.from({ length: ENDPOINTS }, (_, i) => endpoint(s, i)),
    ),
  );
  // Nodes share the chains of a service port (iptables.ts sharedServiceOutput, keyed by the
  // ServicePortInfo object): each run gets fresh objects, so it generates every rule itself, as
  // the first kube-proxy to see a service does.
  const fresh = (): ServicePortInfo[] => services.map((s) => ({ ...s }));
  const base = input(fresh());
  // One endpoint of one service replaced (a pod rescheduled elsewhere); a new object each time.
  const middle = services[SERVICES >> 1]!;
  const moved = servicePort(SERVICES >> 1, [
    ...middle.endpoints.slice(1),
    endpoint(SERVICES + 7, 3),
  ]);
  const withOne = (from: ProxyInput, info: ServicePortInfo): ProxyInput =>
    input(from.services.map((s, i) => (i === SERVICES >> 1 ? { ...info } : s)));

  const gc = (globalThis as { gc?: () => void }).gc;
  syncProxyRules(base); // warm-up
  const full: number[] = [];
  const partial: number[] = [];
  const printing: number[] = [];
  let changedServices = 0;
  let rules = 0;
  for (let r = 0; r < runs; r++) {
    gc?.();
    const proxier = new IptablesProxier();
    const runInput = input(fresh());
    let t0 = performance.now();
    const { tables } = proxier.sync(runInput);
    full.push(performance.now() - t0);

    // Partial syncs, back and forth: each rewrites the one service whose endpoint changed.
    const next = Array.from({ length: 10 }, (_, k) =>
      withOne(runInput, k % 2 === 0 ? moved : middle),
    );
    gc?.();
    for (let k = 0; k < 10; k++) {
      t0 = performance.now();
      changedServices = proxier.sync(next[k]!).changedServices;
      partial.push(performance.now() - t0);
    }

    gc?.();
    t0 = performance.now();
    const text = iptablesSave(tables, undefined, {
      table: 'nat',
      date: 'Mon Jun  3 08:00:00 2024',
    });
    printing.push(performance.now() - t0);
    rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
  }
  const fullMs = round(median(full));
  const partialMs = round(median(partial));
  return [
    {
      bench: 'iptables-full-sync',
      services: SERVICES,
      endpointsPerService: ENDPOINTS,
      natRules: rules,
      totalMs: fullMs,
      runsMs: full.map(round),
      budgetMs: FULL_BUDGET_MS,
      withinBudget: fullMs <= FULL_BUDGET_MS,
    },
    {
      bench: 'iptables-partial-sync',
      changedServices,
      totalMs: partialMs,
      syncs: partial.length,
      budgetMs: PARTIAL_BUDGET_MS,
      withinBudget: partialMs <= PARTIAL_BUDGET_MS,
    },
    {
      bench: 'iptables-save-print',
      natRules: rules,
      totalMs: round(median(printing)),
      runsMs: printing.map(round),
    },
  ];
}

// `npx tsx bench/network.ts` prints the figures on their own.
if (typeof process !== 'undefined' && process.argv[1]?.endsWith('network.ts')) {
  for (const f of iptablesFigures()) console.log(JSON.stringify(f));
}

/**
 * traced-requests: requests per second through the whole tracer (netfilter on both nodes,
 * conntrack, routing, the answer), in iptables mode, from one pod to the ClusterIPs of 1,000
 * Services × 10 endpoints (10,000 pods on 100 nodes: the cluster the iptables figures describe,
 * built and settled first; `cluster-settle` reports how long that took). Budget: ≥ 10,000
 * requests/s. Each run sends `requests` requests round-robin over the services (each service's
 * endpoints chosen by the rules' random DNAT), after a first run that warms the caches; the line
 * gives the median run (every run in perSecondRuns).
 */
export function traceFigures(requests = 20_000, runs = 3, services = 1000): object[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const t0 = performance.now();
  const cluster = createCluster({
    seed: 1,
    workers: services / 10,
    nodeCpu: '64',
    nodeMemory: '256Gi',
    bootstrapMs: 0,
  });
  const objects: KObject[] = [];
  for (let s = 0; s < services; s++) {
    const name = `svc-${String(s).padStart(4, '0')}`;
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'default' },
        spec: {
          replicas: 10,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'default' },
        spec: { selector: { app: name }, ports: [{ port: 80 }] },
      },
    );
  }
  cluster.applyObjects(objects);
  cluster.settle({ maxVirtualMs: 30 * 60_000, maxSteps: 50_000_000 });
  const settleMs = performance.now() - t0;
  const ips = cluster.store
    .list('Service', { namespace: 'default' })
    .flatMap((s) =>
      s.metadata.name?.startsWith('svc-')
        ? [String((s.spec as { clusterIP?: string } | undefined)?.clusterIP)]
        : [],
    );
  const from = cluster.store.list('Pod', { namespace: 'default' })[0]!;
  const ctx = cluster.context;
  const send = (i: number) =>
    sendRequest(ctx, {
      from: { kind: 'pod', namespace: 'default', name: from.metadata.name ?? '' },
      address: ips[i % ips.length]!,
      port: 80,
    });
  // Warm-up: one full run, so every route, chain index and pod lookup a run meets is built.
  for (let i = 0; i < requests; i++) send(i);
  const rates: number[] = [];
  let answered = 0;
  for (let r = 0; r < runs; r++) {
    gc?.();
    let ok = 0;
    const start = performance.now();
    for (let i = 0; i < requests; i++) if (send(i).outcome.ok) ok++;
    const ms = performance.now() - start;
    rates.push(Math.round((requests / ms) * 1000));
    answered = ok;
  }
  const sorted = [...rates].sort((a, b) => a - b);
  const perSecond = sorted[Math.floor(sorted.length / 2)]!;
  return [
    {
      bench: 'traced-requests',
      services: ips.length,
      endpointsPerService: 10,
      nodes: services / 10 + 1,
      clusterSettleMs: Math.round(settleMs),
      requests,
      answered,
      perSecond,
      perSecondRuns: rates,
      budgetPerSecond: 10_000,
      withinBudget: perSecond >= 10_000,
    },
  ];
}
