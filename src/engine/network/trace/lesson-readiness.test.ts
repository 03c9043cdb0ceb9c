/**
 * THE LESSON, continued (request.test.ts ends with its first half): the same three nginx
 * replicas behind a Service, one of them refusing (or hanging), but now the Deployment has a
 * readiness probe. The kubelet probes over the pod network, so the faulty pod fails its probe;
 * after failureThreshold failures it is not Ready, the EndpointSlice controller marks its
 * endpoint not ready, kube-proxy drops it, and every request succeeds in iptables mode as in
 * userspace mode. Before the probe has failed enough times, iptables mode still fails requests.
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Pod, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import { dataplaneOf } from '../dataplane';
import type { ProxyMode } from '../model';
import { sendRequest } from './request';
import type { Trace } from './trace';

const REQUESTS = 300;
const PERIOD_SECONDS = 1;
const FAILURE_THRESHOLD = 3;

type StoredPod = Pod & KObject;

function objects(): KObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'main',
                image: 'nginx',
                readinessProbe: {
                  httpGet: { path: '/', port: 80 },
                  periodSeconds: PERIOD_SECONDS,
                  failureThreshold: FAILURE_THRESHOLD,
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'default' },
      spec: {
        nodeName: 'node1',
        containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    },
  ] as KObject[];
}

/** The cluster with every replica Ready, and the replica the fault will hit. */
function lesson(seed: number): { c: Cluster; victim: string } {
  const c = createCluster({ seed });
  for (const r of c.applyObjects(objects())) expect(r.ok).toBe(true);
  c.advance(30_000);
  const web = c.store
    .list<StoredPod>('Pod', { namespace: 'default' })
    .filter((p) => (p.metadata.name ?? '').startsWith('web-'));
  expect(web.map((p) => ready(p))).toEqual(['True', 'True', 'True']);
  return { c, victim: web[0]?.metadata.name ?? '' };
}

function ready(p: StoredPod | undefined): string | undefined {
  return p?.status?.conditions?.find((x) => x.type === 'Ready')?.status;
}

function annotate(c: Cluster, pod: string, fault: string): void {
  const r = c.shell.run(`kubectl annotate --overwrite pod ${pod} playground/fault=${fault}`);
  expect(r.exitCode).toBe(0);
}

/** The victim's endpoint in the Service's EndpointSlice: its `ready` condition. */
function endpointReady(c: Cluster, pod: string): boolean | undefined {
  const slices = c.store
    .list<EndpointSlice & KObject>('EndpointSlice', { namespace: 'default' })
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');
  const eps = slices.flatMap((s) => s.endpoints);
  expect(eps.length).toBe(3);
  return eps.find((e) => e.targetRef?.name === pod)?.conditions?.ready;
}

type StoredEvent = KObject & {
  reason?: string;
  message?: string;
  count?: number;
  involvedObject: { name?: string };
};

function unhealthy(c: Cluster, pod: string): StoredEvent[] {
  return c.store
    .list<StoredEvent>('Event', { namespace: 'default' })
    .filter((e) => e.reason === 'Unhealthy' && e.involvedObject.name === pod);
}

function unhealthyCount(c: Cluster, pod: string): number {
  return unhealthy(c, pod).reduce((n, e) => n + (e.count ?? 1), 0);
}

function curlMany(c: Cluster, mode: ProxyMode | undefined): { failed: number; traces: Trace[] } {
  if (mode) {
    dataplaneOf(c.context).update({ proxyMode: mode });
    c.settle();
    expect(dataplaneOf(c.context).nodes.get('node1')?.mode).toBe(mode);
  }
  const svc = c.store.get<Service & KObject>('Service', 'default', 'web');
  const traces: Trace[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    traces.push(
      sendRequest(c.context, {
        from: { kind: 'pod', namespace: 'default', name: 'client' },
        address: svc?.spec?.clusterIP ?? '',
        port: 80,
        timeoutMs: 5000,
      }),
    );
  }
  return { failed: traces.filter((t) => !t.outcome.ok).length, traces };
}

describe('THE LESSON with a readiness probe: the faulty replica leaves the Service', () => {
  it.each([
    [
      'refuse',
      21,
      (ip: string) => `Get "http://${ip}:80/": dial tcp ${ip}:80: connect: connection refused`,
    ],
    [
      'hang',
      22,
      (ip: string) =>
        `Get "http://${ip}:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    ],
  ] as const)(
    '%s: after failureThreshold × period the pod is not Ready and no request fails, in iptables and userspace modes',
    (fault, seed, probeOutput) => {
      const { c, victim } = lesson(seed);
      annotate(c, victim, fault);
      // failureThreshold failed probes, one period apart, then the endpoint and proxy updates.
      c.advance((FAILURE_THRESHOLD * PERIOD_SECONDS + 2) * 1000);
      const pod = c.store.get<StoredPod>('Pod', 'default', victim);
      expect(ready(pod)).toBe('False');
      expect(endpointReady(c, victim)).toBe(false);
      expect(unhealthyCount(c, victim)).toBeGreaterThanOrEqual(FAILURE_THRESHOLD);
      expect(unhealthy(c, victim).map((e) => e.message)).toEqual([
        `Readiness probe failed: ${probeOutput(pod?.status?.podIP ?? '')}`,
      ]);
      const iptables = curlMany(c, 'iptables');
      const userspace = curlMany(c, 'userspace');
      console.log(
        `${fault} + readiness probe: failed of ${REQUESTS} — iptables ${iptables.failed}, userspace ${userspace.failed}`,
      );
      expect(iptables.failed).toBe(0);
      expect(userspace.failed).toBe(0);
      // Nobody is sent to the faulty pod any more (the early case below shows the check bites).
      const podIP = pod?.status?.podIP ?? '';
      for (const t of [...iptables.traces, ...userspace.traces])
        expect(t.hops.some((h) => h.what.includes(podIP))).toBe(false);
    },
  );

  it('refuse, after only one failed probe: still Ready, so iptables mode fails about a third', () => {
    const { c, victim } = lesson(23);
    expect(dataplaneOf(c.context).nodes.get('node1')?.mode).toBe('iptables');
    annotate(c, victim, 'refuse');
    // One period: exactly one probe tick. No settle() here: it would run the probe to its verdict.
    c.advance(PERIOD_SECONDS * 1000);
    expect(unhealthyCount(c, victim)).toBe(1);
    expect(ready(c.store.get<StoredPod>('Pod', 'default', victim))).toBe('True');
    expect(endpointReady(c, victim)).toBe(true);
    const early = curlMany(c, undefined);
    console.log(
      `refuse + readiness probe, 1 of ${FAILURE_THRESHOLD} failures: failed of ${REQUESTS} — iptables ${early.failed}`,
    );
    expect(early.failed).toBeGreaterThanOrEqual(70);
    expect(early.failed).toBeLessThanOrEqual(130);
    const failed = early.traces.find((t) => !t.outcome.ok);
    expect(failed?.outcome).toMatchObject({ error: 'refused' });
    const podIP = c.store.get<StoredPod>('Pod', 'default', victim)?.status?.podIP ?? '';
    expect(failed?.hops.some((h) => h.what.includes(podIP))).toBe(true);
    // Two more periods and the probe has its verdict: from then on nothing fails.
    c.advance((FAILURE_THRESHOLD - 1) * PERIOD_SECONDS * 1000 + 2000);
    expect(endpointReady(c, victim)).toBe(false);
    expect(curlMany(c, undefined).failed).toBe(0);
  });
});
