/**
 * `-f` sources and kubectl's error plumbing (filenames.ts): which streams a path names, how the
 * documents of a stream are visited, and how collected errors print.
 */
import { describe, expect, test } from 'vitest';
import { ApiError, invalid, notFound } from '../api/errors';
import { kindInfo } from '../api/kinds';
import { parseSelector } from '../api/selectors';
import { MemoryWorkspace } from '../shell/workspace';
import type { CliError } from './filenames';
import {
  addSourceToErr,
  aggregate,
  checkErr,
  cleanPath,
  errorText,
  expandFilenames,
  joinPath,
  plainError,
  readFilenames,
  statusError,
} from './filenames';
import type { KubectlEnv } from './types';

const pod = (name: string, extra = ''): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${extra}spec:\n  containers:\n  - name: c\n    image: nginx\n`;

/** Just what file reading needs from the environment. */
function env(files: Record<string, string>, cwd = '/root/test', stdin?: string): KubectlEnv {
  return {
    workspace: new MemoryWorkspace(files),
    cwd,
    stdin,
  } as unknown as KubectlEnv;
}

describe('paths', () => {
  test.each([
    ['', '.'],
    ['.', '.'],
    ['./a.yml', 'a.yml'],
    ['/root/test/', '/root/test'],
    ['/root/test/../test/a.yml', '/root/test/a.yml'],
    ['../x', '../x'],
    ['/..', '/'],
  ])('cleanPath(%j) = %j', (p, want) => {
    expect(cleanPath(p)).toBe(want);
  });

  test.each([
    ['.', 'a.yml', 'a.yml'],
    ['/root/test', 'a.yml', '/root/test/a.yml'],
    ['./', 'a.yml', 'a.yml'],
    ['../test', 'a.yml', '../test/a.yml'],
  ])('joinPath(%j, %j) = %j', (d, n, want) => {
    expect(joinPath(d, n)).toBe(want);
  });
});

describe('expandFilenames', () => {
  const files = { 'b.yaml': 'B', 'a.yml': 'A', 'c.json': 'C', 'notes.txt': 'N' };
  const cases: Array<{ args: string[]; cwd?: string; sources: string[]; error?: string }> = [
    { args: ['a.yml'], sources: ['a.yml'] },
    { args: ['./a.yml'], sources: ['./a.yml'] },
    { args: ['/root/test/a.yml'], sources: ['/root/test/a.yml'] },
    { args: ['test/a.yml'], cwd: '/root', sources: ['test/a.yml'] },
    { args: ['notes.txt'], sources: ['notes.txt'] },
    { args: ['.'], sources: ['a.yml', 'b.yaml', 'c.json'] },
    {
      args: ['/root/test'],
      sources: ['/root/test/a.yml', '/root/test/b.yaml', '/root/test/c.json'],
    },
    { args: ['c.json', 'a.yml'], sources: ['c.json', 'a.yml'] },
    { args: ['*.y*ml'], sources: ['a.yml', 'b.yaml'] },
    { args: ['/root/test/[ab].*'], sources: ['/root/test/a.yml', '/root/test/b.yaml'] },
    { args: ['/root'], sources: [] },
    { args: ['nope.yml'], sources: [], error: 'error: the path "nope.yml" does not exist\n' },
    {
      args: ['nope.yml', 'a.yml', 'x/'],
      sources: ['a.yml'],
      error: 'the path "nope.yml" does not exist\nthe path "x/" does not exist\n',
    },
    {
      args: ['https://example.com/x.yml'],
      sources: [],
      error: 'error: Get "https://example.com/x.yml": dial tcp: lookup example.com: no such host\n',
    },
  ];
  test.each(cases)('$args from $cwd', ({ args, cwd, sources, error }) => {
    const out = expandFilenames(env(files, cwd), args);
    expect(out.sources.map((s) => s.source)).toEqual(sources);
    expect(out.error ? checkErr(out.error) : undefined).toBe(error);
  });

  test('reads the file text; stdin once', () => {
    const out = expandFilenames(env(files, '/root/test', 'piped'), ['a.yml', '-', '-']);
    expect(out.sources).toEqual([
      { source: 'a.yml', text: 'A' },
      { source: 'STDIN', text: 'piped' },
      { source: 'STDIN', text: '' },
    ]);
  });
});

describe('readFilenames', () => {
  const opts = { namespace: 'default', enforceNamespace: false };

  /** The visit as a list of names, with the error as printed. */
  function visitAll(
    files: Record<string, string>,
    args: string[],
    o: Parameters<typeof readFilenames>[2] = opts,
  ): { names: string[]; stderr: string } {
    const names: string[] = [];
    const err = readFilenames(env(files), args, o).visit((i) => {
      names.push(`${i.source}:${i.kind.kind}/${i.namespace ?? '-'}/${i.name}`);
      return undefined;
    });
    return { names, stderr: err ? checkErr(err) : '' };
  }

  test('a schema error stops its file; earlier documents and other files are read', () => {
    const bad = pod('a') + '---\napiVersion: v1\nmetadata:\n  name: x\n---\n' + pod('b');
    expect(visitAll({ 'bad.yml': bad, 'ok.yml': pod('c') }, ['.'])).toEqual({
      names: ['bad.yml:Pod/default/a', 'ok.yml:Pod/default/c'],
      stderr:
        'error: error validating "bad.yml": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false\n',
    });
  });

  test('a syntax error stops its file', () => {
    const bad = pod('a') + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: d\n   labels: x\n';
    expect(visitAll({ 'bad.yml': bad }, ['bad.yml'])).toEqual({
      names: ['bad.yml:Pod/default/a'],
      stderr:
        'error: error parsing bad.yml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n',
    });
  });

  test('an unknown kind skips one document only', () => {
    const text = 'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\n---\n' + pod('g');
    expect(visitAll({ 'crd.yml': text }, ['crd.yml'])).toEqual({
      names: ['crd.yml:Pod/default/g'],
      stderr:
        'error: resource mapping not found for name: "f" namespace: "" from "crd.yml": no matches for kind "Foo" in version "example.com/v1"\nensure CRDs are installed first\n',
    });
  });

  test('namespaces: the default is filled in, cluster-scoped kinds lose theirs, -n must match', () => {
    const files = {
      'x.yml':
        pod('a') +
        '---\n' +
        pod('b', '  namespace: dev\n') +
        '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n  namespace: default\n',
    };
    expect(visitAll(files, ['x.yml'])).toEqual({
      names: ['x.yml:Pod/default/a', 'x.yml:Pod/dev/b', 'x.yml:Namespace/-/dev'],
      stderr: '',
    });
    expect(visitAll(files, ['x.yml'], { namespace: 'default', enforceNamespace: true })).toEqual({
      names: ['x.yml:Pod/default/a', 'x.yml:Namespace/-/dev'],
      stderr:
        'error: the namespace from the provided object "dev" does not match the namespace "default". You must pass \'--namespace=dev\' to perform this operation.\n',
    });
  });

  test('-l keeps the objects whose labels match', () => {
    const files = { 'x.yml': pod('a', '  labels:\n    app: web\n') + '---\n' + pod('b') };
    expect(visitAll(files, ['x.yml'], { ...opts, selector: parseSelector('app=web') })).toEqual({
      names: ['x.yml:Pod/default/a'],
      stderr: '',
    });
  });

  test('errors the callback returns come before the stream errors', () => {
    const files = { 'x.yml': pod('a') + '---\nkind: Pod\n' };
    const err = readFilenames(env(files), ['x.yml'], opts).visit((i) =>
      statusError(notFound(i.kind, i.name)),
    );
    expect(checkErr(err!)).toBe(
      'Error from server (NotFound): pods "a" not found\nerror validating "x.yml": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
  });

  test('a missing path fails before anything is read', () => {
    const r = readFilenames(env({ 'a.yml': pod('a') }), ['a.yml', 'nope.yml'], opts);
    expect(r.error && checkErr(r.error)).toBe('error: the path "nope.yml" does not exist\n');
  });

  test('infos collects every object and the errors', () => {
    const { infos, error } = readFilenames(
      env({ 'x.yml': pod('a') + '---\n' + pod('b') }),
      ['x.yml'],
      opts,
    ).infos();
    expect(infos.map((i) => i.name)).toEqual(['a', 'b']);
    expect(error).toBeUndefined();
  });
});

describe('checkErr', () => {
  const deploy = kindInfo('Deployment')!;
  const oneCause = invalid(deploy, 'web', [
    {
      type: 'Invalid',
      field: 'spec.replicas',
      badValue: -1,
      detail: 'must be greater than or equal to 0',
    },
  ]);
  const twoCauses = invalid(deploy, 'web', [
    { type: 'Required', field: 'spec.selector' },
    { type: 'Required', field: 'spec.template.metadata.labels' },
  ]);
  const cases: Array<{ name: string; err: CliError; out: string }> = [
    { name: 'plain', err: plainError('boom'), out: 'error: boom\n' },
    { name: 'plain with prefix', err: plainError('error: boom'), out: 'error: boom\n' },
    {
      name: 'status',
      err: addSourceToErr('creating', 'x.yml', statusError(notFound(deploy, 'web'))),
      out: 'Error from server (NotFound): error when creating "x.yml": deployments.apps "web" not found\n',
    },
    {
      name: 'invalid with one cause drops the source',
      err: addSourceToErr('creating', 'x.yml', statusError(oneCause)),
      out: 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    },
    {
      name: 'invalid with several causes',
      err: statusError(twoCauses),
      out: 'The Deployment "web" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Required value\n',
    },
    {
      name: 'an aggregate of one is unwrapped',
      err: aggregate([plainError('boom')])!,
      out: 'error: boom\n',
    },
    {
      name: 'an aggregate prints one line per error, invalid ones in full',
      err: aggregate([
        plainError('boom'),
        addSourceToErr('creating', 'x.yml', statusError(oneCause)),
      ])!,
      out: 'boom\nError from server (Invalid): error when creating "x.yml": Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    },
    {
      name: 'a nested aggregate prints as a bracketed list',
      err: aggregate([
        aggregate([plainError('a'), plainError('b'), plainError('a')])!,
        plainError('c'),
      ])!,
      out: '[a, b]\nc\n',
    },
    {
      name: 'a plain error wrapping a status loses the reason',
      err: addSourceToErr('deleting', 'x.yml', plainError('no')),
      out: 'error: error when deleting "x.yml": no\n',
    },
  ];
  test.each(cases)('$name', ({ err, out }) => {
    expect(checkErr(err)).toBe(out);
  });

  test('errorText of an aggregate de-duplicates', () => {
    expect(errorText(aggregate([plainError('x'), plainError('x')])!)).toBe('x');
    expect(errorText(statusError(new ApiError('Conflict', 409, 'busy')))).toBe('busy');
  });
});
