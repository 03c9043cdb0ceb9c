/**
 * Container probes: readiness, liveness and startup, with their real defaults, evaluated against
 * what the image serves (workloads/behaviour.ts) instead of over a network.
 *
 * Models pkg/kubelet/prober: worker.go (doProbe: initial results, consecutive-result thresholds,
 * liveness/startup "on hold" after a failure), prober.go (runProbe and the `Unhealthy` event text
 * `<Type> probe failed: <output>`), and pkg/probe/{http,tcp,exec} (the outputs Go's net/http and
 * net.Dial produce: `Get "http://10.244.1.5:8080/healthz": dial tcp 10.244.1.5:8080: connect:
 * connection refused`, `HTTP probe failed with statuscode: 404`).
 *
 * Defaults (pkg/apis/core/v1/defaults.go SetDefaults_Probe): periodSeconds 10, timeoutSeconds 1,
 * successThreshold 1, failureThreshold 3, initialDelaySeconds 0; httpGet path `/`, scheme HTTP.
 *
 * Faults (controllers/faults.ts): the kubelet probes over the pod network, so `refuse`, `freeze`
 * and `hang` reach every network probe (httpGet, tcpSocket, grpc) of every kind, as they reach
 * any other client; exec probes run inside the container and do not notice them. `unready` fails
 * the readiness probe alone, as an application answering "not ready" would (503, NOT_SERVING).
 *
 * Simplified: each probe ticks on its own grid starting when the kubelet has seen the container
 * running (PLEG) and initialDelaySeconds have passed, rather than on a grid from pod admission
 * with a random initial offset; probes run instantly: a probe that times out (freeze, hang)
 * reports at its tick rather than timeoutSeconds later.
 */
import type { Container, Probe } from 'kubernetes-types/core/v1';
import type { PodFault } from '../faults';
import type { ProcessBehaviour } from '../../workloads/behaviour';
import { execAt, httpGet } from '../../workloads/behaviour';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

