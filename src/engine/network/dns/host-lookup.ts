/**
 * Name resolution for the programs that send requests (curl, wget): the URL's host is looked up
 * the way the program's libc would (resolver.ts), from where it runs — a pod's /etc/hosts and
 * /etc/resolv.conf, or a node's — and the lookup's DNS queries become the first hops of the
 * request's Trace (`phase: 'dns'`), before the SYN, with `trace.dns` listing the queries.
 *
 * Which libc: nodes run glibc (Ubuntu); in a pod, the image of its first container decides
 * (Alpine-based images use musl, busybox ≤ 1.30 uClibc, the rest glibc) — the tools do not say
 * which container they run in, and the pods of the lessons have one.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { VirtualFs } from '../../shell/fs';
import { hostsFile, resolvConf } from '../../shell/container/pod-files';
import { netNodes } from '../interfaces';
import { ipToNumber } from '../netfilter/packet';
import type { RequestFrom } from '../trace/request';
import type { Trace, TraceError } from '../trace/trace';
import { recordTrace } from '../trace/trace';
import type { Libc, LookupResult } from './resolver';
import { getaddrinfo, libcOfImage } from './resolver';

export interface HostLookupEnv {
  ctx: ClusterContext;
  from: RequestFrom;
  fs: Pick<VirtualFs, 'read'>;
}

export interface HostLookup {
  /** The address to connect to; undefined when the name did not resolve. */
  address?: string;
  /** The lookup, when the host was a name (absent for an address literal). */
  lookup?: LookupResult;
}

/** The libc of the programs where a request starts. */
export function libcOf(ctx: ClusterContext, from: RequestFrom): Libc {
  if (from.kind !== 'pod') return 'glibc';
  const pod = ctx.store.get<Pod & KObject>('Pod', from.namespace, from.name);
  return libcOfImage(pod?.spec?.containers[0]?.image);
}

/** Resolve a URL's host for a request (an IPv4 literal as is). */
export function lookupForRequest(env: HostLookupEnv, host: string): HostLookup {
  if (ipToNumber(host) !== undefined) return { address: host };
  if (host === '' || /[^A-Za-z0-9._-]/.test(host)) return {};
  const lookup = getaddrinfo(
    { ctx: env.ctx, from: env.from, fs: env.fs, libc: libcOf(env.ctx, env.from) },
    host,
  );
  const address = lookup.addresses[0];
  return address !== undefined ? { address, lookup } : { lookup };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * The request's trace with the lookup before it: the lookup's hops first, the request's shifted
 * by the lookup's duration, the URL as the client wrote it (with the name).
 */
export function withLookup(trace: Trace, lookup: LookupResult | undefined, host?: string): Trace {
  if (!lookup || (lookup.hops.length === 0 && lookup.queries.length === 0)) return trace;
  const shift = lookup.durationMs;
  const hops = [...lookup.hops, ...trace.hops.map((h) => ({ ...h, atMs: round3(h.atMs + shift) }))];
  const out: Trace = {
    ...trace,
    hops,
    durationMs: round3(trace.durationMs + shift),
    dns: lookup.queries,
  };
  const address = lookup.addresses[0];
  if (host !== undefined && address !== undefined) {
    out.request = {
      ...trace.request,
      url: trace.request.url.replace(`://${address}`, `://${host}`),
    };
  }
  return out;
}

function fromLabel(from: RequestFrom): string {
  if (from.kind === 'pod') return `pod/${from.namespace}/${from.name}`;
  if (from.kind === 'node') return `node/${from.name}`;
  return 'outside/laptop';
}

/**
 * A request that never left because its host did not resolve: its trace is the lookup alone.
 * Recorded (for the UI), and its time passes on the cluster's clock.
 */
export function failedLookupTrace(
  env: HostLookupEnv,
  host: string,
  url: string,
  method: string,
  lookup: LookupResult | undefined,
): Trace {
  const error: TraceError = 'resolve';
  return {
    request: { from: fromLabel(env.from), method, url, host },
    hops: lookup?.hops ?? [],
    outcome: { ok: false, error, message: `Could not resolve host: ${host}`, connected: false },
    durationMs: lookup?.durationMs ?? 0,
    ...(lookup ? { dns: lookup.queries } : {}),
  };
}

/** Record a failed lookup's trace and let its time pass. */
export function recordFailedLookup(
  env: HostLookupEnv & { advance(ms: number): void },
  host: string,
  url: string,
  method: string,
  lookup: LookupResult | undefined,
): void {
  const trace = failedLookupTrace(env, host, url, method, lookup);
  if (trace.hops.length === 0) return;
  recordTrace(env.ctx, trace);
  const ms = Math.ceil(trace.durationMs);
  if (ms > 0) env.advance(ms);
}

/**
 * The files a client's resolver reads, for callers without a shell (the engine's request API):
 * a pod's as the kubelet writes them, a node's as systemd-resolved and the node's /etc/hosts
 * have them (the same content as the nodes' shells show). The laptop: none (it cannot resolve
 * cluster names).
 */
export function resolverFilesOf(
  ctx: ClusterContext,
  from: RequestFrom,
): Pick<VirtualFs, 'read'> | undefined {
  if (from.kind === 'pod') {
    const pod = ctx.store.get<Pod & KObject>('Pod', from.namespace, from.name);
    if (!pod) return undefined;
    const files: Record<string, string> = {
      '/etc/resolv.conf': resolvConf(pod, ctx.config.clusterDomain),
      '/etc/hosts': hostsFile(pod, ctx.config.clusterDomain),
    };
    return { read: (p) => files[p] };
  }
  if (from.kind === 'node') {
    const files: Record<string, string> = {
      '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n',
      '/etc/hosts':
        `127.0.0.1 localhost\n127.0.1.1 ${from.name}\n\n` +
        netNodes(ctx)
          .map((n) => `${n.ip} ${n.name}\n`)
          .join(''),
    };
    return { read: (p) => files[p] };
  }
  return undefined;
}

/**
 * Resolve a host for the engine's request API: from a pod or a node as their programs would
 * (glibc-style search through resolv.conf, each query traced); an address literal as is.
 */
export function lookupForApi(ctx: ClusterContext, from: RequestFrom, host: string): HostLookup {
  if (host === 'localhost') return { address: '127.0.0.1' };
  if (ipToNumber(host) !== undefined) return { address: host };
  const fs = resolverFilesOf(ctx, from);
  if (!fs) return {};
  return lookupForRequest({ ctx, from, fs }, host);
}
