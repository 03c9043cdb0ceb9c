/**
 * DNS messages as the playground's servers answer them and its tools print them: the question,
 * the three record sections, the header bits the tools look at (rcode, AA, RA), and the size the
 * message would have on the wire (dig's `MSG SIZE  rcvd:`, RFC 1035 §4 with name compression).
 *
 * Records are kept in presentation form — the owner name fully qualified with its trailing dot,
 * the RDATA as `dig` prints it (`10.96.0.1`, `0 100 80 nginx.default.svc.cluster.local.`) — since
 * that is all the tools need; the wire size is computed from it. Only class IN exists.
 */
import { ipToNumber } from '../netfilter/packet';

export type RRType = 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'SRV' | 'SOA' | 'NS' | 'TXT' | 'MX' | 'ANY';

export const RR_TYPES: readonly RRType[] = [
  'A',
  'AAAA',
  'CNAME',
  'PTR',
  'SRV',
  'SOA',
  'NS',
  'TXT',
  'MX',
  'ANY',
];

const TYPE_CODE: Readonly<Record<RRType, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  ANY: 255,
};

export function typeCode(t: RRType): number {
  return TYPE_CODE[t];
}

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export interface RR {
  /** Fully qualified, with the trailing dot: `kubernetes.default.svc.cluster.local.` */
  name: string;
  ttl: number;
  type: RRType;
  /** RDATA in presentation form (names fully qualified). */
  data: string;
}

export interface Question {
  /** Fully qualified, with the trailing dot. */
  name: string;
  type: RRType;
}

export interface DnsMessage {
  question: Question;
  rcode: Rcode;
  /** Authoritative answer (CoreDNS's kubernetes plugin sets it; forwarded answers do not). */
  aa: boolean;
  /** Recursion available (set by recursive resolvers: the upstream, systemd-resolved). */
  ra: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** Which part of the server produced it, for the trace: `kubernetes`, `forward`, … */
  source: string;
}

/** `kubernetes.default` → `kubernetes.default.` (idempotent); lower-cased as DNS compares. */
export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** The name without its trailing dot (how resolvers hand names back to programs). */
export function bare(name: string): string {
  return name.endsWith('.') && name.length > 1 ? name.slice(0, -1) : name;
}

/** `10.96.0.1` → `1.0.96.10.in-addr.arpa.`, or undefined if it is not an IPv4 address. */
export function reverseName(ip: string): string | undefined {
  if (ipToNumber(ip) === undefined) return undefined;
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** `1.0.96.10.in-addr.arpa.` → `10.96.0.1` (undefined when not a full IPv4 reverse name). */
export function addressFromReverse(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.?$/i.exec(name);
  if (!m) return undefined;
  const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  return ipToNumber(ip) === undefined ? undefined : ip;
}

/** Labels of a name, without the root: `a.b.` → [a, b]. */
function labels(name: string): string[] {
  const n = bare(name);
  return n === '' || n === '.' ? [] : n.split('.');
}

/**
 * The size of the message on the wire, as `dig` reports it (`MSG SIZE  rcvd:`): the 12-byte
 * header, the question, each record (owner, type, class, TTL, RDLENGTH, RDATA), and the EDNS OPT
 * pseudo-record (11 bytes) when the answer carries one. With `compress`, names are compressed as
 * RFC 1035 §4.1.4 allows: any suffix already written is a 2-byte pointer, names inside CNAME, PTR,
 * NS, MX and SOA RDATA too, the SRV target not (RFC 2782). CoreDNS does not compress replies that
 * fit a datagram (request.Scrub compresses only above 1480 bytes): `kubernetes.default.svc.
 * cluster.local` A comes back in 117 bytes, as dig shows on a real cluster.
 */
export function wireSize(msg: DnsMessage, edns: boolean, compress: boolean): number {
  const seen = new Set<string>();
  const nameLen = (name: string, compressible: boolean): number => {
    const ls = labels(name);
    let size = 0;
    for (let i = 0; i < ls.length; i++) {
      const suffix = ls.slice(i).join('.').toLowerCase();
      if (compress && compressible && seen.has(suffix)) return size + 2;
      seen.add(suffix);
      size += 1 + (ls[i] as string).length;
    }
    return size + 1;
  };
  const rdataLen = (rr: RR): number => {
    const f = rr.data.split(' ');
    switch (rr.type) {
      case 'A':
        return 4;
      case 'AAAA':
        return 16;
      case 'CNAME':
      case 'PTR':
      case 'NS':
        return nameLen(rr.data, true);
      case 'MX':
        return 2 + nameLen(f[1] ?? '.', true);
      case 'SRV':
        return 6 + nameLen(f[3] ?? '.', false);
      case 'SOA':
        return nameLen(f[0] ?? '.', true) + nameLen(f[1] ?? '.', true) + 20;
      case 'TXT':
        return 1 + rr.data.replace(/^"|"$/g, '').length;
      default:
        return 0;
    }
  };
  let size = 12 + nameLen(msg.question.name, true) + 4;
  for (const rr of [...msg.answer, ...msg.authority, ...msg.additional]) {
    size += nameLen(rr.name, true) + 10 + rdataLen(rr);
  }
  if (edns) size += 11;
  return size;
}

/** The size of the query a client sends for this question (for the packet counters). */
export function querySize(q: Question, edns: boolean): number {
  return 12 + labels(q.name).reduce((n, l) => n + 1 + l.length, 1) + 4 + (edns ? 11 : 0);
}

/** A short text of an answer for the trace: `A 10.96.0.1`, `CNAME example.com.`, `NXDOMAIN`. */
export function summarize(msg: DnsMessage): string {
  if (msg.rcode !== 'NOERROR') return msg.rcode;
  if (msg.answer.length === 0) return 'NOERROR, no records (NODATA)';
  return msg.answer.map((rr) => `${rr.type} ${rr.data}`).join(', ');
}
