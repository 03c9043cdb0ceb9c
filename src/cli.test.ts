/**
 * The CLI's playground options, in-process: parseArgs as `npm run sim -- …` hands it the
 * arguments, and simulate(), which main() runs (the transcript tests run the CLI as a program).
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, simulate, UsageError } from './cli';
import './engine/network/ip-tool';
import './engine/network/playground-command';

describe('npm run sim -- SCRIPT --proxy-mode MODE --cloud-lb on|off', () => {
  it.each([
    [['s.sh'], { script: 's.sh', seed: 1, settings: {} }],
    [
      ['s.sh', '--proxy-mode', 'ipvs'],
      { script: 's.sh', seed: 1, settings: { proxyMode: 'ipvs' } },
    ],
    [
      ['--proxy-mode=userspace', 's.sh', '--cloud-lb', 'on', '--seed', '7'],
      { script: 's.sh', seed: 7, settings: { proxyMode: 'userspace', cloudLB: true } },
    ],
    [['s.sh', '--cloud-lb=off'], { script: 's.sh', seed: 1, settings: { cloudLB: false } }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it.each([
    [
      ['s.sh', '--proxy-mode', 'nftables'],
      '--proxy-mode must be one of iptables, userspace, ipvs, not "nftables"',
    ],
    [['s.sh', '--proxy-mode'], '--proxy-mode needs a value'],
    [['s.sh', '--cloud-lb', 'yes'], '--cloud-lb must be on or off, not "yes"'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });

  it('the settings are in place when the script starts', () => {
    const args = parseArgs(['s.sh', '--proxy-mode', 'ipvs', '--cloud-lb', 'on']);
    if (args === 'help') throw new Error('unexpected help');
    const script = 'playground proxy-mode\nplayground cloud-lb\nip -br -4 addr show kube-ipvs0\n';
    expect(simulate(script, {}, args)).toBe(
      [
        '[root@master test]# playground proxy-mode',
        'ipvs',
        '[root@master test]# playground cloud-lb',
        'on',
        '[root@master test]# ip -br -4 addr show kube-ipvs0',
        'kube-ipvs0       DOWN           10.96.0.1/32 10.96.0.10/32 ',
        '[root@master test]# ',
        '',
      ].join('\n'),
    );
  });
});
