import { describe, expect, it } from 'vitest';
import { formatIPv4, HostLocalIpam, parseIPv4 } from './ipam';

describe('HostLocalIpam (host-local)', () => {
  it('hands out .2, .3, … and names its range like host-local', () => {
    const ipam = new HostLocalIpam('10.244.1.0/24');
    expect([ipam.allocate(), ipam.allocate(), ipam.allocate()]).toEqual([
      '10.244.1.2',
      '10.244.1.3',
      '10.244.1.4',
    ]);
    expect(ipam.rangeString).toBe('10.244.1.1-10.244.1.254');
  });

  it('continues after the last reserved address instead of reusing a freed one', () => {
    const ipam = new HostLocalIpam('10.244.1.0/24');
    ipam.allocate();
    ipam.allocate();
    ipam.release('10.244.1.2');
    expect(ipam.allocate()).toBe('10.244.1.4');
  });

  it('wraps around, skips addresses in use and reports exhaustion', () => {
    const ipam = new HostLocalIpam('10.0.0.0/29'); // usable .2–.6
    expect(ipam.reserve('10.0.0.5')).toBe(true);
    const got = [ipam.allocate(), ipam.allocate(), ipam.allocate(), ipam.allocate()];
    expect(got).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.6']);
    expect(ipam.allocate()).toBe(undefined);
    ipam.release('10.0.0.3');
    expect(ipam.allocate()).toBe('10.0.0.3');
    expect(ipam.inUse()).toBe(5);
  });

  it('refuses addresses outside its range', () => {
    const ipam = new HostLocalIpam('10.244.1.0/24');
    expect(ipam.reserve('10.244.2.7')).toBe(false);
    expect(ipam.reserve('10.244.1.1')).toBe(false);
    expect(() => new HostLocalIpam('nonsense')).toThrow('host-local: invalid podCIDR nonsense');
  });

  it('parses and formats IPv4', () => {
    expect(parseIPv4('10.244.1.2')).toBe(0x0af40102);
    expect(formatIPv4(0x0af40102)).toBe('10.244.1.2');
    expect(parseIPv4('10.244.1')).toBe(undefined);
    expect(parseIPv4('10.244.1.256')).toBe(undefined);
  });
});
