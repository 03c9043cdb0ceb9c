import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import type { Block } from './model';
import { serviceEndpointBlocks, serviceSummaryBlocks } from './service-sections';
import { at, inputFor } from './testing';

const svc: KObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', creationTimestamp: at(0) },
  spec: {
    type: 'NodePort',
    clusterIP: '10.96.12.7',
    clusterIPs: ['10.96.12.7'],
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
      { port: 443, protocol: 'TCP', nodePort: 30443 },
    ],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
  },
};

function slice(
  name: string,
  service: string,
  endpoints: unknown[],
  namespace = 'default',
): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
  };
}

const endpoint = (ip: string, pod: string, node: string, ready: boolean, terminating = false) => ({
  addresses: [ip],
  conditions: { ready, serving: ready, terminating },
  nodeName: node,
  targetRef: { kind: 'Pod', name: pod, namespace: 'default', uid: `${pod}-uid` },
});

const text = (blocks: Block[]): unknown[] =>
  blocks.map((b) => {
    switch (b.type) {
      case 'fields':
        return b.fields.map((f) => `${f.label}: ${f.value.text}`);
      case 'table':
        return [b.columns, ...b.rows.map((r) => r.map((c) => c.text))];
      case 'items':
        return b.items.map((i) => [
          i.title.text,
          i.badges.map((x) => x.text).join(','),
          ...i.fields.map((f) => `${f.label}: ${f.value.text}`),
        ]);
      case 'note':
        return `note(${b.tone ?? ''}): ${b.text}`;
      default:
        return b.type;
    }
  });

describe('service sections', () => {
  it('Service: type, cluster IP, selector, affinity, traffic policy, ports with NodePorts', () => {
    expect(text(serviceSummaryBlocks(inputFor(svc, [], 60)))).toEqual([
      [
        'Type: NodePort',
        'Cluster IP: 10.96.12.7',
        'Selector: app=web',
        'Session affinity: None',
        'External traffic policy: Cluster',
      ],
      [
        ['Name', 'Port', 'Target', 'NodePort'],
        ['http', '80/TCP', '8080', '30080'],
        ['<unset>', '443/TCP', '443', '30443'],
      ],
    ]);
  });

  it('Endpoints: every address of every slice, in IP order, with pod and node', () => {
    const slices = [
      slice('web-abcde', 'web', [
        endpoint('10.244.2.10', 'web-2', 'node2', true),
        endpoint('10.244.1.9', 'web-1', 'node1', false),
      ]),
      slice('web-fghij', 'web', [endpoint('10.244.2.3', 'web-3', 'node2', false, true)]),
      slice('other-xyz', 'other', [endpoint('10.244.1.1', 'x', 'node1', true)]),
      slice('web-prod', 'web', [endpoint('10.244.1.2', 'y', 'node1', true)], 'prod'),
    ];
    const blocks = serviceEndpointBlocks(inputFor(svc, slices, 60));
    expect(text(blocks)).toEqual([
      ['EndpointSlices: web-abcde, web-fghij', 'Ports: http: 8080/TCP', 'Ready: 1 of 3'],
      [
        ['10.244.1.9', 'not ready', 'Pod: web-1', 'Node: node1'],
        ['10.244.2.3', 'not ready,terminating', 'Pod: web-3', 'Node: node2'],
        ['10.244.2.10', 'ready', 'Pod: web-2', 'Node: node2'],
      ],
    ]);
    const items = blocks[1];
    if (items?.type !== 'items') throw new Error('expected items');
    expect(items.items[0]?.fields.map((f) => f.value.ref)).toEqual([
      { kind: 'Pod', namespace: 'default', name: 'web-1' },
      { kind: 'Node', name: 'node1' },
    ]);
  });

  it.each([
    [
      'no pod has the labels',
      [],
      'note(warn): No endpoints: no pod in this namespace has the labels app=web.',
    ],
    [
      'matching pods have no IP yet',
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
        },
      ],
      'note(warn): No endpoints yet: 1 pod matches app=web, none with an IP yet.',
    ],
  ])('Endpoints: an empty slice says why (%s)', (_name, pods, note) => {
    const blocks = serviceEndpointBlocks(
      inputFor(svc, [slice('web-abcde', 'web', []), ...(pods as KObject[])], 60),
    );
    expect(text(blocks)[1]).toBe(note);
  });

  it('Endpoints: a Service without a selector has no managed slices', () => {
    const manual: KObject = { ...svc, spec: { ...(svc.spec as object), selector: undefined } };
    expect(text(serviceEndpointBlocks(inputFor(manual, [], 60)))).toEqual([
      'note(): This Service has no selector: the EndpointSlice controller does not manage its endpoints.',
    ]);
  });
});
