import type { Container, Probe } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { resolveProcess } from '../../workloads/catalog';
import type { PodFault } from '../faults';
import { EPOCH_MS } from '../../sim/clock';
import { newWorker, probeSpec, recordOutcome, runProbe, tickAtOrAfter } from './probes';

const IP = '10.244.1.5';
function probe(image: string, p: Probe, extra: Partial<Container> = {}, elapsedMs = 0) {
  const container: Container = { name: 'c', image, readinessProbe: p, ...extra };
  const proc = resolveProcess(image, container, {
    hostname: 'pod',
    podIP: IP,
    startedAtMs: EPOCH_MS,
  });
  return runProbe(probeSpec(container, 'readiness')!, proc, container, IP, elapsedMs);
}

describe('probe defaults (SetDefaults_Probe)', () => {
  it('fills period 10 s, timeout 1 s, thresholds 1/3, no initial delay', () => {
    const spec = probeSpec({ name: 'c', livenessProbe: { tcpSocket: { port: 80 } } }, 'liveness');
    expect(spec).toMatchObject({
      initialDelayMs: 0,
      periodMs: 10_000,
      timeoutMs: 1000,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(probeSpec({ name: 'c' }, 'readiness')).toBe(undefined);
  });
});

describe('runProbe outputs (pkg/probe/http, tcp, exec)', () => {
  it.each([
    ['nginx', { httpGet: { path: '/', port: 80 } }, { ok: true, output: '' }],
    [
      'nginx',
      { httpGet: { path: '/healthz', port: 8080 } },
      {
        ok: false,
        output: `Get "http://${IP}:8080/healthz": dial tcp ${IP}:8080: connect: connection refused`,
      },
    ],
    [
      'nginx',
      { httpGet: { path: '/healthz', port: 80 } },
      { ok: false, output: 'HTTP probe failed with statuscode: 404' },
    ],
    [
      'nginx',
      { httpGet: { path: '/', port: 80, scheme: 'HTTPS' } },
      {
        ok: false,
        output: `Get "https://${IP}:80/": http: server gave HTTP response to HTTPS client`,
      },
    ],
    [
      'redis',
      { httpGet: { path: '/', port: 6379 } },
      {
        ok: false,
        output: `Get "http://${IP}:6379/": net/http: HTTP/1.x transport connection broken: malformed HTTP response "-ERR wrong number of arguments for 'get' command"`,
      },
    ],
    ['redis', { tcpSocket: { port: 6379 } }, { ok: true, output: '' }],
    [
      'redis',
      { tcpSocket: { port: 6380 } },
      { ok: false, output: `dial tcp ${IP}:6380: connect: connection refused` },
    ],
    ['redis', { exec: { command: ['redis-cli', 'ping'] } }, { ok: true, output: 'PONG' }],
    [
      'busybox',
      { exec: { command: ['cat', '/tmp/healthy'] } },
      { ok: false, output: "cat: can't open '/tmp/healthy': No such file or directory" },
    ],
    [
      'registry.k8s.io/kube-apiserver:v1.30.2',
      { httpGet: { path: '/livez', port: 6443, scheme: 'HTTPS' } },
      { ok: true, output: '' },
    ],
  ] as Array<[string, Probe, { ok: boolean; output: string }]>)('%s %j', (image, p, expected) => {
    expect(probe(image, p)).toEqual(expected);
  });

  it('resolves named ports against the container', () => {
    expect(
      probe(
        'nginx',
        { httpGet: { path: '/', port: 'web' } },
        { ports: [{ name: 'web', containerPort: 80 }] },
      ),
    ).toEqual({ ok: true, output: '' });
  });
});

describe('probe worker thresholds (worker.go doProbe)', () => {
  it('readiness starts failed and needs successThreshold successes', () => {
    const spec = probeSpec(
      { name: 'c', readinessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } },
      'readiness',
    )!;
    const w = newWorker(spec, 0, 1000);
    expect(w.result).toBe('Failure');
    expect(recordOutcome(w, true)).toBe(false);
    expect(recordOutcome(w, true)).toBe(true);
    expect(w.result).toBe('Success');
  });

  it('liveness fails after failureThreshold failures and goes on hold', () => {
    const spec = probeSpec({ name: 'c', livenessProbe: { tcpSocket: { port: 80 } } }, 'liveness')!;
    const w = newWorker(spec, 0, 1000);
    expect(w.result).toBe('Success');
    expect([recordOutcome(w, false), recordOutcome(w, false), recordOutcome(w, false)]).toEqual([
      false,
      false,
      true,
    ]);
    expect(w.result).toBe('Failure');
    expect(w.nextAt).toBe(Infinity);
  });

  it('ticks on a grid from the later of initialDelay and the first sighting', () => {
    const spec = probeSpec(
      { name: 'c', readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5 } },
      'readiness',
    )!;
    const w = newWorker(spec, 1000, 2000);
    expect(w.nextAt).toBe(6000);
    expect(tickAtOrAfter(w, 6001)).toBe(16_000);
    expect(tickAtOrAfter(w, 0)).toBe(6000);
  });
});

