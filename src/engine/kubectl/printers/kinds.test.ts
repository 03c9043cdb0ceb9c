import type { Endpoints } from 'kubernetes-types/core/v1';
import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { EPOCH_MS } from '../../sim/clock';
import {
  formatEndpoints,
  formatLabels,
  formatLabelSelector,
  KIND_TABLES,
  labelSelectorString,
  nodeRoles,
  nodeStatus,
} from './kinds';

const NOW = EPOCH_MS + 60_000;
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-06-03T08:00:00Z' };
const obj = (kind: string, fields: Record<string, unknown>): KObject => ({
  apiVersion: 'v1',
  kind,
  metadata: meta,
  ...fields,
});
const row = (kind: string, fields: Record<string, unknown>): string[] =>
  KIND_TABLES[kind]!.row(obj(kind, fields), NOW);

// printers.go getServiceExternalIP / makePortString (k8s-reference §7.2).
describe('service row', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      'ClusterIP',
      {
        type: 'ClusterIP',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
          { port: 9153, protocol: 'TCP' },
        ],
      },
      ['ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP'],
    ],
    [
      'NodePort',
      {
        type: 'NodePort',
        clusterIPs: ['10.96.1.2'],
        ports: [{ port: 80, nodePort: 31326, protocol: 'TCP' }],
      },
      ['NodePort', '10.96.1.2', '<none>', '80:31326/TCP'],
    ],
    [
      'ClusterIP with externalIPs',
      {
        type: 'ClusterIP',
        clusterIPs: ['10.96.1.2'],
        externalIPs: ['1.2.3.4', '5.6.7.8'],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
      ['ClusterIP', '10.96.1.2', '1.2.3.4,5.6.7.8', '80/TCP'],
    ],
    [
      'LoadBalancer pending',
      {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.1.2'],
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      },
      ['LoadBalancer', '10.96.1.2', '<pending>', '80:30080/TCP'],
    ],
    [
      'headless',
      {
        type: 'ClusterIP',
        clusterIP: 'None',
        clusterIPs: ['None'],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
      ['ClusterIP', 'None', '<none>', '80/TCP'],
    ],
    [
      'ExternalName without ports',
      { type: 'ExternalName', externalName: 'db.example.com' },
      ['ExternalName', '<none>', 'db.example.com', '<none>'],
    ],
  ])('%s', (_name, spec, cells) => {
    expect(row('Service', { spec }).slice(1, 5)).toEqual(cells);
  });

  test('LoadBalancer addresses are sorted, deduplicated, and not clipped (the server prints wide)', () => {
    const cells = row('Service', {
      spec: {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.1.2'],
        externalIPs: ['9.9.9.9'],
        ports: [],
      },
      status: {
        loadBalancer: {
          ingress: [
            { hostname: 'a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com' },
            { ip: '203.0.113.7' },
            { ip: '203.0.113.7' },
          ],
        },
      },
    });
    expect(cells[3]).toBe(
      '203.0.113.7,a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com,9.9.9.9',
    );
  });

  test('wide SELECTOR is the sorted label map', () => {
    expect(row('Service', { spec: { selector: { tier: 'web', app: 'a' } } })[6]).toBe(
      'app=a,tier=web',
    );
  });
});

// printers.go formatEndpoints.
describe('formatEndpoints', () => {
  const addr = (ip: string) => ({ ip });
  test.each<[string, Endpoints['subsets'], string]>([
    ['no subsets', undefined, '<none>'],
    [
      'only not-ready addresses: an empty cell',
      [{ notReadyAddresses: [addr('10.244.1.2')], ports: [{ port: 80 }] }],
      '',
    ],
    ['one address', [{ addresses: [addr('10.244.1.2')], ports: [{ port: 80 }] }], '10.244.1.2:80'],
    [
      'three addresses fit',
      [
        {
          addresses: [addr('10.244.1.2'), addr('10.244.2.2'), addr('10.244.1.3')],
          ports: [{ port: 80 }],
        },
      ],
      '10.244.1.2:80,10.244.2.2:80,10.244.1.3:80',
    ],
    [
      'ports outer, addresses inner, then + N more',
      [
        {
          addresses: [addr('10.244.0.2'), addr('10.244.0.3')],
          ports: [
            { name: 'dns', port: 53 },
            { name: 'dns-tcp', port: 53 },
            { name: 'metrics', port: 9153 },
          ],
        },
      ],
      '10.244.0.2:53,10.244.0.3:53,10.244.0.2:53 + 3 more...',
    ],
    [
      'headless without ports',
      [{ addresses: [addr('10.244.1.2'), addr('10.244.1.3')] }],
      '10.244.1.2,10.244.1.3',
    ],
    ['IPv6 in brackets', [{ addresses: [addr('fd00::1')], ports: [{ port: 80 }] }], '[fd00::1]:80'],
  ])('%s', (_name, subsets, text) => {
    expect(formatEndpoints({ subsets } as Endpoints)).toBe(text);
  });
});

