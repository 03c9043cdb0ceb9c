import { describe, expect, it } from 'vitest';
import { cidrContains, ipToNumber, numberToIp, parseCidr, prefixMask, protoNumber } from './packet';

describe('ipToNumber / numberToIp', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.96.0.1', 0x0a600001],
    ['192.168.100.10', 0xc0a8640a],
    ['255.255.255.255', 0xffffffff],
  ])('%s ↔ %d', (ip, n) => {
    expect(ipToNumber(ip)).toBe(n);
    expect(numberToIp(n)).toBe(ip);
  });

  it.each(['10.96.0', '10.96.0.256', '10.96.0.01', 'a.b.c.d', '10.96.0.1/32', '', '::1'])(
    'rejects %j',
    (ip) => {
      expect(ipToNumber(ip)).toBe(undefined);
    },
  );
});

describe('parseCidr / cidrContains', () => {
  it('parses networks and bare addresses, clearing host bits', () => {
    expect(parseCidr('10.244.0.0/16')).toEqual({ base: 0x0af40000, prefix: 16, mask: 0xffff0000 });
    expect(parseCidr('10.96.0.1')).toEqual({ base: 0x0a600001, prefix: 32, mask: 0xffffffff });
    expect(parseCidr('10.244.1.7/16')).toEqual({ base: 0x0af40000, prefix: 16, mask: 0xffff0000 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, prefix: 0, mask: 0 });
    expect(prefixMask(24)).toBe(0xffffff00);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', 'nope', '10.0.0.0/8/8', '10.0.0.0/-1'])(
    'throws on %j as iptables does',
    (c) => {
      expect(() => parseCidr(c)).toThrow(`host/network \`${c}' not found`);
    },
  );

  it.each([
    ['10.244.0.0/16', '10.244.2.5', true],
    ['10.244.0.0/16', '10.245.0.1', false],
    ['10.244.1.0/24', '10.244.1.255', true],
    ['10.244.1.0/24', '10.244.2.0', false],
    ['127.0.0.0/8', '127.1.2.3', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['10.96.0.1', '10.96.0.1', true],
    ['10.96.0.1/32', '10.96.0.2', false],
    ['10.0.0.0/8', 'fe80::1', false],
  ] as const)('%s contains %s: %s', (cidr, ip, want) => {
    expect(cidrContains(cidr, ip)).toBe(want);
    expect(cidrContains(parseCidr(cidr), ip)).toBe(want);
  });

  it('numbers the protocols as conntrack prints them', () => {
    expect([protoNumber('tcp'), protoNumber('udp'), protoNumber('sctp')]).toEqual([6, 17, 132]);
  });
});
