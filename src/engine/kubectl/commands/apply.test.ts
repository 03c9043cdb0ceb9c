/**
 * `kubectl apply` end to end against a default cluster (seed 1). Transcripts are golden files
 * under __golden__/apply/, written as a terminal shows them (stdout, then stderr); exit codes and
 * the objects left behind are checked inline. Message formats follow
 * staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go, cmd/util/helpers.go (CheckErr,
 * AddSourceToErr) and cli-runtime's resource builder.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { KubectlFixture } from '../testing';
import { kubectlFixture } from '../testing';
import { commandHelp, wordWrap } from '../help';
import { applyCommand, LAST_APPLIED } from './apply';

const here = dirname(fileURLToPath(import.meta.url));
const walkthrough = (file: string): string =>
  readFileSync(join(here, '../../../../examples/walkthrough', file), 'utf8');
const golden = (name: string): string => join(here, '../__golden__/apply', name);

type Step = string | number | { line: string; stdin: string } | { write: string; text: string };

/** A terminal session: kubectl lines, `sleep N`, piped input and file edits. */
function session(k: KubectlFixture, steps: readonly Step[]): string {
  let out = '';
  for (const step of steps) {
    if (typeof step === 'number') {
      k.cluster.advance(step * 1000);
      out += `[root@master test]# sleep ${step}\n`;
    } else if (typeof step === 'string') {
      const r = k.run(step);
      out += `[root@master test]# kubectl ${step}\n${r.stdout}${r.stderr}`;
    } else if ('write' in step) {
      k.workspace.write(step.write, step.text);
      out += `[root@master test]# vi ${step.write}\n`;
    } else {
      const r = k.run(step.line, step.stdin);
      out += `[root@master test]# cat - | kubectl ${step.line}\n${r.stdout}${r.stderr}`;
    }
  }
  return out;
}

const FILES = {
  'deployment.yml': walkthrough('deployment.yml'),
  'test.yml': walkthrough('test.yml'),
  'service.yml': walkthrough('service.yml'),
};

