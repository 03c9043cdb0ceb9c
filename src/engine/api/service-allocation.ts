/**
 * Service ClusterIP and NodePort allocation: the API server's side of `type: ClusterIP`,
 * `NodePort` and `LoadBalancer`.
 *
 * Models pkg/registry/core/service/ipallocator (bitmap.go Range), portallocator (allocator.go),
 * allocator/bitmap.go (randomScanStrategyWithOffset) and storage/alloc.go + storage.go
 * (allocateCreate, allocateUpdate, releaseAllocatedResources, normalizeClusterIPs,
 * patchAllocatedValues) and strategy.go dropTypeDependentFields.
 *
 * What it implements:
 *  - ClusterIPs from the service CIDR. Offsets are counted from network+1 (the network and the
 *    broadcast address are never handed out). The range is split into a lower "static" band of
 *    min(max(16, size/16), 256) addresses and the upper band; dynamic allocation picks a random
 *    start in the upper band and scans forward, falling back to the lower band only when the upper
 *    one is full. So users can pick addresses from the lower band (10.96.0.1–10.96.1.0 for a /12)
 *    without colliding with dynamic ones.
 *  - NodePorts from 30000–32767 the same way (static band min(max(16, size/32), 128) = 86 ports).
 *    Ports of one Service with the same port number (53/UDP and 53/TCP) share one NodePort.
 *  - healthCheckNodePort for LoadBalancer + externalTrafficPolicy Local.
 *  - Update: allocated values the client left out are kept; new ports get NodePorts, removed
 *    ones are released; switching to ClusterIP/ExternalName drops and releases what no longer
 *    applies; the ClusterIP may not change once set.
 *  - Release on delete (afterDelete).
 *  - ipFamilies / ipFamilyPolicy initialised as a single-stack IPv4 cluster does.
 *
 * Left out: dual-stack (the cluster is IPv4 only), dry-run, the repair controllers (the allocator
 * state lives in memory next to the store and cannot drift from it), and the MultiCIDRServiceAllocator
 * (IPAddress objects; alpha in v1.30, so a v1.30 cluster uses the bitmaps modelled here).
 */
import type { ClusterContext } from '../context';
import type { Rng } from '../sim/rng';
import { ApiError, invalid } from './errors';
import type { FieldError } from './errors';
import type { Cidr } from './ipalloc';
import { formatIPv4, mustParseCIDR, parseIPv4 } from './ipalloc';
import { kindInfo } from './kinds';
import type { ApiStore, Strategy } from './store';
import type { KObject } from './types';

// ---------------------------------------------------------------------------------------------
// The bitmap allocator

/**
 * `min(max(lo, size/step), hi)`, or 0 for ranges of at most `lo` items: the size of the static
 * band at the bottom of a range (ipallocator and portallocator calculateRangeOffset).
 */
export function calculateRangeOffset(size: number, lo: number, hi: number, step: number): number {
  if (size <= lo) return 0;
  const offset = Math.floor(size / step);
  if (offset < lo) return lo;
  if (offset > hi) return hi;
  return offset;
}

/**
 * A set of item indexes 0..max-1 with random allocation that prefers the upper band.
 * Models pkg/registry/core/service/allocator/bitmap.go with randomScanStrategyWithOffset
 * (a Set instead of a big.Int: the same behaviour, cheap for sparse ranges).
 */
export class RangeAllocator {
  private readonly used = new Set<number>();

  constructor(
    /** Number of items. */
    readonly max: number,
    /** Size of the lower (static) band, preferred last by allocateNext. */
    readonly offset: number,
    private readonly rng: Rng,
  ) {}

