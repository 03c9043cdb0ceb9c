import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../cluster';
import { createCluster } from '../../cluster';
import { parseRequestUrl } from './api';

describe('parseRequestUrl (curl-style)', () => {
  it.each([
    ['http://10.96.0.1/', { scheme: 'http', host: '10.96.0.1', port: 80, path: '/' }],
    ['10.96.0.1:8080/healthz', { scheme: 'http', host: '10.96.0.1', port: 8080, path: '/healthz' }],
    ['https://203.0.113.10', { scheme: 'https', host: '203.0.113.10', port: 443, path: '/' }],
    ['HTTP://nginx/a?b=1', { scheme: 'http', host: 'nginx', port: 80, path: '/a?b=1' }],
    ['ftp://x/', 'Protocol "ftp" not supported'],
    ['http://:80/', 'No host part in the URL'],
    ['http://x:99999/', 'Port number was not a decimal number between 0 and 65535'],
  ])('%s', (url, want) => {
    expect(parseRequestUrl(url)).toEqual(want);
  });
});

describe('cluster.request', () => {
  let c: Cluster;
  beforeAll(() => {
    c = createCluster({ seed: 4 });
    c.shell.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
    c.shell.run('kubectl expose deployment web --port=80 --type=NodePort');
    c.settle();
  });
  const svc = () =>
    c.store.get('Service', 'default', 'web')?.spec as {
      clusterIP: string;
      ports: Array<{ nodePort: number }>;
    };

  it('sends to a URL from a node and returns the nginx welcome page with its hops', () => {
    const t = c.request({
      from: { kind: 'node', name: 'master' },
      url: `http://${svc().clusterIP}/`,
    });
    expect(t.outcome.ok && t.outcome.status).toBe(200);
    expect(t.outcome.ok && t.outcome.body).toContain('Welcome to nginx!');
    expect(t.request).toEqual({
      from: 'node/master',
      method: 'GET',
      url: `http://${svc().clusterIP}/`,
      host: svc().clusterIP,
    });
    expect(t.hops.some((h) => h.kind === 'chain' && h.what.includes('DNAT'))).toBe(true);
  });

  it('takes the Host header from headers and the method, and an address+port form', () => {
    const t = c.request({
      from: { kind: 'outside' },
      address: '192.168.100.11',
      port: svc().ports[0]!.nodePort,
      method: 'head',
      headers: { host: 'shop.example.com' },
    });
    expect(t.request.method).toBe('HEAD');
    expect(t.request.host).toBe('shop.example.com');
    expect(t.outcome.ok && t.outcome.status).toBe(200);
  });

  it('a name it cannot resolve, or a bad URL, is a failed trace, not an exception', () => {
    const t = c.request({ from: { kind: 'node', name: 'master' }, url: 'http://nowhere.example/' });
    expect(t.outcome).toEqual({
      ok: false,
      error: 'resolve',
      message: 'Could not resolve host: nowhere.example',
      connected: false,
    });
    const bad = c.request({ from: { kind: 'node', name: 'master' }, url: 'gopher://x/' });
    expect(bad.outcome.ok).toBe(false);
    expect(!bad.outcome.ok && bad.outcome.message).toBe('Protocol "gopher" not supported');
  });
});
