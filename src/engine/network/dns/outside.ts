/**
 * The world outside the cluster, as far as DNS goes: the recursive resolver on the node network
 * (192.168.100.1, the router the nodes' systemd-resolved and CoreDNS's `forward . /etc/resolv.conf`
 * send to) and the handful of public names it knows. Enough to show that `example.com` resolves
 * from a pod (through CoreDNS, which forwards it) and that cluster names do not resolve outside.
 *
 * The addresses are the ones these names had when this table was written; the simulated
 * internet is IPv4-only (AAAA questions get an empty answer) and answers nothing else
 * (NXDOMAIN, with the root's SOA as a real recursive resolver would pass it on). Answers are
 * not authoritative (no AA bit) and offer recursion (RA), as from any recursive resolver.
 */
import type { DnsMessage, Question, RR } from './message';
import { addressFromReverse } from './message';

/** The upstream recursive resolver on the node network (the nodes' /etc/resolv.conf upstream). */
export const UPSTREAM_RESOLVER = '192.168.100.1';

/** Public resolvers a pod's dnsConfig may name; they answer as the upstream resolver does. */
export const PUBLIC_RESOLVERS: ReadonlySet<string> = new Set([
  '8.8.8.8',
  '8.8.4.4',
  '1.1.1.1',
  '1.0.0.1',
  '9.9.9.9',
]);

interface OutsideName {
  a?: string[];
  cname?: string;
  ttl: number;
}

/** The public names the simulated internet knows (fully qualified). */
const NAMES: Readonly<Record<string, OutsideName>> = {
  'example.com.': { a: ['93.184.216.34'], ttl: 3600 },
  'www.example.com.': { a: ['93.184.216.34'], ttl: 3600 },
  'example.org.': { a: ['93.184.216.34'], ttl: 3600 },
  'www.example.org.': { a: ['93.184.216.34'], ttl: 3600 },
  'google.com.': { a: ['142.250.185.78'], ttl: 300 },
  'www.google.com.': { a: ['142.250.185.68'], ttl: 300 },
  'kubernetes.io.': { a: ['147.75.40.148'], ttl: 3600 },
  'www.kubernetes.io.': { cname: 'kubernetes.io.', ttl: 3600 },
  'github.com.': { a: ['140.82.121.4'], ttl: 60 },
  'registry.k8s.io.': { a: ['34.96.108.209'], ttl: 3600 },
  'docker.io.': { a: ['44.219.3.189'], ttl: 60 },
  'registry-1.docker.io.': { a: ['54.198.86.24'], ttl: 60 },
  'dns.google.': { a: ['8.8.8.8', '8.8.4.4'], ttl: 900 },
  'one.one.one.one.': { a: ['1.1.1.1', '1.0.0.1'], ttl: 300 },
};

/** Reverse names the simulated internet answers. */
const PTRS: Readonly<Record<string, string>> = {
  '8.8.8.8': 'dns.google.',
  '8.8.4.4': 'dns.google.',
  '1.1.1.1': 'one.one.one.one.',
  '1.0.0.1': 'one.one.one.one.',
};

const ROOT_SOA: RR = {
  name: '.',
  ttl: 86400,
  type: 'SOA',
  data: 'a.root-servers.net. nstld.verisign-grs.com. 2024060300 1800 900 604800 86400',
};

function message(q: Question, rcode: DnsMessage['rcode'], answer: RR[]): DnsMessage {
  return {
    question: q,
    rcode,
    aa: false,
    ra: true,
    answer,
    authority: rcode === 'NXDOMAIN' || answer.length === 0 ? [ROOT_SOA] : [],
    additional: [],
    source: 'upstream',
  };
}

/**
 * What the upstream resolver answers (recursively, so a CNAME comes with its target's records).
 * Private addresses' reverse names and unknown names are NXDOMAIN.
 */
export function outsideAnswer(q: Question): DnsMessage {
  const name = q.name.toLowerCase();
  const ip = addressFromReverse(name);
  if (ip !== undefined) {
    const ptr = PTRS[ip];
    if (!ptr) return message(q, 'NXDOMAIN', []);
    return q.type === 'PTR' || q.type === 'ANY'
      ? message(q, 'NOERROR', [{ name: q.name, ttl: 86400, type: 'PTR', data: ptr }])
      : message(q, 'NOERROR', []);
  }
  const answer: RR[] = [];
  let cur = name;
  let owner = q.name;
  for (let hops = 0; hops < 8; hops++) {
    const entry = NAMES[cur];
    if (!entry)
      return answer.length > 0 ? message(q, 'NOERROR', answer) : message(q, 'NXDOMAIN', []);
    if (entry.cname) {
      answer.push({ name: owner, ttl: entry.ttl, type: 'CNAME', data: entry.cname });
      if (q.type === 'CNAME') break;
      cur = entry.cname;
      owner = entry.cname;
      continue;
    }
    if (q.type === 'A' || q.type === 'ANY') {
      for (const a of entry.a ?? [])
        answer.push({ name: owner, ttl: entry.ttl, type: 'A', data: a });
    }
    break;
  }
  return message(q, 'NOERROR', answer);
}

/** Whether the simulated internet knows the name (for the resolvers' own checks and tests). */
export function outsideKnows(name: string): boolean {
  return (
    NAMES[name.toLowerCase().endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`] !==
    undefined
  );
}
