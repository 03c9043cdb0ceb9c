/**
 * parseManifests and positionOf: documents with their line ranges, kubectl's messages for broken
 * manifests (the good documents survive the bad ones), field paths back to source positions, and
 * the promise that no input makes the parser throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFieldPath, parseManifests, positionOf } from './manifest';

const lines = (...l: string[]): string => l.join('\n') + '\n';

const DEPLOYMENT = lines(
  'apiVersion: apps/v1', //  1
  'kind: Deployment', //  2
  'metadata:', //  3
  '  name: web', //  4
  '  labels:', //  5
  '    app.kubernetes.io/name: web', //  6
  'spec:', //  7
  '  replicas: 3', //  8
  '  selector:', //  9
  '    matchLabels:', // 10
  '      app: web', // 11
  '  template:', // 12
  '    metadata:', // 13
  '      labels:', // 14
  '        app: web', // 15
  '    spec:', // 16
  '      containers:', // 17
  '      - name: web', // 18
  '        image: nginx:1.25', // 19
  '        ports:', // 20
  '        - containerPort: 80', // 21
  '          name: http', // 22
);

describe('documents', () => {
  it('splits a multi-document stream, with line ranges, skipping empty documents', () => {
    const text = lines(
      '# a comment before anything', //  1
      '---', //  2
      'apiVersion: v1', //  3
      'kind: Namespace', //  4
      'metadata:', //  5
      '  name: shop', //  6
      '---', //  7
      '---', //  8
      '# nothing but a comment', //  9
      '---', // 10
      'apiVersion: v1', // 11
      'kind: ConfigMap', // 12
      'metadata: {name: cfg, namespace: shop}', // 13
      'data:', // 14
      '  mode: 0644', // 15  (YAML 1.1, as go-yaml reads it: 420)
      '  enabled: yes', // 16
      '  when: 2024-01-01', // 17
      '', // 18
    );
    const r = parseManifests(text);
    expect(r.errors).toEqual([]);
    expect(r.documents.map((d) => [d.index, d.range])).toEqual([
      [0, { startLine: 3, endLine: 6 }],
      [3, { startLine: 11, endLine: 17 }],
    ]);
    expect(r.documents[0]!.object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    expect(r.documents[1]!.object.data).toEqual({ mode: 420, enabled: true, when: '2024-01-01' });
  });

  it('accepts JSON, and an empty text has nothing', () => {
    const r = parseManifests('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}');
    expect(r.documents.map((d) => d.object.metadata.name)).toEqual(['p']);
    expect(parseManifests('')).toEqual({ documents: [], errors: [], warnings: [] });
    expect(parseManifests('\n\n# just comments\n')).toEqual({
      documents: [],
      errors: [],
      warnings: [],
    });
  });

  it('expands a kind: List into its items', () => {
    const text = lines(
      'apiVersion: v1', //  1
      'kind: List', //  2
      'items:', //  3
      '- apiVersion: v1', //  4
      '  kind: Service', //  5
      '  metadata:', //  6
      '    name: web', //  7
      '- apiVersion: apps/v1', //  8
      '  kind: Deployment', //  9
      '  metadata:', // 10
      '    name: web', // 11
      '- kind: Widget', // 12
      '  apiVersion: v1', // 13
    );
    const r = parseManifests(text);
    expect(r.documents.map((d) => [d.index, d.item, d.object.kind, d.range])).toEqual([
      [0, 0, 'Service', { startLine: 4, endLine: 7 }],
      [0, 1, 'Deployment', { startLine: 8, endLine: 11 }],
    ]);
    expect(r.errors).toEqual([
      {
        code: 'mapping',
        message: 'no matches for kind "Widget" in version "v1"',
        name: '',
        namespace: '',
        docIndex: 0,
        item: 2,
        range: { startLine: 12, endLine: 13 },
        line: 12,
        column: 3,
      },
    ]);
    expect(positionOf(r.documents[1]!, 'metadata.name')).toEqual({ line: 11, column: 5 });
  });

  it('expands typed lists such as ConfigMapList', () => {
    const r = parseManifests(
      lines(
        'apiVersion: v1',
        'kind: ConfigMapList',
        'items:',
        '- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
      ),
    );
    expect(r.documents.map((d) => d.object.metadata.name)).toEqual(['a']);
  });

  it('reports duplicate keys as warnings; the later value wins', () => {
    const r = parseManifests(
      lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', '  name: b'),
    );
    expect(r.documents[0]!.object.metadata.name).toBe('b');
    expect(r.warnings).toEqual([
      { message: 'line 5: key "name" already set in map', line: 5, column: 3, docIndex: 0 },
    ]);
  });
});

describe('errors', () => {
  it.each([
    [
      'a line indented too far',
      lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: x', '    labels: y'),
      'error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context',
      5,
      11,
    ],
    [
      'a value running into the next line',
      lines(
        'apiVersion: v1',
        'kind: Pod',
        'spec:',
        '  containers:',
        '  - name: a',
        '    image: nginx',
        '      ports: 80',
      ),
      'error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context',
      7,
      12,
    ],
    [
      'a tab',
      lines('apiVersion: v1', 'kind: Pod', 'metadata:', '\tname: x'),
      'error converting YAML to JSON: yaml: line 4: found character that cannot start any token',
      4,
      1,
    ],
    [
      'a key without its colon',
      lines('apiVersion: v1', 'kind Pod', 'metadata:', '  name: x'),
      "error converting YAML to JSON: yaml: line 3: could not find expected ':'",
      3,
      1,
    ],
    [
      'a line indented too little (parser errors report the line before)',
      lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: x', ' labels: y'),
      'error converting YAML to JSON: yaml: line 4: did not find expected key',
      5,
      1,
    ],
    [
      'an unclosed quote',
      lines('apiVersion: v1', 'kind: "Pod', 'metadata:', '  name: x'),
      'error converting YAML to JSON: yaml: line 5: found unexpected end of stream',
      5,
      1,
    ],
    [
      'a reserved character',
      lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: @x'),
      'error converting YAML to JSON: yaml: line 4: found character that cannot start any token',
      4,
      9,
    ],
  ])('%s', (_name, text, message, line, column) => {
    const r = parseManifests(text);
    expect(r.documents).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'syntax', message, line, column, docIndex: 0 });
    expect(r.errors[0]!.detail).toMatch(/^[A-Z]/);
  });

  it('one bad document never stops the good ones; kubectl counts lines per document', () => {
    const text = lines(
      'apiVersion: v1', //  1
      'kind: ConfigMap', //  2
      'metadata:', //  3
      '  name: a', //  4
      '---', //  5
      'apiVersion: v1', //  6
      'kind: ConfigMap', //  7
      'metadata:', //  8
      '  name: b', //  9
      '    labels: x', // 10
      '---', // 11
      'kind: ConfigMap', // 12
      'metadata:', // 13
      '  name: c', // 14
      '---', // 15
      'apiVersion: v1', // 16
      'kind: ConfigMap', // 17
      'metadata:', // 18
      '  name: d', // 19
    );
    const r = parseManifests(text);
    expect(r.documents.map((d) => [d.index, d.object.metadata.name, d.range])).toEqual([
      [0, 'a', { startLine: 1, endLine: 4 }],
      [3, 'd', { startLine: 16, endLine: 19 }],
    ]);
    expect(r.errors).toEqual([
      {
        code: 'syntax',
        message:
          'error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context',
        line: 10,
        column: 11,
        detail: 'Nested mappings are not allowed in compact mappings',
        docIndex: 1,
        range: { startLine: 5, endLine: 10 },
      },
      {
        code: 'validation',
        message:
          'error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false',
        line: 12,
        column: 1,
        docIndex: 2,
        range: { startLine: 12, endLine: 14 },
      },
    ]);
  });

  it.each([
    [
      lines('metadata:', '  name: x'),
      'error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false',
    ],
    [
      lines('apiVersion: v1', 'metadata: {name: x}'),
      'error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false',
    ],
    [
      lines('apiVersion: 1', 'kind: [Pod]'),
      "error validating data: [apiVersion isn't string type, kind isn't string type]; if you choose to ignore these errors, turn validation off with --validate=false",
    ],
    [
      'just a string\n',
      'error validating data: [invalid object to validate, apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false',
    ],
    [
      '- a\n- b\n',
      'error validating data: [invalid object to validate, apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false',
    ],
  ])('kubectl schema check %#', (text, message) => {
    const r = parseManifests(text);
    expect(r.documents).toEqual([]);
    expect(r.errors.map((e) => [e.code, e.message])).toEqual([['validation', message]]);
  });

  it.each([
    ['apps/v1', 'Deploymnet', 'no matches for kind "Deploymnet" in version "apps/v1"'],
    ['v1', 'Deployment', 'no matches for kind "Deployment" in version "v1"'],
    [
      'extensions/v1beta1',
      'Ingress',
      'no matches for kind "Ingress" in version "extensions/v1beta1"',
    ],
  ])('unknown kind or version %s %s', (apiVersion, kind, message) => {
    const r = parseManifests(
      lines(
        `apiVersion: ${apiVersion}`,
        `kind: ${kind}`,
        'metadata:',
        '  name: web',
        '  namespace: shop',
      ),
    );
    expect(r.errors).toEqual([
      {
        code: 'mapping',
        message,
        name: 'web',
        namespace: 'shop',
        docIndex: 0,
        range: { startLine: 1, endLine: 5 },
        line: 1,
        column: 1,
      },
    ]);
  });

  it('metadata that is not a map is the server decode error', () => {
    const r = parseManifests(lines('apiVersion: v1', 'kind: Pod', 'metadata: web'));
    expect(r.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'decode',
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta',
      ],
    ]);
  });

  it('unresolved aliases and alias bombs are errors, not exceptions', () => {
    expect(parseManifests('a: *x\n').errors[0]?.message).toBe(
      'error converting YAML to JSON: yaml: Unresolved alias (the anchor must be set before the alias): x',
    );
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map(
        (c, i) =>
          `${c}: &${c} [${Array(9)
            .fill('*' + 'abcdefghi'[i])
            .join(',')}]`,
      ),
    ].join('\n');
    const r = parseManifests(bomb);
    expect(r.documents).toEqual([]);
    expect(r.errors).toHaveLength(1);
  });
});

describe('positionOf', () => {
  const doc = parseManifests(DEPLOYMENT).documents[0]!;

  it.each([
    ['apiVersion', 1, 1],
    ['metadata.name', 4, 3],
    ['metadata.labels[app.kubernetes.io/name]', 6, 5],
    ['spec.replicas', 8, 3],
    ['spec.selector.matchLabels', 10, 5],
    ['spec.template.metadata.labels', 14, 7],
    ['spec.template.spec.containers[0]', 18, 9],
    ['spec.template.spec.containers[0].image', 19, 9],
    ['spec.template.spec.containers[0].ports[0].containerPort', 21, 11],
    ['spec.template.spec.containers[0].ports[0].name', 22, 11],
  ])('%s → %i:%i', (path, line, column) => {
    expect(positionOf(doc, path)).toEqual({ line, column });
  });

  it('missing paths are undefined, or the nearest existing parent', () => {
    expect(positionOf(doc, 'spec.strategy')).toBeUndefined();
    expect(positionOf(doc, 'spec.template.spec.containers[3].image')).toBeUndefined();
    expect(positionOf(doc, 'spec.strategy.rollingUpdate', { nearest: true })).toEqual({
      line: 7,
      column: 1,
    });
    expect(
      positionOf(doc, 'spec.template.spec.containers[0].resources.limits', { nearest: true }),
    ).toEqual({
      line: 18,
      column: 9,
    });
  });

  it('works for documents later in a stream', () => {
    const r = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n' + DEPLOYMENT,
    );
    expect(positionOf(r.documents[1]!, 'spec.replicas')).toEqual({ line: 12, column: 3 });
  });

  it('parses field paths', () => {
    expect(parseFieldPath('spec.template.spec.containers[0].ports[1].name')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'ports',
      1,
      'name',
    ]);
    expect(parseFieldPath('data[my.key]')).toEqual(['data', 'my.key']);
    expect(parseFieldPath('a[0')).toBeUndefined();
  });
});

describe('properties', () => {
  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = String.fromCharCode(...bytes);
        const r = parseManifests(text);
        expect(Array.isArray(r.documents) && Array.isArray(r.errors)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  const token = fc.constantFrom(
    'apiVersion: v1',
    'apiVersion: apps/v1',
    'kind: Pod',
    'kind: Deployment',
    'kind: List',
    'items:',
    'metadata:',
    '  name: web',
    '  name: [a',
    'spec:',
    '  replicas: 3',
    '  - name: a',
    '- a',
    '---',
    '...',
    '\t',
    '  ',
    ': ',
    '"',
    "'",
    '{',
    '}',
    '[',
    ']',
    '&a',
    '*a',
    '!!binary aGk=',
    '!!set {a, b}',
    '? ',
    '#',
    '%YAML 1.1',
    '<<: *a',
    'x: .nan',
    'y: 0x1F',
  );

  it('random YAML-ish text never throws, and every error names its document', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(token, fc.string({ maxLength: 8 })), { maxLength: 40 }),
        fc.boolean(),
        (parts, joinLines) => {
          const text = parts.join(joinLines ? '\n' : ' ');
          const r = parseManifests(text);
          for (const d of r.documents) {
            expect(typeof d.object.kind).toBe('string');
            expect(d.range.startLine).toBeLessThanOrEqual(d.range.endLine);
            positionOf(d, 'metadata.name');
            positionOf(d, 'spec.template.spec.containers[0].image', { nearest: true });
          }
          for (const e of r.errors) expect(e.message.length).toBeGreaterThan(0);
          // The result is plain JSON data.
          expect(JSON.parse(JSON.stringify(r.documents.map((d) => d.object)))).toEqual(
            r.documents.map((d) => d.object),
          );
        },
      ),
      { numRuns: 600 },
    );
  });

  it('random JSON values rendered as YAML never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }), (values) => {
        const text = values.map((v) => JSON.stringify(v)).join('\n---\n');
        const r = parseManifests(text);
        expect(r.documents.length + r.errors.length).toBeLessThanOrEqual(values.length);
      }),
      { numRuns: 300 },
    );
  });
});