describe('endpointslice row', () => {
  test('ports and addresses, three at most, <unset> when empty', () => {
    expect(
      row('EndpointSlice', {
        addressType: 'IPv4',
        ports: [{ port: 53 }, { port: 53 }, { port: 9153 }, { name: 'x' }],
        endpoints: [
          { addresses: ['10.244.1.2'] },
          { addresses: ['10.244.2.2'] },
          { addresses: ['10.244.1.3'] },
          { addresses: ['10.244.2.3'] },
        ],
      }).slice(1, 4),
    ).toEqual(['IPv4', '53,53,9153 + 1 more...', '10.244.1.2,10.244.2.2,10.244.1.3 + 1 more...']);
    expect(row('EndpointSlice', { addressType: 'IPv4' }).slice(1, 4)).toEqual([
      'IPv4',
      '<unset>',
      '<unset>',
    ]);
  });
});

describe('node status and roles', () => {
  const node = (labels: Record<string, string>, ready?: string, unschedulable?: boolean) => ({
    metadata: { name: 'n', labels },
    spec: unschedulable ? { unschedulable } : {},
    status: ready ? { conditions: [{ type: 'Ready', status: ready }] } : {},
  });
  test.each<[string, ReturnType<typeof node>, string, string]>([
    ['ready worker', node({}, 'True'), 'Ready', '<none>'],
    ['not ready', node({}, 'False'), 'NotReady', '<none>'],
    ['no Ready condition', node({}), 'Unknown', '<none>'],
    [
      'cordoned control plane',
      node({ 'node-role.kubernetes.io/control-plane': '' }, 'True', true),
      'Ready,SchedulingDisabled',
      'control-plane',
    ],
    [
      'several roles, sorted, from both label forms',
      node(
        {
          'node-role.kubernetes.io/worker': '',
          'kubernetes.io/role': 'ingress',
          'node-role.kubernetes.io/': '',
        },
        'Unknown',
      ),
      'NotReady',
      'ingress,worker',
    ],
  ])('%s', (_name, n, status, roles) => {
    expect(nodeStatus(n)).toBe(status);
    expect(nodeRoles(n)).toBe(roles);
  });
});

describe('ingress row', () => {
  test('hosts (three at most, * when none), TLS ports, class', () => {
    const rules = ['a', 'b', 'c', 'd'].map((h) => ({ host: `${h}.example.com` }));
    expect(
      row('Ingress', { spec: { rules, tls: [{ hosts: ['a.example.com'] }] } }).slice(1, 5),
    ).toEqual(['<none>', 'a.example.com,b.example.com,c.example.com + 1 more...', '', '80, 443']);
    expect(
      row('Ingress', {
        spec: { ingressClassName: 'nginx', rules: [{ http: {} }] },
        status: { loadBalancer: { ingress: [{ ip: '192.168.100.240' }] } },
      }).slice(1, 5),
    ).toEqual(['nginx', '*', '192.168.100.240', '80']);
  });
});

describe('event row', () => {
  test('LAST SEEN, TYPE, REASON, OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME', () => {
    expect(
      row('Event', {
        metadata: { ...meta, name: 'web-1.17d5' },
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container\n',
        source: { component: 'kubelet', host: 'node1' },
        firstTimestamp: '2024-06-03T08:00:10Z',
        lastTimestamp: '2024-06-03T08:00:50Z',
        count: 4,
        type: 'Warning',
      }),
    ).toEqual([
      '10s',
      'Warning',
      'BackOff',
      'pod/web-1',
      'spec.containers{web}',
      'kubelet, node1',
      'Back-off restarting failed container',
      '50s',
      '4',
      'web-1.17d5',
    ]);
  });
  test('new-style events: eventTime, series, reporting controller, no count', () => {
    expect(
      row('Event', {
        involvedObject: { kind: 'Node' },
        reason: 'RegisteredNode',
        eventTime: '2024-06-03T08:00:30.000000Z',
        series: { count: 7, lastObservedTime: '2024-06-03T08:00:55.000000Z' },
        reportingComponent: 'node-controller',
        type: 'Normal',
      }).slice(0, 9),
    ).toEqual(['5s', 'Normal', 'RegisteredNode', 'node', '', 'node-controller', '', '30s', '7']);
    expect(row('Event', { eventTime: '2024-06-03T08:00:30.000000Z' })[8]).toBe('1');
  });
});

describe('workload rows', () => {
  test('deployment READY is ready/desired; wide shows containers, images, selector', () => {
    expect(
      row('Deployment', {
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            spec: {
              containers: [
                { name: 'a', image: 'nginx' },
                { name: 'b', image: 'redis' },
              ],
            },
          },
        },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      }),
    ).toEqual(['x', '2/3', '3', '2', '60s', 'a,b', 'nginx,redis', 'app=web']);
  });
  test('daemonset NODE SELECTOR is <none> without one', () => {
    expect(row('DaemonSet', { spec: { template: { spec: {} } } })[6]).toBe('<none>');
  });
  test('configmap and secret DATA count keys', () => {
    expect(row('ConfigMap', { data: { a: '1' }, binaryData: { b: 'AA==' } })[1]).toBe('2');
    expect(
      row('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }).slice(
        1,
        3,
      ),
    ).toEqual(['kubernetes.io/tls', '2']);
  });
});

describe('label formatting', () => {
  test('FormatLabels sorts keys, <none> when empty', () => {
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
  test('label selectors print as kubectl shows them', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'zone', operator: 'Exists' },
      ],
    };
    expect(labelSelectorString(sel)).toBe('app=web,!canary,env notin (dev),tier in (a,b),zone');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(labelSelectorString(undefined)).toBe('');
  });
});