const pod = (name: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n`;

const deploymentWith = (specLines: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
${specLines}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
`;

describe('kubectl apply', () => {
  test('the walkthrough: created, unchanged, configured, dry runs, -o name', async () => {
    const k = kubectlFixture({ files: FILES });
    const text = session(k, [
      'apply -f deployment.yml',
      'apply -f deployment.yml',
      'apply -f test.yml -f service.yml',
      30,
      'get deploy,pods',
      'scale deployment httpd2 --replicas=5',
      'apply -f deployment.yml',
      'get deployment httpd2',
      {
        write: 'deployment.yml',
        text: FILES['deployment.yml'].replace('3199560936/httpd:v0.4', 'httpd:v0.4'),
      },
      'apply -f deployment.yml',
      'apply -f . --dry-run=client',
      'apply -f /root/test --dry-run=server',
      'apply -f deployment.yml -o name',
      { line: 'apply -f -', stdin: pod('piped') },
    ]);
    await expect(text).toMatchFileSnapshot(golden('walkthrough.txt'));
    const d = k.cluster.store.get('Deployment', 'default', 'httpd2')!;
    expect((d.spec as { replicas: number }).replicas).toBe(3);
    expect(k.cluster.store.get('Pod', 'default', 'piped')).toBeDefined();
  });

  test('the last-applied annotation is the object as written, as kubectl encodes it', () => {
    const k = kubectlFixture({ files: FILES });
    expect(k.run('apply -f service.yml').exitCode).toBe(0);
    const svc = k.cluster.store.get('Service', 'default', 'nginx')!;
    expect(svc.metadata.annotations?.[LAST_APPLIED]).toBe(
      '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80}],"selector":{"app":"sb1314"},"type":"NodePort"}}\n',
    );
    // A NodePort the server allocated survives a re-apply.
    const nodePort = (svc.spec as { ports: Array<{ nodePort: number }> }).ports[0]!.nodePort;
    expect(k.run('apply -f service.yml').stdout).toBe(
      'pod/sb unchanged\nservice/nginx unchanged\n',
    );
    const again = k.cluster.store.get('Service', 'default', 'nginx')!;
    expect((again.spec as { ports: Array<{ nodePort: number }> }).ports[0]!.nodePort).toBe(
      nodePort,
    );
  });

  test('--record writes the change-cause (and the deprecation notice)', () => {
    const k = kubectlFixture({ files: FILES });
    const r = k.run('apply -f deployment.yml --record');
    expect(r).toEqual({
      stdout: 'deployment.apps/httpd2 created\nservice/httpd2 created\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    const d = k.cluster.store.get('Deployment', 'default', 'httpd2')!;
    expect(d.metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl apply --filename=deployment.yml --record=true',
    );
  });

  test('errors: one invalid document among valid ones, syntax, schema, API errors', async () => {
    const k = kubectlFixture({
      files: {
        ...FILES,
        'mixed.yml': `${pod('a')}---\napiVersion: v1\nmetadata:\n  name: x\n---\n${pod('b')}`,
        'syntax.yml': `${pod('c')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: d\n   labels: x\n`,
        'typo.yml': deploymentWith('  replica: 3\n'),
        'negative.yml': deploymentWith('  replicas: -1\n'),
        'crd.yml': `apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\n---\n${pod('g')}`,
        'empty.yml': '# nothing here\n',
        'dev.yml': pod('h').replace('  name: h\n', '  name: h\n  namespace: dev\n'),
      },
    });
    const text = session(k, [
      'apply -f mixed.yml',
      'apply -f syntax.yml',
      'apply -f typo.yml',
      'apply -f negative.yml',
      'apply -f negative.yml -f typo.yml -f mixed.yml',
      'apply -f crd.yml',
      'apply -f nope.yml',
      'apply -f nope.yml -f deployment.yml -f missing/',
      'apply',
      'apply -f empty.yml',
      'apply -f deployment.yml extra',
      'apply -f deployment.yml --dry-run=maybe',
      'apply -f deployment.yml -o wide',
      'apply -f deployment.yml --validate=maybe',
      'apply -f dev.yml -n default',
      'apply -f typo.yml --validate=warn',
      { write: 'typo.yml', text: deploymentWith('  replicas: 2\n  replica: 3\n') },
      'apply -f typo.yml',
      'apply -f typo.yml --validate=false',
      'apply -f negative.yml',
    ]);
    await expect(text).toMatchFileSnapshot(golden('errors.txt'));
    const exists = (kind: string, name: string): boolean =>
      k.cluster.store.get(kind, 'default', name) !== undefined;
    // The document before the schema error was applied; the one after it was never read.
    expect(exists('Pod', 'a')).toBe(true);
    expect(exists('Pod', 'b')).toBe(false);
    expect(exists('Pod', 'c')).toBe(true);
    expect(exists('Pod', 'd')).toBe(false);
    expect(exists('Pod', 'g')).toBe(true);
    expect(exists('Pod', 'h')).toBe(false);
    // A missing path stops everything: deployment.yml was not applied.
    expect(exists('Deployment', 'httpd2')).toBe(false);
    // --validate=warn created `web` without the unknown field; --validate=false updated it.
    expect(
      (k.cluster.store.get('Deployment', 'default', 'web')!.spec as { replicas: number }).replicas,
    ).toBe(2);
  });

  test.each([
    ['apply -f mixed.yml', 1],
    ['apply -f nope.yml', 1],
    ['apply -f ok.yml', 0],
    ['apply', 1],
  ])('%s exits %i', (line, code) => {
    const k = kubectlFixture({
      files: { 'ok.yml': pod('ok'), 'mixed.yml': `${pod('a')}---\nkind: Pod\n` },
    });
    expect(k.run(line).exitCode).toBe(code);
  });

  test('an object made by `kubectl create` gets the missing-annotation warning once', () => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    expect(k.run('create -f p.yml').stdout).toBe('pod/p created\n');
    expect(k.run('apply -f p.yml')).toEqual({
      stdout: 'pod/p configured\n',
      stderr:
        'Warning: resource pods/p is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n',
      exitCode: 0,
    });
    expect(k.run('apply -f p.yml')).toEqual({
      stdout: 'pod/p unchanged\n',
      stderr: '',
      exitCode: 0,
    });
  });

  test('-o yaml prints the applied objects after the run', () => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    const r = k.run('apply -f p.yml -o yaml --dry-run=client');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"p","namespace":"default"},"spec":{"containers":[{"image":"nginx","name":"nginx"}]}}
  name: p
  namespace: default
spec:
  containers:
  - image: nginx
    name: nginx
`);
    expect(k.cluster.store.get('Pod', 'default', 'p')).toBeUndefined();
  });

  test('--help', async () => {
    await expect(applyCommand.help).toMatchFileSnapshot(golden('help.txt'));
    expect(kubectlFixture().run('apply --help').stdout).toBe(applyCommand.help);
  });
});

describe('help layout', () => {
  test('wordWrap breaks at whitespace, keeping lines within the limit', () => {
    expect(wordWrap('aaa bbb ccc ddd', 7)).toBe('aaa bbb\nccc ddd');
    expect(wordWrap(' lead and more', 9)).toBe(' lead and\nmore');
    expect(wordWrap('\tx y\nz', 4)).toBe('\tx y\nz');
  });

  test('commandHelp lists flags sorted, hides deprecated ones, wraps usage at 110', () => {
    const help = commandHelp({
      long: ['First.', 'Second paragraph.'],
      examples: '# Do it\nkubectl x\n\n# Again\nkubectl x -y',
      flags: [
        { name: 'zeta', type: 'bool', usage: 'Z.' },
        {
          name: 'alpha',
          short: 'a',
          type: 'string',
          default: 'v',
          usage: 'word '.repeat(30).trim(),
        },
        { name: 'old', type: 'bool', usage: 'Old.', deprecated: 'gone' },
      ],
      usage: 'x [options]',
    });
    expect(help).toBe(
      'First.\n\n Second paragraph.\n\nExamples:\n  # Do it\n  kubectl x\n  \n  # Again\n  kubectl x -y\n\n' +
        `Options:\n    -a, --alpha='v':\n\t${'word '.repeat(22).trim()}\n\t${'word '.repeat(8).trim()}\n\n` +
        '    --zeta=false:\n\tZ.\n\nUsage:\n  kubectl x [options]\n\n' +
        'Use "kubectl options" for a list of global command-line options (applies to all commands).\n',
    );
  });
});