  /** Mark an index used. False if it is out of range or already used. */
  allocate(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.max || this.used.has(i)) return false;
    this.used.add(i);
    return true;
  }

  /** A free index: random start in the upper band, scanning forward; then the lower band. */
  allocateNext(): number | undefined {
    if (this.used.size >= this.max) return undefined;
    const upper = this.max - this.offset;
    if (upper > 0) {
      const start = this.rng.int(upper);
      for (let k = 0; k < upper; k++) {
        const at = this.offset + ((start + k) % upper);
        if (!this.used.has(at)) {
          this.used.add(at);
          return at;
        }
      }
    }
    if (this.offset > 0) {
      const start = this.rng.int(this.offset);
      for (let k = 0; k < this.offset; k++) {
        const at = (start + k) % this.offset;
        if (!this.used.has(at)) {
          this.used.add(at);
          return at;
        }
      }
    }
    return undefined;
  }

  release(i: number): void {
    this.used.delete(i);
  }

  has(i: number): boolean {
    return this.used.has(i);
  }

  get count(): number {
    return this.used.size;
  }

  /** The used indexes, ascending (for tests and inspection). */
  values(): number[] {
    return [...this.used].sort((a, b) => a - b);
  }
}

/** Why an allocation failed, with the allocator's own error text. */
export class AllocationError extends Error {
  override readonly name = 'AllocationError';
  constructor(
    readonly reason: 'NotInRange' | 'Allocated' | 'Full',
    message: string,
  ) {
    super(message);
  }
}

/** ipallocator.Range: ClusterIPs out of one CIDR. */
export class IPAllocator {
  readonly cidr: Cidr;
  private readonly base: number; // network + 1
  private readonly bits: RangeAllocator;

  constructor(cidr: Cidr | string, rng: Rng) {
    this.cidr = typeof cidr === 'string' ? mustParseCIDR(cidr) : cidr;
    this.base = this.cidr.network + 1;
    // Neither the network address nor the broadcast address is ever handed out.
    const max = Math.max(0, this.cidr.size - 2);
    const offset = calculateRangeOffset(this.cidr.size, 16, 256, 16);
    this.bits = new RangeAllocator(max, offset, rng);
  }

  /** Size of the static band (addresses base .. base+offset-1). */
  get staticBandSize(): number {
    return this.bits.offset;
  }

  get max(): number {
    return this.bits.max;
  }

