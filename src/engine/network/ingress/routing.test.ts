/**
 * ingress-nginx's routing as a table: host × path × scheme → the Service port that gets the
 * request, the controller's default backend (404), or nginx's redirect. The Ingresses below are
 * served oldest first, so a later Ingress that claims a host and path already taken loses.
 */
import { describe, expect, it } from 'vitest';
import type { Ingress, IngressRule } from 'kubernetes-types/networking/v1';
import { utcMs } from '../../sim/clock';
import { INGRESS_NGINX_404_PAGE } from '../../workloads/catalog';
import { compareIngresses } from './config';
import { nginxAnswer, nginxPage, proxiedAnswer } from './responses';
import type { Route } from './routing';
import { buildServers, DEFAULT_SERVER, findServer, hostOf, route } from './routing';

type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

const backend = (svc: string, port: number | string) => ({
  service: { name: svc, port: typeof port === 'number' ? { number: port } : { name: port } },
});

function rule(host: string | undefined, paths: Array<[string, PathType, string, number | string]>) {
  const r: IngressRule = {
    http: {
      paths: paths.map(([path, pathType, svc, port]) => ({
        path,
        pathType,
        backend: backend(svc, port),
      })),
    },
  };
  return host ? { host, ...r } : r;
}

function ingress(
  name: string,
  second: number,
  spec: NonNullable<Ingress['spec']>,
  annotations?: Record<string, string>,
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: `2024-06-03T08:00:${String(second).padStart(2, '0')}Z`,
      ...(annotations ? { annotations } : {}),
    },
    spec,
  };
}

