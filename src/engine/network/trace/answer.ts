/**
 * The HTTP answer of the server a request reached: status line, headers in the order the real
 * server writes them, and the body — from the workloads catalogue (which page an image serves on
 * which path, its `Server:` header) plus what each server adds on the wire.
 *
 *  - nginx (static files): `Server`, `Date`, `Content-Type`, `Content-Length`, `Last-Modified`,
 *    `Connection: keep-alive`, `ETag: "<mtime hex>-<size hex>"`, `Accept-Ranges: bytes`; its
 *    error pages (404, 405 "Not Allowed") carry only `Server`, `Date`, `Content-Type`,
 *    `Content-Length`, `Connection` (ngx_http_header_filter_module.c order);
 *  - Apache httpd: `Date`, `Server`, `Last-Modified`, `ETag: "<size hex>-<mtime µs hex>"`,
 *    `Accept-Ranges`, `Content-Length`, `Content-Type` (the image's index.html is dated
 *    Mon, 11 Jun 2007 18:53:14 GMT, hence the famous `"2d-432a5e4a73a80"`); curl sends no
 *    `Connection: keep-alive`, so Apache sends no `Keep-Alive` header back;
 *  - anything else that speaks HTTP answers like a Go net/http server, the usual language of the
 *    small demo images (hello-app, http-echo, the catalogue's generic server): `Date`,
 *    `Content-Length`, `Content-Type`;
 *  - a TLS port spoken to in plain HTTP: Go's `HTTP/1.0 400 Bad Request` with
 *    `Client sent an HTTP request to an HTTPS server.`;
 *  - a port that does not speak HTTP (redis, memcached): curl either gets a line it refuses as
 *    HTTP/0.9, or the server closes at once (an empty reply).
 * Also kube-proxy's health check server (healthCheckNodePort of a LoadBalancer Service with
 * externalTrafficPolicy Local): pkg/proxy/healthcheck/service_health.go's JSON, 200 or 503.
 *
 * Simplified: no conditional requests (If-Modified-Since), no ranges, no chunked encoding, no
 * Allow header on 405s; the mtime of a file a container's script wrote is the container's start.
 */
import type { HttpPage, HttpSite, ProcessBehaviour } from '../../workloads/behaviour';
import { listeningPort, renderBody, sitePage } from '../../workloads/behaviour';
import {
  HTTPD_IT_WORKS,
  NGINX_50X_PAGE,
  NGINX_WELCOME_PAGE,
  nginxErrorPage,
} from '../../workloads/catalog';
import { utcMs } from '../../sim/clock';
import { utf8Bytes } from '../../sim/utf8';

export interface HttpRequestSpec {
  method: string;
  path: string;
  host: string;
}

/** The process that accepted the connection, and what its pages are filled with. */
export interface ServerProcess {
  proc: ProcessBehaviour;
  port: number;
  /** `{{hostname}}` in served bodies (the pod's hostname). */
  hostname: string;
  /** `{{podIP}}`. */
  podIP: string;
  /** Virtual ms the container started: the mtime of files its script wrote. */
  startedAt: number;
}

export type HttpAnswer =
  | {
      kind: 'response';
      httpVersion: string;
      status: number;
      reason: string;
      headers: Array<[string, string]>;
      body: string;
    }
  /** The server closed without a byte: curl's `(52) Empty reply from server`. */
  | { kind: 'empty-reply' }
  /** A first line that is no status line: curl's `(1) Received HTTP/0.9 when not allowed`. */
  | { kind: 'http09'; line: string };

/** The reason phrases the servers print (nginx says "Not Allowed" for 405). */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 9110 IMF-fixdate, what every server puts in `Date:`: `Mon, 03 Jun 2024 08:00:03 GMT`. */
export function httpDate(ms: number): string {
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hh = Math.floor(rem / 3600);
  const mm = Math.floor((rem % 3600) / 60);
  const ss = rem % 60;
  const wd = DAYS[(((days + 4) % 7) + 7) % 7] ?? 'Thu';
  return `${wd}, ${two(d)} ${MONTHS[m - 1] ?? 'Jan'} ${y} ${two(hh)}:${two(mm)}:${two(ss)} GMT`;
}

