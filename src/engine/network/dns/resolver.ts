/**
 * The resolver a program links against — what `getaddrinfo()` and `getnameinfo()` do with
 * /etc/hosts and /etc/resolv.conf — for the programs of the playground that look names up (curl,
 * wget, busybox 1.28's nslookup, getent). Each DNS query it sends is a traced request
 * (query.ts); their hops, in order, are the lookup's trace.
 *
 * /etc/resolv.conf as libc reads it: up to 3 `nameserver`s, the `search` list (or `domain`),
 * `options ndots:N timeout:N attempts:N` (defaults 1, 5 s, 2). A pod's file comes from its
 * dnsPolicy (container-fs / pod-files.ts: ClusterFirst gives `search <ns>.svc.cluster.local
 * svc.cluster.local cluster.local`, `nameserver 10.96.0.10`, `options ndots:5`); a node's is
 * systemd-resolved's stub (`nameserver 127.0.0.53`, `search .`) — no cluster domain, which is why
 * `nslookup kubernetes` on a node fails.
 *
 * Search-list expansion (the order of the tries, each a separate query):
 *  - glibc (res_nsearch): a name with at least `ndots` dots is tried as is first; then the search
 *    domains in order (`.` in the list means the name itself); then the name as is, if not tried
 *    yet. A trailing dot: only the name. With ndots:5 `nginx` is tried as
 *    `nginx.default.svc.cluster.local` first — the hit — and `example.com` only after three misses.
 *  - musl (Alpine, name_from_dns_search): the search domains only when the name has fewer than
 *    `ndots` dots, then the name as is.
 *  - uClibc-ng (busybox 1.28's image): treated as glibc (the same order for every name a lesson uses).
 * A try that answers NXDOMAIN or no address (NODATA) moves on to the next; glibc also moves on
 * after SERVFAIL, musl stops. Lost queries: glibc and uClibc wait `timeout` per attempt (5 s × 2)
 * and then give up (EAI_AGAIN, no further tries); musl waits `timeout` in all, resending at half
 * of it. ICMP port unreachable (kube-dns without endpoints): glibc and uClibc use connected UDP
 * sockets and see ECONNREFUSED at once — each attempt fails immediately and the lookup stops;
 * musl's unconnected socket never sees the ICMP error and times out.
 *
 * Simplified: only A queries are sent (resolvers also ask AAAA, in parallel; the cluster is
 * IPv4-only and would answer NODATA); the servers are tried in resolv.conf order per attempt
 * (no `rotate`); nsswitch is `files dns`.
 */
import type { ClusterContext } from '../../context';
import type { VirtualFs } from '../../shell/fs';
import { ipToNumber } from '../netfilter/packet';
import type { RequestFrom } from '../trace/request';
import type { DnsQueryRecord, Hop } from '../trace/trace';
import { ipPort } from '../trace/trace';
import type { DnsMessage, RRType } from './message';
import { bare, fqdn, reverseName } from './message';
import type { DnsExchange } from './query';
import { sendDnsQuery } from './query';

export type Libc = 'glibc' | 'musl' | 'uclibc';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
  timeoutMs: number;
  attempts: number;
}

/** Parse /etc/resolv.conf as libc's res_init does (a missing file: 127.0.0.1, ndots 1). */
export function parseResolvConf(text: string | undefined): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1, timeoutMs: 5000, attempts: 2 };
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...args] = line.split(/\s+/);
    if (key === 'nameserver' && args[0] && conf.nameservers.length < 3) {
      if (ipToNumber(args[0]) !== undefined) conf.nameservers.push(args[0]);
    } else if (key === 'search') {
      conf.search = args.slice(0, 6);
    } else if (key === 'domain' && args[0]) {
      conf.search = [args[0]];
    } else if (key === 'options') {
      for (const o of args) {
        const m = /^(ndots|timeout|attempts):(\d+)$/.exec(o);
        if (!m) continue;
        const v = Number(m[2]);
        if (m[1] === 'ndots') conf.ndots = Math.min(v, 15);
        else if (m[1] === 'timeout') conf.timeoutMs = Math.min(Math.max(v, 1), 30) * 1000;
        else conf.attempts = Math.min(Math.max(v, 1), 5);
      }
    }
  }
  if (conf.nameservers.length === 0) conf.nameservers.push('127.0.0.1');
  return conf;
}

/**
 * The names a lookup of `name` tries, in order, fully qualified.
 * Models glibc resolv/res_query.c __res_context_search and musl src/network/lookup_name.c
 * name_from_dns_search.
 */
export function searchCandidates(name: string, conf: ResolvConf, libc: Libc): string[] {
  if (name.endsWith('.')) return [name];
  const dots = (name.match(/\./g) ?? []).length;
  const withDomain = (d: string): string =>
    d === '.' || d === '' ? fqdn(name) : fqdn(`${name}.${d.replace(/\.$/, '')}`);
  const out: string[] = [];
  const add = (n: string): void => {
    if (!out.includes(n)) out.push(n);
  };
  if (libc === 'musl') {
    if (dots < conf.ndots) for (const d of conf.search) add(withDomain(d));
    add(fqdn(name));
    return out;
  }
  if (dots >= conf.ndots) add(fqdn(name));
  for (const d of conf.search) add(withDomain(d));
  add(fqdn(name));
  return out;
}

