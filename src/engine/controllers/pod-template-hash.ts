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

export { utf8Bytes } from '../sim/utf8';
import { utf8Bytes } from '../sim/utf8';

/** True for values the semantic comparison treats as "not set": undefined, null, [] and {}. */
export function isUnset(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).every((k) => isUnset((v as never)[k]));
  return false;
}

/** JSON with sorted keys and unset values dropped: one spelling per semantic value. */
export function canonicalJson(v: unknown): string {
  return canonical(v) ?? 'null';
}

/** The canonical text, or undefined when the value is unset (so its key is left out). */
function canonical(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    return `[${v.map((x) => canonical(x) ?? 'null').join(',')}]`;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(o).sort()) {
      const s = canonical(o[k]);
      if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
    }
    return parts.length === 0 ? undefined : `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Models controller.ComputeHash(template, collisionCount). The template is the Deployment's own
 * (without the hash label); `collisionCount` is status.collisionCount when set.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(utf8Bytes(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const c = collisionCount >>> 0;
    // binary.LittleEndian.PutUint32 into an 8-byte slice: 4 value bytes, then 4 zero bytes.
    h = fnv32a([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, (c >>> 24) & 0xff, 0, 0, 0, 0], h);
  }
  return safeEncodeString(String(h));
}
