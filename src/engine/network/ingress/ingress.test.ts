/**
 * ingress-nginx in a running cluster: the addon, the controller's status loop, and requests
 * through it in every proxy mode.
 *
 * The cluster runs both examples (examples/ingress-fanout, examples/ingress-virtual-hosts) plus
 * a TLS host and two broken backends. Each routing row is sent three ways — from the laptop to
 * node1's NodePort, from the master to node2's NodePort, and from a pod to the controller
 * Service's ClusterIP — in iptables, userspace and ipvs mode. Whatever kube-proxy does to get the
 * request to the controller pod, the rest is the same: nginx picks the backend by Host and path and
 * dials a pod IP of it itself (no rule of the backend Service is involved), and the backend pod
 * sees the controller pod as its client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import {
  HTTPD_IT_WORKS,
  INGRESS_NGINX_404_PAGE,
  NGINX_WELCOME_PAGE,
} from '../../workloads/catalog';
import { dataplaneOf } from '../dataplane';
import type { ProxyMode } from '../model';
import type { RequestFrom } from '../trace/request';
import { LAPTOP_IP, sendRequest } from '../trace/request';
import type { Trace } from '../trace/trace';
import '../playground-command';
import '../trace/tools';
import { STATUS_UPDATE_INTERVAL_MS } from './controller';
import { nginxPage } from './responses';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');
const example = (dir: string, file: string): string =>
  readFileSync(join(EXAMPLES, dir, file), 'utf8');
const MODES: readonly ProxyMode[] = ['iptables', 'userspace', 'ipvs'];

type Obj = KObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** A TLS site, a backend whose pods refuse, one whose pods never answer. */
const EXTRA = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure
spec:
  tls:
  - hosts: [secure.example.com]
    secretName: secure-tls
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  replicas: 2
  selector: {matchLabels: {app: broken}}
  template:
    metadata:
      labels: {app: broken}
      annotations: {playground/fault: refuse}
    spec:
      containers:
      - {name: app, image: "hashicorp/http-echo:1.0", args: ["-text=broken"]}
---
apiVersion: v1
kind: Service
metadata: {name: broken}
spec:
  selector: {app: broken}
  ports: [{port: 80, targetPort: 5678}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: slow}
spec:
  replicas: 1
  selector: {matchLabels: {app: slow}}
  template:
    metadata:
      labels: {app: slow}
      annotations: {playground/fault: hang}
    spec:
      containers:
      - {name: app, image: "hashicorp/http-echo:1.0", args: ["-text=slow"]}
---
apiVersion: v1
kind: Service
metadata: {name: slow}
spec:
  selector: {app: slow}
  ports: [{port: 80, targetPort: 5678}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: faulty
spec:
  rules:
  - host: broken.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: broken, port: {number: 80}}}}
  - host: slow.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: slow, port: {number: 80}}}}
