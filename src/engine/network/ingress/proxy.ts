/**
 * What nginx in an ingress-nginx controller pod decides for one request, before the traced
 * request (trace/request.ts) walks the connections it makes: route by Host and path over the
 * Ingresses its controller serves (routing.ts), then either answer itself (the default backend's
 * 404, 503 when the upstream has no endpoints, 301/308 redirects), or proxy to an endpoint of the
 * backend Service — a pod's IP and port, straight from the EndpointSlices, never the Service's
 * ClusterIP: ingress-nginx balances itself (balancer_by_lua) rather than leaving it to kube-proxy.
 *
 * Models ingress-nginx v1.10: controller.go createUpstreams / getEndpointsFromSlices (ready
 * endpoints of the Service port the Ingress names, by number or by name, resolved through the
 * slices' port names), rootfs/etc/nginx/lua/balancer/round_robin.lua (the default
 * `load-balance: round_robin`), and `proxy-next-upstream: error timeout` with
 * `proxy-next-upstream-tries: 3`, `proxy-connect-timeout: 5`, `proxy-read-timeout: 60`.
 *
 * Simplified: the balancer's starting point is a seeded random index (Lua walks a hash table,
 * whose order is arbitrary); an ExternalName backend gets no endpoints (ingress-nginx would
 * resolve the name); nginx's configuration is what the store holds now (a real controller
 * reloads within a second or so of a change).
 */
import type { Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { Rng } from '../../sim/rng';
import type { ProcessBehaviour } from '../../workloads/behaviour';
import type { HttpAnswer } from '../trace/answer';
import type { StoredPod } from './config';
import { CONTROLLER_IMAGE_ID, controllerConfig, ingressesOf } from './config';
import { nginxAnswer } from './responses';
import type { Route, Upstream } from './routing';
import { buildServers, describeLocation, hostOf, route } from './routing';

type StoredService = Service & KObject;
type StoredSlice = EndpointSlice & KObject;

/** ingress-nginx's defaults for retrying another upstream. */
export const PROXY_NEXT_UPSTREAM_TRIES = 3;
export const PROXY_CONNECT_TIMEOUT_MS = 5_000;
export const PROXY_READ_TIMEOUT_MS = 60_000;

/** Whether the process that accepted a connection is ingress-nginx's nginx, on its HTTP(S) ports. */
export function isIngressNginx(proc: ProcessBehaviour, port: number): boolean {
  return proc.imageId === CONTROLLER_IMAGE_ID && (port === 80 || port === 443);
}

export interface UpstreamEndpoint {
  ip: string;
  port: number;
}

/**
 * The ready endpoints of the Service port an upstream names, sorted by address.
 * Models controller.go getEndpointsFromSlices (ready only; a nil `ready` counts as ready).
 */
export function upstreamEndpoints(store: ApiStore, upstream: Upstream): UpstreamEndpoint[] {
  const svc = store.get<StoredService>('Service', upstream.namespace, upstream.service);
  if (!svc || svc.spec?.type === 'ExternalName') return [];
  const sp = (svc.spec?.ports ?? []).find((p) =>
    typeof upstream.port === 'number' ? p.port === upstream.port : p.name === upstream.port,
  );
  if (!sp) return [];
  const portName = sp.name ?? '';
  const seen = new Set<string>();
  const out: UpstreamEndpoint[] = [];
  for (const slice of store.list<StoredSlice>('EndpointSlice', {
    namespace: upstream.namespace,
  })) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== upstream.service) continue;
    const port = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP',
    )?.port;
    if (port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip || ep.conditions?.ready === false) continue;
      const key = `${ip}:${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ip, port });
    }
  }
  return out.sort((a, b) => compareIPs(a.ip, b.ip) || a.port - b.port);
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

interface Balancer {
  /** The endpoints it was built for; a change rebuilds it, as the Lua balancer's sync does. */
  key: string;
  next: number;
}

interface BalancerState {
  rng: Rng;
  byUpstream: Map<string, Balancer>;
}

const balancers = new WeakMap<ClusterContext, BalancerState>();

/**
 * The next endpoint of an upstream, round robin (per cluster: every controller pod's balancer
 * is modelled as one). Models balancer/round_robin.lua balance().
 */
export function nextEndpoint(
  ctx: ClusterContext,
  upstream: string,
  endpoints: readonly UpstreamEndpoint[],
): UpstreamEndpoint {
  let state = balancers.get(ctx);
  if (!state) {
    state = { rng: ctx.rng('ingress-nginx/balancer'), byUpstream: new Map() };
    balancers.set(ctx, state);
  }
  const key = endpoints.map((e) => `${e.ip}:${e.port}`).join(',');
  let b = state.byUpstream.get(upstream);
  if (!b || b.key !== key) {
    b = { key, next: state.rng.int(endpoints.length) };
    state.byUpstream.set(upstream, b);
  }
  const ep = endpoints[b.next % endpoints.length] as UpstreamEndpoint;
  b.next = (b.next + 1) % endpoints.length;
  return ep;
}

export interface IngressRequest {
  /** The Host header (curl's `-H 'Host: …'`, or the URL's authority). */
  host: string;
  /** Path and query. */
  path: string;
  method: string;
  scheme: 'http' | 'https';
}

export type IngressDecision =
  | { kind: 'respond'; route: Route; answer: HttpAnswer; what: string }
  | {
      kind: 'proxy';
      route: Route;
      upstream: Upstream;
      endpoints: UpstreamEndpoint[];
      /** An HTTPS request to a server with TLS: the answer gets HSTS. */
      hsts: boolean;
      what: string;
    };

/** What the controller pod's nginx does with a request (before any upstream is dialled). */
export function ingressDecision(
  ctx: ClusterContext,
  controller: StoredPod,
  req: IngressRequest,
  now: number,
): IngressDecision {
  const cfg = controllerConfig(controller);
  const servers = buildServers(ingressesOf(ctx.store, cfg));
  const r = route(servers, req);
  const hsts = req.scheme === 'https' && r.server.tls;
  const opts = { now, head: req.method === 'HEAD', hsts };
  const q = req.path.indexOf('?');
  const asked = `Host ${hostOf(req.host) || '(none)'}, ${req.method} ${q >= 0 ? req.path.slice(0, q) : req.path}`;
  const where = `${asked} → server ${r.server.hostname}, location ${describeLocation(r.location)}`;
  switch (r.kind) {
    case 'redirect':
      return {
        kind: 'respond',
        route: r,
        answer: nginxAnswer(r.status, opts, r.to),
        what:
          r.status === 308
            ? `${where}: the server has TLS, plain HTTP is redirected: 308 to ${r.to}`
            : `${where}: only ${r.location.nginx} exists, nginx redirects: 301 to ${r.to}`,
      };
    case 'default-backend':
      return {
        kind: 'respond',
        route: r,
        answer: nginxAnswer(404, opts),
        what: `${where}: the controller's default backend answers 404`,
      };
    case 'upstream': {
      const endpoints = upstreamEndpoints(ctx.store, r.upstream);
      if (endpoints.length === 0) {
        return {
          kind: 'respond',
          route: r,
          answer: nginxAnswer(503, opts),
          what: `${where} → upstream ${r.upstream.name} has no ready endpoint: 503`,
        };
      }
      return {
        kind: 'proxy',
        route: r,
        upstream: r.upstream,
        endpoints,
        hsts,
        what:
          `${where} → upstream ${r.upstream.name} ` +
          `(${endpoints.map((e) => `${e.ip}:${e.port}`).join(', ')})`,
      };
    }
  }
}
