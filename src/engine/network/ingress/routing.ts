/**
 * How ingress-nginx routes a request: the nginx servers and locations its controller writes for
 * a set of Ingresses, and how nginx then picks one for a Host header and a path. Pure: the
 * Ingresses in, a decision out (which upstream, the controller's default backend, or a redirect).
 *
 * Models ingress-nginx v1.10:
 *  - internal/ingress/controller/controller.go createServers: one server per host (rules without
 *    a host go to the catch-all server `_`), each starting with a root location `/` whose backend
 *    is the defaultBackend of the first Ingress that names the host, else the controller's default
 *    backend (its 404 page). An Ingress with a defaultBackend and no rules configures `_`'s root.
 *    The first Ingress (oldest) that lists a host with a TLS section gives the server a
 *    certificate — whether or not the TLS section names that host — and so the HTTP→HTTPS redirect.
 *  - getBackendServers: each rule path becomes a location (an empty path is `/`); a path `/`
 *    takes over the root location; a second location with the same path and pathType is ignored
 *    (the oldest Ingress wins).
 *  - updateServerLocations: a Prefix path `/foo` becomes two locations, `/foo/` (prefix) and
 *    `= /foo` (exact): nginx's prefixes are plain string prefixes, so this is how element-wise
 *    Prefix matching is built (`/foo` matches `/foo` and `/foo/bar`, not `/foobar`). Exact is
 *    `= /foo`. ImplementationSpecific is written as it is — a plain nginx prefix location
 *    (`/foo` matches `/foobar` too) — as long as `nginx.ingress.kubernetes.io/use-regex` is off.
 *  - template.go buildServerName: a wildcard host `*.example.com` becomes the regex server name
 *    `~^(?<subdomain>[\w-]+)\.example\.com$`, which matches exactly one label.
 * And nginx itself (ngx_http_core_module): a server is chosen by exact name first, then by the
 * regex names in order (servers are sorted by hostname), else `_`; a location by an exact match
 * first, else the longest prefix; a request for `/foo` where only `/foo/` exists is answered with
 * a 301 to `/foo/` (the auto_redirect of prefix locations ending in `/` that proxy_pass); the
 * ingress's location then redirects plain HTTP to HTTPS (308) when its server has TLS, unless
 * the Ingress says `nginx.ingress.kubernetes.io/ssl-redirect: "false"`.
 *
 * Left out: regex paths (use-regex, rewrite-target), canary Ingresses, resource backends (they
 * get the default backend), server aliases, case-folding and `..` normalisation of the URI.
 */
import type { Ingress, IngressBackend, IngressTLS } from 'kubernetes-types/networking/v1';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** The catch-all server's name (`server_name _`). */
export const DEFAULT_SERVER = '_';
export const SSL_REDIRECT_ANNOTATION = 'nginx.ingress.kubernetes.io/ssl-redirect';

/** A Service port an Ingress sends traffic to: ingress-nginx's upstream. */
export interface Upstream {
  /** `namespace-service-port`, as ingress-nginx names upstreams (upstreamName). */
  name: string;
  namespace: string;
  service: string;
  /** The Service port, by number or by name, as the Ingress wrote it. */
  port: number | string;
}

export interface Location {
  /** The location as nginx.conf has it: `/cart/`, `= /cart`, `/`. */
  nginx: string;
  /** The path matched against (without the `= ` of exact locations). */
  path: string;
  exact: boolean;
  /** The Ingress path and pathType it came from; undefined for a server's own root location. */
  ingressPath?: string;
  pathType?: PathType;
  /** Where it proxies to; undefined: the controller's default backend (404). */
  upstream?: Upstream;
  /** `namespace/name` of the Ingress that defined it. */
  ingress?: string;
  /** The root location nobody's rule claimed (the default backend, or the Ingress's defaultBackend). */
  isDefBackend: boolean;
  sslRedirect: boolean;
}

export interface Server {
  hostname: string;
  locations: Location[];
  /** Has a certificate from an Ingress's TLS section: plain HTTP is redirected. */
  tls: boolean;
}

function upstreamOf(namespace: string, backend: IngressBackend | undefined): Upstream | undefined {
  const svc = backend?.service;
  if (!svc?.name) return undefined;
  const port: number | string = svc.port?.number ? svc.port.number : (svc.port?.name ?? '');
  return { name: `${namespace}-${svc.name}-${port}`, namespace, service: svc.name, port };
}

const keyOf = (ing: Ingress): string =>
  `${ing.metadata?.namespace ?? 'default'}/${ing.metadata?.name ?? ''}`;

