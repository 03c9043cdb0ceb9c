/**
 * Seeded pseudo-random source. The engine never calls Math.random: every random choice
 * (ClusterIP, NodePort, pod-name suffix, iptables `statistic` match, image pull time) comes from
 * an Rng derived from the cluster's seed, so one seed gives byte-identical runs.
 *
 * Algorithm: sfc32 seeded through splitmix32 — small, fast, and good enough for a simulator.
 */
/**
 * Up to this length V8 builds a concatenation as one flat string (its ConsString::kMinLength is
 * 13): no rope nodes to avoid.
 */
const SHORT_STRING = 12;
/** One reusable character-code buffer per length string() is asked for (the buffer is filled whole). */
const scratch = new Map<number, number[]>();

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next() | 0;
    this.b = next() | 0;
    this.c = next() | 0;
    this.d = next() | 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * A uniformly distributed 32-bit unsigned integer.
   *
   * The state words are kept as signed 32-bit integers (`| 0`): the same 32 bits as unsigned
   * ones, and every operation here works on the bits alone, so the sequence is the same. Signed,
   * they fit V8's small integers; unsigned, half of them did not, and every update of a field
   * allocated a number box (the scheduler draws for each tie, kubelets 64 times per container).
   */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 0) return 0;
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max] inclusive. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick on an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A new array, Fisher–Yates shuffled. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** n characters drawn from alphabet. */
  string(alphabet: string, n: number): string {
    if (n <= SHORT_STRING) {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
      return s;
    }
    // The same draws and characters, written as UTF-16 code units and made into one flat string.
    // Appending one character at a time to a longer string (a 64-digit container ID) leaves a
    // chain of one rope node per character that lives as long as the string: ~1.7 kB per ID.
    let codes = scratch.get(n);
    if (!codes) {
      codes = new Array<number>(n).fill(0);
      if (n <= 256) scratch.set(n, codes);
    }
    for (let i = 0; i < n; i++) codes[i] = alphabet.charCodeAt(this.int(alphabet.length));
    return String.fromCharCode.apply(null, codes);
  }

  /** An independent stream derived from this one and a label (so adding draws in one subsystem
   * does not shift the numbers another subsystem sees). */
  fork(label: string): Rng {
    let h = this.nextUint32();
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }
}

/** Derive a stream for a subsystem straight from a seed and a label, without consuming a parent. */
export function rngFor(seed: number, label: string): Rng {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return new Rng(h >>> 0);
}
