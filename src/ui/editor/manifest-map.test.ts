/**
 * Documents ↔ objects: the cursor's document names its object(s) for the graph; an object
 * selected in the graph (or its owner) is found in the workspace files.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, KINDS, parseManifests } from '../../engine';
import type { KObject } from '../../engine';
import type { ObjectsByKind } from '../state/cluster-store';
import { keyOf } from '../state/cluster-store';
import {
  documentsAtLine,
  findDocument,
  locateObject,
  ownerChain,
  refOfObject,
  refsAtLine,
} from './manifest-map';

const DEPLOYMENT = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpd2
spec:
  replicas: 2
  selector:
    matchLabels:
      app: httpd2
  template:
    metadata:
      labels:
        app: httpd2
    spec:
      containers:
      - image: nginx
        name: httpd2
---
apiVersion: v1
kind: Service
metadata:
  name: httpd2
  namespace: web
spec:
  ports:
  - port: 80
`;
const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: v1
  kind: Namespace
  metadata:
    name: team
`;

const obj = (kind: string, metadata: Record<string, unknown>): KObject =>
  ({ apiVersion: 'v1', kind, metadata }) as unknown as KObject;

describe('refOfObject', () => {
  it.each([
    [
      'default namespace',
      obj('Pod', { name: 'p' }),
      { kind: 'Pod', namespace: 'default', name: 'p' },
    ],
    [
      'its own namespace',
      obj('Pod', { name: 'p', namespace: 'x' }),
      { kind: 'Pod', namespace: 'x', name: 'p' },
    ],
    [
      'cluster-scoped: none',
      obj('Namespace', { name: 'x', namespace: 'y' }),
      { kind: 'Namespace', name: 'x' },
    ],
    ['no name', obj('Pod', {}), undefined],
    ['unknown kind', obj('Foo', { name: 'f' }), undefined],
  ])('%s', (_n, o, want) => {
    expect(refOfObject(o)).toEqual(want);
  });
});

describe('documents at the cursor', () => {
  const parsed = parseManifests(DEPLOYMENT);
  it.each([
    [1, []],
    [2, [{ kind: 'Deployment', namespace: 'default', name: 'httpd2' }]],
    [18, [{ kind: 'Deployment', namespace: 'default', name: 'httpd2' }]],
    [19, []],
    [24, [{ kind: 'Service', namespace: 'web', name: 'httpd2' }]],
    [26, [{ kind: 'Service', namespace: 'web', name: 'httpd2' }]],
  ])('line %i', (line, want) => {
    expect(refsAtLine(parsed, line)).toEqual(want);
  });

  it('a List: the item under the cursor', () => {
    const list = parseManifests(LIST);
    expect(refsAtLine(list, 6)).toEqual([{ kind: 'ConfigMap', namespace: 'default', name: 'a' }]);
    expect(refsAtLine(list, 10)).toEqual([{ kind: 'Namespace', name: 'team' }]);
    expect(documentsAtLine(list, 2)).toEqual([]);
  });

  it('finds the document of an object', () => {
    const d = findDocument(parsed, { kind: 'Service', namespace: 'web', name: 'httpd2' });
    expect(d?.range).toEqual({ startLine: 20, endLine: 27 });
    expect(findDocument(parsed, { kind: 'Service', namespace: 'default', name: 'httpd2' })).toBe(
      undefined,
    );
  });
});

describe('ownerChain and locateObject', () => {
  const cluster = createCluster({
    files: { 'deployment.yml': DEPLOYMENT.split('---\napiVersion: v1')[0]! },
  });
  cluster.shell.run('kubectl apply -f deployment.yml');
  cluster.settle();
  const objects: ObjectsByKind = new Map(
    KINDS.map(({ kind }) => [
      kind,
      new Map(cluster.store.list(kind).map((o) => [keyOf(o), o] as const)),
    ]),
  );
  const pod = cluster.store.list('Pod', { namespace: 'default' })[0]!;
  const podRef = { kind: 'Pod', namespace: 'default', name: pod.metadata.name! };

  it('a pod → its ReplicaSet → its Deployment', () => {
    const chain = ownerChain(podRef, objects);
    expect(chain.map((r) => r.kind)).toEqual(['Pod', 'ReplicaSet', 'Deployment']);
    expect(chain[2]).toEqual({ kind: 'Deployment', namespace: 'default', name: 'httpd2' });
  });

  it('an object nobody owns: itself', () => {
    expect(ownerChain({ kind: 'Node', name: 'node1' }, objects)).toEqual([
      { kind: 'Node', name: 'node1' },
    ]);
  });

  it('a pod is written nowhere: its Deployment’s document is found, the active file first', () => {
    const files = [
      { name: 'a.yml', parsed: parseManifests(DEPLOYMENT) },
      { name: 'deployment.yml', parsed: parseManifests(DEPLOYMENT) },
      { name: 'test.yml', parsed: parseManifests(LIST) },
    ];
    const chain = ownerChain(podRef, objects);
    const inActive = locateObject(chain, files, 'deployment.yml');
    expect([inActive?.file, inActive?.ref.kind, inActive?.document.range]).toEqual([
      'deployment.yml',
      'Deployment',
      { startLine: 2, endLine: 18 },
    ]);
    expect(locateObject(chain, files, 'test.yml')?.file).toBe('a.yml');
    expect(locateObject([{ kind: 'Node', name: 'node1' }], files, 'a.yml')).toBe(undefined);
  });
});