export interface ProbeSpec {
  kind: ProbeKind;
  probe: Probe;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeSpec(container: Container, kind: ProbeKind): ProbeSpec | undefined {
  const probe =
    kind === 'readiness'
      ? container.readinessProbe
      : kind === 'liveness'
        ? container.livenessProbe
        : container.startupProbe;
  if (!probe) return undefined;
  return {
    kind,
    probe,
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    // Liveness and startup probes must use successThreshold 1 (validation enforces it).
    successThreshold: kind === 'readiness' ? Math.max(1, probe.successThreshold ?? 1) : 1,
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}

/** `Readiness` / `Liveness` / `Startup`, as prober.go capitalises the probe type in events. */
export function probeTypeName(kind: ProbeKind): string {
  return kind[0]!.toUpperCase() + kind.slice(1);
}

function resolvePort(port: number | string | undefined, container: Container): number {
  if (typeof port === 'number') return port;
  if (port === undefined) return 0;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? 0;
}

/** Go's http.Client error when the client timeout (the probe's timeoutSeconds) expires. */
const httpTimeout = (url: string): string =>
  `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;

/**
 * Run one probe against the process at `elapsedMs` after its start. `ip` is the pod IP (the node
 * IP for hostNetwork pods), which Go's error messages quote. `fault` is the pod's
 * `playground/fault` (podFaultOf), if any.
 */
export function runProbe(
  spec: ProbeSpec,
  proc: ProcessBehaviour,
  container: Container,
  ip: string,
  elapsedMs: number,
  fault?: PodFault,
): { ok: boolean; output: string } {
  const p = spec.probe;
  // `unready` is the application saying "not ready": only the readiness probe notices.
  const unready = fault === 'unready' && spec.kind === 'readiness';
  if (p.httpGet) {
    const port = resolvePort(p.httpGet.port, container);
    const scheme = p.httpGet.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP';
    const host = p.httpGet.host || ip;
    const path = p.httpGet.path || '/';
    const url = `${scheme.toLowerCase()}://${host}:${port}${path.startsWith('/') ? path : '/' + path}`;
    // freeze: the SYN is dropped; hang: the request is accepted and never answered. Either way
    // the client's timeout expires first (a port nobody listens on still refuses under hang).
    const r = fault === 'refuse' ? { kind: 'refused' as const } : httpGet(proc, port, path, scheme);
    if (fault === 'freeze' || (fault === 'hang' && r.kind !== 'refused'))
      return { ok: false, output: httpTimeout(url) };
    if (unready && r.kind !== 'refused')
      return { ok: false, output: 'HTTP probe failed with statuscode: 503' };
    switch (r.kind) {
      case 'refused':
        return {
          ok: false,
          output: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused`,
        };
      case 'response':
        return r.page.status >= 200 && r.page.status < 400
          ? { ok: true, output: '' }
          : { ok: false, output: `HTTP probe failed with statuscode: ${r.page.status}` };
      case 'http-to-https':
        return { ok: false, output: 'HTTP probe failed with statuscode: 400' };
      case 'https-to-http':
        return {
          ok: false,
          output: `Get "${url}": http: server gave HTTP response to HTTPS client`,
        };
      case 'not-http':
        return {
          ok: false,
          output:
            r.line !== undefined
              ? `Get "${url}": net/http: HTTP/1.x transport connection broken: malformed HTTP response "${r.line}"`
              : `Get "${url}": EOF`,
        };
    }
  }
  if (p.tcpSocket) {
    const port = resolvePort(p.tcpSocket.port, container);
    const host = p.tcpSocket.host || ip;
    if (fault === 'freeze') return { ok: false, output: `dial tcp ${host}:${port}: i/o timeout` };
    // hang: the handshake completes and the probe only opens and closes a connection, so it
    // passes: a tcpSocket probe cannot tell a hung server from a healthy one.
    const listens =
      fault !== 'refuse' && proc.ports.some((x) => x.port === port && x.protocol === 'TCP');
    // unready: the application closes its listener while not ready (the only way a TCP check
    // can say "no").
    return listens && !unready
      ? { ok: true, output: '' }
      : { ok: false, output: `dial tcp ${host}:${port}: connect: connection refused` };
  }
  if (p.exec) {
    // The command runs inside the container (CRI ExecSync): network faults do not reach it.
    if (unready) return { ok: false, output: '' };
    const r = execAt(proc, p.exec.command ?? [], elapsedMs);
    return { ok: r.exitCode === 0, output: r.output };
  }
  if (p.grpc) {
    const port = p.grpc.port;
    // refuse, freeze and hang all end the same way: grpc-go keeps retrying the connection (or
    // waits for the HTTP/2 handshake) until the probe's deadline.
    const listens =
      fault !== 'refuse' &&
      fault !== 'freeze' &&
      fault !== 'hang' &&
      proc.ports.some((x) => x.port === port && x.protocol === 'TCP');
    if (!listens) {
      return {
        ok: false,
        output: `timeout: failed to connect service "${ip}:${port}" within ${spec.timeoutMs / 1000}s: context deadline exceeded`,
      };
    }
    return unready
      ? { ok: false, output: 'service unhealthy (responded with "NOT_SERVING")' }
      : { ok: true, output: '' };
  }
  // A probe with no handler is rejected by validation; treat it as passing.
  return { ok: true, output: '' };
}

/** One probe worker's state for one container instance. */
export interface ProbeWorker {
  spec: ProbeSpec;
  result: ProbeResult;
  lastOk?: boolean;
  run: number;
  /** The next tick (virtual ms); Infinity when the worker is on hold or stopped. */
  nextAt: number;
  /** The grid origin: ticks at origin + k·period. */
  origin: number;
}

export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'Failure' : kind === 'liveness' ? 'Success' : 'Unknown';
}

export function newWorker(spec: ProbeSpec, startedAt: number, observedAt: number): ProbeWorker {
  const origin = Math.max(startedAt + spec.initialDelayMs, observedAt);
  return { spec, result: initialResult(spec.kind), run: 0, nextAt: origin, origin };
}

/** The first tick of the worker's grid at or after t. */
export function tickAtOrAfter(w: ProbeWorker, t: number): number {
  if (t <= w.origin) return w.origin;
  const k = Math.ceil((t - w.origin) / w.spec.periodMs);
  return w.origin + k * w.spec.periodMs;
}

/**
 * Apply one probe outcome (worker.go doProbe): count consecutive equal outcomes and change the
 * result once a threshold is reached. Returns true when the result changed.
 */
export function recordOutcome(w: ProbeWorker, ok: boolean): boolean {
  if (w.lastOk === ok) w.run++;
  else {
    w.lastOk = ok;
    w.run = 1;
  }
  const threshold = ok ? w.spec.successThreshold : w.spec.failureThreshold;
  if (w.run < threshold) return false;
  const next: ProbeResult = ok ? 'Success' : 'Failure';
  const changed = next !== w.result;
  w.result = next;
  if (!ok && w.spec.kind !== 'readiness') {
    // Liveness/startup failure: the container will be killed; stop probing it.
    w.run = 0;
    w.nextAt = Infinity;
  }
  return changed;
}
