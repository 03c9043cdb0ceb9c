import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fullSnapshot } from '../state/cluster-store';
import { PlaygroundHost } from '../host/playground-host';
import { LESSON_FILES } from '../host/lesson-files';
import {
  OUTSIDE,
  buildRequest,
  fromChoices,
  fromOfSelection,
  ingressRoute,
  parseFrom,
  targetChoices,
  urlForPick,
  urlOf,
} from './request-form';
import { lessonCluster } from './testing';

const L = lessonCluster();
const host = new PlaygroundHost({ files: LESSON_FILES });
host.run('kubectl apply -f deployment.yml -f service.yml');
host.cluster.advance(120_000);
const objects = fullSnapshot(host);

describe('who can send', () => {
  it('the outside client, the pods with an address, the nodes', () => {
    const groups = fromChoices(objects);
    expect(groups.map((g) => g.label)).toEqual(['Outside', 'Pods', 'Nodes']);
    expect(groups[0]!.choices).toEqual([{ value: OUTSIDE, label: 'Outside client (the laptop)' }]);
    expect(groups[2]!.choices).toEqual([
      { value: 'node/master', label: 'master (192.168.100.10)' },
      { value: 'node/node1', label: 'node1 (192.168.100.11)' },
      { value: 'node/node2', label: 'node2 (192.168.100.12)' },
    ]);
    const sb = groups[1]!.choices.find((c) => c.value === 'pod/default/sb');
    expect(sb?.label).toMatch(/^default\/sb \(10\.244\.\d+\.\d+, node\d\)$/);
    expect(
      groups[1]!.choices.filter((c) => c.value.startsWith('pod/default/httpd2-')),
    ).toHaveLength(3);
  });

  it.each([
    ['outside', { kind: 'outside' }],
    ['pod/default/sb', { kind: 'pod', namespace: 'default', name: 'sb' }],
    ['node/node1', { kind: 'node', name: 'node1' }],
    ['pod/sb', undefined],
    ['', undefined],
  ])('parseFrom(%j)', (value, want) => {
    expect(parseFrom(value)).toEqual(want);
  });

  it('the graph’s selection, when it is a pod or a node', () => {
    expect(fromOfSelection({ kind: 'Pod', namespace: 'default', name: 'sb' })).toBe(
      'pod/default/sb',
    );
    expect(fromOfSelection({ kind: 'Node', name: 'node2' })).toBe('node/node2');
    expect(fromOfSelection({ kind: 'Service', namespace: 'default', name: 'x' })).toBe(undefined);
    expect(fromOfSelection(undefined)).toBe(undefined);
  });
});

describe('targets', () => {
  it('Service ClusterIPs, NodePorts on every node, pods', () => {
    const groups = targetChoices(objects);
    expect(groups.map((g) => g.label)).toEqual(['Services (ClusterIP)', 'NodePorts', 'Pods']);
    const services = groups[0]!.choices;
    expect(services).toContainEqual({
      value: `http://${L.clusterIP}/`,
      label: `default/httpd2 — ${L.clusterIP}:80`,
    });
    expect(services).toContainEqual({
      value: 'https://10.96.0.1/',
      label: 'default/kubernetes:https — 10.96.0.1:443',
    });
    expect(groups[1]!.choices.map((c) => c.label)).toEqual(
      ['master', 'node1', 'node2'].map(
        (n, i) => `default/nginx on ${n} — 192.168.100.1${i}:${L.nodePort}`,
      ),
    );
  });

  it('urls as one types them', () => {
    expect([urlOf('10.96.0.1', 80), urlOf('10.96.0.1', 443), urlOf('10.96.0.1', 8080)]).toEqual([
      'http://10.96.0.1/',
      'https://10.96.0.1/',
      'http://10.96.0.1:8080/',
    ]);
  });
});

describe('buildRequest', () => {
  it('the form as an engine request', () => {
    expect(
      buildRequest({ from: 'pod/default/sb', url: ' http://httpd2/ ', method: 'HEAD', host: '' }),
    ).toEqual({
      from: { kind: 'pod', namespace: 'default', name: 'sb' },
      url: 'http://httpd2/',
      method: 'HEAD',
    });
    expect(
      buildRequest({ from: 'outside', url: '10.0.0.1', method: 'GET', host: 'shop.example.com' }),
    ).toEqual({
      from: { kind: 'outside' },
      url: '10.0.0.1',
      method: 'GET',
      headers: { Host: 'shop.example.com' },
    });
  });
  it('says what is missing', () => {
    expect(buildRequest({ from: '', url: 'x', method: 'GET', host: '' })).toBe(
      'Choose who sends the request.',
    );
    expect(buildRequest({ from: 'outside', url: '  ', method: 'GET', host: '' })).toBe(
      'Type a URL, or pick a target.',
    );
  });
  it('the request it builds is one the engine answers', () => {
    const r = buildRequest({
      from: 'node/master',
      url: `http://${L.clusterIP}/`,
      method: 'GET',
      host: '',
    });
    if (typeof r === 'string') throw new Error(r);
    const t = L.cluster.request(r);
    expect(t.outcome.ok && t.outcome.status).toBe(200);
  });
});