  /** The bit index of an address, or undefined when it is not allocatable in this range. */
  offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const off = n - this.base;
    return off >= 0 && off < this.bits.max ? off : undefined;
  }

  /** Reserve a specific address. Throws AllocationError with the allocator's message. */
  allocate(ip: string): void {
    const off = this.offsetOf(ip);
    if (off === undefined) {
      throw new AllocationError(
        'NotInRange',
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`,
      );
    }
    if (!this.bits.allocate(off))
      throw new AllocationError('Allocated', 'provided IP is already allocated');
  }

  allocateNext(): string {
    const off = this.bits.allocateNext();
    if (off === undefined) throw new AllocationError('Full', 'range is full');
    return formatIPv4(this.base + off);
  }

  release(ip: string): void {
    const off = this.offsetOf(ip);
    if (off !== undefined) this.bits.release(off);
  }

  has(ip: string): boolean {
    const off = this.offsetOf(ip);
    return off !== undefined && this.bits.has(off);
  }

  get count(): number {
    return this.bits.count;
  }

  /** Allocated addresses in ascending order. */
  allocated(): string[] {
    return this.bits.values().map((o) => formatIPv4(this.base + o));
  }
}

/** portallocator.PortAllocator: NodePorts out of base..base+size-1. */
export class PortAllocator {
  private readonly bits: RangeAllocator;

  constructor(
    readonly base: number,
    readonly size: number,
    rng: Rng,
  ) {
    this.bits = new RangeAllocator(size, calculateRangeOffset(size, 16, 128, 32), rng);
  }

  /** `30000-32767`, as net.PortRange prints. */
  get rangeText(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }

  get staticBandSize(): number {
    return this.bits.offset;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.base && port < this.base + this.size;
  }

  allocate(port: number): void {
    if (!this.contains(port)) {
      throw new AllocationError(
        'NotInRange',
        `provided port is not in the valid range. The range of valid ports is ${this.rangeText}`,
      );
    }
    if (!this.bits.allocate(port - this.base))
      throw new AllocationError('Allocated', 'provided port is already allocated');
  }

  allocateNext(): number {
    const off = this.bits.allocateNext();
    if (off === undefined) throw new AllocationError('Full', 'range is full');
    return this.base + off;
  }

  release(port: number): void {
    if (this.contains(port)) this.bits.release(port - this.base);
  }

  has(port: number): boolean {
    return this.contains(port) && this.bits.has(port - this.base);
  }

  get count(): number {
    return this.bits.count;
  }

  allocated(): number[] {
    return this.bits.values().map((o) => this.base + o);
  }
}

/** The allocator state of one cluster (one API store). */
export interface ServiceAllocators {
  readonly ips: IPAllocator;
  readonly nodePorts: PortAllocator;
}

const allocatorsByStore = new WeakMap<ApiStore, ServiceAllocators>();

/** The allocators behind a store, when installServiceAllocation ran for it. */
export function serviceAllocatorsOf(store: ApiStore): ServiceAllocators | undefined {
  return allocatorsByStore.get(store);
}

// ---------------------------------------------------------------------------------------------
// Service shapes (mutable views of the fields this file touches)

interface SvcPort {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
}

interface SvcSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  ports?: SvcPort[];
  selector?: Record<string, string>;
  healthCheckNodePort?: number;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
}

function specOf(obj: KObject): SvcSpec {
  if (obj.spec === undefined || obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  return obj.spec as SvcSpec;
}

const typeOf = (s: SvcSpec): string => s.type ?? 'ClusterIP';
const needsClusterIP = (s: SvcSpec): boolean => typeOf(s) !== 'ExternalName';
const needsNodePort = (s: SvcSpec): boolean =>
  typeOf(s) === 'NodePort' || typeOf(s) === 'LoadBalancer';
/** apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
const needsHealthCheck = (s: SvcSpec): boolean =>
  typeOf(s) === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
const isHeadless = (s: SvcSpec): boolean =>
  (s.clusterIPs?.length ?? 0) === 1 && s.clusterIPs?.[0] === 'None';

function shouldAllocateNodePorts(s: SvcSpec): boolean {
  if (typeOf(s) === 'NodePort') return true;
  // allocateLoadBalancerNodePorts defaults to true; false skips allocation (GA 1.24).
  if (typeOf(s) === 'LoadBalancer') return s.allocateLoadBalancerNodePorts !== false;
  return false;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

const sameClusterIPs = (a: SvcSpec, b: SvcSpec): boolean =>
  (a.clusterIP ?? '') === (b.clusterIP ?? '') && sameStrings(a.clusterIPs, b.clusterIPs);

function nodePortSet(s: SvcSpec): Set<number> {
  const out = new Set<number>();
  for (const p of s.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  return out;
}

/** collectServiceNodePorts: the ports' NodePorts (not the health-check port). */
function collectServiceNodePorts(s: SvcSpec): number[] {
  return (s.ports ?? []).filter((p) => !!p.nodePort).map((p) => p.nodePort!);
}

// ---------------------------------------------------------------------------------------------
// Field normalisation (storage.go / strategy.go)

/** Models storage.go normalizeClusterIPs: keep clusterIP and clusterIPs in sync. */
function normalizeClusterIPs(svc: SvcSpec, old: SvcSpec | undefined): void {
  if (!old) {
    // Create: an old client set only the singular field.
    if (svc.clusterIP && (svc.clusterIPs?.length ?? 0) === 0) svc.clusterIPs = [svc.clusterIP];
    return;
  }
  // An old client patching something else dropped clusterIPs.
  if ((old.clusterIPs?.length ?? 0) > 0 && (svc.clusterIPs?.length ?? 0) === 0) {
    if ((old.clusterIP ?? '') === (svc.clusterIP ?? '')) svc.clusterIPs = [...old.clusterIPs!];
  }
  if ((old.clusterIP ?? '') !== (svc.clusterIP ?? '')) {
    if (old.clusterIP && !svc.clusterIP) {
      if (sameStrings(old.clusterIPs, svc.clusterIPs)) delete svc.clusterIPs;
    } else if (sameStrings(old.clusterIPs, svc.clusterIPs)) {
      svc.clusterIPs = [svc.clusterIP ?? ''];
    }
  }
}

/**
 * Models storage.go patchAllocatedValues: a client resubmitting its original YAML (without the
 * clusterIP or nodePorts the server filled in) keeps the allocated values.
 */
function patchAllocatedValues(svc: SvcSpec, old: SvcSpec): void {
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!svc.clusterIP && old.clusterIP) svc.clusterIP = old.clusterIP;
    if ((svc.clusterIPs?.length ?? 0) === 0 && (old.clusterIPs?.length ?? 0) > 0)
      svc.clusterIPs = [...old.clusterIPs!];
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const newUsed = nodePortSet(svc);
    const used = new Set([...nodePortSet(old)].filter((p) => newUsed.has(p)));
    // NodePorts are matched by port name: the user may have changed other properties.
    const byName = new Map<string, number>();
    for (const p of old.ports ?? []) byName.set(p.name ?? '', p.nodePort ?? 0);
    for (const p of svc.ports ?? []) {
      if (p.nodePort) continue;
      const oldVal = byName.get(p.name ?? '') ?? 0;
      if (oldVal && !used.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc)) {
    if (!svc.healthCheckNodePort && old.healthCheckNodePort)
      svc.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * Models strategy.go dropTypeDependentFields: switching to a type that does not use a field the
 * server filled in (and which the user did not change) clears it, so it can be released.
 */
function dropTypeDependentFields(svc: SvcSpec, old: SvcSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (sameClusterIPs(old, svc)) {
      delete svc.clusterIP;
      delete svc.clusterIPs;
    }
    if (sameStrings(old.ipFamilies, svc.ipFamilies)) delete svc.ipFamilies;
    if ((old.ipFamilyPolicy ?? '') === (svc.ipFamilyPolicy ?? '')) delete svc.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    const oldPorts = nodePortSet(old);
    const superset = [...nodePortSet(svc)].every((p) => oldPorts.has(p));
    if (superset) for (const p of svc.ports ?? []) delete p.nodePort;
  }
  if (
    needsHealthCheck(old) &&
    !needsHealthCheck(svc) &&
    (old.healthCheckNodePort ?? 0) === (svc.healthCheckNodePort ?? 0)
  ) {
    delete svc.healthCheckNodePort;
  }
}

/**
 * Models alloc.go initIPFamilyFields for a single-stack IPv4 cluster: ipFamilyPolicy defaults to
 * SingleStack (RequireDualStack for headless services without a selector, which then list both
 * families, as a real cluster shows them) and ipFamilies to [IPv4].
 */
function initIPFamilyFields(svc: SvcSpec, old: SvcSpec | undefined): void {
  if (!needsClusterIP(svc)) return;
  const headlessSelectorless =
    svc.clusterIP === 'None' && Object.keys(svc.selector ?? {}).length === 0;
  if (!svc.ipFamilyPolicy) {
    if (old?.ipFamilyPolicy) svc.ipFamilyPolicy = old.ipFamilyPolicy;
    else svc.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  }
  if (!svc.ipFamilies || svc.ipFamilies.length === 0) {
    svc.ipFamilies =
      headlessSelectorless && svc.ipFamilyPolicy !== 'SingleStack' ? ['IPv4', 'IPv6'] : ['IPv4'];
  }
}

// ---------------------------------------------------------------------------------------------
// Validation that allocation relies on (pkg/apis/core/validation). The validation strategy may
// report the same problems first; these only run when it let the object through.

const VALID_IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** Models validation.ValidateServiceClusterIPsRelatedFields (the IPv4 part). */
function validateClusterIPsRelatedFields(svc: SvcSpec): FieldError[] {
  if (!needsClusterIP(svc)) return [];
  const errs: FieldError[] = [];
  const ips = svc.clusterIPs ?? [];
  if (svc.clusterIP) {
    if (ips.length === 0) errs.push({ type: 'Required', field: 'spec.clusterIPs' });
    else if (ips[0] !== svc.clusterIP)
      errs.push({
        type: 'Invalid',
        field: 'spec.clusterIPs',
        badValue: ips,
        detail: 'first value must match `clusterIP`',
      });
  } else if (ips.length > 0) {
    errs.push({
      type: 'Invalid',
      field: 'spec.clusterIPs',
      badValue: ips,
      detail: 'must be empty when `clusterIP` is not specified',
    });
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1)
        errs.push({
          type: 'Invalid',
          field: 'spec.clusterIPs',
          badValue: ips,
          detail: "'None' must be the first and only value",
        });
      return;
    }
    if (parseIPv4(ip) === undefined)
      errs.push({
        type: 'Invalid',
        field: `spec.clusterIPs[${i}]`,
        badValue: ip,
        detail: VALID_IP_MSG,
      });
  });
  if (ips.length > 1 && ips[0] !== 'None' && errs.length === 0)
    errs.push({
      type: 'Invalid',
      field: 'spec.ipFamilyPolicy',
      badValue: svc.ipFamilyPolicy ?? null,
      detail: 'this cluster is not configured for dual-stack services',
    });
  return errs;
}

/** The NodePort rules of validation.ValidateService. */
function validateNodePortFields(svc: SvcSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = svc.ports ?? [];
  if (typeOf(svc) === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort)
        errs.push({
          type: 'Forbidden',
          field: `spec.ports[${i}].nodePort`,
          detail: "may not be used when `type` is 'ClusterIP'",
        });
    });
  }
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol ?? 'TCP'}/${p.nodePort}`;
    if (seen.has(key))
      errs.push({ type: 'Duplicate', field: `spec.ports[${i}].nodePort`, badValue: p.nodePort });
    seen.add(key);
  });
  if (svc.healthCheckNodePort && !needsHealthCheck(svc)) {
    errs.push({
      type: 'Invalid',
      field: 'spec.healthCheckNodePort',
      badValue: svc.healthCheckNodePort,
      detail:
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    });
  }
  return errs;
}