/** Bytes on the wire (Content-Length counts UTF-8 bytes, not characters). */
export function byteLength(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? s.length : utf8Bytes(s).length;
}

/**
 * When the official nginx images' html files were built (their Last-Modified and ETag), by
 * version; other versions get the newest date known here.
 */
const NGINX_HTML_MTIME: Readonly<Record<string, number>> = {
  '1.25.3': utcMs(2023, 10, 24, 13, 46, 47),
  '1.25.5': utcMs(2024, 4, 16, 15, 47, 6),
  '1.27.0': utcMs(2024, 5, 28, 13, 22, 30),
};
const NGINX_HTML_MTIME_DEFAULT = utcMs(2024, 5, 28, 13, 22, 30);
/** httpd's htdocs/index.html, unchanged since 2007. */
const HTTPD_INDEX_MTIME = utcMs(2007, 6, 11, 18, 53, 14);

type Flavour = 'nginx' | 'apache' | 'go';

function flavourOf(site: HttpSite): Flavour {
  if (site.server?.startsWith('nginx/')) return 'nginx';
  if (site.server?.startsWith('Apache/')) return 'apache';
  return 'go';
}

/**
 * What the server answers an HTTP request on `port` with, or undefined when nothing listens
 * there (the caller has already decided that the connection was accepted). `HTTPS`: the TLS
 * handshake already succeeded (the caller checked that the port speaks TLS).
 */
export function httpAnswer(
  server: ServerProcess,
  req: HttpRequestSpec,
  now: number,
  scheme: 'HTTP' | 'HTTPS' = 'HTTP',
): HttpAnswer | undefined {
  const sp = listeningPort(server.proc, server.port, 'TCP');
  if (!sp) return undefined;
  if (sp.app === 'https' && scheme === 'HTTP') {
    // Go's crypto/tls server sees a plain-text request where a ClientHello belongs.
    return {
      kind: 'response',
      httpVersion: 'HTTP/1.0',
      status: 400,
      reason: 'Bad Request',
      headers: [],
      body: 'Client sent an HTTP request to an HTTPS server.\n',
    };
  }
  if ((sp.app !== 'http' && sp.app !== 'https') || !sp.site) {
    return sp.replyToHttp !== undefined
      ? { kind: 'http09', line: sp.replyToHttp }
      : { kind: 'empty-reply' };
  }
  const site = sp.site;
  const flavour = flavourOf(site);
  const head = req.method === 'HEAD';
  const page = sitePage(site, req.path);
  const isFile = page !== site.fallback;
  const fill = (p: HttpPage): string =>
    renderBody(p.body, { hostname: server.hostname, podIP: server.podIP });

  if (flavour === 'nginx') {
    const version = (site.server ?? '').slice('nginx/'.length);
    const date = httpDate(now);
    if (isFile && req.method !== 'GET' && !head) {
      return nginxError(405, 'Not Allowed', version, date, head);
    }
    if (!isFile) {
      return nginxError(page.status, reasonPhrase(page.status), version, date, head);
    }
    const body = fill(page);
    const mtime = staticMtime(body, server, 'nginx', version);
    const size = byteLength(body);
    return response(
      page.status,
      reasonPhrase(page.status),
      [
        ['Server', site.server ?? 'nginx'],
        ['Date', date],
        ['Content-Type', page.contentType],
        ['Content-Length', String(size)],
        ['Last-Modified', httpDate(mtime)],
        ['Connection', 'keep-alive'],
        ['ETag', `"${Math.floor(mtime / 1000).toString(16)}-${size.toString(16)}"`],
        ['Accept-Ranges', 'bytes'],
      ],
      head ? '' : body,
    );
  }

  if (flavour === 'apache') {
    const date = httpDate(now);
    if (isFile && req.method !== 'GET' && !head) {
      const body =
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n' +
        '<title>405 Method Not Allowed</title>\n</head><body>\n<h1>Method Not Allowed</h1>\n' +
        `<p>The requested method ${req.method} is not allowed for this URL.</p>\n</body></html>\n`;
      return apacheError(405, body, site, date, head);
    }
    if (!isFile) return apacheError(page.status, fill(page), site, date, head);
    const body = fill(page);
    const mtime = staticMtime(body, server, 'apache', '');
    const size = byteLength(body);
    return response(
      page.status,
      reasonPhrase(page.status),
      [
        ['Date', date],
        ['Server', site.server ?? 'Apache'],
        ['Last-Modified', httpDate(mtime)],
        // FileETag MTime Size: size, then mtime in microseconds, both hex.
        ['ETag', `"${size.toString(16)}-${(Math.floor(mtime / 1000) * 1_000_000).toString(16)}"`],
        ['Accept-Ranges', 'bytes'],
        ['Content-Length', String(size)],
        ['Content-Type', page.contentType],
      ],
      head ? '' : body,
    );
  }

  // Go's net/http: headers the handler did not set come after Date and Content-Length.
  const body = fill(page);
  return response(
    page.status,
    reasonPhrase(page.status),
    [
      ['Date', httpDate(now)],
      ['Content-Length', String(byteLength(body))],
      ['Content-Type', page.contentType],
    ],
    head ? '' : body,
  );
}