`;

function run(c: Cluster, cmd: string): string {
  const r = c.shell.run(cmd);
  if (r.exitCode !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
}

function build(opts: { cloudLB?: boolean } = {}): Cluster {
  const c = createCluster({
    seed: 11,
    files: {
      'fanout.yml': example('ingress-fanout', 'fanout.yml'),
      'virtual-hosts.yml': example('ingress-virtual-hosts', 'virtual-hosts.yml'),
      'extra.yml': EXTRA,
    },
  });
  if (opts.cloudLB) run(c, 'playground cloud-lb on');
  run(c, 'playground addons enable ingress-nginx');
  run(c, 'kubectl apply -f fanout.yml -f virtual-hosts.yml -f extra.yml');
  c.advance(STATUS_UPDATE_INTERVAL_MS + 30_000);
  return c;
}

const get = (c: Cluster, kind: string, ns: string, name: string): Obj =>
  c.store.get<Obj>(kind, ns, name) as Obj;
const controllerSvc = (c: Cluster): Obj =>
  get(c, 'Service', 'ingress-nginx', 'ingress-nginx-controller');
const nodePort = (c: Cluster, i = 0): number =>
  ((controllerSvc(c).spec?.ports as Array<{ nodePort: number }>)[i] as { nodePort: number })
    .nodePort;
const controllerPod = (c: Cluster): Obj =>
  c.store.list<Obj>('Pod', { namespace: 'ingress-nginx' })[0] as Obj;
const addresses = (c: Cluster, name: string): unknown =>
  (get(c, 'Ingress', 'default', name).status as { loadBalancer?: { ingress?: unknown } })
    ?.loadBalancer?.ingress;

interface Sender {
  name: string;
  send(c: Cluster, host: string, path: string): Trace;
}

const SENDERS: Sender[] = [
  {
    name: 'the laptop → node1:NodePort',
    send: (c, host, path) =>
      sendRequest(c.context, {
        from: { kind: 'outside' },
        address: '192.168.100.11',
        port: nodePort(c),
        host,
        path,
      }),
  },
  {
    name: 'master → node2:NodePort',
    send: (c, host, path) =>
      sendRequest(c.context, {
        from: { kind: 'node', name: 'master' },
        address: '192.168.100.12',
        port: nodePort(c),
        host,
        path,
      }),
  },
  {
    name: 'pod client → ClusterIP:80',
    send: (c, host, path) =>
      sendRequest(c.context, {
        from: { kind: 'pod', namespace: 'default', name: 'client' } as RequestFrom,
        address: controllerSvc(c).spec?.clusterIP as string,
        port: 80,
        host,
        path,
      }),
  },
];

/** host, path → status, body, the pod that answers (name prefix). */
const ROUTES: ReadonlyArray<[string, string, number, string, string]> = [
  ['shop.example.com', '/cart', 200, 'cart\n', 'default/cart-'],
  ['shop.example.com', '/cart/42', 200, 'cart\n', 'default/cart-'],
  ['shop.example.com', '/catalog/books', 200, 'catalog\n', 'default/catalog-'],
  ['shop.example.com', '/cartoon', 404, INGRESS_NGINX_404_PAGE, 'ingress-nginx/'],
  ['shop.example.com', '/', 404, INGRESS_NGINX_404_PAGE, 'ingress-nginx/'],
  ['www.example.com', '/', 200, NGINX_WELCOME_PAGE, 'default/web-'],
  ['blog.example.com', '/', 200, HTTPD_IT_WORKS, 'default/blog-'],
  ['x.example.com', '/index.html', 200, NGINX_WELCOME_PAGE, 'default/web-'],
  ['x.example.com', '/', 200, 'no such site\n', 'default/fallback'],
  ['a.b.example.com', '/index.html', 404, INGRESS_NGINX_404_PAGE, 'ingress-nginx/'],
  ['secure.example.com', '/', 308, nginxPage(308), 'ingress-nginx/'],
  ['broken.example.com', '/', 502, nginxPage(502), 'ingress-nginx/'],
];

describe.each(MODES)('ingress-nginx routing in %s mode', (mode) => {
  let c: Cluster;
  beforeAll(() => {
    c = build();
    dataplaneOf(c.context).update({ proxyMode: mode });
    c.settle();
  });

  describe.each(SENDERS)('from $name', (sender) => {
    it.each(ROUTES)('%s%s → %i', (host, path, status, body, answeredBy) => {
      const t = sender.send(c, host, path);
      const ctlIP = controllerPod(c).status?.podIP as string;
      expect(t.outcome.ok && [t.outcome.status, t.outcome.body]).toEqual([status, body]);
      expect(t.server?.pod?.startsWith(answeredBy)).toBe(true);
      const first = t.hops.findIndex((h) => h.kind === 'ingress');
      expect(first).toBeGreaterThan(0);
      if (answeredBy.startsWith('default/')) {
        // The backend saw the controller pod; no rule of its Service touched the packets.
        expect(t.server?.peer.ip).toBe(ctlIP);
        const svc = answeredBy.slice('default/'.length).replace(/-$/, '');
        const viaService = t.hops
          .slice(first)
          .filter((h) => h.kind === 'chain' && h.what.includes(`default/${svc}:`));
        expect(viaService).toEqual([]);
      }
    });
  });

  it('no Server header, Date from nginx, the backend headers in nginx order', () => {
    const t = SENDERS[0]!.send(c, 'www.example.com', '/');
    expect(t.outcome.ok && t.outcome.headers.map(([n]) => n)).toEqual([
      'Date',
      'Content-Type',
      'Content-Length',
      'Last-Modified',
      'Connection',
      'ETag',
      'Accept-Ranges',
    ]);
  });
});

describe('ingress-nginx upstreams', () => {
  let c: Cluster;
  beforeAll(() => {
    c = build();
  });

  it('round robin over the ready endpoints, dialled by pod IP', () => {
    const servers = Array.from({ length: 4 }, () => {
      const t = SENDERS[0]!.send(c, 'shop.example.com', '/cart');
      return t.server?.pod;
    });
    const pods = c.store
      .list<Obj>('Pod', { namespace: 'default' })
      .filter((p) => p.metadata.name?.startsWith('cart-'))
      .map((p) => `default/${p.metadata.name}`);
    expect(new Set(servers)).toEqual(new Set(pods));
    expect(servers[0]).toBe(servers[2]);
    expect(servers[1]).toBe(servers[3]);
    expect(servers[0]).not.toBe(servers[1]);
  });

  it('refusing endpoints: three tries, then 502', () => {
    const t = SENDERS[0]!.send(c, 'broken.example.com', '/');
    const tries = t.hops.filter((h) => h.kind === 'ingress' && h.what.includes('connect() failed'));
    expect(tries.map((h) => h.what)).toEqual([
      'connect() failed (111: Connection refused) while connecting to upstream: next upstream',
      'connect() failed (111: Connection refused) while connecting to upstream: next upstream',
      'connect() failed (111: Connection refused) while connecting to upstream',
    ]);
    expect(t.outcome.ok && t.outcome.status).toBe(502);
  });

  it('a backend that never answers: proxy-read-timeout 60 s per try, then 504', () => {
    const t = SENDERS[0]!.send(c, 'slow.example.com', '/');
    expect([t.outcome.ok && t.outcome.status, t.outcome.ok && t.outcome.reason]).toEqual([
      504,
      'Gateway Time-out',
    ]);
    expect(t.durationMs).toBeGreaterThan(180_000);
    expect(t.durationMs).toBeLessThan(180_100);
  });

  it('no ready endpoint: 503 Service Temporarily Unavailable', () => {
    run(c, 'kubectl scale deployment catalog --replicas=0');
    c.advance(5_000);
    const t = SENDERS[0]!.send(c, 'shop.example.com', '/catalog');
    expect(t.outcome.ok && [t.outcome.status, t.outcome.reason, t.outcome.body]).toEqual([
      503,
      'Service Temporarily Unavailable',
      nginxPage(503),
    ]);
  });

  it('TLS: HTTP is redirected; HTTPS is terminated by the controller (-k), with HSTS', () => {
    const plain = SENDERS[0]!.send(c, 'secure.example.com', '/a?b=1');
    expect(plain.outcome.ok && plain.outcome.headers.find(([n]) => n === 'Location')).toEqual([
      'Location',
      'https://secure.example.com/a?b=1',
    ]);
    const https = (insecure: boolean): Trace =>
      sendRequest(c.context, {
        from: { kind: 'outside' },
        address: '192.168.100.11',
        port: nodePort(c, 1),
        host: 'secure.example.com',
        scheme: 'https',
        insecure,
      });
    const ok = https(true);
    expect(ok.outcome.ok && [ok.outcome.status, ok.outcome.headers.at(-1)]).toEqual([
      200,
      ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
    ]);
    expect(ok.hops.some((h) => h.kind === 'ingress' && h.what.includes('TLS terminated'))).toBe(
      true,
    );
    const refused = https(false);
    expect(!refused.outcome.ok && refused.outcome.detail).toBe('tls-verify');
    // Plain HTTP on the HTTPS port: nginx's own 400.
    const wrongPort = sendRequest(c.context, {
      from: { kind: 'outside' },
      address: '192.168.100.11',
      port: nodePort(c, 1),
      host: 'secure.example.com',
    });
    expect(wrongPort.outcome.ok && [wrongPort.outcome.status, wrongPort.outcome.body]).toEqual([
      400,
      '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n' +
        '<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n' +
        '<center>The plain HTTP request was sent to HTTPS port</center>\r\n' +
        '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    ]);
  });
});

describe('curl through the ingress', () => {
  let c: Cluster;
  beforeAll(() => {
    c = build();
  });

  it("from a node: curl -H 'Host: shop.example.com' http://<nodeIP>:<nodePort>/cart", () => {
    expect(
      run(c, `curl -s -H 'Host: shop.example.com' http://192.168.100.11:${nodePort(c)}/cart`),
    ).toBe('cart\n');
    expect(
      run(
        c,
        `ssh node2 "curl -s -H 'Host: shop.example.com' http://192.168.100.11:${nodePort(c)}/catalog"`,
      ),
    ).toBe('catalog\n');
  });

  it('from a pod, on a NodePort and on the ClusterIP', () => {
    expect(
      run(
        c,
        `kubectl exec client -- curl -s -H 'Host: shop.example.com' http://192.168.100.12:${nodePort(c)}/cart`,
      ),
    ).toBe('cart\n');
    const ip = controllerSvc(c).spec?.clusterIP as string;
    expect(run(c, `kubectl exec client -- curl -s -H 'Host: blog.example.com' http://${ip}/`)).toBe(
      HTTPD_IT_WORKS,
    );
  });

  it('from the outside client (the laptop)', () => {
    const t = c.request({
      from: { kind: 'outside' },
      url: `http://192.168.100.12:${nodePort(c)}/cart`,
      headers: { Host: 'shop.example.com' },
    });
    expect(t.request.from).toBe('outside/laptop');
    expect(t.outcome.ok && t.outcome.body).toBe('cart\n');
    expect(t.hops[0]?.what).toContain(LAPTOP_IP);
  });
});

