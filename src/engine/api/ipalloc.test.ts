import { describe, expect, it } from 'vitest';
import {
  broadcastOf,
  cidrContains,
  compareIPv4,
  formatIPv4,
  ipAtOffset,
  offsetOfIP,
  parseCIDR,
  parseIPv4,
} from './ipalloc';

describe('parseIPv4 / formatIPv4', () => {
  it.each([
    ['10.96.0.1', 0x0a600001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.168.100.10', 0xc0a8640a],
  ])('%s round-trips', (text, n) => {
    expect(parseIPv4(text)).toBe(n);
    expect(formatIPv4(n)).toBe(text);
  });

  it.each([
    '',
    '10.96.0',
    '10.96.0.1.2',
    '256.0.0.1',
    '010.0.0.1',
    'a.b.c.d',
    '10.96.0.-1',
    'None',
  ])('rejects %j', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });
});

describe('parseCIDR', () => {
  it.each([
    ['10.96.0.0/12', '10.96.0.0/12', 1 << 20],
    ['10.96.0.1/12', '10.96.0.0/12', 1 << 20],
    ['10.244.1.0/24', '10.244.1.0/24', 256],
    ['0.0.0.0/0', '0.0.0.0/0', 2 ** 32],
    ['10.0.0.7/32', '10.0.0.7/32', 1],
  ])('%s → %s (%d addresses)', (input, text, size) => {
    const c = parseCIDR(input);
    expect(c?.text).toBe(text);
    expect(c?.size).toBe(size);
  });

  it.each(['10.96.0.0', '10.96.0.0/33', '10.96.0.0/', '10.96.0/12', '10.96.0.0/012'])(
    'rejects %j',
    (input) => {
      expect(parseCIDR(input)).toBeUndefined();
    },
  );
});

describe('membership and offsets in 10.96.0.0/12', () => {
  const cidr = parseCIDR('10.96.0.0/12')!;

  it.each([
    ['10.96.0.0', true, 0],
    ['10.96.0.1', true, 1],
    ['10.96.0.10', true, 10],
    ['10.111.255.255', true, (1 << 20) - 1],
    ['10.112.0.0', false, undefined],
    ['10.95.255.255', false, undefined],
    ['10.0.0.5', false, undefined],
  ])('%s: contained %s, offset %s', (ip, inside, offset) => {
    expect(cidrContains(cidr, ip)).toBe(inside);
    expect(offsetOfIP(cidr, ip)).toBe(offset);
  });

  it('maps offsets back to addresses', () => {
    expect(ipAtOffset(cidr, 1)).toBe('10.96.0.1');
    expect(ipAtOffset(cidr, 257)).toBe('10.96.1.1');
    expect(broadcastOf(cidr)).toBe('10.111.255.255');
    expect(() => ipAtOffset(cidr, 1 << 20)).toThrow(RangeError);
  });

  it('compares numerically', () => {
    expect(['10.244.1.10', '10.244.1.2', '10.244.0.9'].sort(compareIPv4)).toEqual([
      '10.244.0.9',
      '10.244.1.2',
      '10.244.1.10',
    ]);
  });
});