function response(
  status: number,
  reason: string,
  headers: Array<[string, string]>,
  body: string,
): HttpAnswer {
  return { kind: 'response', httpVersion: 'HTTP/1.1', status, reason, headers, body };
}

function nginxError(
  status: number,
  reason: string,
  version: string,
  date: string,
  head: boolean,
): HttpAnswer {
  const body = nginxErrorPage(status, reason, version);
  return response(
    status,
    reason,
    [
      ['Server', `nginx/${version}`],
      ['Date', date],
      ['Content-Type', 'text/html'],
      ['Content-Length', String(byteLength(body))],
      ['Connection', 'keep-alive'],
    ],
    head ? '' : body,
  );
}

function apacheError(
  status: number,
  body: string,
  site: HttpSite,
  date: string,
  head: boolean,
): HttpAnswer {
  return response(
    status,
    reasonPhrase(status),
    [
      ['Date', date],
      ['Server', site.server ?? 'Apache'],
      ['Content-Length', String(byteLength(body))],
      ['Content-Type', 'text/html; charset=iso-8859-1'],
    ],
    head ? '' : body,
  );
}

/** The file's mtime: the image's own files keep their build date; others are the container's. */
function staticMtime(
  body: string,
  server: ServerProcess,
  flavour: 'nginx' | 'apache',
  version: string,
): number {
  if (flavour === 'nginx' && (body === NGINX_WELCOME_PAGE || body === NGINX_50X_PAGE)) {
    return NGINX_HTML_MTIME[version] ?? NGINX_HTML_MTIME_DEFAULT;
  }
  if (flavour === 'apache' && body === HTTPD_IT_WORKS) return HTTPD_INDEX_MTIME;
  return Math.floor(server.startedAt / 1000) * 1000;
}

/**
 * kube-proxy's health check server for one LoadBalancer Service with externalTrafficPolicy
 * Local, on its healthCheckNodePort: 200 while the node has local endpoints, else 503.
 * Models pkg/proxy/healthcheck/service_health.go hcHandler.ServeHTTP.
 */
export function healthCheckAnswer(
  namespace: string,
  name: string,
  localEndpoints: number,
  now: number,
  head = false,
): HttpAnswer {
  const healthy = localEndpoints > 0;
  const body =
    `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(namespace)},\n` +
    `\t\t"name": ${JSON.stringify(name)}\n\t},\n\t"localEndpoints": ${localEndpoints},\n` +
    `\t"serviceProxyHealthy": true\n}`;
  const status = healthy ? 200 : 503;
  return response(
    status,
    reasonPhrase(status),
    [
      ['Content-Type', 'application/json'],
      ['X-Content-Type-Options', 'nosniff'],
      ['X-Load-Balancing-Endpoint-Weight', String(localEndpoints)],
      ['Date', httpDate(now)],
      ['Content-Length', String(byteLength(body))],
    ],
    head ? '' : body,
  );
}
