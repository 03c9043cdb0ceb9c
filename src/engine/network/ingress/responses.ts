/**
 * What ingress-nginx's nginx writes back: its own answers (the default backend's 404, 503 for an
 * upstream without endpoints, 502/504 when every try failed, the 301 and 308 redirects) and the
 * upstream's answer as it leaves the proxy.
 *
 * nginx runs with `server_tokens off` and `more_clear_headers Server` (ingress-nginx's nginx.tmpl
 * when `server-tokens` is false, the default): its error pages end in `<center>nginx</center>`
 * and no response carries a `Server:` header — the backend's is hidden too (proxy_pass hides
 * `Server`, `Date`, `X-Pad`, `X-Accel-*`). Headers come in the order ngx_http_header_filter_module
 * writes them: Date, Content-Type, Content-Length (or Transfer-Encoding: chunked when the upstream
 * sent no length), Last-Modified, Location, Connection, then the upstream's remaining headers in
 * their order. HTTPS answers of a server with TLS get HSTS (`hsts`, `hsts-include-subdomains`,
 * `hsts-max-age` 31536000: the defaults), added last.
 */
import type { HttpAnswer } from '../trace/answer';
import { byteLength, httpDate } from '../trace/answer';

/** nginx's reason phrases (ngx_http_status_lines), which differ from Go's for 503 and 504. */
const NGINX_REASONS: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  308: 'Permanent Redirect',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export const HSTS_HEADER: [string, string] = [
  'Strict-Transport-Security',
  'max-age=31536000; includeSubDomains',
];

/** nginx's built-in page for a status, with `server_tokens off` (ngx_http_special_response.c). */
export function nginxPage(status: number): string {
  const title = `${status} ${NGINX_REASONS[status] ?? ''}`;
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

export interface AnswerOptions {
  now: number;
  head: boolean;
  /** An HTTPS request to a server with TLS: add Strict-Transport-Security. */
  hsts: boolean;
}

/** One of nginx's own answers: an error page, or a redirect to `location`. */
export function nginxAnswer(status: number, opts: AnswerOptions, location?: string): HttpAnswer {
  const body = nginxPage(status);
  const headers: Array<[string, string]> = [
    ['Date', httpDate(opts.now)],
    ['Content-Type', 'text/html'],
    ['Content-Length', String(byteLength(body))],
  ];
  if (location !== undefined) headers.push(['Location', location]);
  headers.push(['Connection', 'keep-alive']);
  if (opts.hsts) headers.push(HSTS_HEADER);
  return {
    kind: 'response',
    httpVersion: 'HTTP/1.1',
    status,
    reason: NGINX_REASONS[status] ?? '',
    headers,
    body: opts.head ? '' : body,
  };
}

/**
 * Plain HTTP on nginx's TLS port: nginx's 400 with the error_497 page
 * (ngx_http_error_497_page), which curl sees instead of a handshake.
 */
export function plainHttpToHttpsPort(opts: AnswerOptions): HttpAnswer {
  const body =
    '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n' +
    '<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n' +
    '<center>The plain HTTP request was sent to HTTPS port</center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  return {
    kind: 'response',
    httpVersion: 'HTTP/1.1',
    status: 400,
    reason: 'Bad Request',
    headers: [
      ['Date', httpDate(opts.now)],
      ['Content-Type', 'text/html'],
      ['Content-Length', String(byteLength(body))],
      ['Connection', 'close'],
    ],
    body: opts.head ? '' : body,
  };
}

/** Headers the proxy drops or rewrites rather than passing on. */
const HIDDEN = new Set([
  'server',
  'date',
  'x-pad',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);
const PLACED = new Set(['content-type', 'content-length', 'last-modified', 'location']);

/**
 * The upstream's answer as the client gets it through the proxy. An answer that is no HTTP
 * (an empty reply, an HTTP/0.9 line) is nginx's 502: "upstream prematurely closed connection" /
 * "upstream sent invalid header".
 */
export function proxiedAnswer(upstream: HttpAnswer, opts: AnswerOptions): HttpAnswer {
  if (upstream.kind !== 'response') return nginxAnswer(502, opts);
  const find = (name: string): string | undefined =>
    upstream.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  const headers: Array<[string, string]> = [['Date', httpDate(opts.now)]];
  const type = find('content-type');
  if (type !== undefined) headers.push(['Content-Type', type]);
  const length = find('content-length');
  if (length !== undefined) headers.push(['Content-Length', length]);
  else headers.push(['Transfer-Encoding', 'chunked']);
  const modified = find('last-modified');
  if (modified !== undefined) headers.push(['Last-Modified', modified]);
  const location = find('location');
  if (location !== undefined) headers.push(['Location', location]);
  headers.push(['Connection', 'keep-alive']);
  for (const h of upstream.headers) {
    const n = h[0].toLowerCase();
    if (!HIDDEN.has(n) && !PLACED.has(n)) headers.push(h);
  }
  if (opts.hsts) headers.push(HSTS_HEADER);
  return {
    kind: 'response',
    httpVersion: 'HTTP/1.1',
    status: upstream.status,
    reason: upstream.reason,
    headers,
    body: upstream.body,
  };
}