/** Models validation.validateUpgradeDowngradeClusterIPs: the ClusterIP is immutable. */
function validateClusterIPsImmutable(svc: SvcSpec, old: SvcSpec): FieldError[] {
  if (typeOf(svc) === 'ExternalName' || typeOf(old) === 'ExternalName') return [];
  if (isHeadless(svc) && isHeadless(old)) return [];
  const oldIPs = old.clusterIPs ?? [];
  const newIPs = svc.clusterIPs ?? [];
  const errs: FieldError[] = [];
  const changed = (i: number): FieldError => ({
    type: 'Invalid',
    field: `spec.clusterIPs[${i}]`,
    badValue: newIPs,
    detail: 'may not change once set',
  });
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i]) errs.push(changed(i));
    });
  } else if (oldIPs.length > newIPs.length) {
    if (newIPs.length === 0)
      errs.push({
        type: 'Invalid',
        field: 'spec.clusterIPs[0]',
        badValue: newIPs,
        detail: 'primary clusterIP can not be unset',
      });
    else if (newIPs[0] !== oldIPs[0]) errs.push(changed(0));
  } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
    errs.push(changed(0));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Allocation with rollback (alloc.go's transactions)

class Txn {
  private readonly ips: string[] = [];
  private readonly ports: number[] = [];
  private readonly releaseIPs: string[] = [];
  private readonly releasePorts: number[] = [];

  constructor(private readonly al: ServiceAllocators) {}

  allocateIP(ip: string): void {
    this.al.ips.allocate(ip);
    this.ips.push(ip);
  }
  allocateNextIP(): string {
    const ip = this.al.ips.allocateNext();
    this.ips.push(ip);
    return ip;
  }
  allocatePort(p: number): void {
    this.al.nodePorts.allocate(p);
    this.ports.push(p);
  }
  allocateNextPort(): number {
    const p = this.al.nodePorts.allocateNext();
    this.ports.push(p);
    return p;
  }
  /** Release after success only (ReleaseDeferred). */
  deferReleaseIP(ip: string): void {
    this.releaseIPs.push(ip);
  }
  deferReleasePort(p: number): void {
    this.releasePorts.push(p);
  }
  commit(): void {
    for (const ip of this.releaseIPs) this.al.ips.release(ip);
    for (const p of this.releasePorts) this.al.nodePorts.release(p);
  }
  revert(): void {
    for (const ip of this.ips) this.al.ips.release(ip);
    for (const p of this.ports) this.al.nodePorts.release(p);
  }
}

const SERVICE_INFO = kindInfo('Service')!;

function invalidService(name: string, causes: FieldError[]): ApiError {
  return invalid(SERVICE_INFO, name, causes);
}

function internalError(message: string): ApiError {
  return new ApiError('InternalError', 500, `Internal error occurred: ${message}`);
}

/** Models alloc.go allocClusterIPs (single stack). */
function allocClusterIPs(svc: SvcSpec, name: string, txn: Txn): void {
  if (!needsClusterIP(svc)) return;
  if (svc.clusterIPs?.[0] === 'None' || svc.clusterIP === 'None') return;
  const requested = svc.clusterIPs?.[0] ?? svc.clusterIP ?? '';
  if (requested === '') {
    let ip: string;
    try {
      ip = txn.allocateNextIP();
    } catch (e) {
      throw internalError(`failed to allocate a serviceIP: ${(e as Error).message}`);
    }
    svc.clusterIP = ip;
    svc.clusterIPs = [ip];
    return;
  }
  try {
    txn.allocateIP(requested);
  } catch (e) {
    throw invalidService(name, [
      {
        type: 'Invalid',
        field: 'spec.clusterIPs',
        badValue: svc.clusterIPs ?? [requested],
        detail: `failed to allocate IP ${requested}: ${(e as Error).message}`,
      },
    ]);
  }
  svc.clusterIP = requested;
  svc.clusterIPs = [requested];
}

function nodePortError(name: string, index: number, port: number, e: unknown): ApiError {
  return invalidService(name, [
    {
      type: 'Invalid',
      field: `spec.ports[${index}].nodePort`,
      badValue: port,
      detail: (e as Error).message,
    },
  ]);
}

function nextNodePort(txn: Txn): number {
  try {
    return txn.allocateNextPort();
  } catch (e) {
    throw internalError(`failed to allocate a nodePort: ${(e as Error).message}`);
  }
}

/**
 * Models alloc.go initNodePorts. Ports with the same port number (53/UDP + 53/TCP) share one
 * NodePort: the first requested value among them, or one dynamic allocation.
 */
function initNodePorts(svc: SvcSpec, name: string, txn: Txn): void {
  const ports = svc.ports ?? [];
  const byServicePort = new Map<number, number>();
  ports.forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(svc)) return; // respect explicit requests only
    const already = byServicePort.get(p.port ?? 0) ?? 0;
    if (already === 0) {
      const requested = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort ?? 0;
      if (requested) {
        try {
          txn.allocatePort(requested);
        } catch (e) {
          throw nodePortError(name, i, requested, e);
        }
        p.nodePort = requested;
      } else {
        p.nodePort = nextNodePort(txn);
      }
      byServicePort.set(p.port ?? 0, p.nodePort);
    } else if (p.nodePort !== already) {
      if (!p.nodePort) p.nodePort = already;
      else {
        try {
          txn.allocatePort(p.nodePort);
        } catch (e) {
          throw nodePortError(name, i, p.nodePort, e);
        }
      }
    }
  });
}

