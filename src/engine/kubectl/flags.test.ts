import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from './flags';
import type { FlagSpec } from './types';

const SPECS: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string', usage: '' },
  { name: 'replicas', short: 'r', type: 'int', default: -1, usage: '' },
  { name: 'stdin', short: 'i', type: 'bool', usage: '' },
  { name: 'tty', short: 't', type: 'bool', usage: '' },
  { name: 'force', type: 'bool', usage: '' },
  { name: 'env', type: 'stringArray', usage: '' },
  { name: 'labels', short: 'l', type: 'string', usage: '' },
  { name: 'limits', type: 'stringToString', usage: '' },
];

describe('parseFlags (pflag rules)', () => {
  it.each([
    [['-o', 'yaml'], 'yaml'],
    [['-oyaml'], 'yaml'],
    [['-o=yaml'], 'yaml'],
    [['--output', 'yaml'], 'yaml'],
    [['--output=yaml'], 'yaml'],
    [['--output='], ''],
  ])('%j sets output', (argv, want) => {
    expect(parseFlags(argv, SPECS).flags.string('output')).toBe(want);
  });

  it('interleaves flags and arguments, and keeps what follows -- apart', () => {
    const p = parseFlags(['pods', '-o', 'wide', 'x', '--', 'sh', '-c', 'ls -l'], SPECS);
    expect(p.args).toEqual(['pods', 'x']);
    expect(p.dashArgs).toEqual(['sh', '-c', 'ls -l']);
    expect(p.flags.string('output')).toBe('wide');
  });

  it('combines bool shorthands (-it) and reads bool values', () => {
    const p = parseFlags(['-it', '--force=false'], SPECS);
    expect([p.flags.bool('stdin'), p.flags.bool('tty'), p.flags.bool('force')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(p.flags.has('force')).toBe(true);
    expect(p.flags.has('output')).toBe(false);
  });

  it('gives defaults for unset flags', () => {
    const p = parseFlags([], SPECS);
    expect([p.flags.int('replicas'), p.flags.string('output'), p.flags.strings('env')]).toEqual([
      -1,
      '',
      [],
    ]);
  });

  it('appends stringArray values and merges stringToString pairs', () => {
    const p = parseFlags(['--env', 'A=1', '--env=B=2', '--limits', 'cpu=1,memory=2Gi'], SPECS);
    expect(p.flags.strings('env')).toEqual(['A=1', 'B=2']);
    expect(p.flags.map('limits')).toEqual({ cpu: '1', memory: '2Gi' });
  });

  it('treats a lone - as an argument (stdin)', () => {
    expect(parseFlags(['-'], SPECS).args).toEqual(['-']);
  });

  it.each([
    [['--foo'], 'unknown flag: --foo'],
    [['--foo=1'], 'unknown flag: --foo'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-ix'], "unknown shorthand flag: 'x' in -ix"],
    [['--output'], 'flag needs an argument: --output'],
    [['-o'], "flag needs an argument: 'o' in -o"],
    [
      ['--replicas=abc'],
      'invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ['--force=yes'],
      'invalid argument "yes" for "--force" flag: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
  ])('%j fails: %s', (argv, message) => {
    expect(() => parseFlags(argv, SPECS)).toThrow(new FlagError(message));
  });
});
