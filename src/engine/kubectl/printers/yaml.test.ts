import { describe, expect, test } from 'vitest';
import { toYaml, yamlKeyLess } from './yaml';

// What sigs.k8s.io/yaml (go-yaml v2) writes, as seen in `kubectl get -o yaml`.
describe('toYaml layout', () => {
  test('sorted keys, 2-space indent, sequences not indented under their key, empty {} and []', () => {
    expect(
      toYaml({
        spec: {
          template: { metadata: { labels: { app: 'web' } } },
          containers: [
            {
              name: 'web',
              image: 'nginx',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: {},
            },
            { name: 'side', image: 'busybox', args: ['sleep', '3600'] },
          ],
          volumes: [],
        },
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', labels: {} },
      }),
    ).toBe(
      `apiVersion: v1
kind: Pod
metadata:
  labels: {}
  name: web
spec:
  containers:
  - image: nginx
    name: web
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
  - args:
    - sleep
    - "3600"
    image: busybox
    name: side
  template:
    metadata:
      labels:
        app: web
  volumes: []
`,
    );
  });

  test('null, booleans and numbers are plain; nested sequences', () => {
    expect(toYaml({ a: null, b: true, c: false, d: 0, e: -3, f: 0.5, g: [[1, 2], []] })).toBe(
      'a: null\nb: true\nc: false\nd: 0\ne: -3\nf: 0.5\ng:\n- - 1\n  - 2\n- []\n',
    );
  });

  test('undefined fields are left out', () => {
    expect(toYaml({ a: 1, b: undefined })).toBe('a: 1\n');
  });
});

describe('toYaml strings', () => {
  test.each<[string, string]>([
    ['nginx', 'nginx'],
    ['', '""'],
    // Strings that would read back as another type are double-quoted (YAML 1.1 rules).
    ['true', '"true"'],
    ['True', '"True"'],
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['n', '"n"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['80', '"80"'],
    ['-1', '"-1"'],
    ['08', '"08"'],
    ['0x1F', '"0x1F"'],
    ['1.5', '"1.5"'],
    ['1e3', '"1e3"'],
    ['.5', '".5"'],
    ['.inf', '".inf"'],
    ['12:30', '"12:30"'],
    ['2024-06-03T08:00:00Z', '"2024-06-03T08:00:00Z"'],
    ['2024-06-03', '"2024-06-03"'],
    // Indicators and surrounding spaces force single quotes.
    ['a: b', "'a: b'"],
    ['- x', "'- x'"],
    ['-', "'-'"],
    ['*', "'*'"],
    ['@x', "'@x'"],
    ['#c', "'#c'"],
    ['a #b', "'a #b'"],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ["it's", "it's"],
    ["'q'", "'''q'''"],
    ['{a}', "'{a}'"],
    ['containers with unready status: [nginx]', "'containers with unready status: [nginx]'"],
    // Fine as they are.
    ['a:b', 'a:b'],
    ['<none>', '<none>'],
    ['10.244.0.0/16', '10.244.0.0/16'],
    ['/dev/termination-log', '/dev/termination-log'],
    ['docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['spec.containers{web}', 'spec.containers{web}'],
    ['ü', 'ü'],
    // Characters YAML cannot show plain are escaped in double quotes.
    ['tab\there', '"tab\\there"'],
    ['emoji 🎉', '"emoji \\U0001F389"'],
    ['bell\x07', '"bell\\a"'],
  ])('%j → %s', (s, out) => {
    expect(toYaml({ k: s })).toBe(`k: ${out}\n`);
  });

  test('multi-line strings are literal blocks with the right chomping', () => {
    expect(toYaml({ a: { b: 'line 1\nline 2\n' } })).toBe('a:\n  b: |\n    line 1\n    line 2\n');
    expect(toYaml({ b: 'x\ny' })).toBe('b: |-\n  x\n  y\n');
    expect(toYaml({ b: 'x\n\n', c: 1 })).toBe('b: |+\n  x\n\nc: 1\n');
    expect(toYaml({ b: '  indented\nx\n' })).toBe('b: |2\n    indented\n  x\n');
    expect(toYaml({ b: 'a\n\nb\n' })).toBe('b: |\n  a\n\n  b\n');
    expect(toYaml({ l: ['x\ny\n', 'z'] })).toBe('l:\n- |\n  x\n  y\n- z\n');
  });

  test('a space before a line break rules out the literal style', () => {
    expect(toYaml({ b: 'x \ny' })).toBe('b: "x \\ny"\n');
  });

  test("kubectl's last-applied annotation: a literal block, never folded", () => {
    const json =
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"httpd2"},"name":"httpd2","namespace":"default"}}\n';
    expect(
      toYaml({
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': json } },
      }),
    ).toBe(
      `metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      ${json}`,
    );
  });

  test('long plain strings fold at the first space past column 80', () => {
    expect(
      toYaml({
        message:
          'hello world this is a long plain string that goes beyond the eighty column limit for sure yes',
      }),
    ).toBe(
      'message: hello world this is a long plain string that goes beyond the eighty column\n  limit for sure yes\n',
    );
  });

  test('long single-quoted strings fold too, as a FailedScheduling condition does', () => {
    // As kubectl prints a pending pod's PodScheduled condition.
    expect(
      toYaml({
        status: {
          conditions: [
            {
              message:
                '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
            },
          ],
        },
      }),
    ).toBe(
      `status:
  conditions:
  - message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:
      }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is
      not helpful for scheduling, 2 No preemption victims found for incoming pod.'
`,
    );
  });

  test('a word longer than the line is never split', () => {
    const word = 'x'.repeat(100);
    expect(toYaml({ a: `${word} yy` })).toBe(`a: ${word}\n  yy\n`);
  });

  test('YAML 1.1 words as keys are quoted, other letter-and-digit keys are not', () => {
    expect(toYaml({ y: 1, on: 2, no: 3, x1: 4, False: 5 })).toBe(
      '"False": 5\n"no": 3\n"on": 2\nx1: 4\n"y": 1\n',
    );
  });

  test('keys are quoted by the same rules', () => {
    expect(toYaml({ true: 1, '': 2, 'a b': 3 })).toBe('"": 2\na b: 3\n"true": 1\n');
  });
});

describe('yamlKeyLess (go-yaml v2 sorter.go)', () => {
  test.each<[string, string]>([
    ['a', 'b'],
    ['app', 'app.kubernetes.io/name'],
    ['a9', 'a10'],
    ['a9', 'app'],
    ['k8s-app', 'kubernetes.io/name'],
    ['_x', 'B'],
    ['B', 'a'],
    ['x1b', 'x1-'],
    ['apiVersion', 'items'],
  ])('%s < %s', (a, b) => {
    expect(yamlKeyLess(a, b)).toBe(true);
    expect(yamlKeyLess(b, a)).toBe(false);
  });

  test('the order of a real object', () => {
    expect(
      toYaml({
        'pod-template-hash': '1',
        app: 'a',
        'app.kubernetes.io/part-of': 'b',
        'k8s-app': 'c',
      }),
    ).toBe('app: a\napp.kubernetes.io/part-of: b\nk8s-app: c\npod-template-hash: "1"\n');
  });
});
