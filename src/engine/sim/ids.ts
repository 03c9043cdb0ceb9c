/**
 * Identifiers from counters. UIDs look like the API server's (UUID v4 text) but are a bijective
 * mix of (seed, counter), so they are unique, stable for a seed, and independent of how many
 * random numbers other subsystems drew.
 */
export class IdSource {
  private uidCounter = 0;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  /** The next object UID, e.g. `3f1c9a2e-5b7d-4e01-9c3a-0d2e6f1b8a47`. */
  nextUid(): string {
    const n = ++this.uidCounter;
    const words = [0, 1, 2, 3].map((i) => mix32(this.seed ^ mix32(n * 4 + i)));
    const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
    // Set the version (4) and variant (10xx) nibbles as a real v4 UUID has them.
    const v =
      hex.slice(0, 12) +
      '4' +
      hex.slice(13, 16) +
      '89ab'[parseInt(hex[16] ?? '0', 16) & 3] +
      hex.slice(17);
    return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
  }
}

/** murmur3's 32-bit finaliser: a bijection on uint32. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
