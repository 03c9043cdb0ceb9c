import { describe, expect, it } from 'vitest';
import { toYaml } from '../../engine';
import type { YamlLine } from './yaml-highlight';
import { highlightYaml } from './yaml-highlight';

/** `kind:text` per coloured token, for compact expectations. */
const show = (line: YamlLine): string[] =>
  line.filter((t) => t.kind !== undefined).map((t) => `${t.kind}:${t.text}`);

describe('highlightYaml', () => {
  it.each([
    ['apiVersion: v1', ['key:apiVersion', 'punct::', 'str:v1']],
    ['  replicas: 3', ['key:replicas', 'punct::', 'num:3']],
    ['    ready: true', ['key:ready', 'punct::', 'bool:true']],
    ['  - lastProbeTime: null', ['punct:-', 'key:lastProbeTime', 'punct::', 'null:null']],
    ['  resourceVersion: "169"', ['key:resourceVersion', 'punct::', 'str:"169"']],
    ['  resources: {}', ['key:resources', 'punct::', 'punct:{}']],
    ['  - 10.244.2.3', ['punct:-', 'str:10.244.2.3']],
    ['  labels:', ['key:labels', 'punct::']],
    [
      '    node-role.kubernetes.io/control-plane: ""',
      ['key:node-role.kubernetes.io/control-plane', 'punct::', 'str:""'],
    ],
    ["    motd: 'a: b'", ['key:motd', 'punct::', "str:'a: b'"]],
    ['  - - 1', ['punct:-', 'punct:-', 'num:1']],
    [
      '    image: docker.io/library/nginx:latest',
      ['key:image', 'punct::', 'str:docker.io/library/nginx:latest'],
    ],
  ])('%s', (line, expected) => {
    expect(highlightYaml(line).map(show)).toEqual([expected]);
  });

  it('colours a literal block as a string until the indentation returns', () => {
    const text = [
      'metadata:',
      '  annotations:',
      '    note: |',
      '      first: line',
      '',
      '      - second',
      '  name: sb',
    ].join('\n');
    expect(highlightYaml(text).map(show)).toEqual([
      ['key:metadata', 'punct::'],
      ['key:annotations', 'punct::'],
      ['key:note', 'punct::', 'punct:|'],
      ['str:      first: line'],
      [],
      ['str:      - second'],
      ['key:name', 'punct::', 'str:sb'],
    ]);
  });

  it('follows a double-quoted string folded over several lines', () => {
    const text = ['  message: "a very long', '    message: with \\" quote" ', 'kind: Pod'].join(
      '\n',
    );
    expect(highlightYaml(text).map(show)).toEqual([
      ['key:message', 'punct::', 'str:"a very long'],
      ['str:    message: with \\" quote"'],
      ['key:kind', 'punct::', 'str:Pod'],
    ]);
  });

  it('keeps every character of what kubectl prints, line for line', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'sb',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}\n',
          long: 'word '.repeat(30).trim(),
        },
      },
      spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const text = toYaml(pod);
    const lines = highlightYaml(text);
    expect(lines.map((l) => l.map((t) => t.text).join(''))).toEqual(text.slice(0, -1).split('\n'));
    // The folded plain scalar's continuation line is a string, not a key.
    const continuation = lines.find((l) => l[0]?.text === '      ');
    expect(continuation?.map((tk) => tk.kind)).toEqual([undefined, 'str']);
  });
});
