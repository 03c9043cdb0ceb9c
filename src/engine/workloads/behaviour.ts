/**
 * What a running container does, as plain data plus small pure functions over it. The kubelet
 * uses it for exits, probes and graceful termination; the network layer uses it to answer
 * connections (which ports listen, what an HTTP GET returns).
 *
 * A ProcessBehaviour is resolved once per container start (catalog.ts resolveProcess) from the
 * image and the container spec (command, args, env, stdin). Times are milliseconds after start.
 */
import type { CommandOptions, FileEvent, LogEntry, LogRepeat } from './command';
import { execInContainer } from './command';

export type { FileEvent, LogEntry, LogRepeat };

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** What speaks on a port; the network layer renders protocol-specific answers from it. */
export type PortApp =
  | 'http'
  | 'https'
  | 'dns'
  | 'redis'
  | 'memcached'
  | 'mysql'
  | 'postgres'
  | 'mongodb'
  | 'etcd'
  | 'tcp';

export interface HttpPage {
  status: number;
  contentType: string;
  /** May contain `{{hostname}}` and `{{podIP}}`, filled by renderBody(). */
  body: string;
}

export interface HttpRoute extends HttpPage {
  path: string;
  /** Match every path under `path` rather than exactly `path`. */
  prefix?: boolean;
}

export interface HttpSite {
  /** The `Server:` header (`nginx/1.27.0`, `Apache/2.4.59 (Unix)`), if the server sends one. */
  server?: string;
  routes: HttpRoute[];
  /** The answer for any other path (nginx's 404 page, or 200 for catch-all apps). */
  fallback: HttpPage;
}

export interface ServedPort {
  port: number;
  protocol: Protocol;
  app: PortApp;
  /** For http and https ports. */
  site?: HttpSite;
  /**
   * The first line a non-HTTP server sends back to an HTTP request, which Go's HTTP client reports
   * as `malformed HTTP response "..."` (redis: `-ERR wrong number of arguments for 'get' command`).
   * Absent: the server closes the connection (`EOF`).
   */
  replyToHttp?: string;
}

/** How PID 1 reacts to SIGTERM when the kubelet stops the container. */
export type SigtermBehaviour =
  | { kind: 'exits'; afterMs: number; exitCode: number }
  /** PID 1 without a handler (a shell, `sleep`): only the SIGKILL at the end of the grace period stops it (exit 137). */
  | { kind: 'ignores' };

export interface ProcessBehaviour {
  /** The catalogue entry that described it (`nginx`, `busybox`, `generic`, ...). */
  imageId: string;
  /** What runs, for humans: `nginx`, `sleep 3600`, `sh -c while true; ...`. */
  description: string;
  /** Ports it listens on while running. */
  ports: ServedPort[];
  /** When it exits by itself, and with which code; undefined = until it is killed. */
  exit?: { afterMs: number; code: number };
  sigterm: SigtermBehaviour;
  /** Files present at start (path → content), then changes over time. */
  files: ReadonlyMap<string, string>;
  fileEvents: FileEvent[];
  /** Log lines (`kubectl logs`) with their offsets from start. */
  logs: LogEntry[];
  /** An endless loop's lines, repeated every period. */
  logRepeat?: LogRepeat;
  /** How exec probes and `kubectl exec` commands are answered. */
  exec: CommandOptions;
}

/** Fill `{{hostname}}` / `{{podIP}}` in a served body. */
export function renderBody(body: string, ctx: { hostname: string; podIP: string }): string {
  return body.replace(/\{\{hostname\}\}/g, ctx.hostname).replace(/\{\{podIP\}\}/g, ctx.podIP);
}

/** The port this process listens on, if any. */
export function listeningPort(
  proc: ProcessBehaviour,
  port: number,
  protocol: Protocol = 'TCP',
): ServedPort | undefined {
  return proc.ports.find((p) => p.port === port && p.protocol === protocol);
}

export function filesAt(proc: ProcessBehaviour, elapsedMs: number): Map<string, string> {
  const files = new Map(proc.files);
  for (const e of proc.fileEvents) {
    if (e.atMs > elapsedMs) break;
    if (e.content === undefined) files.delete(e.path);
    else files.set(e.path, e.content);
  }
  return files;
}

/** The page a site serves for a path (query string ignored). */
export function sitePage(site: HttpSite, path: string): HttpPage {
  const p = path.split('?')[0] || '/';
  for (const r of site.routes) {
    if (r.prefix ? p.startsWith(r.path) : p === r.path) return r;
  }
  return site.fallback;
}

export type HttpOutcome =
  | { kind: 'response'; page: HttpPage; server?: string }
  | { kind: 'refused' }
  /** Not an HTTP server: `malformed HTTP response "<line>"`, or EOF when line is undefined. */
  | { kind: 'not-http'; line?: string }
  /** Plain HTTP sent to a TLS port: servers answer 400 (Go: "Client sent an HTTP request to an HTTPS server."). */
  | { kind: 'http-to-https' }
  /** TLS sent to a plain HTTP port: `http: server gave HTTP response to HTTPS client`. */
  | { kind: 'https-to-http' };

/** What an HTTP(S) GET to this process on `port` gets back. */
export function httpGet(
  proc: ProcessBehaviour,
  port: number,
  path: string,
  scheme: 'HTTP' | 'HTTPS' = 'HTTP',
): HttpOutcome {
  const sp = listeningPort(proc, port, 'TCP');
  if (!sp) return { kind: 'refused' };
  if (sp.app === 'https' && scheme === 'HTTP') return { kind: 'http-to-https' };
  if (sp.app === 'http' && scheme === 'HTTPS') return { kind: 'https-to-http' };
  if ((sp.app === 'http' || sp.app === 'https') && sp.site) {
    const page = sitePage(sp.site, path);
    return sp.site.server
      ? { kind: 'response', page, server: sp.site.server }
      : { kind: 'response', page };
  }
  return sp.replyToHttp !== undefined
    ? { kind: 'not-http', line: sp.replyToHttp }
    : { kind: 'not-http' };
}

/** Run a command in the container at `elapsedMs` after its start (exec probes, kubectl exec). */
export function execAt(
  proc: ProcessBehaviour,
  argv: readonly string[],
  elapsedMs: number,
): { exitCode: number; output: string } {
  return execInContainer(argv, { ...proc.exec, files: filesAt(proc, elapsedMs) });
}
