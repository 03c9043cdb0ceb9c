import { describe, expect, it } from 'vitest';
import {
  applyCommand,
  fileNameProblem,
  freeFileName,
  initialActive,
  languageOf,
  neighbourAfterRemove,
  shellQuote,
} from './files';

describe('file names', () => {
  const existing = ['deployment.yml', 'service.yml'];
  it.each([
    ['web.yml', undefined],
    ['', 'Enter a file name.'],
    ['a/b.yml', 'A file name cannot contain "/": the workspace has no folders.'],
    ['..', '".." is not a file name.'],
    ['my file.yml', 'Use letters, digits, ".", "-" and "_" only.'],
    ['x'.repeat(65), 'Use at most 64 characters.'],
    ['service.yml', 'service.yml already exists.'],
  ])('%j → %j', (name, want) => {
    expect(fileNameProblem(name, existing)).toBe(want);
  });

  it('renaming a file to its own name is fine', () => {
    expect(fileNameProblem('service.yml', existing, 'service.yml')).toBe(undefined);
  });

  it('a free name for a new file', () => {
    expect(freeFileName([])).toBe('untitled.yml');
    expect(freeFileName(['untitled.yml', 'untitled-2.yml'])).toBe('untitled-3.yml');
  });

  it.each([
    ['a.yml', 'yaml'],
    ['b.YAML', 'yaml'],
    ['notes.txt', 'plaintext'],
    ['Makefile', 'plaintext'],
  ])('%s is %s', (name, lang) => {
    expect(languageOf(name)).toBe(lang);
  });
});

describe('the Apply command line', () => {
  it.each([
    ['deployment.yml', '/root/test', 'kubectl apply -f deployment.yml'],
    ['deployment.yml', '/root', 'kubectl apply -f /root/test/deployment.yml'],
    ["it's.yml", '/root/test', "kubectl apply -f 'it'\\''s.yml'"],
  ])('%s from %s', (name, cwd, want) => {
    expect(applyCommand(name, cwd)).toBe(want);
  });

  it('quotes only what needs it', () => {
    expect([shellQuote('a-b_c.yml'), shellQuote('a b'), shellQuote('$x')]).toEqual([
      'a-b_c.yml',
      "'a b'",
      "'$x'",
    ]);
  });
});

describe('tabs', () => {
  const files = ['a.yml', 'b.yml', 'c.yml'];
  it.each([
    ['b.yml', 'c.yml'],
    ['c.yml', 'b.yml'],
    ['a.yml', 'b.yml'],
  ])('after removing %s: %s', (removed, want) => {
    expect(neighbourAfterRemove(files, removed)).toBe(want);
  });

  it('nothing left', () => {
    expect(neighbourAfterRemove(['a.yml'], 'a.yml')).toBe(undefined);
  });

  it('the first open shows deployment.yml', () => {
    expect(initialActive(['deployment.yml', 'service.yml', 'test.yml'])).toBe('deployment.yml');
    expect(initialActive(['x.yml', 'deployment.yml'], 'x.yml')).toBe('x.yml');
    expect(initialActive(['x.yml'], 'gone.yml')).toBe('x.yml');
    expect(initialActive([])).toBe(undefined);
  });
});
