import { describe, expect, test } from 'vitest';
import { executeJsonPath, JsonPathError, parseJsonPath, relaxedJsonPath } from './jsonpath';

const pod = {
  kind: 'Pod',
  metadata: {
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/name': 'shop' },
    annotations: { 'example.com/owner': 'me' },
  },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
      { name: 'redis', image: 'redis' },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ],
    containerStatuses: [
      { name: 'nginx', ready: true, restartCount: 0 },
      { name: 'redis', ready: false, restartCount: 4 },
    ],
  },
};
const list = { apiVersion: 'v1', kind: 'List', items: [pod, { ...pod, metadata: { name: 'db' } }] };

const run = (tpl: string, data: unknown = pod): string => executeJsonPath(parseJsonPath(tpl), data);

describe('jsonpath', () => {
  test.each<[string, string]>([
    ['{.metadata.name}', 'web'],
    ['{.status.phase}', 'Running'],
    ['name: {.metadata.name}!', 'name: web!'],
    ['{.spec.containers[0].image}', 'nginx:1.25'],
    ['{.spec.containers[-1].name}', 'redis'],
    ['{.spec.containers[*].name}', 'nginx redis'],
    ['{.spec.containers[0:1].name}', 'nginx'],
    ['{.spec.containers[0,1].image}', 'nginx:1.25 redis'],
    ['{.status.conditions[?(@.type=="Ready")].status}', 'False'],
    ["{.status.conditions[?(@.type=='Ready')].reason}", 'ContainersNotReady'],
    ['{.status.containerStatuses[?(@.restartCount>0)].name}', 'redis'],
    ['{.status.containerStatuses[?(@.ready==true)].name}', 'nginx'],
    ['{.status.conditions[?(@.reason)].type}', 'Ready'],
    ['{.metadata.labels.app\\.kubernetes\\.io/name}', 'shop'],
    ["{.metadata.annotations['example.com/owner']}", 'me'],
    ['{.metadata.labels}', '{"app":"web","app.kubernetes.io/name":"shop"}'],
    ['{.spec.containers[0].ports}', '[{"containerPort":80}]'],
    ['{.status.containerStatuses[1].restartCount}', '4'],
    ['{.status.containerStatuses[0].ready}', 'true'],
    ['{..image}', 'nginx:1.25 redis'],
    ['{.metadata.labels.*}', 'web shop'],
    ['{.nothing.here}', ''],
    ['{"\\n"}', '\n'],
    ["{'x'}", 'x'],
    [
      '{range .spec.containers[*]}{.name}{"\\t"}{.image}{"\\n"}{end}',
      'nginx\tnginx:1.25\nredis\tredis\n',
    ],
  ])('%s', (tpl, out) => {
    expect(run(tpl)).toBe(out);
  });

  test('lists: items and nested ranges', () => {
    expect(run('{.items[*].metadata.name}', list)).toBe('web db');
    expect(
      run(
        '{range .items[*]}{.metadata.name}:{range .spec.containers[*]} {.name}{end}{"\\n"}{end}',
        list,
      ),
    ).toBe('web: nginx redis\ndb: nginx redis\n');
  });

  test('index out of range is an error, as upstream', () => {
    expect(() => run('{.spec.containers[5].name}')).toThrow(
      new JsonPathError('array index out of bounds: index 5, length 2'),
    );
  });

  test.each<[string, string]>([
    ['{.metadata.name', 'unclosed action'],
    ['{.spec.containers[0}', 'unclosed array expect ]'],
    ['{metadata.name}', 'unrecognized identifier metadata'],
    ['{.a}{end}', 'not in range, nothing to end'],
    ['{\\t}', "unrecognized character in action: U+005C '\\'"],
  ])('parse error %s', (tpl, message) => {
    expect(() => parseJsonPath(tpl)).toThrow(new JsonPathError(message));
  });

  test('relaxed paths for --sort-by and custom columns', () => {
    expect(relaxedJsonPath('.metadata.name')).toBe('{.metadata.name}');
    expect(relaxedJsonPath('metadata.name')).toBe('{.metadata.name}');
    expect(relaxedJsonPath('{.metadata.name}')).toBe('{.metadata.name}');
    expect(relaxedJsonPath('{metadata.name}')).toBe('{.metadata.name}');
    expect(() => relaxedJsonPath('{a}{b}')).toThrow(JsonPathError);
  });
});
