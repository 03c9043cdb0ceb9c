/**
 * kube-proxy's chain names: `KUBE-SVC-` + 16 characters of base32(sha256(…)) (k8s-reference §1.3).
 *
 * Models pkg/proxy/iptables/proxier.go portProtoHash, servicePortPolicyClusterChain (and its
 * KUBE-SVL-/KUBE-EXT-/KUBE-FW- siblings) and servicePortEndpointChainName:
 *
 *   portProtoHash(svcPortName, proto) = base32.StdEncoding(sha256(svcPortName + proto))[:16]
 *   KUBE-SEP-…                        = base32.StdEncoding(sha256(svcPortName + proto + "ip:port"))[:16]
 *
 * The engine may not use `crypto` (it must run the same in every runtime, and WebCrypto is
 * asynchronous anyway), so SHA-256 (FIPS 180-4) and base32 (RFC 4648 §6, the standard alphabet
 * A–Z2–7) are implemented here. Names are memoised: a sync asks for the same few thousand names
 * over and over.
 */
import { utf8Bytes } from '../sim/utf8';

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4 §6.2)

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const H0 = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** The message schedule, reused: hashing is synchronous and never re-entered. */
const W = new Uint32Array(64);

/** SHA-256 of a byte string: the 32-byte digest. */
export function sha256(message: readonly number[] | Uint8Array): Uint8Array {
  const len = message.length;
  // Pad: 0x80, zeros, then the bit length as a 64-bit big-endian integer; a multiple of 64 bytes.
  const padded = new Uint8Array((((len + 8) >> 6) + 1) << 6);
  padded.set(message);
  padded[len] = 0x80;
  const bits = len * 8;
  const end = padded.length;
  padded[end - 4] = (bits >>> 24) & 0xff;
  padded[end - 3] = (bits >>> 16) & 0xff;
  padded[end - 2] = (bits >>> 8) & 0xff;
  padded[end - 1] = bits & 0xff;
  // (Messages here are short; the high 32 bits of the length stay zero below 512 MiB.)
  padded[end - 5] = Math.floor(bits / 0x100000000) & 0xff;

  let [h0, h1, h2, h3, h4, h5, h6, h7] = H0 as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let off = 0; off < end; off += 64) {
    for (let t = 0; t < 16; t++) {
      const i = off + t * 4;
      W[t] = (padded[i]! << 24) | (padded[i + 1]! << 16) | (padded[i + 2]! << 8) | padded[i + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  const out = new Uint8Array(32);
  [h0, h1, h2, h3, h4, h5, h6, h7].forEach((v, i) => {
    out[i * 4] = (v >>> 24) & 0xff;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  });
  return out;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** Lower-case hex of a digest (for tests against published vectors). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

// ---------------------------------------------------------------------------------------------
// base32 (RFC 4648 §6), as Go's base32.StdEncoding

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString: 5 bits per character, `=` padding to a multiple of 8. */
export function base32Std(bytes: Uint8Array | readonly number[]): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Chain names

/** The per-service-port chains share one hash; only the prefix differs (k8s-reference §1.3). */
export type ServiceChainPrefix = 'KUBE-SVC-' | 'KUBE-SVL-' | 'KUBE-EXT-' | 'KUBE-FW-';

export const SERVICE_CHAIN_PREFIXES: readonly ServiceChainPrefix[] = [
  'KUBE-SVC-',
  'KUBE-SVL-',
  'KUBE-EXT-',
  'KUBE-FW-',
];
export const ENDPOINT_CHAIN_PREFIX = 'KUBE-SEP-';

/**
 * Memoised hashes by input text. Bounded: forgotten wholesale when full (a long session creates
 * and deletes many services; the names of the live ones come straight back).
 */
const HASH_MEMO_LIMIT = 100_000;
let memo = new Map<string, string>();

function hash16(text: string): string {
  let h = memo.get(text);
  if (h === undefined) {
    h = base32Std(sha256(utf8Bytes(text))).slice(0, 16);
    if (memo.size >= HASH_MEMO_LIMIT) memo = new Map();
    memo.set(text, h);
  }
  return h;
}

/**
 * Models proxier.go portProtoHash: 16 characters of base32(sha256(svcPortName + proto)).
 * `proto` is lower-case (`tcp`, `udp`, `sctp`); svcPortName is `ns/name` or `ns/name:port`.
 */
export function portProtoHash(svcPortName: string, proto: string): string {
  return hash16(svcPortName + proto);
}

/** `KUBE-SVC-XPGD46QRK7WJZT7O` (or SVL/EXT/FW with the same hash) for a service port. */
export function servicePortChainName(
  prefix: ServiceChainPrefix,
  svcPortName: string,
  proto: string,
): string {
  return prefix + portProtoHash(svcPortName, proto);
}

/**
 * Models proxier.go servicePortEndpointChainName: `KUBE-SEP-` + 16 characters of
 * base32(sha256(svcPortName + proto + "ip:port")).
 */
export function endpointChainName(svcPortName: string, proto: string, ipPort: string): string {
  return ENDPOINT_CHAIN_PREFIX + hash16(svcPortName + proto + ipPort);
}

/** Models proxier.go isServiceChainName: the chains kube-proxy deletes when unused. */
export function isServiceChainName(chain: string): boolean {
  return (
    chain.startsWith('KUBE-SVC-') ||
    chain.startsWith('KUBE-SVL-') ||
    chain.startsWith('KUBE-SEP-') ||
    chain.startsWith('KUBE-FW-') ||
    chain.startsWith('KUBE-EXT-')
  );
}