/** Models alloc.go allocHealthCheckNodePort. */
function allocHealthCheckNodePort(svc: SvcSpec, txn: Txn): void {
  const requested = svc.healthCheckNodePort ?? 0;
  if (requested) {
    try {
      txn.allocatePort(requested);
    } catch (e) {
      throw internalError(
        `failed to allocate requested HealthCheck NodePort ${requested}: ${(e as Error).message}`,
      );
    }
  } else {
    try {
      svc.healthCheckNodePort = txn.allocateNextPort();
    } catch (e) {
      throw internalError(`failed to allocate a HealthCheck NodePort 0: ${(e as Error).message}`);
    }
  }
}

/** Models alloc.go updateNodePorts. */
function updateNodePorts(svc: SvcSpec, old: SvcSpec, name: string, txn: Txn): void {
  const oldNumbers = collectServiceNodePorts(old);
  const taken = new Set<number>();
  const seen = new Set<string>();
  (svc.ports ?? []).forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(svc)) return;
    if (p.nodePort) {
      if (!oldNumbers.includes(p.nodePort) && !taken.has(p.nodePort)) {
        try {
          txn.allocatePort(p.nodePort);
        } catch (e) {
          throw nodePortError(name, i, p.nodePort, e);
        }
        taken.add(p.nodePort);
      }
    } else {
      p.nodePort = nextNodePort(txn);
    }
    const key = `${p.protocol ?? 'TCP'}/${p.nodePort}`;
    if (seen.has(key))
      throw invalidService(name, [
        { type: 'Duplicate', field: `spec.ports[${i}].nodePort`, badValue: p.nodePort },
      ]);
    seen.add(key);
  });
  const newNumbers = collectServiceNodePorts(svc);
  for (const n of oldNumbers) if (!newNumbers.includes(n)) txn.deferReleasePort(n);
}