/** Look a name up in a hosts file (first match), or an address's first name. */
export function hostsLookup(text: string | undefined, name: string): string[] {
  const want = name.replace(/\.$/, '').toLowerCase();
  const out: string[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    const ip = fields[0];
    if (!ip || ipToNumber(ip) === undefined) continue;
    if (fields.slice(1).some((f) => f.toLowerCase() === want) && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/** The canonical name a hosts file gives an address (its first name), if any. */
export function hostsReverse(text: string | undefined, ip: string): string | undefined {
  for (const raw of (text ?? '').split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (fields[0] === ip && fields[1]) return fields[1];
  }
  return undefined;
}

/** Where a resolver runs: who sends the queries, and the file system with its config files. */
export interface ResolverEnv {
  ctx: ClusterContext;
  from: RequestFrom;
  fs: Pick<VirtualFs, 'read'>;
  libc: Libc;
  /** Virtual ms after now at which the lookup starts (a tool's earlier lookups). */
  offsetMs?: number;
}

export interface LookupResult {
  /** The name as asked. */
  name: string;
  addresses: string[];
  /** The name that answered, without its trailing dot (after CNAMEs: their target). */
  canonical?: string;
  /** The names the lookup went through (CNAME owners), for getent's aliases. */
  aliases: string[];
  source: 'numeric' | 'hosts' | 'dns' | 'none';
  /** Why it failed: no such name (EAI_NONAME), or no server answered (EAI_AGAIN). */
  error?: 'notfound' | 'again';
  /** Whether some server refused (ICMP port unreachable) — for the tools' wording. */
  refused: boolean;
  queries: DnsQueryRecord[];
  /** The queries' hops, in order, times relative to the lookup's start. */
  hops: Hop[];
  durationMs: number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** A lookup in progress: the queries it sent and the time they took. */
class Lookup {
  readonly queries: DnsQueryRecord[] = [];
  readonly hops: Hop[] = [];
  t = 0;
  refused = false;

  constructor(readonly env: ResolverEnv) {}

  /** Send one query at the lookup's current time; the clock of the lookup does not move. */
  send(server: string, name: string, type: RRType): DnsExchange {
    const ex = sendDnsQuery(this.env.ctx, {
      from: this.env.from,
      server,
      name,
      type,
      offsetMs: (this.env.offsetMs ?? 0) + this.t,
    });
    for (const h of ex.hops) this.hops.push({ ...h, atMs: round3(this.t + h.atMs) });
    const r = ex.result;
    this.queries.push({
      name: ex.question.name,
      type,
      server: ipPort(server, 53),
      result: r.kind === 'answer' ? r.message.rcode : r.kind === 'refused' ? 'refused' : 'timeout',
      answers: r.kind === 'answer' ? r.message.answer.map((rr) => `${rr.type} ${rr.data}`) : [],
      atMs: round3(this.t),
      durationMs: ex.elapsedMs,
    });
    return ex;
  }

  /**
   * One question, as res_send asks it: each attempt tries each server; an answer ends it. Returns
   * the answer, or why there is none.
   */
  ask(conf: ResolvConf, name: string, type: RRType): DnsMessage | 'again' {
    const libc = this.env.libc;
    if (libc === 'musl') {
      // res_msend: every server at once, resent every timeout/attempts, for `timeout` in all.
      const interval = conf.timeoutMs / conf.attempts;
      const start = this.t;
      for (let a = 0; a < conf.attempts; a++) {
        this.t = round3(start + a * interval);
        for (const s of conf.nameservers) {
          const ex = this.send(s, name, type);
          if (ex.result.kind === 'answer') {
            this.t = round3(this.t + ex.elapsedMs);
            return ex.result.message;
          }
          if (ex.result.kind === 'refused') this.refused = true;
        }
      }
      this.t = round3(start + conf.timeoutMs);
      return 'again';
    }
    for (let a = 0; a < conf.attempts; a++) {
      for (const s of conf.nameservers) {
        const ex = this.send(s, name, type);
        if (ex.result.kind === 'answer') {
          this.t = round3(this.t + ex.elapsedMs);
          return ex.result.message;
        }
        if (ex.result.kind === 'refused') {
          // A connected socket: ECONNREFUSED at once, next server.
          this.refused = true;
          this.t = round3(this.t + ex.elapsedMs);
        } else {
          this.t = round3(this.t + conf.timeoutMs);
        }
      }
    }
    return 'again';
  }

  result(base: Omit<LookupResult, 'queries' | 'hops' | 'durationMs' | 'refused'>): LookupResult {
    return {
      ...base,
      refused: this.refused,
      queries: this.queries,
      hops: this.hops,
      durationMs: this.t,
    };
  }
}

/** The A records of an answer, following its CNAME chain from `owner`. */
function addressesOf(
  msg: DnsMessage,
  owner: string,
): { addresses: string[]; canonical: string; aliases: string[] } {
  let cur = owner.toLowerCase();
  const aliases: string[] = [];
  for (let i = 0; i < 8; i++) {
    const cname = msg.answer.find((rr) => rr.type === 'CNAME' && rr.name.toLowerCase() === cur);
    if (!cname) break;
    aliases.push(bare(cur));
    cur = cname.data.toLowerCase();
  }
  const addresses = msg.answer
    .filter((rr) => rr.type === 'A' && rr.name.toLowerCase() === cur)
    .map((rr) => rr.data);
  return { addresses, canonical: bare(cur), aliases };
}

/** The pod's or node's resolv.conf and hosts file. */
function configOf(env: ResolverEnv): { conf: ResolvConf; hosts: string | undefined } {
  return {
    conf: parseResolvConf(env.fs.read('/etc/resolv.conf')),
    hosts: env.fs.read('/etc/hosts'),
  };
}

/**
 * getaddrinfo(name) for IPv4: a numeric address as is; the hosts file; then DNS through the
 * search list. Models glibc's getaddrinfo → nss files → nss dns → res_nsearch.
 */
export function getaddrinfo(env: ResolverEnv, name: string): LookupResult {
  const lk = new Lookup(env);
  if (ipToNumber(name) !== undefined) {
    return lk.result({ name, addresses: [name], canonical: name, aliases: [], source: 'numeric' });
  }
  const { conf, hosts } = configOf(env);
  const fromHosts = hostsLookup(hosts, name);
  if (fromHosts.length > 0) {
    return lk.result({
      name,
      addresses: fromHosts,
      canonical: name.replace(/\.$/, ''),
      aliases: [],
      source: 'hosts',
    });
  }
  let again = false;
  for (const candidate of searchCandidates(name, conf, env.libc)) {
    const msg = lk.ask(conf, candidate, 'A');
    if (msg === 'again') {
      again = true;
      break;
    }
    if (msg.rcode === 'NOERROR') {
      const a = addressesOf(msg, candidate);
      if (a.addresses.length > 0) {
        return lk.result({
          name,
          addresses: a.addresses,
          canonical: a.canonical,
          aliases: a.aliases,
          source: 'dns',
        });
      }
      continue;
    }
    if (msg.rcode === 'SERVFAIL' && env.libc === 'musl') {
      again = true;
      break;
    }
    if (msg.rcode !== 'NXDOMAIN' && msg.rcode !== 'SERVFAIL') break;
  }
  return lk.result({
    name,
    addresses: [],
    aliases: [],
    source: 'none',
    error: again ? 'again' : 'notfound',
  });
}

/**
 * getnameinfo(address, NI_NAMEREQD): the hosts file's name for it, else the PTR of its reverse
 * name (asked as is: it is absolute). Undefined name when neither knows it.
 */
export function getnameinfo(env: ResolverEnv, ip: string): LookupResult {
  const lk = new Lookup(env);
  const { conf, hosts } = configOf(env);
  const fromHosts = hostsReverse(hosts, ip);
  if (fromHosts)
    return lk.result({
      name: ip,
      addresses: [ip],
      canonical: fromHosts,
      aliases: [],
      source: 'hosts',
    });
  const rev = reverseName(ip);
  if (!rev)
    return lk.result({ name: ip, addresses: [], aliases: [], source: 'none', error: 'notfound' });
  const msg = lk.ask(conf, rev, 'PTR');
  if (msg === 'again')
    return lk.result({ name: ip, addresses: [ip], aliases: [], source: 'none', error: 'again' });
  const ptr = msg.rcode === 'NOERROR' ? msg.answer.find((rr) => rr.type === 'PTR') : undefined;
  if (!ptr)
    return lk.result({ name: ip, addresses: [ip], aliases: [], source: 'none', error: 'notfound' });
  return lk.result({
    name: ip,
    addresses: [ip],
    canonical: bare(ptr.data),
    aliases: [],
    source: 'dns',
  });
}

/** Which resolver a pod's programs use, from its image: musl on Alpine, uClibc in old busybox. */
export function libcOfImage(image: string | undefined): Libc {
  const ref = (image ?? '').toLowerCase();
  const last = ref.split('/').pop() ?? '';
  const [repo, tag = 'latest'] = last.split(':');
  if (repo === 'busybox') {
    if (tag.includes('musl')) return 'musl';
    if (tag.includes('glibc')) return 'glibc';
    const m = /^1\.(\d+)/.exec(tag);
    return tag.includes('uclibc') || (m !== null && Number(m[1]) <= 30) ? 'uclibc' : 'glibc';
  }
  if (repo === 'alpine' || tag.includes('alpine') || repo === 'curl' || repo === 'netshoot')
    return 'musl';
  return 'glibc';
}
