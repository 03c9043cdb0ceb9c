/**
 * Pod IP allocation on one node, as the CNI's host-local IPAM plugin does it for flannel's
 * `cni0` bridge.
 *
 * Models containernetworking/plugins plugins/ipam/host-local (allocator.go Get, RangeIter): the
 * node's podCIDR minus the network address, the gateway (`.1`, the bridge) and the broadcast
 * address; addresses are handed out in order **continuing after the last one reserved**, skipping
 * those in use, and wrapping around — so a freed address is not reused at once (which keeps stale
 * endpoints from pointing at a new pod). The real plugin keeps this state in files under
 * /var/lib/cni/networks/cbr0; here it lives in memory per kubelet.
 */

export function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export class HostLocalIpam {
  /** First address of the subnet. */
  readonly base: number;
  /** Number of addresses in the subnet. */
  readonly size: number;
  private readonly used = new Set<number>(); // offsets from base
  private last: number; // offset of the last reserved address

  constructor(readonly podCIDR: string) {
    const [ip = '', bits = ''] = podCIDR.split('/');
    const addr = parseIPv4(ip);
    const prefix = Number(bits);
    if (addr === undefined || !Number.isInteger(prefix) || prefix < 1 || prefix > 30) {
      throw new Error(`host-local: invalid podCIDR ${podCIDR}`);
    }
    this.size = 2 ** (32 - prefix);
    this.base = addr - (addr % this.size);
    this.last = 1; // the gateway: the first allocation is .2
  }

  /** `10.244.1.1-10.244.1.254`, as host-local names its range in errors. */
  get rangeString(): string {
    return `${formatIPv4(this.base + 1)}-${formatIPv4(this.base + this.size - 2)}`;
  }

  /** Next free address after the last reserved one, or undefined when the range is full. */
  allocate(): string | undefined {
    const first = 2;
    const lastUsable = this.size - 2;
    const count = lastUsable - first + 1;
    for (let i = 1; i <= count; i++) {
      const off = first + ((((this.last - first + i) % count) + count) % count);
      if (!this.used.has(off)) {
        this.used.add(off);
        this.last = off;
        return formatIPv4(this.base + off);
      }
    }
    return undefined;
  }

  /** Mark an address as in use (a pod that already had it when the kubelet started). */
  reserve(ip: string): boolean {
    const off = this.offsetOf(ip);
    if (off === undefined) return false;
    this.used.add(off);
    return true;
  }

  release(ip: string): void {
    const off = this.offsetOf(ip);
    if (off !== undefined) this.used.delete(off);
  }

  inUse(): number {
    return this.used.size;
  }

  private offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const off = n - this.base;
    return off >= 2 && off <= this.size - 2 ? off : undefined;
  }
}
