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
    const w0 = mix32(this.seed ^ mix32(n * 4));
    const w1 = mix32(this.seed ^ mix32(n * 4 + 1));
    const w2 = mix32(this.seed ^ mix32(n * 4 + 2));
    const w3 = mix32(this.seed ^ mix32(n * 4 + 3));
    // The 32 hex digits of w0..w3 in 8-4-4-4-12 groups, with the version (4) and variant (10xx)
    // nibbles set as a real v4 UUID has them: digit 12 becomes `4`, digit 16 one of `89ab`.
    // Written as character codes into one buffer and turned into a string at once: every object
    // the store creates needs a uid, and string concatenation left a tree of pieces that each
    // Map lookup by uid had to flatten first.
    const c = this.uidChars;
    putHex(c, 0, w0, 8);
    putHex(c, 9, w1 >>> 16, 4);
    c[14] = 0x34; // '4'
    putHex(c, 15, w1, 3);
    c[19] = VARIANT_CHARS[(w2 >>> 28) & 3]!;
    putHex(c, 20, w2 >>> 16, 3);
    putHex(c, 24, w2, 4);
    putHex(c, 28, w3, 8);
    return String.fromCharCode.apply(null, c);
  }

  /** The uid being written, as character codes; the dashes stay where they are. */
  private readonly uidChars: number[] = Array.from('00000000-0000-0000-0000-000000000000', (ch) =>
    ch.charCodeAt(0),
  );
}

const HEX_CHARS = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
const VARIANT_CHARS = Array.from('89ab', (ch) => ch.charCodeAt(0));

/** Write the low `digits` hex digits of `w` into `out` from `at`, most significant first. */
function putHex(out: number[], at: number, w: number, digits: number): void {
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = HEX_CHARS[w & 15]!;
    w >>>= 4;
  }
}

/** Two lowercase hex digits for each byte value. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, '0'),
);

/** Eight lowercase hex digits of a uint32. */
export function hex8(w: number): string {
  return HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;
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