/** Models alloc.go allocateCreate. Mutates the service; throws ApiError (nothing leaks). */
export function allocateCreate(al: ServiceAllocators, obj: KObject): void {
  const svc = specOf(obj);
  const name = obj.metadata.name ?? '';
  initIPFamilyFields(svc, undefined);
  const errs = [...validateClusterIPsRelatedFields(svc), ...validateNodePortFields(svc)];
  if (errs.length > 0) throw invalidService(name, errs);
  const txn = new Txn(al);
  try {
    allocClusterIPs(svc, name, txn);
    if (needsNodePort(svc)) initNodePorts(svc, name, txn);
    if (needsHealthCheck(svc)) allocHealthCheckNodePort(svc, txn);
  } catch (e) {
    txn.revert();
    throw e;
  }
  txn.commit();
}

/** Models alloc.go allocateUpdate (txnUpdateClusterIPs + txnUpdateNodePorts). */
export function allocateUpdate(al: ServiceAllocators, obj: KObject, oldObj: KObject): void {
  const svc = specOf(obj);
  const old = (oldObj.spec ?? {}) as SvcSpec;
  const name = obj.metadata.name ?? '';
  initIPFamilyFields(svc, old);
  const errs = [...validateClusterIPsRelatedFields(svc), ...validateNodePortFields(svc)];
  if (errs.length > 0) throw invalidService(name, errs);
  const txn = new Txn(al);
  try {
    // ClusterIPs: ExternalName → other allocates; other → ExternalName releases.
    if (!needsClusterIP(old) && needsClusterIP(svc)) {
      allocClusterIPs(svc, name, txn);
    } else if (needsClusterIP(old) && !needsClusterIP(svc)) {
      if (old.clusterIP && old.clusterIP !== 'None') txn.deferReleaseIP(old.clusterIP);
    }

    // NodePorts.
    const toNoNodePorts = needsNodePort(old) && !needsNodePort(svc);
    if (toNoNodePorts) for (const n of collectServiceNodePorts(old)) txn.deferReleasePort(n);
    if (needsNodePort(svc)) updateNodePorts(svc, old, name, txn);

    // Health-check NodePort.
    if (!needsHealthCheck(old) && needsHealthCheck(svc)) allocHealthCheckNodePort(svc, txn);
    else if (needsHealthCheck(old) && !needsHealthCheck(svc) && old.healthCheckNodePort)
      txn.deferReleasePort(old.healthCheckNodePort);
  } catch (e) {
    txn.revert();
    throw e;
  }
  txn.commit();
}