describe('the controller publishes ADDRESS', () => {
  it('NodePort install: the node of the Ready controller pod, at the next 60 s sync', () => {
    const c = createCluster({
      seed: 11,
      files: { 'fanout.yml': example('ingress-fanout', 'fanout.yml') },
    });
    run(c, 'playground addons enable ingress-nginx');
    run(c, 'kubectl apply -f fanout.yml');
    c.advance(1_000);
    expect(addresses(c, 'shop')).toBe(undefined);
    c.advance(STATUS_UPDATE_INTERVAL_MS);
    const node = controllerPod(c).spec?.nodeName as string;
    const ip = { node1: '192.168.100.11', node2: '192.168.100.12' }[node];
    expect(addresses(c, 'shop')).toEqual([{ ip }]);
    expect(run(c, 'kubectl get ingress')).toBe(
      'NAME   CLASS   HOSTS              ADDRESS          PORTS   AGE\n' +
        `shop   nginx   shop.example.com   ${ip}   80      61s\n`,
    );
    const events = c.store
      .list<Obj>('Event', { namespace: 'default' })
      .filter((e) => (e.involvedObject as { kind: string }).kind === 'Ingress')
      .map((e) => [e.reason, e.message, e.count, (e.source as { component: string }).component]);
    expect(events).toEqual([['Sync', 'Scheduled for sync', 2, 'nginx-ingress-controller']]);
  });

  it('LoadBalancer install (cloud-lb on): --publish-service, the load balancer IP', () => {
    const c = build({ cloudLB: true });
    const svc = controllerSvc(c);
    expect(svc.spec?.type).toBe('LoadBalancer');
    const lb = (svc.status as { loadBalancer: { ingress: Array<{ ip: string }> } }).loadBalancer
      .ingress[0]?.ip;
    expect(addresses(c, 'shop')).toEqual([{ ip: lb }]);
    const t = c.request({
      from: { kind: 'outside' },
      url: `http://${lb}/cart`,
      headers: { Host: 'shop.example.com' },
    });
    expect([t.request.from, t.outcome.ok && t.outcome.body]).toEqual([
      'outside/internet',
      'cart\n',
    ]);
  });

  it('without a controller an Ingress is stored and nothing else happens', () => {
    const c = createCluster({
      seed: 11,
      files: { 'fanout.yml': example('ingress-fanout', 'fanout.yml') },
    });
    run(c, 'kubectl apply -f fanout.yml');
    c.advance(5 * 60_000);
    expect(addresses(c, 'shop')).toBe(undefined);
    expect(run(c, 'kubectl get ingress')).toBe(
      'NAME   CLASS   HOSTS              ADDRESS   PORTS   AGE\n' +
        'shop   nginx   shop.example.com             80      5m\n',
    );
    expect(
      c.store
        .list<Obj>('Event')
        .filter((e) => (e.involvedObject as { kind: string }).kind === 'Ingress'),
    ).toEqual([]);
  });

  it('disabling removes the objects, and the last controller clears what it published', () => {
    const c = build();
    expect(addresses(c, 'shop')).not.toBe(undefined);
    expect(run(c, 'playground addons disable ingress-nginx')).toBe(
      "🌑  The 'ingress-nginx' addon is disabled\n",
    );
    c.advance(10_000);
    expect(addresses(c, 'shop')).toBe(undefined);
    expect(c.store.list('Pod', { namespace: 'ingress-nginx' })).toEqual([]);
    expect(c.store.get('IngressClass', undefined, 'nginx')).toBe(undefined);
    c.advance(60_000);
    expect(c.store.get('Namespace', undefined, 'ingress-nginx')).toBe(undefined);
  });
});