describe('a target picked on the graph', () => {
  const svc = (name: string) => objects.get('Service')!.get(`default/${name}`)!;
  const nodePort = (svc('nginx') as unknown as { spec: { ports: Array<{ nodePort: number }> } })
    .spec.ports[0]!.nodePort;
  const clusterIP = (name: string) =>
    (svc(name) as unknown as { spec: { clusterIP: string } }).spec.clusterIP;

  it('a Service: its DNS name from a pod, its ClusterIP from a node, its NodePort from outside', () => {
    const ref = { kind: 'Service', namespace: 'default', name: 'nginx' };
    expect(urlForPick(ref, objects, 'pod/default/sb')).toBe('http://nginx/');
    expect(urlForPick(ref, objects, 'pod/kube-system/coredns-x')).toBe('http://nginx.default/');
    expect(urlForPick(ref, objects, 'node/node1')).toBe(`http://${clusterIP('nginx')}/`);
    expect(urlForPick(ref, objects, 'outside')).toBe(`http://192.168.100.10:${nodePort}/`);
    // httpd2 has no NodePort: from outside its ClusterIP (which the laptop cannot reach).
    expect(urlForPick({ ...ref, name: 'httpd2' }, objects, 'outside')).toBe(
      `http://${clusterIP('httpd2')}/`,
    );
  });
  it('a pod: its IP and port; a node: its address and the first NodePort', () => {
    const sb = objects.get('Pod')!.get('default/sb') as unknown as { status: { podIP: string } };
    expect(urlForPick({ kind: 'Pod', namespace: 'default', name: 'sb' }, objects, 'outside')).toBe(
      `http://${sb.status.podIP}/`,
    );
    expect(urlForPick({ kind: 'Node', name: 'node2' }, objects, 'outside')).toBe(
      `http://192.168.100.12:${nodePort}/`,
    );
  });
  it('nothing for objects that take no requests', () => {
    expect(
      urlForPick({ kind: 'Deployment', namespace: 'default', name: 'httpd2' }, objects, 'outside'),
    ).toBeUndefined();
    expect(
      urlForPick({ kind: 'Pod', namespace: 'default', name: 'nope' }, objects, 'outside'),
    ).toBe(undefined);
  });
});

describe('a URL with an Ingress host goes to the ingress controller, with the Host header', () => {
  const ing = new PlaygroundHost({
    files: { 'fanout.yml': readFileSync('examples/ingress-fanout/fanout.yml', 'utf8') },
  });
  ing.run('playground addons enable ingress-nginx');
  ing.run('kubectl apply -f fanout.yml');
  ing.cluster.advance(120_000);
  const objs = fullSnapshot(ing);
  const controller = objs
    .get('Service')!
    .get('ingress-nginx/ingress-nginx-controller') as unknown as {
    spec: { clusterIP: string; ports: Array<{ port: number; nodePort: number }> };
  };
  const nodePort = controller.spec.ports.find((p) => p.port === 80)!.nodePort;
  const address = (
    objs.get('Ingress')!.get('default/shop') as unknown as {
      status: { loadBalancer: { ingress: Array<{ ip: string }> } };
    }
  ).status.loadBalancer.ingress[0]!.ip;

  it('from outside: the Ingress ADDRESS and the controller’s NodePort; nginx routes by Host', () => {
    const route = ingressRoute('shop.example.com/cart', 'outside', objs);
    expect(address).toMatch(/^192\.168\.100\.1[0-2]$/);
    expect(route).toEqual({
      url: `http://${address}:${nodePort}/cart`,
      host: 'shop.example.com',
      ingress: 'default/shop',
    });
    const t = ing.cluster.request({
      from: { kind: 'outside' },
      url: route!.url,
      headers: { Host: route!.host },
    });
    expect(t.outcome.ok && t.outcome.status).toBe(200);
    expect(t.hops.some((h) => h.kind === 'ingress')).toBe(true);
  });
  it('from a pod or a node: the controller Service’s ClusterIP', () => {
    expect(ingressRoute('http://shop.example.com/catalog/books', 'node/node1', objs)).toEqual({
      url: `http://${controller.spec.clusterIP}/catalog/books`,
      host: 'shop.example.com',
      ingress: 'default/shop',
    });
  });
  it('any other URL is sent as typed', () => {
    for (const url of [
      'www.example.com/cart',
      'shop.example.com:8080/cart',
      'http://10.96.0.1/',
      'http://httpd2/',
    ])
      expect(ingressRoute(url, 'outside', objs)).toBeUndefined();
    // Without the add-on there is no controller to send to.
    expect(ingressRoute('shop.example.com/cart', 'outside', objects)).toBeUndefined();
  });
});