/** Models alloc.go releaseAllocatedResources. */
export function releaseAllocated(al: ServiceAllocators, obj: KObject): void {
  const svc = (obj.spec ?? {}) as SvcSpec;
  if (needsClusterIP(svc)) {
    for (const ip of svc.clusterIPs ?? (svc.clusterIP ? [svc.clusterIP] : [])) {
      if (ip !== 'None') al.ips.release(ip);
    }
  }
  for (const n of collectServiceNodePorts(svc)) al.nodePorts.release(n);
  if (needsHealthCheck(svc) && svc.healthCheckNodePort)
    al.nodePorts.release(svc.healthCheckNodePort);
}

/** Mark what an already stored Service holds (the repair controllers' job at apiserver start). */
function markAllocated(al: ServiceAllocators, obj: KObject): void {
  const svc = (obj.spec ?? {}) as SvcSpec;
  if (needsClusterIP(svc)) {
    const ip = svc.clusterIPs?.[0] ?? svc.clusterIP;
    if (ip && ip !== 'None' && al.ips.offsetOf(ip) !== undefined && !al.ips.has(ip))
      al.ips.allocate(ip);
  }
  for (const n of collectServiceNodePorts(svc))
    if (al.nodePorts.contains(n) && !al.nodePorts.has(n)) al.nodePorts.allocate(n);
  const hc = svc.healthCheckNodePort;
  if (hc && al.nodePorts.contains(hc) && !al.nodePorts.has(hc)) al.nodePorts.allocate(hc);
}

