/**
 * IPv4 and CIDR arithmetic: parse and print dotted quads, parse `10.96.0.0/12`, test membership,
 * and map between an address and its offset inside a range. Addresses are unsigned 32-bit numbers
 * (`>>> 0`), so comparisons and offsets are plain integer arithmetic.
 *
 * Used by the Service ClusterIP allocator (api/service-allocation.ts) and by anything that needs
 * to reason about the service, pod or node ranges. IPv6 is out of scope: the simulated cluster is
 * single-stack IPv4, as a default kubeadm cluster is.
 */

/** A parsed IPv4 CIDR block. `network` is the first address (host bits zeroed). */
export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly network: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
  /** Number of addresses in the block (2^(32-prefix)), network and broadcast included. */
  readonly size: number;
  /** Canonical text, `10.96.0.0/12` (as Go's net.IPNet.String prints it). */
  readonly text: string;
}

/**
 * Parse a dotted-quad IPv4 address. Returns undefined for anything else. Leading zeros are
 * rejected, as Go's net.ParseIP does since Go 1.17 (`010.0.0.1` is ambiguous: octal or decimal?).
 */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/** Print an unsigned 32-bit number as a dotted quad. */
export function formatIPv4(n: number): string {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** True if the string is a valid dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

/**
 * Parse `a.b.c.d/n`. Host bits are masked off (Go's net.ParseCIDR returns the network, so
 * `10.96.0.1/12` denotes 10.96.0.0/12). Returns undefined on malformed input.
 */
export function parseCIDR(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9][0-9]?)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const network = (Math.floor(ip / size) * size) >>> 0;
  return { network, prefix, size, text: `${formatIPv4(network)}/${prefix}` };
}

/** Parse a CIDR or throw: for configuration values the engine itself supplies. */
export function mustParseCIDR(s: string): Cidr {
  const c = parseCIDR(s);
  if (!c) throw new Error(`invalid CIDR ${JSON.stringify(s)}`);
  return c;
}

/** Whether the block contains the address (a string or an already parsed number). */
export function cidrContains(cidr: Cidr, ip: string | number): boolean {
  const n = typeof ip === 'number' ? ip >>> 0 : parseIPv4(ip);
  if (n === undefined) return false;
  return n >= cidr.network && n < cidr.network + cidr.size;
}

/** The address `offset` places after the network address (offset 1 of 10.96.0.0/12 is 10.96.0.1). */
export function ipAtOffset(cidr: Cidr, offset: number): string {
  if (!Number.isInteger(offset) || offset < 0 || offset >= cidr.size)
    throw new RangeError(`offset ${offset} outside ${cidr.text}`);
  return formatIPv4(cidr.network + offset);
}

/** The offset of an address from the network address, or undefined if it is not in the block. */
export function offsetOfIP(cidr: Cidr, ip: string | number): number | undefined {
  const n = typeof ip === 'number' ? ip >>> 0 : parseIPv4(ip);
  if (n === undefined || !cidrContains(cidr, n)) return undefined;
  return n - cidr.network;
}

/** The broadcast (last) address of a block. */
export function broadcastOf(cidr: Cidr): string {
  return formatIPv4(cidr.network + cidr.size - 1);
}

/** Compare two dotted quads numerically (for sorting addresses the way a human expects). */
export function compareIPv4(a: string, b: string): number {
  const x = parseIPv4(a);
  const y = parseIPv4(b);
  if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  return x - y;
}
