/**
 * The editor's problems: kubectl's parse errors as markers, and `kubectl apply -f FILE`'s real
 * output (from the engine's shell) read back onto the documents and fields it names.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, parseManifests } from '../../engine';
import {
  analyzeApply,
  combineProblems,
  errorCauses,
  parseProblems,
  printedId,
  resolveIssues,
  splitErrors,
  tokenRange,
} from './problems';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
      - name: web
        image: nginx
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePorts
  ports:
  - port: 80
`;
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
  - name: c
    image: nginx
`;

/** Apply `text` as the file `name` through the shell, as the editor does. */
function applyFile(text: string, name = 'f.yml', before: Record<string, string> = {}) {
  const cluster = createCluster({ files: { ...before, [name]: text } });
  for (const f of Object.keys(before)) cluster.shell.run(`kubectl apply -f ${f}`);
  const result = cluster.shell.run(`kubectl apply -f ${name}`);
  const parsed = parseManifests(text);
  return { result, report: analyzeApply(text, parsed, result), parsed, cluster };
}

const where = (ps: Array<{ line: number; column: number; message: string }>) =>
  ps.map((p) => `${p.line}:${p.column} ${p.message}`);
/** Position and the field a message starts with. */
const placed = (ps: Array<{ line: number; column: number; message: string }>) =>
  ps.map((p) => `${p.line}:${p.column} ${p.message.split(':')[0]}`);

describe('tokenRange', () => {
  const lines = ['spec:', '  replicas: 3', '  - image: nginx', ''];
  it.each([
    ['a key', 2, 3, { line: 2, column: 3, endLine: 2, endColumn: 11 }],
    ['a list item: its first token', 3, 3, { line: 3, column: 5, endLine: 3, endColumn: 10 }],
    [
      'past the end of a line: its last character',
      1,
      40,
      { line: 1, column: 5, endLine: 1, endColumn: 6 },
    ],
    ['an empty line: one column', 4, 1, { line: 4, column: 1, endLine: 4, endColumn: 2 }],
    ['past the last line', 9, 1, { line: 4, column: 1, endLine: 4, endColumn: 2 }],
  ])('%s', (_name, line, column, want) => {
    expect(tokenRange(lines, line, column)).toEqual(want);
  });
});

describe('parseProblems', () => {
  it('a YAML syntax error: kubectl words, at its line and column, with the explanation', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n    labels: x\n';
    const ps = parseProblems(text, parseManifests(text));
    expect(ps.map((p) => [p.severity, p.source, p.line, p.message])).toEqual([
      [
        'error',
        'kubectl',
        5,
        'error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context',
      ],
    ]);
  });

  it('notes that kubectl stops reading the file at a syntax error', () => {
    const text = `${POD}---\napiVersion: v1\nkind: Pod\nmetadata: [\n---\n${POD}`;
    const ps = parseProblems(text, parseManifests(text));
    expect(ps).toHaveLength(1);
    expect(ps[0]!.detail).toMatch(
      /kubectl stops reading the file here: the documents after this one are not applied\.$/,
    );
  });

  it('missing kind and unknown kinds, on their documents; duplicate keys as warnings', () => {
    const text = `apiVersion: v1\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Foo\nmetadata:\n  name: b\n---\n${POD.replace('  name: ok\n', '  name: ok\n  name: again\n')}`;
    const ps = parseProblems(text, parseManifests(text));
    expect(ps.map((p) => `${p.severity} ${p.line}:${p.column} ${p.message}`)).toEqual([
      'error 1:1 error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false',
      'error 5:1 no matches for kind "Foo" in version "v1"',
      'warning 14:3 line 14: key "name" already set in map',
    ]);
  });

  it('nothing for a good file', () => {
    expect(parseProblems(POD, parseManifests(POD))).toEqual([]);
  });
});

