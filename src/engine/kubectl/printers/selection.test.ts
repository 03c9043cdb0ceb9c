import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { kindInfo } from '../../api/kinds';
import { parseJsonPath, relaxedJsonPath } from '../jsonpath';
import {
  FieldSelectorError,
  gvrString,
  matchesFields,
  naturalLess,
  parseFieldSelector,
  serverOrder,
  sortObjects,
  SortError,
  unsupportedField,
} from './selection';

const pod = (name: string, ns = 'default', extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  ...extra,
});

describe('field selectors', () => {
  test('=, == and != joined by commas', () => {
    expect(
      parseFieldSelector('status.phase=Running,spec.nodeName!=node1,metadata.name==x'),
    ).toEqual([
      { field: 'status.phase', op: '=', value: 'Running' },
      { field: 'spec.nodeName', op: '!=', value: 'node1' },
      { field: 'metadata.name', op: '=', value: 'x' },
    ]);
    expect(parseFieldSelector('')).toEqual([]);
  });

  test('a term without an operator is apimachinery’s parse error', () => {
    expect(() => parseFieldSelector('spec.nodeName')).toThrow(
      new FieldSelectorError("invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'"),
    );
  });

  test('matching', () => {
    const p = pod('a', 'default', { spec: { nodeName: 'node1' }, status: { phase: 'Running' } });
    expect(matchesFields(p, parseFieldSelector('status.phase=Running'))).toBe(true);
    expect(matchesFields(p, parseFieldSelector('status.phase!=Running'))).toBe(false);
    expect(
      matchesFields(p, parseFieldSelector('spec.nodeName=node1,metadata.namespace=default')),
    ).toBe(true);
    // An empty value matches an unset field: pods not scheduled yet.
    expect(matchesFields(pod('b'), parseFieldSelector('spec.nodeName='))).toBe(true);
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'web' },
      type: 'Warning',
      source: { component: 'kubelet' },
    };
    expect(
      matchesFields(ev, parseFieldSelector('involvedObject.name=web,type=Warning,source=kubelet')),
    ).toBe(true);
  });

  test.each<[string, string, string | undefined]>([
    ['Pod', 'status.phase=Running', undefined],
    ['Pod', 'status.hostIP=1.2.3.4', 'field label not supported: status.hostIP'],
    ['Node', 'spec.unschedulable=true', undefined],
    ['Node', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['Secret', 'type=Opaque', undefined],
    ['Deployment', 'metadata.name=web', undefined],
    [
      'Deployment',
      'spec.replicas=1',
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
  ])('%s supports %s?', (kind, sel, message) => {
    expect(unsupportedField(kind, parseFieldSelector(sel))).toBe(message);
  });

  test('GroupVersionResource strings as the BadRequest message shows them', () => {
    expect(gvrString(kindInfo('Pod')!)).toBe('/v1, Resource=pods');
    expect(gvrString(kindInfo('Deployment')!)).toBe('apps/v1, Resource=deployments');
  });
});

describe('serverOrder', () => {
  test('etcd key order: namespace, then name, byte-wise', () => {
    const out = serverOrder([
      pod('web-b', 'kube-system'),
      pod('web-a'),
      pod('Web-c'),
      pod('x', 'kube'),
      pod('web-10'),
    ]).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(out).toEqual([
      'default/Web-c',
      'default/web-10',
      'default/web-a',
      'kube-system/web-b',
      'kube/x',
    ]);
  });

  test("events: by the object's name, then oldest first, as real event names sort", () => {
    const ev = (name: string, time: string): KObject => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      eventTime: time,
    });
    const out = serverOrder([
      ev('web.00f0', '2024-06-03T08:00:05.000000Z'),
      ev('web-x.0001', '2024-06-03T08:00:01.000000Z'),
      ev('web.000a', '2024-06-03T08:00:02.000000Z'),
      ev('a.ffff', '2024-06-03T08:00:09.000000Z'),
    ]).map((o) => o.metadata.name);
    // `web-x.` sorts before `web.` because '-' < '.'.
    expect(out).toEqual(['a.ffff', 'web-x.0001', 'web.000a', 'web.00f0']);
  });
});

describe('--sort-by', () => {
  test('natural order for strings', () => {
    expect(naturalLess('pod-9', 'pod-10')).toBe(true);
    expect(naturalLess('pod-10', 'pod-9')).toBe(false);
    expect(naturalLess('a1', 'ab')).toBe(true);
    expect(naturalLess('x01', 'x1')).toBe(false);
    expect(naturalLess('x1', 'x01')).toBe(true);
    expect(naturalLess('abc', 'abd')).toBe(true);
    expect(naturalLess('ab', 'abc')).toBe(true);
  });

  const path = (expr: string) => parseJsonPath(relaxedJsonPath(expr));

  test('strings, timestamps and numbers; missing fields first; stable', () => {
    const objs = [
      pod('p10', 'default', { status: { restarts: 3 }, metadata: {} }),
      pod('p9', 'default', { status: { restarts: 1 } }),
      pod('p2', 'default', {}),
    ];
    objs[0]!.metadata = { name: 'p10', creationTimestamp: '2024-06-03T09:00:00Z' };
    objs[1]!.metadata = { name: 'p9', creationTimestamp: '2024-06-03T08:30:00Z' };
    objs[2]!.metadata = { name: 'p2', creationTimestamp: '2024-06-03T10:00:00Z' };
    const names = (list: KObject[]) => list.map((o) => o.metadata.name);
    expect(names(sortObjects(objs, path('.metadata.name')))).toEqual(['p2', 'p9', 'p10']);
    expect(names(sortObjects(objs, path('{.metadata.creationTimestamp}')))).toEqual([
      'p9',
      'p10',
      'p2',
    ]);
    expect(names(sortObjects(objs, path('status.restarts')))).toEqual(['p2', 'p9', 'p10']);
  });

  test('a field no object has is an error', () => {
    expect(() => sortObjects([pod('a'), pod('b')], path('.spec.nothing'))).toThrow(
      new SortError('couldn\'t find any field with path "{.spec.nothing}" in the list of objects'),
    );
  });
});
