/**
 * The three-way strategic merge patch of `kubectl apply`. Expected patches are what
 * k8s.io/apimachinery strategicpatch.CreateThreeWayMergePatch produces for the same inputs
 * (derived from its algorithm and its patch_test.go shapes), printed as Go's json.Marshal.
 */
import { describe, expect, test } from 'vitest';
import { applyStrategicPatch, goJSON, schemaForKind, threeWayMergePatch } from './strategic-merge';

type Obj = Record<string, unknown>;

const deployment = (spec: Obj, meta: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', ...meta },
  spec,
});

const template = (containers: Obj[]): Obj => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers },
});

/** The live object: what the user wrote plus the server's defaults and fields. */
const live = (replicas: number, containers: Obj[]): Obj =>
  deployment(
    {
      progressDeadlineSeconds: 600,
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        type: 'RollingUpdate',
      },
      template: template(
        containers.map((c) => ({
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          ...c,
        })),
      ),
    },
    { uid: 'u-1', resourceVersion: '7', generation: 1 },
  );

const written = (replicas: number | undefined, containers: Obj[]): Obj =>
  deployment({
    ...(replicas !== undefined ? { replicas } : {}),
    selector: { matchLabels: { app: 'web' } },
    template: template(containers),
  });

describe('threeWayMergePatch', () => {
  const schema = schemaForKind('Deployment');
  const nginx = { name: 'nginx', image: 'nginx:1.25' };
  const cases: Array<{ name: string; original: Obj; modified: Obj; current: Obj; patch: string }> =
    [
      {
        name: 'nothing changed: defaults and server fields are not in the patch',
        original: written(3, [nginx]),
        modified: written(3, [nginx]),
        current: live(3, [nginx]),
        patch: '{}',
      },
      {
        name: 'replicas the user never wrote stay as `kubectl scale` set them',
        original: written(undefined, [nginx]),
        modified: written(undefined, [nginx]),
        current: live(5, [nginx]),
        patch: '{}',
      },
      {
        name: 'replicas the user wrote are put back',
        original: written(3, [nginx]),
        modified: written(3, [nginx]),
        current: live(5, [nginx]),
        patch: '{"spec":{"replicas":3}}',
      },
      {
        name: 'a field removed from the file is cleared',
        original: written(3, [nginx]),
        modified: written(undefined, [nginx]),
        current: live(3, [nginx]),
        patch: '{"spec":{"replicas":null}}',
      },
      {
        name: 'a container image changes: merge by name with $setElementOrder',
        original: written(3, [nginx]),
        modified: written(3, [{ name: 'nginx', image: 'nginx:1.26' }]),
        current: live(3, [nginx]),
        patch:
          '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.26","name":"nginx"}]}}}}',
      },
      {
        name: 'a container removed from the file is deleted with a $patch directive',
        original: written(3, [nginx, { name: 'side', image: 'busybox' }]),
        modified: written(3, [nginx]),
        current: live(3, [nginx, { name: 'side', image: 'busybox' }]),
        patch:
          '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$patch":"delete","name":"side"}]}}}}',
      },
      {
        name: 'a container added to the file is sent whole',
        original: written(3, [nginx]),
        modified: written(3, [nginx, { name: 'side', image: 'busybox' }]),
        current: live(3, [nginx]),
        patch:
          '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"side"}],"containers":[{"image":"busybox","name":"side"}]}}}}',
      },
      {
        name: 'no last-applied annotation: nothing is deleted',
        original: {},
        modified: written(undefined, [nginx]),
        current: live(3, [nginx]),
        patch: '{}',
      },
    ];
  test.each(cases)('$name', ({ original, modified, current, patch }) => {
    expect(goJSON(threeWayMergePatch(original, modified, current, schema))).toBe(patch);
  });

  test('a partial strategy under retainKeys names the keys to keep', () => {
    const modified = deployment({ strategy: { type: 'Recreate' } });
    const current = deployment({
      strategy: { rollingUpdate: { maxSurge: '25%' }, type: 'RollingUpdate' },
    });
    expect(goJSON(threeWayMergePatch(modified, modified, current, schema))).toBe(
      '{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}',
    );
  });

  test('service ports merge by port; the allocated nodePort stays', () => {
    const svc = (ports: Obj[]): Obj => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports, type: 'NodePort' },
    });
    const mine = svc([{ port: 80, targetPort: 80 }]);
    const current = svc([{ nodePort: 31000, port: 80, protocol: 'TCP', targetPort: 80 }]);
    expect(goJSON(threeWayMergePatch(mine, mine, current, schemaForKind('Service')))).toBe('{}');
  });
});

describe('applyStrategicPatch', () => {
  const schema = schemaForKind('Deployment');

  test('merges containers by name, keeping the fields the server defaulted', () => {
    const current = live(3, [{ name: 'nginx', image: 'nginx:1.25' }]);
    const modified = written(3, [{ name: 'nginx', image: 'nginx:1.26' }]);
    const patch = threeWayMergePatch(
      written(3, [{ name: 'nginx', image: 'nginx:1.25' }]),
      modified,
      current,
      schema,
    );
    const out = applyStrategicPatch(current, patch, schema);
    expect((out.spec as Obj).template).toEqual({
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            image: 'nginx:1.26',
            imagePullPolicy: 'IfNotPresent',
            name: 'nginx',
            terminationMessagePath: '/dev/termination-log',
          },
        ],
      },
    });
  });

  test('deletes a removed container and a cleared field, adds a new one in file order', () => {
    const a = { name: 'a', image: 'x' };
    const b = { name: 'b', image: 'y' };
    const c = { name: 'c', image: 'z' };
    const original = written(2, [a, b]);
    const modified = written(undefined, [c, a]);
    const current = live(2, [a, b]);
    const out = applyStrategicPatch(
      current,
      threeWayMergePatch(original, modified, current, schema),
      schema,
    );
    const spec = out.spec as Obj;
    expect(spec.replicas).toBeUndefined();
    const names = ((spec.template as Obj).spec as { containers: Obj[] }).containers.map(
      (x) => x.name,
    );
    expect(names).toEqual(['c', 'a']);
  });

  test('retainKeys clears the strategy fields the file no longer has', () => {
    const current = deployment({
      strategy: { rollingUpdate: { maxSurge: '25%' }, type: 'RollingUpdate' },
    });
    const modified = deployment({ strategy: { type: 'Recreate' } });
    const out = applyStrategicPatch(
      current,
      threeWayMergePatch(modified, modified, current, schema),
      schema,
    );
    expect((out.spec as Obj).strategy).toEqual({ type: 'Recreate' });
  });

  test('does not modify the live object', () => {
    const current = live(3, [{ name: 'nginx', image: 'nginx:1.25' }]);
    const before = JSON.stringify(current);
    applyStrategicPatch(current, { spec: { replicas: 1 } }, schema);
    expect(JSON.stringify(current)).toBe(before);
  });
});

describe('goJSON', () => {
  test.each([
    [{ b: 1, a: 'x' }, '{"a":"x","b":1}'],
    [{ s: '<a&b>' }, '{"s":"\\u003ca\\u0026b\\u003e"}'],
    [[1, null, true], '[1,null,true]'],
    [{ annotations: {} }, '{"annotations":{}}'],
  ])('%j', (v, text) => {
    expect(goJSON(v)).toBe(text);
  });
});
