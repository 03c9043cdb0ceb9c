/**
 * The `pod-template-hash` label: what makes ReplicaSet names look like `nginx-7b96bf9f76`.
 *
 * Models pkg/controller/controller_utils.go ComputeHash: FNV-32a over the pod template, plus the
 * Deployment's collisionCount (as 8 little-endian bytes) when it is set; the decimal value is then
 * passed through apimachinery's rand.SafeEncodeString, which maps each digit character to a
 * consonant-or-digit from `bcdfghjklmnpqrstvwxz2456789`. Digits land on {4,5,6,7,8,9,b,c,d,f}.
 *
 * Simplified: Go hashes a spew dump of the struct, which a simulator cannot reproduce; we hash a
 * canonical JSON (sorted keys, empty maps/lists/null treated as absent, the same normalisation as
 * the semantic template comparison). Identical templates therefore give identical hashes, and the
 * values have the real alphabet and length (8–10 characters), but not the real cluster's values.
 */

/** apps.DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** apimachinery pkg/util/rand: the alphabet SafeEncodeString draws from. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character c becomes alphabet[c % 27] (no vowels, no 0/1/3). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** hash/fnv New32a over bytes, continuing from `h` (so several writes hash as one stream). */
export function fnv32a(bytes: ArrayLike<number>, h = FNV32_OFFSET): number {
  let x = h >>> 0;
  for (let i = 0; i < bytes.length; i++) x = Math.imul(x ^ (bytes[i]! & 0xff), FNV32_PRIME) >>> 0;
  return x;
}

/**
 * fnv32a(utf8Bytes(s)), without building the byte array: the UTF-8 encoding is produced and
 * hashed one byte at a time. (The canonical JSON of a pod template is a few hundred bytes, and
 * every new ReplicaSet hashes one.)
 */
export function fnv32aUtf8(s: string, h = FNV32_OFFSET): number {
  let x = h >>> 0;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      // A surrogate pair is one code point (as `for…of` and codePointAt read it).
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (cp < 0x80) x = Math.imul(x ^ cp, FNV32_PRIME) >>> 0;
    else if (cp < 0x800) {
      x = Math.imul(x ^ (0xc0 | (cp >> 6)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | (cp & 63)), FNV32_PRIME) >>> 0;
    } else if (cp < 0x10000) {
      x = Math.imul(x ^ (0xe0 | (cp >> 12)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | ((cp >> 6) & 63)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | (cp & 63)), FNV32_PRIME) >>> 0;
    } else {
      x = Math.imul(x ^ (0xf0 | (cp >> 18)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | ((cp >> 12) & 63)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | ((cp >> 6) & 63)), FNV32_PRIME) >>> 0;
      x = Math.imul(x ^ (0x80 | (cp & 63)), FNV32_PRIME) >>> 0;
    }
  }
  return x;
}

export { utf8Bytes } from '../sim/utf8';

/** isUnset of frozen objects (stored selectors and templates, which never change). */
const unsetMemo = new WeakMap<object, boolean>();

/** True for values the semantic comparison treats as "not set": undefined, null, [] and {}. */
export function isUnset(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v !== 'object') return false;
  const frozen = Object.isFrozen(v);
  if (frozen) {
    const known = unsetMemo.get(v);
    if (known !== undefined) return known;
  }
  let unset = true;
  for (const k in v) {
    if (!isUnset((v as Record<string, unknown>)[k])) {
      unset = false;
      break;
    }
  }
  if (frozen) unsetMemo.set(v, unset);
  return unset;
}

/** JSON with sorted keys and unset values dropped: one spelling per semantic value. */
export function canonicalJson(v: unknown): string {
  const out: string[] = [];
  return writeCanonical(v, out) ? out.join('') : 'null';
}

/** JSON.stringify of object keys, remembered: templates use the same few dozen field names. */
const quotedKeys = new Map<string, string>();

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * Append the canonical text of `v` to `out` as pieces (joined, they are the text); false, with
 * nothing appended, when the value is unset (so its key is left out). One list of pieces rather
 * than a string built per level: a defaulted pod template nests a few dozen objects.
 */
function writeCanonical(v: unknown, out: string[]): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) {
    if (v.length === 0) return false;
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      if (!writeCanonical(v[i], out)) out.push('null');
    }
    out.push(']');
    return true;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const start = out.length;
    out.push('{');
    let written = 0;
    for (const k of Object.keys(o).sort()) {
      const mark = out.length;
      if (written > 0) out.push(',');
      out.push(quoteKey(k), ':');
      if (writeCanonical(o[k], out)) written++;
      else out.length = mark;
    }
    if (written === 0) {
      out.length = start;
      return false;
    }
    out.push('}');
    return true;
  }
  const text = JSON.stringify(v) as string | undefined; // undefined for a function or symbol
  if (text === undefined) return false;
  out.push(text);
  return true;
}

/**
 * Models controller.ComputeHash(template, collisionCount). The template is the Deployment's own
 * (without the hash label); `collisionCount` is status.collisionCount when set.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  // FNV is a stream: hashing the pieces in turn hashes their concatenation (pieces are whole
  // JSON tokens, so no UTF-16 surrogate pair is split between two).
  const pieces: string[] = [];
  let h = FNV32_OFFSET;
  if (writeCanonical(template, pieces)) for (const p of pieces) h = fnv32aUtf8(p, h);
  else h = fnv32aUtf8('null', h);
  if (collisionCount !== undefined) {
    const c = collisionCount >>> 0;
    // binary.LittleEndian.PutUint32 into an 8-byte slice: 4 value bytes, then 4 zero bytes.
    h = fnv32a([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, (c >>> 24) & 0xff, 0, 0, 0, 0], h);
  }
  return safeEncodeString(String(h));
}