/** The Service strategy hooks for allocation. */
export function serviceAllocationStrategy(al: ServiceAllocators): Strategy {
  return {
    prepareForCreate: (obj) => normalizeClusterIPs(specOf(obj), undefined),
    allocate: (obj) => allocateCreate(al, obj),
    prepareForUpdate: (obj, old) => {
      const svc = specOf(obj);
      const prev = (old.spec ?? {}) as SvcSpec;
      patchAllocatedValues(svc, prev);
      normalizeClusterIPs(svc, prev);
      dropTypeDependentFields(svc, prev);
    },
    validateUpdate: (obj, old) =>
      validateClusterIPsImmutable(specOf(obj), (old.spec ?? {}) as SvcSpec),
    allocateUpdate: (obj, old) => allocateUpdate(al, obj, old),
    afterDelete: (obj) => releaseAllocated(al, obj),
  };
}

/**
 * Install ClusterIP/NodePort allocation for a cluster: allocators over `config.serviceCIDR` and
 * `config.nodePortRange`, random streams `ipallocator` and `portallocator`.
 */
export function installServiceAllocation(ctx: ClusterContext): void {
  const al: ServiceAllocators = {
    ips: new IPAllocator(ctx.config.serviceCIDR, ctx.rng('ipallocator')),
    nodePorts: new PortAllocator(
      ctx.config.nodePortRange.base,
      ctx.config.nodePortRange.size,
      ctx.rng('portallocator'),
    ),
  };
  allocatorsByStore.set(ctx.store, al);
  for (const svc of ctx.store.list('Service')) markAllocated(al, svc);
  ctx.store.setStrategy('Service', serviceAllocationStrategy(al));
}
