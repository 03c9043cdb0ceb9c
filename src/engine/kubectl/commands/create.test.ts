/**
 * `kubectl create -f` end to end (staging/src/k8s.io/kubectl/pkg/cmd/create/create.go RunCreate).
 * Objects are created as they are read; errors are collected and printed at the end.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { kubectlFixture } from '../testing';
import { LAST_APPLIED } from './apply';
import { createCommand } from './create';

const here = dirname(fileURLToPath(import.meta.url));
const walkthrough = (file: string): string =>
  readFileSync(join(here, '../../../../examples/walkthrough', file), 'utf8');
const golden = (name: string): string => join(here, '../__golden__/create', name);

const pod = (name: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n`;

describe('kubectl create -f', () => {
  test('created, then AlreadyExists for each object', () => {
    const k = kubectlFixture({ files: { 'deployment.yml': walkthrough('deployment.yml') } });
    expect(k.run('create -f deployment.yml')).toEqual({
      stdout: 'deployment.apps/httpd2 created\nservice/httpd2 created\n',
      stderr: '',
      exitCode: 0,
    });
    expect(k.run('create -f deployment.yml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (AlreadyExists): error when creating "deployment.yml": deployments.apps "httpd2" already exists\n' +
        'Error from server (AlreadyExists): error when creating "deployment.yml": services "httpd2" already exists\n',
      exitCode: 1,
    });
    // create does not write the last-applied annotation unless asked.
    const d = k.cluster.store.get('Deployment', 'default', 'httpd2')!;
    expect(d.metadata.annotations?.[LAST_APPLIED]).toBeUndefined();
  });

  test('objects are created as they are read: errors come in visiting order', () => {
    const k = kubectlFixture({
      files: {
        'a.yml': `${pod('one')}---\n${pod('two')}---\napiVersion: v1\nmetadata:\n  name: x\n---\n${pod('three')}`,
      },
    });
    k.run('create -f a.yml');
    expect(k.run('create -f a.yml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (AlreadyExists): error when creating "a.yml": pods "one" already exists\n' +
        'Error from server (AlreadyExists): error when creating "a.yml": pods "two" already exists\n' +
        'error validating "a.yml": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false\n',
      exitCode: 1,
    });
    expect(k.cluster.store.get('Pod', 'default', 'three')).toBeUndefined();
  });

  test('--save-config lets a later apply merge without the warning', () => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    expect(k.run('create -f p.yml --save-config').stdout).toBe('pod/p created\n');
    expect(k.run('apply -f p.yml')).toEqual({
      stdout: 'pod/p unchanged\n',
      stderr: '',
      exitCode: 0,
    });
  });

  test.each([
    ['create -f p.yml --dry-run=client', 'pod/p created (dry run)\n'],
    ['create -f p.yml --dry-run=server', 'pod/p created (server dry run)\n'],
    ['create -f p.yml -o name', 'pod/p\n'],
  ])('%s', (line, stdout) => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
    expect(k.cluster.store.get('Pod', 'default', 'p') !== undefined).toBe(line.endsWith('name'));
  });

  test('a server dry run reports what the server would refuse', () => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    k.run('create -f p.yml');
    expect(k.run('create -f p.yml --dry-run=server')).toEqual({
      stdout: '',
      stderr:
        'Error from server (AlreadyExists): error when creating "p.yml": pods "p" already exists\n',
      exitCode: 1,
    });
  });

  test('-o yaml prints each created object, separated by ---', () => {
    const k = kubectlFixture({ files: { 'x.yml': `${pod('a')}---\n${pod('b')}` } });
    const r = k.run('create -f x.yml -o yaml --dry-run=client');
    expect(
      r.stdout.split('---\n').map((doc) => doc.split('\n').find((l) => l.startsWith('  name:'))),
    ).toEqual(['  name: a', '  name: b']);
  });

  test('no -f: the error, then the help, on stderr', async () => {
    const k = kubectlFixture();
    const r = k.run('create');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: must specify one of -f and -k\n\n${createCommand.help}`);
    expect(k.run('create nothing here')).toEqual({
      stdout: '',
      stderr:
        'Error: must specify one of -f and -k\n\nerror: unknown command "nothing here"\nSee \'kubectl create -h\' for help and examples\n',
      exitCode: 1,
    });
    await expect(createCommand.help).toMatchFileSnapshot(golden('help.txt'));
  });

  test.each([
    ['create -f nope.yml', 'error: the path "nope.yml" does not exist\n'],
    ['create -f empty.yml', 'error: no objects passed to create\n'],
    [
      'create -f p.yml extra',
      "error: Unexpected args: [extra]\nSee 'kubectl create -h' for help and examples\n",
    ],
  ])('%s', (line, stderr) => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p'), 'empty.yml': '' } });
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
    expect(k.cluster.store.get('Pod', 'default', 'p')).toBeUndefined();
  });

  test('--record', () => {
    const k = kubectlFixture({ files: { 'p.yml': pod('p') } });
    expect(k.run('create -f p.yml --record').stderr).toBe(
      'Flag --record has been deprecated, --record will be removed in the future\n',
    );
    expect(
      k.cluster.store.get('Pod', 'default', 'p')!.metadata.annotations?.[
        'kubernetes.io/change-cause'
      ],
    ).toBe('kubectl create --filename=p.yml --record=true');
  });
});