function sslRedirectOf(ing: Ingress): boolean {
  return ing.metadata?.annotations?.[SSL_REDIRECT_ANNOTATION] !== 'false';
}

function hasTLS(tls: readonly IngressTLS[] | undefined): boolean {
  return (tls ?? []).length > 0;
}

/**
 * The servers (with their locations) for Ingresses already sorted in the controller's order
 * (config.ts compareIngresses), sorted by hostname with `_` first, as nginx.conf lists them.
 * Models controller.go createServers + getBackendServers + updateServerLocations.
 */
export function buildServers(ingresses: readonly Ingress[]): Server[] {
  const servers = new Map<string, Server>();
  const root = (upstream: Upstream | undefined, ingress: string | undefined): Location => {
    const loc: Location = {
      nginx: '/',
      path: '/',
      exact: false,
      isDefBackend: true,
      sslRedirect: true,
    };
    if (upstream) loc.upstream = upstream;
    if (ingress) loc.ingress = ingress;
    return loc;
  };
  servers.set(DEFAULT_SERVER, {
    hostname: DEFAULT_SERVER,
    locations: [root(undefined, undefined)],
    tls: false,
  });

  // createServers: the servers, their root locations and certificates.
  for (const ing of ingresses) {
    const ns = ing.metadata?.namespace ?? 'default';
    const def = upstreamOf(ns, ing.spec?.defaultBackend);
    const rules = ing.spec?.rules ?? [];
    if (def && rules.length === 0) {
      // The "catch all" Ingress: a backend and no rule configures the `_` server.
      const defLoc = servers.get(DEFAULT_SERVER)?.locations[0];
      if (defLoc?.isDefBackend && !defLoc.upstream) {
        defLoc.upstream = def;
        defLoc.ingress = keyOf(ing);
      }
    }
    for (const rule of rules) {
      const host = rule.host || DEFAULT_SERVER;
      let server = servers.get(host);
      if (!server) {
        const loc = root(def, def ? keyOf(ing) : undefined);
        loc.sslRedirect = sslRedirectOf(ing);
        server = { hostname: host, locations: [loc], tls: false };
        servers.set(host, server);
      }
      if (host !== DEFAULT_SERVER && !server.tls && hasTLS(ing.spec?.tls)) server.tls = true;
    }
  }

  // getBackendServers: the rules' paths.
  for (const ing of ingresses) {
    const ns = ing.metadata?.namespace ?? 'default';
    for (const rule of ing.spec?.rules ?? []) {
      const server = servers.get(rule.host || DEFAULT_SERVER);
      if (!server) continue;
      for (const p of rule.http?.paths ?? []) {
        const upstream = upstreamOf(ns, p.backend);
        const path = p.path || '/';
        const pathType = (p.pathType ?? 'ImplementationSpecific') as PathType;
        const same = server.locations.find(
          (l) => l.path === path && (l.isDefBackend || l.pathType === pathType),
        );
        if (same?.isDefBackend && path === '/') {
          // The rule takes over the root location.
          same.isDefBackend = false;
          same.ingressPath = path;
          same.pathType = pathType;
          same.ingress = keyOf(ing);
          same.sslRedirect = sslRedirectOf(ing);
          if (upstream) same.upstream = upstream;
          else delete same.upstream;
          continue;
        }
        if (same) continue; // already configured by an older Ingress
        const loc: Location = {
          nginx: pathType === 'Exact' ? `= ${path}` : path,
          path,
          exact: pathType === 'Exact',
          ingressPath: path,
          pathType,
          ingress: keyOf(ing),
          isDefBackend: false,
          sslRedirect: sslRedirectOf(ing),
        };
        if (upstream) loc.upstream = upstream;
        server.locations.push(loc);
      }
    }
  }

  // updateServerLocations: Prefix `/foo` → `/foo/` and `= /foo`.
  for (const server of servers.values()) {
    const exact = new Set(server.locations.filter((l) => l.exact).map((l) => l.path));
    const out: Location[] = [];
    for (const loc of server.locations) {
      if (loc.path === '/' || loc.pathType !== 'Prefix') {
        out.push(loc);
        continue;
      }
      const normalized = loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
      out.push({ ...loc, nginx: normalized, path: normalized });
      if (!exact.has(loc.path)) out.push({ ...loc, nginx: `= ${loc.path}`, exact: true });
    }
    // ingress-nginx lists locations by path, longest (in byte order) first.
    server.locations = out.sort((a, b) => (a.path < b.path ? 1 : a.path > b.path ? -1 : 0));
  }

  return [...servers.values()].sort((a, b) =>
    a.hostname === DEFAULT_SERVER
      ? -1
      : b.hostname === DEFAULT_SERVER
        ? 1
        : a.hostname < b.hostname
          ? -1
          : a.hostname > b.hostname
            ? 1
            : 0,
  );
}

