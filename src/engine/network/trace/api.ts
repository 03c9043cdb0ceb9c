/**
 * The engine's request API: `cluster.request({ from, url, method, headers })` — what the UI's
 * "send a request" action and scripts call. A thin layer over sendRequest (request.ts) that reads
 * a URL the way curl does (`http://10.96.12.7/`, `10.96.12.7:8080/healthz`,
 * `https://203.0.113.10/`), takes the Host header from `headers`, and returns the Trace.
 *
 * Names: an IPv4 literal is used as it is and `localhost` is 127.0.0.1; any other host name is
 * looked up from where the request starts, through the cluster's DNS for a pod (the lookup's
 * queries come first in the trace); a name that does not resolve is `Could not resolve host`.
 * Headers other than Host are accepted and not interpreted: the workloads answer by path.
 */
import type { ClusterContext } from '../../context';
import { ipToNumber } from '../netfilter/packet';
import type { RequestFrom, RequestOptions } from './request';
import { sendRequest } from './request';
import type { Trace } from './trace';
import type { HostLookup } from '../dns/host-lookup';
import { failedLookupTrace, lookupForApi, withLookup } from '../dns/host-lookup';

export interface ClusterRequest {
  /** A pod, a node, or the outside client (the laptop; the internet for a load balancer). */
  from: RequestFrom;
  /** `[http[s]://]host[:port][/path]`; or give `address` and `port`. */
  url?: string;
  address?: string;
  port?: number;
  /** GET by default. */
  method?: string;
  /** Header name → value; `Host` (any case) sets the Host header sent. */
  headers?: Readonly<Record<string, string>>;
  /** The whole request's limit (curl -m). */
  timeoutMs?: number;
  /** Accept any certificate (curl -k). */
  insecure?: boolean;
}

interface Target {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
}

const URL_PATTERN = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/:?#]*)(?::(\d*))?([^#]*)/;

/** The parts of a URL as curl reads it; a string saying what is wrong otherwise. */
export function parseRequestUrl(url: string): Target | string {
  const m = URL_PATTERN.exec(url.trim());
  const scheme = (m?.[1] ?? 'http').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    return `Protocol "${scheme}" not supported`;
  }
  const host = m?.[2] ?? '';
  if (!host) return 'No host part in the URL';
  const portText = m?.[3];
  const port = portText ? Number(portText) : scheme === 'https' ? 443 : 80;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return 'Port number was not a decimal number between 0 and 65535';
  let path = m?.[4] ?? '';
  if (!path.startsWith('/')) path = `/${path}`;
  return { scheme, host, port, path };
}

function addressOf(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  return ipToNumber(host) !== undefined ? host : undefined;
}

function label(from: RequestFrom): string {
  if (from.kind === 'pod') return `pod/${from.namespace}/${from.name}`;
  if (from.kind === 'node') return `node/${from.name}`;
  return 'outside/laptop';
}

/** Send one request and return its Trace; never throws for bad input (the trace says why). */
export function request(ctx: ClusterContext, r: ClusterRequest): Trace {
  const method = (r.method ?? 'GET').toUpperCase();
  const hostHeader = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'host')?.[1];
  let target: Target | string;
  if (r.url !== undefined) target = parseRequestUrl(r.url);
  else if (r.address !== undefined && r.port !== undefined)
    target = { scheme: 'http', host: r.address, port: r.port, path: '/' };
  else target = 'A request needs a url, or an address and a port';

  // A host name is looked up from where the request starts (dns/host-lookup.ts), each query traced.
  const resolved: HostLookup =
    typeof target === 'string' || addressOf(target.host) !== undefined
      ? {}
      : lookupForApi(ctx, r.from, target.host);
  if (typeof target !== 'string' && resolved.lookup && resolved.address === undefined) {
    return failedLookupTrace(
      { ctx, from: r.from, fs: { read: () => undefined } },
      target.host,
      r.url ?? '',
      method,
      resolved.lookup,
    );
  }
  if (typeof target === 'string' || (addressOf(target.host) ?? resolved.address) === undefined) {
    const error = typeof target === 'string' ? 'unreachable' : 'resolve';
    const message = typeof target === 'string' ? target : `Could not resolve host: ${target.host}`;
    return {
      request: { from: label(r.from), method, url: r.url ?? '', host: hostHeader ?? '' },
      hops: [{ kind: 'fail', what: message, atMs: 0 }],
      outcome: { ok: false, error, message, connected: false },
      durationMs: 0,
    };
  }
  const opts: RequestOptions = {
    from: r.from,
    address: addressOf(target.host) ?? resolved.address ?? target.host,
    port: target.port,
    method,
    path: target.path,
    scheme: target.scheme,
  };
  if (hostHeader !== undefined) opts.host = hostHeader;
  else if (target.host !== opts.address) {
    opts.host =
      target.port === (target.scheme === 'https' ? 443 : 80)
        ? target.host
        : `${target.host}:${target.port}`;
  }
  if (r.timeoutMs !== undefined) opts.timeoutMs = r.timeoutMs;
  if (r.insecure) opts.insecure = true;
  return withLookup(sendRequest(ctx, opts), resolved.lookup, target.host);
}