// Deliberately out of order: the controller sorts them by creation.
const INGRESSES: Ingress[] = [
  ingress('dup', 4, { rules: [rule('shop.example.com', [['/cart', 'Prefix', 'dup', 80]])] }),
  ingress('shop', 1, {
    rules: [
      rule('shop.example.com', [
        ['/cart', 'Prefix', 'cart', 80],
        ['/cart/checkout', 'Exact', 'checkout', 80],
        ['/static', 'ImplementationSpecific', 'static', 80],
      ]),
      rule('*.example.com', [['/', 'Prefix', 'wild', 80]]),
    ],
  }),
  ingress('api', 2, {
    defaultBackend: backend('fallback', 80),
    rules: [
      rule('foo.bar.com', [
        ['/api', 'Prefix', 'api', 'http'],
        ['/docs/', 'Prefix', 'docs', 80],
        ['/v1/', 'ImplementationSpecific', 'v1', 80],
      ]),
    ],
  }),
  ingress('catchall', 3, { defaultBackend: backend('catchall', 80) }),
  ingress('nohost', 5, { rules: [rule(undefined, [['/health', 'Exact', 'health', 80]])] }),
  ingress('secure', 6, {
    tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
    rules: [
      rule('secure.example.com', [['/', 'Prefix', 'secure', 443]]),
      // Not in the TLS section, but its Ingress has one: it gets the default certificate.
      rule('plain.example.com', [['/', 'Prefix', 'plain', 80]]),
    ],
  }),
  ingress(
    'relaxed',
    7,
    {
      tls: [{ hosts: ['relaxed.example.com'] }],
      rules: [rule('relaxed.example.com', [['/', 'Prefix', 'relaxed', 80]])],
    },
    { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' },
  ),
];

const SERVERS = buildServers([...INGRESSES].sort(compareIngresses));

function outcome(r: Route): string {
  switch (r.kind) {
    case 'upstream':
      return `${r.upstream.service}:${r.upstream.port}`;
    case 'default-backend':
      return '404';
    case 'redirect':
      return `${r.status} ${r.to}`;
  }
}

describe('ingress-nginx routing (host × path × pathType)', () => {
  it.each([
    // Prefix /cart: `= /cart` and `/cart/`, element-wise.
    ['shop.example.com', '/cart', 'http', 'cart:80'],
    ['shop.example.com', '/cart/', 'http', 'cart:80'],
    ['shop.example.com', '/cart/items/7', 'http', 'cart:80'],
    ['shop.example.com', '/cart?id=3', 'http', 'cart:80'],
    ['shop.example.com', '/cartoon', 'http', '404'],
    ['shop.example.com', '/Cart', 'http', '404'],
    // Exact wins over the Prefix that also matches; only the exact path.
    ['shop.example.com', '/cart/checkout', 'http', 'checkout:80'],
    ['shop.example.com', '/cart/checkout/', 'http', 'cart:80'],
    ['shop.example.com', '/cart/checkout/pay', 'http', 'cart:80'],
    // ImplementationSpecific: nginx's plain string prefix.
    ['shop.example.com', '/static', 'http', 'static:80'],
    ['shop.example.com', '/static/app.js', 'http', 'static:80'],
    ['shop.example.com', '/staticfiles', 'http', 'static:80'],
    // The host has no rule for / and its Ingress no defaultBackend: the controller's 404.
    ['shop.example.com', '/', 'http', '404'],
    // Host: case and port do not matter.
    ['SHOP.Example.COM:30080', '/cart', 'http', 'cart:80'],
    // Wildcard: exactly one label.
    ['www.example.com', '/anything', 'http', 'wild:80'],
    ['a-b_c.example.com', '/', 'http', 'wild:80'],
    ['a.b.example.com', '/', 'http', 'catchall:80'],
    ['example.com', '/', 'http', 'catchall:80'],
    // The exact host wins over the wildcard.
    ['shop.example.com', '/nothing', 'http', '404'],
    // foo.bar.com: its Ingress's defaultBackend catches what no path matches.
    ['foo.bar.com', '/api', 'http', 'api:http'],
    ['foo.bar.com', '/api/v2/users', 'http', 'api:http'],
    ['foo.bar.com', '/apis', 'http', 'fallback:80'],
    ['foo.bar.com', '/', 'http', 'fallback:80'],
    // Prefix /docs/: locations `/docs/` and `= /docs/`; `/docs` gets nginx's 301.
    ['foo.bar.com', '/docs', 'http', '301 http://foo.bar.com/docs/'],
    ['foo.bar.com', '/docs?page=2', 'http', '301 http://foo.bar.com/docs/?page=2'],
    ['foo.bar.com', '/docs/', 'http', 'docs:80'],
    ['foo.bar.com', '/docs/intro', 'http', 'docs:80'],
    ['foo.bar.com', '/v1', 'https', '301 https://foo.bar.com/v1/'],
    ['foo.bar.com', '/v1/x', 'http', 'v1:80'],
    // No server for the host: `_`, with the catch-all Ingress's backend and host-less rules.
    ['unknown.org', '/', 'http', 'catchall:80'],
    ['unknown.org', '/health', 'http', 'health:80'],
    ['unknown.org', '/healthz', 'http', 'catchall:80'],
    ['192.168.100.11:30080', '/health', 'http', 'health:80'],
    // TLS: plain HTTP is redirected (308), HTTPS is served.
    ['secure.example.com', '/', 'http', '308 https://secure.example.com/'],
    ['secure.example.com', '/a?b=c', 'http', '308 https://secure.example.com/a?b=c'],
    ['secure.example.com', '/a', 'https', 'secure:443'],
    ['plain.example.com', '/', 'http', '308 https://plain.example.com/'],
    ['plain.example.com', '/', 'https', 'plain:80'],
    ['relaxed.example.com', '/', 'http', 'relaxed:80'],
    ['relaxed.example.com', '/', 'https', 'relaxed:80'],
    // No TLS for the catch-all: never redirected.
    ['unknown.org', '/', 'https', 'catchall:80'],
  ] as const)('%s %s (%s) → %s', (host, path, scheme, expected) => {
    expect(outcome(route(SERVERS, { host, path, scheme }))).toBe(expected);
  });

  it('writes the locations ingress-nginx writes (nginx.conf order)', () => {
    const byHost = Object.fromEntries(
      SERVERS.map((s) => [
        s.hostname,
        s.locations.map((l) => `${l.nginx} → ${l.upstream?.name ?? 'default backend'}`),
      ]),
    );
    expect(Object.keys(byHost)).toEqual([
      DEFAULT_SERVER,
      '*.example.com',
      'foo.bar.com',
      'plain.example.com',
      'relaxed.example.com',
      'secure.example.com',
      'shop.example.com',
    ]);
    expect(byHost['shop.example.com']).toEqual([
      '/static → default-static-80',
      '= /cart/checkout → default-checkout-80',
      '/cart/ → default-cart-80',
      '= /cart → default-cart-80',
      '/ → default backend',
    ]);
    expect(byHost['foo.bar.com']).toEqual([
      '/v1/ → default-v1-80',
      '/docs/ → default-docs-80',
      '= /docs/ → default-docs-80',
      '/api/ → default-api-http',
      '= /api → default-api-http',
      '/ → default-fallback-80',
    ]);
    expect(byHost[DEFAULT_SERVER]).toEqual([
      '= /health → default-health-80',
      '/ → default-catchall-80',
    ]);
  });

  it('the oldest Ingress keeps a host and path; a newer one claiming them is ignored', () => {
    const alone = buildServers([INGRESSES[0] as Ingress]);
    expect(outcome(route(alone, { host: 'shop.example.com', path: '/cart', scheme: 'http' }))).toBe(
      'dup:80',
    );
    expect(
      outcome(route(SERVERS, { host: 'shop.example.com', path: '/cart', scheme: 'http' })),
    ).toBe('cart:80');
  });

  it('a rule for / takes over the root location; an empty path is /', () => {
    const servers = buildServers([
      ingress('root', 1, {
        defaultBackend: backend('fallback', 80),
        rules: [
          {
            host: 'a.test',
            http: { paths: [{ pathType: 'ImplementationSpecific', backend: backend('root', 80) }] },
          },
        ],
      }),
    ]);
    expect(outcome(route(servers, { host: 'a.test', path: '/x', scheme: 'http' }))).toBe('root:80');
  });

  it.each([
    ['shop.example.com:8080', 'shop.example.com'],
    ['[::1]:80', '[::1]'],
    ['Example.ORG', 'example.org'],
  ])('hostOf(%s) = %s', (header, host) => {
    expect(hostOf(header)).toBe(host);
  });

  it('without Ingresses every request meets the default backend', () => {
    const servers = buildServers([]);
    expect(findServer(servers, 'x').hostname).toBe(DEFAULT_SERVER);
    expect(outcome(route(servers, { host: 'x', path: '/', scheme: 'http' }))).toBe('404');
  });
});

describe('ingress-nginx answers', () => {
  const NOW = utcMs(2024, 6, 3, 8, 0, 3);

  it('the default backend 404 is the controller image page, 146 bytes, no Server header', () => {
    expect(nginxPage(404)).toBe(INGRESS_NGINX_404_PAGE);
    const a = nginxAnswer(404, { now: NOW, head: false, hsts: false });
    expect(a).toEqual({
      kind: 'response',
      httpVersion: 'HTTP/1.1',
      status: 404,
      reason: 'Not Found',
      headers: [
        ['Date', 'Mon, 03 Jun 2024 08:00:03 GMT'],
        ['Content-Type', 'text/html'],
        ['Content-Length', '146'],
        ['Connection', 'keep-alive'],
      ],
      body:
        '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n' +
        '<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    });
  });

  it.each([
    [503, 'Service Temporarily Unavailable', 190],
    [502, 'Bad Gateway', 150],
    [504, 'Gateway Time-out', 160],
    [308, 'Permanent Redirect', 164],
  ])('%i %s (%i bytes)', (status, reason, length) => {
    const a = nginxAnswer(status, { now: NOW, head: false, hsts: false });
    expect(a.kind === 'response' && [a.reason, a.headers[2]]).toEqual([
      reason,
      ['Content-Length', String(length)],
    ]);
  });

  it('a redirect carries Location before Connection; HTTPS answers get HSTS last', () => {
    const a = nginxAnswer(308, { now: NOW, head: true, hsts: true }, 'https://a.test/');
    expect(a.kind === 'response' && [a.headers.map(([n]) => n), a.body]).toEqual([
      [
        'Date',
        'Content-Type',
        'Content-Length',
        'Location',
        'Connection',
        'Strict-Transport-Security',
      ],
      '',
    ]);
  });

  it('a proxied nginx answer loses Server and Date, keeps the rest in nginx header order', () => {
    const upstream = {
      kind: 'response' as const,
      httpVersion: 'HTTP/1.1',
      status: 200,
      reason: 'OK',
      headers: [
        ['Server', 'nginx/1.25.3'],
        ['Date', 'Mon, 03 Jun 2024 07:59:59 GMT'],
        ['Content-Type', 'text/html'],
        ['Content-Length', '615'],
        ['Last-Modified', 'Tue, 24 Oct 2023 13:46:47 GMT'],
        ['Connection', 'keep-alive'],
        ['ETag', '"6537cac7-267"'],
        ['Accept-Ranges', 'bytes'],
      ] as Array<[string, string]>,
      body: 'x',
    };
    expect(proxiedAnswer(upstream, { now: NOW, head: false, hsts: false })).toEqual({
      ...upstream,
      headers: [
        ['Date', 'Mon, 03 Jun 2024 08:00:03 GMT'],
        ['Content-Type', 'text/html'],
        ['Content-Length', '615'],
        ['Last-Modified', 'Tue, 24 Oct 2023 13:46:47 GMT'],
        ['Connection', 'keep-alive'],
        ['ETag', '"6537cac7-267"'],
        ['Accept-Ranges', 'bytes'],
      ],
    });
  });

  it('an upstream that does not speak HTTP is a 502', () => {
    const a = proxiedAnswer({ kind: 'empty-reply' }, { now: NOW, head: false, hsts: false });
    expect(a.kind === 'response' && a.status).toBe(502);
  });
});