describe('runProbe under playground faults (the kubelet probes over the pod network)', () => {
  const run = (p: Probe, kind: 'readiness' | 'liveness', fault: PodFault) => {
    const container: Container =
      kind === 'readiness'
        ? { name: 'c', image: 'nginx', readinessProbe: p }
        : { name: 'c', image: 'nginx', livenessProbe: p };
    const proc = resolveProcess('nginx', container, {
      hostname: 'pod',
      podIP: IP,
      startedAtMs: EPOCH_MS,
    });
    return runProbe(probeSpec(container, kind)!, proc, container, IP, 0, fault);
  };
  const http: Probe = { httpGet: { path: '/', port: 80 } };
  const tcp: Probe = { tcpSocket: { port: 80 } };
  const grpc: Probe = { grpc: { port: 80 } };
  const exec: Probe = { exec: { command: ['true'] } };
  const ok = { ok: true, output: '' };
  const fail = (output: string) => ({ ok: false, output });
  const refused = `dial tcp ${IP}:80: connect: connection refused`;
  const httpTimeout = `Get "http://${IP}:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  const grpcTimeout = `timeout: failed to connect service "${IP}:80" within 1s: context deadline exceeded`;

  it.each([
    ['unready', 'readiness', http, fail('HTTP probe failed with statuscode: 503')],
    ['unready', 'readiness', tcp, fail(refused)],
    ['unready', 'readiness', exec, fail('')],
    ['unready', 'readiness', grpc, fail('service unhealthy (responded with "NOT_SERVING")')],
    // unready is the application's readiness answer: liveness does not notice it.
    ['unready', 'liveness', http, ok],
    ['unready', 'liveness', exec, ok],
    ['refuse', 'readiness', http, fail(`Get "http://${IP}:80/": ${refused}`)],
    ['refuse', 'liveness', tcp, fail(refused)],
    ['refuse', 'liveness', grpc, fail(grpcTimeout)],
    ['freeze', 'readiness', http, fail(httpTimeout)],
    ['freeze', 'liveness', tcp, fail(`dial tcp ${IP}:80: i/o timeout`)],
    ['freeze', 'readiness', grpc, fail(grpcTimeout)],
    ['hang', 'liveness', http, fail(httpTimeout)],
    // The connection is accepted: a tcpSocket probe cannot tell a hung server from a live one.
    ['hang', 'readiness', tcp, ok],
    ['hang', 'readiness', grpc, fail(grpcTimeout)],
    // Exec probes run inside the container: network faults do not reach them.
    ['refuse', 'liveness', exec, ok],
    ['freeze', 'readiness', exec, ok],
    ['hang', 'readiness', exec, ok],
    // crash is the kubelet's business (the container exits), not the prober's.
    ['crash', 'readiness', http, ok],
  ] as Array<[PodFault, 'readiness' | 'liveness', Probe, { ok: boolean; output: string }]>)(
    '%s, %s %j',
    (fault, kind, p, expected) => {
      expect(run(p, kind, fault)).toEqual(expected);
    },
  );

  it('hang on a port nobody listens on still refuses (nothing accepts the connection)', () => {
    expect(run({ httpGet: { path: '/', port: 8080 } }, 'readiness', 'hang')).toEqual(
      fail(`Get "http://${IP}:8080/": dial tcp ${IP}:8080: connect: connection refused`),
    );
  });
});
