/**
 * `kubectl explain`: the plaintext template's layout (kubectl 1.30,
 * staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl), go-wordwrap's wrapping,
 * the errors, and that explain-data.ts is what scripts/gen-explain.mjs generates today.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubectlFixture } from '../testing';
import { splitResourceRequest, wrapString } from './explain';

const golden = (name: string): string => `../__golden__/${name}`;
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('wrapString (go-wordwrap WrapString)', () => {
  it.each([
    ['short', 'a b c', 10, 'a b c'],
    ['breaks at the last blank that fits', 'aaa bbb ccc ddd', 7, 'aaa bbb\nccc ddd'],
    ['drops the blank where it breaks', 'aaaa bbbb', 4, 'aaaa\nbbbb'],
    [
      'never splits a long word',
      'see https://example.com/a/very/long/url ok',
      10,
      'see\nhttps://example.com/a/very/long/url\nok',
    ],
    ['keeps line breaks and restarts counting', 'ab cd\nef gh ij', 5, 'ab cd\nef gh\nij'],
    ['keeps blank lines', 'a\n\nb', 5, 'a\n\nb'],
    ['keeps a trailing newline', 'a b\n', 5, 'a b\n'],
  ])('%s', (_name, input, lim, want) => {
    expect(wrapString(input, lim)).toBe(want);
  });
});

describe('splitResourceRequest', () => {
  it.each([
    ['pods', 'Pod', []],
    ['po.spec.containers', 'Pod', ['spec', 'containers']],
    ['deployments.apps.spec.replicas', 'Deployment', ['spec', 'replicas']],
    ['Deployment.spec', 'Deployment', ['spec']],
    ['ing.spec.rules', 'Ingress', ['spec', 'rules']],
  ])('%s', (arg, kind, path) => {
    const r = splitResourceRequest(arg);
    expect([r.info.kind, r.path]).toEqual([kind, path]);
  });
});

describe('kubectl explain', () => {
  const k = kubectlFixture();
  const run = (line: string): string => {
    const r = k.run(line);
    expect([r.stderr, r.exitCode]).toEqual(['', 0]);
    return r.stdout;
  };

  it('a scalar field: FIELD line, two blank lines, DESCRIPTION ending in a 4-space line', () => {
    expect(run('explain deployment.spec.replicas')).toBe(
      'GROUP:      apps\n' +
        'KIND:       Deployment\n' +
        'VERSION:    v1\n' +
        '\n' +
        'FIELD: replicas <integer>\n' +
        '\n' +
        '\n' +
        'DESCRIPTION:\n' +
        '    Number of desired pods. This is a pointer to distinguish between explicit\n' +
        '    zero and not specified. Defaults to 1.\n' +
        '    \n' +
        '\n',
    );
  });

  it('a core kind has no GROUP line', () => {
    expect(
      run('explain pods').startsWith('KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n'),
    ).toBe(true);
  });

  it('a list field explains its element type', () => {
    const out = run('explain pods.spec.containers.name');
    expect(out.split('\n').slice(0, 5)).toEqual([
      'KIND:       Pod',
      'VERSION:    v1',
      '',
      'FIELD: name <string>',
      '',
    ]);
  });

  it.each([
    ['explain deployment', 'explain-deployment.txt'],
    ['explain deploy.spec', 'explain-deployment-spec.txt'],
    ['explain pods.spec.containers.resources --recursive', 'explain-pod-resources-recursive.txt'],
    ['explain svc --recursive', 'explain-service-recursive.txt'],
    ['explain pod.metadata.creationTimestamp', 'explain-pod-creation-timestamp.txt'],
  ])('%s', async (line, file) => {
    await expect(run(line)).toMatchFileSnapshot(golden(file));
  });

  it.each([
    ['explain foo', 'error: the server doesn\'t have a resource type "foo"\n'],
    ['explain deploy.spec.replica', 'error: field "replica" does not exist\n'],
    // The template reports the last element of the path, not the first missing one.
    ['explain pod.spec.foo.bar', 'error: field "bar" does not exist\n'],
    ['explain pod.metadata.labels.app', 'error: field "app" does not exist\n'],
    [
      'explain',
      'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n',
    ],
    ['explain pods svc', 'error: We accept only this format: explain RESOURCE\n'],
    [
      'explain svc --api-version=apps/v1',
      'error: GVR (apps/v1, Resource=services) not found in OpenAPI schema\n',
    ],
    [
      'explain deploy --api-version=apps/v2',
      'error: couldn\'t find resource for "apps/v2, Resource=deployments"\n',
    ],
  ])('%s fails', (line, stderr) => {
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it("--api-version naming the kind's own group/version is accepted", () => {
    expect(run('explain deploy.spec.paused --api-version=apps/v1')).toBe(
      run('explain deploy.spec.paused'),
    );
  });

  it('--help', () => {
    const help = run('explain --help');
    expect(help.startsWith('Describe fields and structure of various resources.\n')).toBe(true);
    expect(help).toContain(
      // Wrapped at 120 columns, as kubectl's responsive writer does in a wide terminal.
      '\nUsage:\n  kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group]\n[--output=plaintext|plaintext-openapiv2] [options]\n\n',
    );
    expect(help).toContain(
      ' This command describes the fields associated with each supported API resource. Fields are identified via a simple\nJSONPath identifier:\n',
    );
  });
});

describe('explain-data.ts', () => {
  it('is what scripts/gen-explain.mjs generates from the installed kubernetes-types', () => {
    // Throws (exit 1) when the committed module is stale.
    execFileSync(process.execPath, [join(root, 'scripts/gen-explain.mjs'), '--check'], {
      cwd: root,
      stdio: 'pipe',
    });
  }, 60_000);
});