/** `*.example.com` as nginx matches it after buildServerName: exactly one `[\w-]+` label. */
function wildcardMatches(pattern: string, host: string): boolean {
  const rest = pattern.slice(1); // `.example.com`
  if (!host.endsWith(rest)) return false;
  return /^[\w-]+$/.test(host.slice(0, host.length - rest.length));
}

/** The Host header as nginx's $host has it: lower-cased, without the port. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** The server nginx picks for a host: exact name, then wildcard (regex) names in order, then `_`. */
export function findServer(servers: readonly Server[], host: string): Server {
  const h = hostOf(host);
  const exact = servers.find((s) => s.hostname === h && h !== DEFAULT_SERVER);
  if (exact) return exact;
  const wild = servers.find((s) => s.hostname.startsWith('*.') && wildcardMatches(s.hostname, h));
  if (wild) return wild;
  return servers.find((s) => s.hostname === DEFAULT_SERVER) as Server;
}

export type LocationMatch =
  | { kind: 'location'; location: Location }
  /** `/foo` asked where only the prefix `/foo/` exists: nginx's 301 to `/foo/`. */
  | { kind: 'slash-redirect'; location: Location };

/**
 * The location nginx picks for a URI path (no query): `= path`, else a prefix equal to the
 * path, else the auto-redirect to `path/`, else the longest prefix. Every server has `/`.
 * Models ngx_http_core_find_static_location.
 */
export function findLocation(server: Server, path: string): LocationMatch {
  let best: Location | undefined;
  let redirect: Location | undefined;
  for (const loc of server.locations) {
    if (loc.exact) {
      if (loc.path === path) return { kind: 'location', location: loc };
      continue;
    }
    if (path.startsWith(loc.path)) {
      if (!best || loc.path.length > best.path.length) best = loc;
    } else if (loc.path === `${path}/`) redirect = loc;
  }
  if (best && best.path.length === path.length) return { kind: 'location', location: best };
  if (redirect) return { kind: 'slash-redirect', location: redirect };
  return { kind: 'location', location: best ?? (server.locations[0] as Location) };
}

export interface RouteRequest {
  /** The Host header (a port is ignored). */
  host: string;
  /** The request target: path and query. */
  path: string;
  scheme: 'http' | 'https';
}

export type Route =
  | { kind: 'upstream'; server: Server; location: Location; upstream: Upstream }
  /** The controller's default backend answers (404). */
  | { kind: 'default-backend'; server: Server; location: Location }
  /** 301 (slash) or 308 (to HTTPS), to `location`. */
  | { kind: 'redirect'; status: 301 | 308; server: Server; location: Location; to: string };

/** Where ingress-nginx sends a request. */
export function route(servers: readonly Server[], req: RouteRequest): Route {
  const server = findServer(servers, req.host);
  const q = req.path.indexOf('?');
  const path = (q >= 0 ? req.path.slice(0, q) : req.path) || '/';
  const query = q >= 0 ? req.path.slice(q) : '';
  const host = hostOf(req.host);
  const m = findLocation(server, path);
  if (m.kind === 'slash-redirect') {
    return {
      kind: 'redirect',
      status: 301,
      server,
      location: m.location,
      to: `${req.scheme}://${host}${path}/${query}`,
    };
  }
  const location = m.location;
  if (
    req.scheme === 'http' &&
    server.tls &&
    server.hostname !== DEFAULT_SERVER &&
    location.sslRedirect
  ) {
    return { kind: 'redirect', status: 308, server, location, to: `https://${host}${req.path}` };
  }
  if (location.upstream) return { kind: 'upstream', server, location, upstream: location.upstream };
  return { kind: 'default-backend', server, location };
}

/** How a location reads in a trace: `/cart/ (Prefix /cart of default/shop)`. */
export function describeLocation(loc: Location): string {
  if (loc.isDefBackend) {
    return loc.upstream
      ? `/ (the defaultBackend of ${loc.ingress ?? ''})`
      : '/ (no rule matches: the default backend)';
  }
  return `${loc.nginx} (${loc.pathType ?? ''} ${loc.ingressPath ?? ''} of ${loc.ingress ?? ''})`;
}
