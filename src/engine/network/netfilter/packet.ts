/**
 * The packet the netfilter evaluator and conntrack work on, and the IPv4 arithmetic they need.
 *
 * A packet here is its header as netfilter sees it: the L4 protocol, the two addresses and ports,
 * the length (what the rule counters add up) and the skb mark (`-m mark`, `-j MARK`). Payloads,
 * TCP flags, TTLs and IPv6 are left out: nothing kube-proxy writes looks at them.
 */
import type { L4Protocol } from '../model';

export interface Packet {
  proto: L4Protocol;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** skb->len: what `iptables -v` adds to a rule's byte counter. */
  bytes: number;
  /** skb->mark (nfmark), a 32-bit unsigned value. */
  mark: number;
}

/** An IPv4 network: the base address (already masked) and the prefix length. */
export interface Cidr {
  base: number;
  prefix: number;
  mask: number;
}

/** The dotted quad as an unsigned 32-bit number, or undefined if it is not a plain IPv4 address. */
export function ipToNumber(ip: string): number | undefined {
  // inet_pton's rules: four decimal octets 0..255, no leading zeros. Hand-rolled: every rule with
  // -s or -d parses the packet's address, so this runs a few times per rule per packet.
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + octet;
}

export function numberToIp(n: number): string {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** The netmask of a prefix length, unsigned (prefix 0 gives 0). */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Rules are matched millions of times in a benchmark; their few CIDRs are parsed once. */
const parsed = new Map<string, Cidr>();

/**
 * `10.244.0.0/16` or a bare address (`10.96.0.1`, a /32). Host bits are cleared, as iptables does
 * (`-s 10.244.1.7/16` is stored and printed as `10.244.0.0/16`). Throws on anything else: a rule
 * with an unparsable address could not have been loaded by iptables-restore.
 */
export function parseCidr(cidr: string): Cidr {
  const hit = parsed.get(cidr);
  if (hit) return hit;
  const slash = cidr.indexOf('/');
  const addr = ipToNumber(slash < 0 ? cidr : cidr.slice(0, slash));
  const prefixText = slash < 0 ? '32' : cidr.slice(slash + 1);
  const prefix = /^[0-9]{1,2}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (addr === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new Error(`host/network \`${cidr}' not found`);
  }
  const mask = prefixMask(prefix);
  const c: Cidr = { base: (addr & mask) >>> 0, prefix, mask };
  parsed.set(cidr, c);
  return c;
}

/** Whether ip lies in cidr. An address that is not IPv4 lies in no IPv4 network. */
export function cidrContains(cidr: string | Cidr, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const n = ipToNumber(ip);
  if (n === undefined) return false;
  return (n & c.mask) >>> 0 === c.base;
}

/** The IANA protocol number conntrack prints beside the name (`tcp      6`). */
export function protoNumber(proto: L4Protocol): number {
  switch (proto) {
    case 'tcp':
      return 6;
    case 'udp':
      return 17;
    case 'sctp':
      return 132;
  }
}