describe('splitErrors and errorCauses', () => {
  it('splits an aggregate into one error per object, dropping warnings', () => {
    const stderr =
      'Warning: resource pods/x is missing the kubectl.kubernetes.io/last-applied-configuration annotation\n' +
      'Error from server (Invalid): error when creating "f.yml": Deployment.apps "web" is invalid: [a: Required value, b: Invalid value: 1: no]\n' +
      '[resource mapping not found for name: "x" namespace: "" from "f.yml": no matches for kind "Foo" in version "v1"\n' +
      'ensure CRDs are installed first, error parsing f.yml: x]\n' +
      'Error from server (NotFound): error when creating "f.yml": namespaces "nope" not found\n';
    expect(splitErrors(stderr)).toEqual([
      'Error from server (Invalid): error when creating "f.yml": Deployment.apps "web" is invalid: [a: Required value, b: Invalid value: 1: no]',
      '[resource mapping not found for name: "x" namespace: "" from "f.yml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first, error parsing f.yml: x]',
      'Error from server (NotFound): error when creating "f.yml": namespaces "nope" not found',
    ]);
  });

  it.each([
    [
      'an Invalid list',
      'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]',
      [
        ['spec.replicas', 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
        ['spec.selector', 'spec.selector: Required value'],
      ],
    ],
    [
      'CheckErr’s bullet list',
      'The Service "s" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.type: Unsupported value: "Foo": supported values: "ClusterIP"',
      [
        [
          'spec.ports[0].port',
          'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        ],
        ['spec.type', 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP"'],
      ],
    ],
    [
      'strict decoding',
      'Error from server (BadRequest): error when creating "f.yml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
      [['spec.containers[0].imagee', 'unknown field "spec.containers[0].imagee"']],
    ],
    [
      'labels with dots in a map key',
      'The Pod "p" is invalid: metadata.labels[app.kubernetes.io/name]: Invalid value: "-x": a valid label must be ...',
      [
        [
          'metadata.labels[app.kubernetes.io/name]',
          'metadata.labels[app.kubernetes.io/name]: Invalid value: "-x": a valid label must be ...',
        ],
      ],
    ],
    [
      'no field',
      'Error from server (NotFound): error when creating "f.yml": namespaces "nope" not found',
      [
        [
          undefined,
          'Error from server (NotFound): error when creating "f.yml": namespaces "nope" not found',
        ],
      ],
    ],
  ])('%s', (_name, error, want) => {
    expect(errorCauses(error).map((c) => [c.fieldPath, c.message])).toEqual(want);
  });
});

describe('analyzeApply on kubectl’s real output', () => {
  it('names the printed objects as kubectl does', () => {
    expect([
      printedId('Deployment', 'a'),
      printedId('Service', 'b'),
      printedId('Ingress', 'c'),
    ]).toEqual(['deployment.apps/a', 'service/b', 'ingress.networking.k8s.io/c']);
  });

  it('the lesson’s deployment.yml: both created, no issues', () => {
    const text = `---\n${DEPLOYMENT.replace('-1', '3').replace('app: other', 'app: web')}---\n${SERVICE.replace('NodePorts', 'NodePort')}`;
    const { report } = applyFile(text);
    expect(report.ok).toBe(true);
    expect(report.summary).toBe('2 created');
    expect(report.outcomes.map((o) => [o.id, o.operation])).toEqual([
      ['deployment.apps/web', 'created'],
      ['service/web', 'created'],
    ]);
    expect(report.issues).toEqual([]);
  });

  it('a second apply: unchanged, with kubectl’s single-object summary', () => {
    const { report } = applyFile(POD, 'p.yml', { 'p.yml': POD });
    expect([report.ok, report.summary]).toEqual([true, 'pod/ok unchanged']);
  });

  it('two invalid objects and a good one: the good one is created, each error on its field', () => {
    const text = `${DEPLOYMENT}---\n${SERVICE}---\n${POD}`;
    const { report, parsed, result } = applyFile(text);
    expect(result.stdout).toBe('pod/ok created\n');
    expect([report.ok, report.summary]).toEqual([false, '1 created, 2 errors']);
    expect(report.outcomes.map((o) => [o.id, o.operation ?? 'failed'])).toEqual([
      ['deployment.apps/web', 'failed'],
      ['service/web', 'failed'],
      ['pod/ok', 'created'],
    ]);
    expect(where(resolveIssues(report.issues, text, parsed))).toEqual([
      '6:3 spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      '12:7 spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
      '24:3 spec.type: Unsupported value: "NodePorts": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('one object with several causes (CheckErr’s bullet list)', () => {
    const text = SERVICE.replace('NodePorts', 'Foo').replace('port: 80', 'port: 0');
    const { report, parsed } = applyFile(text);
    expect(report.summary).toBe('1 error');
    expect(where(resolveIssues(report.issues, text, parsed))).toEqual([
      '6:3 spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      '8:5 spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      '8:5 spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('an unknown field, at that field', () => {
    const text = POD.replace('image:', 'imagee:');
    const { report, parsed } = applyFile(text);
    expect(where(resolveIssues(report.issues, text, parsed))).toEqual([
      '8:5 unknown field "spec.containers[0].imagee"',
    ]);
  });

  it('an error naming no field sits on its document; read errors are counted, not placed', () => {
    const text = `${POD.replace('  name: ok\n', '  name: p2\n  namespace: nope\n')}---\napiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n`;
    const { report, parsed } = applyFile(text);
    expect([report.summary, report.readErrors]).toEqual(['2 errors', 1]);
    expect(where(resolveIssues(report.issues, text, parsed))).toEqual([
      '1:1 Error from server (NotFound): error when creating "f.yml": namespaces "nope" not found',
    ]);
  });

  it('an update refused (the patch error) lands on the field', () => {
    const good = POD;
    const bad = POD.replace('image: nginx', 'image: nginx\n    ports:\n    - containerPort: -5');
    const cluster = createCluster({ files: { 'p.yml': good } });
    cluster.shell.run('kubectl apply -f p.yml');
    cluster.workspace.write('p.yml', bad);
    const result = cluster.shell.run('kubectl apply -f p.yml');
    const parsed = parseManifests(bad);
    const report = analyzeApply(bad, parsed, result);
    expect(report.summary).toBe('1 error');
    expect(placed(resolveIssues(report.issues, bad, parsed))).toEqual([
      '10:7 spec.containers[0].ports[0].containerPort',
    ]);
  });
});

describe('resolveIssues after edits', () => {
  const text = `${DEPLOYMENT}---\n${SERVICE}`;
  const { report } = applyFile(text);

  it('follows a document that moved (another document was edited above it)', () => {
    const moved = `# a comment\n# and another\n${text}`;
    expect(placed(resolveIssues(report.issues, moved, parseManifests(moved)))).toEqual([
      '8:3 spec.replicas',
      '14:7 spec.template.metadata.labels',
      '26:3 spec.type',
    ]);
  });

  it('drops the issues of a document once it is edited', () => {
    const fixed = text.replace('NodePorts', 'NodePort');
    expect(placed(resolveIssues(report.issues, fixed, parseManifests(fixed)))).toEqual([
      '6:3 spec.replicas',
      '12:7 spec.template.metadata.labels',
    ]);
  });

  it('drops the issues of a document that is gone', () => {
    expect(placed(resolveIssues(report.issues, SERVICE, parseManifests(SERVICE)))).toEqual([
      '6:3 spec.type',
    ]);
    expect(placed(resolveIssues(report.issues, POD, parseManifests(POD)))).toEqual([]);
  });
});

describe('combineProblems', () => {
  const p = (source: 'kubectl' | 'schema' | 'yaml', line: number, message: string) => ({
    severity: 'error' as const,
    source,
    message,
    line,
    column: 1,
    endLine: line,
    endColumn: 2,
  });

  it('drops the editor’s findings on documents kubectl cannot read, and its syntax errors', () => {
    const text = `${POD}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n    labels: x\n`;
    const parsed = parseManifests(text);
    const own = parseProblems(text, parsed);
    const editor = [
      p('schema', 3, 'Incorrect type.'),
      p('yaml', 14, 'Nested mappings are not allowed in compact mappings'),
      p('schema', 14, 'Incorrect type. Expected one of string, null.'),
    ];
    expect(combineProblems(own, editor, parsed).map((x) => `${x.source} ${x.line}`)).toEqual([
      'schema 3',
      'kubectl 14',
    ]);
  });

  it('keeps everything when kubectl reads the file', () => {
    const parsed = parseManifests(POD);
    expect(combineProblems([], [p('schema', 8, 'x'), p('yaml', 2, 'y')], parsed)).toHaveLength(2);
  });
});
